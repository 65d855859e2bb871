"""Roles served as Markdown links that remember their source.

What jupyterlab-myst cannot resolve itself (a citation, a reference to another chapter's
equation) the contents manager writes out as a link to where it points, titled with the role
as the chapter writes it: ``[(1.3)](perceptron.md#eq-perceptron-rule "{eq}`eq-perceptron-rule`")``.
:func:`restore` turns each such link back into its title when the chapter is saved, so the
``.md`` keeps its roles, whatever else the reader changed in the cell.
"""

from __future__ import annotations

import re

__all__ = ["LINK", "ROLE", "link", "outside_code", "restore"]

ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}(?P<ticks>`+)(?P<content>[^`\n]+?)(?P=ticks)(?!`)")
# [text](destination "role"): the text with its brackets escaped, no line breaks.
LINK = re.compile(r'\[(?:[^\[\]\\\n]|\\.)*\]\([^\s()"]+ "(?P<role>\{[\w:-]+\}`+[^"\n]*?`+)"\)')
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
# A parenthetical citation is one bracketed run of links, one per work (citations.py).
PARENTHETICAL = {"cite", "cite:p", "cite:ps"}


def link(text: str, destination: str, role: str) -> str:
    """A Markdown link showing ``text`` that :func:`restore` turns back into ``role``."""
    return f'[{text}]({destination} "{role}")'


def _links_of(role: str) -> tuple[int, bool]:
    """How many links a role is served as, and whether in escaped brackets: a citation has
    one per work it cites, a parenthetical one in brackets; anything else one link."""
    m = ROLE.fullmatch(role)
    if m is None or not m["role"].startswith("cite"):
        return 1, False
    return len({k.strip() for k in m["content"].split(",")}), m["role"] in PARENTHETICAL


def restore(source: str) -> str:
    """The cell with every whole served role back as the role: a run of its links joined by
    ", " (in escaped brackets for a parenthetical citation). Links a reader edited apart stay
    as they are."""
    out, last, pos = [], 0, 0
    while (m := LINK.search(source, pos)) is not None:
        role = m["role"]
        count, brackets = _links_of(role)
        start, end, n = m.start(), m.end(), 1
        while n < count and source.startswith(", ", end) \
                and (nxt := LINK.match(source, end + 2)) and nxt["role"] == role:
            end, n = nxt.end(), n + 1
        if brackets and source[start - 2:start] == "\\[" and source.startswith("\\]", end):
            start, end = start - 2, end + 2
        elif brackets:
            n = 0  # a parenthetical citation without its brackets was edited
        if n == count:
            out += [source[last:start], role]
            last = end
        pos = end
    return "".join(out) + source[last:]


def outside_code(source: str) -> list[tuple[int, int]]:
    """Character spans of a Markdown cell outside fenced code blocks (directive fences,
    whose body is MyST, count as outside)."""
    spans, fence, start, pos = [], None, 0, 0
    for line in source.splitlines(keepends=True):
        match = FENCE.match(line)
        if fence is None and match and not match.group(2).lstrip().startswith("{"):
            spans.append((start, pos))
            fence = match.group(1)
        elif fence is not None and line.strip().startswith(fence) \
                and not line.strip()[len(fence):].strip():
            fence, start = None, pos + len(line)
        pos += len(line)
    if fence is None:
        spans.append((start, pos))
    return spans
