"""backprop.runs: a seed study's epochs are those of each network trained alone, it stops
once every network has solved, and a recorded run keeps its first and last snapshots, for
every loss."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import xor
from backprop.network import Network
from backprop.runs import epochs_to_solve, record_run
from backprop.training import TrainingConfig, make_state, train_epochs

X, T = xor()


def test_seed_study_epochs_match_single_runs():
    cfg = TrainingConfig(hidden=2, eta=4.0, seed=11)
    study = epochs_to_solve(cfg, X, T, n_networks=40, max_epochs=1500)
    assert study.epochs.shape == (40,)
    assert 0 < study.fraction_solved < 1  # XOR with two hidden units sometimes stalls
    assert study.fraction_stalled == pytest.approx(1 - study.fraction_solved)
    many = make_state(cfg, X, T, n_networks=40)
    for n in (int(np.argmax(study.solved)), int(np.argmin(study.solved))):
        net = many.net
        s = make_state(cfg, X, T)
        s.net = Network.from_parameters([w[n] for w in net.weights], [b[n] for b in net.biases],
                                        net.functions)
        s.velocity_w = [np.zeros_like(w) for w in s.net.weights]
        s.velocity_b = [np.zeros_like(b) for b in s.net.biases]
        train_epochs(s, 1500, stop_when_solved=True)
        expected = s.epoch if s.status == "solved" else np.inf
        assert study.epochs[n] == expected


def test_record_run_keeps_first_and_last_snapshot():
    run = record_run(TrainingConfig(eta=2.0), X, T, 300, snapshots=7)
    assert run.epochs[0] == 0 and run.epochs[-1] == 300
    assert len(run.weights) == len(run.epochs) == 7
    assert run.errors.shape == (301,)
    np.testing.assert_allclose(run.network(-1).error(X, T), run.errors[-1])
    assert run.flat().shape == (7, 9)


def test_seed_study_is_the_loop_stopped_once_each_network_has_solved():
    cfg = TrainingConfig(hidden=3, eta=2.0, seed=9)
    study = epochs_to_solve(cfg, X, T, n_networks=12, max_epochs=4000)
    state = train_epochs(make_state(cfg, X, T, n_networks=12), 4000, stop_when_each_solved=True)
    assert np.all(np.isfinite(study.epochs)) and state.epoch < 4000
    np.testing.assert_array_equal(study.epochs, state.first_solved)
    np.testing.assert_allclose(study.final_error, state.current_error(), rtol=1e-13)
    assert study.median_epochs() == np.median(state.first_solved)
    assert study.max_epochs == 4000 and not study.diverged.any()


def test_record_run_of_a_softmax_network():
    soft = record_run(TrainingConfig(output="softmax", loss="categorical_cross_entropy",
                                     eta=0.5), X, np.hstack([T, 1 - T]), 50, snapshots=3)
    assert soft.network().loss.name == "categorical_cross_entropy"
    assert soft.functions == ["sigmoid", "softmax"]

