"""The L-layer recursion (book/any-depth): SymPy = NumPy = finite differences for depths 1
to 4, and the matrix form of the delta recursion."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import Network
from backprop.efficiency import layer_deltas
from backprop.gradcheck import compare_routes
from backprop.symbolic import SymbolicNetwork, activation_derivative, equivalent

CASES = [
    ((3, 2), "sigmoid"),
    ((2, 1), "identity"),
    ((2, 4, 3), "tanh"),
    ((1, 3, 2), "sigmoid"),
    ((3, 3, 2, 2), "sigmoid"),
    ((2, 2, 3, 1), "tanh"),
    ((2, 3, 2, 2, 1), "tanh"),
    ((2, 2, 2, 2, 2), "sigmoid"),
]


@pytest.mark.parametrize("sizes,act", CASES, ids=[f"{'-'.join(map(str, s))}-{a}"
                                                  for s, a in CASES])
def test_recursion_symbolic_numpy_finite_differences(sizes, act):
    rng = np.random.default_rng(sum(sizes))
    net = Network(sizes, act, rng=rng, weight_scale=1.0)
    X, T = rng.normal(size=(3, sizes[0])), rng.uniform(-0.8, 0.8, size=(3, sizes[-1]))
    g = SymbolicNetwork(sizes, act).lambdify_gradients("whole")
    result = compare_routes(net, X, T, g)
    assert result.max_difference("sympy") < 1e-12
    assert result.max_difference("numerical") < 1e-7


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "identity"])
def test_matrix_recursion_is_the_package_deltas(act):
    net, d, rhs = layer_deltas((2, 3, 2, 2), act)
    # substitute the symbols of layer l+1 into layer l, top down, and compare with deltas()
    expanded = [None] * net.n_layers
    expanded[-1] = rhs[-1]
    for l in range(net.n_layers - 2, -1, -1):
        expanded[l] = rhs[l].xreplace(dict(zip(d[l + 1], expanded[l + 1])))
    for mine, theirs in zip(expanded, net.deltas()):
        assert all(sp.expand(x - y) == 0 for x, y in zip(mine, theirs))


def test_two_hidden_layers_brute_force_equals_diff():
    two = SymbolicNetwork((2, 2, 2, 1), "sigmoid")
    W, a = two.W, two.a

    def f1(v):
        return activation_derivative("sigmoid", v)

    paths = sum(W[1][m, 1] * f1(a[2][m]) * W[2][0, m] * (two.targets[0] - a[3][0])
                * f1(a[3][0]) for m in range(2))
    brute = two.substitute_forward(-f1(a[1][1]) * paths * a[0][0])
    assert equivalent(two.whole_gradient(W[0][1, 0]), brute, points=2)
    # a wrong index (w_{m1} instead of w_{m2}) is caught
    wrong = sum(W[1][m, 0] * f1(a[2][m]) * W[2][0, m] * (two.targets[0] - a[3][0])
                * f1(a[3][0]) for m in range(2))
    assert not equivalent(two.whole_gradient(W[0][1, 0]),
                          two.substitute_forward(-f1(a[1][1]) * wrong * a[0][0]), points=2)


def test_identity_network_delta_is_product_of_transposes():
    lin = SymbolicNetwork((2, 3, 2, 2), "identity", biases=False)
    delta1 = lin.W[1].T * lin.W[2].T * (lin.targets - lin.a_expr[3])
    assert all(equivalent(lin.whole_gradient(lin.W[0][p, q]), -delta1[p] * lin.inputs[q])
               for p in range(3) for q in range(2))
