"""The nbgrader export (``python -m coursework nbgrader --root <book>``): each chapter as the
instructor ("source") notebook that ``nbgrader generate_assignment`` reads.

Answer cells become solution cells (nbgrader strips between the markers), each check a
locked, graded test cell that imports the checks afresh and fails unless the check passed, and
each predict-or-explain exercise a graded Markdown cell. nbgrader runs a submission in the
grading process itself and says it does not protect against malicious code; the sandboxed
``coursework grade`` does (``book/instructor-guide``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .book import (
    _DIRECTIVE,
    BEGIN,
    END,
    CheckCall,
    CourseworkError,
    _closing,
    _State,
    _strip_markdown,
    is_answer_cell,
    split_answer_cell,
    student_chapter,
    toc_chapters,
)

__all__ = ["export_nbgrader", "nbgrader_notebook", "test_cell", "validate_nbgrader"]


def test_cell(call: CheckCall) -> str:
    """The locked test cell of an exercise: a fresh import of the package (a check the
    student replaced or patched is gone) and an assertion that fails unless the check
    passed."""
    from backprop.exercises import CHECKERS

    args = ", ".join(call.answers[p] for p in CHECKERS[call.name].answers)
    return ("import sys\n\n"
            "# A fresh import: a check replaced or patched in the notebook is not used.\n"
            "for _module in [m for m in sys.modules if m.split('.')[0] == 'backprop']:\n"
            "    del sys.modules[_module]\n"
            "from backprop import exercises\n\n"
            f"_feedback = exercises.{call.name}({args})\n"
            "assert _feedback.passed, _feedback.text()")


def _nbg(grade_id: str, *, grade: bool, solution: bool, locked: bool,
         points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def nbgrader_notebook(path: Path) -> Any:
    """The instructor ("source") version of a chapter in nbgrader's format: answer cells
    are solution cells (nbgrader strips between the markers), each check a locked, graded
    test cell, each hand-graded exercise a graded markdown answer cell."""
    import jupytext
    import nbformat

    ch = student_chapter(path)
    src = jupytext.read(path)
    state = _State()
    cells = []
    answers = {ex.label: ex for ex in ch.exercises}
    for cell in src.cells:
        if cell.cell_type == "markdown":
            before = len(state.removed)
            text = _strip_markdown(cell.source, state)
            removed_labels = _solution_block_labels(state.removed[before:])
            if text.strip():
                cells.append(nbformat.v4.new_markdown_cell(text))
            for label, body in removed_labels:
                ex = answers.get(label)
                if ex is not None and not ex.autograded:
                    c = nbformat.v4.new_markdown_cell(body)
                    c.metadata["nbgrader"] = _nbg(f"{label}-answer", grade=True,
                                                  solution=True, locked=False,
                                                  points=ex.points)
                    cells.append(c)
            continue
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if is_answer_cell(cell):
            label = state.gated or state.exercise or "ex-unknown"
            answer, check = split_answer_cell(cell.source)
            a = nbformat.v4.new_code_cell(answer)
            a.metadata["nbgrader"] = _nbg(f"{label}-answer", grade=False, solution=True,
                                          locked=False)
            cells.append(a)
            call = answers[label].call
            if call is not None:
                t = nbformat.v4.new_code_cell(test_cell(call))
                t.metadata["nbgrader"] = _nbg(f"{label}-test", grade=True, solution=False,
                                              locked=True, points=answers[label].points)
                cells.append(t)
        elif state.gated or (state.exercise and "remove-cell" in tags):
            continue
        else:
            c = nbformat.v4.new_code_cell(cell.source)
            c.metadata.update({k: v for k, v in cell.metadata.items() if k == "tags"})
            cells.append(c)
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    return nb


def _solution_block_labels(removed: list[str]) -> list[tuple[str, str]]:
    """``{solution} ex-...`` blocks among removed lines, as (label, body text)."""
    out, i = [], 0
    while i < len(removed):
        m = _DIRECTIVE.match(removed[i])
        if m and m["kind"] == "solution":
            j = _closing(removed, i, m["fence"])
            body = [line for line in removed[i + 1:j] if not re.match(r"^\s*:\w+:", line)]
            out.append((m["arg"], "\n".join(body).strip()))
            i = j + 1
            continue
        i += 1
    return out


def validate_nbgrader(nb: Any) -> list[str]:
    """Problems with a notebook's nbgrader metadata (schema version 3); empty if none."""
    problems, ids = [], set()
    for n, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        where = f"cell {n}"
        for key, kind in (("grade", bool), ("solution", bool), ("locked", bool),
                          ("task", bool), ("grade_id", str), ("schema_version", int)):
            if not isinstance(meta.get(key), kind):
                problems.append(f"{where}: {key} missing or not {kind.__name__}")
        if meta.get("schema_version") != 3:
            problems.append(f"{where}: schema_version is not 3")
        gid = meta.get("grade_id", "")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", str(gid)):
            problems.append(f"{where}: grade_id {gid!r} has characters nbgrader rejects")
        if gid in ids:
            problems.append(f"{where}: grade_id {gid!r} is not unique")
        ids.add(gid)
        if meta.get("grade") or meta.get("task"):
            pts = meta.get("points")
            if not isinstance(pts, (int, float)) or pts < 0:
                problems.append(f"{where}: a graded cell needs points >= 0")
        if meta.get("solution") and meta.get("locked"):
            problems.append(f"{where}: a solution cell cannot be locked")
        if (meta.get("solution") and cell.cell_type == "code"
                and (BEGIN not in cell.source or END not in cell.source)):
            problems.append(f"{where}: a code solution cell has no BEGIN/END SOLUTION")
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code" \
                and not meta.get("locked"):
            problems.append(f"{where}: a test cell should be locked")
    return problems


def export_nbgrader(root: Path, out: Path, chapters: Sequence[Path] | None = None,
                    assignment: str = "backprop") -> list[Path]:
    """Write ``<out>/source/<assignment>/<slug>.ipynb`` for every chapter of the book at
    ``root`` with exercises (or for ``chapters``): the layout ``nbgrader
    generate_assignment`` reads."""
    import nbformat

    chapters = toc_chapters(root) if chapters is None else list(chapters)
    target = Path(out) / "source" / assignment
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapters:
        nb = nbgrader_notebook(Path(path))
        problems = validate_nbgrader(nb)
        if problems:
            raise CourseworkError(f"{path}: " + "; ".join(problems))
        dest = target / f"{Path(path).stem}.ipynb"
        nbformat.write(nb, dest)
        written.append(dest)
    return written


