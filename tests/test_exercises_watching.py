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
    from backprop.landscapes import stacked_errors

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


# --------------------------------------------------------------------------- book/other-losses
_T, _A = sp.symbols("t_k a_k")


def test_tanh_cross_entropy_delta():
    assert ex.check_tanh_cross_entropy_delta(_T - _A, show=False).passed
    assert ex.check_tanh_cross_entropy_delta(sp.Symbol("t_k", real=True) - sp.Symbol("a_k"),
                                             show=False).passed
    for wrong, phrase in [((_T - _A) / (1 - _A**2), "multiply by the unit's slope"),
                          (_A - _T, "sign is flipped"),
                          ((_T - _A) * _A / (1 + _A), "sigmoid's slope"),
                          ((_T - _A) * (1 - _A**2), "squared error's delta"),
                          (2 * (_T - _A), "factor 2")]:
        assert phrase in ex.check_tanh_cross_entropy_delta(wrong, show=False).message
    assert not ex.check_tanh_cross_entropy_delta(_T + _A, show=False).passed
    assert ex.check_tanh_cross_entropy_delta(None, show=False).status == "not yet"


def _softmax_gradients(net, X, T, *, bug=False, dtype=float):
    fwd = net.forward(X)
    A1, A2 = fwd.activations[1].astype(dtype), fwd.output.astype(dtype)
    delta2 = (T.astype(dtype) - A2) * (A2 * (1 - A2) if bug else 1)
    delta1 = A1 * (1 - A1) * (delta2 @ net.weights[1].astype(dtype))
    return [-delta1.T @ X.astype(dtype), -delta2.T @ A1]


def test_softmax_gradients():
    assert ex.check_softmax_gradients(_softmax_gradients, show=False).passed
    assert ex.check_softmax_gradients(
        lambda *a: _softmax_gradients(*a, dtype=np.float32), show=False).passed
    buggy = ex.check_softmax_gradients(lambda *a: _softmax_gradients(*a, bug=True),
                                       show=False)
    assert "still multiplies by A2 (1 - A2)" in buggy.message
    flipped = ex.check_softmax_gradients(lambda *a: [-g for g in _softmax_gradients(*a)],
                                         show=False)
    assert "signs are flipped" in flipped.message
    swapped = ex.check_softmax_gradients(lambda *a: _softmax_gradients(*a)[::-1], show=False)
    assert "swapped" in swapped.message or "shape of W^(1)" in swapped.message

    def wrong_hidden(net, X, T):
        g = _softmax_gradients(net, X, T)
        return [2 * g[0], g[1]]

    assert "dE/dW2 is right but dE/dW1" in ex.check_softmax_gradients(wrong_hidden,
                                                                       show=False).message
    assert "two arrays" in ex.check_softmax_gradients(lambda *a: 3.0, show=False).message

    def stub(net, X, T):
        raise NotImplementedError

    assert ex.check_softmax_gradients(stub, show=False).status == "not yet"


def _stable(net):
    shifted = net - np.max(net, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def test_log_softmax():
    assert ex.check_log_softmax(_stable, show=False).passed
    assert ex.check_log_softmax(lambda n: _stable(n.astype(np.float32)), show=False).passed
    with np.errstate(all="ignore"):
        naive = ex.check_log_softmax(
            lambda n: np.log(np.exp(n) / np.exp(n).sum(axis=1, keepdims=True)), show=False)
        batch_max = ex.check_log_softmax(
            lambda n: (n - n.max()) - np.log(np.exp(n - n.max()).sum(axis=1, keepdims=True)),
            show=False)
    assert "subtract each row's largest net input first" in naive.message
    assert "not the largest of the whole batch" in batch_max.message
    assert "softmax itself" in ex.check_log_softmax(lambda n: np.exp(_stable(n)),
                                                    show=False).message
    assert "wrong axis" in ex.check_log_softmax(lambda n: _stable(n.T).T, show=False).message
    assert "sign is flipped" in ex.check_log_softmax(lambda n: -_stable(n), show=False).message
    assert ex.check_log_softmax(None, show=False).status == "not yet"
