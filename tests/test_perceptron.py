"""backprop.perceptron: the perceptron rule converges on AND and OR and provably cycles on XOR,
the hand-built XOR has XOR's truth table, the single-layer delta rule is the gradient
(SymPy, finite differences, the package's Network), and bad input is refused clearly."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import Network, NetworkInputError
from backprop.gradcheck import numerical_gradient
from backprop.perceptron import (
    GATE_PERCEPTRONS,
    GATES,
    delta_rule_gradient,
    descend,
    error_surface,
    find_cycle,
    gate_data,
    single_layer_error,
    step,
    train_delta_rule,
    train_perceptron,
    xor_by_hand,
)
from backprop.symbolic import equivalent, sigmoid


@pytest.mark.parametrize("gate", ["AND", "OR", "NOR", "NAND"])
def test_perceptron_rule_converges_on_separable_gates(gate):
    X, T = gate_data(gate)
    run = train_perceptron(X, T, max_epochs=50)
    assert run.converged and run.mistakes[-1] == 0
    w = run.weights[-1]
    assert np.array_equal(step(X @ w[:2] + w[2]), T[:, 0])


def test_perceptron_rule_applies_the_rule_at_every_step():
    X, T = gate_data("OR")
    run = train_perceptron(X, T, eta=0.5)
    for s in range(len(run.weights) - 1):
        x, t = X[s % 4], T[s % 4, 0]
        a = step(x @ run.weights[s, :2] + run.weights[s, 2])
        assert np.allclose(run.weights[s + 1], run.weights[s] + 0.5 * (t - a) * np.append(x, 1))


@pytest.mark.parametrize("max_epochs", [10, 100, 1000])
def test_xor_never_converges_and_cycles(max_epochs):
    X, T = gate_data("XOR")
    run = train_perceptron(X, T, max_epochs=max_epochs)
    assert not run.converged and run.epochs == max_epochs
    assert np.all(run.mistakes > 0)
    first, period = find_cycle(run)
    assert np.all(run.mistakes[first:first + period] > 0)


@pytest.mark.parametrize("seed", range(5))
def test_xor_never_converges_from_random_starts(seed):
    w0 = np.random.default_rng(seed).normal(size=2)
    run = train_perceptron(*gate_data("XOR"), w0=w0, b0=0.3, max_epochs=300)
    assert not run.converged


def test_find_cycle_is_none_before_any_repeat():
    run = train_perceptron(*gate_data("XOR"), max_epochs=1)
    assert find_cycle(run) is None


def test_hand_built_xor_truth_table():
    X, T = gate_data("XOR")
    hidden, out = xor_by_hand(X)
    assert np.array_equal(out, T[:, 0])
    assert np.array_equal(hidden[:, 0], GATES["AND"]) and np.array_equal(hidden[:, 1], GATES["NOR"])
    for name, unit in GATE_PERCEPTRONS.items():
        assert np.array_equal(unit(X), GATES[name])


def test_step_threshold_and_gate_errors():
    assert np.array_equal(step(np.array([-1.0, 0.0, 0.5])), [0, 0, 1])
    with pytest.raises(NetworkInputError, match="unknown gate"):
        gate_data("XNOR")
    with pytest.raises(NetworkInputError, match="2 inputs"):
        GATE_PERCEPTRONS["AND"](np.ones((4, 3)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"eta": 0.0}, "eta must be positive"), ({"max_epochs": 0}, "max_epochs"),
     ({"w0": [1.0, 2.0, 3.0]}, "w0 needs 2 entries")],
)
def test_train_perceptron_refuses_bad_settings(kwargs, message):
    with pytest.raises(NetworkInputError, match=message):
        train_perceptron(*gate_data("AND"), **kwargs)


def test_train_perceptron_refuses_bad_data():
    X, T = gate_data("AND")
    with pytest.raises(NetworkInputError, match="0 or 1"):
        train_perceptron(X, 2 * T - 1)
    with pytest.raises(NetworkInputError, match="patterns"):
        train_perceptron(X, T[:3])
    with pytest.raises(NetworkInputError, match="NaN"):
        train_perceptron(np.full((4, 2), np.nan), T)


@pytest.mark.parametrize(("activation", "f", "fprime"), [
    ("identity", lambda n: n, lambda a: 1),
    ("sigmoid", sigmoid, lambda a: a * (1 - a)),
    ("tanh", sp.tanh, lambda a: 1 - a**2),
])
def test_delta_rule_equals_sympy_diff(activation, f, fprime):
    x = sp.symbols("x1:3", real=True)
    w = sp.symbols("w1:3", real=True)
    b, t = sp.symbols("b t", real=True)
    a = f(w[0] * x[0] + w[1] * x[1] + b)
    E = (t - a) ** 2 / 2
    delta = (t - a) * fprime(a)
    assert equivalent(sp.diff(E, w[0]), -delta * x[0])
    assert equivalent(sp.diff(E, b), -delta)
    # and numerically, through the module, at one point
    point = {x[0]: 0.3, x[1]: -1.2, w[0]: 0.7, w[1]: -0.4, b: 0.1, t: 0.8}
    gW, gb, _ = delta_rule_gradient(np.array([[0.7, -0.4]]), np.array([0.1]),
                                    np.array([[0.3, -1.2]]), np.array([[0.8]]), activation)
    assert gW[0, 0] == pytest.approx(float(sp.diff(E, w[0]).subs(point)), rel=1e-10)
    assert gb[0] == pytest.approx(float(sp.diff(E, b).subs(point)), rel=1e-10)


@pytest.mark.parametrize("activation", ["identity", "sigmoid", "tanh"])
def test_delta_rule_equals_finite_differences_and_network(activation):
    rng = np.random.default_rng(3)
    X, T = rng.normal(size=(7, 3)), rng.uniform(size=(7, 2))
    net = Network((3, 2), activation, rng=rng)
    W, b = net.weights[0], net.biases[0]
    gW, gb, _ = delta_rule_gradient(W, b, X, T, activation)
    fd = numerical_gradient(
        lambda v: single_layer_error(v[:6].reshape(2, 3), v[6:], X, T, activation),
        np.append(W, b))
    assert np.allclose(np.append(gW, gb), fd, atol=1e-7)
    grads = net.gradients(X, T)
    assert np.allclose(gW, grads.weights[0]) and np.allclose(gb, grads.biases[0])


def test_delta_rule_refuses_wrong_shapes():
    with pytest.raises(NetworkInputError, match="shape"):
        delta_rule_gradient(np.zeros((2, 2)), np.zeros(1), np.zeros((4, 2)), np.zeros((4, 1)))
    with pytest.raises(NetworkInputError, match="mode"):
        train_delta_rule(*gate_data("AND"), mode="minibatch")


def test_delta_rule_separates_a_separable_problem_and_lowers_the_error():
    X, T = gate_data("AND")
    run = train_delta_rule(X, T, activation="sigmoid", eta=0.5, epochs=2000)
    assert np.all(np.diff(run.errors) < 0)
    assert np.array_equal(step(X @ run.W[-1, 0] + run.b[-1, 0]), T[:, 0])


def test_linear_delta_rule_reaches_least_squares_online_and_batch():
    X, T = gate_data("XOR")
    for mode in ("batch", "online"):
        eta = 0.1 if mode == "batch" else 0.01
        run = train_delta_rule(X, T, activation="identity", eta=eta, epochs=4000, mode=mode)
        tol = 1e-6 if mode == "batch" else 0.02  # online ends near, not at, the minimum
        assert np.allclose(np.append(run.W[-1], run.b[-1]), [0, 0, 0.5], atol=tol)


def test_descend_detects_divergence_at_the_critical_rate():
    H = np.diag([1.0, 4.0])  # E = w^T H w / 2, lambda_max = 4, eta_c = 0.5

    def error(w):
        return 0.5 * w @ H @ w

    def grad(w):
        return H @ w

    assert descend(error, grad, [1.0, 1.0], 0.45, 500).status == "converged"
    assert descend(error, grad, [1.0, 1.0], 0.55, 500).status == "diverged"
    with pytest.raises(NetworkInputError, match="eta"):
        descend(error, grad, [1.0, 1.0], -0.1, 5)


def test_error_surface_step_is_terraced_and_matches_pointwise_error():
    X, T = gate_data("AND")
    grid = np.linspace(-3, 3, 31)
    surf = error_surface(X, T, grid, grid, bias=-1.0, activation="step")
    assert set(np.unique(surf)) <= {0.0, 0.5, 1.0, 1.5, 2.0}
    smooth = error_surface(X, T, grid, grid, bias=-1.0, activation="sigmoid")
    r, c = 7, 20
    assert smooth[r, c] == pytest.approx(
        single_layer_error(np.array([[grid[c], grid[r]]]), np.array([-1.0]), X, T, "sigmoid"))
    with pytest.raises(NetworkInputError, match="two inputs"):
        error_surface(np.zeros((4, 3)), T, grid, grid)
