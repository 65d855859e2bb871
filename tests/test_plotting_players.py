"""backprop.plotting.players: the perceptron chapter's player is self-contained and offline
(the training chapters' players went with issue 8: see tests/test_playground*.py)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop.perceptron import gate_data  # noqa: E402
from backprop.plotting.players import perceptron_animation_html  # noqa: E402


def test_animation_is_offline_and_small():
    Xg, Tg = gate_data("XOR")
    frames = np.array([[0, 0, 0], [1, 1, -1], [-1, 0, 1]], dtype=float)
    html = perceptron_animation_html(frames, Xg, Tg, dpi=40)
    # "cdn" can occur by chance inside the base64 frames: look only outside them
    outside = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=\\\n]+", "", html)
    assert "font-awesome" not in outside and "cdn" not in outside.lower()
    assert html.count("data:image/png;base64") == 3
    marked = perceptron_animation_html(frames, Xg, Tg, marks=[None, 1, 2], dpi=40)
    assert marked != html  # the ringed pattern is drawn
    assert len(html) < 200_000
    with pytest.raises(ValueError, match="one row"):
        perceptron_animation_html(np.zeros((3, 2)), Xg, Tg)


def test_animation_says_what_it_shows_to_a_screen_reader():
    Xg, Tg = gate_data("XOR")
    html = perceptron_animation_html(np.zeros((2, 3)), Xg, Tg, dpi=30)
    frame = re.search(r'<img alt="([^"]+)" id="_anim_img', html)
    assert frame and "decision line" in frame.group(1)
    assert '<input aria-label="frame" id="_anim_slider' in html
