"""The checks of book/gradient-checking: right answers pass (float32 too, where arrays are
returned), each named mistake is named, a stub or None is "not yet", and odd answers get
feedback, not errors."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import exercises as ex

# Symbols as a student would make them: plain names, with and without assumptions.
EPS, E, M = sp.symbols("epsilon E M_3", positive=True)
eps, e, m = sp.symbols("epsilon E M_3")
H_BEST = (3 * EPS * E / M) ** sp.Rational(1, 3)


# --------------------------------------------------------------------------- exercise 1
@pytest.mark.parametrize("h_best, error_best", [
    (H_BEST, M / 2 * H_BEST**2),
    (sp.cbrt(3) * sp.cbrt(EPS) * sp.cbrt(E) / sp.cbrt(M),
     sp.Rational(1, 2) * 3 ** sp.Rational(2, 3) * (EPS * E) ** sp.Rational(2, 3)
     * M ** sp.Rational(1, 3)),
    ((3 * eps * e / m) ** sp.Rational(1, 3), m * (3 * eps * e / m) ** sp.Rational(2, 3) / 2),
    (sp.root(3 * EPS * E / M, 3), H_BEST**2 * M / 6 + EPS * E / H_BEST),
])
def test_best_step_accepts_equal_forms(h_best, error_best):
    assert ex.check_best_step(h_best, error_best, show=False).passed


@pytest.mark.parametrize("h_best, error_best, words", [
    (2 * sp.sqrt(EPS * E / M), None, "forward difference's best step"),
    ((EPS * E / M) ** sp.Rational(1, 3), None, "not h^2 M_3 / 2"),
    ((6 * EPS * E / M) ** sp.Rational(1, 3), None, "where the two errors are equal"),
    ((3 * EPS * E / M) ** sp.Rational(1, 2), None, "is not the minimum"),
    (H_BEST, M / 6 * H_BEST**2, "only the truncation error"),
    (H_BEST, EPS * E / H_BEST, "only the rounding error"),
    (H_BEST * sp.Symbol("h"), None, "contains h"),
    (H_BEST, None, "replace None in `error_best`"),
    (None, None, "replace None in `h_best`"),
    ("3 eps E / M", None, "should be one SymPy expression"),
])
def test_best_step_names_the_mistake(h_best, error_best, words):
    result = ex.check_best_step(h_best, error_best, show=False)
    assert not result.passed and words in result.message, result.message
    if h_best is None:
        assert result.status == ex.NOT_YET


# --------------------------------------------------------------------------- exercise 2
def _checker(*, scheme="central", floor=1e-12, restore=True, copy=True, divide=2.0,
             relative="sum", fixed_h=None, dtype=float):
    """A gradient checker with one switch per likely mistake."""

    def gradient_check(net, X, T, analytic, h):
        h = fixed_h or h
        trial = net.copy() if copy else net
        theta = net.parameters().astype(dtype)
        numeric = np.zeros_like(theta)
        here = float(trial.error(X, T))
        for i in range(theta.size):
            point = theta.copy() if restore else theta
            point[i] += h
            trial.set_flat_parameters(point)
            up = float(trial.error(X, T))
            if scheme == "central":
                point[i] -= 2 * h
                trial.set_flat_parameters(point)
                numeric[i] = (up - float(trial.error(X, T))) / (divide * h)
            else:
                numeric[i] = (up - here) / h
        gap = np.abs(analytic - numeric)
        if relative == "sum":
            worst = np.max(gap / np.maximum(np.abs(analytic) + np.abs(numeric), floor))
        elif relative == "max":
            worst = np.max(gap / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)),
                                            floor))
        elif relative == "mean":
            worst = np.mean(gap / np.maximum(np.abs(analytic) + np.abs(numeric), floor))
        else:
            worst = np.max(gap)
        return numeric, worst

    return gradient_check


def test_gradient_check_right_answer():
    assert ex.check_gradient_check(_checker(), show=False).passed


@pytest.mark.parametrize("kwargs, words", [
    ({"scheme": "forward"}, "forward difference"),
    ({"divide": 1.0}, "divide by 2h, not h"),
    ({"divide": 4.0}, "not 4h"),
    ({"restore": False}, "restore theta_i"),
    ({"copy": False}, "left `net` changed"),
    ({"fixed_h": 1e-6}, "use the step `h`"),
    ({"floor": 0.0}, "NaN"),
    ({"relative": "absolute"}, "largest absolute difference"),
    ({"relative": "mean"}, "mean of the relative errors"),
    ({"relative": "max"}, "max(|a_i|, |n_i|)"),
    ({"dtype": np.float32}, "entry"),
])
def test_gradient_check_names_the_mistake(kwargs, words):
    result = ex.check_gradient_check(_checker(**kwargs), show=False)
    assert not result.passed and words in result.message, result.message


def test_gradient_check_stub_and_odd_returns():
    def stub(net, X, T, analytic, h):
        raise NotImplementedError

    assert ex.check_gradient_check(stub, show=False).status == ex.NOT_YET
    assert ex.check_gradient_check(None, show=False).status == ex.NOT_YET
    one = ex.check_gradient_check(lambda *a: np.zeros(3), show=False)
    assert "return two things" in one.message
    shape = ex.check_gradient_check(lambda net, X, T, a, h: (np.zeros(2), 0.0), show=False)
    assert "shape" in shape.message
    right = _checker()
    word = ex.check_gradient_check(lambda *a: (right(*a)[0], "small"), show=False)
    assert "one number" in word.message


# --------------------------------------------------------------------------- exercise 3
def _backward(*, slope_from="a", dtype=float, sign=1.0, skip_first=False):
    def fixed_gradients(net, X, T):
        fwd = net.forward(X)
        A = [a.astype(dtype) for a in fwd.activations]
        N = [n.astype(dtype) for n in fwd.nets]
        L = len(net.weights)
        T = T.astype(dtype)
        delta = (T - A[L]) * A[L] * (1 - A[L])
        grads_W, grads_b = [None] * L, [None] * L
        for l in range(L, 0, -1):
            grads_W[l - 1] = -sign * delta.T @ A[l - 1]
            grads_b[l - 1] = -sign * delta.sum(axis=0)
            if l > 1:
                s = A[l - 1] if slope_from == "a" else N[l - 2]
                delta = s * (1 - s) * (delta @ net.weights[l - 1].astype(dtype))
        if skip_first:
            grads_W[0] = np.zeros_like(grads_W[0])
        return grads_W, grads_b

    return fixed_gradients


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fixed_gradients_right_answer(dtype):
    assert ex.check_fixed_gradients(_backward(dtype=dtype), show=False).passed


@pytest.mark.parametrize("func, words", [
    (_backward(slope_from="net"), "still come from the net inputs"),
    (_backward(sign=-1.0), "sign is flipped"),
    (_backward(skip_first=True), "these blocks differ from Network.gradients: W1"),
    (lambda net, X, T: ([], []), "two lists"),
    (lambda net, X, T: _backward()(net, X, T)[0], "two lists"),
    (lambda net, X, T: ([g.T for g in _backward()(net, X, T)[0]],
                        _backward()(net, X, T)[1]), "should have shape"),
])
def test_fixed_gradients_names_the_mistake(func, words):
    result = ex.check_fixed_gradients(func, show=False)
    assert not result.passed and words in result.message, result.message
