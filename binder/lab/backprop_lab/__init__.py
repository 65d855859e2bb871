"""The book's JupyterLab set-up: chapters open as notebooks that read like the book, and
stay unmodified until the reader changes them.

A chapter (``book/<slug>.md``) is a MyST text notebook that jupytext turns into a notebook
when JupyterLab opens it. :class:`ChapterContentsManager` (jupytext's contents manager)
changes a text notebook it serves in these ways, and undoes all but the first when it saves
one, so an unchanged chapter is saved byte for byte as it was, and a reader's edits are saved
in the chapter's own MyST:

- The ``language_info`` that the book's kernel (ipykernel, in this same environment) reports.
  jupytext does not save it, and JupyterLab copies the kernel's into the notebook as soon as
  the kernel starts, which would mark an untouched chapter modified: closing it would ask to
  save, and autosave would rewrite it. jupytext leaves it out of the ``.md`` again on save.
- After the chapter's first cell, a read-only note that a chapter's ``.md`` keeps the
  reader's code but not its outputs, and where the ``.ipynb`` student edition is.
- Under each figure cell (``mystnb: figure:`` metadata, which only the book reads), a
  read-only Markdown cell with the figure's caption as a MyST ``{figure}``, so JupyterLab
  shows the caption and resolves ``{numref}`` references to it.
- The book's numbers (:mod:`backprop_lab.numbering`): MyST front matter before the first
  Markdown cell, so chapter 4's title, sections, figures, equations and exercises are
  numbered 4, 4.1, ... as in the HTML.
- Citations as the book writes them (:mod:`backprop_lab.citations`): each ``{cite:t}`` and
  ``{cite:p}`` role as author-year links, and a read-only list of the works cited at the end.
- Each ``{solution-end}`` fence as a MyST comment (jupyterlab-myst would draw it as an
  empty box).
- Collapsed input (``jupyter.source_hidden``) where the book hides code: cells tagged
  ``remove-input``, ``remove-cell``, ``hide-input`` or ``hide-cell``, and every cell of a
  gated solution (between ``{solution-start}`` and ``{solution-end}``), so an answer is not
  readable without a click, as in the HTML. jupyterlab-myst collapses the ``{solution}``
  dropdowns themselves. Expanding a cell is view state: it is not written to the ``.md``.

The repository's ``[tool.jupytext]`` setting keeps the values jupyterlab-myst computes for
``{eval}`` roles out of the ``.md`` too. The package's data files enable this manager
(``etc/jupyter/jupyter_server_config.json``) and install JupyterLab's settings
(``share/jupyter/lab/settings/overrides.json``). The README says how Binder and ``make``
install it; ``tests/test_binder_lab.py`` checks it without a browser and
``tests/test_jupyterlab.py`` in JupyterLab.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jupytext.async_contentsmanager import AsyncTextFileContentsManager

from . import citations, links, numbering

__all__ = ["GATE_END", "ChapterContentsManager", "bibliography", "caption_cell",
           "collapsed_cells", "hide_solution_ends", "kernel_language_info", "outputs_note",
           "references_cell", "served_cells", "show_solution_ends"]

KERNEL_NAME = "python3"
HIDDEN_TAGS = {"remove-input", "remove-cell", "hide-input", "hide-cell"}
GATE = re.compile(r"^\s*(?:`{3,}|:{3,})\{solution-(?P<kind>start|end)\}", re.MULTILINE)
GATE_END = re.compile(r"^\s*(?:`{3,}|:{3,})\{solution-end\}", re.MULTILINE)
VIEW_STATE = ("source_hidden", "outputs_hidden")
MARK = "backprop_lab"  # the metadata key of the cells this manager adds
# A {solution-end} fence, and the MyST comment it is served as.
SOLUTION_END = re.compile(r"^(?P<open>(?P<fence>`{3,}|:{3,})\{solution-end\}[^\n]*)\n"
                          r"(?P<close>(?P=fence)[ \t]*)$", re.MULTILINE)
SOLUTION_END_HIDDEN = re.compile(r"^% (?P<open>(?P<fence>`{3,}|:{3,})\{solution-end\}[^\n]*)\n"
                                 r"% (?P<close>(?P=fence)[ \t]*)$", re.MULTILINE)


def kernel_language_info() -> dict[str, Any]:
    """The ``language_info`` that ipykernel reports for the ``python3`` kernel of this
    environment (the kernel runs on the server's Python)."""
    from ipykernel.ipkernel import IPythonKernel

    return copy.deepcopy(IPythonKernel.language_info)


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def collapsed_cells(cells: Sequence[dict[str, Any]]) -> list[int]:
    """Indices of the cells whose input JupyterLab shows collapsed: code the book hides (by
    tag), and every cell inside a gated solution, after the Markdown cell that opens it and
    before the one that closes it."""
    out, inside = [], False
    for index, cell in enumerate(cells):
        gates = [m["kind"] for m in GATE.finditer(_source(cell))] \
            if cell.get("cell_type") == "markdown" else []
        tags = set(cell.get("metadata", {}).get("tags", []))
        if (inside and not gates) or (cell.get("cell_type") == "code" and tags & HIDDEN_TAGS):
            out.append(index)
        if gates:
            inside = gates[-1] == "start"  # the cell's last gate opens or closes a solution
    return out


def caption_cell(cell: dict[str, Any]) -> dict[str, Any] | None:
    """The read-only Markdown cell showing a figure cell's caption in JupyterLab (None for
    a cell that is no figure)."""
    import nbformat

    figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
    if cell.get("cell_type") != "code" or not isinstance(figure, dict) \
            or not figure.get("caption"):
        return None
    label = f":label: {figure['name']}\n" if figure.get("name") else ""
    return nbformat.v4.new_markdown_cell(
        f":::{{figure}}\n{label}{figure['caption']}\n:::",
        metadata={MARK: "caption", "editable": False, "deletable": False})


OUTPUTS_NOTE = """\
:::{note}
This chapter is a text notebook (`.md`): saving it keeps your changes to the text and the
code, not the outputs. For work whose outputs you want to keep, use the student edition, made
of `.ipynb` notebooks: the folder `student-edition/` on Binder, or `make student` locally.
:::"""


def outputs_note() -> dict[str, Any]:
    """The read-only note this manager shows after a chapter's first cell."""
    import nbformat

    return nbformat.v4.new_markdown_cell(
        OUTPUTS_NOTE, metadata={MARK: "note", "editable": False, "deletable": False})


def hide_solution_ends(source: str) -> str:
    """A Markdown cell with each ``{solution-end}`` fence turned into a MyST comment:
    jupyterlab-myst would draw the fence as an empty solution box."""
    return SOLUTION_END.sub(lambda m: f"% {m['open']}\n% {m['close']}", source)


def show_solution_ends(source: str) -> str:
    """The inverse of :func:`hide_solution_ends`."""
    return SOLUTION_END_HIDDEN.sub(lambda m: f"{m['open']}\n{m['close']}", source)


@functools.lru_cache(maxsize=4)
def _bibliography(path: Path, stamp: int) -> citations.Bibliography:
    return citations.Bibliography(path)


def bibliography(root: Path) -> citations.Bibliography | None:
    """The bibliography of the book at ``root`` (its ``_config.yml``'s first
    ``bibtex_bibfiles`` entry), read again when the file changes; None without one."""
    config = numbering._yaml(root / "_config.yml") or {}
    files = config.get("bibtex_bibfiles") or []
    path = root / files[0] if files else None
    if path is None or not path.is_file():
        return None
    return _bibliography(path, path.stat().st_mtime_ns)


def references_cell(keys: Sequence[str], bib: citations.Bibliography) -> dict[str, Any]:
    """The read-only cell listing the works a chapter cites, at its end."""
    import nbformat

    return nbformat.v4.new_markdown_cell(
        citations.references_cell_source(keys, bib),
        metadata={MARK: "references", "editable": False, "deletable": False})


def served_cells(cells: list[dict[str, Any]], root: Path, name: str, number: str | None,
                 bib: citations.Bibliography | None) -> list[dict[str, Any]]:
    """Page ``name`` of the book at ``root`` as JupyterLab shows it: figure captions and the
    note on outputs added, citations and references to other pages written out (the works
    cited listed at the end), ``{solution-end}`` hidden, and the book's numbering in the first
    Markdown cell's front matter (``number`` is the page's; None where the book has none)."""
    out, cited = [], []
    for index, cell in enumerate(cells):
        out.append(cell)
        if (caption := caption_cell(cell)) is not None:
            out.append(caption)
        if index == 0:
            out.append(outputs_note())
    for cell in out:
        if cell.get("cell_type") != "markdown":
            continue
        source = numbering.render_references(_source(cell), name, root)
        if bib is not None:
            cited += citations.cited_keys(source, bib)
            source = citations.render(source, bib)
        cell["source"] = hide_solution_ends(source)
    if cited:
        out.append(references_cell(cited, bib))
    first = next((c for c in out if c.get("cell_type") == "markdown"), None)
    if first is not None:
        starts = numbering.starts(root, name) if number is None else None
        first["source"] = numbering.frontmatter(number, starts) + first["source"]
    return out


def saved_source(source: str) -> str:
    """A Markdown cell as the chapter writes it: the inverse of what :func:`served_cells`
    did to it, which leaves the reader's own edits as they are."""
    return links.restore(show_solution_ends(numbering.strip_frontmatter(source)))


def _is_text_notebook(model: dict[str, Any], path: str) -> bool:
    return (model.get("type") == "notebook" and bool(model.get("content"))
            and not path.endswith(".ipynb"))


class ChapterContentsManager(AsyncTextFileContentsManager):
    """Jupytext's contents manager, serving chapters that read like the book (numbers,
    citations, captions, the book's hidden code collapsed) and saving them as they were
    written, without what it added or the view state."""

    def _page(self, path: str) -> tuple[Path, str, str | None] | None:
        """For a page of a book under the server's root: the book's folder, the page's name
        in its table of contents and its number. None for any other file."""
        top = Path(self.root_dir).resolve()
        file = (top / path.strip("/")).resolve()
        found = numbering.page(file, top)
        if found is None:
            return None
        root, number = found
        return root, str(file.relative_to(root).with_suffix("")), number

    async def get(self, path: str, content: bool = True, type: str | None = None,
                  format: str | None = None, **kwargs: Any) -> dict[str, Any]:
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if not _is_text_notebook(model, path):
            return model
        notebook = model["content"]
        if notebook["metadata"].get("kernelspec", {}).get("name") == KERNEL_NAME:
            notebook["metadata"].setdefault("language_info", kernel_language_info())
        for index in collapsed_cells(notebook["cells"]):
            metadata = notebook["cells"][index]["metadata"]
            metadata["jupyter"] = {**metadata.get("jupyter", {}), "source_hidden": True}
        if (page := self._page(path)) is not None:
            root, name, number = page
            notebook["cells"] = served_cells(notebook["cells"], root, name, number,
                                             bibliography(root))
        return model

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        if _is_text_notebook(model, path):
            model["content"]["cells"] = [c for c in model["content"]["cells"]
                                         if MARK not in c.get("metadata", {})]
            for cell in model["content"]["cells"]:
                if cell.get("cell_type") == "markdown":
                    cell["source"] = saved_source(_source(cell))
                jupyter = cell.get("metadata", {}).get("jupyter")
                if isinstance(jupyter, dict):
                    for key in VIEW_STATE:
                        jupyter.pop(key, None)
                    if not jupyter:
                        del cell["metadata"]["jupyter"]
        return await super().save(model, path)
