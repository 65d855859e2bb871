"""The JupyterLab set-up (``binder/lab``): what its contents manager serves and saves.

Checks without a browser (``tests/test_jupyterlab.py`` checks the same in JupyterLab), and,
against the built book, that the citations and chapter numbers it shows are the book's.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import backprop_lab
import jupytext
import pytest
from backprop_lab import citations, links, numbering

from conftest import ROOT, toc_files

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

As {cite:t}`doe2020` showed, and others before {cite:p}`roe1999,doe2020`.

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


BIB = """\
@article{doe2020,
  author = {Doe, Jane and Moe, Max and Poe, Ann},
  title = {A result},
  journal = {Journal},
  year = {2020}
}

@book{roe1999,
  author = {Roe, Richard},
  title = {An older book},
  publisher = {Press},
  year = {1999}
}
"""
TOC = """\
format: jb-book
root: intro
parts:
  - caption: Unnumbered
    chapters:
      - file: preface
  - caption: First
    numbered: true
    chapters:
      - file: one
      - file: two
  - caption: Second
    numbered: true
    chapters:
      - file: chapter
"""


@pytest.fixture
def manager(tmp_path: Path) -> backprop_lab.ChapterContentsManager:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)  # its [tool.jupytext], as in Binder's home
    (tmp_path / "chapter.md").write_text(CHAPTER)
    (tmp_path / "_toc.yml").write_text(TOC)
    (tmp_path / "_config.yml").write_text("bibtex_bibfiles:\n  - refs.bib\n")
    (tmp_path / "refs.bib").write_text(BIB)
    return backprop_lab.ChapterContentsManager(root_dir=str(tmp_path))


def test_collapsed_cells_are_the_hidden_code_and_the_gated_solution():
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
    assert nb["cells"][-2]["source"] == ":::{figure}\n:label: fig-a-one\nA figure of $x$.\n:::"
    assert nb["cells"][-2]["metadata"]["editable"] is False
    assert nb["cells"][-3]["source"] == "shown = 2"
    # The note on outputs, after the chapter's first cell.
    assert nb["cells"][1] == backprop_lab.outputs_note() | {"id": nb["cells"][1]["id"]}


def test_served_chapter_is_numbered_cites_and_hides_solution_ends_as_the_book(manager):
    cells = asyncio.run(manager.get("chapter.md", type="notebook"))["content"]["cells"]
    # Chapter 3 of the table of contents: the unnumbered part does not count.
    assert cells[0]["source"].startswith(numbering.frontmatter("3") + "# A chapter\n")
    assert "numbering:\n  enumerator: 3.%s\n  headings: true" in cells[0]["source"]
    text = cells[0]["source"].split("# A chapter\n", 1)[1]
    assert "{cite" not in text.split('"')[0]
    assert _plain(text).strip() == ("As Doe et al. [2020] showed, and others before "
                            "[Doe et al., 2020, Roe, 1999].")
    assert "(#cite-doe2020 " in text and "(#cite-roe1999 " in text
    # The works cited, read-only, at the end; each the target of its links.
    refs = cells[-1]
    assert refs["metadata"]["editable"] is False
    assert re.findall(r"^\(cite-(\w+)\)=$", refs["source"], re.MULTILINE) == ["doe2020", "roe1999"]
    assert "[DMP20] Jane Doe, Max Moe, and Ann Poe. A result. Journal, 2020." in _plain(
        refs["source"])
    ends = [c["source"] for c in cells if "{solution-end}" in c["source"]]
    assert ends == ["% ````{solution-end}\n% ````"]


def _plain(markdown: str) -> str:
    """The text a rendered citation reads as: links, escapes and emphasis undone."""
    text = re.sub(r'\[((?:[^\[\]\\]|\\.)*)\]\([^()"]*(?: "[^"]*")?\)', r"\1", markdown)
    return re.sub(r"\\(.)", r"\1", text).replace("*", "").replace("\n", " ")


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


def test_a_readers_edit_of_a_cell_with_citations_is_saved_with_the_roles(manager, tmp_path):
    nb = json.loads(json.dumps(asyncio.run(manager.get("chapter.md", type="notebook"))
                               ["content"]))
    nb["cells"][0]["source"] = nb["cells"][0]["source"].replace(" showed", " proved") \
        + "\n\nMy own note."
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": nb},
                             "chapter.md"))
    assert (tmp_path / "chapter.md").read_text() == CHAPTER.replace(
        "`doe2020` showed, and others before {cite:p}`roe1999,doe2020`.",
        "`doe2020` proved, and others before {cite:p}`roe1999,doe2020`.\n\nMy own note.")


def test_restore_undoes_render_exactly_and_leaves_broken_citations_as_edited():
    bib = backprop_lab.bibliography(ROOT)
    source = ("{cite:t}`rumelhart1986learning` {cite}`minsky1969perceptrons` and "
              "{cite:p}`rosenblatt1958perceptron, minsky1969perceptrons`, "
              "{cite:ts}`rumelhart1986pdp`{cite:t}`rumelhart1986pdp`, "
              "{cite:p}`nokey2000` {cite:ct}`rumelhart1986pdp`")
    served = citations.render(source, bib)
    assert "nokey2000" in served and "{cite:ct}`rumelhart1986pdp`" in served  # left raw
    assert links.restore(served) == source
    # A citation whose links were edited apart stays as the reader left it; the others
    # come back.
    assert served.count('"), [Rosenblatt, 1958]') == 1
    edited = links.restore(served.replace('"), [Rosenblatt, 1958]', '")[Rosenblatt, 1958]'))
    assert edited.startswith("{cite:t}`rumelhart1986learning` {cite}`minsky1969perceptrons` ")
    assert "\\[[Minsky and Papert, 1969](#cite-minsky1969perceptrons " in edited
    assert edited.endswith(source[source.index(", {cite:ts}"):])


def test_solution_ends_and_frontmatter_round_trip():
    cell = "````{solution-end}\n````\n\n````{exercise}\n:label: ex-x\n\nDo.\n````"
    served = numbering.frontmatter("12") + backprop_lab.hide_solution_ends(cell)
    assert backprop_lab.saved_source(served) == cell
    assert numbering.strip_frontmatter(numbering.frontmatter(None) + "# T") == "# T"


# ------------------------------------------------------- against the built book's HTML
class _Citations(HTMLParser):
    """The text of each citation sphinxcontrib-bibtex wrote into a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth:
            self.depth += tag == "span"
        elif tag == "span" and "bibtex-citation" in (dict(attrs).get("class") or ""):
            self.depth = 1
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "span":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1] += data


def _squash(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


@pytest.mark.parametrize("chapter", toc_files())
def test_citations_read_as_in_the_book(built_book, chapter):
    """Every citation of a chapter reads in JupyterLab as the book prints it, in order."""
    parser = _Citations()
    parser.feed((built_book / f"{chapter}.html").read_text())
    bib = backprop_lab.bibliography(ROOT)
    ours = []
    for cell in jupytext.read(ROOT / f"{chapter}.md").cells:
        text = cell.source if cell.cell_type == "markdown" else \
            cell.metadata.get("mystnb", {}).get("figure", {}).get("caption", "")
        for m in citations.ROLE.finditer(text):
            shown = bib.cite(m["role"], m["keys"], m.group(0))
            assert shown is not None, f"{chapter}.md: JupyterLab cannot write {m.group(0)}"
            ours.append(_squash(_plain(shown)))
    assert ours == [_squash(t) for t in parser.found]


def _html_number(html: str, label: str) -> str | None:
    """The number the book's HTML gives the figure, table or equation labelled ``label``."""
    at = max(html.find(f'id="{label}"'), html.find(f'id="equation-{label}"'))
    found = re.compile(r'class="(?:eqno|caption-number)">([^<]+)<').search(html, at)
    return _squash(found[1]) if at >= 0 and found else None


@pytest.mark.parametrize("chapter", toc_files())
def test_chapter_numbers_and_targets_are_numbered_as_in_the_book(built_book, chapter):
    """binder/lab numbers chapters (from _toc.yml) and their figures, tables, labelled
    equations and exercises as the book does; tests/test_jupyterlab.py checks that
    JupyterLab shows these numbers."""
    html = (built_book / f"{chapter}.html").read_text()
    title = re.search(r'<h1><span class="section-number">(\d+)\. </span>', html)
    assert (title[1] if title else None) == numbering.chapter_numbers(ROOT).get(chapter)
    expected = {label: t.text for label, t in numbering.book_targets(ROOT).items()
                if t.page == chapter}
    assert {label: _html_number(html, label) for label in expected} == expected


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
