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
