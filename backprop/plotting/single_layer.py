"""Single-layer figures: a threshold unit's decision line over its patterns
(``book/perceptron``, ``book/delta-rule``) and descent paths on an error surface over two
weights (``book/gradient-descent``, ``book/delta-rule``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .boundaries import hidden_unit_line
from .style import CLASS_COLOURS, THRESHOLD_FILLS


def draw_threshold_unit(X: np.ndarray, T: np.ndarray, w: Sequence[float], b: float, *,
                        ax: Axes | None = None, extent: Sequence[float] = (-0.5, 1.5, -0.5, 1.5),
                        title: str | None = None) -> Axes:
    """Patterns coloured by target, the region a threshold unit ``step(w . x + b)`` labels 1
    shaded, and its decision line ``w . x + b = 0`` (``book/perceptron``,
    ``book/delta-rule``)."""
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2 or len(T) != len(X):
        raise ValueError("draw_threshold_unit needs X of shape (P, 2) and P targets")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.2, 3.2))
    g1, g2 = np.meshgrid(np.linspace(extent[0], extent[1], 120),
                         np.linspace(extent[2], extent[3], 120))
    on = (w[0] * g1 + w[1] * g2 + b) > 0
    ax.contourf(g1, g2, on.astype(float), levels=[-0.5, 0.5, 1.5],
                colors=list(THRESHOLD_FILLS), zorder=0)
    pts = hidden_unit_line(np.asarray(w, dtype=float), float(b), extent)
    if len(pts):  # no line when both weights are zero: every pattern gets the same class
        ax.plot(pts[:, 0], pts[:, 1], color="#333333", lw=2, gid="decision-line")
    for cls, colour in enumerate(CLASS_COLOURS):
        mask = T == cls
        ax.scatter(X[mask, 0], X[mask, 1], s=70, color=colour, edgecolor="black",
                   marker="o" if cls else "s", zorder=3, label=f"$t = {cls}$")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.set_xlabel("$a_1$")
    ax.set_ylabel("$a_2$")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def draw_error_surface(w1: np.ndarray, w2: np.ndarray, errors: np.ndarray, *,
                       paths: Mapping[str, np.ndarray] | None = None, ax: Axes | None = None,
                       title: str | None = None, levels: int = 25,
                       colorbar_label: str = "error $E$") -> Axes:
    """Filled contours of an error over two weights, with optional descent paths drawn on
    top (``book/gradient-descent``, ``book/delta-rule``), with a colour bar labelled
    ``colorbar_label`` (say what is drawn, e.g. :math:`\\log_{10} E`). Paths leaving the window
    are clipped to it."""
    errors = np.asarray(errors, dtype=float)
    if errors.shape != (len(w2), len(w1)):
        raise ValueError(f"errors must have shape (len(w2), len(w1)) = {(len(w2), len(w1))}; "
                         f"got {errors.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3.6))
    cs = ax.contourf(w1, w2, errors, levels=levels, cmap="viridis")
    ax.figure.colorbar(cs, ax=ax, label=colorbar_label)
    for i, (label, path) in enumerate((paths or {}).items()):
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], "o-", ms=3, lw=1.4, color=plt.get_cmap("autumn")(i / 3),
                label=label, gid=f"path-{i}")
    if paths and len(paths) > 1:  # a single path is named by the title
        ax.legend(fontsize=8, loc="upper left", framealpha=0.9)
    ax.set_xlim(w1[0], w1[-1])
    ax.set_ylim(w2[0], w2[-1])
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if title:
        ax.set_title(title, fontsize=10)
    return ax
