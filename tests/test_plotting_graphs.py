"""backprop.plotting.graphs (book/computational-graphs): a graph's layout puts every node to
the right of its parents, the drawing shows each labelled node and edge with its numbers, and
the cost figure has one line per route."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from backprop import Network  # noqa: E402
from backprop import autodiff as ad  # noqa: E402
from backprop.plotting.graphs import draw_graph, graph_layout, plot_gradient_costs  # noqa: E402


def unit_graph():
    w, x, b, t = (ad.Node(v).named(n) for v, n in ((0.4, "w"), (0.8, "x"), (0.1, "b"), (0.9, "t")))
    net = (w * x + b).named("net")
    a = ad.sigmoid(net).named("a")
    E = (0.5 * (t - a) ** 2).named("E")
    return E, {"w": w, "x": x, "b": b, "t": t, "net": net, "a": a}


def test_layout_places_nodes_after_their_parents_and_leaves_next_to_their_first_use():
    E, nodes = unit_graph()
    pos = graph_layout(E)
    labelled = [n for n in ad.topological_order(E) if n.parents or n.label]
    assert set(pos) == {id(n) for n in labelled}          # the constant 0.5 is left out
    for node in labelled:
        for parent in node.parents:
            if id(parent) in pos:
                assert pos[id(parent)][0] < pos[id(node)][0]
    assert pos[id(nodes["b"])][0] == pos[id(nodes["net"])][0] - 1
    assert pos[id(nodes["t"])][0] == pos[id(nodes["a"])][0]  # t - a is one column after a
    assert len(set(pos.values())) == len(pos)                # no two boxes on one spot


def test_drawing_has_a_box_per_node_and_the_gradients_when_asked():
    E, nodes = unit_graph()
    ad.backward(E)
    ax = draw_graph(E)
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == len(graph_layout(E))
    texts = {t.get_text() for t in ax.texts}
    assert f"{nodes['w'].grad:.3g}" in texts and f"{nodes['net'].value:.4g}" in texts
    assert any("local derivative" in t for t in texts)
    plain = draw_graph(E, grads=False)
    assert f"{nodes['w'].grad:.3g}" not in {t.get_text() for t in plain.texts}


def test_cost_figure_has_one_line_per_route_and_refuses_mismatched_input():
    rng = np.random.default_rng(0)
    costs, times = [], []
    for h in (2, 3):
        net = Network((2, h, 1), rng=rng)
        X, T = rng.normal(size=(3, 2)), rng.uniform(size=(3, 1))
        costs.append(ad.graph_cost(ad.network_graph(net, X, T).error, net.parameters().size))
        times.append(ad.time_routes(net, X, T, repeats=1))
    ax_ops, ax_s = plot_gradient_costs(costs, times)
    assert len(ax_ops.lines) == len(ax_s.lines) == 3
    assert list(ax_ops.lines[0].get_ydata()) == [c.reverse_mode for c in costs]
    with pytest.raises(ValueError, match="one timing per operation count"):
        plot_gradient_costs(costs, times[:1])
