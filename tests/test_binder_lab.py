"""The JupyterLab set-up (``binder/lab``): what its contents manager serves and saves.

Fast checks without a browser; ``tests/test_jupyterlab.py`` checks the same in JupyterLab.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import backprop_lab
import pytest

from conftest import ROOT

CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
    jupytext_version: 1.19.6
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

# A chapter

```{code-cell} ipython3
:tags: [remove-input]

hidden = 1
```

````{exercise}
:label: ex-a-1

Do it.
````

````{solution-start} ex-a-1
:class: dropdown
````

Prose the dropdown holds.

```{code-cell} ipython3
answer = 42
```

The same checks, written out:

```{code-cell} ipython3
assert answer == 42
```

````{solution-end}
````

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: A figure of $x$.
    name: fig-a-one
---
shown = 2
```
"""


@pytest.fixture
def manager(tmp_path: Path) -> backprop_lab.ChapterContentsManager:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)  # its [tool.jupytext], as in Binder's home
    (tmp_path / "chapter.md").write_text(CHAPTER)
    return backprop_lab.ChapterContentsManager(root_dir=str(tmp_path))


def test_collapsed_cells_are_the_hidden_code_and_the_gated_solution():
    import jupytext

    cells = jupytext.reads(CHAPTER, fmt="md:myst").cells
    collapsed = [cells[i].source.split("\n")[0] for i in backprop_lab.collapsed_cells(cells)]
    assert collapsed == ["hidden = 1", "answer = 42", "The same checks, written out:",
                         "assert answer == 42"]


def test_served_chapter_has_the_kernels_language_info_and_collapsed_cells(manager):
    model = asyncio.run(manager.get("chapter.md", type="notebook"))
    nb = model["content"]
    assert nb["metadata"]["language_info"] == backprop_lab.kernel_language_info()
    hidden = [c["source"].split("\n")[0] for c in nb["cells"]
              if c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert hidden == ["hidden = 1", "answer = 42", "The same checks, written out:",
                      "assert answer == 42"]
    # The figure's caption, as JupyterLab can show it, read-only, under the figure cell.
    assert nb["cells"][-1]["source"] == ":::{figure}\n:label: fig-a-one\nA figure of $x$.\n:::"
    assert nb["cells"][-1]["metadata"]["editable"] is False
    assert nb["cells"][-2]["source"] == "shown = 2"
    # The note on outputs, after the chapter's first cell.
    assert nb["cells"][1] == backprop_lab.outputs_note() | {"id": nb["cells"][1]["id"]}


def test_saving_what_was_served_writes_the_same_bytes(manager, tmp_path):
    model = asyncio.run(manager.get("chapter.md", type="notebook"))
    nb = json.loads(json.dumps(model["content"]))  # what the browser sends back
    nb["cells"][-1]["metadata"]["jupyter"] = {"source_hidden": True}  # the reader collapsed it
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":  # jupyterlab-myst's results for {eval} roles
            cell["metadata"]["user_expressions"] = [{"expression": "x", "result": {}}]
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": nb},
                             "chapter.md"))
    assert (tmp_path / "chapter.md").read_text() == CHAPTER


# ---------------------------------------------------------------- what binder/ installs
def _pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            out[name.lower().replace("_", "-")] = version.strip()
    return out


def test_binder_installs_what_running_needs_pinned_as_the_root_files():
    binder = ROOT / "binder"
    lines = [s for s in (binder / "requirements.txt").read_text().splitlines()
             if s and not s.startswith("#")]
    assert "-c constraints.txt" in lines
    assert {"-e .", "./binder/lab", "./tools/coursework"} <= set(lines)
    direct = _pins(binder / "requirements.txt")
    assert set(direct) >= {"numpy", "sympy", "matplotlib", "ipykernel", "jupyterlab",
                           "jupytext", "jupyterlab-myst", "anywidget"}
    assert not {"jupyter-book", "sphinx", "django-static-mathjax", "myst-nb"} & \
        set(_pins(binder / "constraints.txt")), "the book's toolchain would be in the image"
    root = _pins(ROOT / "constraints.txt")
    for name, version in {**_pins(binder / "constraints.txt"), **direct}.items():
        assert root.get(name) == version, \
            f"binder/ pins {name}=={version}, the root files {root.get(name)}"
    # The chapters' headers name this jupytext: saving with another would rewrite them.
    assert f"jupytext_version: {direct['jupytext']}" in (ROOT / "book/intro.md").read_text()
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"


def test_postbuild_builds_the_student_edition():
    post = ROOT / "binder" / "postBuild"
    assert os.access(post, os.X_OK), "repo2docker runs postBuild only if it is executable"
    text = post.read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    assert "python -m coursework student --root . --out student-edition" in text


def test_jupyterlab_settings_open_chapters_as_notebooks_quietly():
    overrides = json.loads((ROOT / "binder" / "lab" / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    assert overrides["@jupyterlab/notebook-extension:tracker"]["autoStartDefaultKernel"] is True
    notes = overrides["@jupyterlab/apputils-extension:notification"]
    assert notes == {"fetchNews": "false", "checkForUpdates": False}
    server = json.loads((ROOT / "binder" / "lab" / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["contents_manager_class"] == \
        "backprop_lab.ChapterContentsManager"
