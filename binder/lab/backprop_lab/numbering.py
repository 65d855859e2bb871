"""The book's numbers in JupyterLab.

The book numbers chapters by their place in ``_toc.yml`` (the parts marked ``numbered``,
counted on across parts with ``use_multitoc_numbering``), and chapter 4's sections, figures,
equations, tables and exercises 4.1, 4.2, ...; on the pages it does not number, figures,
tables, equations and exercises are counted on from one page to the next (Sphinx's ``numfig``).
jupyterlab-myst numbers a notebook on its own ("Figure 1") unless the notebook's MyST front
matter says otherwise; it reads that front matter from the first Markdown cell.
:func:`frontmatter` writes it for a page and :func:`strip_frontmatter` takes it away again, so
the contents manager can add it to the first Markdown cell when it serves a chapter and
remove it when it saves one. :func:`book_targets` numbers every figure, table, equation and
exercise of the book the way Sphinx does, for the references from one chapter to another,
which jupyterlab-myst cannot resolve.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .links import link, outside_code

__all__ = ["Target", "book_root", "book_targets", "chapter_numbers", "frontmatter", "page",
           "page_targets", "render_references", "starts", "strip_frontmatter"]

# What Sphinx numbers, the MyST front matter's name for it, and how a reference shows it.
KINDS = {"fig": ("figure", "Fig. %s"), "tab": ("table", "Table %s"),
         "eq": ("equation", "(%s)"), "ex": ("exercise", "Exercise %s")}
_DISPLAY_MATH = re.compile(r"\$\$(?:(?!\$\$).)+?\$\$[ \t]*\((?P<label>[\w:-]+)\)", re.DOTALL)
_OPENING = re.compile(r"^(?:`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<arg>[^\n]*)$", re.MULTILINE)
_OPTION = re.compile(r":(?P<key>[\w-]+):[ \t]*(?P<value>[^\n]*)")
REFERENCE = re.compile(r"\{(?P<role>eq|numref)\}(?P<ticks>`+)(?P<content>[^`\n]+?)(?P=ticks)(?!`)")
EXPLICIT = re.compile(r"(?P<title>.*?)\s*<(?P<label>[^<>]+)>", re.DOTALL)

MARKER = "# Added by binder/lab to number as the book does; not saved with the chapter."
FRONTMATTER = re.compile(r"\A---\n" + re.escape(MARKER) + r"\n.*?^---\n", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Target:
    """A figure, table, equation or exercise the book numbers."""

    page: str  # "book/output-layer"
    kind: str  # "fig", "tab", "eq" or "ex"
    number: str  # "4.2", or "2" on a page the book does not number

    @property
    def text(self) -> str:
        """How a ``{numref}`` or ``{eq}`` to it reads: "Fig. 4.2", "(4.2)"."""
        return KINDS[self.kind][1] % self.number


def _options(body: str) -> dict[str, str]:
    """A directive's options: the ``:key: value`` lines that open its body."""
    options = {}
    for line in body.split("\n"):
        if not (m := _OPTION.fullmatch(line.strip())):
            break
        options[m["key"]] = m["value"].strip()
    return options


def page_targets(path: Path) -> list[tuple[str, str | None]]:
    """What the book numbers on a page, in order, as (kind, label or None): every figure
    (a ``mystnb: figure:`` cell with a caption, a ``{figure}``), table (a ``{list-table}`` or
    ``{table}`` with a title) and exercise, and every labelled equation (labels lower-cased,
    as both the book and MyST compare them)."""
    import jupytext

    out: list[tuple[str, str | None]] = []
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "code":
            figure = cell.metadata.get("mystnb", {}).get("figure", {})
            if isinstance(figure, dict) and figure.get("caption"):
                out.append(("fig", figure.get("name")))
            continue
        if cell.cell_type != "markdown":
            continue
        found = [(m.start(), "eq", m["label"]) for m in _DISPLAY_MATH.finditer(cell.source)]
        for m in _OPENING.finditer(cell.source):
            options = _options(cell.source[m.end() + 1:])
            label = options.get("label") or options.get("name")
            name = m["name"]
            if name == "figure" or (name in ("list-table", "table") and m["arg"].strip()):
                found.append((m.start(), "fig" if name == "figure" else "tab", label))
            elif name == "math" and label:
                found.append((m.start(), "eq", label))
            elif name in ("exercise", "exercise-start") and "nonumber" not in options:
                found.append((m.start(), "ex", label))
        out += [(kind, label.lower() if label else None) for _, kind, label in sorted(found)]
    return out


@functools.lru_cache(maxsize=4)
def _targets(root: Path, stamp: tuple[int, ...]) -> tuple[dict[str, Target],
                                                           dict[str, dict[str, int]]]:
    numbers = _read_toc(root)[1]
    targets: dict[str, Target] = {}
    starts: dict[str, dict[str, int]] = {}
    shared = dict.fromkeys(KINDS, 0)  # the counts the unnumbered pages share
    for name in _toc_order(root):
        number = numbers.get(name)
        counts = dict.fromkeys(KINDS, 0) if number is not None else shared
        if number is None:
            starts[name] = dict(shared)
        for kind, label in page_targets(root / f"{name}.md"):
            counts[kind] += 1
            if label:
                value = f"{number}.{counts[kind]}" if number is not None else str(counts[kind])
                targets[label] = Target(name, kind, value)
    return targets, starts


def _toc_order(root: Path) -> list[str]:
    """The book's pages in reading order (the order Sphinx numbers them in)."""
    toc = _yaml(root / "_toc.yml") or {}
    order = [str(Path(toc["root"]).with_suffix(""))] if toc.get("root") else []

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                order.append(str(Path(entry["file"]).with_suffix("")))
                walk(entry.get("sections") or [])

    for part in toc.get("parts") or [{"chapters": toc.get("chapters") or []}]:
        walk(part.get("chapters") or [])
    return [name for name in order if (root / f"{name}.md").is_file()]


def _read_targets(root: Path) -> tuple[dict[str, Target], dict[str, dict[str, int]]]:
    names = _toc_order(root)
    stamps = tuple((root / f"{n}.md").stat().st_mtime_ns for n in names)
    return _targets(root, (*stamps, *_read_toc_stamps(root)))


def book_targets(root: Path) -> dict[str, Target]:
    """Every labelled figure, table, equation and exercise of the book, numbered as the
    book numbers it (read again when a page or the table of contents changes)."""
    return dict(_read_targets(root)[0])


def book_root(path: Path, top: Path) -> Path | None:
    """The folder of the book a file belongs to: the nearest one holding ``_toc.yml``,
    from the file's folder up to ``top`` (the server's root)."""
    for folder in [path.parent, *path.parent.parents]:
        if (folder / "_toc.yml").is_file():
            return folder
        if folder == top:
            return None
    return None


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text()) if path.is_file() else None


@functools.lru_cache(maxsize=8)
def _toc(root: Path, stamp: tuple[int, int]) -> tuple[frozenset[str], dict[str, str]]:
    """The pages of the book's table of contents, and the numbers of the numbered ones."""
    toc = _yaml(root / "_toc.yml") or {}
    config = _yaml(root / "_config.yml") or {}
    # Jupyter Book 1 counts on across numbered parts unless this is switched off.
    multitoc = (config.get("html") or {}).get("use_multitoc_numbering", True)
    default = bool((toc.get("defaults") or {}).get("numbered", False))
    numbers: dict[str, str] = {}
    pages = {str(Path(toc["root"]).with_suffix(""))} if toc.get("root") else set()
    count = 0

    def walk(entries: list[dict[str, Any]], prefix: str, numbered: bool) -> None:
        nonlocal count
        local = 0
        for entry in entries:
            if "file" not in entry:
                continue
            pages.add(str(Path(entry["file"]).with_suffix("")))
            if numbered:
                if prefix:
                    local += 1
                    number = f"{prefix}.{local}"
                else:
                    count += 1
                    number = str(count)
                numbers[str(Path(entry["file"]).with_suffix(""))] = number
            walk(entry.get("sections") or [], number if numbered else "", numbered)

    parts = toc.get("parts") or [{"chapters": toc.get("chapters") or []}]
    for part in parts:
        if not multitoc:
            count = 0
        walk(part.get("chapters") or [], "", bool(part.get("numbered", default)))
    return frozenset(pages), numbers


def _read_toc_stamps(root: Path) -> tuple[int, int]:
    stamps = [(root / name).stat().st_mtime_ns if (root / name).is_file() else 0
              for name in ("_toc.yml", "_config.yml")]
    return stamps[0], stamps[1]


def _read_toc(root: Path) -> tuple[frozenset[str], dict[str, str]]:
    return _toc(root, _read_toc_stamps(root))


def chapter_numbers(root: Path) -> dict[str, str]:
    """Each numbered page of the book at ``root`` (``"book/output-layer"``) and its number
    (``"4"``), as the book numbers them."""
    return dict(_read_toc(root)[1])


def starts(root: Path, name: str) -> dict[str, int]:
    """On a page the book does not number: how many figures, tables, equations and
    exercises the unnumbered pages before it have (its own count on from there)."""
    return dict(_read_targets(root)[1].get(name, {}))


def page(path: Path, top: Path) -> tuple[Path, str | None] | None:
    """For a page of a book under ``top`` (the server's root): the book's folder and the
    page's number (None where the book does not number it). None for any other file."""
    root = book_root(path, top)
    if root is None:
        return None
    name = str(path.relative_to(root).with_suffix(""))
    pages, numbers = _read_toc(root)
    return (root, numbers.get(name)) if name in pages else None


def frontmatter(number: str | None, starts: dict[str, int] | None = None) -> str:
    """The MyST front matter that makes jupyterlab-myst number a page as the book does: the
    title as chapter ``number``, sections, figures, equations, tables and exercises as
    ``number.1``, ``number.2``, ... and a figure reference as "Fig. 4.1". On a page the book
    does not number (``None``), each kind counts on from ``starts`` (how many of it the
    pages before have: ``{"tab": 1}``)."""
    numbering: dict[str, Any] = {"figure": {"template": "Fig. %s"}}
    fields: dict[str, Any] = {}
    if number is not None:
        numbering = {"enumerator": f"{number}.%s", "headings": True, **numbering}
        fields["enumerator"] = number
    for kind, count in (starts or {}).items():
        if count:
            key = KINDS[kind][0]
            numbering[key] = {**numbering.get(key, {}), "start": count + 1}
    body = yaml.safe_dump({"numbering": numbering, **fields}, sort_keys=False)
    return f"---\n{MARKER}\n{body}---\n"


def strip_frontmatter(source: str) -> str:
    """A Markdown cell without the front matter :func:`frontmatter` put before it."""
    return FRONTMATTER.sub("", source, count=1)


def render_references(source: str, name: str, root: Path) -> str:
    """A Markdown cell of page ``name`` with each ``{eq}`` and ``{numref}`` to another page's
    target written out as the book shows it, a link to that page (jupyterlab-myst resolves
    only the notebook's own targets)."""
    targets = book_targets(root)
    here = (root / name).parent

    def written(m: re.Match[str]) -> str:
        explicit = EXPLICIT.fullmatch(m["content"])
        label = (explicit["label"] if explicit else m["content"]).strip().lower()
        target = targets.get(label)
        if target is None or target.page == name or '"' in m.group(0):
            return m.group(0)
        text = target.text if explicit is None else \
            explicit["title"].replace("%s", target.number).replace("{number}", target.number)
        path = Path(os.path.relpath(root / f"{target.page}.md", here)).as_posix()
        text = text.replace("[", "\\[").replace("]", "\\]")
        return link(text, f"{path}#{label}", m.group(0))

    out, last = [], 0
    for start, end in outside_code(source):
        out += [source[last:start], REFERENCE.sub(written, source[start:end])]
        last = end
    return "".join(out) + source[last:]
