"""The book's pages for every reader: fixes for accessibility and for narrow screens.

Each fix is for a cause axe-core or the 400 px test found (``tests/test_pages_browser.py``),
made here instead of by switching a check off:

* ``pages.css``: links dark enough for WCAG AA (4.5:1) on the exercise boxes' tinted
  background as on white; inline code that wraps instead of pushing a phone's page sideways;
  tables whose cells wrap.
* ``pages.js``: an equation wider than its room is scaled down to fit, to no less than 75 %
  of its size (``MIN_SCALE`` there); a wider one scrolls inside its own box. A table or
  output that still scrolls becomes a labelled, keyboard-focusable region, so it can be
  scrolled without a mouse.
* ``templates/search-button-field.html``: the theme's search button without an ``aria-label``
  that hid its visible text ("Search Ctrl+K") from its accessible name;
  ``templates/theme-switcher.html``: the colour-mode button's icons hidden from screen readers,
  so that they do not contradict its name.
* The bibliography's entries get ``role="listitem"``: docutils gives the list ``role="list"``
  but its entries the deprecated ``doc-biblioentry``, so the list had no items.
* A hidden code cell's ``<summary>`` loses myst-nb's ``aria-label="Toggle hidden content"``,
  which replaced its visible text ("Show code cell source") as its name.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

HERE = Path(__file__).resolve().parent


def _config_inited(app: Sphinx, config) -> None:
    config.html_static_path.append(str(HERE / "pages_static"))
    config.templates_path.insert(0, str(HERE / "templates"))


#: Replacements in every page's body, each for a cause named in the module docstring.
BODY_FIXES = {
    'role="doc-biblioentry"': 'role="listitem"',
    '<summary aria-label="Toggle hidden content">': "<summary>",
}


def _fix_body(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if body:
        for old, new in BODY_FIXES.items():
            body = body.replace(old, new)
        context["body"] = body


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _fix_body)
    app.add_css_file("pages.css")
    app.add_js_file("pages.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
