"""backprop.plotting.style: the classes' colours stand out from every background they are
drawn on, the smallest text of a figure is measured as drawn, and the hook that
book/matplotlibrc names records it in the PNG IPython makes."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import rgb_to_hsv, to_rgb  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402
from PIL import Image  # noqa: E402

from backprop.plotting import style  # noqa: E402
from conftest import ROOT  # noqa: E402


def test_contrast_ratio_matches_wcag():
    assert style.contrast_ratio("black", "white") == pytest.approx(21.0)
    assert style.contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert style.contrast_ratio("#767676", "white") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("background", ["boundary map", "threshold fills"])
def test_points_never_take_the_colour_of_their_background(background):
    colours = ([style.BOUNDARY_CMAP(t) for t in np.linspace(0, 1, 101)]
               if background == "boundary map" else list(style.THRESHOLD_FILLS))
    worst = min(style.contrast_ratio(point, c) for point in style.CLASS_COLOURS
                for c in colours)
    assert worst >= 3.0, f"a class colour has contrast {worst:.2f} with the {background}"
    # and the classes differ in hue (blue against orange), not only in lightness
    h0, h1 = (rgb_to_hsv(to_rgb(c))[0] for c in style.CLASS_COLOURS)
    assert min(abs(h0 - h1), 1 - abs(h0 - h1)) > 0.3


def test_smallest_text_counts_only_what_is_drawn():
    fig, (ax, off) = plt.subplots(1, 2, figsize=(4, 2), dpi=100)
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x", fontsize=8)
    ax.set_title("hidden", fontsize=3, visible=False)  # invisible: not drawn
    ax.text(0.5, 0.5, "   ", fontsize=2)  # blank: nothing drawn
    off.set_xlabel("off", fontsize=4)
    off.axis("off")  # its axis labels and ticks are not drawn
    assert style.smallest_text_px(fig) == pytest.approx(8 * 100 / 72)
    ax.tick_params(labelsize=6)
    assert style.smallest_text_px(fig) == pytest.approx(6 * 100 / 72)
    ax.set_xlim(0, 1e-3)  # tick labels outside the view are not drawn, the offset text is
    fig.dpi = 200
    assert style.smallest_text_px(fig) == pytest.approx(6 * 200 / 72)
    assert style.smallest_text_px(plt.figure()) is None


def test_minor_tick_labels_count_when_shown():
    fig, ax = plt.subplots(dpi=100)
    ax.semilogy([1, 2], [1.5, 4])  # under a decade: matplotlib labels the minor ticks
    ax.tick_params(which="minor", labelsize=5)
    assert style.smallest_text_px(fig) == pytest.approx(5 * 100 / 72)
    ax.yaxis.set_minor_formatter(NullFormatter())  # blank minor labels are not text
    assert style.smallest_text_px(fig) == pytest.approx(10 * 100 / 72)


def test_matplotlibrc_hook_records_the_smallest_text_in_the_png():
    rc = matplotlib.rc_params_from_file(str(ROOT / "book" / "matplotlibrc"),
                                        use_default_template=False)
    assert rc["figure.hooks"] == ["backprop.plotting.style:figure_hook"]
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        fig, ax = plt.subplots(figsize=(3, 2), dpi=100)
        ax.set_title("title", fontsize=9)
        style.figure_hook(fig)
        data, _ = shell.display_formatter.format(fig)
        png = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
        assert float(png.text[style.SMALLEST_TEXT_KEY]) == pytest.approx(
            style.smallest_text_px(fig), abs=1e-3)
    finally:
        InteractiveShell.clear_instance()


def test_hook_does_nothing_outside_ipython():
    fig = plt.figure()
    style.figure_hook(fig)  # no shell: nothing to register, and no error
