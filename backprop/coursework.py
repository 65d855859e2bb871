"""Coursework: the student edition, the grader and the nbgrader export.

Described for instructors in ``book/instructor-guide``; the checks the exercises call are
in :mod:`backprop.exercises`. Command line (the Makefile's ``student`` and ``grade``)::

    python -m backprop.coursework student  [--out _build_student]
    python -m backprop.coursework grade    SUBMISSIONS [--out _build_grades]
    python -m backprop.coursework nbgrader [--out _build_nbgrader]

Conventions the chapters follow (``CONTRIBUTING.md``): an exercise is a ``{exercise}``
directive with ``:label: ex-<slug>-N``; its solution is a ``{solution}`` block or the gated
form ``{solution-start}`` ... ``{solution-end}``. A code cell in a gated solution that
contains ``### BEGIN SOLUTION`` / ``### END SOLUTION`` is the student's answer cell: the
student edition keeps it with the marked lines replaced by a stub, and the lines after
``### END SOLUTION`` are the exercise's check. Everything else in a solution is dropped.
"""

from __future__ import annotations

import argparse
import ast
import copy
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
META = "backprop_coursework"
EDITION_VERSION = 1

_DIRECTIVE = re.compile(
    r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<kind>exercise|solution|solution-start|solution-end)\}"
    r"\s*(?P<arg>\S*)")
_LABEL = re.compile(r"^\s*:label:\s*(\S+)")
_EX_LABEL = re.compile(r"\bex-([a-z0-9][a-z0-9-]*?)-(\d+)\b")


class CourseworkError(ValueError):
    """Raised for input the coursework tools cannot use; the message says what to do."""


# --------------------------------------------------------------------------- chapters
def toc_files(root: Path = ROOT) -> list[str]:
    """Every page in ``_toc.yml``, in reading order, as root-relative paths without suffix."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def toc_chapters(root: Path = ROOT) -> list[Path]:
    """The chapter sources listed in ``_toc.yml`` that contain exercises, in order."""
    out = []
    for f in toc_files(root):
        path = root / f"{f}.md"
        if path.exists() and "{exercise}" in path.read_text():
            out.append(path)
    return out


def _closing(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing the fence opened at ``start`` (CommonMark: the same
    character, at least as many of it, nothing else on the line)."""
    char, n = fence[0], len(fence)
    for j in range(start + 1, len(lines)):
        s = lines[j].strip()
        if s and set(s) == {char} and len(s) >= n:
            return j
    return len(lines) - 1


@dataclass
class _State:
    gated: str | None = None          # label of the gated solution we are inside
    exercise: str | None = None       # label of the latest exercise statement
    labels: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _strip_markdown(text: str, state: _State) -> str:
    lines = text.splitlines()
    kept: list[str] = []
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if m:
            j = _closing(lines, i, m["fence"])
            block = lines[i:j + 1]
            kind = m["kind"]
            if kind == "exercise":
                for line in block:
                    lm = _LABEL.match(line)
                    if lm:
                        state.exercise = lm.group(1)
                        state.labels.append(lm.group(1))
                if state.gated is None:
                    kept += block
                else:
                    state.removed += block
            else:
                state.removed += block
                if kind == "solution-start":
                    state.gated = m["arg"] or state.exercise or "?"
                elif kind == "solution-end":
                    state.gated = None
            i = j + 1
            continue
        (state.removed if state.gated else kept).append(lines[i])
        i += 1
    return "\n".join(kept).strip("\n")


def split_answer_cell(source: str) -> tuple[str, str]:
    """Split an answer cell into (answer part up to the last ``### END SOLUTION``, check)."""
    lines = source.splitlines()
    last = max(i for i, line in enumerate(lines) if line.strip() == END)
    return "\n".join(lines[:last + 1]), "\n".join(lines[last + 1:]).strip("\n")


def _stub_region(region: list[str], indent: str, label: str) -> list[str]:
    """What replaces the lines between the markers in the student edition."""
    if indent:
        return [f"{indent}# YOUR CODE HERE ({label}): replace the next line by your code.",
                f'{indent}raise NotImplementedError("{label}: not answered yet")']
    try:
        tree = ast.parse("\n".join(region))
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    out = [f"# YOUR CODE HERE ({label}): replace None by your answer."]
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out += [f"def {node.name}({ast.unparse(node.args)}):",
                    f'    raise NotImplementedError("{label}: not answered yet")']
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for name in ast.walk(t):
                    if isinstance(name, ast.Name) and f"{name.id} = None" not in out:
                        out.append(f"{name.id} = None")
    return out


def stub_answer(source: str, label: str) -> str:
    """The answer cell with every marked region replaced by a stub (see
    :func:`_stub_region`); the check after ``### END SOLUTION`` stays."""
    lines = source.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == BEGIN:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            j = i + 1
            while j < len(lines) and lines[j].strip() != END:
                j += 1
            out += _stub_region(lines[i + 1:j], indent, label)
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _guarded_check(check: str, label: str, answer: str) -> str:  # noqa: ARG001
    """The check as the student edition shows it: a call of a registered check of
    :mod:`backprop.exercises`, which reports "not yet" for a stub by itself."""
    return check


def _solution_lines(source: str) -> list[str]:
    lines, inside, out = source.splitlines(), False, []
    for line in lines:
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside:
            out.append(line)
    return out


@dataclass
class Exercise:
    """One exercise of a chapter, as the grader sees it."""

    label: str
    check: str = ""       # the check run after the student's code ("" = graded by hand)
    points: float = 1.0
    answer: str = ""      # the answer cell up to ### END SOLUTION, from the book's source

    @property
    def autograded(self) -> bool:
        return bool(self.check.strip())


@dataclass
class StudentChapter:
    slug: str
    notebook: Any                     # nbformat.NotebookNode, the student edition
    exercises: list[Exercise]
    solution_text: list[str]          # lines that must not survive


def _is_answer_cell(cell: Any) -> bool:
    return cell.cell_type == "code" and any(line.strip() == BEGIN
                                            for line in cell.source.splitlines())


def student_chapter(path: Path) -> StudentChapter:
    """Strip one chapter source to its student edition (a notebook with metadata)."""
    import jupytext

    nb = jupytext.read(path)
    slug = path.stem
    state = _State()
    cells = []
    exercises: dict[str, Exercise] = {}
    secret: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            before = len(state.removed)
            text = _strip_markdown(cell.source, state)
            if text.strip():
                cell.source = text
                cells.append(cell)
            secret += state.removed[before:]
            for label in state.labels:
                exercises.setdefault(label, Exercise(label))
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        tags = cell.metadata.get("tags", [])
        if _is_answer_cell(cell):
            label = state.gated or state.exercise or f"ex-{slug}-?"
            answer, check = split_answer_cell(cell.source)
            exercises.setdefault(label, Exercise(label)).check = check
            exercises[label].answer = answer
            secret += _solution_lines(cell.source)
            cell.source = stub_answer(answer, label) + (
                "\n\n" + _guarded_check(check, label, answer) if check else "")
            cell.metadata[META] = {"exercise": label, "role": "answer"}
            cell.metadata["tags"] = [t for t in tags if t not in ("remove-cell",
                                                                  "remove-input")]
            cell.outputs, cell.execution_count = [], None
            cells.append(cell)
        elif state.gated or (state.exercise and "remove-cell" in tags):
            # Solution code, and the hidden checks of the exercise section, which compute
            # the answers.
            secret += cell.source.splitlines()
        else:
            cells.append(cell)
    nb.cells = cells
    nb.metadata[META] = {"chapter": slug, "edition": "student", "version": EDITION_VERSION,
                         "exercises": list(exercises)}
    kept = "\n".join(c.source for c in cells)
    solution_text = sorted({s.strip() for s in secret
                            if len(s.strip()) >= 12 and s.strip() not in kept
                            and not _DIRECTIVE.match(s) and not s.strip().startswith(":")})
    return StudentChapter(slug, nb, list(exercises.values()), solution_text)


def manifest(chapters: Sequence[Path]) -> dict[str, list[Exercise]]:
    """Trusted exercises and checks per chapter slug, read from the book's sources (never
    from a submission)."""
    return {p.stem: student_chapter(p).exercises for p in chapters}


def _notebook_markdown(nb: Any) -> Any:
    """The .ipynb flavour: ``{exercise}`` fences become a bold heading, readable in any
    Jupyter front end."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "{exercise}" not in cell.source:
            continue
        lines, out, i = cell.source.splitlines(), [], 0
        while i < len(lines):
            m = _DIRECTIVE.match(lines[i])
            if m and m["kind"] == "exercise":
                j = _closing(lines, i, m["fence"])
                body = lines[i + 1:j]
                label = next((lm.group(1) for line in body if (lm := _LABEL.match(line))), "")
                body = [line for line in body if not re.match(r"^\s*:\w[\w-]*:", line)]
                out += [f"**Exercise {label}.** {m['arg']}".rstrip()] + body
                i = j + 1
                continue
            out.append(lines[i])
            i += 1
        cell.source = "\n".join(out)
    return nb


def build_student_edition(out: Path, chapters: Sequence[Path] | None = None,
                          *, package: bool = True) -> list[StudentChapter]:
    """Write ``<out>/<slug>.ipynb`` (and the stripped ``book/<slug>.md`` for an HTML build)
    for every chapter with exercises; with ``package``, copy what Binder needs to install
    the ``backprop`` package, so the folder can be published as its own repository."""
    import jupytext
    import nbformat

    chapters = toc_chapters() if chapters is None else list(chapters)
    if not chapters:
        raise CourseworkError("no chapter with exercises found; list chapters in _toc.yml "
                              "or pass their .md files")
    out = Path(out)
    (out / "book").mkdir(parents=True, exist_ok=True)
    made = []
    for path in chapters:
        ch = student_chapter(Path(path))
        jupytext.write(ch.notebook, out / "book" / f"{ch.slug}.md", fmt="md:myst")
        nb = _notebook_markdown(ch.notebook)
        nb.metadata.pop("jupytext", None)
        nbformat.write(nbformat.from_dict(nb), out / f"{ch.slug}.ipynb")
        made.append(ch)
    if package:
        shutil.copytree(ROOT / "backprop", out / "backprop", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "requirements.txt", "constraints.txt", "runtime.txt"):
            if (ROOT / name).exists():
                shutil.copy(ROOT / name, out / name)
        (out / "README.md").write_text(
            "# Backprop, Derived: student edition\n\nOpen a notebook, fill in the cells "
            "marked `YOUR CODE HERE`, and run the check under it.\n")
    return made


def build_student_html(edition: Path, *, execute: bool = False) -> Path:
    """Build the HTML of a student edition written by :func:`build_student_edition` with
    Jupyter Book, reusing the book's ``_config.yml``; returns the HTML folder. Without
    ``execute`` the notebooks are not run (the stubs would only print "not yet")."""
    import yaml

    edition = Path(edition)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["title"] = f"{config.get('title', 'Backprop, Derived')}: student edition"
    config.setdefault("execute", {})["execute_notebooks"] = "cache" if execute else "off"
    config["bibtex_bibfiles"] = ["book/references.bib"]
    (edition / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    slugs = sorted(p.stem for p in (edition / "book").glob("*.md") if p.stem != "index")
    (edition / "book" / "index.md").write_text(
        "# Student edition\n\nThe chapters' exercises, with the solutions removed: fill in "
        "each cell marked `YOUR CODE HERE` and run the check under it.\n")
    toc = {"format": "jb-book", "root": "book/index",
           "chapters": [{"file": f"book/{s}"} for s in slugs]}
    (edition / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    shutil.copy(ROOT / "book" / "references.bib", edition / "book" / "references.bib")
    for folder in ("_ext", "_static"):  # the book's extension, favicon and styles
        if (ROOT / "book" / folder).is_dir():
            shutil.copytree(ROOT / "book" / folder, edition / "book" / folder,
                            dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    if not (edition / "vendor").exists():
        (edition / "vendor").symlink_to(ROOT / "vendor", target_is_directory=True)
    jb = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run([str(jb), "build", str(edition), "--keep-going"],
                          capture_output=True, text=True)
    html = edition / "_build" / "html"
    if not (html / "index.html").exists():
        raise CourseworkError("the student edition's HTML build failed:\n"
                              + (proc.stdout + proc.stderr)[-3000:])
    return html


# --------------------------------------------------------------------------- grading
class _CellTimeout(BaseException):
    pass


class _CappedWriter(io.StringIO):
    """Swallows output after a limit, so a loop printing forever cannot eat the memory."""

    def write(self, s: str) -> int:
        if self.tell() < 100_000:
            return super().write(s)
        return len(s)


def identify_chapter(nb: Any, known: Sequence[str]) -> str | None:
    """Which chapter a submission is: the notebook's metadata, else any answer cell's
    metadata, else the exercise labels in its text. File names are never used."""
    slug = (nb.get("metadata", {}).get(META) or {}).get("chapter")
    if slug in known:
        return slug
    for cell in nb.get("cells", []):
        label = (cell.get("metadata", {}).get(META) or {}).get("exercise", "")
        m = _EX_LABEL.search(label)
        if m and m.group(1) in known:
            return m.group(1)
    for cell in nb.get("cells", []):
        for m in _EX_LABEL.finditer(cell.get("source", "")):
            if m.group(1) in known:
                return m.group(1)
    return None


def _run_source(source: str, name: str, ns: dict, seconds: float) -> str:
    """Run one cell's code with a time limit; return "" or what went wrong."""
    code_lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        # IPython magics and shell escapes are not Python.
        code_lines.append(line[: len(line) - len(stripped)] + "pass"
                          if stripped.startswith(("%", "!")) else line)

    def stop(signum, frame):  # noqa: ARG001
        raise _CellTimeout

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        exec(compile("\n".join(code_lines), name, "exec"), ns)  # noqa: S102 - grading
    except _CellTimeout:
        return f"{name} was stopped after {seconds:g} s (an infinite loop?)"
    except SystemExit as exc:
        return f"{name} called sys.exit({exc.code!r})"
    except BaseException as exc:  # noqa: BLE001 - a submission may raise anything
        from .exercises.framework import student_line
        return f"{name} raised {type(exc).__name__}: {exc}{student_line(exc)}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return ""


def grade_one(nb_path: Path, chapters: Sequence[Path], student: str,
              cell_timeout: float = 120.0) -> dict:
    """Grade one notebook in *this* process (the grader calls it in a fresh one)."""
    import nbformat

    os.environ["MPLBACKEND"] = "Agg"
    os.environ["BACKPROP_STUDENT_ID"] = student
    trusted = manifest(chapters)
    result: dict = {"student": student, "file": str(nb_path), "chapter": None,
                    "exercises": {}, "problems": []}
    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - an unreadable file is a grading result
        result["problems"].append(f"not a readable notebook: {exc}")
        return result
    slug = identify_chapter(nb, list(trusted))
    if slug is None:
        result["problems"].append("could not tell which chapter this notebook is (no "
                                  "student-edition metadata and no exercise labels)")
        return result
    result["chapter"] = slug
    book_dir = next((p.parent for p in chapters if p.stem == slug), ROOT / "book")
    os.chdir(book_dir)
    sys.path.insert(0, str(book_dir))
    real_exit = os._exit

    def no_hard_exit(code: int = 0) -> None:
        raise SystemExit(f"os._exit({code})")

    os._exit = no_hard_exit  # type: ignore[assignment]  # a submission cannot kill the grader
    ns: dict = {"__name__": "__main__", "display": print}
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = _CappedWriter()
    try:
        for n, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            problem = _run_source(cell.source, f"cell {n}", ns, cell_timeout)
            if problem:
                result["problems"].append(problem)
        import importlib

        from . import exercises
        fresh = importlib.reload(exercises)  # a submission may have patched the module
        fresh.set_student(student)
        fresh_names = {k: getattr(fresh, k) for k in fresh.__all__}
        for ex in trusted[slug]:
            if not ex.autograded:
                result["exercises"][ex.label] = {
                    "points": None, "max": ex.points, "status": "manual",
                    "message": "graded by hand (predict or explain)."}
                continue
            fresh.clear_results()
            check_ns = {**ns, **fresh_names, "exercises": fresh}
            # The checks' own time limit stops student code first and says so.
            problem = _run_source(_guarded_check(ex.check, ex.label, ex.answer),
                                  f"the check of {ex.label}", check_ns,
                                  max(cell_timeout, 4 * fresh.TIME_LIMIT))
            recorded = fresh.results()
            # A check may call several checkers (or one filed under another label): the
            # exercise gets the worst of what they recorded.
            fb = recorded.get(ex.label) or (min(recorded.values(), key=lambda f: f.points
                                                 / (f.max_points or 1))
                                             if recorded else None)
            if fb is not None:
                entry = {"points": fb.points * ex.points / (fb.max_points or 1),
                         "status": fb.status, "message": fb.message}
            elif problem:
                entry = {"points": 0.0, "status": "incorrect", "message": problem}
            else:
                entry = {"points": ex.points, "status": "correct",
                         "message": "the check passed."}
            entry["max"] = ex.points
            result["exercises"][ex.label] = entry
    finally:
        sys.stdout, sys.stderr = real_out, real_err
        os._exit = real_exit
    return result


def _student_of(path: Path, folder: Path) -> str:
    rel = path.relative_to(folder)
    return rel.parts[0] if len(rel.parts) > 1 else path.stem


def grade_folder(folder: Path, out: Path, chapters: Sequence[Path] | None = None,
                 *, cell_timeout: float = 120.0, notebook_timeout: float = 600.0,
                 jobs: int | None = None) -> Path:
    """Grade every ``*.ipynb`` under ``folder`` (``folder/<student>/*.ipynb`` or
    ``folder/<student>.ipynb``), each in its own process; write ``grades.csv`` and
    ``feedback/<student>.md`` into ``out``. ``jobs`` notebooks are graded at once (default:
    one per CPU core). Returns the CSV's path."""
    folder, out = Path(folder), Path(out)
    if not folder.is_dir():
        raise CourseworkError(f"{folder} is not a folder; pass SUBMISSIONS=<folder of "
                              "submitted .ipynb files>")
    chapters = toc_chapters() if chapters is None else [Path(p) for p in chapters]
    trusted = manifest(chapters)
    labels = [ex.label for slug in trusted for ex in trusted[slug]]
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in
                       p.parts)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    rows, by_student = [], {}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1)) as pool:
        graded = list(pool.map(
            lambda path: _grade_in_subprocess(path, chapters, _student_of(path, folder),
                                              cell_timeout, notebook_timeout), notebooks))
    for path, res in zip(notebooks, graded):
        student = _student_of(path, folder)
        row = {"student": student, "file": str(path.relative_to(folder)),
               "chapter": res.get("chapter") or ""}
        total = maximum = 0.0
        for label in labels:
            entry = res["exercises"].get(label)
            if entry is None:
                row[label] = ""
                continue
            row[label] = "manual" if entry["points"] is None else f"{entry['points']:g}"
            if entry["points"] is not None:
                total += entry["points"]
                maximum += entry["max"]
        row["total"], row["max"] = f"{total:g}", f"{maximum:g}"
        rows.append(row)
        by_student.setdefault(student, []).append(res)
    csv_path = out / "grades.csv"
    with csv_path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, ["student", "file", "chapter", *labels, "total", "max"])
        writer.writeheader()
        writer.writerows(rows)
    for student, results in by_student.items():
        (out / "feedback" / f"{student}.md").write_text(_feedback_text(student, results))
    return csv_path


def _feedback_text(student: str, results: list[dict]) -> str:
    lines = [f"# Feedback for {student}", ""]
    for res in results:
        lines += [f"## {res.get('chapter') or 'unidentified notebook'} "
                  f"({Path(res['file']).name})", ""]
        for label, e in res["exercises"].items():
            pts = "graded by hand" if e["points"] is None else f"{e['points']:g}/{e['max']:g}"
            lines.append(f"- **{label}** ({pts}, {e['status']}): {e['message']}")
        if res["problems"]:
            lines += ["", "While running your notebook:"]
            lines += [f"- {p}" for p in res["problems"]]
        lines.append("")
    return "\n".join(lines)


def _grade_in_subprocess(path: Path, chapters: Sequence[Path], student: str,
                         cell_timeout: float, notebook_timeout: float) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result_file = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "backprop.coursework", "grade-one", str(path),
               "--student", student, "--result", str(result_file),
               "--cell-timeout", str(cell_timeout), "--chapters", *map(str, chapters)]
        fail = ""
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=notebook_timeout, cwd=tmp,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
            if proc.returncode != 0 or not result_file.exists():
                fail = f"the notebook stopped the grader (exit {proc.returncode})"
        except subprocess.TimeoutExpired:
            fail = f"the notebook ran longer than {notebook_timeout:g} s and was stopped"
        if not fail:
            return json.loads(result_file.read_text())
    return {"student": student, "file": str(path), "chapter": None, "exercises": {},
            "problems": [fail]}


# --------------------------------------------------------------------------- nbgrader
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
        if _is_answer_cell(cell):
            label = state.gated or state.exercise or "ex-unknown"
            answer, check = split_answer_cell(cell.source)
            a = nbformat.v4.new_code_cell(answer)
            a.metadata["nbgrader"] = _nbg(f"{label}-answer", grade=False, solution=True,
                                          locked=False)
            cells.append(a)
            if check:
                test = check + f"\nassert exercises.passed({label!r}) or " \
                    f"{label!r} not in exercises.results()"
                t = nbformat.v4.new_code_cell("from backprop import exercises\n" + test)
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


def export_nbgrader(out: Path, chapters: Sequence[Path] | None = None,
                    assignment: str = "backprop") -> list[Path]:
    """Write ``<out>/source/<assignment>/<slug>.ipynb`` for every chapter with exercises:
    the layout ``nbgrader generate_assignment`` reads."""
    import nbformat

    chapters = toc_chapters() if chapters is None else list(chapters)
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


# --------------------------------------------------------------------------- command line
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backprop.coursework",
                                     description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("student", help="write the student edition")
    p.add_argument("--out", default=str(ROOT / "_build_student"))
    p.add_argument("--chapters", nargs="*")
    p.add_argument("--html", action="store_true", help="also build its HTML")
    p = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    p.add_argument("submissions")
    p.add_argument("--out", default=str(ROOT / "_build_grades"))
    p.add_argument("--chapters", nargs="*")
    p.add_argument("--cell-timeout", type=float, default=120.0)
    p.add_argument("--notebook-timeout", type=float, default=600.0)
    p.add_argument("--jobs", type=int, default=None,
                   help="notebooks graded at once (default: one per CPU core)")
    p = sub.add_parser("nbgrader", help="export the chapters in nbgrader's format")
    p.add_argument("--out", default=str(ROOT / "_build_nbgrader"))
    p.add_argument("--chapters", nargs="*")
    p.add_argument("--assignment", default="backprop")
    p = sub.add_parser("grade-one", help=argparse.SUPPRESS)
    p.add_argument("notebook")
    p.add_argument("--student", required=True)
    p.add_argument("--result", required=True)
    p.add_argument("--cell-timeout", type=float, default=120.0)
    p.add_argument("--chapters", nargs="*")
    args = parser.parse_args(argv)
    chapters = [Path(c).resolve() for c in args.chapters] if args.chapters else None
    try:
        if args.command == "student":
            made = build_student_edition(Path(args.out), chapters)
            print(f"student edition of {len(made)} chapter(s) in {args.out}: "
                  + ", ".join(f"{c.slug}.ipynb" for c in made))
            if args.html:
                print(f"HTML in {build_student_html(Path(args.out), execute=True)}")
        elif args.command == "grade":
            start = time.monotonic()
            csv_path = grade_folder(Path(args.submissions), Path(args.out), chapters,
                                    cell_timeout=args.cell_timeout,
                                    notebook_timeout=args.notebook_timeout,
                                    jobs=args.jobs)
            print(f"grades in {csv_path}, feedback in {Path(args.out) / 'feedback'} "
                  f"({time.monotonic() - start:.0f} s)")
        elif args.command == "nbgrader":
            written = export_nbgrader(Path(args.out), chapters, args.assignment)
            print(f"nbgrader source notebooks: {', '.join(map(str, written))}")
        else:
            res = grade_one(Path(args.notebook).resolve(), chapters or toc_chapters(),
                            args.student, args.cell_timeout)
            Path(args.result).write_text(json.dumps(res))
    except CourseworkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
