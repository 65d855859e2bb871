"""The book's own answers, put back into the student edition, score full marks in the
sandboxed grader: every autograded exercise of every chapter passes through the plain-data
channel and the cell analysis exactly as a student's correct work would (the build only shows
that each check passes in the chapter's own kernel)."""

from __future__ import annotations

import re

import nbformat
import pytest

import coursework as cw
from conftest import ROOT, sandbox_or_skip
from coursework import classroom, edition, grading

pytestmark = pytest.mark.grading


def test_the_books_answers_score_full_marks(tmp_path):
    sandbox_or_skip()
    chapters = cw.toc_chapters(ROOT)
    edition.build_student_edition(ROOT, tmp_path / "edition", chapters, package=False)
    subs = tmp_path / "subs"
    subs.mkdir()
    autograded = {}
    for path in chapters:
        ch = cw.student_chapter(path)
        answers = {e.label: e.answer + "\n" + e.check for e in ch.exercises if e.answer}
        autograded[path.stem] = [e.label for e in ch.exercises if e.autograded]
        nb = nbformat.read(tmp_path / "edition" / f"{path.stem}.ipynb", as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get(cw.META, {})
            if meta.get("role") == "answer":       # the stub becomes the book's answer
                cell.source = answers[meta["exercise"]]
        nbformat.write(nb, subs / f"{path.stem}.ipynb")
    classroom.grade_folder(subs, tmp_path / "out", grading.Assignment.from_book(chapters),
                           jobs=2)
    for path in chapters:
        text = (tmp_path / "out" / "feedback" / f"{path.stem}.md").read_text()
        statuses = dict(re.findall(r"^- \*\*(ex-[\w-]+)\*\* \([^,]+, ([\w ]+)\)", text, re.M))
        assert autograded[path.stem], path.stem
        for label in autograded[path.stem]:
            assert statuses.get(label) == "correct", f"{label}: {text}"
