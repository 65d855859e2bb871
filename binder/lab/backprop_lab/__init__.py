"""The book's JupyterLab set-up: chapters open as notebooks that read like the book, and
stay unmodified until the reader changes them.

A chapter (``book/<slug>.md``) is a MyST text notebook that jupytext turns into a notebook
when JupyterLab opens it. :class:`ChapterContentsManager` (jupytext's contents manager) adds
four things to a text notebook it serves, and takes the last three away again when it saves
one:

- The ``language_info`` that the book's kernel (ipykernel, in this same environment) reports.
  jupytext does not save it, and JupyterLab copies the kernel's into the notebook as soon as
  the kernel starts, which would mark an untouched chapter modified: closing it would ask to
  save, and autosave would rewrite it. jupytext leaves it out of the ``.md`` again on save.
- After the chapter's first cell, a read-only note that a chapter's ``.md`` keeps the
  reader's code but not its outputs, and where the ``.ipynb`` student edition is.
- Under each figure cell (``mystnb: figure:`` metadata, which only the book reads), a
  read-only Markdown cell with the figure's caption as a MyST ``{figure}``, so JupyterLab
  shows the caption and resolves ``{numref}`` references to it. These cells are dropped again
  when the chapter is saved.
- Collapsed input (``jupyter.source_hidden``) where the book hides code: cells tagged
  ``remove-input``, ``remove-cell``, ``hide-input`` or ``hide-cell``, and every cell of a
  gated solution (between ``{solution-start}`` and ``{solution-end}``), so an answer is not
  readable without a click, as in the HTML. jupyterlab-myst collapses the ``{solution}``
  dropdowns themselves. Expanding a cell is view state: it is not written to the ``.md``.

The repository's ``[tool.jupytext]`` setting keeps the values jupyterlab-myst computes for
``{eval}`` roles out of the ``.md`` too. The package's data files enable this manager
(``etc/jupyter/jupyter_server_config.json``) and install JupyterLab's settings
(``share/jupyter/lab/settings/overrides.json``). The README says how Binder and ``make``
install it; ``tests/test_jupyterlab.py`` checks it in JupyterLab.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from jupytext.async_contentsmanager import AsyncTextFileContentsManager

__all__ = ["GATE_END", "ChapterContentsManager", "caption_cell", "collapsed_cells",
           "kernel_language_info", "outputs_note"]

KERNEL_NAME = "python3"
HIDDEN_TAGS = {"remove-input", "remove-cell", "hide-input", "hide-cell"}
GATE = re.compile(r"^\s*(?:`{3,}|:{3,})\{solution-(?P<kind>start|end)\}", re.MULTILINE)
GATE_END = re.compile(r"^\s*(?:`{3,}|:{3,})\{solution-end\}", re.MULTILINE)
VIEW_STATE = ("source_hidden", "outputs_hidden")
MARK = "backprop_lab"  # the metadata key of the cells this manager adds


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


def _is_text_notebook(model: dict[str, Any], path: str) -> bool:
    return (model.get("type") == "notebook" and bool(model.get("content"))
            and not path.endswith(".ipynb"))


class ChapterContentsManager(AsyncTextFileContentsManager):
    """Jupytext's contents manager, serving chapters with their kernel's ``language_info``,
    their figures' captions and the book's hidden code collapsed, and saving them without
    the captions or that view state."""

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
        cells = []
        for index, cell in enumerate(notebook["cells"]):
            cells.append(cell)
            if (caption := caption_cell(cell)) is not None:
                cells.append(caption)
            if index == 0:
                cells.append(outputs_note())
        notebook["cells"] = cells
        return model

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        if _is_text_notebook(model, path):
            model["content"]["cells"] = [c for c in model["content"]["cells"]
                                         if MARK not in c.get("metadata", {})]
            for cell in model["content"]["cells"]:
                jupyter = cell.get("metadata", {}).get("jupyter")
                if isinstance(jupyter, dict):
                    for key in VIEW_STATE:
                        jupyter.pop(key, None)
                    if not jupyter:
                        del cell["metadata"]["jupyter"]
        return await super().save(model, path)
