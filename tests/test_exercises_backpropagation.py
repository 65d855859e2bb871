"""The checks of part II (output layer to worked example): equal forms pass, each named
mistake is named, float32 answers pass, bad answers get feedback instead of errors."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import exercises as ex
from backprop.symbolic import a_j, a_k, t_k, w_kj

# Symbols as a student would make them: no assumptions, plain names.
T, A, AJ = sp.symbols("t_k a_k a_j")


# --------------------------------------------------------------------------- ex-output-layer-1
@pytest.mark.parametrize("answer", [
    -(T - A) * (1 - A**2) * AJ,
    (A - T) * (1 - A) * (1 + A) * AJ,
    -(t_k - a_k) * (1 - a_k**2) * a_j,
    sp.expand(-(T - A) * (1 - A**2) * AJ),
])
def test_output_gradient_accepts_equal_forms(answer):
    assert ex.check_output_weight_gradient(answer, show=False).passed


def test_output_gradient_accepts_the_tanh_of_net_forms():
    R = sp.Symbol("R", real=True)
    tanh_net = sp.tanh(w_kj * a_j + R)
    ans = sp.diff(sp.Rational(1, 2) * (t_k - tanh_net) ** 2, w_kj)
    assert ex.check_output_weight_gradient(ans, show=False).passed
    net = sp.Symbol("net_k")
    assert ex.check_output_weight_gradient(-(T - sp.tanh(net)) * sp.sech(net) ** 2 * AJ,
                                           show=False).passed


@pytest.mark.parametrize("answer, words", [
    ((T - A) * (1 - A**2) * AJ, "sign"),
    (-2 * (T - A) * (1 - A**2) * AJ, "factor 2"),
    (-(T - A) * AJ, "dnet_k is missing"),
    (-(T - A) * A * (1 - A) * AJ, "sigmoid's derivative"),
    (-(T - A) * (1 - A**2), "a_j is missing"),
    (None, "replace None"),
    ([1, 2], "expected a SymPy expression"),
    (sp.Eq(T, A), "right-hand side"),
    (-(T - A) * (1 - A**2) * AJ * sp.Symbol("x"), "contains x"),
    (T * A, "not equal"),
])
def test_output_gradient_names_the_mistake(answer, words):
    result = ex.check_output_weight_gradient(answer, show=False)
    assert not result.passed and result.points == 0 and words in result.message


# --------------------------------------------------------------------------- ex-hidden-layer-1
def test_hidden_delta_symbolic():
    d1, d2, w1, w2, aj = sp.symbols("delta_1 delta_2 w_1j w_2j a_j")
    check = ex.check_hidden_delta
    assert check((1 - aj**2) * (d1 * w1 + d2 * w2), show=False).passed
    assert "is missing" in check(d1 * w1 + d2 * w2, show=False).message
    assert "sum over k" in check((1 - aj**2) * d1 * w1, show=False).message
    assert "sign" in check(-(1 - aj**2) * (d1 * w1 + d2 * w2), show=False).message
    t1, t2, a1, a2 = sp.symbols("t_1 t_2 a_1 a_2")
    spelled = (1 - aj**2) * ((t1 - a1) * a1 * (1 - a1) * w1 + (t2 - a2) * a2 * (1 - a2) * w2)
    assert check(spelled, show=False).passed


def test_hidden_delta_as_a_function_of_net_j():
    from backprop.symbolic import sigmoid

    nj = sp.Symbol(r"\mathrm{net}_j", real=True)
    w1j, w2j, t1, t2, R1, R2 = sp.symbols("w_{1j} w_{2j} t_1 t_2 R_1 R_2", real=True)
    ak = [sigmoid(w1j * sp.tanh(nj) + R1), sigmoid(w2j * sp.tanh(nj) + R2)]
    E_tanh = sp.Rational(1, 2) * ((t1 - ak[0]) ** 2 + (t2 - ak[1]) ** 2)
    assert ex.check_hidden_delta(-sp.diff(E_tanh, nj), show=False).passed
    assert "sign" in ex.check_hidden_delta(sp.diff(E_tanh, nj), show=False).message
    one = -sp.diff(sp.Rational(1, 2) * (t1 - ak[0]) ** 2, nj)
    assert "sum over k" in ex.check_hidden_delta(one, show=False).message


# --------------------------------------------------------------------------- ex-output-layer-2
def right_output(T, A):
    return (T - A) * A * (1 - A)


@pytest.mark.parametrize("func, words", [
    (lambda T, A: -(T - A) * A * (1 - A), "sign"),
    (lambda T, A: T - A, "f'(net_k) is missing"),
    (lambda T, A: 2 * (T - A) * A * (1 - A), "factor 2"),
    (lambda T, A: (T - A) * A * (1 - A) / 2, "1/2"),
    (lambda T, A: (T - A) * (1 - A**2), "tanh"),
    (lambda T, A: ((T - A) * A * (1 - A)).T, "transpose"),
    (lambda T, A: ((T - A) * A * (1 - A))[:, :1].repeat(5, axis=1), "shape"),
    (lambda T, A: None, "returned None"),
    (lambda T, A: "delta", "not an array"),
    (lambda T, A: T * 0, "values are wrong"),
])
def test_output_deltas_names_the_mistake(func, words):
    result = ex.check_output_deltas(func, show=False)
    assert not result.passed and words in result.message, result.message


def test_output_deltas_right_answer_in_any_precision():
    result = ex.check_output_deltas(right_output, show=False)
    assert result.passed and "finite differences" in result.message
    for dtype in (np.float32, np.longdouble):
        assert ex.check_output_deltas(
            lambda T, A, d=dtype: right_output(T.astype(d), A.astype(d)), show=False).passed


def test_shortcuts_are_still_graded_in_the_notebook():
    def via_package(T, A):
        from backprop import Network
        from backprop.network import Forward

        net = Network.from_parameters([np.zeros((A.shape[1], 1))])
        return net.backward(Forward([np.zeros((len(A), 1)), A], [A]), T).deltas[-1]

    assert ex.check_output_deltas(via_package, show=False).passed


# --------------------------------------------------------------------------- ex-hidden-layer-2
def test_hidden_deltas_right_answer():
    assert ex.check_hidden_deltas(lambda d, W2, H: H * (1 - H) * (d @ W2), show=False).passed


@pytest.mark.parametrize("func, words", [
    (lambda d, W2, H: H * (1 - H) * (d @ W2.T), "transposed"),
    (lambda d, W2, H: (H * (1 - H) * (d @ W2)).T, "transpose"),
    (lambda d, W2, H: d @ W2, "f'(net_j) is missing"),
    (lambda d, W2, H: -H * (1 - H) * (d @ W2), "sign"),
    (lambda d, W2, H: (1 - H**2) * (d @ W2), "tanh"),
    (lambda d, W2, H: 2 * H * (1 - H) * (d @ W2), "factor 2"),
])
def test_hidden_deltas_names_the_mistake(func, words):
    result = ex.check_hidden_deltas(func, show=False)
    assert not result.passed and words in result.message, result.message


# --------------------------------------------------------------------------- biases-batches
def test_tanh_bias_gradient():
    wk1, wk2, bk, a1, a2, tk = sp.symbols("w_k1 w_k2 b_k a_1 a_2 t_k")
    ak = sp.tanh(wk1 * a1 + wk2 * a2 + bk)
    assert ex.check_tanh_bias_gradient(-(tk - ak) * (1 - ak**2), show=False).passed
    assert "sign" in ex.check_tanh_bias_gradient((tk - ak) * (1 - ak**2), show=False).message
    assert "no input factor" in ex.check_tanh_bias_gradient(-(tk - ak) * (1 - ak**2) * a1,
                                                            show=False).message


def test_online_network_epoch():
    def right(net, X, T, eta):
        for p in range(X.shape[0]):
            net.apply(net.gradients(X[p:p + 1], T[p:p + 1]), eta)

    assert ex.check_online_network_epoch(right, show=False).passed
    assert "batch" in ex.check_online_network_epoch(
        lambda net, X, T, eta: net.train_epoch(X, T, eta), show=False).message
    assert "did not change" in ex.check_online_network_epoch(
        lambda net, X, T, eta: None, show=False).message


# --------------------------------------------------------------------------- any-depth
def test_linear_hidden_deltas():
    from backprop.symbolic import SymbolicNetwork

    lin = SymbolicNetwork((2, 3, 2, 2), "identity", biases=False)
    delta1 = lin.W[1].T * lin.W[2].T * (lin.targets - lin.a_expr[3])
    assert ex.check_linear_hidden_deltas(delta1, show=False).passed
    assert ex.check_linear_hidden_deltas(list(delta1), show=False).passed
    assert "sign" in ex.check_linear_hidden_deltas(-delta1, show=False).message
    assert "3 hidden units" in ex.check_linear_hidden_deltas(list(delta1)[:2],
                                                             show=False).message
    one_layer = list(lin.W[1].T * (lin.targets - lin.a_expr[3]))
    assert "both later layers" in ex.check_linear_hidden_deltas(one_layer, show=False).message


def _backward(weights, activations, T, sign=1):
    a_L = activations[-1]
    deltas = [(T - a_L) * a_L * (1 - a_L)]
    for layer in range(len(weights) - 1, 0, -1):
        a_l = activations[layer]
        deltas.insert(0, a_l * (1 - a_l) * (deltas[0] @ weights[layer]))
    return [sign * d for d in deltas]


def test_backward_deltas():
    assert ex.check_backward_deltas(_backward, show=False).passed
    assert "sign" in ex.check_backward_deltas(lambda *a: _backward(*a, sign=-1),
                                              show=False).message
    assert "reverse" in ex.check_backward_deltas(lambda *a: _backward(*a)[::-1],
                                                 show=False).message
    assert "4 deltas" in ex.check_backward_deltas(lambda *a: _backward(*a)[1:],
                                                  show=False).message


# --------------------------------------------------------------------------- worked-example
def test_mazur_bias_gradient():
    from backprop.worked_example import MAZUR, mazur_symbols

    ms = mazur_symbols()
    right = sp.diff(ms.forward["E_total"], ms.symbols["b2"])
    assert ex.check_mazur_bias_gradient(right, show=False).passed
    exact = {ms.symbols[k]: v for k, v in MAZUR.exact().items() if k in ms.symbols}
    assert ex.check_mazur_bias_gradient(float(right.subs(exact)), show=False).passed
    assert "o1" in ex.check_mazur_bias_gradient(sp.diff(ms.forward["E_o1"], ms.symbols["b2"]),
                                                show=False).message
    assert "sign" in ex.check_mazur_bias_gradient(-right, show=False).message
    assert "not symbols of the example" in ex.check_mazur_bias_gradient(
        right * sp.Symbol("zeta"), show=False).message


def test_mazur_step():
    def step(W1, W2, b1, b2, x, t, eta, late=False):
        sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        h = sig(W1 @ x + b1)
        o = sig(W2 @ h + b2)
        d_out = (t - o) * o * (1 - o)
        W2_new = W2 + eta * np.outer(d_out, h)
        d_hid = h * (1 - h) * ((W2_new if late else W2).T @ d_out)
        return W1 + eta * np.outer(d_hid, x), W2_new

    assert ex.check_mazur_step(step, show=False).passed
    assert "already updated" in ex.check_mazur_step(lambda *a: step(*a, late=True),
                                                    show=False).message
