"""What a submission's code cells define and use, read without running them (trusted side).

The grader runs only the cells the exercises need (:func:`needed_cells`): those that define
or may change a name an answer uses, and, transitively, what those cells use. A chapter's
figures and studies define nothing an answer reads, so they are not run. A cell whose
effect cannot be read this way (``exec``, ``globals()``, ...) is always run. The same
reading finds calls of the package's own implementation in the code that defines an
answer (:func:`static_shortcuts`) and constructs the instructor may want to look at
(:func:`review_notes`). Described in ``book/instructor-guide``.
"""

from __future__ import annotations

import ast
import re
import symtable
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CodeCell", "code_cells", "needed_cells", "review_notes", "static_shortcuts"]

#: Names whose use makes a cell's effect unreadable: such a cell always runs.
OPAQUE = {"exec", "eval", "globals", "locals", "vars", "setattr", "delattr", "__import__",
          "compile", "__builtins__", "builtins", "importlib"}

#: Constructs worth a line in the review column: they do not change a grade.
REVIEW = {
    "os": "the os module", "sys": "the sys module", "subprocess": "subprocesses",
    "ctypes": "ctypes", "signal": "signal handlers", "threading": "threads",
    "multiprocessing": "processes", "socket": "sockets", "inspect": "inspect (stack frames)",
    "gc": "the garbage collector's objects", "importlib": "importlib", "atexit": "exit handlers",
    "pickle": "pickle", "marshal": "marshal", "builtins": "builtins",
    "exec": "exec", "eval": "eval", "compile": "compile", "__import__": "__import__",
    "_getframe": "sys._getframe (stack frames)", "__subclasses__": "__subclasses__",
    "__globals__": "function globals", "__code__": "code objects", "_exit": "os._exit",
    "fork": "os.fork", "kill": "os.kill", "setrecursionlimit": "setrecursionlimit",
}


@dataclass
class CodeCell:
    """A code cell of a submission: ``n`` counts code cells from 1, as a reader counts the
    notebook's code cells; ``code`` is ``source`` with IPython magics blanked out."""

    n: int
    source: str
    code: str
    tree: ast.Module | None = None
    syntax_error: str = ""
    defines: set[str] = field(default_factory=set)
    uses: set[str] = field(default_factory=set)        # when it runs or when it is called
    uses_at_once: set[str] = field(default_factory=set)  # when it runs
    uses_later: set[str] = field(default_factory=set)    # when its functions are called
    rebinds: set[str] = field(default_factory=set)       # bound anew, whatever came before
    opaque: bool = False

    @property
    def first_line(self) -> str:
        lines = [ln.strip() for ln in self.source.splitlines() if ln.strip()]
        return (lines[0][:60] + ("..." if len(lines[0]) > 60 else "")) if lines else ""


def source_text(source: Any) -> str:
    """A notebook cell's source as one string (nbformat allows a list of lines)."""
    if isinstance(source, list):
        return "".join(str(s) for s in source)
    return str(source) if source is not None else ""


def _without_magics(source: str) -> str:
    out = []
    for line in source.splitlines():
        stripped = line.lstrip()
        # IPython magics and shell escapes are not Python; keep the line count.
        out.append(line[: len(line) - len(stripped)] + "pass"
                   if stripped.startswith(("%", "!")) else line)
    return "\n".join(out)


def code_cells(cells: Iterable[Mapping[str, Any]]) -> list[CodeCell]:
    """The code cells of a notebook's cell list, analysed."""
    out = []
    for cell in cells:
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        source = source_text(cell.get("source"))
        c = CodeCell(len(out) + 1, source, _without_magics(source))
        _analyse(c)
        out.append(c)
    imported = _imports(out)
    for c in out:
        if c.tree is not None:
            c.defines |= _mutated(c.tree, imported)
    return out


def _imports(cells: Sequence[CodeCell]) -> dict[str, str]:
    """Every name the notebook binds by an import, with the module it comes from."""
    out: dict[str, str] = {}
    for c in cells:
        for node in ast.walk(c.tree) if c.tree is not None else []:
            if isinstance(node, ast.Import):
                for a in node.names:
                    out[(a.asname or a.name).split(".")[0]] = a.name
            elif isinstance(node, ast.ImportFrom):
                for a in node.names:
                    out[a.asname or a.name] = node.module or ""
    return out


def _analyse(cell: CodeCell) -> None:
    try:
        cell.tree = ast.parse(cell.code)
        table = symtable.symtable(cell.code, f"<code cell {cell.n}>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        cell.syntax_error = f"{type(exc).__name__}: {getattr(exc, 'msg', exc)}"
        return

    inner: set[str] = set()   # globals the cell's functions read when they are called

    def walk(t: symtable.SymbolTable, top: bool) -> None:
        for sym in t.get_symbols():
            name = sym.get_name()
            if top:
                if sym.is_assigned() or sym.is_imported():
                    cell.defines.add(name)
            else:
                if sym.is_global() and sym.is_referenced():
                    inner.add(name)
                if sym.is_declared_global() and sym.is_assigned():
                    cell.defines.add(name)
        for child in t.get_children():
            walk(child, False)

    walk(table, True)
    # A name the cell binds before it reads it is the cell's own: only the rest comes from
    # earlier cells (and a function's globals, when the cell does not bind them itself).
    cell.uses_at_once = _free_at_top(cell.tree)
    cell.uses_later = inner - cell.defines
    cell.uses = cell.uses_at_once | cell.uses_later
    for stmt in cell.tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            cell.rebinds |= {n.id for t in targets for n in ast.walk(t)
                             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                             and not isinstance(t, (ast.Subscript, ast.Attribute))}
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                               ast.Import, ast.ImportFrom)):
            cell.rebinds |= _bound_by(stmt)
    names = {n.id for n in ast.walk(cell.tree) if isinstance(n, ast.Name)}
    attrs = {n.attr for n in ast.walk(cell.tree) if isinstance(n, ast.Attribute)}
    cell.opaque = bool((names | attrs) & OPAQUE) or any(
        isinstance(n, (ast.Import, ast.ImportFrom)) and any(
            a.name.split(".")[0] in OPAQUE for a in n.names) for n in ast.walk(cell.tree))


def _top_nodes(stmt: ast.AST) -> Iterable[ast.AST]:
    """The nodes of a statement that run when it runs: not the bodies of the functions,
    lambdas and classes it defines (their decorators and defaults do run)."""
    stack = [stmt]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack += [*node.decorator_list, *node.args.defaults,
                      *[d for d in node.args.kw_defaults if d is not None]]
        elif isinstance(node, ast.Lambda):
            stack += node.args.defaults
        elif isinstance(node, ast.ClassDef):
            stack += [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
        else:
            stack += list(ast.iter_child_nodes(node))


def _bound_by(stmt: ast.stmt) -> set[str]:
    out: set[str] = set()
    for node in _top_nodes(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
    return out


def _free_at_top(tree: ast.Module) -> set[str]:
    """Names the cell's statements read, when they run, before the cell binds them."""
    bound: set[str] = set()
    free: set[str] = set()
    for stmt in tree.body:
        local = set()  # comprehension variables
        loads = set()
        for node in _top_nodes(stmt):
            if isinstance(node, ast.comprehension):
                local |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                loads.add(node.id)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                loads.add(node.target.id)
        free |= loads - bound - local
        bound |= _bound_by(stmt)
    return free


def _base(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _statements(tree: ast.Module) -> Iterable[ast.stmt]:
    """Every statement that runs when the cell runs (not the bodies of functions or
    classes it defines)."""
    stack = list(tree.body)
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody", "handlers"):
            stack += [s for s in getattr(stmt, name, []) if isinstance(s, ast.stmt)]
        for handler in getattr(stmt, "handlers", []):
            stack += handler.body
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                stack += case.body


#: Functions that only show their arguments, and modules of such functions: calling one
#: as a statement does not change what it is given.
SHOWING = {"print", "display", "repr", "len", "glue", "show_equation"}
SHOWING_MODULES = ("backprop.plotting", "matplotlib", "IPython", "myst_nb")
#: Method names that change their object, when the call's result is also kept
#: (``history = net.train(...)``); ``fwd = net.forward(X)`` reads ``net`` only.
MUTATING = re.compile(r"(train|fit|update|apply|step|set|append|extend|insert|pop|remove|"
                      r"clear|sort|reverse|fill|resize|put|add|discard|setdefault|shuffle|"
                      r"seed|reset|load|write)")


def _mutated(tree: ast.Module, imported: Mapping[str, str]) -> set[str]:
    """Names a cell may change in place without rebinding them: ``x[i] = ...``, ``x.a =
    ...``, ``x.method(...)`` as a statement (or, for a method that changes its object, on
    the right of an assignment), unless ``x`` is a module, and ``f(x)`` as a statement
    unless ``f`` only shows things (figures, ``print``)."""
    out: set[str] = set()

    def showing(func: ast.AST) -> bool:
        if not isinstance(func, ast.Name):
            return False
        return func.id in SHOWING or imported.get(func.id, "").startswith(SHOWING_MODULES)

    for stmt in _statements(tree):
        targets: list[ast.AST] = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            targets = [stmt.target]
        elif isinstance(stmt, ast.Delete):
            targets = stmt.targets
        for t in targets:
            for node in ast.walk(t):
                if isinstance(node, (ast.Subscript, ast.Attribute)):
                    base = _base(node)
                    if base:
                        out.add(base)
        value = getattr(stmt, "value", None)
        if isinstance(stmt, ast.Expr) and isinstance(value, ast.Call):
            if isinstance(value.func, ast.Attribute):
                base = _base(value.func)
                if base and base not in imported:  # a module's settings are not answers
                    out.add(base)
            elif not showing(value.func):
                out |= {b for a in [*value.args, *(k.value for k in value.keywords)]
                        if (b := _base(a))}
        elif isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and value is not None:
            for node in ast.walk(value):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and MUTATING.match(node.func.attr):
                    base = _base(node.func)
                    if base and base not in imported:
                        out.add(base)
    return out


def needed_cells(cells: Sequence[CodeCell], names: Iterable[str]) -> list[CodeCell]:
    """The cells that give ``names`` their final values: for each name, the last cell
    before the point of need that binds it anew (without reading it) and every later cell
    that may change it; then, transitively, the same for what those cells read when they
    run (needed at their place) and what their functions read (needed at the end). Cells
    whose effect cannot be read always run. In notebook order."""
    end = len(cells) + 1
    todo = [(name, end) for name in names]
    for c in cells:
        if c.opaque and not c.syntax_error:
            todo += [(u, c.n) for u in c.uses_at_once] + [(u, end) for u in c.uses_later]
    chosen = {c.n for c in cells if c.opaque and not c.syntax_error}
    seen: set[tuple[str, int]] = set()
    while todo:
        name, at = todo.pop()
        if (name, at) in seen:
            continue
        seen.add((name, at))
        defs = [c for c in cells if c.n < at and not c.syntax_error and name in c.defines]
        start = max((c.n for c in defs if name in c.rebinds and name not in c.uses_at_once),
                    default=0)
        for c in defs:
            if c.n >= start and c.n not in chosen:
                chosen.add(c.n)
                todo += [(u, c.n) for u in c.uses_at_once] + [(u, end) for u in c.uses_later]
    return [c for c in cells if c.n in chosen]


def _normal(source: str) -> str:
    return re.sub(r"\s+", " ", source).strip()


def _defining_nodes(cells: Sequence[CodeCell], name: str, trusted: set[str]
                    ) -> list[ast.AST]:
    """The statements of the student's own cells (those not identical to a cell of the
    student edition) that bind ``name``, with the functions they call, transitively."""
    own = [c for c in cells if c.tree is not None and _normal(c.source) not in trusted]
    defs: dict[str, list[ast.AST]] = {}
    for c in own:
        for stmt in c.tree.body:
            bound: set[str] = set()
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound = {stmt.name}
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                bound = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            for b in bound:
                defs.setdefault(b, []).append(stmt)
    seen, todo, nodes = set(), [name.split(".")[0]], []
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for stmt in defs.get(current, []):
            nodes.append(stmt)
            todo += [n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)
                     and isinstance(n.ctx, ast.Load)]
    return nodes


def static_shortcuts(cells: Sequence[CodeCell], answer_names: Iterable[str],
                     targets: Iterable[str], trusted_sources: Iterable[str]) -> list[str]:
    """The ``targets`` (``"module:Class.function"``) that the student's code defining the
    answers names: as an attribute, a name, or a string given to ``getattr``."""
    trusted = {_normal(s) for s in trusted_sources}
    wanted = {t.rsplit(".", 1)[-1].rsplit(":", 1)[-1]: t for t in targets}
    found: set[str] = set()
    for name in answer_names:
        for stmt in _defining_nodes(cells, name, trusted):
            for node in ast.walk(stmt):
                word = (node.attr if isinstance(node, ast.Attribute) else
                        node.id if isinstance(node, ast.Name) else
                        node.value if isinstance(node, ast.Constant)
                        and isinstance(node.value, str) else None)
                if word in wanted:
                    found.add(wanted[word])
    return sorted(found)


def review_notes(cells: Sequence[CodeCell], trusted_sources: Iterable[str]) -> list[str]:
    """Constructs in the student's own cells an instructor may want to look at (threads,
    stack frames, exec, subprocesses...), as ``"threads (code cell 4)"``; informational."""
    trusted = {_normal(s) for s in trusted_sources}
    notes: dict[str, list[int]] = {}
    for c in cells:
        if c.tree is None or _normal(c.source) in trusted:
            continue
        words = set()
        for node in ast.walk(c.tree):
            if isinstance(node, ast.Name):
                words.add(node.id)
            elif isinstance(node, ast.Attribute):
                words.add(node.attr)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                words |= {a.name.split(".")[0] for a in node.names}
                if isinstance(node, ast.ImportFrom) and node.module:
                    words.add(node.module.split(".")[0])
        for word in sorted(words & set(REVIEW)):
            notes.setdefault(REVIEW[word], []).append(c.n)
    return [f"{what} (code cell{'s' if len(ns) > 1 else ''} "
            f"{', '.join(map(str, sorted(set(ns))))})" for what, ns in sorted(notes.items())]
