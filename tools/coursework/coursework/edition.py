"""The student edition: every chapter with exercises as a notebook whose solutions are
removed (``python -m coursework student --root <book> --out <dir>``, ``make student``).

The folder also holds the stripped MyST sources (for an HTML build of the edition) and, by
default, a copy of the ``backprop`` package and the pinned requirements, so it can be
published as a repository of its own (Binder). Described in ``book/instructor-guide``.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .book import (
    _DIRECTIVE,
    _LABEL,
    CourseworkError,
    StudentChapter,
    _closing,
    student_chapter,
    toc_chapters,
)

__all__ = ["build_student_edition", "build_student_html", "notebook_markdown"]

#: Files of the book's root that let the edition install the package on its own.
PACKAGE_FILES = ("pyproject.toml", "requirements.txt", "constraints.txt")
#: What Binder installs (``binder/``), shipped so the edition runs on Binder as the book does:
#: its Python, its pins and the JupyterLab set-up; not ``postBuild`` (which builds an
#: edition) nor the coursework tool it runs.
BINDER_FILES = ("requirements.txt", "constraints.txt", "runtime.txt")


def _binder_requirements(text: str) -> str:
    """binder/requirements.txt without the coursework tool, which the edition does not ship."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if "coursework" not in line)


def notebook_markdown(nb: Any) -> Any:
    """The .ipynb flavour: ``{exercise}`` fences become a bold heading, readable in any
    Jupyter front end."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "{exercise}" not in cell.source:
            continue
        lines, out, i = cell.source.splitlines(), [], 0
        while i < len(lines):
            m = _DIRECTIVE.match(lines[i])
            if m and m["kind"] == "exercise":
                j = _closing(lines, i, m["fence"])
                body = lines[i + 1:j]
                label = next((lm.group(1) for line in body if (lm := _LABEL.match(line))), "")
                body = [line for line in body if not re.match(r"^\s*:\w[\w-]*:", line)]
                out += [f"**Exercise {label}.** {m['arg']}".rstrip()] + body
                i = j + 1
                continue
            out.append(lines[i])
            i += 1
        cell.source = "\n".join(out)
    return nb


def build_student_edition(root: Path, out: Path, chapters: Sequence[Path] | None = None,
                          *, package: bool = True) -> list[StudentChapter]:
    """Write ``<out>/<slug>.ipynb`` (and the stripped ``<out>/book/<slug>.md``) for every
    chapter of the book at ``root`` that has exercises (or for ``chapters``); with
    ``package``, copy ``root/backprop`` and the files that install it."""
    import jupytext
    import nbformat

    root = Path(root).resolve()
    chapters = toc_chapters(root) if chapters is None else [Path(p) for p in chapters]
    if not chapters:
        raise CourseworkError(f"no chapter with exercises in {root}/_toc.yml; list chapters "
                              "there or pass their .md files")
    out = Path(out)
    (out / "book").mkdir(parents=True, exist_ok=True)
    made = []
    for path in chapters:
        ch = student_chapter(path)
        jupytext.write(ch.notebook, out / "book" / f"{ch.slug}.md", fmt="md:myst")
        nb = notebook_markdown(ch.notebook)
        nb.metadata.pop("jupytext", None)
        nbformat.write(nbformat.from_dict(nb), out / f"{ch.slug}.ipynb")
        made.append(ch)
    if package:
        if not (root / "backprop").is_dir():
            raise CourseworkError(f"{root} has no backprop/ package to bundle; pass the "
                                  "book's root, or --no-package")
        shutil.copytree(root / "backprop", out / "backprop", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        for name in PACKAGE_FILES:
            if (root / name).exists():
                shutil.copy(root / name, out / name)
        if (root / "binder").is_dir():
            (out / "binder").mkdir(exist_ok=True)
            for name in BINDER_FILES:
                if (root / "binder" / name).exists():
                    shutil.copy(root / "binder" / name, out / "binder" / name)
            requirements = out / "binder" / "requirements.txt"
            if requirements.exists():
                requirements.write_text(_binder_requirements(requirements.read_text()))
            if (root / "binder" / "lab").is_dir():
                shutil.copytree(root / "binder" / "lab", out / "binder" / "lab",
                                dirs_exist_ok=True, ignore=shutil.ignore_patterns(
                                    "__pycache__", "build", "*.egg-info"))
        (out / "README.md").write_text(
            "# Backprop, Derived: student edition\n\nOpen a notebook, fill in the cells "
            "marked `YOUR CODE HERE`, and run the check under it.\n")
    return made


def build_student_html(root: Path, edition: Path, *, execute: bool = False) -> Path:
    """Build the HTML of an edition written by :func:`build_student_edition` with Jupyter
    Book, reusing the book's ``_config.yml``; returns the HTML folder. Without ``execute``
    the notebooks are not run (the stubs would only print "not yet")."""
    import yaml

    root, edition = Path(root).resolve(), Path(edition)
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["title"] = f"{config.get('title', 'Backprop, Derived')}: student edition"
    config.setdefault("execute", {})["execute_notebooks"] = "cache" if execute else "off"
    config["bibtex_bibfiles"] = ["book/references.bib"]
    (edition / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    slugs = sorted(p.stem for p in (edition / "book").glob("*.md") if p.stem != "index")
    (edition / "book" / "index.md").write_text(
        "# Student edition\n\nThe chapters' exercises, with the solutions removed: fill in "
        "each cell marked `YOUR CODE HERE` and run the check under it.\n")
    toc = {"format": "jb-book", "root": "book/index",
           "chapters": [{"file": f"book/{s}"} for s in slugs]}
    (edition / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    shutil.copy(root / "book" / "references.bib", edition / "book" / "references.bib")
    for folder in ("_ext", "_static"):  # the book's extension, favicon and styles
        if (root / "book" / folder).is_dir():
            shutil.copytree(root / "book" / folder, edition / "book" / folder,
                            dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    if not (edition / "vendor").exists() and (root / "vendor").is_dir():
        (edition / "vendor").symlink_to(root / "vendor", target_is_directory=True)
    jb = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run([str(jb), "build", str(edition), "--keep-going"],
                          capture_output=True, text=True)
    html = edition / "_build" / "html"
    if not (html / "index.html").exists():
        raise CourseworkError("the student edition's HTML build failed:\n"
                              + (proc.stdout + proc.stderr)[-3000:])
    return html
