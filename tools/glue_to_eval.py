"""Convert a chapter's glued numbers (``{glue:text}``) to inline expressions (``{eval}``).

    python tools/glue_to_eval.py book/<chapter>.md [...]

CONTRIBUTING.md ("Numbers in prose") explains why the book writes ``{eval}``. For each
one-line ``glue("key", expr, display=False)`` in a code cell, the glue call becomes an
assignment ``key_with_underscores = expr`` (or disappears, when ``expr`` is already a name
the chapter assigns only once, before the glue), and each ``{glue:text}`key:fmt``` in the
prose becomes ``{eval}`f"{name:fmt}"``` (``{eval}`f"{name}"``` without a format).
``from myst_nb import glue`` goes once nothing uses it. What the tool cannot convert (a glue
call over several lines, a computed key, a new name that the chapter already uses) is
printed, and the file is left for you to finish by hand; the build then checks every
expression where it stands.
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from pathlib import Path

GLUE_CALL = re.compile(
    r'^(?P<indent>\s*)glue\(\s*"(?P<key>[^"{}]+)"\s*,\s*(?P<expr>.+?)\s*,\s*display\s*=\s*False'
    r"\s*\)\s*$")
GLUE_ROLE = re.compile(r"\{glue(?::text|:any|:)?\}`(?P<key>[^`:]+)(?::(?P<fmt>[^`]+))?`")
IMPORT = re.compile(r"^from myst_nb import glue\n", re.MULTILINE)
CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```$", re.MULTILINE | re.DOTALL)


def _code(text: str) -> str:
    """The code cells' bodies (without their fences and options)."""
    return "\n".join(line for m in CODE_CELL.finditer(text) for line in m.group(0).split("\n")
                     if not line.startswith(("```", ":")))


def _assignments(name: str, code: str) -> int:
    """How often code binds name (generous: keyword arguments count too)."""
    return len(re.findall(rf"(?<![\w.]){re.escape(name)}\s*=(?!=)", code)) + \
        len(re.findall(rf"\bfor\s+[^:]*\b{re.escape(name)}\b[^:]*\bin\b", code))


def convert(text: str) -> tuple[str, list[str]]:
    """The chapter with its glue converted, and what was left for a person to do."""
    code = _code(text)
    names: dict[str, str] = {}
    problems: list[str] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        match = GLUE_CALL.match(line)
        if not match:
            if re.match(r"^\s*glue\(", line):
                problems.append(f"line {i + 1}: glue call not converted: {line.strip()}")
            continue
        key, expr, indent = match["key"], match["expr"], match["indent"]
        later = _code("\n".join(line for line in lines[i + 1:] if line is not None))
        if expr.isidentifier() and _assignments(expr, code) == 1 and \
                not _assignments(expr, later):
            names[key] = expr
            lines[i] = None  # type: ignore[call-overload]
            continue
        name = key.replace("-", "_")
        if not name.isidentifier() or keyword.iskeyword(name):
            problems.append(f"line {i + 1}: key {key!r} is not a Python name; rename it")
            continue
        if re.search(rf"\b{re.escape(name)}\b", re.sub(r"glue\(.*", "", code)):
            problems.append(f"line {i + 1}: {name!r} already appears in the code; pick a "
                            "name by hand")
            continue
        names[key] = name
        lines[i] = f"{indent}{name} = {expr}"
    text = "\n".join(line for line in lines if line is not None)

    def to_eval(match: re.Match) -> str:
        key, fmt = match["key"], match["fmt"]
        if key not in names:
            problems.append(f"{{glue}}`{key}` has no converted glue call")
            return match.group(0)
        name = names[key]
        # Always a string: a bare number would show as LaTeX where SymPy's printing is on.
        return f'{{eval}}`f"{{{name}{":" + fmt if fmt else ""}}}"`'

    text = GLUE_ROLE.sub(to_eval, text)
    if not re.search(r"\bglue\(", text):
        text = IMPORT.sub("", text)
    return text, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for path in args.chapters:
        new, problems = convert(path.read_text())
        path.write_text(new)
        for problem in problems:
            print(f"{path}: {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
