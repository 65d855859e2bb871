"""backprop.plotting, single-layer figures: the decision line is drawn where w . x + b = 0,
no line appears when both weights are zero, and bad input is refused."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop.perceptron import gate_data  # noqa: E402
from backprop.plotting.single_layer import draw_error_surface, draw_threshold_unit  # noqa: E402


def _decision_line(ax):
    return [line for line in ax.lines if line.get_gid() == "decision-line"]


@pytest.mark.parametrize(("w", "b"), [((1.0, 1.0), -1.5), ((2.0, -0.5), 0.2), ((0.0, 1.0), -0.5),
                                      ((1.0, 0.0), -0.5)])
def test_decision_line_lies_on_the_boundary(w, b):
    ax = draw_threshold_unit(*gate_data("AND"), w, b)
    (line,) = _decision_line(ax)
    x, y = line.get_data()
    assert np.allclose(w[0] * np.asarray(x) + w[1] * np.asarray(y) + b, 0)


def test_no_line_for_zero_weights():
    ax = draw_threshold_unit(*gate_data("XOR"), (0.0, 0.0), 1.0)
    assert _decision_line(ax) == []


def test_threshold_unit_refuses_wrong_shapes():
    with pytest.raises(ValueError, match="shape"):
        draw_threshold_unit(np.zeros((4, 3)), np.zeros(4), (1, 1), 0)


def test_error_surface_draws_paths_and_checks_shape():
    g = np.linspace(-1, 1, 5)
    ax = draw_error_surface(g, g, np.ones((5, 5)), paths={"run": np.zeros((3, 2))})
    assert [line.get_gid() for line in ax.lines] == ["path-0"]
    with pytest.raises(ValueError, match="shape"):
        draw_error_surface(g, g, np.ones((4, 5)))
