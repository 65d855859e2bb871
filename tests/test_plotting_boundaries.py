"""backprop.plotting.boundaries: the drawn data (image, boundary, hidden lines, points, error
curve, stall sweeps) is what the network and the study say it should be, on axes labelled
in the book's notation."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop.datasets import noisy_xor, xor  # noqa: E402
from backprop.landscapes import decision_grid  # noqa: E402
from backprop.network import Network  # noqa: E402
from backprop.plotting.boundaries import (  # noqa: E402
    boundary_colorbar,
    draw_decision_boundary,
    draw_error_curve,
    draw_stall_sweep,
    hidden_unit_line,
)
from backprop.training import TrainingConfig, make_state, train_epochs  # noqa: E402

X, T = xor()


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_hidden_unit_line_lies_on_net_zero_and_in_the_box():
    w, b = np.array([2.0, -1.0]), 0.3
    seg = hidden_unit_line(w, b, (-0.5, 1.5, -0.5, 1.5))
    assert seg.shape == (2, 2)
    np.testing.assert_allclose(seg @ w + b, 0, atol=1e-12)
    assert np.all(seg >= -0.5 - 1e-9) and np.all(seg <= 1.5 + 1e-9)
    assert hidden_unit_line(np.zeros(2), 1.0).shape == (0, 2)
    assert hidden_unit_line(np.array([1.0, 0.0]), -10.0).shape == (0, 2)  # x1 = 10: outside


def test_decision_boundary_draws_the_networks_output_and_one_line_per_hidden_unit():
    state = make_state(TrainingConfig(hidden=3, eta=2.0), X, T)
    train_epochs(state, 2000)
    ax = draw_decision_boundary(state.net, X, T, n=50)
    image = _by_gid(ax, "output-image")[0]
    np.testing.assert_allclose(image.get_array(), decision_grid(state.net, n=50)[2])
    lines = [_by_gid(ax, f"hidden-line-{j}")[0] for j in (1, 2, 3)]
    for j, line in enumerate(lines):
        pts = np.column_stack(line.get_data())
        net_j = pts @ state.net.weights[0][j] + state.net.biases[0][j]
        np.testing.assert_allclose(net_j, 0, atol=1e-9)
    assert _by_gid(ax, "boundary")
    pts = _by_gid(ax, "points")[0]
    np.testing.assert_allclose(pts.get_offsets(), X)


def test_decision_boundary_with_noisy_xor_draws_every_point():
    Xn, Tn = noisy_xor(60, np.random.default_rng(0))
    net = Network((2, 4, 1), rng=np.random.default_rng(1))
    ax = draw_decision_boundary(net, Xn, Tn, n=30)
    assert len(_by_gid(ax, "points")[0].get_offsets()) == 60


def test_error_curve_is_log_scale_and_marks_divergence():
    ax = draw_error_curve(np.array([1.0, 0.5, 0.25]))
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(_by_gid(ax, "error-curve")[0].get_ydata(), [1, 0.5, 0.25])
    ax2 = draw_error_curve(np.array([1.0, 10.0, 1e30, np.inf]))
    assert _by_gid(ax2, "diverged-marker")
    assert np.all(np.isfinite(_by_gid(ax2, "error-curve")[0].get_ydata()))


def test_decision_boundary_axes_are_the_inputs_of_the_notation_table():
    ax = draw_decision_boundary(Network((2, 2, 1), rng=np.random.default_rng(0)), X, T, n=10)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$a_1$", "$a_2$")


def test_stall_sweep_starts_both_axes_at_zero_and_labels_the_settings():
    etas = [0.25, 0.5, 1.0, 2.0, 8.0]
    ax = draw_stall_sweep(etas, [0.5, 0.3, 0.2, 0.2, 0.3], [900, 400, 200, 100, 60],
                          log=True, xlabel="eta")
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert ax.get_ylim()[0] == 0 and twin.get_ylim()[0] == 0
    assert ax.get_ylim()[1] >= 0.5 and twin.get_ylim()[1] >= 900
    np.testing.assert_allclose(_by_gid(twin, "median-epochs")[0].get_ydata(),
                               [900, 400, 200, 100, 60])
    assert ax.get_xscale() == "log"
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.25", "0.5", "1", "2", "8"]
    assert not [t for t in ax.xaxis.get_minorticklabels() if t.get_text()]
    with pytest.raises(ValueError, match="one of each per setting"):
        draw_stall_sweep([1, 2], [0.1], [5, 6])


def test_one_colour_bar_reads_the_output_maps_of_a_row():
    """The bar's colours are the maps' colours at the same output, and it is marked at the
    boundary's one half."""
    import matplotlib.pyplot as plt

    net = Network((2, 2, 1), rng=np.random.default_rng(0))
    fig, axes = plt.subplots(1, 2, layout="constrained")
    for ax in axes:
        draw_decision_boundary(net, X, T, ax=ax, n=20)
    bar = boundary_colorbar(axes, location="bottom", shrink=0.6)
    image = _by_gid(axes[0], "output-image")[0]
    assert bar.ax.get_gid() == "boundary-colorbar"
    assert list(bar.get_ticks()) == [0, 0.5, 1]
    assert "a_k" in bar.ax.get_xlabel()
    for value in (0.0, 0.3, 0.5, 0.9):
        np.testing.assert_allclose(bar.mappable.to_rgba(value), image.to_rgba(value))
    plt.close(fig)
