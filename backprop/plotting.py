"""Figures the chapters share, drawn with matplotlib.

One section per kind of figure; each function's docstring names the chapters that use it.
Functions take an optional ``ax`` so that a chapter can place a figure in its own layout,
and return what they drew on. Nothing here computes anything a chapter needs to check:
the numbers come from :mod:`backprop.network`, :mod:`backprop.symbolic` and
:mod:`backprop.gradcheck`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyBboxPatch

# ====================================================================== network diagrams
# Used by book/output-layer and book/hidden-layer: which weights, units and lines a
# derivative travels through on its way from one weight to the error E.

#: Colours of the diagrams: the weight being differentiated, the rest of its path, the rest.
WEIGHT_COLOUR = "#c0392b"
PATH_COLOUR = "#e67e22"
PATH_FILL = "#fbe3c8"
QUIET_COLOUR = "#b9bec4"

Edge = tuple[int, int, int]  # (l, p, q): W^(l)_{pq}, into unit p of layer l from unit q
Unit = tuple[int, int]  # (l, p): unit p of layer l; all indices count from 1, as in the text


@dataclass(frozen=True)
class Highlight:
    """The parts of a network diagram that stand out.

    ``weight`` is the one weight being differentiated, ``edges`` every other weight on a path
    from it to the error, ``units`` the units on those paths, ``error_lines`` the output units
    whose line into :math:`E` is on a path, and ``notes`` short labels written next to units.
    """

    weight: Edge | None = None
    edges: frozenset[Edge] = frozenset()
    units: frozenset[Unit] = frozenset()
    error_lines: frozenset[int] = frozenset()
    notes: Mapping[Unit, str] = field(default_factory=dict)


def _check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    try:
        out = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        raise ValueError(f"sizes must be a sequence of unit counts such as (2, 3, 2); "
                         f"got {sizes!r}") from None
    if len(out) < 2 or any(s < 1 for s in out):
        raise ValueError(f"sizes must list at least an input and an output layer, each with "
                         f"one or more units; got {sizes!r}")
    return out


def _check_unit(sizes: tuple[int, ...], layer: int, p: int, name: str) -> None:
    if not 1 <= p <= sizes[layer]:
        raise ValueError(f"{name} = {p} is not a unit of layer {layer}, which has units "
                         f"1..{sizes[layer]} (indices count from 1, as in the text)")


def output_weight_path(sizes: Sequence[int], k: int, j: int) -> Highlight:
    """The single path :math:`w_{kj} \\to \\mathrm{net}_k \\to a_k \\to E` of an output
    weight (``book/output-layer``); ``k`` and ``j`` count from 1."""
    sizes = _check_sizes(sizes)
    L = len(sizes) - 1
    _check_unit(sizes, L, k, "k")
    _check_unit(sizes, L - 1, j, "j")
    return Highlight(
        weight=(L, k, j),
        units=frozenset({(L - 1, j), (L, k)}),
        error_lines=frozenset({k}),
        notes={(L - 1, j): "$a_j$", (L, k): r"$\mathrm{net}_k \to a_k$"},
    )


def hidden_weight_paths(sizes: Sequence[int], j: int, i: int) -> Highlight:
    """Every path from a weight :math:`w_{ji}` of the last hidden layer to the error: through
    :math:`a_j` into *every* output unit ``k`` (``book/hidden-layer``)."""
    sizes = _check_sizes(sizes)
    L = len(sizes) - 1
    if L < 2:
        raise ValueError(f"a network with sizes {sizes} has no hidden layer; give at least "
                         "three layer sizes, e.g. (2, 3, 2)")
    _check_unit(sizes, L - 1, j, "j")
    _check_unit(sizes, L - 2, i, "i")
    outputs = range(1, sizes[L] + 1)
    notes: dict[Unit, str] = {(L - 2, i): "$a_i$", (L - 1, j): r"$\mathrm{net}_j \to a_j$"}
    notes.update({(L, k): rf"$\delta_{{{k}}}$" for k in outputs})
    return Highlight(
        weight=(L - 1, j, i),
        edges=frozenset((L, k, j) for k in outputs),
        units=frozenset({(L - 2, i), (L - 1, j)} | {(L, k) for k in outputs}),
        error_lines=frozenset(outputs),
        notes=notes,
    )


_LAYER_GAP = 1.6  # horizontal distance between layers; units are 1 apart vertically


def _positions(sizes: tuple[int, ...]) -> list[np.ndarray]:
    # Layer l at x = 1.6 l; its units centred on y = 0, one apart, unit 1 at the top.
    return [np.column_stack([np.full(n, _LAYER_GAP * l), (n - 1) / 2 - np.arange(n)])
            for l, n in enumerate(sizes)]


def draw_network(
    sizes: Sequence[int],
    highlight: Highlight | None = None,
    *,
    ax: Axes | None = None,
    weight_label: str | None = None,
    layer_names: Sequence[str] | None = None,
    title: str | None = None,
) -> Axes:
    """Draw a fully connected network, its error node :math:`E`, and a highlighted path.

    Units are circles numbered from 1 (top to bottom), weights are lines from left to right,
    and every output unit has a line into :math:`E`. The weight in ``highlight.weight`` is
    drawn thick and red with ``weight_label`` beside it; the rest of the highlighted path is
    orange. Every line carries a ``gid`` (``"edge-l-p-q"``, ``"error-k"``) so tests can find
    it. Used by ``book/output-layer`` and ``book/hidden-layer``.
    """
    sizes = _check_sizes(sizes)
    hl = Highlight() if highlight is None else highlight
    L = len(sizes) - 1
    if layer_names is None:
        letters = "ijk" if L == 2 else None
        layer_names = ([f"inputs $a_{letters[0]}$", f"hidden $a_{letters[1]}$",
                        f"outputs $a_{letters[2]}$"] if letters else
                       ["inputs"] + [f"layer {l}" for l in range(1, L)] + ["outputs"])
    if len(layer_names) != len(sizes):
        raise ValueError(f"{len(layer_names)} layer names given for {len(sizes)} layers")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.2 * L + 2.4, 0.8 * max(sizes) + 1.4))
    pos = _positions(sizes)
    radius = 0.2
    top = max(layer[0][1] for layer in pos)
    bottom = min(layer[-1][1] for layer in pos)
    error_xy = np.array([_LAYER_GAP * L + 1.0, 0.0])

    def line(a: np.ndarray, b: np.ndarray, gid: str, colour: str, width: float, z: float):
        d = (b - a) / np.hypot(*(b - a))
        start, end = a + radius * d, b - radius * d
        ax.plot([start[0], end[0]], [start[1], end[1]], color=colour, lw=width,
                solid_capstyle="round", zorder=z, gid=gid)

    for l in range(1, L + 1):
        for p in range(1, sizes[l] + 1):
            for q in range(1, sizes[l - 1] + 1):
                edge = (l, p, q)
                if edge == hl.weight:
                    style = (WEIGHT_COLOUR, 3.6, 3)
                elif edge in hl.edges:
                    style = (PATH_COLOUR, 2.6, 2)
                else:
                    style = (QUIET_COLOUR, 0.9, 1)
                line(pos[l - 1][q - 1], pos[l][p - 1], f"edge-{l}-{p}-{q}", *style)
    for k in range(1, sizes[L] + 1):
        on_path = k in hl.error_lines
        line(pos[L][k - 1], error_xy, f"error-{k}",
             PATH_COLOUR if on_path else QUIET_COLOUR, 2.6 if on_path else 0.9, 2 if on_path else 1)

    for l, layer in enumerate(pos):
        for p, (x, y) in enumerate(layer, start=1):
            lit = (l, p) in hl.units
            ax.add_patch(Circle((x, y), radius, facecolor=PATH_FILL if lit else "white",
                                edgecolor=PATH_COLOUR if lit else "#555555",
                                lw=2.0 if lit else 1.0, zorder=4, gid=f"unit-{l}-{p}"))
            ax.text(x, y, str(p), ha="center", va="center", fontsize=10, zorder=5)
            if (l, p) in hl.notes:
                ax.text(x, y + radius + 0.08, hl.notes[(l, p)], ha="center", va="bottom",
                        fontsize=10, color="#333333", zorder=6,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.85})
        ax.text(_LAYER_GAP * l, bottom - radius - 0.15, layer_names[l], ha="center",
                va="top", fontsize=10)
    ax.add_patch(FancyBboxPatch(error_xy - 0.2, 0.4, 0.4, boxstyle="round,pad=0.02",
                                facecolor=PATH_FILL if hl.error_lines else "white",
                                edgecolor="#555555", zorder=4, gid="error-node"))
    ax.text(*error_xy, "$E$", ha="center", va="center", fontsize=12, zorder=5)

    if hl.weight is not None and weight_label:
        l, p, q = hl.weight
        a, b = pos[l - 1][q - 1], pos[l][p - 1]
        mid = a + 0.4 * (b - a)
        ax.text(*mid, weight_label, ha="center", va="center", fontsize=12,
                color=WEIGHT_COLOUR, zorder=7,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": WEIGHT_COLOUR})
    ax.set_xlim(-0.6, _LAYER_GAP * L + 1.4)
    ax.set_ylim(bottom - 0.9, top + 0.75)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def plot_route_agreement(
    comparisons: Sequence, indices: np.ndarray | Sequence[np.ndarray] | None = None,
    *, ax: Axes | None = None, what: str = "gradient",
) -> Axes:
    """How far the SymPy and finite-difference gradients are from the NumPy backward pass,
    one column per network, on a log scale (``book/output-layer``, ``book/hidden-layer``).

    ``comparisons`` are :class:`backprop.gradcheck.RouteComparison` results; ``indices``
    selects the parameters compared (one array for all, or one per comparison). The dotted
    line is float64's machine epsilon.
    """
    comparisons = list(comparisons)
    if not comparisons:
        raise ValueError("no comparisons to plot; pass the results of compare_routes")
    if indices is None or isinstance(indices, np.ndarray):
        indices = [indices] * len(comparisons)
    if len(indices) != len(comparisons):
        raise ValueError(f"{len(indices)} index arrays given for {len(comparisons)} networks")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.4))
    x = np.arange(len(comparisons))
    tiny = np.finfo(float).tiny  # an exact agreement (difference 0) still needs a place
    for route, marker, colour, name in (("sympy", "o", "#2c7fb8", "SymPy (whole expression)"),
                                        ("numerical", "s", "#e67e22",
                                         "finite differences")):
        diffs = [max(c.max_difference(route, idx), tiny) for c, idx in zip(comparisons, indices)]
        ax.semilogy(x, diffs, marker, color=colour, ms=8, label=name, gid=f"route-{route}")
    ax.axhline(np.finfo(float).eps, color="#555555", ls=":", lw=1)
    ax.text(x[-1] + 0.4, np.finfo(float).eps, "machine\nepsilon", va="center", fontsize=8)
    ax.set_xticks(x, [c.label for c in comparisons], rotation=30, ha="right", fontsize=9)
    ax.set_xlim(-0.5, len(comparisons) + 0.2)
    ax.set_ylabel(f"largest |difference| from\nthe NumPy {what}")
    ax.legend(loc="center right", fontsize=9, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax


def show_equation(lhs: str, rhs: object) -> None:
    """Display ``lhs = rhs`` typeset by MathJax: ``lhs`` is LaTeX, ``rhs`` a SymPy result.

    Used by ``book/output-layer`` and ``book/hidden-layer`` to show each derivation step.
    """
    import sympy as sp
    from IPython.display import display

    display(sp.Eq(sp.Symbol(lhs), sp.sympify(rhs), evaluate=False))


# ====================================================================== watching training
# Used by book/training-xor, book/error-landscapes and book/beyond-xor, and by the
# dashboards in backprop.widgets: the decision boundary over the input plane, each hidden
# unit's line net_j = 0, the error curve, error-landscape slices with the trajectory, and the
# kernel-free players of the static book. Every artist carries a gid so tests can find it.
import base64  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
import uuid  # noqa: E402

from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402
from PIL import Image as PILImage  # noqa: E402

from .network import Network  # noqa: E402
from .training import Landscape, Run, decision_grid  # noqa: E402

#: Output 0 is blue, 1 is orange, 0.5 (the decision boundary) white.
BOUNDARY_CMAP = LinearSegmentedColormap.from_list("xor", ["#2c7fb8", "#ffffff", "#e67e22"])
CLASS_COLOURS = ("#08519c", "#a63603")  # darker than the image so points stand out
HIDDEN_LINE_COLOURS = ("#7b3294", "#1b7837", "#c51b7d", "#8c510a", "#01665e", "#762a83",
                       "#b35806", "#4d4d4d")
XOR_EXTENT = (-0.5, 1.5, -0.5, 1.5)
#: Error curves are drawn up to this value; a diverging run's larger errors are clipped.
ERROR_AXIS_MAX = 1e8


def data_extent(X: np.ndarray, margin: float = 0.5) -> tuple[float, float, float, float]:
    """``(x1_min, x1_max, x2_min, x2_max)`` around the data plus ``margin`` (for XOR's unit
    square that is :data:`XOR_EXTENT`)."""
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    return (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def hidden_unit_line(w: np.ndarray, b: float, extent: Sequence[float] = XOR_EXTENT
                     ) -> np.ndarray:
    """Two end points of the line :math:`w_{j1} x_1 + w_{j2} x_2 + b_j = 0` inside ``extent``
    (shape ``(2, 2)``: rows are points), or an empty ``(0, 2)`` array when the line misses
    the box or the unit ignores both inputs (``book/training-xor``)."""
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
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    return ax


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


def draw_landscape_contours(land: Landscape, trajectory: np.ndarray | None = None, *,
                            ax: Axes | None = None, levels: int = 30) -> Axes:
    """Contours of the error over the slice (log-spaced levels, so plateaus show as wide
    empty bands), with the training trajectory ``(u, v)`` from :func:`project_trajectory`
    (``book/error-landscapes``). Artists: ``"landscape-contours"``, ``"trajectory"``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4))
    E = np.where(np.isfinite(land.errors), land.errors, np.nan)
    lo, hi = max(np.nanmin(E), 1e-4), np.nanmax(E)
    lv = np.geomspace(lo, hi, levels) if hi > lo * 1.0001 else levels
    cs = ax.contourf(land.u, land.v, E, levels=lv, cmap="viridis")
    cs.set_gid("landscape-contours")
    if trajectory is not None and len(trajectory):
        ax.plot(trajectory[:, 0], trajectory[:, 1], "-", color="white", lw=1.8,
                gid="trajectory")
        ax.plot(*trajectory[0], "o", color="white", mec="black", gid="trajectory-start")
        ax.plot(*trajectory[-1], "*", color=WEIGHT_COLOUR, ms=12, mec="black",
                gid="trajectory-end")
    ax.set_xlabel(land.labels[0])
    ax.set_ylabel(land.labels[1])
    return ax


def draw_landscape_surface(land: Landscape, trajectory: np.ndarray | None = None,
                           trajectory_errors: np.ndarray | None = None, *, ax=None,
                           elev: float = 35, azim: float = -60):
    """The same slice as a 3-D surface, with the trajectory drawn on it
    (``book/error-landscapes``). ``ax`` must be a 3-D axes if given."""
    if ax is None:
        fig = plt.figure(figsize=(5, 4))
        ax = fig.add_subplot(projection="3d")
    U, V = np.meshgrid(land.u, land.v)
    E = np.where(np.isfinite(land.errors), land.errors, np.nan)
    ax.plot_surface(U, V, E, cmap="viridis", linewidth=0, antialiased=False, alpha=0.85,
                    gid="landscape-surface")
    if trajectory is not None and trajectory_errors is not None and len(trajectory):
        ax.plot(trajectory[:, 0], trajectory[:, 1], trajectory_errors, color=WEIGHT_COLOUR,
                lw=2, zorder=10, gid="trajectory")
    ax.set_xlabel(land.labels[0])
    ax.set_ylabel(land.labels[1])
    ax.set_zlabel("$E$")
    ax.view_init(elev=elev, azim=azim)
    return ax


def figure_png(fig: Figure, dpi: float | None = None) -> bytes:
    """A figure rendered to PNG bytes with the Agg canvas (dashboards, players)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    if dpi is not None:
        fig.set_dpi(dpi)
    fig.canvas.draw()  # one draw, then a fast PNG encoding of the pixels (savefig draws twice)
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    buf = io.BytesIO()
    PILImage.fromarray(pixels).save(buf, format="png", compress_level=1)
    return buf.getvalue()


class TrainingFigure:
    """The dashboard's two panels, redrawn in place: decision boundary (with hidden lines and
    points) and error curve, plus a status line (``book/training-xor``).

    Built on a bare :class:`~matplotlib.figure.Figure` (no pyplot). Axes, ticks and labels are
    drawn once and kept as a background; a frame only redraws the changing artists on top of
    it (blitting), unless the error axis had to grow. :meth:`png` renders a frame for an
    ``ipywidgets.Image``. With ``blit=False`` every artist is an ordinary one, for
    ``savefig`` and animations.
    """

    def __init__(self, X: np.ndarray, T: np.ndarray, *, extent: Sequence[float] = XOR_EXTENT,
                 n: int = 200, size: tuple[float, float] = (8.4, 3.8), dpi: float = 80,
                 max_hidden: int = 8, blit: bool = True) -> None:
        self.X, self.T, self.extent, self.n = X, T, tuple(extent), int(n)
        self.blit = blit
        self.fig = Figure(figsize=size, dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.ax_boundary, self.ax_error = self.fig.subplots(1, 2)
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.88, wspace=0.3)
        ax = self.ax_boundary
        self.image = ax.imshow(np.full((self.n, self.n), 0.5), origin="lower",
                               extent=self.extent, cmap=BOUNDARY_CMAP, vmin=0, vmax=1,
                               interpolation="bilinear", aspect="auto", gid="output-image",
                               animated=blit)
        self.boundary = None
        self.hidden = [ax.plot([], [], "--", lw=1.4, gid=f"hidden-line-{j + 1}", animated=blit,
                               color=HIDDEN_LINE_COLOURS[j % len(HIDDEN_LINE_COLOURS)])[0]
                       for j in range(max_hidden)]
        colours = np.where(np.asarray(T)[:, 0] > 0.5, CLASS_COLOURS[1], CLASS_COLOURS[0])
        size_pts = 70 if len(X) <= 8 else 14
        self.points = ax.scatter(X[:, 0], X[:, 1], c=colours, s=size_pts, edgecolors="white",
                                 linewidths=1.0 if len(X) <= 8 else 0.3, zorder=5,
                                 gid="points", animated=blit)
        ax.set_xlim(self.extent[0], self.extent[1])
        ax.set_ylim(self.extent[2], self.extent[3])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_aspect("equal")
        self.curve, = self.ax_error.semilogy([], [], color="#333333", lw=1.5,
                                             gid="error-curve", animated=blit)
        self.ax_error.set_xlabel("epoch")
        self.ax_error.set_ylabel("error $E$")
        self.ax_error.grid(alpha=0.3, which="major")
        self.ax_error.yaxis.set_minor_formatter(NullFormatter())
        self.ax_error.set_xlim(0, 16)
        self.ax_error.set_ylim(1e-2, 1e1)
        self.title = self.fig.suptitle("", fontsize=11, animated=blit)
        self._background = None

    def _fit_error_axis(self, n_epochs: int, e: np.ndarray) -> None:
        # Limits grow in doublings and whole decades so the background is rarely redrawn.
        x_hi = self.ax_error.get_xlim()[1]
        want_x = x_hi
        while want_x < n_epochs:
            want_x *= 2
        lo, hi = self.ax_error.get_ylim()
        e = np.clip(e, 1e-8, ERROR_AXIS_MAX)  # a diverging error would break the log ticks
        want = (min(lo, 10.0 ** np.floor(np.log10(e.min()))),
                max(hi, 10.0 ** np.ceil(np.log10(e.max()))))
        if want_x != x_hi or want != (lo, hi):
            self.ax_error.set_xlim(0, want_x)
            self.ax_error.set_ylim(*want)
            self._background = None

    def update(self, net: Network, errors: np.ndarray, epoch: int, status: str) -> None:
        """Set the artists for the current network, error history, epoch and status."""
        x1, x2, a = decision_grid(net, self.extent, self.n)
        self.image.set_data(a)
        if self.boundary is not None:
            self.boundary.remove()
            self.boundary = None
        if np.nanmin(a) < 0.5 < np.nanmax(a):
            self.boundary = self.ax_boundary.contour(x1, x2, a, levels=[0.5], colors="black",
                                                     linewidths=1.6)
            self.boundary.set_gid("boundary")
            self.boundary.set_animated(self.blit)
        n_hidden = net.sizes[1] if len(net.sizes) > 2 else 0
        for j, line in enumerate(self.hidden):
            seg = (hidden_unit_line(net.weights[0][j], net.biases[0][j], self.extent)
                   if j < n_hidden else np.empty((0, 2)))
            line.set_data(seg[:, 0], seg[:, 1])
        errors = np.asarray(errors, dtype=float)
        finite = np.isfinite(errors)
        ep = np.arange(errors.size)
        self.curve.set_data(ep[finite], np.minimum(errors[finite], ERROR_AXIS_MAX))
        if finite.any():
            self._fit_error_axis(errors.size, errors[finite])
        shown = float(errors[finite][-1]) if finite.any() else float("nan")
        text = {"diverged": "DIVERGED: the error became infinite; lower the learning rate "
                            "and press reset",
                "solved": "solved: every pattern on the right side of 0.5"}.get(status, "")
        self.title.set_text(f"epoch {epoch}   E = {shown:.4g}   {text}")
        self.title.set_color(WEIGHT_COLOUR if status == "diverged" else "black")

    def draw(self) -> None:
        """Render the current frame into the canvas (background once, then the artists)."""
        canvas = self.fig.canvas
        if not self.blit:
            canvas.draw()
            return
        if self._background is None:
            canvas.draw()  # animated artists are skipped here: this is the background
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        canvas.restore_region(self._background)
        for artist in (self.image, self.boundary, *self.hidden, self.points):
            if artist is not None:
                self.ax_boundary.draw_artist(artist)
        self.ax_error.draw_artist(self.curve)
        self.fig.draw_artist(self.title)

    def png(self) -> bytes:
        """The current frame as PNG bytes."""
        self.draw()
        pixels = np.asarray(self.fig.canvas.buffer_rgba())[..., :3]
        buf = io.BytesIO()
        PILImage.fromarray(pixels).save(buf, format="png", compress_level=1)
        return buf.getvalue()


def training_animation(run: Run, X: np.ndarray, T: np.ndarray, *,
                       extent: Sequence[float] = XOR_EXTENT, n: int = 80,
                       size: tuple[float, float] = (6.4, 2.9), dpi: float = 55,
                       interval: int = 250) -> FuncAnimation:
    """A kernel-free player of a recorded run: one frame per snapshot of ``run``
    (``book/training-xor``). Its ``to_jshtml()`` plays and scrubs in the static book."""
    hidden = run.sizes[1] if len(run.sizes) > 2 else 1
    panel = TrainingFigure(X, T, extent=extent, n=n, size=size, dpi=dpi, max_hidden=hidden,
                           blit=False)

    def frame(s: int):
        ep = int(run.epochs[s])
        last = s == len(run.epochs) - 1
        status = run.status if last else "running"
        panel.update(run.network(s), run.errors[:ep + 1], ep, status)
        return []

    return FuncAnimation(panel.fig, frame, frames=len(run.epochs), interval=interval,
                         blit=False)


def player_html(runs: Mapping[str, Run], X: np.ndarray, T: np.ndarray, *,
                extent: Sequence[float] = XOR_EXTENT, title: str = "setting") -> str:
    """Several recorded runs as one kernel-free player: a menu picks the setting, and each
    setting is a matplotlib JavaScript animation (play, pause, scrub) of its run.

    Runs entirely in the page (``book/training-xor``, ``book/beyond-xor``); frames are small
    PNGs so that a page stays well under 3 MB.
    """
    if not runs:
        raise ValueError("no runs to play; pass a mapping from a label to a recorded Run")
    return animations_html({label: training_animation(run, X, T, extent=extent)
                            for label, run in runs.items()}, title=title)


def landscape_animation(run: Run, land: Landscape, uv: np.ndarray, X: np.ndarray,
                        T: np.ndarray, *, size: tuple[float, float] = (6.4, 2.9),
                        dpi: float = 55, interval: int = 250) -> FuncAnimation:
    """A kernel-free player of a run's path over an error-landscape slice: contours with the
    trajectory so far (left) and the decision boundary at that snapshot (right)
    (``book/error-landscapes``)."""
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax_c, ax_b = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.17, top=0.88, wspace=0.35)

    def frame(s: int):
        ax_c.clear()
        ax_b.clear()
        draw_landscape_contours(land, uv[:s + 1], ax=ax_c, levels=20)
        draw_decision_boundary(run.network(s), X, T, ax=ax_b, n=60, point_size=40)
        ax_c.set_title(f"epoch {run.epochs[s]}   E = {run.errors[run.epochs[s]]:.3g}",
                       fontsize=9)
        return []

    return FuncAnimation(fig, frame, frames=len(run.epochs), interval=interval, blit=False)


def animations_html(animations: Mapping[str, FuncAnimation], *, title: str = "setting"
                    ) -> str:
    """Matplotlib animations as one offline HTML player with a menu to switch between them
    (``book/training-xor``, ``book/error-landscapes``, ``book/beyond-xor``)."""
    if not animations:
        raise ValueError("no animations to show; pass a mapping from a label to an animation")
    uid = "player-" + uuid.uuid4().hex[:8]
    options, panels = [], []
    for i, (label, anim) in enumerate(animations.items()):
        page = _offline_jshtml(anim.to_jshtml(default_mode="once"))
        options.append(f'<option value="{i}">{label}</option>')
        style = "" if i == 0 else ' style="display:none"'
        panels.append(f'<div class="{uid}-panel"{style}>{page}</div>')
    script = (f"<script>(function(){{var s=document.getElementById('{uid}-select');"
              f"s.addEventListener('change',function(){{var p=document.getElementsByClassName("
              f"'{uid}-panel');for(var i=0;i<p.length;i++){{p[i].style.display="
              f"(String(i)===s.value)?'':'none';}}}});}})();</script>")
    return (f'<div class="training-player" id="{uid}"><label>{title}: <select id="{uid}-select">'
            + "".join(options) + "</select></label>" + "".join(panels) + script + "</div>")


#: matplotlib's animation controls use Font Awesome from a CDN; the book must work offline,
#: so the icons become plain Unicode symbols and the stylesheet link is dropped.
_JSHTML_ICONS = {
    "fa fa-fast-backward": "\u21e4", "fa fa-fast-forward": "\u21e5", "fa fa-minus": "\u2212",
    "fa fa-pause": "||", "fa fa-play fa-flip-horizontal": "\u25c0", "fa fa-play": "\u25b6",
    "fa fa-plus": "+", "fa fa-step-backward": "\u2039", "fa fa-step-forward": "\u203a",
}


def _offline_jshtml(page: str) -> str:
    page = re.sub(r"<link[^>]*font-awesome[^>]*>", "", page)
    for cls, symbol in _JSHTML_ICONS.items():
        page = page.replace(f'<i class="{cls}"></i>', symbol)
    return page


def png_data_uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI, for embedding in a kernel-free page."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class LandscapeFigure:
    """The error-landscape explorer's panels: contours with the trajectory, the 3-D surface
    with the trajectory, and the decision boundary of the network at the chosen snapshot,
    whose place on the trajectory is marked (``book/error-landscapes``)."""

    def __init__(self, X: np.ndarray, T: np.ndarray, *, size: tuple[float, float] = (11, 3.6),
                 dpi: float = 72, extent: Sequence[float] = XOR_EXTENT) -> None:
        self.X, self.T, self.extent = X, T, tuple(extent)
        self.fig = Figure(figsize=size, dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.ax_contour = self.fig.add_subplot(1, 3, 1)
        self.ax_surface = self.fig.add_subplot(1, 3, 2, projection="3d")
        self.ax_boundary = self.fig.add_subplot(1, 3, 3)
        self.fig.subplots_adjust(left=0.06, right=0.98, bottom=0.15, top=0.88, wspace=0.3)

    def update(self, land: Landscape, uv: np.ndarray, uv_errors: np.ndarray, net: Network,
               snapshot: int, *, elev: float = 35, azim: float = -60) -> None:
        """Redraw every panel; ``snapshot`` indexes ``uv`` (the marked point) and ``net`` is
        the network there."""
        for ax in (self.ax_contour, self.ax_surface, self.ax_boundary):
            ax.clear()
        draw_landscape_contours(land, uv, ax=self.ax_contour)
        self.ax_contour.plot(*uv[snapshot], "o", ms=9, color=WEIGHT_COLOUR, mec="white",
                             gid="snapshot-marker")
        draw_landscape_surface(land, uv, uv_errors, ax=self.ax_surface, elev=elev, azim=azim)
        draw_decision_boundary(net, self.X, self.T, ax=self.ax_boundary, extent=self.extent,
                               n=100)
        self.ax_contour.set_title("error over the slice", fontsize=10)
        self.ax_boundary.set_title(f"network at snapshot {snapshot}", fontsize=10)

    def png(self) -> bytes:
        return figure_png(self.fig)


# ====================================================================== the error flowing back
# Used by book/any-depth: each unit coloured by the size of its delta, and every weight drawn
# as an arrow pointing backwards whose width is the share |w_kj delta_k| it carries down.
def draw_error_flow(sizes: Sequence[int], weights: Sequence[np.ndarray],
                    deltas: Sequence[np.ndarray], *, ax: Axes | None = None) -> Axes:
    """Draw :math:`\\delta^{(l)}` for one pattern flowing from the outputs to layer 1.

    ``weights[l - 1]`` is :math:`W^{(l)}` and ``deltas[l - 1]`` is :math:`\\delta^{(l)}` (a
    vector of ``sizes[l]`` numbers). Arrows carry ``gid="flow-l-p-q"``, units ``"delta-l-p"``.
    """
    sizes = _check_sizes(sizes)
    L = len(sizes) - 1
    if len(weights) != L or len(deltas) != L:
        raise ValueError(f"need {L} weight matrices and {L} delta vectors for sizes {sizes}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.0 * L + 2.0, 0.8 * max(sizes) + 1.4))
    pos = _positions(sizes)
    flows = [np.abs(np.asarray(weights[l]) * np.asarray(deltas[l])[:, None]) for l in range(L)]
    biggest = max(float(f.max()) for f in flows) or 1.0
    dmax = max(float(np.abs(d).max()) for d in deltas) or 1.0
    cmap = plt.get_cmap("Reds")
    for l in range(1, L + 1):
        for p in range(sizes[l]):
            for q in range(sizes[l - 1]):
                share = flows[l - 1][p, q] / biggest
                ax.annotate("", xy=pos[l - 1][q] + [0.22, 0], xytext=pos[l][p] - [0.22, 0],
                            arrowprops={"arrowstyle": "-|>", "lw": 0.4 + 4.0 * share,
                                        "color": cmap(0.35 + 0.6 * share),
                                        "shrinkA": 0, "shrinkB": 0},
                            zorder=1, gid=f"flow-{l}-{p + 1}-{q + 1}")
    for l, layer in enumerate(pos):
        for p, (x, y) in enumerate(layer):
            size = 0.0 if l == 0 else abs(float(deltas[l - 1][p])) / dmax
            ax.add_patch(Circle((x, y), 0.2, facecolor=cmap(size) if l else "white",
                                edgecolor="#555555", zorder=4, gid=f"delta-{l}-{p + 1}"))
    bottom = min(float(layer[:, 1].min()) for layer in pos)
    for l in range(L + 1):
        label = "inputs" if l == 0 else f"$\\delta^{{({l})}}$"
        ax.text(_LAYER_GAP * l, bottom - 0.4, label, ha="center", va="top")
    ax.set_xlim(-0.5, _LAYER_GAP * L + 0.5)
    ax.set_ylim(bottom - 0.9, -bottom + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


# ====================================================================== single layer
# Used by book/perceptron, book/gradient-descent and book/delta-rule: a threshold unit's
# decision line over its patterns, and descent paths on an error surface.

#: Colours of the two classes (target 0, target 1) in the single-layer figures.
CLASS_COLOURS = ("#2c7fb8", "#d95f0e")


def _line_points(w: Sequence[float], b: float, extent: Sequence[float]) -> np.ndarray | None:
    """Two points of the line ``w1 x1 + w2 x2 + b = 0`` spanning ``extent``, or ``None``
    when both weights are zero (then there is no line: every pattern gets the same class)."""
    w1, w2 = float(w[0]), float(w[1])
    x0, x1, y0, y1 = extent
    if abs(w2) >= abs(w1) and w2 != 0:
        xs = np.array([x0, x1])
        return np.column_stack([xs, -(w1 * xs + b) / w2])
    if w1 != 0:
        ys = np.array([y0, y1])
        return np.column_stack([-(w2 * ys + b) / w1, ys])
    return None


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
                colors=["#ffffff", "#fde0c5"], zorder=0)
    pts = _line_points(w, b, extent)
    if pts is not None:
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
    html = _offline_jshtml(anim.to_jshtml(default_mode="loop"))
    plt.close(fig)
    return html


def draw_error_surface(w1: np.ndarray, w2: np.ndarray, errors: np.ndarray, *,
                       paths: Mapping[str, np.ndarray] | None = None, ax: Axes | None = None,
                       title: str | None = None, levels: int = 25) -> Axes:
    """Filled contours of an error over two weights, with optional descent paths drawn on
    top (``book/gradient-descent``, ``book/delta-rule``). Paths leaving the window are
    clipped to it."""
    errors = np.asarray(errors, dtype=float)
    if errors.shape != (len(w2), len(w1)):
        raise ValueError(f"errors must have shape (len(w2), len(w1)) = {(len(w2), len(w1))}; "
                         f"got {errors.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3.6))
    cs = ax.contourf(w1, w2, errors, levels=levels, cmap="viridis")
    plt.colorbar(cs, ax=ax, label="$E$")
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
