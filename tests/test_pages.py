"""book/_ext/pages.py without a browser: the body fixes replace what they name, and the two
theme templates it overrides are the installed theme's with exactly the one change each
says (so a theme upgrade that changes them fails here, not silently in the book).
The built pages themselves are judged in Chromium by tests/test_pages_browser.py."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pydata_sphinx_theme
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import pages  # noqa: E402

THEME = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "components"


def _without_header(template: Path) -> str:
    # Our copies open with a Jinja comment saying what changed; the theme's text follows.
    return re.sub(r"\A\{#.*?#\}\n", "", template.read_text(), count=1, flags=re.S)


@pytest.mark.parametrize(("name", "change"), [
    ("search-button-field.html",
     lambda t: t.replace(""" aria-label="{{ _('Search') }}\"""", "")),
    ("theme-switcher.html",
     lambda t: re.sub(r"""\s+title="\{\{ _\('[A-Za-z ]+'\) \}\}\"""", "",
                      t.replace('fa-lg" data-mode=', 'fa-lg" aria-hidden="true" data-mode='))),
])
def test_template_overrides_are_the_theme_with_one_change(name, change):
    ours = _without_header(pages.HERE / "templates" / name)
    theirs = (THEME / name).read_text()
    assert ours != theirs
    assert ours == change(theirs)


def test_body_fixes_apply_to_the_page_body():
    context = {"body": '<div role="list"><div class="citation" role="doc-biblioentry">x</div>'
                       '</div><summary aria-label="Toggle hidden content"><p>Show</p>'}
    pages._fix_body(None, "p", "page.html", context, None)
    assert 'role="listitem"' in context["body"] and "doc-biblioentry" not in context["body"]
    assert "<summary><p>Show</p>" in context["body"]
    empty = {}
    pages._fix_body(None, "p", "page.html", empty, None)  # pages without a body are left alone
    assert empty == {}


def test_static_files_exist():
    static = pages.HERE / "pages_static"
    assert (static / "pages.css").is_file() and (static / "pages.js").is_file()
    assert "MIN_SCALE = 0.75" in (static / "pages.js").read_text()
