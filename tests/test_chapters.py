"""Every chapter executes top to bottom in a fresh kernel (as a student would run it)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbclient
import pytest

from conftest import ROOT, chapter_sources

CHAPTERS = chapter_sources()


def execute_chapter(path: Path, timeout: int = 600):
    nb = jupytext.read(path)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


@pytest.mark.chapters
def test_there_are_chapters():
    assert len(CHAPTERS) >= 2, "the table of contents lists no executable chapters"


@pytest.mark.chapters
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_executes(path: Path):
    nb = execute_chapter(path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{path.relative_to(ROOT)} produced errors: {errors}"
