"""Headless Chromium for the browser tests, written once: Debian's ``chromium`` driven by
Python Playwright (Playwright's own browser download does not work on these machines).

``requires_chromium`` skips a test module, with a message that says what to install, where
no Chromium is found; ``launch()`` yields a browser; ``block_requests`` aborts every request
but the ones a test allows and records them, so a test can assert that a page stays offline;
``serving`` serves a folder on 127.0.0.1. The fixtures ``browser`` and ``server`` (the built
book), one of each per test module, reach every test through conftest.py.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """Serve directory on 127.0.0.1 (a free port) from a thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(built_book: Path) -> Iterator[str]:
    with serving(built_book) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launch() as chromium:
        yield chromium
