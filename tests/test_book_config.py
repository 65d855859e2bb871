"""The build configuration, on small books built with the real _config.yml and extensions.

A failing chapter is reported by name with its traceback while the others still execute;
MPLBACKEND in the environment does not take the figures away (``book/_ext/kernel_env.py``);
the JupyterHub button appears when an instructor sets ``launch_buttons.jupyterhub_url``, as
the instructor guide says; a page that displays a Jupyter widget loads no widget JavaScript
from a CDN (the book ships none).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import ROOT, ansi_free, kernel_env, run_build, small_book

pytestmark = pytest.mark.book

FIGURE_PAGE = """# A figure

```{code-cell} ipython3
:tags: [hide-input]
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([0, 1], [1, 0])
ax.set_title("a line")
plt.show()
```

A sentence after the figure.
"""

FAILING_PAGE = """# {title}

```{{code-cell}} ipython3
x = 1
```

```{{code-cell}} ipython3
raise RuntimeError("{message}")
```
"""

PLAIN_PAGE = """# Fine

```{code-cell} ipython3
print("this chapter runs")
```
"""


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.links: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if tag == "img" and d.get("src"):
            self.sources.append(d["src"])
        if tag == "a" and d.get("href"):
            self.links.append(d["href"])
        if tag == "script" and d.get("src"):
            self.scripts.append(d["src"])


def parsed(page: Path) -> Images:
    parser = Images()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_failing_chapter_is_reported_by_name_and_the_others_still_run(tmp_path):
    book = small_book(tmp_path, {
        "fine": PLAIN_PAGE,
        "first": FAILING_PAGE.format(title="First", message="the first chapter is broken"),
        "second": FAILING_PAGE.format(title="Second", message="so is the second"),
    })
    build = run_build(book)
    assert build.returncode != 0
    assert set(build.failed) == {"book/first", "book/second"}
    assert "the first chapter is broken" in build.failed["book/first"]
    assert "so is the second" in build.failed["book/second"]
    summary = build.summary()
    assert "book/first failed to execute" in summary and "book/second failed" in summary
    assert (build.html / "book" / "fine.html").is_file()


def test_mplbackend_in_the_environment_keeps_the_figures(tmp_path):
    book = small_book(tmp_path, {"figure": FIGURE_PAGE})
    build = run_build(book, env={**kernel_env(), "MPLBACKEND": "Agg"})
    assert build.returncode == 0, build.summary()
    images = [s for s in parsed(build.html / "book" / "figure.html").sources
              if s.endswith(".png") or s.startswith("data:image")]
    assert images, "the kernel drew the figure with Agg: no image reached the page"
    assert "MPLBACKEND=Agg is ignored" in ansi_free(build.log)


def test_setting_jupyterhub_url_adds_a_hub_button_to_every_chapter(tmp_path):
    guide = (ROOT / "book" / "instructor-guide.md").read_text()
    assert "launch_buttons.jupyterhub_url" in guide, \
        "the instructor guide no longer says how to switch the JupyterHub button on"
    book = small_book(tmp_path, {"first": PLAIN_PAGE, "second": PLAIN_PAGE})
    config = yaml.safe_load((book / "_config.yml").read_text())
    assert config["launch_buttons"]["jupyterhub_url"] == "", "the button is off by default"
    config["launch_buttons"]["jupyterhub_url"] = "https://hub.example.org"
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    build = run_build(book)
    assert build.returncode == 0, build.summary()
    for name in ("first", "second"):
        hub = [h for h in parsed(build.html / "book" / f"{name}.html").links
               if h.startswith("https://hub.example.org/hub/user-redirect")]
        assert len(hub) == 1, f"book/{name}.html has hub buttons {hub}"
        query = parse_qs(urlsplit(hub[0]).query)
        assert any(f"book/{name}.md" in v for vals in query.values() for v in vals), hub[0]


WIDGET_PAGE = """# A widget

```{code-cell} ipython3
import ipywidgets as widgets

widgets.IntSlider(value=3, min=0, max=10, description="eta")
```
"""


def test_a_page_displaying_a_widget_loads_nothing_from_a_cdn(tmp_path):
    # The book ships no widget manager (nb_ipywidgets_js is empty): myst-nb must not fall
    # back to its CDN defaults (RequireJS from cdnjs, the manager from unpkg).
    book = small_book(tmp_path, {"widget": WIDGET_PAGE})
    build = run_build(book)
    assert build.returncode == 0, build.summary()
    scripts = parsed(build.html / "book" / "widget.html").scripts
    assert scripts, "the page's scripts were not found"
    remote = [s for s in scripts if urlsplit(s).scheme in ("http", "https") or s.startswith("//")]
    assert not remote, f"a widget page loads JavaScript from other hosts: {remote}"
    assert not [s for s in scripts if s.endswith(("require.js", "embed-amd.js"))], scripts
