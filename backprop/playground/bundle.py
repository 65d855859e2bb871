"""The playground's front end as one module text, for the Jupyter widgets.

The front end is a few ES modules in ``static/`` that import each other (``playground.js``
is the entry; see its header). The static book serves the files and the browser follows the
imports. An anywidget's ``_esm`` is a single module text with no address, so its relative
imports would not resolve: :func:`bundle` joins the files into one module instead, each once,
imports before importers, with the ``import ... from "./x.js"`` and ``export ... from``
lines removed. That is sound because the modules follow two rules, both checked here: every
relative import or re-export is one line, and no two modules declare the same top-level name
(so the joined text declares each name once, and a name exported by its module stays exported).
"""

from __future__ import annotations

import re
from pathlib import Path

from . import STATIC

__all__ = ["BundleError", "bundle", "module_order"]

ENTRY = "playground.js"

_RELATIVE = re.compile(r'^(?:import|export)\s*\{[^}]*\}\s*from\s*"\./([\w-]+\.js)";\s*$')
_OTHER_IMPORT = re.compile(r'^\s*(?:import\b|export\b.*\bfrom\s*["\'])')
_TOP_LEVEL = re.compile(r"^(?:export\s+)?(?:const|let|var|function\*?|class|async\s+function)\s+"
                        r"([A-Za-z_$][\w$]*)")


class BundleError(ValueError):
    """The modules break a rule the bundle relies on; the message says which file and line."""


def _imports(path: Path) -> list[str]:
    out = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = _RELATIVE.match(line)
        if match:
            out.append(match.group(1))
        elif _OTHER_IMPORT.match(line):
            # Only sibling modules, one line each: the bundle could not resolve anything else.
            raise BundleError(f"{path.name}:{number}: import only from a sibling module, on one "
                              f'line, as import {{ a, b }} from "./x.js"; got {line!r}')
    return out


def module_order(entry: str = ENTRY, folder: Path = STATIC) -> list[str]:
    """The modules reachable from ``entry``, each after every module it imports."""
    order: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(name):], name])
            raise BundleError(f"the modules import each other in a cycle ({cycle}): move what "
                              "both need into a module that imports neither")
        path = folder / name
        if not path.is_file():
            importer = visiting[-1] if visiting else "the entry"
            raise BundleError(f"{importer} imports {name}, which is not in {folder}")
        visiting.append(name)
        for dep in _imports(path):
            visit(dep)
        visiting.pop()
        order.append(name)

    visit(entry)
    return order


def bundle(entry: str = ENTRY, folder: Path = STATIC) -> str:
    """The front end as one ES module text, joined from the files as they are now."""
    declared: dict[str, str] = {}
    parts = []
    for name in module_order(entry, folder):
        lines = []
        for line in (folder / name).read_text().splitlines():
            if _RELATIVE.match(line):
                continue
            top = _TOP_LEVEL.match(line)
            if top:
                if top.group(1) in declared:
                    raise BundleError(f"{name} and {declared[top.group(1)]} both declare "
                                      f"{top.group(1)!r} at top level: rename one")
                declared[top.group(1)] = name
            lines.append(line)
        parts.append(f"// ----- {name}\n" + "\n".join(lines).strip("\n") + "\n")
    return "\n".join(parts)
