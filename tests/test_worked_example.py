"""backprop.worked_example (book/worked-example): Mazur's 2-2-2 example, with NumPy, exact
SymPy and high-precision arithmetic agreeing."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop.gradcheck import network_numerical_gradient
from backprop.worked_example import (
    MAZUR,
    mazur_network,
    mazur_symbols,
    stale_order_step,
    train_high_precision,
    value_table,
)


def test_mazur_forward_and_gradients():
    net = mazur_network()
    X, T = MAZUR.data()
    assert round(float(net.error(X, T)[()]), 9) == 0.298371109
    g = net.gradients(X, T)
    assert round(g.weights[1][0, 0], 9) == 0.082167041  # dE/dw5
    net.train_epoch(X, T, 0.5, update_biases=False)
    assert round(net.weights[1][0, 0], 8) == 0.35891648   # w5+
    assert round(net.weights[0][0, 0], 9) == 0.149780716  # w1+
    assert round(float(net.error(X, T)[()]), 9) == 0.291027774
    assert np.all(net.biases[1] == 0.6)


def test_mazur_exact_equals_numpy():
    ms = mazur_symbols()
    exact = MAZUR.exact()
    point = {ms.symbols[k]: exact[k] for k in ms.symbols}
    net = mazur_network()
    X, T = MAZUR.data()
    g = net.gradients(X, T)
    flat = np.concatenate([g.weights[0].ravel(), g.weights[1].ravel()])
    for n in range(1, 9):
        exact_grad = sp.N(sp.diff(ms.forward["E_total"], ms.symbols[f"w{n}"]).subs(point), 30)
        assert abs(exact_grad - flat[n - 1]) < 1e-15


def test_mazur_long_run_matches_high_precision():
    net = mazur_network()
    X, T = MAZUR.data()
    history = net.train(X, T, 0.5, 2000, update_biases=False)
    _, E_hp = train_high_precision(2000, digits=25)
    assert abs(float(E_hp) - history[-1]) < 1e-12
    with pytest.raises(ValueError, match="non-negative number of updates"):
        train_high_precision(-1)


def test_value_table_formats_exact_and_float_values():
    html = value_table(["a", "b"], [["x<y", 0.1234567891, sp.Rational(1, 3)]])
    assert "<td>x&lt;y</td>" in html
    assert "<td>0.123456789</td>" in html and "<td>0.333333333</td>" in html


def test_numerical_gradient_agrees_with_mazur_backward_pass():
    net = mazur_network()
    X, T = MAZUR.data()
    assert np.allclose(net.gradients(X, T).flat(), network_numerical_gradient(net, X, T),
                       atol=1e-9)


def test_stale_order_step_reproduces_the_posts_error():
    net = mazur_network()
    X, T = MAZUR.data()
    bugged = stale_order_step(net, X, T, 0.5)
    assert round(float(bugged.error(X, T)[()]), 12) == 0.291027923905   # the post: 0.291027924
    right = mazur_network()
    right.train_epoch(X, T, 0.5, update_biases=False)
    assert np.array_equal(bugged.weights[1], right.weights[1])           # w5..w8: same step
    assert bugged.weights[0][0, 0] > right.weights[0][0, 0]              # w1: a stale delta
    assert np.array_equal(net.weights[0], mazur_network().weights[0])    # net untouched


def test_stale_order_step_refuses_other_networks():
    from backprop import Network

    with pytest.raises(ValueError, match="two-layer"):
        stale_order_step(Network((2, 2, 2, 1), rng=np.random.default_rng(0)),
                         np.zeros((1, 2)), np.zeros((1, 1)), 0.5)
    with pytest.raises(ValueError, match="sigmoid"):
        stale_order_step(Network((2, 2, 1), "tanh", rng=np.random.default_rng(0)),
                         np.zeros((1, 2)), np.zeros((1, 1)), 0.5)
