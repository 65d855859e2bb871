"""backprop.functions: the activation functions (a stable sigmoid, softmax and its Jacobian
product) and the losses (half-SSE; the two cross-entropies from the net inputs, accurate when
saturated), and the output delta: t - a for the two canonical pairs, the general product
otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.functions import (
    LOSSES,
    binary_cross_entropy,
    categorical_cross_entropy,
    get_activation,
    get_loss,
    half_sse,
    output_delta,
)


def _targets_for(loss, rng, n, k):
    if loss == "categorical_cross_entropy":
        return np.eye(k)[rng.integers(0, k, n)]
    return rng.uniform(0.05, 0.95, size=(n, k))


def test_sigmoid_is_stable_for_large_inputs():
    f = get_activation("sigmoid").f
    with np.errstate(over="raise"):
        out = f(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])


def test_half_sse():
    assert half_sse(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]])) == pytest.approx(2.5)


@pytest.mark.parametrize("out,loss", [("sigmoid", "binary_cross_entropy"),
                                      ("softmax", "categorical_cross_entropy")])
def test_cross_entropy_output_delta_is_t_minus_a_and_equals_the_general_product(out, loss):
    rng = np.random.default_rng(5)
    net = rng.normal(size=(6, 3)) * 2
    f, L = get_activation(out), get_loss(loss)
    a = f.f(net)
    T = _targets_for(loss, rng, 6, 3)
    shortcut = output_delta(L, f, a, T)
    np.testing.assert_array_equal(shortcut, T - a)
    # -dE/da carried back through f' by hand: the cancellation the book derives.
    np.testing.assert_allclose(f.backward(a, L.minus_dE_da(a, T)), shortcut, atol=1e-12)


def test_half_sse_output_delta_is_t_minus_a_times_fprime():
    a = np.array([[0.2, 0.9]])
    t = np.array([[1.0, 0.0]])
    np.testing.assert_allclose(output_delta(get_loss("half_sse"), get_activation("sigmoid"),
                                            a, t), (t - a) * a * (1 - a))


def test_cross_entropies_equal_their_definitions_and_stay_finite_when_saturated():
    rng = np.random.default_rng(8)
    net = rng.normal(size=(4, 3))
    t = rng.uniform(size=(4, 3))
    a = 1 / (1 + np.exp(-net))
    want = -np.sum(t * np.log(a) + (1 - t) * np.log(1 - a))
    assert binary_cross_entropy(net, t) == pytest.approx(want, rel=1e-12)
    onehot = np.eye(3)[[0, 2, 1, 1]]
    p = np.exp(net) / np.exp(net).sum(axis=1, keepdims=True)
    assert categorical_cross_entropy(net, onehot) == pytest.approx(
        -np.sum(onehot * np.log(p)), rel=1e-12)
    # A confident wrong answer costs about |net|; a confident right one about e^-|net|.
    assert binary_cross_entropy(np.array([[800.0]]), np.array([[0.0]])) == pytest.approx(800)
    assert categorical_cross_entropy(np.array([[900.0, 0.0]]), np.array([[0.0, 1.0]])) \
        == pytest.approx(900)
    assert binary_cross_entropy(np.array([[40.0]]), np.array([[1.0]])) == pytest.approx(
        np.exp(-40.0), rel=1e-12)
    assert categorical_cross_entropy(np.array([[0.0, 50.0]]), np.array([[0.0, 1.0]])) \
        == pytest.approx(np.exp(-50.0), rel=1e-12)


def test_softmax_backward_is_the_jacobian_transpose_times_g():
    rng = np.random.default_rng(1)
    f = get_activation("softmax")
    net, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    a = f.f(net)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    for p in range(4):
        J = np.diag(a[p]) - np.outer(a[p], a[p])  # J_mk = a_m (delta_mk - a_k), symmetric
        np.testing.assert_allclose(f.backward(a[p:p + 1], g[p:p + 1])[0], J.T @ g[p],
                                   atol=1e-15)
    assert f.fprime_from_a is None  # not elementwise: only backward applies it


def test_loss_names_are_listed_when_unknown():
    assert set(LOSSES) == {"half_sse", "binary_cross_entropy", "categorical_cross_entropy"}
    with pytest.raises(ValueError, match="unknown loss 'mse'; valid names are: half_sse"):
        get_loss("mse")
