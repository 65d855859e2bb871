"""The checks of part I (perceptron, gradient descent, delta rule): right answers pass, each
named mistake is named, stubs are "not yet"."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import exercises as ex

W1, W2, W3, B = sp.symbols("w_1 w_2 w_3 b")
A1, A2, T_, X_ = sp.symbols("a_1 a_2 t x")
_F = 2 / (1 + sp.exp(-X_)) - 1
_TANH = sp.tanh(W1 * A1 + W2 * A2 + B)
_DELTA = (T_ - _TANH) * (1 - _TANH**2)


@pytest.fixture(autouse=True)
def _fresh():
    ex.clear_results()
    yield


# (check, right answer(s), wrong answer(s), words the feedback on the wrong one contains)
SYMBOLIC = [
    (ex.check_parity_sums, (2 * (W1 + W2 + W3) + 4 * B,) * 2,
     (W1 + W2 + W3 + 3 * B, 2 * (W1 + W2 + W3) + 4 * B), "(1, 1, 1)"),
    (ex.check_bipolar_sigmoid_slope, ((1 - _F**2) / 2,), (1 - _F**2,), "1/2"),
    (ex.check_tanh_delta, (_DELTA,), (-_DELTA,), "sign"),
]


@pytest.mark.parametrize("check, right, wrong, words", SYMBOLIC,
                         ids=[c[0].__name__ for c in SYMBOLIC])
def test_symbolic_checks(check, right, wrong, words):
    assert check(*right, show=False).passed
    result = check(*wrong, show=False)
    assert result.status == "incorrect" and words in result.message
    assert check(*[None] * len(right), show=False).status == "not yet"


def _perceptron_epoch(w, b, X, t, eta, online=True, count=True):
    mistakes = 0
    for x_p, t_p in zip(X, t):
        err = t_p - float(x_p @ w + b > 0)
        w, b = w + eta * err * x_p, (b + eta * err if online else b)
        mistakes += (err != 0) if count else 1
    return w, b, mistakes


def test_perceptron_epoch():
    assert ex.check_perceptron_epoch(_perceptron_epoch, show=False).passed
    frozen = ex.check_perceptron_epoch(
        lambda w, b, X, t, eta: _perceptron_epoch(w, b, X, t, eta, online=False), show=False)
    assert frozen.status == "incorrect" and "bias never moves" in frozen.message
    counted = ex.check_perceptron_epoch(
        lambda w, b, X, t, eta: _perceptron_epoch(w, b, X, t, eta, count=False), show=False)
    assert "misclassified" in counted.message
    assert "tuple" in ex.check_perceptron_epoch(lambda *a: 1, show=False).message


def _descent(X, t, w, eta, steps, sign=1, mean=False):
    for _ in range(steps):
        w = w + sign * eta * X.T @ (t - X @ w) / (len(t) if mean else 1)
    return w


@pytest.mark.parametrize("func, words", [
    (lambda X, t, w, eta, s: _descent(X, t, w, eta, s, sign=-1), "uphill"),
    (lambda X, t, w, eta, s: _descent(X, t, w, eta, s, mean=True), "mean"),
    (lambda X, t, w, eta, s: _descent(X, t, w, eta, 1), "500 steps"),
    (lambda X, t, w, eta, s: w, "should change w"),
    (lambda X, t, w, eta, s: np.zeros(3), "shape (2,)"),
])
def test_gradient_descent_mistakes(func, words):
    result = ex.check_gradient_descent(func, show=False)
    assert result.status == "incorrect" and words in result.message, result.message


def test_gradient_descent_right():
    assert ex.check_gradient_descent(_descent, show=False).passed
    assert ex.check_gradient_descent(
        lambda *a: _descent(*a).astype(np.float32), show=False).passed


def _online_delta(W, b, X, T, eta, online=True, bias=True):
    W0, b0 = W.copy(), b.copy()
    for x, t_p in zip(X, T):
        Wc, bc = (W, b) if online else (W0, b0)
        a = 1 / (1 + np.exp(-(Wc @ x + bc)))
        delta = (t_p - a) * a * (1 - a)
        W, b = W + eta * np.outer(delta, x), (b + eta * delta if bias else b)
    return W, b


def test_online_delta_rule():
    assert ex.check_online_delta_rule(_online_delta, show=False).passed
    batch = ex.check_online_delta_rule(lambda *a: _online_delta(*a, online=False),
                                       show=False)
    assert "batch" in batch.message
    assert "b += eta delta" in ex.check_online_delta_rule(
        lambda *a: _online_delta(*a, bias=False), show=False).message


# --------------------------------------------------------------------------- find the bug
RIGHT_GATES = {"OR": ((1.0, 1.0), -0.5), "NAND": ((-1.0, -1.0), 1.5), "AND": ((1.0, 1.0), -1.5)}


def test_xor_gates_right_and_other_right_units():
    assert ex.check_xor_gates(RIGHT_GATES, show=False).passed
    other = {"OR": ((2.0, 2.0), -1.0), "NAND": ((-0.5, -0.5), 0.7), "AND": ((1.0, 3.0), -3.5)}
    assert ex.check_xor_gates(other, show=False).passed


@pytest.mark.parametrize("gates, words", [
    ({**RIGHT_GATES, "NAND": ((-1.0, -1.0), 1.0)}, "passes through the patterns (0, 1), (1, 0)"),
    ({**RIGHT_GATES, "AND": ((1.0, 1.0), -2.0)}, "passes through the patterns (1, 1)"),
    ({**RIGHT_GATES, "NAND": ((-1.0, -1.0), 0.5)}, "computes NOR"),
    ({**RIGHT_GATES, "OR": ((1.0, 1.0), 0.5)}, "does not compute OR"),
    ({**RIGHT_GATES, "OR": ((1.0, 1.0), 0.0)}, "net input is exactly 0"),
    ({"OR": RIGHT_GATES["OR"], "AND": RIGHT_GATES["AND"]}, "keyed 'OR', 'NAND' and 'AND'"),
    ({**RIGHT_GATES, "AND": (1.0, -1.5)}, "two weights and one bias"),
    ({**RIGHT_GATES, "AND": ((1.0, 1.0),)}, "as a pair"),
])
def test_xor_gates_names_the_mistake(gates, words):
    result = ex.check_xor_gates(gates, show=False)
    assert not result.passed and words in result.message, result.message


def test_xor_gates_none_is_not_yet():
    assert ex.check_xor_gates(None, show=False).status == ex.NOT_YET


@pytest.mark.parametrize("func, words", [
    (lambda X: 2 / np.linalg.eigvalsh(X.T @ X)[0], "lambda_min"),
    (lambda X: 1 / np.linalg.eigvalsh(X.T @ X)[-1], "half the critical rate"),
    (lambda X: 2 / np.linalg.svd(X, compute_uv=False)[0], "singular value"),
    (lambda X: 2 / np.trace(X.T @ X), "trace"),
    (lambda X: np.zeros(2), "one number"),
    (lambda X: 3.0, "critical rate is 2 / lambda_max"),
])
def test_critical_rate_names_the_mistake(func, words):
    result = ex.check_critical_rate(func, show=False)
    assert not result.passed and words in result.message, result.message


def test_critical_rate_right_in_any_form():
    assert ex.check_critical_rate(lambda X: 2 / np.linalg.eigvalsh(X.T @ X)[-1], show=False).passed
    assert ex.check_critical_rate(lambda X: 2 / np.max(np.linalg.eigvals(X @ X.T).real),
                                  show=False).passed


def _batch(kind="right", dtype=float):
    def batch_step(W, b, X, T, eta):
        W, b, X, T = (np.asarray(v, dtype=dtype) for v in (W, b, X, T))
        A = 1 / (1 + np.exp(-(X @ W.T + b)))
        delta = (T - A) * (1 if kind == "no slope" else A * (1 - A))
        if kind == "transposed":
            return W + eta * X.T @ delta, b + eta * delta.sum(axis=0)
        sign = -1 if kind == "uphill" else 1
        return W + sign * eta * delta.T @ X, b + sign * eta * delta.sum(axis=0)

    return batch_step


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_step_right(dtype):
    assert ex.check_batch_step(_batch(dtype=dtype), show=False).passed


@pytest.mark.parametrize("kind, words", [
    ("transposed", "X^T delta has the shape (inputs, outputs)"),
    ("uphill", "uphill"),
    ("no slope", "f'(net) = a(1 - a) is missing"),
])
def test_batch_step_names_the_mistake(kind, words):
    result = ex.check_batch_step(_batch(kind), show=False)
    assert not result.passed and words in result.message, result.message


def test_batch_step_transposed_on_a_square_layer_is_named():
    # Only the square layer of the plan lets the student's X^T delta fit W.
    from backprop.exercises.foundations import check_batch_step

    spec = check_batch_step.checker
    plan = spec.make_plan()
    calls = plan.calls["batch_step"]
    square = [i for i, c in enumerate(calls) if c.args[0].shape[0] == c.args[0].shape[1]]
    assert square
    from backprop.exercises.framework import Ran

    values = [_batch("transposed")(*c.args) if i in square else _batch()(*c.args)
              for i, c in enumerate(calls)]
    verdict = spec.judge(plan, Ran(values, [[] for _ in calls]))
    assert "still transposed" in verdict.message
