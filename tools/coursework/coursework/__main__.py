"""Command line of the coursework tool (the Makefile's ``student`` and ``grade`` call it)::

    python -m coursework student  --root BOOK --out DIR [--html] [--no-package]
    python -m coursework grade    SUBMISSIONS --root BOOK --out DIR [--chapter SLUG ...]
                                  [--assignment FILE] [--score-shortcuts] [--unsafe]
    python -m coursework nbgrader --root BOOK --out DIR [--assignment-name NAME]
    python -m coursework check-sandbox

``BOOK`` is the folder holding ``_toc.yml`` (default: the current folder). Paths may be
relative or absolute. ``--assignment FILE`` is a YAML file with ``chapters:`` (the slugs a
submission may be) and ``points:`` (points per exercise label). Described in
``book/instructor-guide``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def _assignment_file(path: str | None) -> tuple[list[str], dict[str, float]]:
    if not path:
        return [], {}
    import yaml

    from .book import CourseworkError

    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CourseworkError(f"cannot read the assignment file {path}: {exc}") from None
    chapters = data.get("chapters", data.get("chapter", []))
    chapters = [chapters] if isinstance(chapters, str) else list(chapters)
    points = {str(k): float(v) for k, v in (data.get("points") or {}).items()}
    return [str(c) for c in chapters], points


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursework",
                                     description="Student edition, sandboxed grader and "
                                     "nbgrader export of Backprop, Derived.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("student", help="write the student edition")
    p.add_argument("--root", default=".", help="the book's folder (holds _toc.yml)")
    p.add_argument("--out", default="_build_student")
    p.add_argument("--chapters", nargs="*", help="chapter .md files (default: all)")
    p.add_argument("--html", action="store_true", help="also build its HTML")
    p.add_argument("--no-package", action="store_true",
                   help="do not copy the backprop package and requirements into it")
    p = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    p.add_argument("submissions")
    p.add_argument("--root", default=".")
    p.add_argument("--out", default="_build_grades")
    p.add_argument("--chapters", nargs="*", help="chapter .md files (default: all)")
    p.add_argument("--chapter", action="append", default=[],
                   help="a chapter slug the assignment asks for (repeatable)")
    p.add_argument("--assignment", help="YAML file with chapters: and points:")
    p.add_argument("--score-shortcuts", action="store_true",
                   help="count answers that call the package's own implementation")
    p.add_argument("--unsafe", action="store_true",
                   help="grade without a sandbox (only for submissions you trust)")
    p.add_argument("--jobs", type=int, default=None, help="notebooks at once (default: cores)")
    p.add_argument("--cell-timeout", type=float, default=60.0)
    p.add_argument("--call-timeout", type=float, default=5.0,
                   help="seconds one call of a student's function may take")
    p.add_argument("--notebook-timeout", type=float, default=600.0)
    p.add_argument("--memory-mb", type=int, default=2048)
    p = sub.add_parser("nbgrader", help="export the chapters in nbgrader's format")
    p.add_argument("--root", default=".")
    p.add_argument("--out", default="_build_nbgrader")
    p.add_argument("--chapters", nargs="*")
    p.add_argument("--assignment-name", default="backprop")
    sub.add_parser("check-sandbox", help="say whether submissions can be isolated here")
    args = parser.parse_args(argv)

    from .book import CourseworkError, toc_chapters
    from .sandbox import Limits, Sandbox, SandboxUnavailable

    try:
        if args.command == "check-sandbox":
            Sandbox().check()
            print("the sandbox works: bubblewrap isolates submissions on this machine")
            return 0
        root = Path(args.root).resolve()
        chapters = ([Path(c).resolve() for c in args.chapters] if args.chapters
                    else toc_chapters(root))
        if args.command == "student":
            from .edition import build_student_edition, build_student_html

            made = build_student_edition(root, Path(args.out), chapters,
                                         package=not args.no_package)
            print(f"student edition of {len(made)} chapter(s) in {args.out}: "
                  + ", ".join(f"{c.slug}.ipynb" for c in made))
            if args.html:
                print(f"HTML in {build_student_html(root, Path(args.out), execute=True)}")
        elif args.command == "grade":
            from .classroom import grade_folder
            from .grading import Assignment

            expected, points = _assignment_file(args.assignment)
            expected += args.chapter
            assignment = Assignment.from_book(chapters, expected=expected or None,
                                              points=points,
                                              score_shortcuts=args.score_shortcuts)
            unknown = sorted(set(expected) - set(assignment.chapters))
            if unknown:
                raise CourseworkError(f"no chapter with exercises is called "
                                      f"{', '.join(unknown)}; the chapters are "
                                      f"{', '.join(assignment.chapters)}")
            limits = Limits(memory_mb=args.memory_mb, cell_seconds=args.cell_timeout,
                            call_seconds=args.call_timeout, run_seconds=args.notebook_timeout)
            start = time.monotonic()
            csv_path = grade_folder(Path(args.submissions), Path(args.out), assignment,
                                    limits=limits, unsafe=args.unsafe, jobs=args.jobs)
            print(f"grades in {csv_path}, feedback in {Path(args.out) / 'feedback'} "
                  f"({time.monotonic() - start:.0f} s"
                  + (", WITHOUT a sandbox (--unsafe)" if args.unsafe else "") + ")")
        else:
            from .nbgrader import export_nbgrader

            written = export_nbgrader(root, Path(args.out), chapters, args.assignment_name)
            print(f"nbgrader source notebooks: {', '.join(map(str, written))}")
    except SandboxUnavailable as exc:
        print(f"error: no sandbox for untrusted code: {exc}", file=sys.stderr)
        return 2
    except CourseworkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
