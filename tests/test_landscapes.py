"""backprop.landscapes: decision grids in image order, slices of the error through weight
space (the centre is the current error, a step network's surface is flat pieces), random
directions, projections and the plane's error along a projected trajectory."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import xor
from backprop.landscapes import (
    decision_grid,
    landscape_directions,
    landscape_for_run,
    landscape_slice,
    parameter_names,
    plane_errors,
    project_trajectory,
    stacked_errors,
)
from backprop.network import Network, parameter_slices
from backprop.perceptron import STEP
from backprop.runs import record_run
from backprop.training import TrainingConfig, TrainingInputError, make_state, train_epochs

X, T = xor()


def test_decision_grid_orientation():
    net = Network.from_parameters([[[10.0, 0.0]]], [[-5.0]])  # a = sigma(10 x1 - 5)
    x1, x2, a = decision_grid(net, (0, 1, 0, 2), n=11)
    assert a.shape == (11, 11)
    assert a[0, 0] < 0.05 and a[0, -1] > 0.95  # varies along columns (x1)
    np.testing.assert_allclose(a[0], a[-1])
    with pytest.raises(TrainingInputError, match="2 inputs"):
        decision_grid(Network((3, 1), rng=np.random.default_rng(0)))


def test_landscape_slice_centre_is_current_error_and_step_surface_is_flat_pieces():
    state = make_state(TrainingConfig(eta=2.0), X, T)
    train_epochs(state, 200)
    d1, d2, labels = landscape_directions(state.net, (0, 6))
    assert labels == ("w(1)_11", "w(2)_11")
    land = landscape_slice(state.net, X, T, d1, d2, span=3.0, n=21, labels=labels)
    assert land.errors.shape == (21, 21)
    assert land.errors[10, 10] == pytest.approx(float(state.current_error()))
    theta = state.net.parameters().copy()
    theta[0] += land.u[3]
    theta[6] += land.v[15]
    probe = state.net.copy()
    probe.set_flat_parameters(theta)
    assert land.errors[15, 3] == pytest.approx(float(probe.error(X, T)))
    step = landscape_slice(state.net, X, T, d1, d2, span=3.0, n=21, activation=STEP)
    # A step network's error takes only a few values: halves of whole numbers of mistakes.
    assert set(np.unique(step.errors * 2)) <= {0, 1, 2, 3, 4}
    uv = project_trajectory(land, np.array([theta]))
    np.testing.assert_allclose(uv, [[land.u[3], land.v[15]]], atol=1e-12)


def test_random_directions_are_orthonormal_and_need_rng():
    net = Network((2, 2, 1), rng=np.random.default_rng(0))
    d1, d2, _ = landscape_directions(net, "random", rng=np.random.default_rng(1))
    assert abs(d1 @ d2) < 1e-12 and d1 @ d1 == pytest.approx(1)
    with pytest.raises(TrainingInputError, match="rng"):
        landscape_directions(net, "random")
    with pytest.raises(TrainingInputError, match="parameter indices"):
        landscape_directions(net, (0, 0))


def test_stacked_and_plane_errors_equal_one_network_at_a_time():
    run = record_run(TrainingConfig(eta=2.0, seed=0), X, T, 300, snapshots=5)
    land, uv, along = landscape_for_run(run, X, T, (0, 6), n=11)
    probe = run.network()
    for (u, v), e in zip(uv, along):
        probe.set_flat_parameters(land.center + u * land.d1 + v * land.d2)
        assert e == pytest.approx(float(probe.error(X, T)), rel=1e-12)
    np.testing.assert_allclose(plane_errors(run.network(), X, T, land, uv), along)
    thetas = run.flat()
    want = [float(run.network(s).error(X, T)) for s in range(len(thetas))]
    np.testing.assert_allclose(stacked_errors(run.network(), thetas, X, T), want, rtol=1e-12)
    with pytest.raises(TrainingInputError, match="needs 9 entries"):
        stacked_errors(run.network(), thetas[:, :-1], X, T)


def test_parameter_names_follow_the_flat_layout():
    net = Network((2, 3, 1), rng=np.random.default_rng(0))
    names = parameter_names(net)
    (w1, b1), (w2, b2) = parameter_slices(net.sizes)
    assert len(names) == b2.stop
    assert names[w1.start] == "w(1)_11" and names[w1.stop - 1] == "w(1)_32"
    assert names[b1.start] == "b(1)_1" and names[w2.start] == "w(2)_11"
    assert names[b2.start] == "b(2)_1"
