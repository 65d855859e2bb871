"""The scan of a chapter: every number of its prose that is neither computed, claimed in its
section nor structural, and every claim that no longer matches the prose.

Part of :mod:`backprop.claims`; ``tests/test_claims.py`` runs :func:`scan_chapter` on every
page of the book (``book/intro`` to the appendices).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from .numbers import _ROLE, COMPUTED_ROLES, _as_written, _structural, numbers_in

__all__ = ["Report", "main", "scan_chapter"]


# ============================================================================ the scan
@dataclass
class Report:
    """What :func:`scan_chapter` found in one chapter."""

    path: Path
    unchecked: list[tuple[int, str, str]]  # (line, number as written, its context)
    stale: list[tuple[int, str]]           # (line of the claim, phrase not in the prose)
    counted: int                           # numbers in the prose, all kinds
    claimed: int                           # of which covered by a claim
    computed: int                          # numbers inserted by computed roles

    def __str__(self) -> str:
        lines = [f"{self.path}: {self.counted} numbers in the prose, {self.claimed} claimed, "
                 f"{self.computed} computed roles, {len(self.unchecked)} unchecked, "
                 f"{len(self.stale)} stale claim(s)"]
        lines += [f"  line {ln}: {num!r} in {ctx!r}" for ln, num, ctx in self.unchecked]
        lines += [f"  line {ln}: claim({p!r}) is not in the prose of its section, states no "
                  "number, or gives a different number of values" for ln, p in self.stale]
        return "\n".join(lines)


_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?:\{(?P<directive>[\w:-]+)\})?\s*(?P<arg>.*)$")
#: Directives whose body is code or data, not prose.
CODE_DIRECTIVES = {"code-cell", "literalinclude", "code", "code-block", "raw", "eval",
                   "glue", "glue:figure", "glue:any", "glue:md", "eval:figure", "sourcecode"}
_PROSE_OPTIONS = ("caption", "alt", "title", "figure-caption")


def _split(source: str) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """Prose spans ``(start, end)`` and code cells ``(start, code)`` of a MyST chapter."""
    prose: list[tuple[int, int]] = []
    cells: list[tuple[int, str]] = []
    stack: list[tuple[str, str | None]] = []
    pos, lines = 0, source.splitlines(keepends=True)
    in_front, i = lines[:1] == ["---\n"], 0
    code_start, code_lines, yaml, yaml_prose = 0, [], False, False
    while i < len(lines):
        line, start = lines[i], pos
        pos += len(line)
        i += 1
        text = line.rstrip("\n")
        if in_front:
            in_front = not (i > 1 and text == "---")
            continue
        fence = _FENCE.match(text.strip())
        in_code = bool(stack) and (stack[-1][1] in CODE_DIRECTIVES or stack[-1][1] == "")
        if fence and stack and text.strip() == stack[-1][0][:len(fence.group("fence"))] \
                and fence.group("fence")[0] == stack[-1][0][0] and \
                len(fence.group("fence")) >= len(stack[-1][0]) and not fence.group("arg") \
                and not fence.group("directive"):
            if in_code and stack[-1][1] == "code-cell":
                cells.append((code_start, "".join(code_lines)))
            stack.pop()
            continue
        if fence and not in_code:
            directive = fence.group("directive")
            stack.append((fence.group("fence"), directive if directive is not None else ""))
            if directive == "code-cell":
                code_start, code_lines, yaml, yaml_prose = pos, [], False, False
            elif directive not in CODE_DIRECTIVES and directive and \
                    not re.fullmatch(r"\s*[\w-]*\s*", fence.group("arg")):
                prose.append((start + text.find("}") + 1, start + len(text)))  # the title
            continue
        if in_code:
            if stack[-1][1] == "code-cell":
                if not code_lines and not yaml and text.strip() == "---":
                    yaml = True
                    continue
                if yaml:
                    if text.strip() == "---":
                        yaml = False
                        code_start = pos
                        continue
                    key = re.match(r"\s*(\w[\w-]*):\s*(\|)?\s*(.*)$", text)
                    if key and not text.startswith(" " * 6):
                        yaml_prose = key.group(1) in _PROSE_OPTIONS
                        if yaml_prose and key.group(3):
                            prose.append((start + key.start(3), start + len(text)))
                    elif yaml_prose:
                        prose.append((start, start + len(text)))
                    continue
                if text.startswith(":") and not code_lines:
                    continue  # :tags: [...] options of a cell
                code_lines.append(line)
            continue
        if re.match(r"^\s*:[\w-]+:", text):
            opt = re.match(r"^\s*:([\w-]+):\s*(.*)$", text)
            if opt and opt.group(1) in _PROSE_OPTIONS:
                prose.append((start + opt.start(2), start + len(text)))
            continue
        if re.match(r"^\s*(\([\w-]+\)=|%|\+\+\+|<!--)", text):
            continue
        if not text.strip():
            continue
        prose.append((start, start + len(text)))
    return _merge(prose, source), cells


def _merge(spans: list[tuple[int, int]], source: str) -> list[tuple[int, int]]:
    """Join adjacent prose lines into paragraphs, so that display math can span lines."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and source[out[-1][1]:a] == "\n" and not source[a:b].startswith("#"):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _claims_in(code: str) -> list[tuple[int, str, int | None]]:
    """``(line within the cell, phrase, number of values or None)`` of every ``claim(...)``."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and (
                (isinstance(node.func, ast.Name) and node.func.id == "claim") or
                (isinstance(node.func, ast.Attribute) and node.func.attr == "claim")):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                starred = any(isinstance(a, ast.Starred) for a in node.args[1:])
                out.append((node.lineno, first.value, None if starred else len(node.args) - 1))
    return out


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """The phrase, with any line breaks, and with YAML's doubled quote in captions."""
    words = (re.escape(w).replace("'", "'{1,2}") for w in phrase.split())
    return re.compile(r"\s+".join(words))


def scan_chapter(path: str | Path) -> Report:
    """Every number of a chapter's prose that is not computed, claimed or structural, and
    every claim whose phrase is not (any more) in the prose of its section."""
    path = Path(path)
    source = path.read_text(encoding="utf-8")
    prose, cells = _split(source)
    # a "# comment" at the start of a line of code is not a heading: only prose has sections
    heads = [0] + [m.start() for m in re.finditer(r"(?m)^#{1,2} ", source)
                   if any(a <= m.start() < b for a, b in prose)] + [len(source)]
    sections = list(zip(heads[:-1], heads[1:]))

    def section_of(offset: int) -> tuple[int, int]:
        return next(s for s in sections if s[0] <= offset < s[1])

    covered: dict[tuple[int, int], list[tuple[int, int]]] = {s: [] for s in sections}
    stale = []
    for cell_start, code in cells:
        sec = section_of(cell_start)
        for line, phrase, n_values in _claims_in(code):
            pattern = _phrase_pattern(phrase)
            hits = [m.span() for a, b in prose if sec[0] <= a < sec[1]
                    for m in pattern.finditer(source, a, b)]
            stated = len([n for n in numbers_in(_as_written(phrase))
                          if not _structural(phrase, n)])
            if not hits or not stated or n_values not in (None, stated):
                stale.append((source.count("\n", 0, cell_start) + line, phrase))
            covered[sec] += hits
    unchecked, counted, claimed, computed = [], 0, 0, 0
    for a, b in prose:
        sec = section_of(a)
        years = {y for m in _ROLE.finditer(source, *sec) if m.group("name").startswith("cite")
                 for y in re.findall(r"(1[89]\d\d|20\d\d)", m.group("body"))}
        # a numbered list's own numbers are structure: blank "1." at the start of a line
        text = re.sub(r"(?m)^(\s*)(\d+)([.)])(?=\s)",
                      lambda m: m.group(1) + " " * len(m.group(2)) + m.group(3), source[a:b])
        computed += sum(m.group("name") in COMPUTED_ROLES for m in _ROLE.finditer(text))
        for n in numbers_in(text, a):
            if _structural(text, n, a, years):
                continue
            counted += 1
            if any(s <= n.start and n.end <= e for s, e in covered[sec]):
                claimed += 1
                continue
            line_start = source.rfind("\n", 0, n.start) + 1
            line_end = source.find("\n", n.end)
            unchecked.append((source.count("\n", 0, n.start) + 1, n.text,
                              source[line_start:line_end if line_end > 0 else None].strip()))
    return Report(path, unchecked, stale, counted, claimed, computed)


def main(argv: list[str]) -> int:
    """``python -m backprop.claims book/*.md``: print what :func:`scan_chapter` found."""
    failed = 0
    for name in argv or sorted(str(p) for p in Path("book").glob("*.md")):
        report = scan_chapter(name)
        print(report)
        failed += bool(report.unchecked or report.stale)
    return 1 if failed else 0

