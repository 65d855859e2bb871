"""Watching a network train: its output over the input plane with the decision boundary,
each hidden unit's line :math:`\\mathrm{net}_j = 0`, the data points, and the error curve
(``book/training-xor``, ``book/beyond-xor``). Every artist carries a ``gid`` so tests can
find it."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colorbar import Colorbar
from matplotlib.colors import Normalize
from matplotlib.ticker import NullFormatter

from ..landscapes import decision_grid
from ..network import Network
from .style import (
    BOUNDARY_CMAP,
    CLASS_COLOURS,
    ERROR_AXIS_MAX,
    HIDDEN_LINE_COLOURS,
    MEDIAN_COLOUR,
    WEIGHT_COLOUR,
    XOR_EXTENT,
)


def data_extent(X: np.ndarray, margin: float = 0.5) -> tuple[float, float, float, float]:
    """``(x1_min, x1_max, x2_min, x2_max)`` around the data plus ``margin`` (for XOR's unit
    square that is :data:`XOR_EXTENT`)."""
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    return (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def hidden_unit_line(w: np.ndarray, b: float, extent: Sequence[float] = XOR_EXTENT
                     ) -> np.ndarray:
    """Two end points of the line :math:`w_{j1} a_1 + w_{j2} a_2 + b_j = 0` inside ``extent``
    (shape ``(2, 2)``: rows are points), or an empty ``(0, 2)`` array when the line misses
    the box or the unit ignores both inputs: a hidden unit's line (``book/training-xor``) or
    a threshold unit's decision line (``book/perceptron``)."""
    w1, w2 = float(w[0]), float(w[1])
    x0, x1, y0, y1 = extent
    pts = []
    if abs(w2) > 1e-12:  # crossings of the left and right edges
        pts += [(x, -(w1 * x + b) / w2) for x in (x0, x1)]
    if abs(w1) > 1e-12:  # crossings of the bottom and top edges
        pts += [(-(w2 * y + b) / w1, y) for y in (y0, y1)]
    eps = 1e-9
    inside = [p for p in pts if x0 - eps <= p[0] <= x1 + eps and y0 - eps <= p[1] <= y1 + eps]
    if len(inside) < 2:
        return np.empty((0, 2))
    inside = np.array(inside)
    d = np.linalg.norm(inside[:, None] - inside[None], axis=-1)
    i, j = np.unravel_index(np.argmax(d), d.shape)
    return inside[[i, j]]


def draw_decision_boundary(
    net: Network,
    X: np.ndarray | None = None,
    T: np.ndarray | None = None,
    *,
    ax: Axes | None = None,
    extent: Sequence[float] = XOR_EXTENT,
    n: int = 200,
    hidden_lines: bool = True,
    point_size: float = 70.0,
) -> Axes:
    """The network's output over the input plane (orange near 1, blue near 0), the boundary
    ``a = 0.5`` in black, each first-layer hidden unit's line :math:`\\mathrm{net}_j = 0`
    dashed, and the data points coloured by target (``book/training-xor``,
    ``book/beyond-xor``). Artists: ``"output-image"``, ``"boundary"``, ``"hidden-line-j"``,
    ``"points"``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 4.2))
    x1, x2, a = decision_grid(net, extent, n)
    ax.imshow(a, origin="lower", extent=tuple(extent), cmap=BOUNDARY_CMAP, vmin=0, vmax=1,
              interpolation="bilinear", aspect="auto", gid="output-image")
    if np.nanmin(a) < 0.5 < np.nanmax(a):
        cs = ax.contour(x1, x2, a, levels=[0.5], colors="black", linewidths=1.6)
        cs.set_gid("boundary")
    if hidden_lines and len(net.sizes) > 2:
        for j in range(net.sizes[1]):
            seg = hidden_unit_line(net.weights[0][j], net.biases[0][j], extent)
            colour = HIDDEN_LINE_COLOURS[j % len(HIDDEN_LINE_COLOURS)]
            ax.plot(seg[:, 0], seg[:, 1], ls="--", lw=1.4, color=colour, gid=f"hidden-line-{j + 1}",
                    label=rf"$\mathrm{{net}}_{j + 1} = 0$")
    if X is not None and T is not None:
        colours = np.where(np.asarray(T)[:, 0] > 0.5, CLASS_COLOURS[1], CLASS_COLOURS[0])
        ax.scatter(X[:, 0], X[:, 1], c=colours, s=point_size, edgecolors="white",
                   linewidths=1.2 if point_size >= 40 else 0.3, zorder=5, gid="points")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("$a_1$")  # the inputs, named as in the notation table
    ax.set_ylabel("$a_2$")
    ax.set_aspect("equal")
    return ax


def boundary_colorbar(axes: Axes | Sequence[Axes], **kwargs) -> Colorbar:
    """One colour bar for the output maps drawn by :func:`draw_decision_boundary` on
    ``axes`` (all share the colour scale 0 to 1), marked at 0, the boundary's 1/2 and 1.
    Keyword arguments go to ``Figure.colorbar`` (``location``, ``shrink``...). Artist:
    ``"boundary-colorbar"``."""
    first = axes if isinstance(axes, Axes) else np.ravel(axes)[0]
    mappable = ScalarMappable(Normalize(0, 1), BOUNDARY_CMAP)
    bar = first.figure.colorbar(mappable, ax=axes, ticks=[0, 0.5, 1],
                                label="output $a_k$", **kwargs)
    bar.ax.set_gid("boundary-colorbar")
    return bar


def draw_error_curve(errors: np.ndarray, *, ax: Axes | None = None, label: str | None = None,
                     colour: str = "#333333") -> Axes:
    """The half-SSE error against the epoch on a log scale (``book/training-xor``); a run that
    diverged ends with a red cross at its last finite error. Artist: ``"error-curve"``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    errors = np.asarray(errors, dtype=float)
    finite = np.isfinite(errors)
    errors = np.where(finite, np.minimum(errors, ERROR_AXIS_MAX), errors)
    epochs = np.arange(errors.size)
    ax.semilogy(epochs[finite], errors[finite], color=colour, lw=1.5, label=label,
                gid="error-curve")
    if not finite.all() and finite.any():
        last = np.flatnonzero(finite)[-1]
        ax.semilogy([last], [errors[last]], "x", color=WEIGHT_COLOUR, ms=10, mew=2,
                    gid="diverged-marker")
    ax.set_xlabel("epoch")
    ax.set_ylabel("error $E$")
    ax.grid(alpha=0.3, which="both")
    return ax


def draw_stall_sweep(xs: Sequence[float], stalled: Sequence[float], median_epochs: Sequence[float],
                     *, ax: Axes | None = None, xlabel: str = "", log: bool = False) -> Axes:
    """How a setting (hidden units, learning rate) changes XOR training over many seeds: the
    fraction of networks not solved (red, left axis) and the median epochs to solve (blue,
    right axis), both from zero so that their heights compare honestly
    (``book/training-xor``). The x axis is ticked at the values tried (logarithmic with
    ``log``). Returns the left axes; artists ``"stalled"`` and ``"median-epochs"``.
    """
    if len(stalled) != len(xs) or len(median_epochs) != len(xs):
        raise ValueError(f"{len(xs)} settings but {len(stalled)} stall fractions and "
                         f"{len(median_epochs)} medians: give one of each per setting")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.4, 3.0))
    ax.plot(xs, stalled, "o-", color=WEIGHT_COLOUR, gid="stalled")
    ax.set_ylabel("fraction not solved", color=WEIGHT_COLOUR)
    ax.set_xlabel(xlabel)
    ax.set_ylim(0, 1.1 * max(max(stalled), 1e-9))
    twin = ax.twinx()
    twin.plot(xs, median_epochs, "s--", color=MEDIAN_COLOUR, gid="median-epochs")
    twin.set_ylabel("median epochs to solve", color=MEDIAN_COLOUR)
    twin.set_ylim(0, 1.1 * np.nanmax(median_epochs))
    if log:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())  # no crowded minor labels
    ax.set_xticks(xs, [f"{x:g}" for x in xs])
    return ax
