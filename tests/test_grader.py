"""The grader (``make grade SUBMISSIONS=DIR``) against a folder of adversarial submissions made
from the student edition: correct, partly wrong, empty, crashing, looping, exiting, with
deleted cells and renamed files."""

from __future__ import annotations

import csv
import subprocess
import sys

import nbformat
import pytest

from backprop import coursework as cw
from conftest import ROOT

DEMO = ROOT / "tests" / "data" / "coursework" / "coursework-demo.md"
L1, L2, L3, L4, L5 = (f"ex-coursework-demo-{n}" for n in range(1, 6))
# Short enough to stop the infinite loops soon, long enough for an answer cell that imports
# SymPy on a loaded machine (the suite runs on every core at once).
CELL_TIMEOUT = 10

RIGHT = {
    L1: ("dE_dw = None", "dE_dw = sp.diff(sp.Rational(1, 2) * (t_k - tanh_net) ** 2, w_kj)"),
    L2: ('raise NotImplementedError("ex-coursework-demo-2: not answered yet")',
         "return (T - A) * A * (1 - A)"),
    L3: ('raise NotImplementedError("ex-coursework-demo-3: not answered yet")',
         "return A_hidden * (1 - A_hidden) * (delta_out @ W2)"),
    L5: ('raise NotImplementedError("ex-coursework-demo-5: not answered yet")',
         "a_top = activations[-1]\n    deltas = [(T - a_top) * a_top * (1 - a_top)]\n"
         "    for l in range(len(weights) - 1, 0, -1):\n        a = activations[l]\n"
         "        deltas.insert(0, a * (1 - a) * (deltas[0] @ weights[l]))\n    return deltas"),
}


def answer(nb, label: str, old: str, new: str) -> None:
    for cell in nb.cells:
        if cell.metadata.get(cw.META, {}).get("exercise") == label:
            assert old in cell.source
            cell.source = cell.source.replace(old, new)
            return
    raise AssertionError(f"no answer cell for {label}")


def solved(nb, labels=(L1, L2, L3, L5)):
    for label in labels:
        answer(nb, label, *RIGHT[label])
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grading")
    cw.build_student_edition(tmp / "edition", [DEMO], package=False)
    blank = nbformat.read(tmp / "edition" / "coursework-demo.ipynb", as_version=4)
    subs = tmp / "submissions"
    subs.mkdir()

    def save(nb, name):
        path = subs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)

    copy = lambda: nbformat.from_dict(nbformat.from_dict(blank))  # noqa: E731
    save(solved(copy()), "correct.ipynb")
    # Renamed file, in a per-student folder, notebook metadata intact.
    save(solved(copy()), "renamed/my homework (final) v2.ipynb")
    partly = solved(copy(), (L1, L3))
    answer(partly, L5, RIGHT[L5][0], "return [T]")
    answer(partly, L2, RIGHT[L2][0], "return -(T - A) * A * (1 - A)")
    save(partly, "partly.ipynb")
    save(copy(), "empty.ipynb")
    crashing = solved(copy(), (L1,))
    answer(crashing, L2, RIGHT[L2][0], "x = 1\n    return x / undefined_thing")
    crashing.cells.insert(2, nbformat.v4.new_code_cell("1 / 0"))
    save(crashing, "crashing.ipynb")
    looping = solved(copy(), (L1,))
    answer(looping, L2, RIGHT[L2][0], "while True:\n        pass")
    looping.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass"))
    save(looping, "looping.ipynb")
    exiting = solved(copy(), (L1, L3))
    answer(exiting, L2, RIGHT[L2][0], "import sys\n    sys.exit(1)")
    exiting.cells.append(nbformat.v4.new_code_cell("import sys\nsys.exit(0)"))
    exiting.cells.append(nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    save(exiting, "exiting.ipynb")
    # Deleted cells: the answer cell of exercise 3 and the notebook metadata are gone; the
    # chapter is still recognised from the remaining cells.
    deleted = solved(copy(), (L1, L2))
    deleted.cells = [c for c in deleted.cells
                     if c.metadata.get(cw.META, {}).get("exercise") != L3]
    deleted.metadata.pop(cw.META)
    save(deleted, "deleted.ipynb")
    # A student who replaces the checker to always pass is graded by the trusted check.
    cheat = copy()
    answer(cheat, L2, RIGHT[L2][0], "return T")
    cheat.cells.append(nbformat.v4.new_code_cell(
        "import backprop.exercises as e\ne.check_output_deltas = lambda f: None"))
    save(cheat, "cheat.ipynb")
    (subs / "notes.ipynb").write_text("this is not a notebook")

    out = tmp / "grades"
    proc = subprocess.run(
        [sys.executable, "-m", "backprop.coursework", "grade", str(subs), "--out", str(out),
         "--chapters", str(DEMO), "--cell-timeout", str(CELL_TIMEOUT), "--notebook-timeout", "180"],
        capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr
    with (out / "grades.csv").open() as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    return rows, out


def test_csv_has_one_row_per_notebook_and_a_column_per_exercise(graded):
    rows, _ = graded
    assert set(rows) == {"correct", "renamed", "partly", "empty", "crashing", "looping",
                         "exiting", "deleted", "cheat", "notes"}
    assert {L1, L2, L3, L4, "total", "max"} <= set(next(iter(rows.values())))


@pytest.mark.parametrize("student, points", [
    ("correct", ("1", "1", "1", "manual", "1")),
    ("renamed", ("1", "1", "1", "manual", "1")),
    ("partly", ("1", "0", "1", "manual", "0")),
    ("empty", ("0", "0", "0", "manual", "0")),
    ("crashing", ("1", "0", "0", "manual", "0")),
    ("looping", ("1", "0", "0", "manual", "0")),
    ("exiting", ("1", "0", "1", "manual", "0")),
    ("deleted", ("1", "1", "0", "manual", "0")),
    ("cheat", ("0", "0", "0", "manual", "0")),
])
def test_points(graded, student, points):
    rows, _ = graded
    assert tuple(rows[student][label] for label in (L1, L2, L3, L4, L5)) == points
    assert rows[student]["chapter"] == "coursework-demo"


def test_totals(graded):
    rows, _ = graded
    assert rows["correct"]["total"] == "4" and rows["correct"]["max"] == "4"
    assert rows["partly"]["total"] == "2"


@pytest.mark.parametrize("student, words", [
    ("correct", ["matches the derived rule"]),
    ("partly", ["sign is flipped", "4 deltas; you gave 1"]),
    ("empty", ["not yet", "replace None"]),
    ("crashing", ["NameError", "line 4", "ZeroDivisionError"]),
    ("looping", ["still running", f"stopped after {CELL_TIMEOUT} s"]),
    ("exiting", ["sys.exit(1)", "sys.exit(0)", "os._exit"]),
    ("deleted", ["name 'hidden_deltas' is not defined"]),
    ("notes", ["not a readable notebook"]),
])
def test_feedback_files(graded, student, words):
    _, out = graded
    text = (out / "feedback" / f"{student}.md").read_text()
    for word in words:
        assert word in text, f"{student}: {word!r} not in\n{text}"


def test_unknown_folder_is_a_clear_error(tmp_path):
    with pytest.raises(cw.CourseworkError, match="not a folder"):
        cw.grade_folder(tmp_path / "missing", tmp_path / "out", [DEMO])


def test_identify_chapter_never_uses_the_file_name():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "**Exercise ex-coursework-demo-2.** Write it.")])
    assert cw.identify_chapter(nb, ["coursework-demo"]) == "coursework-demo"
    assert cw.identify_chapter(nbformat.v4.new_notebook(), ["coursework-demo"]) is None
