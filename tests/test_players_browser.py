"""The kernel-free players of the static book play in headless Chromium with no network.

A page holding a backprop.plotting player is opened from disk with every request other than
file: and data: URLs blocked; switching the menu shows another run, and pressing play moves
the frame slider and changes the picture.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from backprop.datasets import xor  # noqa: E402
from backprop.plotting import player_html  # noqa: E402
from backprop.training import TrainingConfig, record_run  # noqa: E402
from chromium import block_requests, launch, requires_chromium  # noqa: E402

pytestmark = [pytest.mark.browser, requires_chromium]


def test_player_switches_runs_and_plays_offline(tmp_path):
    X, T = xor()
    runs = {f"eta {e}": record_run(TrainingConfig(eta=e), X, T, 600, snapshots=6)
            for e in (1.0, 4.0)}
    page_file = tmp_path / "player.html"
    page_file.write_text("<!doctype html><html><body>" + player_html(runs, X, T)
                         + "</body></html>")
    errors = []
    with launch() as browser:
        page = browser.new_page()
        blocked = block_requests(page, lambda url: url.startswith("file:"))
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
    assert not blocked, f"the player tried to load {blocked}"
    assert not errors, errors
