"""Numbers in prose: ``{eval}`expr``` inline expressions, shown by the book and by JupyterLab.

A chapter writes a computed number into its prose as an inline expression, for instance
``{eval}`f"{max_error:.1e}"```. In JupyterLab, jupyterlab-myst evaluates the expressions of a
Markdown cell in the kernel when the cell is run (Run All included) and shows the results.
myst-nb's own ``{eval}`` role needs ``execute_notebooks: inline``, which caches nothing; this
extension makes the role work with the book's cached execution instead:

1. When myst-nb reads a MyST notebook, every Markdown cell holding ``{eval}`` roles gets a
   hidden code cell (tag ``remove-cell``) inserted just before it that evaluates those
   expressions with ``eval`` in the kernel's namespace, where JupyterLab evaluates them, and
   glues each result (``myst_nb.glue``), or the error it raised. The role's text becomes the
   glue key, on the same line, so warnings keep pointing at the right line. The inserted
   cells are part of what the execution cache hashes: changing an expression re-executes.
2. The ``eval`` role (replacing myst-nb's) pastes the glued result. An expression that raised,
   or that was not evaluated, is a warning naming the expression, its line and the error, so
   ``-W`` fails the build instead of printing a wrong or missing number.

Text results are shown without their quotes, as jupyterlab-myst shows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

KEY_PREFIX = "inline-eval"
ERROR_SUFFIX = ":error"
METADATA_KEY = "inline_eval"
# {eval}`expr` or {eval}``expr with ` inside`` (the same delimiters as a code span).
EVAL_ROLE = re.compile(r"\{eval\}(?P<ticks>`+)(?P<expr>.+?)(?P=ticks)(?!`)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
CELL_TEMPLATE = """\
# The {{eval}} expressions of the next Markdown cell, evaluated where JupyterLab evaluates
# them (inserted by book/_ext/inline_eval.py for the cached book build).
from myst_nb import glue as __glue
for __key, __expr in {pairs!r}:
    try:
        __glue(__key, eval(__expr), display=False)
    except Exception as __err:
        __glue(__key + {error!r}, f"{{type(__err).__name__}}: {{__err}}", display=False)
del __glue, __key, __expr"""


def _outside_code(source: str) -> list[tuple[int, str]]:
    """The lines of a Markdown cell outside code blocks (directive fences stay: their body
    is MyST, where roles are parsed), with their index."""
    out, fence = [], None
    for i, line in enumerate(source.split("\n")):
        match = FENCE.match(line)
        if fence is None and match and not match.group(2).lstrip().startswith("{"):
            fence = match.group(1)
        elif fence is not None:
            if line.strip().startswith(fence) and not line.strip()[len(fence):].strip():
                fence = None
        else:
            out.append((i, line))
    return out


def rewrite_cell(source: str, cell_index: int) -> tuple[str, list[tuple[str, str]]]:
    """Replace each ``{eval}`expr``` of a Markdown cell by ``{eval}`key```.

    Returns the new source and the (key, expression) pairs, in reading order.
    """
    lines = source.split("\n")
    pairs: list[tuple[str, str]] = []

    def to_key(match: re.Match) -> str:
        key = f"{KEY_PREFIX}-{cell_index}-{len(pairs)}"
        pairs.append((key, match.group("expr").strip()))
        return f"{{eval}}`{key}`"

    for i, line in _outside_code(source):
        lines[i] = EVAL_ROLE.sub(to_key, line)
    return "\n".join(lines), pairs


def insert_eval_cells(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Insert before each Markdown cell with ``{eval}`` roles the code cell evaluating them."""
    cells, source_map, expressions = [], [], {}
    old_map = notebook.metadata.get("source_map")
    for index, cell in enumerate(notebook.cells):
        line = old_map[index] if old_map else None
        if cell.cell_type == "markdown" and "{eval}" in cell.source:
            cell.source, pairs = rewrite_cell(cell.source, index)
            expressions.update(pairs)
            if pairs:
                code = CELL_TEMPLATE.format(pairs=pairs, error=ERROR_SUFFIX)
                cells.append(nbformat.v4.new_code_cell(
                    code, metadata={"tags": ["remove-cell"]}))
                source_map.append(line)
        cells.append(cell)
        source_map.append(line)
    notebook.cells = cells
    # For the role's messages, which only see the key.
    notebook.metadata[METADATA_KEY] = expressions
    if old_map:
        notebook.metadata["source_map"] = source_map
    return notebook


def _wrap_reader(create_nb_reader: Callable[..., Any]) -> Callable[..., Any]:
    def create(*args: Any, **kwargs: Any) -> Any:
        reader = create_nb_reader(*args, **kwargs)
        if reader is not None:
            read = reader.read
            reader.read = lambda text: insert_eval_cells(read(text))
        return reader

    create.wrapped_by_inline_eval = True  # type: ignore[attr-defined]
    return create


def _eval_role() -> Any:
    from myst_nb.core.variables import RetrievalError, create_warning, render_variable_outputs
    from myst_nb.ext.glue.utils import retrieve_glue_data
    from myst_nb.ext.utils import RoleBase

    class InlineEvalRole(RoleBase):
        """``{eval}`expr```: the expression's value, evaluated in the chapter's kernel."""

        def warn(self, message: str) -> tuple[list[nodes.Node], list[nodes.system_message]]:
            return [], [create_warning(message, self.document, self.line, subtype="eval")]

        def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
            key = self.text
            renderer = self.document.get("nb_renderer")
            notebook = renderer.renderer.nb_client.notebook if renderer else None
            expr = (notebook.metadata.get(METADATA_KEY, {}) if notebook else {}).get(key, key)
            if not key.startswith(KEY_PREFIX):
                return self.warn(f"{{eval}}`{expr}` was not evaluated: the page is not a "
                                 "notebook executed by the build (is its jupytext header "
                                 "missing?)")
            try:
                error = retrieve_glue_data(self.document, key + ERROR_SUFFIX)
            except RetrievalError:
                error = None
            if error is not None:
                message = error.data.get("text/plain", "").strip("'\"")
                return self.warn(f"{{eval}}`{expr}` failed: {message}")
            try:
                data = retrieve_glue_data(self.document, key)
            except RetrievalError as err:
                return self.warn(f"{{eval}}`{expr}` has no value ({err}); was the notebook "
                                 "executed?")
            data.metadata["strip_text_quotes"] = True
            return render_variable_outputs([data], self.document, self.line, self.source,
                                           inline=True), []

    return InlineEvalRole()


def register_role(app: Sphinx) -> None:
    # After every extension's setup, so that this role replaces myst-nb's.
    app.add_role("eval", _eval_role(), override=True)


def setup(app: Sphinx) -> dict:
    try:
        import myst_nb.sphinx_ as myst_nb_sphinx
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ExtensionError("inline_eval needs myst-nb: run `make book`") from err
    if not hasattr(myst_nb_sphinx, "create_nb_reader"):
        raise ExtensionError("myst-nb no longer has myst_nb.sphinx_.create_nb_reader, which "
                             "inline_eval wraps; use the pinned myst-nb (requirements.txt)")
    if not getattr(myst_nb_sphinx.create_nb_reader, "wrapped_by_inline_eval", False):
        myst_nb_sphinx.create_nb_reader = _wrap_reader(myst_nb_sphinx.create_nb_reader)
    app.connect("builder-inited", register_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
