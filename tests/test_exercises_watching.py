"""The checks of part III (training XOR, error landscapes, beyond XOR)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from backprop import exercises as ex

_WK1, _WK2, _BK = sp.symbols("w_k1 w_k2 b_k")
_N1, _N2 = sp.symbols("net_1 net_2")
_WJ1, _WJ2, _S = sp.symbols("w_j1 w_j2 s")


def _sig(x):
    return 1 / (1 + sp.exp(-x))


def test_net_along_normal():
    assert ex.check_net_along_normal(sp.sqrt(_WJ1**2 + _WJ2**2) * _S, show=False).passed
    assert "length" in ex.check_net_along_normal((_WJ1**2 + _WJ2**2) * _S,
                                                 show=False).message
    u = sp.Symbol("u")
    cancelling = _WJ1 * u * (-_WJ2) + _WJ2 * u * _WJ1 + sp.sqrt(_WJ1**2 + _WJ2**2) * _S
    assert ex.check_net_along_normal(cancelling, show=False).passed


def _momentum(net, X, T, eta, alpha, epochs):
    vw = [np.zeros_like(W) for W in net.weights]
    vb = [np.zeros_like(b) for b in net.biases]
    errors = []
    for _ in range(epochs):
        errors.append(float(net.error(X, T)))
        g = net.gradients(X, T)
        for layer in range(len(net.weights)):
            vw[layer] = alpha * vw[layer] - eta * g.weights[layer]
            vb[layer] = alpha * vb[layer] - eta * g.biases[layer]
            net.weights[layer] = net.weights[layer] + vw[layer]
            net.biases[layer] = net.biases[layer] + vb[layer]
    return np.array(errors)


def test_momentum_epochs():
    assert ex.check_momentum_epochs(_momentum, show=False).passed
    plain = ex.check_momentum_epochs(
        lambda net, X, T, eta, alpha, n: _momentum(net, X, T, eta, 0.0, n), show=False)
    assert "plain gradient descent" in plain.message
    short = ex.check_momentum_epochs(lambda *a: _momentum(*a)[:50], show=False)
    assert "return the 100 errors" in short.message


def test_symmetric_twin():
    from backprop.datasets import xor
    from backprop.training import TrainingConfig, make_state

    X, T = xor()
    twin = make_state(TrainingConfig(eta=2.0, seed=0), X, T)
    twin.net.weights[0][1] = twin.net.weights[0][0]
    twin.net.biases[0][1] = twin.net.biases[0][0]
    assert "outgoing" in ex.check_symmetric_twin(twin, show=False).message
    twin.net.weights[1][0, 1] = twin.net.weights[1][0, 0]
    before = twin.net.parameters().copy()
    assert ex.check_symmetric_twin(twin, show=False).passed
    assert np.array_equal(twin.net.parameters(), before)  # trained on a copy
    assert "training state" in ex.check_symmetric_twin("twin", show=False).message
    assert ex.check_symmetric_twin(None, show=False).status == "not yet"


def test_xor_origin():
    assert ex.check_xor_origin([0] * 9, sp.Rational(1, 4), show=False).passed
    assert ex.check_xor_origin([sp.Integer(0)] * 9, 0.25, show=False).passed
    assert "one pattern" in ex.check_xor_origin([0] * 9, sp.Rational(1, 16),
                                                show=False).message
    assert "[8]" in ex.check_xor_origin([0] * 8 + [1], sp.Rational(1, 4), show=False).message
    assert "you gave 8" in ex.check_xor_origin([0] * 8, sp.Rational(1, 4), show=False).message


def test_line_errors():
    from backprop.training import stacked_errors

    def right(net, X, T, a, b, n):
        s = np.linspace(0.0, 1.0, n)[:, None]
        return stacked_errors(net, (1 - s) * a + s * b, X, T)

    assert ex.check_line_errors(right, show=False).passed
    assert "backwards" in ex.check_line_errors(
        lambda net, X, T, a, b, n: right(net, X, T, b, a, n), show=False).message
    assert "11 errors" in ex.check_line_errors(lambda *a: np.zeros(10), show=False).message


def test_tanh_as_sigmoids():
    right = 2 * _WK1 * _sig(2 * _N1) + 2 * _WK2 * _sig(2 * _N2) + _BK - _WK1 - _WK2
    assert ex.check_tanh_as_sigmoids(right, show=False).passed
    assert "bias" in ex.check_tanh_as_sigmoids(right + _WK1 + _WK2, show=False).message
    still = ex.check_tanh_as_sigmoids(_WK1 * sp.tanh(_N1) + _WK2 * sp.tanh(_N2) + _BK,
                                      show=False)
    assert "still contains tanh" in still.message


def test_xor_of_blobs():
    def blobs(n, rng, noise, swap=False):
        corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
        pick = rng.integers(0, 4, size=n)
        X = corners[pick] + rng.normal(0.0, noise, size=(n, 2))
        T = ((corners[pick, 0] * corners[pick, 1] < 0) != swap).astype(float)[:, None]
        return X, T

    assert ex.check_xor_of_blobs(blobs, show=False).passed
    assert "swapped" in ex.check_xor_of_blobs(lambda *a: blobs(*a, swap=True),
                                              show=False).message
    assert "tuple" in ex.check_xor_of_blobs(lambda n, rng, noise: blobs(n, rng, noise)[0],
                                            show=False).message
    assert "standard deviation" in ex.check_xor_of_blobs(
        lambda n, rng, noise: blobs(n, rng, 3 * noise), show=False).message
