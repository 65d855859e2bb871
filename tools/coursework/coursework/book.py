"""Reading the book: the table of contents, the chapters' exercises, their answer cells and
the check each one calls, and the student edition of a chapter (solutions removed).

Conventions the chapters follow (``CONTRIBUTING.md``): an exercise is a ``{exercise}``
directive with ``:label: ex-<slug>-N``; its solution is a ``{solution}`` block or the gated
form ``{solution-start}`` ... ``{solution-end}``. A code cell in a gated solution that
contains ``### BEGIN SOLUTION`` / ``### END SOLUTION`` is the student's answer cell: the
student edition keeps it with the marked lines replaced by a stub, and the line after
``### END SOLUTION`` is the exercise's check, one call of a check registered in
:data:`backprop.exercises.CHECKERS`. Everything else in a solution is dropped. Everything
here reads the instructor's sources, which are trusted; submissions are read by
:mod:`coursework.grading`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
META = "backprop_coursework"
EDITION_VERSION = 2

_DIRECTIVE = re.compile(
    r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<kind>exercise|solution|solution-start|solution-end)\}"
    r"\s*(?P<arg>\S*)")
_LABEL = re.compile(r"^\s*:label:\s*(\S+)")
EX_LABEL = re.compile(r"\bex-([a-z0-9][a-z0-9-]*?)-(\d+)\b")


class CourseworkError(ValueError):
    """Raised for input the coursework tools cannot use; the message says what to do."""


# --------------------------------------------------------------------------- the book
def toc_files(root: Path) -> list[str]:
    """Every page in ``root/_toc.yml``, in reading order, as root-relative paths without
    the suffix."""
    import yaml

    toc_path = Path(root) / "_toc.yml"
    if not toc_path.is_file():
        raise CourseworkError(f"{toc_path} does not exist; pass --root <the book's folder>, "
                              "the one that holds _toc.yml")
    toc = yaml.safe_load(toc_path.read_text())
    files = [toc["root"]]

    def walk(entries: Any) -> None:
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def toc_chapters(root: Path) -> list[Path]:
    """The chapter sources listed in ``root/_toc.yml`` that contain exercises, in order."""
    out = []
    for f in toc_files(root):
        path = Path(root) / f"{f}.md"
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


@dataclass(frozen=True)
class CheckCall:
    """The check an answer cell calls: a registered check's ``name`` and, for each of its
    parameters, the name (or dotted attribute) of the student's variable it reads."""

    name: str
    answers: Mapping[str, str]


def parse_check(check: str) -> CheckCall | None:
    """The registered check that ``check`` (the lines after ``### END SOLUTION``) calls, or
    ``None`` when it is not one call of a registered check with plain-name arguments (such
    an exercise is graded by hand)."""
    from backprop.exercises import CHECKERS

    try:
        tree = ast.parse(check)
    except SyntaxError:
        return None
    calls = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    if len(calls) != 1 or not isinstance(calls[0], ast.Expr) \
            or not isinstance(calls[0].value, ast.Call):
        return None
    call = calls[0].value
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    spec = CHECKERS.get(name)
    if spec is None or len(call.args) > len(spec.answers):
        return None
    names: dict[str, str] = {}
    for param, arg in zip(spec.answers, call.args):
        names[param] = _dotted(arg)
    for kw in call.keywords:
        if kw.arg in spec.answers:
            names[kw.arg] = _dotted(kw.value)
    if set(names) != set(spec.answers) or not all(names.values()):
        return None
    return CheckCall(name, names)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


@dataclass
class Exercise:
    """One exercise of a chapter, as the grader sees it (from the book's own source)."""

    label: str
    check: str = ""       # the line(s) after ### END SOLUTION ("" = graded by hand)
    points: float = 1.0
    answer: str = ""      # the answer cell up to ### END SOLUTION

    @property
    def call(self) -> CheckCall | None:
        return parse_check(self.check) if self.check.strip() else None

    @property
    def autograded(self) -> bool:
        return self.call is not None


@dataclass
class StudentChapter:
    slug: str
    notebook: Any                     # nbformat.NotebookNode, the student edition
    exercises: list[Exercise]
    solution_text: list[str]          # lines that must not survive


def is_answer_cell(cell: Any) -> bool:
    return cell.cell_type == "code" and any(line.strip() == BEGIN
                                            for line in cell.source.splitlines())


def student_chapter(path: Path) -> StudentChapter:
    """Strip one chapter source to its student edition (a notebook with metadata)."""
    import jupytext

    nb = jupytext.read(path)
    slug = Path(path).stem
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
        if is_answer_cell(cell):
            label = state.gated or state.exercise or f"ex-{slug}-?"
            answer, check = split_answer_cell(cell.source)
            exercises.setdefault(label, Exercise(label)).check = check
            exercises[label].answer = answer
            secret += _solution_lines(cell.source)
            cell.source = stub_answer(answer, label) + (f"\n\n{check}" if check else "")
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


def identify_chapter(nb: Mapping[str, Any], known: Sequence[str]) -> str | None:
    """Which chapter a submission is: the notebook's metadata, else any answer cell's
    metadata, else the exercise labels in its text. File names are never used."""
    meta = nb.get("metadata", {}) if isinstance(nb, Mapping) else {}
    slug = (meta.get(META) or {}).get("chapter") if isinstance(meta, Mapping) else None
    if slug in known:
        return slug
    cells = [c for c in nb.get("cells", []) if isinstance(c, Mapping)]
    for cell in cells:
        label = str((cell.get("metadata", {}).get(META) or {}).get("exercise", ""))
        m = EX_LABEL.search(label)
        if m and m.group(1) in known:
            return m.group(1)
    for cell in cells:
        for m in EX_LABEL.finditer(str(cell.get("source", ""))):
            if m.group(1) in known:
                return m.group(1)
    return None
