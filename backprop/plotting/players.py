"""The perceptron chapter's kernel-free player (``book/perceptron``).

The players and dashboards of the training chapters were replaced by the browser playground
(:mod:`backprop.playground`); this matplotlib ``to_jshtml`` player of a threshold unit's
decision line is the one that remains.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .single_layer import draw_threshold_unit

#: matplotlib's animation controls use Font Awesome from a CDN; the book must work offline,
#: so the icons become plain Unicode symbols and the stylesheet link is dropped.
_JSHTML_ICONS = {
    "fa fa-fast-backward": "\u21e4", "fa fa-fast-forward": "\u21e5", "fa fa-minus": "\u2212",
    "fa fa-pause": "||", "fa fa-play fa-flip-horizontal": "\u25c0", "fa fa-play": "\u25b6",
    "fa fa-plus": "+", "fa fa-step-backward": "\u2039", "fa fa-step-forward": "\u203a",
}


def _offline_jshtml(page: str, alt: str) -> str:
    page = re.sub(r"<link[^>]*font-awesome[^>]*>", "", page)
    # The frame image gets an alt text and the slider a label, for screen readers.
    page = page.replace('<img id="_anim_img', f'<img alt="{html.escape(alt)}" id="_anim_img')
    page = page.replace('<input id="_anim_slider', '<input aria-label="frame" id="_anim_slider')
    for cls, symbol in _JSHTML_ICONS.items():
        page = page.replace(f'<i class="{cls}"></i>', symbol)
    return page


def perceptron_animation_html(weights: np.ndarray, X: np.ndarray, T: np.ndarray, *,
                              captions: Sequence[str] | None = None,
                              marks: Sequence[int | None] | None = None, dpi: int = 60,
                              interval: int = 700) -> str:
    """A small self-contained player (``to_jshtml``) of a threshold unit's decision line,
    one frame per row ``(w_1, w_2, b)`` of ``weights`` (``book/perceptron``); ``marks[s]``
    is the row of ``X`` to ring in frame ``s`` (the pattern just presented). Works offline:
    the player's icons are plain symbols, nothing is fetched from a CDN."""
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2 or weights.shape[1] != 3 or len(weights) < 1:
        raise ValueError("weights must have one row (w_1, w_2, b) per frame")
    fig, ax = plt.subplots(figsize=(3.4, 3.4), dpi=dpi)

    def frame(s: int):
        ax.clear()
        title = captions[s] if captions is not None else f"step {s}"
        draw_threshold_unit(X, T, weights[s, :2], weights[s, 2], ax=ax, title=title)
        if marks is not None and marks[s] is not None:
            ax.scatter(*np.asarray(X, dtype=float)[marks[s]], s=260, facecolor="none",
                       edgecolor="#c0392b", lw=2, zorder=4)
        return []

    anim = FuncAnimation(fig, frame, frames=len(weights), interval=interval, blit=False)
    fig.tight_layout()
    page = _offline_jshtml(anim.to_jshtml(default_mode="loop"),
                           "The threshold unit's decision line over its patterns, one frame "
                           "per presented pattern, with the pattern just presented ringed")
    plt.close(fig)
    return page
