"""The built book: every chapter executes, a clean -W -n build, every page present, nothing
loaded from another host.

The build is the chapter test: each chapter runs once per test run, there, and
``test_chapter_executes`` reports each one by name.

Also the launch and download buttons each chapter page carries, checked against the sources
they point at. The browser-side checks (math typeset, widgets drawn, no console errors) are in
test_browser.py; these read the HTML files only.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import ROOT, Build, chapter_sources, toc_files

pytestmark = pytest.mark.book

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
MAX_PAGE_BYTES = 3 * 1024 * 1024
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "cdn.mathjax.org",
             "fonts.googleapis.com", "fonts.gstatic.com", "code.jquery.com", "ajax.googleapis")
MATHJAX_SCRIPT = re.compile(r"(^|/)(tex|mml)-[a-z-]+\.js|MathJax\.js", re.IGNORECASE)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


class Assets(HTMLParser):
    """Collect every URL a page loads by itself (scripts, styles, fonts, images, frames)."""

    LOADING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
               ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
               ("object", "data"), ("input", "src")}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.script_types: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if tag == "link" and not {"stylesheet", "preload", "icon", "modulepreload",
                                  "prefetch", "manifest"} & set((d.get("rel") or "").split()):
            return  # rel=next/prev/index/search are navigation, not loads
        for t, attr in self.LOADING:
            if tag == t and d.get(attr):
                self.urls.append((tag, d[attr]))
        if tag == "script":
            self.scripts.append(d)
            self.script_types.append(d.get("type") or "")
        if tag == "a":
            self.anchors.append(d)


def parse(path: Path) -> Assets:
    parser = Assets()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def is_external(url: str) -> bool:
    return url.startswith("//") or bool(urlsplit(url).scheme in {"http", "https", "ftp"})


def html_pages(html: Path) -> list[Path]:
    """Every page a reader can open: the book's pages and Sphinx's own (index, search...)."""
    return sorted(p for p in html.rglob("*.html")
                  if not p.relative_to(html).parts[0].startswith(("_static", "_sources")))


def chapter_page(html: Path, source: Path) -> Path:
    return html / source.relative_to(ROOT).with_suffix(".html")


CHAPTERS = chapter_sources()


@pytest.mark.parametrize("source", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_executes(book_build: Build, source: Path) -> None:
    doc = source.relative_to(ROOT).with_suffix("").as_posix()
    if doc in book_build.failed:
        tail = "\n".join(book_build.failed[doc].strip().splitlines()[-25:])
        pytest.fail(f"{doc} raised while executing:\n{tail}", pytrace=False)
    assert (book_build.html / f"{doc}.html").is_file(), f"{doc} was not built"
    assert (book_build.html / "_sources" / f"{doc}.ipynb").is_file(), \
        f"{doc} has no executed notebook in the build"


def test_build_has_no_warnings(build_log: str) -> None:
    # Strict: no line with WARNING at all. (ipykernel's notice about local TCP kernels is
    # silenced by the kernel config that `make` writes into .venv.)
    warnings = [line for line in build_log.splitlines() if "WARNING" in line]
    assert not warnings, "the -W -n build printed warnings:\n" + "\n".join(warnings)
    assert "build succeeded" in build_log


def test_every_toc_page_is_built(built_book: Path) -> None:
    missing = [f for f in toc_files() if not (built_book / f"{f}.html").is_file()]
    assert not missing, f"pages in _toc.yml with no HTML: {missing}"
    assert (built_book / "index.html").is_file()


def test_no_page_loads_from_another_host(built_book: Path) -> None:
    offenders = []
    for page in html_pages(built_book):
        text = page.read_text(encoding="utf-8")
        assets = parse(page)
        for tag, url in assets.urls:
            if is_external(url):
                offenders.append(f"{page.relative_to(built_book)}: <{tag}> {url}")
        for host in CDN_HOSTS:
            if host in text:
                offenders.append(f"{page.relative_to(built_book)}: mentions {host}")
    assert not offenders, "pages load from other hosts:\n" + "\n".join(offenders)


def test_stylesheets_import_nothing_external(built_book: Path) -> None:
    pattern = re.compile(r"""(?:@import\s+|url\()\s*['"]?((?:https?:)?//[^'")\s]+)""")
    offenders = [f"{css.relative_to(built_book)}: {m}"
                 for css in (built_book / "_static").rglob("*.css")
                 for m in pattern.findall(css.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders, "stylesheets fetch from other hosts:\n" + "\n".join(offenders)


def test_local_assets_exist(built_book: Path) -> None:
    """Every script, stylesheet and image a page names is in the build (no 404 offline)."""
    missing = []
    for page in html_pages(built_book):
        for tag, url in parse(page).urls:
            if is_external(url) or url.startswith(("data:", "#")):
                continue
            target = (page.parent / urlsplit(url).path).resolve()
            if not target.exists():
                missing.append(f"{page.relative_to(built_book)}: <{tag}> {url}")
    assert not missing, "pages name files the build lacks:\n" + "\n".join(missing)


def test_mathjax_is_served_from_the_build(built_book: Path) -> None:
    mathjax = built_book / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.is_file(), "book/_ext/offline_assets.py did not copy MathJax into _static"
    fonts = list((built_book / "_static" / "mathjax" / "output" / "chtml" / "fonts")
                 .rglob("*.woff"))
    assert fonts, "MathJax's CHTML fonts are missing from _static/mathjax"
    with_math = 0
    for page in html_pages(built_book):
        srcs = [s.get("src") or "" for s in parse(page).scripts]
        mj = [s for s in srcs if MATHJAX_SCRIPT.search(s)]
        for src in mj:
            assert (page.parent / urlsplit(src).path).resolve() == mathjax.resolve(), \
                f"{page.relative_to(built_book)} loads MathJax from {src}"
        with_math += bool(mj)
    assert with_math, "no page loads MathJax, yet the chapters are full of equations"


def test_no_page_embeds_widgets(built_book: Path) -> None:
    # The book ships no widget manager: a displayed ipywidget would be dead state in the
    # page. Interaction is drawn by backprop/playground's front end (static_playground).
    for page in html_pages(built_book):
        assets = parse(page)
        assert WIDGET_STATE not in assets.script_types, \
            (f"{page.relative_to(built_book)} embeds Jupyter widget state: the book has no "
             "widget manager; draw the interaction with backprop.playground instead, or "
             "tag the cell remove-output")
        srcs = [urlsplit(s["src"]).path for s in assets.scripts if s.get("src")]
        assert not [s for s in srcs if s.endswith(("require.js", "embed-amd.js"))], srcs


def test_pages_are_small(built_book: Path) -> None:
    big = {str(p.relative_to(built_book)): p.stat().st_size for p in html_pages(built_book)
           if p.stat().st_size > MAX_PAGE_BYTES}
    assert not big, f"pages over 3 MB (embed fewer or smaller figures): {big}"


# --- launch and download buttons -----------------------------------------------------------


def binder_links(page: Path) -> list[str]:
    """The page's launch buttons (links in the prose, class "reference", are not buttons:
    the instructor guide links the student edition on Binder as well)."""
    return [a["href"] for a in parse(page).anchors
            if a.get("href") and "/v2/gh/" in a["href"]
            and "reference" not in (a.get("class") or "").split()]


@pytest.mark.parametrize("source", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_binder_button_opens_the_chapter_source(built_book: Path, source: Path) -> None:
    links = binder_links(chapter_page(built_book, source))
    assert len(links) == 1, f"expected one Binder button, found {links}"
    url = urlsplit(links[0])
    assert f"{url.scheme}://{url.netloc}" == CONFIG["launch_buttons"]["binderhub_url"]
    # /v2/gh/<org>/<repo>/<branch>
    _, v2, gh, org, repo, branch = url.path.split("/")
    assert (v2, gh) == ("v2", "gh")
    assert f"https://github.com/{org}/{repo}" == CONFIG["repository"]["url"]
    assert branch == CONFIG["repository"]["branch"]
    (urlpath,) = parse_qs(url.query)["urlpath"]
    interface, tree, rel = urlpath.split("/", 2)
    assert (interface, tree) == ("lab", "tree"), f"Binder should open JupyterLab: {urlpath}"
    target = ROOT / rel
    assert target.is_file(), f"the Binder button opens {rel}, which is not in the repository"
    assert target.resolve() == source.resolve()


def test_no_button_leads_nowhere(built_book: Path) -> None:
    """No Colab (it opens only .ipynb, and none is committed), no hub unless configured."""
    launch = CONFIG["launch_buttons"]
    assert not launch.get("colab_url") or list(ROOT.glob("book/*.ipynb")), \
        "colab_url is set but there is no .ipynb for Colab to open"
    for page in html_pages(built_book):
        hrefs = [a.get("href") or "" for a in parse(page).anchors]
        assert not any("colab.research.google.com" in h for h in hrefs), page
        if not launch.get("jupyterhub_url"):
            assert not any("hub/user-redirect" in h for h in hrefs), page


@pytest.mark.parametrize("source", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_download_buttons_work(built_book: Path, source: Path) -> None:
    page = chapter_page(built_book, source)
    anchors = parse(page).anchors
    downloads = {a.get("href") for a in anchors
                 if "btn-download" in (a.get("class") or "") and a.get("href")}
    rel = source.relative_to(ROOT)
    wanted = {f"_sources/{rel.with_suffix('.ipynb').as_posix()}", f"_sources/{rel.as_posix()}"}
    found = {(page.parent / h).resolve().relative_to(built_book.resolve()).as_posix()
             for h in downloads if not is_external(h)}
    assert wanted <= found, f"download buttons {sorted(found)} lack {sorted(wanted - found)}"
    for name in wanted:
        assert (built_book / name).is_file(), f"the download button's {name} was not built"
    nb = json.loads((built_book / "_sources" / rel.with_suffix(".ipynb")).read_text())
    assert nb["cells"], "the downloadable notebook is empty"
