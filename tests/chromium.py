"""Headless Chromium for the browser tests, written once: Debian's ``chromium`` driven by
Python Playwright (Playwright's own browser download does not work on these machines).

``requires_chromium`` skips a test module, with a message that says what to install, where
no Chromium is found; ``launch()`` yields a browser; ``block_requests`` aborts every request
but the ones a test allows and records them, so a test can assert that a page stays offline.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
NO_CHROMIUM = ("Chromium not found: install it with `apt-get install -y chromium` (`.ci/run` "
               "does); browser tests skipped")


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


#: Checked at collection, so a machine without Chromium skips (and builds nothing for) them.
requires_chromium = pytest.mark.skipif(chromium_path() is None, reason=NO_CHROMIUM)


@contextlib.contextmanager
def launch() -> Iterator[Any]:
    """A headless Chromium browser (a Playwright ``Browser``), closed afterwards."""
    path = chromium_path()
    if path is None:
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def block_requests(target: Any, allowed: Callable[[str], bool]) -> list[str]:
    """Abort every request of ``target`` (a page or a browser context) whose URL ``allowed``
    refuses; returns the list the aborted URLs are appended to."""
    blocked: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if allowed(url) or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    target.route("**/*", route)
    return blocked
