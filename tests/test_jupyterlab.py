"""The chapters in JupyterLab as Binder serves them (issue 9), in headless Chromium.

One JupyterLab server, started from a venv made from ``binder/`` alone
(``tests/jupyterlab_helpers.py``) in a copy of the repository after ``binder/postBuild``, and
one browser page:

- every chapter opens unmodified; its rendered Markdown shows no raw role, directive option
  or unrendered math, no empty box and no unresolved reference or citation; its title, its
  ``{eq}`` and ``{numref}`` references carry the book's numbers (the targets' numbers in the
  book are checked in ``tests/test_binder_lab.py``); no solution text is visible before a
  click; saving it writes the same bytes; nothing is fetched from another host;
- one chapter runs top to bottom: its ``{eval}`` numbers appear, and saving the executed
  chapter, then reopening it, changes no byte; a reader's edit of a cell with citations is
  saved with the citation roles as the chapter writes them;
- the student-edition link opens the edition's folder, and its notebook runs, with the
  checks saying "not yet"; saved, it keeps its outputs.

Only one chapter is executed here (the build executes them all); the playground's own
JupyterLab test (``tests/test_playground_jupyterlab.py``) reuses these helpers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import backprop_lab
import jupytext
import pytest

import coursework
import jupyterlab_helpers as lab_helpers
from chromium import requires_chromium
from conftest import ROOT, toc_files

pytestmark = [pytest.mark.browser, requires_chromium]

CHAPTERS = [f for f in toc_files()
            if (ROOT / f"{f}.md").read_text().startswith("---\njupytext:")]
# A chapter that runs in seconds, with {eval} numbers and gated solutions.
RUN_CHAPTER = "book/gradient-descent"
# What a rendered cell must not show: a role or directive name, a directive option, math
# left as TeX, a glued value's placeholder.
RAW = re.compile(r"\{(?:glue|eq|numref|cite|eval|doc|ref|exercise|solution)[^}]*\}"
                 r"|^\s*:(?:label|class|tags|name):|\$|\\(?:frac|mathrm|partial|sum)\b",
                 re.MULTILINE)


@pytest.fixture(scope="module")
def page() -> Iterator[lab_helpers.Page]:
    with lab_helpers.lab_page() as page:
        yield page


@pytest.fixture(scope="module")
def lab(binder_server, page) -> lab_helpers.Lab:  # noqa: F811
    lab = lab_helpers.Lab(page, binder_server)
    lab.start()
    return lab


def _collapsed(path: Path) -> list:
    cells = jupytext.read(path).cells
    return [cells[i] for i in backprop_lab.collapsed_cells(cells)]


def _secret_phrases(path: Path) -> list[str]:
    """Plain-text stretches of a chapter's solutions (math, code spans and roles cut out),
    long enough that finding one on the page means the solution shows. A collapsed cell
    shows its first line, like a dropdown's title: that line is not counted (but see
    test_collapsed_solution_cells_show_a_plain_first_line)."""
    titles = {c.source.split("\n")[0].strip() for c in _collapsed(path)}
    out = []
    for line in coursework.student_chapter(path).solution_text:
        if line.strip() in titles:
            continue
        plain = re.sub(r"\{[\w:-]+\}`[^`]*`|\$[^$]*\$|`[^`]*`|\*\*|^[#>]+", "|", line)
        out += [s.strip() for s in plain.split("|") if len(s.strip()) >= 24]
    return out


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_collapsed_solution_cells_show_a_plain_first_line(chapter):
    """JupyterLab shows a collapsed Markdown cell's first source line as it is written: in a
    gated solution that line must be a few plain words, neither MyST nor math, that give
    nothing away; and no solution prose may share the cell that closes the solution."""
    raw = [c.source.split("\n")[0] for c in _collapsed(ROOT / f"{chapter}.md")
           if c.cell_type == "markdown" and re.search(r"[$`{}]|^\s*[:`]{3}",
                                                      c.source.split("\n")[0])]
    assert not raw, (f"{chapter}.md: put a line break after the plain words that open these "
                     f"collapsed cells: {raw}")
    # Prose before a {solution-end} shares its cell with what follows and cannot be collapsed.
    before_end = [c.source[:m.start()] for c in jupytext.read(ROOT / f"{chapter}.md").cells
                  if c.cell_type == "markdown" and (m := backprop_lab.GATE_END.search(c.source))
                  and c.source[:m.start()].strip()]
    assert not before_end, (f"{chapter}.md: end the cell before {{solution-end}} (+++), so "
                            f"JupyterLab can collapse this solution text: {before_end}")


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_opens_unmodified_reads_like_the_book_and_saves_the_same_bytes(lab, chapter):
    path = lab.server.home / f"{chapter}.md"
    before = path.read_bytes()
    lab.open(f"{chapter}.md")
    try:
        assert not lab.dirty, f"{chapter}.md is marked modified as soon as it opens"
        shown = lab.markdown_text()
        raw = sorted({m.group(0).strip() for m in RAW.finditer(shown)})
        assert not raw, f"{chapter}.md shows unrendered MyST in JupyterLab: {raw}"
        problems = lab.problems()
        assert problems == {"empty": [], "unresolved": []}, f"{chapter}.md: {problems}"
        _assert_the_books_numbers(lab, chapter)
        visible = _squash(lab.visible_text())
        leaked = [s for s in _secret_phrases(ROOT / f"{chapter}.md") if _squash(s) in visible]
        assert not leaked, f"{chapter}.md shows solution text before a click: {leaked[:3]}"
        lab.save()
        assert path.read_bytes() == before, f"saving {chapter}.md unchanged rewrote it"
    finally:
        lab.close()


def _assert_the_books_numbers(lab: lab_helpers.Lab, chapter: str) -> None:
    """The title's number, and the number of every reference to a figure, table, equation
    or exercise (of this chapter or another), are the book's (backprop_lab.numbering, checked
    against the HTML in tests/test_binder_lab.py)."""
    number = backprop_lab.numbering.chapter_numbers(ROOT).get(chapter)
    assert lab.chapter_number() == (number or ""), f"{chapter}.md: the title's number"
    targets = backprop_lab.numbering.book_targets(ROOT)
    shown = [(href.rsplit("#", 1)[1].lower(), text) for href, text in lab.references()]
    shown = [(label, text) for label, text in shown if label in targets]
    number_of = re.compile(r"\d+(?:\.\d+)*")
    wrong = [(label, text, targets[label].text) for label, text in shown
             if number_of.findall(text)[-1:] != [targets[label].number]]
    assert not wrong, f"{chapter}.md: JupyterLab's numbers differ from the book's: {wrong}"
    if re.search(r"\{(?:eq|numref)\}`", (ROOT / f"{chapter}.md").read_text()):
        assert shown, f"{chapter}.md: no {{eq}} or {{numref}} reference to check"


def test_nothing_is_fetched_from_another_host_and_no_news_pop_up(lab, page):
    # Runs after the chapters were opened: JupyterLab has been up long enough to ask.
    assert page.external == [], f"JupyterLab reached other hosts: {page.external[:5]}"
    asked = lab.evaluate("() => document.body.innerText.includes('Jupyter news')")
    assert not asked, "JupyterLab's news pop-up is shown (binder/lab/overrides.json)"


def test_a_chapter_runs_its_numbers_appear_and_the_saved_file_is_unchanged(lab):
    path = lab.server.home / f"{RUN_CHAPTER}.md"
    before = path.read_bytes()
    expressions = re.findall(r"\{eval\}`([^`]+)`", before.decode())
    assert expressions, f"{RUN_CHAPTER} has no {{eval}} numbers to check"
    lab.open(f"{RUN_CHAPTER}.md")
    try:
        lab.run_all()
        assert lab.error_outputs() == []
        shown = lab.markdown_text()
        unevaluated = [e for e in expressions if e in shown]
        assert not unevaluated, f"{{eval}} expressions not evaluated: {unevaluated}"
        failed = lab.evaluate("""() => [...window.jupyterapp.shell.currentWidget.node
            .querySelectorAll('.jp-MarkdownCell [data-mime-type="application/vnd.jupyter.stderr"]')]
            .map(e => e.innerText)""")
        assert failed == [], f"{{eval}} expressions failed in JupyterLab: {failed}"
        assert not RAW.search(shown), RAW.findall(shown)
        lab.save()
        assert path.read_bytes() == before, "saving the executed chapter rewrote it"
        # A reader's edit of a cell with citations keeps the chapter's citation roles.
        index, source = next((i, s) for i, s in enumerate(lab.cell_sources())
                             if "](#cite-" in s)
        lab.set_cell_source(index, source + "\n\nMy note.")
        lab.save()
        saved = path.read_text()
        roles = re.findall(r"\{cite[^}]*\}`[^`]+`", before.decode())
        assert "My note." in saved and "](#cite-" not in saved
        assert re.findall(r"\{cite[^}]*\}`[^`]+`", saved) == roles
        assert saved.replace("\n\nMy note.", "", 1) == before.decode()
    finally:
        lab.close()
        path.write_bytes(before)
    lab.open(f"{RUN_CHAPTER}.md")
    try:
        assert not lab.dirty
    finally:
        lab.close()


def test_the_student_edition_link_opens_and_its_notebook_runs(lab):
    edition = lab.server.home / "student-edition"
    notebook = Path(RUN_CHAPTER).name + ".ipynb"
    assert (edition / notebook).exists(), "binder/postBuild built no student edition"
    # The README's and the instructor guide's link: urlpath=lab/tree/student-edition
    lab.start("lab/tree/student-edition")
    lab.page.wait_for_selector(f".jp-DirListing-item[title*='{notebook}'], "
                               f".jp-DirListing-itemText:has-text('{notebook}')", timeout=30_000)
    # Its cells up to the first check are enough to show a check saying "not yet" and
    # outputs kept (the whole chapter runs in the test above and in the book's build).
    cells = json.loads((edition / notebook).read_text())["cells"]
    first_check = next(i for i, c in enumerate(cells) if c["cell_type"] == "code"
                       and "exercises.check_" in "".join(c["source"]))
    lab.open(f"student-edition/{notebook}", factory="Notebook")
    try:
        lab.run_through(first_check)
        assert lab.error_outputs() == []
        outputs = lab.visible_text().lower()
        assert "not yet" in outputs, "the student edition's checks do not say 'not yet'"
        lab.save()
    finally:
        lab.close()
    saved = json.loads((edition / notebook).read_text())
    assert any(c.get("outputs") for c in saved["cells"] if c["cell_type"] == "code"), \
        "the saved student notebook kept no outputs"
