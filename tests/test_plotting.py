"""backprop.plotting: the network diagrams highlight exactly the paths from a weight to the
error, the agreement plot shows one point per network and route, and bad input is refused
with a message that says what to change."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop import Network  # noqa: E402
from backprop.gradcheck import compare_routes  # noqa: E402
from backprop.plotting import (  # noqa: E402
    PATH_COLOUR,
    QUIET_COLOUR,
    WEIGHT_COLOUR,
    draw_network,
    hidden_weight_paths,
    output_weight_path,
    plot_route_agreement,
)
from backprop.symbolic import SymbolicNetwork  # noqa: E402


def _lines_by_colour(ax) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for line in ax.lines:
        out.setdefault(matplotlib.colors.to_hex(line.get_color()), set()).add(line.get_gid())
    return out


def test_output_path_is_one_weight_and_one_error_line():
    sizes = (2, 3, 2)
    ax = draw_network(sizes, output_weight_path(sizes, k=2, j=3), weight_label="$w_{kj}$")
    lines = _lines_by_colour(ax)
    assert lines[WEIGHT_COLOUR] == {"edge-2-2-3"}
    assert lines[PATH_COLOUR] == {"error-2"}
    # every weight and every output's line into E is drawn exactly once
    assert len(ax.lines) == 2 * 3 + 3 * 2 + 2
    assert len(lines[QUIET_COLOUR]) == len(ax.lines) - 2


def test_hidden_paths_fan_out_to_every_output():
    sizes = (2, 3, 4)
    hl = hidden_weight_paths(sizes, j=2, i=1)
    ax = draw_network(sizes, hl)
    lines = _lines_by_colour(ax)
    assert lines[WEIGHT_COLOUR] == {"edge-1-2-1"}
    assert lines[PATH_COLOUR] == ({f"edge-2-{k}-2" for k in range(1, 5)}
                                  | {f"error-{k}" for k in range(1, 5)})
    assert hl.units == {(0, 1), (1, 2)} | {(2, k) for k in range(1, 5)}


def test_hidden_paths_use_the_last_hidden_layer_of_a_deep_network():
    hl = hidden_weight_paths((2, 3, 3, 2), j=1, i=3)
    assert hl.weight == (2, 1, 3)
    assert hl.edges == {(3, 1, 1), (3, 2, 1)}


def test_plain_diagram_highlights_nothing():
    ax = draw_network((1, 1))
    assert set(_lines_by_colour(ax)) == {QUIET_COLOUR}


@pytest.mark.parametrize("call, message", [
    (lambda: output_weight_path((2, 3, 2), k=3, j=1), "k = 3 is not a unit of layer 2"),
    (lambda: output_weight_path((2, 3, 2), k=1, j=0), "j = 0 is not a unit of layer 1"),
    (lambda: hidden_weight_paths((2, 2), j=1, i=1), "no hidden layer"),
    (lambda: draw_network((2,)), "at least an input and an output layer"),
    (lambda: draw_network((2, 0, 1)), "at least an input and an output layer"),
    (lambda: draw_network("abc"), "sequence of unit counts"),
    (lambda: draw_network((2, 2, 1), layer_names=["a", "b"]), "2 layer names given for 3"),
    (lambda: plot_route_agreement([]), "no comparisons"),
])
def test_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_agreement_plot_has_one_point_per_network_and_route():
    rng = np.random.default_rng(3)
    sizes = (2, 2, 1)
    g = SymbolicNetwork(sizes).lambdify_gradients()
    results = []
    for n in range(3):
        net = Network(sizes, rng=rng)
        X, T = rng.normal(size=(3, 2)), rng.uniform(size=(3, 1))
        results.append(compare_routes(net, X, T, g, f"net {n}"))
    ax = plot_route_agreement(results)
    sympy_line = next(line for line in ax.lines if line.get_gid() == "route-sympy")
    fd_line = next(line for line in ax.lines if line.get_gid() == "route-numerical")
    assert len(sympy_line.get_ydata()) == len(fd_line.get_ydata()) == 3
    # SymPy agrees to rounding; finite differences only to their truncation error
    assert np.all(np.asarray(sympy_line.get_ydata()) < 1e-13)
    assert np.all(np.asarray(fd_line.get_ydata()) < 1e-7)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["net 0", "net 1", "net 2"]
    with pytest.raises(ValueError, match="2 index arrays given for 3 networks"):
        plot_route_agreement(results, [np.arange(2)] * 2)
