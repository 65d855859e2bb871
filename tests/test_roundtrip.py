"""Every chapter is in the form JupyterLab saves it (``tools/normalize_chapters.py``).

Opening a chapter in JupyterLab and saving it unchanged must write the same bytes, so a
student's ``git diff`` shows only what they changed. The browser test
(``tests/test_jupyterlab.py``) does it in JupyterLab itself; this is the fast check.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, load_module, toc_files

normalize_chapters = load_module(ROOT / "tools" / "normalize_chapters.py")

NOTEBOOKS = [p for p in (ROOT / f"{f}.md" for f in toc_files())
             if p.exists() and normalize_chapters.is_notebook(p.read_text())]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_round_trips_through_jupytext(path):
    text = path.read_text()
    assert normalize_chapters.saved_form(text) == text, (
        f"{path.relative_to(ROOT)} changes when JupyterLab saves it: run "
        f"`.venv/bin/python tools/normalize_chapters.py {path.relative_to(ROOT)}`")
    kernel = normalize_chapters.jupytext.reads(text, fmt="md:myst").metadata["kernelspec"]
    assert kernel == normalize_chapters.KERNELSPEC, (
        f"{path.relative_to(ROOT)}: JupyterLab renames the kernel to "
        f"{normalize_chapters.KERNELSPEC['display_name']!r} on the first run; "
        "run tools/normalize_chapters.py")


def test_the_normalizer_makes_a_caption_block_stable():
    block = ("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
             "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n"
             "\n```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: |\n"
             "      A caption that: spans\n      two lines.\n    name: fig-x\n---\n\nx = 1\n```\n")
    assert normalize_chapters.saved_form(block) != block  # the block form is not stable
    fixed = normalize_chapters.normalized(block)
    assert normalize_chapters.saved_form(fixed) == fixed
    assert "caption: 'A caption that: spans two lines.'" in fixed
    assert "display_name: Python 3 (ipykernel)" in fixed
