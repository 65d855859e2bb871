"""Grading one submitted notebook: read it safely, run what the exercises need in the
sandbox, and judge what comes back on the trusted side.

The trusted side (this module, in a grading worker process) reads the book's exercises and
checks, draws each check's inputs from the student's variant, and decides every verdict
with the check's judge. The sandbox (:mod:`coursework.runner`) only runs the cells and the
probes and returns plain data. A cell that crashes or hangs the sandbox is skipped and the
run repeated, so answers defined before it are still graded. Cells the exercises do not
need are not run (:func:`coursework.analysis.needed_cells`); when an answer is not right
that way, the whole notebook is run once more for it, so skipping never changes a grade.
Described in ``book/instructor-guide``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import analysis
from .book import Exercise, identify_chapter, student_chapter
from .sandbox import Ending, Sandbox

__all__ = ["Assignment", "Grader", "read_submission"]

MAX_NOTEBOOK_BYTES = 20 << 20


@dataclass
class Assignment:
    """What is graded, from the book's own sources: each chapter's exercises, the student
    edition's code cells (to tell the student's code from the chapter's), the chapters the
    assignment asks for (``None``: any), points per exercise, and whether an answer that
    calls the package's own implementation scores."""

    chapters: dict[str, list[Exercise]]
    edition_cells: dict[str, list[str]]
    expected: list[str] | None = None
    points: dict[str, float] = field(default_factory=dict)
    score_shortcuts: bool = False

    @classmethod
    def from_book(cls, chapter_paths: Sequence[Path], *, expected: Sequence[str] | None = None,
                  points: Mapping[str, float] | None = None,
                  score_shortcuts: bool = False) -> Assignment:
        chapters, cells = {}, {}
        for path in chapter_paths:
            ch = student_chapter(Path(path))
            chapters[ch.slug] = ch.exercises
            cells[ch.slug] = [c.source for c in ch.notebook.cells if c.cell_type == "code"]
        return cls(chapters, cells, list(expected) if expected else None, dict(points or {}),
                   score_shortcuts)

    def labels(self) -> list[str]:
        slugs = self.expected or list(self.chapters)
        return [ex.label for slug in slugs for ex in self.chapters.get(slug, [])]

    def max_points(self, ex: Exercise) -> float:
        return float(self.points.get(ex.label, ex.points))


# --------------------------------------------------------------------------- reading
def read_submission(path: Path) -> tuple[dict | None, str, str]:
    """``(notebook, status, note)``: the notebook as plain JSON data with every cell's
    source a string, or ``None`` with a status saying why it is not graded. Symbolic links
    are never followed."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return None, "unreadable", f"the file cannot be read ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return None, "symlink", "a symbolic link, not a notebook: submit the notebook itself"
    if not stat.S_ISREG(st.st_mode):
        return None, "not a file", "not a regular file"
    if path.suffix.lower() != ".ipynb":
        kind = f"a {path.suffix} file" if path.suffix else "a file without an extension"
        return None, "not a notebook", f"{kind}, not a notebook: submit the .ipynb file"
    if st.st_size > MAX_NOTEBOOK_BYTES:
        return None, "too large", (f"{st.st_size >> 20} MB, more than the "
                                   f"{MAX_NOTEBOOK_BYTES >> 20} MB a notebook may have; clear "
                                   "its outputs and submit it again")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            nb = json.loads(fh.read(MAX_NOTEBOOK_BYTES + 1))
    except (OSError, ValueError, RecursionError) as exc:
        return None, "unreadable", f"not a readable notebook ({str(exc)[:120]})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "unreadable", "not a readable notebook (no list of cells)"
    cells = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown",
                                                                          "raw"):
            return None, "unreadable", "not a readable notebook (a cell without a type)"
        cells.append({"cell_type": cell["cell_type"],
                      "source": analysis.source_text(cell.get("source", "")),
                      "metadata": cell.get("metadata") if isinstance(cell.get("metadata"),
                                                                     dict) else {}})
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    return {"cells": cells, "metadata": meta}, "graded", ""


# --------------------------------------------------------------------------- grading
@dataclass
class _Probe:
    exercise: Exercise
    spec: Any
    plan: Any
    wired: dict
    seconds: float


def _alarm(seconds: float, fn: Callable[[], Any]) -> Any:
    """``fn()`` stopped after ``seconds`` (the judge is trusted code on untrusted data: a
    pathological expression must not stall the class)."""
    def stop(signum: int, frame: Any) -> None:  # noqa: ARG001 - signal handler signature
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Grader:
    """Grades notebooks of an :class:`Assignment` with a :class:`Sandbox`."""

    def __init__(self, assignment: Assignment, sandbox: Sandbox, *,
                 judge_seconds: float = 60.0, max_runs: int = 6,
                 only_needed: bool = True) -> None:
        self.assignment, self.sandbox = assignment, sandbox
        self.judge_seconds, self.max_runs = judge_seconds, max_runs
        self.only_needed = only_needed  # False: run every cell (the benchmark's comparison)

    def grade(self, path: Path, student: str, file: str) -> dict:
        """The result of one submission (plain data: the CSV row and the feedback)."""
        result: dict[str, Any] = {"student": student, "file": file, "chapter": "",
                                  "status": "graded", "note": "", "exercises": {},
                                  "problems": [], "review": [], "shortcuts": []}
        nb, status, note = read_submission(path)
        if nb is None:
            result.update(status=status, note=note)
            return result
        slug = identify_chapter(nb, list(self.assignment.chapters))
        if slug is None:
            result.update(status="unknown chapter", note=(
                "could not tell which chapter this notebook is (no student-edition metadata "
                "and no exercise labels); submit the notebook of the student edition"))
            return result
        result["chapter"] = slug
        expected = self.assignment.expected
        if expected is not None and slug not in expected:
            result.update(status="wrong chapter", note=(
                f"this is the notebook of {slug}; the assignment is {', '.join(expected)}"))
            return result
        self._grade_notebook(nb, slug, student, result)
        return result

    # ----------------------------------------------------------------- one notebook
    def _grade_notebook(self, nb: dict, slug: str, student: str, result: dict) -> None:
        from backprop.exercises import CHECKERS
        from backprop.exercises.framework import stopped

        self._garbage = 0
        self.sandbox_cpu = 0.0
        # All the runs of one notebook together get twice one run's time: a notebook that
        # crashes the sandbox again and again cannot hold a worker for long.
        self._until = time.monotonic() + 2 * self.sandbox.limits.run_seconds
        cells = analysis.code_cells(nb["cells"])
        runnable = [c for c in cells if not c.syntax_error]
        trusted = self.assignment.edition_cells.get(slug, [])
        probes: list[_Probe] = []
        for ex in self.assignment.chapters[slug]:
            call = ex.call
            if call is None:
                continue
            spec = CHECKERS[call.name]
            plan = spec.make_plan(student)
            wired = spec.wire_plan(plan, call.answers)
            wired["seconds"] = seconds = min(spec.seconds, self.sandbox.limits.call_seconds)
            n_calls = sum(len(v) for v in plan.calls.values())
            probes.append(_Probe(ex, spec, plan, wired, seconds * max(n_calls, 1) + 10))
        needed = {name.split(".")[0] for p in probes
                  for name in p.exercise.call.answers.values()}
        sliced = analysis.needed_cells(cells, needed) if self.only_needed else runnable
        reports, raw = self._run(sliced, probes, student)
        verdicts = {p.exercise.label: self._judge(p, raw.get(p.exercise.label)) for p in probes}
        if len(sliced) < len(runnable):
            again = [p for p in probes
                     if verdicts[p.exercise.label][0].status in ("incorrect", "error")]
            if again:
                full_reports, full_raw = self._run(runnable, again, student)
                reports.update(full_reports)
                for p in again:
                    verdicts[p.exercise.label] = self._judge(p, full_raw.get(p.exercise.label))
                sliced = runnable
        for c in cells:
            if c.syntax_error:
                reports[c.n] = {"type": "SyntaxError", "message": c.syntax_error,
                                "where": "", "kind": "syntax"}
        for ex in self.assignment.chapters[slug]:
            top = self.assignment.max_points(ex)
            if ex.label not in verdicts:
                why = "graded by hand (predict or explain)." if not ex.check.strip() else \
                    "graded by hand (its check is not one the grader can run)."
                result["exercises"][ex.label] = {"points": None, "max": top,
                                                 "status": "manual", "message": why,
                                                 "shortcuts": []}
                continue
            verdict, used = verdicts[ex.label]
            if verdict is None:
                verdict = stopped("the grader could not decide.")
            probe = next(p for p in probes if p.exercise is ex)
            shortcuts = sorted(set(used) | set(analysis.static_shortcuts(
                cells, probe.exercise.call.answers.values(), probe.spec.shortcuts, trusted)))
            points = top if verdict.status == "correct" else 0.0
            message = verdict.message
            if shortcuts:
                names = ", ".join(s.split(":")[-1] for s in shortcuts)
                counted = self.assignment.score_shortcuts
                message += (f" It calls {names}, the package's own implementation of what "
                            "this exercise asks you to write; "
                            + ("your instructor counts it." if counted else
                               "your instructor does not count that."))
                if not counted:
                    points = 0.0
                result["shortcuts"].append(ex.label)
            result["exercises"][ex.label] = {"points": points, "max": top,
                                             "status": verdict.status, "message": message,
                                             "shortcuts": shortcuts}
        by_n = {c.n: c for c in cells}
        result["problems"] = [_problem(by_n[n], r) for n, r in sorted(reports.items())]
        skipped = len(runnable) - len(sliced)
        if skipped:
            result["problems"].append(
                f"{skipped} code cell{'s' if skipped > 1 else ''} that no exercise needs "
                "(figures, studies) did not run while grading.")
        result["sandbox_cpu"] = self.sandbox_cpu  # as the runs reported it: a statistic
        result["review"] = analysis.review_notes(sliced, trusted) + (
            [f"{self._garbage} lines on the grader's channel that the grader did not write"]
            if self._garbage else [])

    _garbage = 0
    _until = 0.0
    sandbox_cpu = 0.0

    def _run(self, cells: Sequence[analysis.CodeCell], probes: Sequence[_Probe],
             student: str) -> tuple[dict[int, dict], dict[str, Any]]:
        """Run ``cells`` then ``probes``, skipping any cell that stops the sandbox and
        running again; returns what each cell raised and each probe's data (or crash)."""
        skip: set[int] = set()
        pending = {p.exercise.label: p for p in probes}
        reports: dict[int, dict] = {}
        raw: dict[str, Any] = {}
        limits = self.sandbox.limits
        budget = {p.exercise.label: p.seconds for p in probes}
        for _ in range(self.max_runs):
            left = self._until - time.monotonic()
            if not pending or left < 1:
                break
            job_cells = [c for c in cells if c.n not in skip]
            job = {"cells": [{"n": c.n, "code": c.code} for c in job_cells],
                   "probes": [{"label": label, "wired": p.wired}
                              for label, p in pending.items()]}
            ns = {c.n for c in job_cells}

            def deadline(event: dict) -> float | None:
                kind = event["event"]
                if kind == "cell":
                    return limits.cell_seconds + 5
                if kind == "probe":
                    return budget.get(str(event.get("label")), 60.0)
                return 60.0 if kind in ("ready", "cell-done", "probe-done") else None

            end = self.sandbox.run(job, student, deadline,
                                   min(limits.run_seconds, left))
            self._garbage += end.garbage
            self.sandbox_cpu += sum(float(e["cpu"]) for e in end.events
                                    if e["event"] == "end" and isinstance(e.get("cpu"),
                                                                          (int, float)))
            current, ready, completed = None, False, set()
            for ev in end.events:
                kind = ev["event"]
                if kind == "ready":
                    ready = True
                elif kind == "cell" and ev.get("n") in ns:
                    current = ("cell", ev["n"])
                elif kind == "cell-done" and ev.get("n") in ns:
                    completed.add(ev["n"])
                    if isinstance(ev.get("error"), dict):
                        reports[ev["n"]] = _clean(ev["error"])
                    current = None
                elif kind == "probe" and ev.get("label") in pending:
                    current = ("probe", ev["label"])
                elif kind == "probe-done" and ev.get("label") in pending:
                    raw[ev["label"]] = ev.get("result")
                    del pending[ev["label"]]
                    current = None
            if end.kind == "finished" and not pending:
                break
            reason = _why(end, limits)
            if not ready:
                for label in list(pending):
                    raw[label] = {"crashed": "the grader could not start Python in the "
                                  f"sandbox ({end.stderr.strip()[-200:] or reason})"}
                pending.clear()
                break
            if current is None:  # between two phases: blame the next one
                nxt = next((c.n for c in job_cells if c.n not in completed), None)
                current = ("cell", nxt) if nxt is not None and end.kind != "finished" \
                    else ("probe", next(iter(pending)))
            if current[0] == "cell":
                skip.add(current[1])
                reports[current[1]] = {"type": "crash", "message": reason, "where": "",
                                       "kind": "crash"}
            else:
                raw[current[1]] = {"crashed": reason}
                pending.pop(current[1], None)
        for label in pending:
            raw[label] = {"crashed": "the notebook stopped the sandbox too often, or used up "
                          "its time, so this answer was not graded"}
        return reports, raw

    def _judge(self, probe: _Probe, data: Any) -> tuple[Any, list[str]]:
        from backprop.exercises.framework import stopped
        from backprop.exercises.wire import WireError, decode_probe

        if not isinstance(data, dict):
            return stopped("the grader got nothing back for this answer."), []
        if "crashed" in data:
            return stopped(f"while the grader ran your answer, Python stopped: "
                           f"{data['crashed']}."), []
        if "error" in data:
            return stopped(f"the grader could not read your answer ({data['error']})."), []
        try:
            return _alarm(self.judge_seconds,
                          lambda: probe.spec.verdict(probe.plan, decode_probe(data)))
        except TimeoutError:
            return stopped(f"the check could not decide within {self.judge_seconds:g} s; "
                           "your instructor will look at this answer."), []
        except (WireError, ValueError, TypeError, RecursionError) as exc:
            return stopped(f"the grader could not read your answer ({str(exc)[:200]})."), []


def _clean(error: dict) -> dict:
    return {k: str(error.get(k, ""))[:400] for k in ("type", "message", "where")}


def _why(end: Ending, limits: Any) -> str:
    if end.kind == "timeout":
        if end.detail == "run":
            return f"the notebook ran longer than {limits.run_seconds:g} s in all"
        return "it ran past its time limit and was stopped from outside (was SIGALRM blocked?)"
    if end.kind == "output":
        return f"it sent more than {limits.output_mb} MB back to the grader"
    detail = end.detail
    if "SIGKILL" in detail:
        detail += " (its memory limit, or a kill)"
    elif "SIGSEGV" in detail:
        detail += " (a crash, often a recursion too deep)"
    elif detail.startswith("exited"):
        detail += " (os._exit, or a crash)"
    return f"the Python process {detail}"


def _problem(cell: analysis.CodeCell, report: Mapping[str, str]) -> str:
    where = f"code cell {cell.n}" + (f" (`{cell.first_line}`)" if cell.first_line else "")
    kind = report.get("type", "")
    if report.get("kind") == "crash":
        return f"{where} stopped the grader's Python ({report['message']}); the notebook was " \
            "graded without it."
    if report.get("kind") == "syntax":
        return f"{where} has a syntax error ({report['message']}) and could not run."
    if kind == "timeout" or kind == "SystemExit":
        return f"{where}: {report['message']}."
    text = re.sub(r"\s+", " ", report.get("message", ""))
    return f"{where} raised {kind}: {text}{report.get('where', '')}."
