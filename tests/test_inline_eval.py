"""``{eval}`` in prose with the cached build (``book/_ext/inline_eval.py``).

A two-page Sphinx project with myst-nb in ``cache`` mode, built with ``-W``: the numbers appear
in the HTML, each where JupyterLab would evaluate it; a failing expression fails the build
with a message naming it and its line; a second build takes the values from the cache.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, load_module, toc_files

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import inline_eval  # noqa: E402

glue_to_eval = load_module(ROOT / "tools" / "glue_to_eval.py")

HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---
"""
CONF = f"""\
import sys
sys.path.insert(0, {str(ROOT / "book" / "_ext")!r})
extensions = ["myst_nb", "inline_eval"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "dollarmath"]
"""
CHAPTER = HEADER + textwrap.dedent('''
    # Numbers

    ```{code-cell} ipython3
    x = 0.123456
    word = "plateau"
    ```

    Rounded {eval}`f"{x:.2f}"`, a word {eval}`word`, a sum {eval}``sum([1, 2]) + len("`")``.

    ```{code-cell} ipython3
    x = 7
    ```

    :::{note}
    After the change: {eval}`x`.
    :::

    ```python
    # code, not prose: {eval}`never_evaluated`
    ```
    ''')


def page_text(project: Path) -> str:
    return re.sub(r"<[^>]+>", "", (project / "_build" / "html" / "index.html").read_text())


def build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "-b", "html", "-q",
                           str(project), str(project / "_build" / "html")],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("inline-eval")
    (root / "conf.py").write_text(CONF)
    (root / "index.md").write_text(CHAPTER)
    return root


def test_values_appear_where_jupyterlab_evaluates_them(project: Path):
    result = build(project)
    assert result.returncode == 0, result.stderr
    text = page_text(project)
    assert "Rounded 0.12, a word plateau, a sum 4." in text
    assert "After the change: 7." in text  # evaluated after the second cell, not before
    assert "{eval}" not in text.replace("{eval}`never_evaluated`", "")
    assert "inline-eval" not in text  # the inserted cells are removed from the page

    # The second build takes everything from the cache, and still shows the numbers.
    again = build(project)
    assert again.returncode == 0, again.stderr
    assert "Executing notebook" not in again.stdout + again.stderr
    assert "Rounded 0.12" in page_text(project)


def test_a_failing_expression_fails_the_build_and_says_where(tmp_path: Path):
    (tmp_path / "conf.py").write_text(CONF)
    text = HEADER + "\n# Broken\n\n```{code-cell} ipython3\ny = 1\n```\n\nOne {eval}`y`.\n\n" \
        "Two {eval}`y + undefined_name`.\n"
    (tmp_path / "index.md").write_text(text)
    line = text.splitlines().index("Two {eval}`y + undefined_name`.") + 1
    result = build(tmp_path)
    assert result.returncode != 0
    assert "{eval}`y + undefined_name` failed: NameError" in result.stderr
    assert f"index.md:{line}" in result.stderr


def test_rewrite_skips_code_blocks_and_keeps_lines():
    source = "A {eval}`a` b {eval}``c(`x`)``\n```\n{eval}`code`\n```\n:::{note}\n{eval}`d`\n:::"
    new, pairs = inline_eval.rewrite_cell(source, 4)
    assert [expr for _, expr in pairs] == ["a", "c(`x`)", "d"]
    assert new.count("\n") == source.count("\n")
    assert "{eval}`code`" in new and "{eval}`inline-eval-4-0`" in new


@pytest.mark.parametrize("page", toc_files())
def test_no_page_uses_glue(page: str):
    """JupyterLab cannot show glued values, and Binder does not install myst-nb."""
    text = (ROOT / f"{page}.md").read_text()
    assert "{glue" not in text and "myst_nb" not in text, (
        f"{page}.md glues a value: write it as an {{eval}} expression "
        f"(`.venv/bin/python tools/glue_to_eval.py {page}.md`; CONTRIBUTING.md, "
        "\"Numbers in the prose\")")


def test_glue_conversion_keeps_the_value_the_prose_showed():
    chapter = ('```{code-cell} ipython3\nfrom myst_nb import glue\ny = 1\n'
               'glue("kept", y, display=False)\nglue("new-name", y + 1, display=False)\n'
               'glue("later", y, display=False)\n```\n\n```{code-cell} ipython3\n'
               'for k in "ab":\n    glue(f"loop-{k}", k, display=False)\n```\n\n'
               'A {glue:text}`new-name:.2f` b {glue:text}`later` c {glue:text}`loop-a`.\n')
    new, problems = glue_to_eval.convert(chapter)
    assert 'new_name = y + 1' in new and '{eval}`f"{new_name:.2f}"`' in new
    # y is not reassigned after the glue, so the prose can use it directly
    assert '{eval}`f"{y}"`' in new and 'glue("kept"' not in new
    assert "from myst_nb import glue" in new  # the loop still glues
    assert any("loop-" in p for p in problems) and any("loop-a" in p for p in problems)
