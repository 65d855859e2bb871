"""The checks of the notation appendix (Bishop's and Nielsen's deltas)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from backprop import exercises as ex

AK, TK = sp.symbols("a_k t_k")
_Y = 1 / (1 + sp.exp(-AK))


def test_bishop_delta():
    assert ex.check_bishop_delta((_Y - TK) * _Y * (1 - _Y), show=False).passed
    result = ex.check_bishop_delta(_Y - TK, show=False)
    assert result.status == "incorrect" and "y_k(1 - y_k)" in result.message
    assert "book's delta" in ex.check_bishop_delta(-(_Y - TK) * _Y * (1 - _Y),
                                                   show=False).message


def _nielsen(weights, zs, a_L, y, sign=1):
    sig_prime = lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2  # noqa: E731
    deltas = [(a_L - y) * sig_prime(zs[-1])]
    for layer in range(len(weights) - 1, 0, -1):
        deltas.insert(0, (weights[layer].T @ deltas[0]) * sig_prime(zs[layer - 1]))
    return [sign * d for d in deltas]


def test_nielsen_deltas():
    assert ex.check_nielsen_deltas(_nielsen, show=False).passed
    assert "book's delta" in ex.check_nielsen_deltas(lambda *a: _nielsen(*a, sign=-1),
                                                     show=False).message
    assert "reverse" in ex.check_nielsen_deltas(lambda *a: _nielsen(*a)[::-1],
                                                show=False).message
