"""Shared fixtures: the repository paths, the chapters listed in _toc.yml, the built book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD_HTML = ROOT / "_build" / "html"


def toc_files() -> list[str]:
    """Every page in _toc.yml, as paths relative to the root without the suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def chapter_sources() -> list[Path]:
    """The chapters that are notebooks (have code cells), in table-of-contents order."""
    out = []
    for f in toc_files():
        path = ROOT / f"{f}.md"
        if path.exists() and "{code-cell}" in path.read_text():
            out.append(path)
    return out


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book once per session with -W -n --keep-going; return _build/html.

    The build uses the execution cache, so a second run re-executes only changed chapters.
    """
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT),
           "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    log = proc.stdout + proc.stderr
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "build-log.txt").write_text(log)
    if proc.returncode != 0:
        pytest.fail(f"jupyter-book build failed (exit {proc.returncode}); full log in "
                    f"_build/build-log.txt, reports in _build/html/reports. Tail:\n"
                    + log[-6000:])
    return BUILD_HTML
