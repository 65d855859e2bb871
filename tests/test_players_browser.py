"""The kernel-free players of the static book play in headless Chromium with no network.

A page holding a backprop.plotting player is opened from disk with every request other than
file: and data: URLs blocked; switching the menu shows another run, and pressing play moves
the frame slider and changes the picture.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from backprop.datasets import xor  # noqa: E402
from backprop.plotting import player_html  # noqa: E402
from backprop.training import TrainingConfig, record_run  # noqa: E402

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"))
                 if p and Path(p).exists()), None)
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium not found: install it "
                                 "with `apt-get install -y chromium`; player test skipped")]


def test_player_switches_runs_and_plays_offline(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    X, T = xor()
    runs = {f"eta {e}": record_run(TrainingConfig(eta=e), X, T, 600, snapshots=6)
            for e in (1.0, 4.0)}
    page_file = tmp_path / "player.html"
    page_file.write_text("<!doctype html><html><body>" + player_html(runs, X, T)
                         + "</body></html>")
    blocked, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()

        def route(r) -> None:
            if r.request.url.startswith(("file:", "data:", "blob:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        panels = page.locator(".training-player div[class$='-panel']")
        assert panels.count() == 2
        assert panels.nth(0).is_visible() and not panels.nth(1).is_visible()
        page.locator(".training-player select").select_option("1")
        assert panels.nth(1).is_visible() and not panels.nth(0).is_visible()
        shown = panels.nth(1)
        image = shown.locator("img").first
        first = image.get_attribute("src")
        slider = shown.locator("input[type=range]").first
        assert slider.input_value() == "0"
        shown.locator("button", has_text="\u25b6").last.click()  # play forwards
        page.wait_for_function("(el) => el.value !== '0'", arg=slider.element_handle(),
                               timeout=10_000)
        assert image.get_attribute("src") != first
        browser.close()
    assert not blocked, f"the player tried to load {blocked}"
    assert not errors, errors
