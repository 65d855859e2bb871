"""Grading a class: every file of a submissions folder gets a row in ``grades.csv`` and its
student a ``feedback/<student>.md`` (``python -m coursework grade DIR --root <book>``,
``make grade SUBMISSIONS=DIR``).

Notebooks are graded by worker processes (one per core by default), each with its own
sandbox per run; a worker that dies or hangs costs only its notebook, which gets a row
saying so. Each row is written and flushed to disk as soon as its notebook is graded, so a
crash of the grader loses nothing already graded; at the end the CSV is rewritten sorted.
Nothing is written outside the output folder. Described in ``book/instructor-guide``.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import re
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from .book import CourseworkError
from .grading import Assignment, Grader
from .sandbox import Limits, Sandbox, build_font_cache

__all__ = ["grade_folder", "markdown_text", "submissions"]

_SKIP_DIRS = {".ipynb_checkpoints", "__MACOSX"}


def submissions(folder: Path, exclude: Path | None = None) -> list[tuple[Path, str]]:
    """Every file under ``folder`` (any extension; dot files and checkpoints aside) with
    its path relative to ``folder``; symbolic links are listed, never followed."""
    out = []
    for here, dirs, files in os.walk(folder, followlinks=False):
        base = Path(here)
        if exclude is not None and base.resolve().is_relative_to(exclude):
            dirs[:] = []
            continue
        keep = []
        for d in sorted(dirs):
            if d.startswith(".") or d in _SKIP_DIRS:
                continue
            if (base / d).is_symlink():
                out.append(base / d)
            else:
                keep.append(d)
        dirs[:] = keep
        out += [base / f for f in sorted(files) if not f.startswith(".")]
    return sorted((p, str(p.relative_to(folder))) for p in out)


def _student(rel: str) -> str:
    parts = Path(rel).parts
    raw = parts[0] if len(parts) > 1 else Path(rel).stem
    return re.sub(r"[^A-Za-z0-9._@+-]", "_", raw).strip("._")[:100] or "student"


def markdown_text(text: Any, limit: int = 1500) -> str:
    """Text for the feedback file: one line, Markdown and HTML characters escaped, so a
    student's exception text cannot become a link, an image or markup."""
    s = re.sub(r"\s+", " ", str(text)).strip()
    if len(s) > limit:
        s = s[:limit] + "..."
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]{}#|!~])", r"\\\1", s)


# --------------------------------------------------------------------------- workers
def _worker(conn: Any, assignment: Assignment, limits: dict, unsafe: bool,
            font_cache: tuple[str, bytes] | None, only_needed: bool) -> None:
    grader = Grader(assignment, Sandbox(Limits(**limits), unsafe=unsafe,
                                        font_cache=font_cache), only_needed=only_needed)
    while True:
        task = conn.recv()
        if task is None:
            return
        path, student, rel = task
        try:
            result = grader.grade(Path(path), student, rel)
        except Exception as exc:  # noqa: BLE001 - the row says what went wrong
            # The grader's own bug, not the student's: say where, so it can be reported.
            where = traceback.extract_tb(exc.__traceback__)[-1]
            result = _failed(student, rel, f"the grader failed on this notebook "
                             f"({type(exc).__name__}: {str(exc)[:200]}, in "
                             f"{Path(where.filename).name}:{where.lineno}); please report "
                             f"it with this line")
        conn.send(result)


def _failed(student: str, rel: str, note: str) -> dict:
    return {"student": student, "file": rel, "chapter": "", "status": "grader error",
            "note": note, "exercises": {}, "problems": [], "review": [], "shortcuts": []}


class _Pool:
    def __init__(self, jobs: int, args: tuple, task_seconds: float) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.jobs, self.args, self.task_seconds = jobs, args, task_seconds
        self.idle: list[tuple[Any, Any]] = []
        self.busy: dict[Any, tuple[Any, tuple, float]] = {}   # conn -> (process, task, t0)

    def _start(self) -> tuple[Any, Any]:
        mine, theirs = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(theirs, *self.args), daemon=True)
        proc.start()
        theirs.close()
        return proc, mine

    def run(self, tasks: Sequence[tuple], done: Any) -> None:
        queue = deque(tasks)
        while queue or self.busy:
            while queue and len(self.busy) < self.jobs:
                proc, conn = self.idle.pop() if self.idle else self._start()
                task = queue.popleft()
                conn.send(task)
                self.busy[conn] = (proc, task, time.monotonic())
            for conn in wait(list(self.busy), timeout=5.0):
                proc, task, _ = self.busy.pop(conn)
                try:
                    result = conn.recv()
                    self.idle.append((proc, conn))
                except (EOFError, OSError):
                    result = _failed(task[1], task[2], "the grader's worker process died on "
                                     "this notebook")
                    proc.kill()
                done(result)
            now = time.monotonic()
            for conn, (proc, task, t0) in list(self.busy.items()):
                if now - t0 > self.task_seconds:
                    proc.kill()
                    proc.join()
                    del self.busy[conn]
                    done(_failed(task[1], task[2], f"grading this notebook took more than "
                                 f"{self.task_seconds:g} s and was stopped"))
        for proc, conn in self.idle:
            conn.send(None)
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()


# --------------------------------------------------------------------------- output
def _row(result: dict, labels: Sequence[str]) -> dict[str, str]:
    row = {"student": result["student"], "file": result["file"],
           "chapter": result["chapter"], "status": result["status"]}
    total = maximum = 0.0
    for label in labels:
        entry = result["exercises"].get(label)
        if entry is None:
            row[label] = ""
            continue
        if entry["points"] is None:
            row[label] = "manual"
            continue
        row[label] = f"{entry['points']:g}"
        total += entry["points"]
        maximum += entry["max"]
    row["total"], row["max"] = f"{total:g}", (f"{maximum:g}" if result["exercises"] else "")
    row["shortcuts"] = " ".join(result["shortcuts"])
    row["review"] = "; ".join(result["review"])
    row["note"] = result["note"]
    return row


def _feedback(student: str, results: Sequence[dict]) -> str:
    lines = [f"# Feedback for {markdown_text(student)}", ""]
    for res in sorted(results, key=lambda r: r["file"]):
        title = res["chapter"] or "not graded"
        lines += [f"## {markdown_text(title)} ({markdown_text(Path(res['file']).name)})", ""]
        if res["note"]:
            lines += [markdown_text(res["note"][:1].upper() + res["note"][1:]) + ".", ""]
        for label, e in res["exercises"].items():
            pts = "graded by hand" if e["points"] is None else f"{e['points']:g}/{e['max']:g}"
            lines.append(f"- **{label}** ({pts}, {e['status']}): {markdown_text(e['message'])}")
        if res["problems"]:
            lines += ["", "While running your notebook:"]
            lines += [f"- {markdown_text(p)}" for p in res["problems"]]
        lines.append("")
    return "\n".join(lines)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def grade_folder(folder: Path, out: Path, assignment: Assignment, *,
                 limits: Limits | None = None, unsafe: bool = False,
                 jobs: int | None = None, only_needed: bool = True,
                 on_result: Callable[[dict], None] | None = None) -> Path:
    """Grade every file under ``folder`` (``folder/<student>.ipynb`` or
    ``folder/<student>/*.ipynb``) into ``out/grades.csv`` and ``out/feedback/``; returns the
    CSV's path. Refuses (:class:`coursework.sandbox.SandboxUnavailable`) when no sandbox
    can be made, unless ``unsafe``. ``only_needed=False`` runs every cell of every
    notebook (slower; the benchmark compares the two); ``on_result`` sees each result as it
    comes."""
    folder, out = Path(folder).resolve(), Path(out).resolve()
    if not folder.is_dir():
        raise CourseworkError(f"{folder} is not a folder; pass SUBMISSIONS=<folder of "
                              "submitted .ipynb files>")
    limits = limits or Limits()
    font_cache = build_font_cache()
    Sandbox(limits, unsafe=unsafe, font_cache=font_cache).check()
    files = submissions(folder, exclude=out)
    students: dict[str, str] = {}
    tasks = []
    for path, rel in files:
        sid = _student(rel)
        raw = Path(rel).parts[0] if len(Path(rel).parts) > 1 else Path(rel).stem
        while students.setdefault(sid, raw) != raw:   # two names that clean up the same
            sid += "-2"
        tasks.append((str(path), sid, rel))
    labels = assignment.labels()
    fields = ["student", "file", "chapter", "status", *labels, "total", "max", "shortcuts",
              "review", "note"]
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    csv_path = out / "grades.csv"
    rows: list[dict[str, str]] = []
    by_student: dict[str, list[dict]] = {}
    with csv_path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()

        def done(result: dict) -> None:
            if on_result is not None:
                on_result(result)
            row = _row(result, labels)
            rows.append(row)
            writer.writerow(row)
            fh.flush()
            os.fsync(fh.fileno())
            mine = by_student.setdefault(result["student"], [])
            mine.append(result)
            _write_atomically(out / "feedback" / f"{result['student']}.md",
                              _feedback(result["student"], mine))

        pool = _Pool(max(1, jobs or os.cpu_count() or 1),
                     (assignment, asdict(limits), unsafe, font_cache, only_needed),
                     task_seconds=3 * limits.run_seconds + 120)
        pool.run(tasks, done)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fields)
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: (r["student"], r["file"])))
    _write_atomically(csv_path, buf.getvalue())
    return csv_path
