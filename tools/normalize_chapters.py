"""Write chapters in the form JupyterLab saves them, so opening and saving changes nothing.

    python tools/normalize_chapters.py book/<chapter>.md [...]    # rewrite in place
    python tools/normalize_chapters.py --check book/*.md           # list what would change

JupyterLab saves a chapter through jupytext, which re-writes the header and every code
cell's options in its own YAML style. A chapter already in that form round-trips byte for
byte; ``tests/test_roundtrip.py`` fails on one that does not. Two rules of the form (see
CONTRIBUTING.md, "Figures"): the header's kernel is ``Python 3 (ipykernel)``, the name
ipykernel gives it, and figure captions and alt texts are single YAML strings, which jupytext
wraps itself (a ``caption: |`` block is turned into a quoted string with blank lines). This
tool joins such blocks into one line, then lets jupytext write the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import jupytext
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

ROOT = Path(__file__).resolve().parents[1]
FORMAT = "md:myst"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
ONE_LINE_KEYS = {"caption", "alt"}


def _config() -> Any:
    return load_jupytext_configuration_file(find_jupytext_configuration_file(ROOT / "book"))


def is_notebook(text: str) -> bool:
    """Whether the text is a MyST notebook (a jupytext header naming the myst format)."""
    return text.startswith("---") and "format_name: myst" in text.split("\n---", 1)[0]


def saved_form(text: str) -> str:
    """The text jupytext writes for this chapter: what a save from JupyterLab produces."""
    notebook = jupytext.reads(text, fmt=FORMAT)
    return jupytext.writes(notebook, fmt=FORMAT, config=_config())


def _join_lines(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _join_lines(v, k) for k, v in value.items()}
    if isinstance(value, str) and key in ONE_LINE_KEYS:
        return " ".join(value.split())
    return value


def normalized(text: str) -> str:
    """The chapter in its saved form, with one-line captions and ipykernel's kernel name."""
    notebook = jupytext.reads(text, fmt=FORMAT)
    if notebook.metadata.get("kernelspec", {}).get("name") == KERNELSPEC["name"]:
        notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in notebook.cells:
        if "mystnb" in cell.metadata:
            cell.metadata["mystnb"] = _join_lines(cell.metadata["mystnb"])
    return jupytext.writes(notebook, fmt=FORMAT, config=_config())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a chapter is not in its saved form")
    args = parser.parse_args(argv)
    changed = []
    for path in args.chapters:
        text = path.read_text()
        if not is_notebook(text):
            continue
        new = normalized(text)
        if new != text:
            changed.append(path)
            if not args.check:
                path.write_text(new)
    for path in changed:
        print(f"{path}: {'not in its saved form' if args.check else 'rewritten'}")
    return 1 if changed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
