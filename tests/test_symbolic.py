"""backprop.symbolic: the two routes to every gradient agree, with each other, with NumPy
and with finite differences, for depths 1 to 4 (book/any-depth); and the equality test
accepts true identities and can say no."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import symbolic as S
from backprop.gradcheck import compare_routes, relative_error
from backprop.network import Network
from backprop.symbolic import SymbolicNetwork, activation_derivative, equivalent


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
def test_activation_derivative_forms(name):
    raw, in_a = S.derivative_in_terms_of_activation(name)
    x = S.net_k
    assert S.equivalent(raw, S.activation_derivative(name, S.activation(name, x)))
    assert in_a == S.activation_derivative(name, S.a_k)


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="unknown activation 'relu'.*sigmoid, tanh, identity"):
        S.activation("relu", S.net_k)


def test_output_rule_factors_and_delta():
    rule = S.output_rule()
    f = list(rule.factors.values())
    assert sp.expand(f[0] + (S.t_k - S.a_k)) == 0
    assert sp.expand(f[1] - S.a_k * (1 - S.a_k)) == 0
    assert f[2] == S.a_j
    assert sp.expand(rule.delta - (S.t_k - S.a_k) * S.a_k * (1 - S.a_k)) == 0
    assert sp.expand(rule.weight_change + S.eta * rule.gradient) == 0
    assert sp.expand(rule.weight_change - S.eta * rule.delta * S.a_j) == 0
    # Only the second term of the written-out error survives differentiation by a_2.
    assert rule.steps["dE_da2_written_out"].free_symbols == {sp.Symbol("a_2", real=True),
                                                            sp.Symbol("t_2", real=True)}


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_hidden_rule_is_delta_times_input(name):
    rule = S.hidden_rule(name, n_outputs=3)
    assert S.equivalent(rule.gradient, -rule.delta * S.a_i)
    assert len(rule.steps["paths"]) == 3


@pytest.mark.parametrize("lhs,rhs", [
    (sp.cosh(sp.Symbol("x")) ** 2 - sp.sinh(sp.Symbol("x")) ** 2, 1),
    (sp.sin(sp.Symbol("x")) ** 2 + sp.cos(sp.Symbol("x")) ** 2, 1),
    (sp.sinh(2 * sp.Symbol("x")), 2 * sp.sinh(sp.Symbol("x")) * sp.cosh(sp.Symbol("x"))),
    (sp.erf(sp.Symbol("x")) + sp.erf(-sp.Symbol("x")), 0),
    (sp.sqrt(sp.Symbol("a", positive=True) ** 2 * sp.Symbol("x") ** 2),
     sp.Symbol("a", positive=True) * sp.sqrt(sp.Symbol("x") ** 2)),
    (sp.log(sp.Symbol("a", positive=True) * sp.exp(sp.Symbol("x", real=True))),
     sp.log(sp.Symbol("a", positive=True)) + sp.Symbol("x", real=True)),
])
def test_equivalent_accepts_true_identities_outside_exp_and_tanh(lhs, rhs):
    assert S.equivalent(lhs, rhs)
    assert not S.equivalent(lhs, rhs + sp.Rational(1, 10**12))


def test_equivalent_handles_poles_and_symbols_that_cancel():
    x, y = sp.symbols("x y")
    # 1/(x - 1) has a pole at x = 1, a value the random points can take.
    assert S.equivalent(sp.cos(x) / (x - 1) + y, sp.cos(x) * (x + 1) / (x**2 - 1) + y,
                        points=40)
    # y cancels in the difference but both sides still need a value for it.
    assert S.equivalent(y + sp.tanh(x), y + 2 / (1 + sp.exp(-2 * x)) - 1)
    nowhere = sp.Piecewise((sp.cos(x), x > 100), (sp.nan, True))  # undefined at every point
    with pytest.raises(ValueError, match="could not find 6 points"):
        S.equivalent(nowhere, sp.cos(x))


def test_equivalent_decides_agreement_by_the_compiled_route(monkeypatch):
    # Both sides are compiled once; a point where they agree needs no exact evaluation, and
    # a disagreement is confirmed exactly before the answer is False.
    net = S.SymbolicNetwork((2, 2, 1), "sigmoid")
    whole = net.whole_gradient(net.W[0][1, 0])
    chain = net.substitute_forward(net.chain_gradient(1, 2, 1))
    exact_points = []
    real = S._exact_values
    monkeypatch.setattr(S, "_exact_values",
                        lambda *args: exact_points.append(args[1]) or real(*args))
    assert S.equivalent(whole, chain, points=3)
    assert exact_points == []
    assert not S.equivalent(whole, -chain, points=3)
    assert len(exact_points) == 1


def test_equivalent_falls_back_to_the_exact_route():
    # mpmath has no DiracDelta, so nothing is compiled and evalf decides every point
    # (where DiracDelta(x - 100) is 0: the random points stay far below 100).
    x = sp.Symbol("x", real=True)
    spike = sp.DiracDelta(x - 100)
    assert S._compile([x], spike, sp.Integer(0)) is None
    assert S.equivalent(spike + sp.cosh(x) ** 2, 1 + sp.sinh(x) ** 2)
    assert not S.equivalent(spike + sp.cosh(x) ** 2, sp.sinh(x) ** 2)


def test_equivalent_says_no_to_a_wrong_identity():
    x, y = sp.symbols("x y")
    assert not S.equivalent(sp.exp(x) * y, sp.exp(x) * y + x * sp.Float("1e-20"))
    assert not S.equivalent(x**2 - 1, (x - 1) * (x + 2))
    assert S.equivalent(x**2 - 1, (x - 1) * (x + 1))
    assert S.equivalent(sp.tanh(x) ** 2, 1 - 1 / sp.cosh(x) ** 2)
    # a sign error in a real derivation is caught
    net = S.SymbolicNetwork((2, 2, 1), "sigmoid")
    w = net.W[1][0, 0]
    right = net.substitute_forward(net.chain_gradient(2, 1, 1))
    assert S.equivalent(net.whole_gradient(w), right)
    assert not S.equivalent(net.whole_gradient(w), -right)


@pytest.mark.parametrize("sizes,acts", [((2, 2, 2), "sigmoid"), ((2, 3, 2), "tanh"),
                                        ((1, 2, 2, 1), ["sigmoid", "tanh", "identity"])])
def test_whole_expression_equals_chain_rule_for_every_weight(sizes, acts):
    net = S.SymbolicNetwork(sizes, acts)
    for l in range(1, net.n_layers + 1):
        for u in range(1, sizes[l] + 1):
            for v in range(1, sizes[l - 1] + 1):
                whole = net.whole_gradient(net.W[l - 1][u - 1, v - 1])
                chain = net.substitute_forward(net.chain_gradient(l, u, v))
                assert S.equivalent(whole, chain, points=2), (l, u, v)
            bias = net.whole_gradient(net.b[l - 1][u - 1])
            assert S.equivalent(bias, net.substitute_forward(net.chain_gradient(l, u)),
                                points=2)


def test_output_and_hidden_chain_factors_of_a_concrete_network():
    net = S.SymbolicNetwork((2, 3, 2), "sigmoid")
    out = net.output_chain_factors(k=2, j=3)
    product = sp.Mul(*out.values())
    assert S.equivalent(net.substitute_forward(product),
                        net.whole_gradient(net.W[1][1, 2]), points=2)
    hid = net.hidden_chain_factors(j=2, i=1)
    paths = [v for key, v in hid.items() if key.startswith("path")]
    assert len(paths) == 2  # one path per output unit
    total = sp.Add(*paths) * hid["da_j/dnet_j"] * hid["dnet_j/dw_ji"]
    assert S.equivalent(net.substitute_forward(total), net.whole_gradient(net.W[0][1, 0]),
                        points=2)
    # dropping one path (forgetting the sum over k) is wrong, and the check says so
    partial = paths[0] * hid["da_j/dnet_j"] * hid["dnet_j/dw_ji"]
    assert not S.equivalent(net.substitute_forward(partial),
                            net.whole_gradient(net.W[0][1, 0]), points=2)


@pytest.mark.parametrize("sizes,acts,seed", [((2, 2, 2), "sigmoid", 0), ((3, 2, 2), "tanh", 1),
                                             ((2, 3, 1), ["tanh", "sigmoid"], 2)])
def test_symbolic_equals_numpy_equals_finite_differences(sizes, acts, seed):
    rng = np.random.default_rng(seed)
    sym = S.SymbolicNetwork(sizes, acts)
    net = Network(sizes, acts, rng=rng, weight_scale=1.0)
    X = rng.normal(size=(3, sizes[0]))
    T = rng.uniform(size=(3, sizes[-1]))
    for route in ("whole", "chain"):
        result = compare_routes(net, X, T, sym.lambdify_gradients(route), route)
        assert relative_error(result.sympy, result.numpy) < 1e-12, route
        assert relative_error(result.numerical, result.numpy) < 1e-6, route


def test_symbolic_network_validates():
    with pytest.raises(ValueError, match="input and an output"):
        S.SymbolicNetwork((3,))
    with pytest.raises(ValueError, match="1 activation functions given for 2 layers"):
        S.SymbolicNetwork((2, 2, 1), ["tanh"])
    with pytest.raises(ValueError, match="unknown route"):
        S.SymbolicNetwork((2, 1)).lambdify_gradients("sideways")


def test_parameter_order_matches_numpy():
    sym = S.SymbolicNetwork((2, 3, 1))
    names = [str(s) for s in sym.parameters()]
    assert names[:6] == [f"w^{{(1)}}_{{{u}{v}}}" for u in (1, 2, 3) for v in (1, 2)]
    assert names[6:9] == [f"b^{{(1)}}_{{{u}}}" for u in (1, 2, 3)]
    assert len(names) == Network((2, 3, 1), init="zeros").parameters().size


# ----------------------------------------------------------------- any depth (book/any-depth)
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
    assert all(equivalent(lin.whole_gradient(lin.W[0][u, v]), -delta1[u] * lin.inputs[v])
               for u in range(3) for v in range(2))
