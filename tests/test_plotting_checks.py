"""backprop.plotting.checks: the agreement plot shows one point per network and route, at
the size each route's error should have, and refuses what it cannot plot."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop import Network  # noqa: E402
from backprop.gradcheck import compare_routes  # noqa: E402
from backprop.plotting.checks import plot_route_agreement  # noqa: E402
from backprop.symbolic import SymbolicNetwork  # noqa: E402


def test_agreement_plot_refuses_no_comparisons():
    with pytest.raises(ValueError, match="no comparisons"):
        plot_route_agreement([])


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


def test_step_error_plot_draws_each_scheme_and_its_model():
    from backprop.plotting.checks import plot_step_errors

    steps = np.array([1e-2, 1e-4, 1e-6])
    ax = plot_step_errors(steps, {"central": [1e-6, 1e-10, 1e-10], "forward": [1e-3, 1e-5, 1e-7]},
                          {"central": [1e-6, 1e-10, 1e-10]}, mark=1e-6)
    gids = {line.get_gid() for line in ax.lines}
    assert {"measured-central", "measured-forward", "model-central"} <= gids
    assert "model-forward" not in gids
    assert ax.get_xlim()[0] > ax.get_xlim()[1]          # h decreases to the right
    with pytest.raises(ValueError, match="2 errors for 3 steps"):
        plot_step_errors(steps, {"central": [1.0, 2.0]})
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_step_errors(steps, {})


def test_entry_error_plot_draws_each_group_and_the_noise_line():
    from backprop.plotting.checks import plot_entry_errors

    g = np.array([1e-6, 1e-3, 1.0])
    ax = plot_entry_errors({"correct": g, "wrong": g}, {"correct": 1e-10 / g, "wrong": g * 0 + 1},
                           noise=1e-10)
    noise = next(line for line in ax.lines if line.get_gid() == "noise")
    np.testing.assert_allclose(np.asarray(noise.get_ydata()) * 2 * np.asarray(noise.get_xdata()),
                               1e-10)
    assert len([line for line in ax.lines if line.get_gid().startswith("entries-")]) == 2
    with pytest.raises(ValueError, match="same labels"):
        plot_entry_errors({"a": g}, {"b": g})
