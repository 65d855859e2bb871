"""Grading a class in the sandbox: N honest notebooks, every chapter with exercises, and the
same notebooks graded by running every cell, side by side in one run.

Each honest notebook is a chapter's student edition with every answer cell put back to the
book's solution, under its own student id (so each gets its own variant). Prints the wall
time and the CPU time of the grader's workers (getrusage of the children) and of every
sandboxed Python (which reports its own getrusage at the end of a run), per notebook, for
grading only the cells the exercises need and for running every cell, and how many honest
notebooks did not get full marks (it must be 0), with the machine's load. Target (issue
12): at most 2 s of CPU per notebook.

    .venv/bin/python benchmarks/grade_class.py [--notebooks 300] [--full 26] [--jobs 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import tempfile
import time
from pathlib import Path

import nbformat

from coursework import grading, toc_chapters
from coursework.book import META, student_chapter
from coursework.classroom import grade_folder
from coursework.edition import build_student_edition

ROOT = Path(__file__).resolve().parents[1]


def honest_notebooks(edition: Path, chapters: list[Path], n: int, folder: Path) -> None:
    """``n`` notebooks, chapter after chapter, each with the book's solutions filled in."""
    filled = []
    for path in chapters:
        answers = {e.label: e.answer + "\n\n" + e.check
                   for e in student_chapter(path).exercises if e.autograded}
        nb = nbformat.read(edition / f"{path.stem}.ipynb", as_version=4)
        for cell in nb.cells:
            label = cell.metadata.get(META, {}).get("exercise")
            if label in answers:
                cell.source = answers[label]
        filled.append((path.stem, nb))
    folder.mkdir(parents=True)
    for i in range(n):
        slug, nb = filled[i % len(filled)]
        nbformat.write(nb, folder / f"s{i:04d}-{slug}.ipynb")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade(folder: Path, out: Path, assignment: grading.Assignment, jobs: int,
          only_needed: bool) -> tuple[float, float, int, int]:
    sandboxes: list[float] = []
    cpu0, wall0 = children_cpu(), time.monotonic()
    csv_path = grade_folder(folder, out, assignment, jobs=jobs, only_needed=only_needed,
                            on_result=lambda r: sandboxes.append(r.get("sandbox_cpu", 0.0)))
    # The workers' CPU (their own and bubblewrap's) plus what each sandbox's Python used,
    # which the host does not collect from a PID namespace.
    wall, cpu = time.monotonic() - wall0, children_cpu() - cpu0 + sum(sandboxes)
    with csv_path.open() as fh:
        rows = list(csv.DictReader(fh))
    short = sum(1 for r in rows if r["status"] != "graded" or r["total"] != r["max"])
    return wall, cpu, len(rows), short


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=300)
    parser.add_argument("--full", type=int, default=26,
                        help="notebooks also graded by running every cell")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    chapters = [p for p in toc_chapters(ROOT)
                if any(e.autograded for e in student_chapter(p).exercises)]
    assignment = grading.Assignment.from_book(chapters)
    with tempfile.TemporaryDirectory(prefix="grade-class-") as tmp:
        tmp = Path(tmp)
        build_student_edition(ROOT, tmp / "edition", chapters, package=False)
        honest_notebooks(tmp / "edition", chapters, args.notebooks, tmp / "class")
        honest_notebooks(tmp / "edition", chapters, args.full, tmp / "full-class")
        load = os.getloadavg()[0]
        needed = grade(tmp / "class", tmp / "out", assignment, args.jobs, True)
        full = grade(tmp / "full-class", tmp / "out-full", assignment, args.jobs, False)
    print(f"{len(chapters)} chapters, {os.cpu_count()} cores, --jobs {args.jobs}, "
          f"load average {load:.1f} at the start")
    for name, (wall, cpu, rows, short) in (("the cells the exercises need", needed),
                                          ("every cell (the alternative)", full)):
        print(f"{name:30s}: {rows:4d} notebooks in {wall:7.1f} s wall, {cpu:7.1f} s CPU; "
              f"{cpu / max(rows, 1):5.2f} s CPU and {wall / max(rows, 1):5.2f} s wall per "
              f"notebook; {short} honest notebook(s) short of full marks")


if __name__ == "__main__":
    main()
