"""The colours every figure of the book shares, defined once, and the measure of its text.

Used by every module of :mod:`backprop.plotting`, and by every chapter with a figure through
``book/matplotlibrc``: its ``figure.hooks`` names :func:`figure_hook`, which makes each PNG
record the size of its smallest text so that a browser test can check, on the built page,
that no figure's text is smaller than :data:`MIN_TEXT_PX` CSS pixels.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.text import Text

#: Network diagrams: the weight being differentiated, the rest of its path, the rest.
WEIGHT_COLOUR = "#c0392b"
PATH_COLOUR = "#e67e22"
PATH_FILL = "#fbe3c8"
QUIET_COLOUR = "#b9bec4"

#: A network's output over the input plane: 0 is blue, 1 is orange, 0.5 (the decision
#: boundary) white. Light, so that the data points drawn over it stand out.
BOUNDARY_CMAP = LinearSegmentedColormap.from_list("xor", ["#9ecae1", "#ffffff", "#fdae6b"])
#: The two classes (target 0, target 1) in every figure: dark, with a contrast of at least
#: 3:1 (WCAG's bar for graphics) against every colour of :data:`BOUNDARY_CMAP`, so a point
#: never has the colour of the background it sits on.
CLASS_COLOURS = ("#08519c", "#a63603")
#: The lines net_j = 0 of the hidden units, one colour each.
HIDDEN_LINE_COLOURS = ("#7b3294", "#1b7837", "#c51b7d", "#8c510a", "#01665e", "#762a83",
                       "#b35806", "#4d4d4d")
#: Where a threshold unit answers 0 and 1 (``single_layer.draw_threshold_unit``).
THRESHOLD_FILLS = ("#ffffff", "#fde0c5")
#: A second quantity on a twin axis (``boundaries.draw_stall_sweep``).
MEDIAN_COLOUR = "#2c7fb8"
#: The input plane around XOR's unit square.
XOR_EXTENT = (-0.5, 1.5, -0.5, 1.5)
#: Error curves are drawn up to this value; a diverging run's larger errors are clipped.
ERROR_AXIS_MAX = 1e8


def contrast_ratio(colour_a: object, colour_b: object) -> float:
    """WCAG 2's contrast ratio of two matplotlib colours, from 1 (the same) to 21."""
    def luminance(colour: object) -> float:
        rgb = np.array(to_rgb(colour))
        linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])

    hi, lo = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# ====================================================================== legible text
#: The PNG text chunk in which the book's figures record their smallest text, in pixels of
#: the PNG itself; the browser test scales it by the image's width on the page.
SMALLEST_TEXT_KEY = "backprop:smallest-text-px"
#: No text of a figure may render smaller than this many CSS pixels at a 1280 px window.
MIN_TEXT_PX = 10.0


def _drawn_texts(artist: Artist) -> Iterator[Text]:
    """Every text artist that drawing ``artist`` puts on the canvas, non-empty and visible."""
    if not artist.get_visible():
        return
    if isinstance(artist, Text):
        if artist.get_text().strip():
            yield artist
        return
    if isinstance(artist, Axis):
        # Only the ticks inside the view are drawn; _update_ticks also sets their labels.
        for tick in artist._update_ticks():
            for label in (tick.label1, tick.label2):
                if tick.get_visible() and label.get_visible() and label.get_text().strip():
                    yield label
        for text in (artist.label, artist.offsetText):
            yield from _drawn_texts(text)
        return
    children = artist.get_children()
    if isinstance(artist, Axes) and not artist.axison:  # ax.axis("off"): no axes, no spines
        children = [c for c in children if not isinstance(c, Axis | Spine)]
    for child in children:
        yield from _drawn_texts(child)


def smallest_text_px(fig: Figure) -> float | None:
    """The size of the figure's smallest text, in pixels of an image saved at ``fig.dpi``
    (``None`` when it has no text). A text's size is its font size; the smaller sub- and
    superscripts of mathtext are not counted separately.

    Used by every chapter with a figure, through :func:`figure_hook`.
    """
    sizes = [t.get_fontsize() for t in _drawn_texts(fig)]
    return min(sizes) * fig.dpi / 72 if sizes else None


def _png_recording_text_size(fig: Figure) -> str | None:
    from IPython.core.pylabtools import print_figure

    px = smallest_text_px(fig)
    metadata = {SMALLEST_TEXT_KEY: "none" if px is None else f"{px:.3f}"}
    return print_figure(fig, "png", bbox_inches="tight", base64=True, metadata=metadata)


def figure_hook(fig: Figure) -> None:
    """Make IPython's inline PNGs record their smallest text (:data:`SMALLEST_TEXT_KEY`).

    Named in ``book/matplotlibrc`` (``figure.hooks``), so it runs for every figure a chapter
    opens, in the build and in Jupyter; outside IPython it does nothing. The PNG is the one
    IPython would make (same call, same ``bbox_inches``) with one more text chunk.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Figure, _png_recording_text_size)
