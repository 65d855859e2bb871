"""The nbgrader export (:mod:`coursework.nbgrader`): valid nbgrader metadata, and test cells
that fail when the check is replaced or patched."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

import coursework as cw
from conftest import ROOT
from coursework import nbgrader as nbg

DEMO = ROOT / "tests" / "data" / "coursework" / "coursework-demo.md"
CHAPTERS = [DEMO, *cw.toc_chapters(ROOT)]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_nbgrader_export_is_valid(tmp_path, path):
    [written] = nbg.export_nbgrader(ROOT, tmp_path, [path])
    assert written == tmp_path / "source" / "backprop" / f"{path.stem}.ipynb"
    nb = nbformat.read(written, as_version=4)
    nbformat.validate(nb)
    assert nbg.validate_nbgrader(nb) == []
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
    nb = nbg.nbgrader_notebook(DEMO)
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
             if "nbgrader" in c.metadata}
    assert "return (T - A) * A * (1 - A)" in by_id["ex-coursework-demo-2-answer"].source
    assert "check_output_deltas" in by_id["ex-coursework-demo-2-test"].source
    manual = by_id["ex-coursework-demo-4-answer"]
    assert manual.cell_type == "markdown" and manual.metadata["nbgrader"]["grade"]


def test_nbgrader_validator_catches_bad_metadata():
    nb = nbg.nbgrader_notebook(DEMO)
    cells = [c for c in nb.cells if "nbgrader" in c.metadata]
    cells[1].metadata["nbgrader"]["grade_id"] = cells[0].metadata["nbgrader"]["grade_id"]
    cells[0].metadata["nbgrader"]["locked"] = True
    cells[2].metadata["nbgrader"]["schema_version"] = 2
    problems = " ".join(nbg.validate_nbgrader(nb))
    assert "not unique" in problems and "cannot be locked" in problems
    assert "schema_version" in problems




def _run_test_cell(answer: str, tamper: str) -> subprocess.CompletedProcess:
    call = next(e for e in cw.student_chapter(DEMO).exercises
                if e.label == "ex-coursework-demo-2").call
    code = "\n".join([answer, tamper, nbg.test_cell(call)])
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


RIGHT = "def output_deltas(T, A):\n    return (T - A) * A * (1 - A)\n"
WRONG = "def output_deltas(T, A):\n    return T - A\n"


@pytest.mark.parametrize("tamper", [
    "",
    "from backprop import exercises\nexercises.check_output_deltas = lambda f: None",
    "import backprop.exercises.framework as fw\n"
    "fw.run_check = lambda *a, **k: fw.Feedback('x', 'correct', '', 1, 1)\n"
    "import backprop.exercises as e\ne.passed = lambda label: True",
])
def test_the_test_cell_fails_a_wrong_answer_however_the_check_was_patched(tamper):
    assert _run_test_cell(WRONG, tamper).returncode != 0
    assert _run_test_cell(RIGHT, tamper).returncode == 0
