"""Computational graphs and what their gradients cost (``book/computational-graphs``).

:func:`draw_graph` draws every labelled node of :mod:`backprop.autodiff` as a box holding its
label, its value and, once :func:`~backprop.autodiff.backward` has run,
:math:`\\partial E/\\partial v`; every edge as an arrow from a parent to the node computed
from it, marked with the local derivative. Unlabelled leaves (the constants of an expression)
are left out. It is meant for graphs of a few dozen nodes; a network's graph has thousands.
:func:`plot_gradient_costs` draws the operation counts and timings of the three routes to a
gradient.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from ..autodiff import GraphCost, Node, RouteTimes, topological_order
from .style import PATH_FILL, WEIGHT_COLOUR

__all__ = ["ROUTE_STYLES", "draw_graph", "graph_layout", "plot_gradient_costs"]

#: Operations are light blue, leaves (weights, inputs, targets) light orange.
BOX_FILL = "#eef4fa"
EDGE_COLOUR = "#4d5a66"
#: The three routes to a gradient: colour and marker.
ROUTE_STYLES = {"reverse mode": ("#2c7fb8", "o-"), "forward mode": ("#c0392b", "s-"),
                "finite differences": ("#7b3294", "^-")}


def graph_layout(output: Node) -> dict[int, tuple[float, float]]:
    """Positions ``(x, y)`` of the labelled nodes behind ``output``, keyed by ``id``.

    An operation's column is one more than its deepest parent's; a leaf sits one column
    before the first node that uses it, so that no arrow runs a long way back. Heights are
    set from the output backwards: a node sits at the mean height of the nodes it feeds,
    pushed apart from its neighbours in the column, which keeps the arrows of the chapter's
    small graphs from crossing.
    """
    order = [n for n in topological_order(output) if n.parents or n.label]
    shown = {id(n) for n in order}
    children: dict[int, list[Node]] = {}
    for node in order:
        for p in node.parents:
            if id(p) in shown:
                children.setdefault(id(p), []).append(node)
    column: dict[int, int] = {}
    for node in order:
        if node.parents:
            column[id(node)] = 1 + max((column.get(id(p), 0) for p in node.parents
                                        if id(p) in shown), default=0)
    for node in order:
        if not node.parents:
            column[id(node)] = min(column[id(c)] for c in children.get(id(node), [output])) - 1
    by_column: dict[int, list[Node]] = {}
    for node in order:
        by_column.setdefault(column[id(node)], []).append(node)
    first = min(by_column)
    pos: dict[int, tuple[float, float]] = {}
    for x in sorted(by_column, reverse=True):
        nodes = by_column[x]
        wanted = {id(n): float(np.mean([pos[id(c)][1] for c in children.get(id(n), [])
                                         if id(c) in pos] or [0.0])) for n in nodes}
        nodes.sort(key=lambda n: -wanted[id(n)])
        ys = [wanted[id(n)] for n in nodes]
        for i in range(1, len(ys)):
            ys[i] = min(ys[i], ys[i - 1] - 1.0)           # at least one row apart
        shift = np.mean([wanted[id(n)] for n in nodes]) - np.mean(ys)
        for node, y in zip(nodes, ys):
            pos[id(node)] = (float(x - first), float(y + shift))
    return pos


def draw_graph(
    output: Node,
    *,
    ax: Axes | None = None,
    grads: bool = True,
    locals_: bool = True,
    width: float = 1.9,
) -> Axes:
    """Draw the labelled nodes behind ``output`` with their values (and gradients when
    ``grads``), and every edge with its local derivative (when ``locals_``); ``width`` is
    the distance between columns in box heights."""
    pos = graph_layout(output)
    nodes = {id(n): n for n in topological_order(output) if id(n) in pos}
    sx, sy = width, 1.25
    box_w, box_h = 1.15, 0.92 if grads else 0.62
    xs = [p[0] * sx for p in pos.values()]
    ys = [p[1] * sy for p in pos.values()]
    x_lim = (min(xs) - box_w * 0.6, max(xs) + box_w * 0.6)
    y_lim = (min(ys) - box_h / 2 - 0.75, max(ys) + box_h / 2 + 0.1)
    if ax is None:
        scale = 0.7  # inches per unit: three lines of 11-point text fit a box
        _, ax = plt.subplots(figsize=(scale * (x_lim[1] - x_lim[0]),
                                      scale * (y_lim[1] - y_lim[0])))
    for node in nodes.values():
        x, y = pos[id(node)]
        for parent, local in zip(node.parents, node.local):
            if id(parent) not in pos:
                continue
            px, py = pos[id(parent)]
            start = (px * sx + box_w / 2, py * sy)
            end = (x * sx - box_w / 2, y * sy)
            ax.annotate("", xy=end, xytext=start,
                        arrowprops=dict(arrowstyle="-|>", color=EDGE_COLOUR, lw=1.0,
                                        shrinkA=0, shrinkB=1))
            if locals_:
                mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
                ax.text(mx, my + 0.04, f"{local:.3g}", ha="center", va="bottom",
                        fontsize=11, color=EDGE_COLOUR,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"))
    for node in nodes.values():
        x, y = pos[id(node)]
        cx, cy = x * sx, y * sy
        ax.add_patch(FancyBboxPatch((cx - box_w / 2, cy - box_h / 2), box_w, box_h,
                                    boxstyle="round,pad=0.02,rounding_size=0.08",
                                    fc=BOX_FILL if node.parents else PATH_FILL,
                                    ec=EDGE_COLOUR, lw=1.0))
        lines = [(node.label or "·", "black"), (f"{node.value:.4g}", "black")]
        if grads:
            lines.append((f"{node.grad:.3g}", WEIGHT_COLOUR))
        offsets = (0.29, 0.0, -0.28) if grads else (0.13, -0.13)
        for (text, colour), dy in zip(lines, offsets):
            ax.text(cx, cy + dy, text, ha="center", va="center", fontsize=11, color=colour)
    key = "in each box: the node, its value" + (", $\\partial E/\\partial v$ (red)" if grads
                                                else "")
    if locals_:
        key += r"; on each arrow $u \to v$: the local derivative $\partial v/\partial u$"
    ax.text(x_lim[0], y_lim[0] + 0.1, key, ha="left", va="bottom", fontsize=11,
            color=EDGE_COLOUR)
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_gradient_costs(
    costs: Sequence[GraphCost], times: Sequence[RouteTimes], *, axes: Sequence[Axes] | None = None
) -> Sequence[Axes]:
    """Two log-log panels against the number of parameters: the operations each route needs
    (:func:`~backprop.autodiff.graph_cost`) and the seconds it took in NumPy
    (:func:`~backprop.autodiff.time_routes`), one line per route."""
    if not costs or len(costs) != len(times):
        raise ValueError(f"give one timing per operation count, at least one of each; got "
                         f"{len(costs)} counts and {len(times)} timings")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8, 3.6))
    ax_ops, ax_s = axes
    n = [c.n_parameters for c in costs]
    ops = {"reverse mode": [c.reverse_mode for c in costs],
           "forward mode": [c.forward_mode for c in costs],
           "finite differences": [c.finite_differences for c in costs]}
    secs = {"reverse mode": [r.reverse_mode for r in times],
            "forward mode": [r.forward_mode for r in times],
            "finite differences": [r.finite_differences for r in times]}
    for name, (colour, style) in ROUTE_STYLES.items():
        ax_ops.loglog(n, ops[name], style, color=colour, label=name)
        ax_s.loglog([r.n_parameters for r in times], secs[name], style, color=colour,
                    label=name)
    ax_ops.set(xlabel="parameters N", ylabel="operations", title="counted on the graph")
    ax_s.set(xlabel="parameters N", ylabel="seconds", title="measured in NumPy")
    for ax in (ax_ops, ax_s):
        ax.grid(alpha=0.3, which="both")
    ax_ops.legend(frameon=False)
    ax_ops.figure.tight_layout()
    return axes
