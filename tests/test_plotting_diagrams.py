"""backprop.plotting.diagrams: the network diagrams highlight exactly the paths from a weight
to the error, the error-flow arrows are as wide as the share of delta they carry, and bad
input is refused with a message that says what to change."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop.plotting.diagrams import (  # noqa: E402
    draw_error_flow,
    draw_network,
    hidden_weight_paths,
    output_weight_path,
)
from backprop.plotting.style import PATH_COLOUR, QUIET_COLOUR, WEIGHT_COLOUR  # noqa: E402


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
])
def test_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_error_flow_widths_follow_the_deltas_and_stop_at_layer_1():
    W = [np.array([[1.0, 0.0]]), np.array([[2.0], [0.5]])]  # sizes (2, 1, 2)
    deltas = [np.array([0.3]), np.array([0.1, 0.4])]
    ax = draw_error_flow((2, 1, 2), W, deltas)
    arrows = {a.get_gid(): a.arrow_patch.get_linewidth() for a in ax.texts
              if a.get_gid() and a.get_gid().startswith("flow-")}
    # |w delta| into delta^(1): 2 * 0.1 = 0.2 from output 1, 0.5 * 0.4 = 0.2 from output 2
    assert set(arrows) == {"flow-2-1-1", "flow-2-2-1"}
    assert arrows["flow-2-1-1"] == pytest.approx(arrows["flow-2-2-1"])
    # the inputs have no delta: the weights into layer 1 are lines, not arrows
    assert {line.get_gid() for line in ax.lines} == {"weight-1-1-1", "weight-1-1-2"}
    shade = {p.get_gid(): p.get_facecolor() for p in ax.patches}
    assert shade["delta-0-1"] == shade["delta-0-2"] == (1.0, 1.0, 1.0, 1.0)
    assert shade["delta-2-2"] != shade["delta-2-1"]  # |0.4| is darker than |0.1|
    assert len(ax.figure.axes) == 2  # the colour bar of |delta|
    with pytest.raises(ValueError, match="need 2 weight matrices"):
        draw_error_flow((2, 1, 2), W[:1], deltas)
