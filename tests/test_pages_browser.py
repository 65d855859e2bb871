"""Every page of the built book as its readers get it, in headless Chromium.

- **Figures read at a glance.** At a 1280 px window no text of a figure renders under
  :data:`~backprop.plotting.style.MIN_TEXT_PX` CSS pixels: each chapter PNG records its
  smallest text in its own pixels (``book/matplotlibrc`` runs
  :func:`backprop.plotting.style.figure_hook`), and the page says how much it scales the
  image.
- **Figures read to a screen reader.** Every image of the text has an alt text that says
  what it shows: not empty, not a file name, a sentence of several words.
- **axe-core** (vendored in ``tests/vendor/axe-core``, refreshed by ``tools/vendor_axe.sh``)
  finds no critical or serious WCAG 2 A/AA violation.
- **A 400 px phone.** Nothing in the text column is wider than the column (a table, an
  equation or a figure would be clipped); code blocks scroll inside themselves.

Each page is loaded once at each width; the tests then judge what was collected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image
from test_browser import open_page, pages, wait_for_mathjax

from backprop.plotting.style import MIN_TEXT_PX, SMALLEST_TEXT_KEY
from chromium import launch, requires_chromium, serving
from conftest import ROOT

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDE, NARROW = 1280, 400

pytestmark = [pytest.mark.browser, pytest.mark.book, requires_chromium]

# Images of the text column: their source, natural and shown width, and alt text.
IMAGES_JS = """() => [...(document.querySelector('article.bd-article') ||
                          document.querySelector('main')).querySelectorAll('img')].map(i => ({
  src: i.getAttribute('src') || '', alt: i.getAttribute('alt'),
  natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
  inFigure: !!i.closest('figure'), visible: i.getClientRects().length > 0}))"""

# Elements of the text column that stick out of it. An element inside a box that scrolls
# sideways (code, a wide table, a long equation) is fine if the box is keyboard-focusable
# (axe's scrollable-region-focusable checks that at this width); one whose nearest such box
# clips it (overflow: hidden) is cut off, and one with no such box widens the page.
OVERFLOW_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const box = article.getBoundingClientRect();
  // The overflow style of the nearest ancestor that the element does not fit inside.
  const clipper = (el, r) => {
    for (let e = el.parentElement; e && e !== article; e = e.parentElement) {
      const x = getComputedStyle(e).overflowX, b = e.getBoundingClientRect();
      if (x !== 'visible' && (r.left < b.left - 1 || r.right > b.right + 1)) return x;
    }
    return null;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '');
  const out = [];
  for (const el of article.querySelectorAll('*')) {
    // MathJax's copy for screen readers is clipped to nothing on purpose.
    if (!el.getClientRects().length || el.closest('mjx-assistive-mml')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || (r.right <= box.right + 1 && r.left >= box.left - 1)) continue;
    const how = clipper(el, r);
    if (how === 'auto' || how === 'scroll') continue;
    out.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px ` +
             `(column ${Math.round(box.left)}..${Math.round(box.right)}), ` +
             (how ? `clipped (overflow ${how})` : 'widening the page'));
  }
  const accuracyTable = () => {
    const t = article.querySelector('table.accuracy');
    if (!t) return 'missing';
    const w = t.getBoundingClientRect().width;
    return w <= box.width + 1 ? 'fits' : `is ${Math.round(w)} px wide`;
  };
  const math = [...article.querySelectorAll('mjx-container')];
  const tooWide = math.filter(m => {
    const room = m.getAttribute('display') === 'true' ? m.clientWidth
      : m.parentElement.closest('p, li, td, th, dd, div').clientWidth;
    return m.querySelector('mjx-math').getBoundingClientRect().width > room + 1;
  });
  return {items: out.slice(0, 8), count: out.length,
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          unfitted: tooWide.filter(m => !m.hasAttribute('data-fit-scale')).length,
          scrolling: tooWide.length, accuracy_table: accuracyTable()};
}"""


@dataclass
class PageReport:
    """What one page showed at 1280 px and at 400 px."""

    images: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def reports(built_book: Path) -> Iterator[dict[str, PageReport]]:
    out: dict[str, PageReport] = {}
    with serving(built_book) as base, launch() as browser:
        for path in pages():
            page, _ = open_page(browser, f"{base}/{path}")
            try:
                report = PageReport()
                page.set_viewport_size({"width": WIDE, "height": 900})
                wait_for_mathjax(page)
                page.wait_for_load_state("networkidle")
                report.images = page.evaluate(IMAGES_JS)
                page.add_script_tag(path=str(AXE))
                result = page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                    " resultTypes: ['violations']})", AXE_TAGS)
                report.axe = [v for v in result["violations"]
                              if v["impact"] in ("critical", "serious")]
                page.set_viewport_size({"width": NARROW, "height": 800})
                page.wait_for_timeout(400)  # let the theme and pages.js re-lay out
                report.overflow = page.evaluate(OVERFLOW_JS)
                narrow = page.evaluate(
                    "() => axe.run(document, {runOnly: {type: 'rule', values:"
                    " ['scrollable-region-focusable']}, resultTypes: ['violations']})")
                report.axe += [v for v in narrow["violations"]
                               if v["impact"] in ("critical", "serious")]
                out[path] = report
            finally:
                page.context.close()
    yield out


def _png(built_book: Path, path: str, src: str) -> Path:
    return (built_book / path).parent.joinpath(unquote(urlsplit(src).path)).resolve()


def _chapter_figures(report: PageReport) -> list[dict]:
    # Figures made by the chapters' code: myst-nb writes them to _images/ as PNG files.
    return [i for i in report.images if "_images/" in i["src"] and i["src"].endswith(".png")
            and i["visible"]]


PAGES = pages()
IDS = [p.removesuffix(".html") for p in PAGES]


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_figure_text_is_at_least_10_px_at_1280(reports, built_book: Path, path: str) -> None:
    small = []
    for img in _chapter_figures(reports[path]):
        file = _png(built_book, path, img["src"])
        recorded = Image.open(file).text.get(SMALLEST_TEXT_KEY)
        assert recorded is not None, (
            f"{path}: {file.name} has no {SMALLEST_TEXT_KEY} chunk: it was not drawn through "
            "backprop.plotting.style.figure_hook (is book/matplotlibrc read? clear "
            "_build/.jupyter_cache if outputs predate it)")
        if recorded == "none":
            continue
        shown = float(recorded) * img["shown"] / img["natural"]
        if shown < MIN_TEXT_PX:
            small.append(f"{img['alt'][:60]!r} ({file.name}): smallest text {shown:.1f} px "
                         f"(image {img['natural']} px shown at {img['shown']:.0f} px)")
    assert not small, f"{path}: figure text under {MIN_TEXT_PX:g} px:\n" + "\n".join(small)


FILE_NAME = re.compile(r"(^|/)[\w.-]+\.(png|svg|jpe?g|gif)$|^\.\./|_images/", re.I)


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_every_image_says_what_it_shows(reports, path: str) -> None:
    bad = []
    for img in reports[path].images:
        alt = (img["alt"] or "").strip()
        if img["alt"] == "" and not img["inFigure"] and "logo" in img["src"]:
            continue  # a decorative logo inside a labelled link: alt="" is right
        if not alt or FILE_NAME.search(alt) or len(alt.split()) < 6:
            bad.append(f"{img['src'][:70]}: alt {alt[:70]!r}")
    assert not bad, (f"{path}: images whose alt text does not say what they show (give the "
                     "figure cell's mystnb.image.alt a sentence):\n" + "\n".join(bad))


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_no_serious_accessibility_violations(reports, path: str) -> None:
    found = [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. "
             f"{v['nodes'][0]['target']}: {v['nodes'][0]['failureSummary'][:160]})"
             for v in reports[path].axe]
    assert not found, f"{path}: axe-core {AXE_VERSION} WCAG 2 A/AA:\n" + "\n".join(found)


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_nothing_sticks_out_of_the_column_at_400_px(reports, path: str) -> None:
    o = reports[path].overflow
    assert o["count"] == 0 and o["page"] <= 0, (
        f"{path} at {NARROW} px: {o['count']} elements stick out of the text column, page "
        f"scrolls sideways by {o['page']} px:\n" + "\n".join(o["items"]))
    # book/_ext/pages.js scales every equation too wide for its room; only one that would
    # need less than its smallest scale is left to scroll inside its box.
    assert o["unfitted"] == 0, f"{path}: {o['unfitted']} wide equations were not scaled"


def test_beyond_xor_accuracy_table_fits_a_phone(reports) -> None:
    # It was a printed block of text, clipped at 400 px; now a table whose cells wrap.
    fits = reports["book/beyond-xor.html"].overflow["accuracy_table"]
    assert fits == "fits", f"the accuracy table at {NARROW} px: {fits}"


def test_the_vendored_axe_core_is_the_pinned_version() -> None:
    meta = json.loads((AXE.parent / "package.json").read_text())
    assert meta["version"] == AXE_VERSION
    assert AXE.read_text()[:40].startswith(f"/*! axe v{AXE_VERSION}")
    assert f'AXE="axe-core@{AXE_VERSION}"' in (ROOT / "tools" / "vendor_axe.sh").read_text()
