"""Every page of the built book in headless Chromium, with every host but 127.0.0.1 blocked.

On each page: MathJax has typeset the math and no raw TeX is left visible, and there is no
console error, no page error, no failed or external request.
Debian's chromium is used (``apt-get install -y chromium``), never Playwright's download.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from chromium import block_requests, requires_chromium
from conftest import toc_files

RAW_TEX = ("$$", "\\frac", "\\begin{", "\\partial", "\\sum_", "\\mathrm", "\\left(")
# Inline math left as text: "$\eta$", "\(a_k\)".
RAW_INLINE = re.compile(r"\$[^$\n]*\\[A-Za-z]+[^$\n]*\$|\\\(.*?\\\)")
# Visible text outside code: code cells may show TeX on purpose (sympy.latex output).
VISIBLE_PROSE_JS = """() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight, .output.text_plain';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.getClientRects().length) continue;   // hidden (collapsed dropdown, display:none)
    parts.push(n.textContent);
  }
  return parts.join(' ');
}"""


def pages() -> list[str]:
    """URL paths of every page: the table of contents plus Sphinx's index and search pages."""
    return ["index.html", *[f"{f}.html" for f in toc_files()], "genindex.html", "search.html"]


pytestmark = [pytest.mark.browser, pytest.mark.book, requires_chromium]


@dataclass
class Visit:
    """What happened while a page loaded."""

    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def open_page(browser, url: str):
    """Open url in a fresh context that blocks every host but 127.0.0.1; return page, Visit."""
    visit = Visit()
    context = browser.new_context(service_workers="block")
    visit.external = block_requests(context, lambda u: urlsplit(u).hostname == "127.0.0.1")
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(
        f"{m.text} @ {m.location.get('url')}:{m.location.get('lineNumber')}"))
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(
        f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: urlsplit(r.url).hostname == "127.0.0.1"
            and visit.failed.append(f"{r.failure} {r.url}"))
    page.goto(url, wait_until="load")
    return page, visit


def wait_for_mathjax(page) -> bool:
    """Wait for MathJax to finish typesetting; False when the page does not load MathJax."""
    if not page.locator("script[src*='mathjax']").count():
        return False
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=30_000)
    page.evaluate("() => MathJax.startup.promise.then(() => true)")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return True


def assert_page_is_clean(page, visit: Visit, path: str) -> None:
    """Math typeset, no raw TeX, and nothing failed, erred or left the host."""
    if wait_for_mathjax(page):
        assert page.locator("mjx-container").count() > 0, \
            f"{path} loads MathJax but nothing was typeset"
    page.wait_for_load_state("networkidle")
    prose = page.evaluate(VISIBLE_PROSE_JS)
    raw = [t for t in RAW_TEX if t in prose] + RAW_INLINE.findall(prose)
    assert not raw, f"{path} shows raw TeX {raw}: math was not typeset"
    assert not visit.external, f"{path} requested other hosts: {visit.external}"
    assert not visit.failed, f"{path} had failed requests: {visit.failed}"
    assert not visit.page_errors, f"{path} raised: {visit.page_errors}"
    assert not visit.console_errors, f"{path} logged errors: {visit.console_errors}"


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.removesuffix(".html"))
def test_page_in_chromium(browser, server: str, path: str) -> None:
    page, visit = open_page(browser, f"{server}/{path}")
    try:
        assert_page_is_clean(page, visit, path)
    finally:
        page.context.close()
