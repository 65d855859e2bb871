"""Citations in JupyterLab as the book shows them.

jupyterlab-myst cannot read ``book/references.bib``: it shows a ``{cite:t}`` role as its
raw key, marked as an error. The book (sphinxcontrib-bibtex, ``bibtex_reference_style:
author_year``, the bibliography in pybtex's ``alpha`` style) shows ``{cite:t}`key``` as
"Rumelhart *et al.* [1986]" and ``{cite:p}`a,b``` as "[Minsky and Papert, 1969, Rosenblatt,
1958]", the works in the bibliography's order. :class:`Bibliography` formats them the same
way with pybtex, the library the book uses, and :func:`render` writes each role as Markdown
that jupyterlab-myst renders: one link per work, to the work's entry in a read-only list the
contents manager adds at the end of the chapter (:func:`references_cell`). Each link keeps
the role it came from as its title, ``[Rumelhart *et al.* \\[1986\\]](#cite-rumelhart1986learning
"{cite:t}`rumelhart1986learning`")``, so :func:`restore` puts back exactly the role the
chapter had (:mod:`backprop_lab.links`), in any cell, after any edit that leaves the links of
that citation whole.

Roles the book does not write (pre- and post-text, ``{cite:ct}``, ``{cite:year}``...) and keys
that are not in the bibliography are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import Entry, parse_file
from pybtex.plugin import find_plugin
from pybtex.richtext import BaseText, Tag, Text
from pybtex.style.names import name_part
from pybtex.style.template import join

from .links import link, outside_code

__all__ = ["Bibliography", "cited_keys", "references_cell_source", "render"]

# The roles the book's author-year style formats: parenthetical (in brackets) or textual,
# with "et al." after the first author of three or more, or every author ("s").
ROLES = {"cite": "p", "cite:p": "p", "cite:ps": "ps", "cite:t": "t", "cite:ts": "ts"}
ROLE = re.compile(r"\{(?P<role>cite(?::[a-z]+)?)\}(?P<ticks>`+)(?P<keys>[^`\n]+?)(?P=ticks)(?!`)")
ANCHOR = "cite-"
ET_AL = Text(" ", Tag("em", "et al."))


def _markdown(text: BaseText | str) -> str:
    # pybtex's Markdown backend escapes Markdown's specials; "newblock" becomes a newline,
    # which the book shows as a space.
    text = Text(text) if isinstance(text, str) else text
    return text.render_as("markdown").replace("\n", " ")


@dataclass(frozen=True)
class Work:
    """One entry of the bibliography, as the book labels and lists it."""

    key: str
    label: str  # pybtex's alpha label, "RHW86a"
    entry: str  # the formatted entry, Markdown
    names: str  # "Rumelhart *et al.*" (Markdown)
    all_names: str  # "Rumelhart, Hinton, and Williams"
    year: str  # "1986", or "n.d."


def _last_names(people: Iterable) -> list[BaseText]:
    # sphinxcontrib-bibtex's "last" name style: the von part tied to the last name.
    return [join[name_part(tie=True)[p.rich_prelast_names],
                 name_part[p.rich_last_names]].format() for p in people]


def _names(entry: Entry, full: bool) -> BaseText:
    """The author (or editor, or the title in italics) as the book's citations write it."""
    for role in ("author", "editor"):
        names = _last_names(entry.persons.get(role, []))
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return Text(names[0], " and ", names[1])
        if names:
            return Text(names[0], ET_AL) if not full else \
                Text(Text(", ").join(names[:-1]), ", and ", names[-1])
    return Tag("em", Text.from_latex(entry.fields.get("title", entry.key)))


class Bibliography:
    """The book's bibliography file, formatted with pybtex's ``alpha`` style as the book's
    References page is (``book/references``): entries sorted and labelled the same way."""

    def __init__(self, path: Path) -> None:
        data = parse_file(str(path))
        style = find_plugin("pybtex.style.formatting", "alpha")()
        entries = list(style.sort(data.entries.values()))
        self.works: dict[str, Work] = {}
        for label, entry in zip(style.format_labels(entries), entries):
            year = entry.fields.get("year")
            self.works[entry.key] = Work(
                key=entry.key, label=label,
                entry=_markdown(style.format_entry(label, entry).text),
                names=_markdown(_names(entry, full=False)),
                all_names=_markdown(_names(entry, full=True)),
                year=_markdown(Text.from_latex(year)) if year else "n.d.")
        self.order = {key: i for i, key in enumerate(self.works)}

    def cite(self, role: str, keys: str, source: str) -> str | None:
        """The Markdown of one citation role, or None if the book's style does not write
        it or a key is unknown. ``source`` (the role as written) becomes each link's title."""
        kind = ROLES.get(role)
        names = [k.strip() for k in keys.split(",")]
        if kind is None or '"' in source or not all(k in self.works for k in names):
            return None
        works = sorted({self.works[k] for k in names}, key=lambda w: self.order[w.key])
        full = kind.endswith("s")

        def who(work: Work) -> str:
            return work.all_names if full else work.names

        def to(work: Work) -> str:
            return f"#{ANCHOR}{work.key}"

        if kind.startswith("p"):
            return "\\[" + ", ".join(link(f"{who(w)}, {w.year}", to(w), source)
                                     for w in works) + "\\]"
        return ", ".join(link(f"{who(w)} \\[{w.year}\\]", to(w), source) for w in works)


def render(source: str, bibliography: Bibliography) -> str:
    """A Markdown cell with each citation role the book formats written out as links."""
    out, last = [], 0
    for start, end in outside_code(source):
        for m in ROLE.finditer(source, start, end):
            text = bibliography.cite(m["role"], m["keys"], m.group(0))
            if text is not None:
                out += [source[last:m.start()], text]
                last = m.end()
    return "".join(out) + source[last:]


def cited_keys(source: str, bibliography: Bibliography) -> list[str]:
    """The keys a Markdown cell cites (that :func:`render` writes out), in order."""
    keys = []
    for start, end in outside_code(source):
        for m in ROLE.finditer(source, start, end):
            if bibliography.cite(m["role"], m["keys"], m.group(0)) is not None:
                keys += [k.strip() for k in m["keys"].split(",")]
    return keys


def references_cell_source(keys: Iterable[str], bibliography: Bibliography) -> str:
    """The Markdown of the chapter's list of works cited, in the bibliography's order, each
    entry the target of the links to it."""
    works = sorted({bibliography.works[k] for k in keys}, key=lambda w: bibliography.order[w.key])
    entries = [f"({ANCHOR}{w.key})=\n\\[{w.label}\\] {w.entry}" for w in works]
    return "\n\n".join(["**Works cited in this chapter** (the book's *References* page lists "
                        "them all):", *entries])
