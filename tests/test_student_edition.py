"""The student edition (``make student``): no solution survives, in the notebooks or in an HTML
build of them; the notebooks run top to bottom with every check saying "not yet"; the
nbgrader export has valid nbgrader metadata."""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import jupytext
import nbclient
import nbformat
import pytest

from backprop import coursework as cw
from conftest import ROOT

DEMO = ROOT / "tests" / "data" / "coursework" / "coursework-demo.md"
CHAPTERS = [DEMO, *cw.toc_chapters()]


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    cw.build_student_edition(out, CHAPTERS)
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


@pytest.mark.chapters
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_student_notebooks_run_top_to_bottom(edition, path):
    nb = nbformat.read(edition / f"{path.stem}.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{path.stem}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    answers = [c for c in nb.cells if c.metadata.get(cw.META, {}).get("role") == "answer"]
    for cell in answers:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "Not yet answered" in text, (cell.metadata[cw.META]["exercise"], text)


@pytest.mark.book
def test_no_solution_text_in_the_student_html(edition):
    html_dir = cw.build_student_html(edition)
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


# --------------------------------------------------------------------------- nbgrader
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_nbgrader_export_is_valid(tmp_path, path):
    [written] = cw.export_nbgrader(tmp_path, [path])
    assert written == tmp_path / "source" / "backprop" / f"{path.stem}.ipynb"
    nb = nbformat.read(written, as_version=4)
    nbformat.validate(nb)
    assert cw.validate_nbgrader(nb) == []
    metas = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    for meta in metas:
        assert meta["schema_version"] == 3
        assert set(meta) >= {"grade", "grade_id", "locked", "solution", "task"}
    exercises = cw.student_chapter(path).exercises
    auto = [e for e in exercises if e.autograded]
    answered = [e for e in exercises if e.answer]  # an answer cell, checked or not
    assert sum(m["solution"] and not m["grade"] for m in metas) == len(answered)
    tests = [m for m in metas if m["grade"] and not m["solution"]]
    assert len(tests) == len(auto) and all(m["locked"] and m["points"] > 0 for m in tests)


def test_nbgrader_demo_cells():
    nb = cw.nbgrader_notebook(DEMO)
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
             if "nbgrader" in c.metadata}
    assert "return (T - A) * A * (1 - A)" in by_id["ex-coursework-demo-2-answer"].source
    assert "check_output_deltas" in by_id["ex-coursework-demo-2-test"].source
    manual = by_id["ex-coursework-demo-4-answer"]
    assert manual.cell_type == "markdown" and manual.metadata["nbgrader"]["grade"]


def test_nbgrader_validator_catches_bad_metadata():
    nb = cw.nbgrader_notebook(DEMO)
    cells = [c for c in nb.cells if "nbgrader" in c.metadata]
    cells[1].metadata["nbgrader"]["grade_id"] = cells[0].metadata["nbgrader"]["grade_id"]
    cells[0].metadata["nbgrader"]["locked"] = True
    cells[2].metadata["nbgrader"]["schema_version"] = 2
    problems = " ".join(cw.validate_nbgrader(nb))
    assert "not unique" in problems and "cannot be locked" in problems
    assert "schema_version" in problems


def test_the_stripped_markdown_keeps_the_answer_cells(edition):
    nb = jupytext.read(edition / "book" / "coursework-demo.md")
    labels = [c.metadata[cw.META]["exercise"] for c in nb.cells if cw.META in c.metadata]
    assert labels == ["ex-coursework-demo-1", "ex-coursework-demo-2", "ex-coursework-demo-3",
                      "ex-coursework-demo-5"]


# --------------------------------------------------------------------------- no leaked answers
def _check_problems(check: str) -> list[str]:
    """What is wrong with the visible check of an answer cell: it may hold only blank lines,
    comments, imports and calls ``exercises.<name>(...)`` whose arguments are plain names,
    attributes of names, or the label string. Anything else (an assert, a formula, a number)
    could show the answer to the student."""
    problems = []

    def plain(node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return True
        if isinstance(node, ast.Attribute):
            return plain(node.value)
        return isinstance(node, ast.Constant) and isinstance(node.value, str)

    for stmt in ast.parse(check).body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        ok = (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
              and isinstance(call.func.value, ast.Name) and call.func.value.id == "exercises"
              and all(plain(a) for a in call.args)
              and all(k.arg is not None and plain(k.value) for k in call.keywords))
        if not ok:
            problems.append(ast.unparse(stmt))
    return problems


@pytest.mark.parametrize("path", cw.toc_chapters(), ids=[p.stem for p in cw.toc_chapters()])
def test_visible_checks_are_only_calls_into_exercises(path):
    exercises = [e for e in cw.student_chapter(path).exercises if e.autograded]
    for e in exercises:
        problems = _check_problems(e.check)
        assert not problems, (
            f"{e.label}: after ### END SOLUTION only `exercises.<check>(names)` calls may "
            f"stay visible; move these into a second cell of the solution: {problems}")


def test_the_leak_test_rejects_asserts_formulas_and_literals():
    assert _check_problems("assert equivalent(odd_sum, 2 * (w1 + w2 + w3) + 4 * b)")
    assert _check_problems("exercises.check_number('ex-a-1', x, 0.25)")
    assert _check_problems("exercises.check_expression('ex-a-1', x, 2 * w)")
    assert _check_problems("exercises.check_expression('ex-a-1', x, reference=-w)")
    assert _check_problems("print(x)")
    assert _check_problems("check_x(y)")
    assert not _check_problems("# a comment\nfrom backprop import exercises\n\n"
                               "exercises.check_parity_sums(odd_sum, net.even, label='x')")


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
