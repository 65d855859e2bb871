"""The student edition (``make student``, :mod:`coursework.edition`): no solution survives, in
the notebooks, in an HTML build of them or in the package it bundles; every name a kept cell
uses is still defined; graded blank, every exercise says "not yet" and no cell raises."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

import coursework as cw
from conftest import ROOT, sandbox_or_skip
from coursework import analysis
from coursework import edition as ed

DEMO = ROOT / "tests" / "data" / "coursework" / "coursework-demo.md"
CHAPTERS = [DEMO, *cw.toc_chapters(ROOT)]


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    ed.build_student_edition(ROOT, out, CHAPTERS)
    return out


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _solutions(path: Path) -> list[str]:
    return cw.student_chapter(path).solution_text


def test_the_demo_has_solutions_to_look_for():
    secret = _solutions(DEMO)
    assert "return (T - A) * A * (1 - A)" in secret
    assert "weighted_back = delta_out @ W2" in secret
    assert any("unmistakably one minus tanh squared" in s for s in secret)
    assert any("sigmoid slope factor nearly vanishes" in s for s in secret)
    assert any("saturated_delta_value" in s for s in secret)  # the hidden check cell


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_no_solution_text_in_the_notebooks(edition, path):
    nb_text = _normal((edition / f"{path.stem}.ipynb").read_text())
    md_text = _normal((edition / "book" / f"{path.stem}.md").read_text())
    for line in _solutions(path):
        for text in (nb_text, md_text):
            assert _normal(json.dumps(line)[1:-1]) not in text and _normal(line) not in text, \
                f"solution text survived in the student edition of {path.stem}: {line!r}"
    assert cw.BEGIN not in nb_text and cw.END not in nb_text
    assert "{solution" not in nb_text and "{solution" not in md_text


def test_notebooks_carry_the_metadata_the_grader_matches_on(edition):
    nb = nbformat.read(edition / "coursework-demo.ipynb", as_version=4)
    assert nb.metadata[cw.META]["chapter"] == "coursework-demo"
    answers = [c for c in nb.cells if c.metadata.get(cw.META, {}).get("role") == "answer"]
    assert [c.metadata[cw.META]["exercise"] for c in answers] == [
        "ex-coursework-demo-1", "ex-coursework-demo-2", "ex-coursework-demo-3",
        "ex-coursework-demo-5"]
    assert "check_backward_deltas(backward_deltas)" in answers[3].source
    assert "dE_dw = None" in answers[0].source
    assert 'raise NotImplementedError("ex-coursework-demo-2' in answers[1].source
    assert "check_hidden_deltas(hidden_deltas)" in answers[2].source
    # The exercise statements stay, readable outside Jupyter Book.
    assert any("**Exercise ex-coursework-demo-4.**" in c.source for c in nb.cells)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_name_a_kept_cell_uses_is_still_defined(edition, path):
    """Removing solutions must not leave a later cell using a name only a solution defined
    (the book build runs every chapter; the edition's cells are the same cells minus the
    solutions, so this is what could break it)."""
    import builtins

    nb = nbformat.read(edition / f"{path.stem}.ipynb", as_version=4)
    cells = analysis.code_cells(nb.cells)
    everywhere = set().union(*(c.defines for c in cells))
    defined = set(dir(builtins)) | {"display", "get_ipython", "__name__"}
    for cell in cells:
        assert not cell.syntax_error, f"{path.stem} code cell {cell.n}: {cell.syntax_error}"
        missing = (cell.uses_at_once - defined - cell.defines) | (cell.uses - everywhere
                                                                  - defined)
        defined |= cell.defines
        assert not missing, f"{path.stem} code cell {cell.n} uses {sorted(missing)}, which " \
            "no earlier cell of the student edition defines"


def test_the_edition_bundles_the_package(edition):
    assert (edition / "backprop" / "exercises" / "framework.py").is_file()
    assert (edition / "pyproject.toml").is_file() and not (edition / "coursework").exists()


def test_the_edition_ships_what_binder_installs_but_the_coursework_tool(edition):
    binder = edition / "binder"
    assert (binder / "runtime.txt").read_text() == (ROOT / "binder/runtime.txt").read_text()
    assert (binder / "lab" / "backprop_lab" / "__init__.py").is_file()
    assert not (binder / "postBuild").exists()
    requirements = (binder / "requirements.txt").read_text()
    assert "-e .\n./binder/lab\n" in requirements and "coursework" not in requirements
    # Every local path it installs is in the edition.
    for line in requirements.splitlines():
        if line.startswith(("./", "-e ")):
            assert (edition / line.removeprefix("-e ").strip()).exists(), line


def test_a_root_without_a_toc_is_a_clear_error(tmp_path):
    with pytest.raises(cw.CourseworkError, match="pass --root"):
        ed.build_student_edition(tmp_path, tmp_path / "out")


@pytest.mark.book
def test_no_solution_text_in_the_student_html(edition):
    html_dir = ed.build_student_html(ROOT, edition)
    pages = {p: html.unescape(re.sub(r"<[^>]+>", "", p.read_text()))
             for p in html_dir.rglob("*.html")}
    chapter_pages = [p for p in pages if p.stem in {c.stem for c in CHAPTERS}]
    assert len(chapter_pages) == len(CHAPTERS)
    for path in CHAPTERS:
        page = _normal(pages[html_dir / "book" / f"{path.stem}.html"])
        assert "YOUR CODE HERE" in page
        for line in _solutions(path):
            assert _normal(line) not in page, f"{path.stem}.html shows solution text {line!r}"
    sources = " ".join(p.read_text() for p in (html_dir / "_sources").rglob("*") if p.is_file())
    assert cw.BEGIN not in sources


def test_stub_keeps_the_check_and_replaces_each_region():
    source = "x = 1\n### BEGIN SOLUTION\ny = x + 1\nz: int = 2\n### END SOLUTION\ncheck(y)"
    stub = cw.stub_answer(source, "ex-a-1")
    assert "y = None" in stub and "z = None" in stub and "x + 1" not in stub
    assert stub.startswith("x = 1") and stub.endswith("check(y)")


def test_the_stripped_markdown_keeps_the_answer_cells(edition):
    nb = jupytext.read(edition / "book" / "coursework-demo.md")
    labels = [c.metadata[cw.META]["exercise"] for c in nb.cells if cw.META in c.metadata]
    assert labels == ["ex-coursework-demo-1", "ex-coursework-demo-2", "ex-coursework-demo-3",
                      "ex-coursework-demo-5"]


# --------------------------------------------------------------------------- no leaked answers
@pytest.mark.parametrize("path", cw.toc_chapters(ROOT),
                         ids=[p.stem for p in cw.toc_chapters(ROOT)])
def test_every_answer_cell_calls_one_registered_check(path):
    """After ``### END SOLUTION`` only ``exercises.check_<name>(answer names)`` may stay
    visible: an assert, a formula or a number would show the answer, and the grader needs
    the names to read."""
    for e in cw.student_chapter(path).exercises:
        if e.answer:
            assert e.autograded, (
                f"{e.label}: after ### END SOLUTION put exactly one call of a registered "
                f"check with the answers' names as its arguments; found {e.check!r}")


@pytest.mark.parametrize("check", [
    "assert equivalent(odd_sum, 2 * (w1 + w2 + w3) + 4 * b)",
    "exercises.check_parity_sums(odd_sum, 2 * b)",
    "exercises.check_output_deltas(output_deltas)\nprint(output_deltas)",
    "exercises.check_no_such_thing(x)",
    "print(x)",
    "exercises.check_output_deltas(lambda T, A: T)",
])
def test_the_check_reader_rejects_anything_but_one_call(check):
    assert cw.parse_check(check) is None


def test_the_check_reader_maps_answers_to_names():
    call = cw.parse_check("from backprop import exercises\n\n"
                          "exercises.check_parity_sums(odd, net.even)")
    assert call.name == "check_parity_sums"
    assert dict(call.answers) == {"odd_sum": "odd", "even_sum": "net.even"}
    assert cw.parse_check("check_output_deltas(f)").answers == {"output_deltas": "f"}


def _answer_lines(path: Path) -> set[str]:
    """The solution's statements that compute something (the answer lines and the author's
    own checks), white space removed: what must not appear in the package the student
    edition bundles."""
    out = set()
    for line in cw.student_chapter(path).solution_text:
        code = re.sub(r"\s+", "", line.split("#")[0])
        if len(code) >= 16 and re.search(r"[-+*/@]", code) and (
                "=" in code or code.startswith("return")) and \
                not re.match(r"(for|if|elif|while|def|with)\b", line.strip()):
            out.add(code)
    return out


def test_the_bundled_package_holds_no_answer():
    package = {p: re.sub(r"\s+", "", p.read_text()) for p in (ROOT / "backprop").rglob("*.py")}
    found = [(path.stem, line, str(p.relative_to(ROOT))) for path in CHAPTERS
             for line in _answer_lines(path) for p, text in package.items() if line in text]
    assert not found, f"answer lines in the package the student edition ships: {found}"
    assert "(T-A)*A*(1-A)" in "".join(_answer_lines(DEMO))  # the search sees answers


@pytest.mark.grading
def test_graded_blank_every_exercise_is_not_yet_and_no_cell_raises(edition, tmp_path):
    """The edition's notebooks through the sandboxed grader (only the cells the exercises
    need run, so no chapter is executed a second time in the test suite)."""
    from coursework import classroom, grading

    sandbox_or_skip()
    subs = tmp_path / "subs"
    subs.mkdir()
    for path in CHAPTERS:
        (subs / f"{path.stem}.ipynb").write_bytes((edition / f"{path.stem}.ipynb").read_bytes())
    classroom.grade_folder(subs, tmp_path / "out", grading.Assignment.from_book(CHAPTERS),
                           jobs=2)
    for path in CHAPTERS:
        text = (tmp_path / "out" / "feedback" / f"{path.stem}.md").read_text()
        statuses = re.findall(r"^- \*\*(ex-[\w-]+)\*\* \([^,]+, ([\w ]+)\)", text, re.M)
        labels = [e.label for e in cw.student_chapter(path).exercises]
        assert [label for label, _ in statuses] == labels, text
        assert {s for _, s in statuses} <= {"not yet", "manual"}, text
        assert " raised " not in text and "stopped" not in text, text
