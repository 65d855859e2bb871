"""Network diagrams: which weights, units and lines a derivative travels through on its way
from one weight to the error :math:`E` (``book/output-layer``, ``book/hidden-layer``), and the
error flowing back through a deep network (``book/any-depth``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.patches import Circle, FancyBboxPatch

from ..network import check_sizes
from .style import PATH_COLOUR, PATH_FILL, QUIET_COLOUR, WEIGHT_COLOUR

Edge = tuple[int, int, int]  # (l, u, v): W^(l)_{uv}, into unit u of layer l from unit v
Unit = tuple[int, int]  # (l, u): unit u of layer l; all indices count from 1, as in the text


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


def _check_unit(sizes: tuple[int, ...], layer: int, u: int, name: str) -> None:
    if not 1 <= u <= sizes[layer]:
        raise ValueError(f"{name} = {u} is not a unit of layer {layer}, which has units "
                         f"1..{sizes[layer]} (indices count from 1, as in the text)")


def output_weight_path(sizes: Sequence[int], k: int, j: int) -> Highlight:
    """The single path :math:`w_{kj} \\to \\mathrm{net}_k \\to a_k \\to E` of an output
    weight (``book/output-layer``); ``k`` and ``j`` count from 1."""
    sizes = check_sizes(sizes)
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
    sizes = check_sizes(sizes)
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
    orange. Every line carries a ``gid`` (``"edge-l-u-v"``, ``"error-k"``) so tests can find
    it. Used by ``book/output-layer`` and ``book/hidden-layer``.
    """
    sizes = check_sizes(sizes)
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
        for u in range(1, sizes[l] + 1):
            for v in range(1, sizes[l - 1] + 1):
                edge = (l, u, v)
                if edge == hl.weight:
                    style = (WEIGHT_COLOUR, 3.6, 3)
                elif edge in hl.edges:
                    style = (PATH_COLOUR, 2.6, 2)
                else:
                    style = (QUIET_COLOUR, 0.9, 1)
                line(pos[l - 1][v - 1], pos[l][u - 1], f"edge-{l}-{u}-{v}", *style)
    for k in range(1, sizes[L] + 1):
        on_path = k in hl.error_lines
        line(pos[L][k - 1], error_xy, f"error-{k}",
             PATH_COLOUR if on_path else QUIET_COLOUR, 2.6 if on_path else 0.9, 2 if on_path else 1)

    for l, layer in enumerate(pos):
        for u, (x, y) in enumerate(layer, start=1):
            lit = (l, u) in hl.units
            ax.add_patch(Circle((x, y), radius, facecolor=PATH_FILL if lit else "white",
                                edgecolor=PATH_COLOUR if lit else "#555555",
                                lw=2.0 if lit else 1.0, zorder=4, gid=f"unit-{l}-{u}"))
            ax.text(x, y, str(u), ha="center", va="center", fontsize=10, zorder=5)
            if (l, u) in hl.notes:
                ax.text(x, y + radius + 0.08, hl.notes[(l, u)], ha="center", va="bottom",
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
        l, u, v = hl.weight
        a, b = pos[l - 1][v - 1], pos[l][u - 1]
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


def draw_error_flow(sizes: Sequence[int], weights: Sequence[np.ndarray],
                    deltas: Sequence[np.ndarray], *, ax: Axes | None = None) -> Axes:
    """Draw :math:`\\delta^{(l)}` for one pattern flowing from the outputs down to layer 1.

    ``weights[l - 1]`` is :math:`W^{(l)}` and ``deltas[l - 1]`` is :math:`\\delta^{(l)}` (a
    vector of ``sizes[l]`` numbers). Units of layers 1..L are shaded by :math:`|\\delta|`
    (with a colour bar); an arrow from unit ``u`` of layer ``l`` to unit ``v`` of layer
    ``l - 1`` is as wide as its term :math:`|w^{(l)}_{pq}\\,\\delta^{(l)}_p|` of
    :math:`\\delta^{(l-1)}_q` (``book/any-depth``). The inputs have no delta, so the weights
    into layer 1 are plain lines. Arrows carry ``gid="flow-l-u-v"`` (``l >= 2``), those lines
    ``"weight-1-u-v"`` and units ``"delta-l-u"``.
    """
    sizes = check_sizes(sizes)
    L = len(sizes) - 1
    if len(weights) != L or len(deltas) != L:
        raise ValueError(f"need {L} weight matrices and {L} delta vectors for sizes {sizes}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.0 * L + 2.0, 0.8 * max(sizes) + 1.4))
    pos = _positions(sizes)
    flows = [np.abs(np.asarray(weights[l]) * np.asarray(deltas[l])[:, None]) for l in range(L)]
    biggest = max((float(f.max()) for f in flows[1:]), default=0.0) or 1.0
    norm = Normalize(0.0, max(float(np.abs(d).max()) for d in deltas) or 1.0)
    cmap = plt.get_cmap("Reds")
    for u in range(sizes[1]):
        for v in range(sizes[0]):
            a, b = pos[0][v] + [0.2, 0], pos[1][u] - [0.2, 0]
            ax.plot([a[0], b[0]], [a[1], b[1]], color=QUIET_COLOUR, lw=0.9, zorder=1,
                    gid=f"weight-1-{u + 1}-{v + 1}")
    for l in range(2, L + 1):
        for u in range(sizes[l]):
            for v in range(sizes[l - 1]):
                share = flows[l - 1][u, v] / biggest
                ax.annotate("", xy=pos[l - 1][v] + [0.22, 0], xytext=pos[l][u] - [0.22, 0],
                            arrowprops={"arrowstyle": "-|>", "lw": 0.4 + 4.0 * share,
                                        "color": WEIGHT_COLOUR, "alpha": 0.35 + 0.65 * share,
                                        "shrinkA": 0, "shrinkB": 0},
                            zorder=2, gid=f"flow-{l}-{u + 1}-{v + 1}")
    for l, layer in enumerate(pos):
        for u, (x, y) in enumerate(layer):
            fill = cmap(norm(abs(float(deltas[l - 1][u])))) if l else "white"
            ax.add_patch(Circle((x, y), 0.2, facecolor=fill, edgecolor="#555555", zorder=4,
                                gid=f"delta-{l}-{u + 1}"))
    bottom = min(float(layer[:, 1].min()) for layer in pos)
    for l in range(L + 1):
        label = "inputs\n(no delta)" if l == 0 else f"$\\delta^{{({l})}}$"
        ax.text(_LAYER_GAP * l, bottom - 0.4, label, ha="center", va="top")
    ax.set_xlim(-0.5, _LAYER_GAP * L + 0.5)
    ax.set_ylim(bottom - 1.1, -bottom + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    bar = ax.figure.colorbar(ScalarMappable(norm, cmap), ax=ax, shrink=0.7, pad=0.02)
    bar.set_label(r"$|\delta^{(l)}_p|$")
    return ax
