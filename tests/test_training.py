"""backprop.training: the one loop equals the rule checked every epoch (batch, on-line,
momentum, stacks, divergence, stopping), stacked training equals one-at-a-time training, and
the loss choice. (Recorded runs and seed studies: tests/test_runs.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import xor
from backprop.network import Network
from backprop.training import (
    TrainingConfig,
    TrainingInputError,
    accuracy,
    make_state,
    solved_mask,
    start,
    train_epochs,
    train_step,
)

X, T = xor()


def _single(state, n):
    """Network n of a stacked state, as an independent network."""
    net = state.net
    return Network.from_parameters([w[n] for w in net.weights], [b[n] for b in net.biases],
                                   net.functions)


@pytest.mark.parametrize("mode", ["batch", "online"])
def test_stacked_training_equals_training_each_network_alone(mode):
    cfg = TrainingConfig(hidden=3, eta=1.5, momentum=0.5, mode=mode, seed=4)
    many = make_state(cfg, X, T, n_networks=5)
    alone = []
    for n in range(5):
        s = make_state(cfg, X, T)
        s.net = _single(many, n)
        s.velocity_w = [np.zeros_like(w) for w in s.net.weights]
        s.velocity_b = [np.zeros_like(b) for b in s.net.biases]
        alone.append(s)
    train_epochs(many, 30)
    for n, s in enumerate(alone):
        train_epochs(s, 30)
        np.testing.assert_allclose(_single(many, n).parameters(), s.net.parameters(),
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(many.error_history[:, n], s.error_history, rtol=1e-12)


def test_momentum_update_is_minus_eta_gradient_plus_alpha_previous_change():
    cfg = TrainingConfig(eta=0.7, momentum=0.8, seed=1)
    state = make_state(cfg, X, T)
    before = state.net.parameters()
    g1 = state.net.gradients(X, T).flat()
    train_step(state)
    step1 = state.net.parameters() - before
    np.testing.assert_allclose(step1, -0.7 * g1, rtol=1e-12)
    g2 = state.net.gradients(X, T).flat()
    mid = state.net.parameters()
    train_step(state)
    np.testing.assert_allclose(state.net.parameters() - mid, -0.7 * g2 + 0.8 * step1,
                               rtol=1e-10)


def test_batch_training_without_momentum_matches_network_train():
    cfg = TrainingConfig(eta=2.0, seed=3)
    state = make_state(cfg, X, T)
    ref = state.net.copy()
    hist = ref.train(X, T, 2.0, 50)
    train_epochs(state, 50)
    np.testing.assert_allclose(state.error_history, hist[:-1], rtol=1e-12)
    np.testing.assert_allclose(state.net.parameters(), ref.parameters(), rtol=1e-12)


def test_error_history_starts_at_initial_error_and_a_good_run_solves_xor():
    state = make_state(TrainingConfig(hidden=3, eta=2.0, seed=0), X, T)
    e0 = float(state.current_error())
    train_epochs(state, 5000, stop_when_solved=True)
    assert state.error_history[0] == pytest.approx(e0)
    assert state.status == "solved"
    assert solved_mask(state.net, X, T)
    assert state.error_history[-1] < e0


def test_divergence_is_reported_not_raised_and_freezes_the_network():
    state = make_state(TrainingConfig(eta=3.0, output="identity"), X, T)
    train_epochs(state, 2000)
    assert state.status == "diverged"
    assert state.epoch < 2000
    assert not np.isfinite(state.error_history[-1])
    epoch = state.epoch
    train_step(state)  # stepping a diverged run is a no-op
    assert state.epoch == epoch


def test_only_the_diverging_networks_are_frozen():
    cfg = TrainingConfig(eta=0.8, output="identity", weight_scale=1.0)
    state = make_state(cfg, X, T, n_networks=8)
    # Blow one network's output weights up so that it alone diverges.
    state.net.weights[-1][2] *= 1e3
    train_epochs(state, 300)
    assert state.diverged[2]
    assert not state.diverged[[0, 1, 3]].any()
    assert state.status != "diverged"
    assert np.all(np.isfinite(state.net.weights[0][[0, 1, 3]]))


@pytest.mark.parametrize("bad,needle", [
    ({"hidden": 0}, "hidden"), ({"hidden": 2.5}, "hidden"), ({"eta": -1.0}, "learning rate"),
    ({"eta": float("nan")}, "learning rate"), ({"momentum": 1.0}, "momentum"),
    ({"weight_scale": 0.0}, "weight scale"), ({"seed": -3}, "seed"),
    ({"mode": "minibatch"}, "mode"), ({"activation": "softmax"}, "activation"),
    ({"output": "tanh"}, "output"),
])
def test_bad_settings_name_the_setting(bad, needle):
    with pytest.raises(TrainingInputError, match=needle):
        make_state(TrainingConfig(**bad), X, T)


def test_accuracy_counts_the_right_side_of_one_half():
    net = Network.from_parameters([[[10.0, 0.0]]], [[-5.0]])  # a > 0.5 exactly when x1 > 0.5
    Xa = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    assert accuracy(net, Xa, np.array([[0.0], [1.0], [1.0], [0.0]])) == 1.0
    assert accuracy(net, Xa, np.array([[0.0], [1.0], [0.0], [0.0]])) == 0.75


# ----------------------------------------------------------------------------- the one loop
def _reference(net, eta, epochs, *, momentum=0.0, mode="batch", until=None, margin=0.1):
    """The rule tested at every epoch, written plainly on Network.gradients: the error before
    the update; a network whose error or parameters are not finite is frozen; momentum."""
    net = net.copy()
    lead = net.weights[0].shape[:-2]
    vel = [[np.zeros_like(p) for p in ps] for ps in (net.weights, net.biases)]
    diverged, first = np.zeros(lead, bool), np.full(lead, np.inf)
    errors, epoch, status = [], 0, "running"

    def not_finite():
        return np.any([~np.all(np.isfinite(p), axis=tuple(range(len(lead), p.ndim)))
                       for p in net.weights + net.biases], axis=0)

    with np.errstate(all="ignore"):
        for _ in range(epochs):
            err = net.error(X, T)
            errors.append(err)
            diverged = diverged | ~np.isfinite(err) | not_finite()
            if diverged.all():
                status = "diverged"
                break
            for rows in ([slice(None)] if mode == "batch" else
                         [slice(p, p + 1) for p in range(len(X))]):
                g = net.gradients(X[rows], T[rows])
                for params, v, grad in ((net.weights, vel[0], g.weights),
                                        (net.biases, vel[1], g.biases)):
                    for l in range(len(params)):
                        step = momentum * v[l] - eta * grad[l]
                        mask = (~diverged).reshape(lead + (1,) * (step.ndim - len(lead)))
                        v[l] = np.where(mask, step, 0.0)
                        params[l] = np.where(mask, params[l] + v[l], params[l])
            diverged = diverged | not_finite()
            epoch += 1
            ok = solved_mask(net, X, T, margin) & ~diverged
            first = np.where(np.isinf(first) & ok, epoch, first)
            status = "solved" if np.all(ok | diverged) else "running"
            if until == "solved" and status == "solved":
                break
            if until == "each" and np.all(np.isfinite(first) | diverged):
                break
    return net, np.array(errors), diverged, first, epoch, status


LOOP_CASES = [
    ({"eta": 2.0, "seed": 0}, None, 700),
    ({"eta": 1.0, "momentum": 0.8, "seed": 5}, None, 300),
    ({"eta": 0.7, "momentum": 0.5, "mode": "online", "seed": 2}, None, 300),
    ({"eta": 2.0, "hidden": 3, "seed": 4}, 20, 600),
    ({"eta": 4.0, "seed": 11, "momentum": 0.3}, 20, 400),
    ({"eta": 3.0, "output": "identity", "seed": 1}, None, 900),       # diverges
    ({"eta": 0.9, "output": "identity", "seed": 3}, 6, 700),          # all diverge
    ({"eta": 0.5, "output": "identity", "seed": 3, "momentum": 0.5}, 6, 700),  # one does
]


def _mixed(state):
    """Blow network 2's output weights up so that it alone diverges."""
    state.net.weights[-1][2] *= 1e3
    return state


@pytest.mark.parametrize("settings,n_networks,epochs", LOOP_CASES)
def test_the_fast_loop_equals_the_rule_checked_every_epoch(settings, n_networks, epochs):
    state = make_state(TrainingConfig(**settings), X, T, n_networks=n_networks)
    if settings.get("momentum") == 0.5 and n_networks:
        _mixed(state)
    net, errors, diverged, first, epoch, status = _reference(
        state.net, state.eta, epochs, momentum=state.momentum, mode=state.mode)
    train_epochs(state, epochs)
    assert (state.epoch, state.status) == (epoch, status)
    np.testing.assert_array_equal(state.diverged, diverged)
    np.testing.assert_array_equal(state.first_solved, first)
    np.testing.assert_allclose(state.error_history, errors, rtol=1e-13, atol=0)
    np.testing.assert_array_equal(state.net.parameters(), net.parameters())


def test_a_diverging_network_is_frozen_while_the_others_train_on():
    state = _mixed(make_state(TrainingConfig(eta=0.5, output="identity", seed=3,
                                             momentum=0.5), X, T, n_networks=6))
    train_epochs(state, 700)
    assert state.diverged.tolist() == [False, False, True, False, False, False]
    frozen = state.net.parameters()[2].copy()
    first = len(state.errors)
    train_epochs(state, 100)
    np.testing.assert_array_equal(state.net.parameters()[2], frozen)
    assert np.all(np.isfinite(state.error_history[first:, [0, 1, 3, 4, 5]]))
    assert state.status != "diverged"


@pytest.mark.parametrize("settings", [{"eta": 2.0, "seed": 0}, {"eta": 2.0, "seed": 7,
                                                                  "mode": "online"}])
def test_stop_when_solved_stops_at_the_first_solved_epoch(settings):
    state = make_state(TrainingConfig(**settings), X, T)
    net, errors, _, _, epoch, status = _reference(state.net, 2.0, 3000, mode=state.mode,
                                                  until="solved")
    assert status == "solved" and epoch % 64, "pick a case that stops inside a block"
    train_epochs(state, 3000, stop_when_solved=True)
    assert (state.epoch, state.status) == (epoch, "solved")
    np.testing.assert_array_equal(state.net.parameters(), net.parameters())
    assert len(state.errors) == len(errors)


def test_stop_when_each_solved_stops_once_every_network_has_solved():
    state = make_state(TrainingConfig(hidden=3, eta=2.0, seed=9), X, T, n_networks=12)
    net, errors, diverged, first, epoch, _ = _reference(state.net, 2.0, 4000, until="each")
    train_epochs(state, 4000, stop_when_each_solved=True)
    assert np.all(np.isfinite(first)) and epoch < 4000
    assert state.epoch == epoch
    np.testing.assert_array_equal(state.first_solved, first)
    np.testing.assert_allclose(state.error_history, errors, rtol=1e-13)
    np.testing.assert_allclose(state.net.parameters(), net.parameters(), rtol=1e-13)
    with pytest.raises(TrainingInputError, match="choose one"):
        train_epochs(state, 1, stop_when_solved=True, stop_when_each_solved=True)


def test_training_never_changes_arrays_the_caller_already_holds():
    state = make_state(TrainingConfig(eta=1.0, momentum=0.5), X, T)
    held = state.net.weights[0]
    copy = held.copy()
    train_epochs(state, 10)
    np.testing.assert_array_equal(held, copy)
    assert not np.array_equal(state.net.weights[0], copy)


def test_network_train_is_the_loop_with_momentum_zero():
    net = Network((2, 2, 1), rng=np.random.default_rng(3), weight_scale=1.0)
    ref, errors, *_ = _reference(net, 1.5, 40)
    history = net.train(X, T, 1.5, 40)
    np.testing.assert_allclose(history[:-1], errors, rtol=1e-13)
    assert history[-1] == pytest.approx(float(ref.error(X, T)), rel=1e-13)
    np.testing.assert_array_equal(net.parameters(), ref.parameters())
    first = Network((2, 2, 1), rng=np.random.default_rng(3), weight_scale=1.0)
    assert first.train_epoch(X, T, 1.5) == pytest.approx(errors[0])


def test_cross_entropy_is_a_loss_choice_of_the_loop():
    cfg = TrainingConfig(eta=0.5, seed=0, loss="binary_cross_entropy")
    state = train_epochs(make_state(cfg, X, T), 2000, stop_when_solved=True)
    assert state.status == "solved"
    a = 1 / (1 + np.exp(-state.net.forward(X).nets[-1]))
    np.testing.assert_allclose(state.current_error(),
                               -np.sum(T * np.log(a) + (1 - T) * np.log(1 - a)), rtol=1e-12)
    assert state.net.loss.name == "binary_cross_entropy"
    with pytest.raises(TrainingInputError, match="written for output = 'sigmoid'"):
        make_state(TrainingConfig(output="identity", loss="binary_cross_entropy"), X, T)
    with pytest.raises(TrainingInputError, match="unknown loss"):
        make_state(TrainingConfig(loss="hinge"), X, T)


def start_state(net, eta=1.0, **kw):
    return start(net, X, T, eta, **kw)


def test_bad_start_settings_are_named():
    net = Network((2, 1), rng=np.random.default_rng(0))
    with pytest.raises(TrainingInputError, match="learning rate"):
        train_epochs(start_state(net, eta=0.0), 1)
    with pytest.raises(TrainingInputError, match="order must list sample indices in 0..3"):
        start_state(net, order=[0, 4])
    with pytest.raises(TrainingInputError, match="epochs must be a whole number"):
        train_epochs(start_state(net), 2.5)
