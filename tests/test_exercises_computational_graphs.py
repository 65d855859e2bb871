"""The checks of book/computational-graphs: right answers pass (float32 too), each named
mistake is named, a stub or None is "not yet", and odd answers get feedback, not errors."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import exercises as ex

# Symbols as a student would make them: no assumptions, plain names.
X, W, T, A1, A2 = sp.symbols("x w t a_1 a_2")
D_NET2 = -(T - A2) * A2 * (1 - A2)


def _sigma(z):
    return 1 / (1 + sp.exp(-z))


# --------------------------------------------------------------------------- exercise 1
@pytest.mark.parametrize("answer", [
    D_NET2 * (A1 + W * A1 * (1 - A1) * X),
    sp.expand(D_NET2 * (A1 + W * A1 * (1 - A1) * X)),
    sp.diff(sp.Rational(1, 2) * (T - _sigma(W * _sigma(W * X))) ** 2, W),   # only x, w, t
    (A2 - T) * A2 * (1 - A2) * A1 * (1 + W * X * (1 - A1)),
])
def test_tied_weight_accepts_equal_forms(answer):
    assert ex.check_tied_weight_gradient(answer, show=False).passed


@pytest.mark.parametrize("answer, words", [
    (D_NET2 * A1, "only the share of the second use"),
    (D_NET2 * W * A1 * (1 - A1) * X, "only the share of the first use"),
    (-D_NET2 * (A1 + W * A1 * (1 - A1) * X), "sign is flipped"),
    (D_NET2 * (A1 + W * X), "slope a_1(1 - a_1) is missing"),
    (2 * D_NET2 * (A1 + W * A1 * (1 - A1) * X), "factor 2"),
    (D_NET2 * sp.Symbol("y"), "contains y"),
    (D_NET2, "not equal"),
    (None, "replace None"),
    ("a string", "expected a SymPy expression"),
])
def test_tied_weight_names_the_mistake(answer, words):
    result = ex.check_tied_weight_gradient(answer, show=False)
    assert not result.passed and words in result.message
    if answer is None:
        assert result.status == ex.NOT_YET


# --------------------------------------------------------------------------- exercise 2
def _sweep(parents, local, *, add=True, backwards=True, seed=True, dtype=float):
    grad = np.zeros(len(parents), dtype=dtype)
    if seed:
        grad[-1] = 1.0
    for v in (reversed(range(len(parents))) if backwards else range(len(parents))):
        for u, d in zip(parents[v], local[v]):
            grad[u] = grad[u] + grad[v] * d if add else grad[v] * d
    return grad


def test_sweep_passes_also_in_float32():
    assert ex.check_sweep_fixed(_sweep, show=False).passed
    assert ex.check_sweep_fixed(lambda p, l: _sweep(p, l, dtype=np.float32), show=False).passed


@pytest.mark.parametrize("kwargs, words", [
    ({"add": False}, "overwritten"),
    ({"backwards": False}, "first to last"),
    ({"seed": False}, "dE/dE = 1"),
])
def test_sweep_names_the_mistake(kwargs, words):
    result = ex.check_sweep_fixed(lambda p, l: _sweep(p, l, **kwargs), show=False)
    assert not result.passed and words in result.message


def test_sweep_stub_none_and_bad_returns_get_feedback():
    def stub(parents, local):
        raise NotImplementedError("ex-computational-graphs-2: not answered yet")

    assert ex.check_sweep_fixed(stub, show=False).status == ex.NOT_YET
    assert ex.check_sweep_fixed(None, show=False).status == ex.NOT_YET
    assert "returned None" in ex.check_sweep_fixed(lambda p, l: None, show=False).message
    short = ex.check_sweep_fixed(lambda p, l: _sweep(p, l)[:-1], show=False)
    assert "one gradient per node" in short.message
    crash = ex.check_sweep_fixed(lambda p, l: p[10**6], show=False)
    assert crash.status == "error" and "IndexError" in crash.message


# --------------------------------------------------------------------------- exercise 3
def test_div_local_passes_also_in_float32():
    assert ex.check_div_local(lambda u, v: (1 / v, -u / v**2), show=False).passed
    f32 = ex.check_div_local(lambda u, v: np.array([1 / v, -u / v**2], dtype=np.float32),
                             show=False)
    assert f32.passed


@pytest.mark.parametrize("answer, words", [
    (lambda u, v: (-u / v**2, 1 / v), "swapped"),
    (lambda u, v: (1 / v, u / v**2), "sign of the derivative by v"),
    (lambda u, v: (1 / v, -1 / v**2), "lacks the factor u"),
    (lambda u, v: (1 / v, u), "u * v"),
    (lambda u, v: (v, u), "values are wrong"),
    (lambda u, v: 1 / v, "a pair"),
])
def test_div_local_names_the_mistake(answer, words):
    result = ex.check_div_local(answer, show=False)
    assert not result.passed and words in result.message
