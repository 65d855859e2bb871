"""backprop.loss_rules: each loss's output delta, derived by SymPy, is the short rule the
chapter states; whole-network derivatives agree with the chain rule started from it; and a
wrong rule or a wrong pairing is caught."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import loss_rules as LR
from backprop import symbolic as S
from backprop.functions import LOSSES
from backprop.gradcheck import numerical_gradient, relative_error
from backprop.symbolic import equivalent


def test_cross_entropy_delta_is_t_minus_a():
    rule = LR.output_delta("binary_cross_entropy")
    (a,), (t,) = rule.a, rule.t
    # dE/da = (a - t) / (a (1 - a)): the sigmoid's slope a(1 - a) cancels it exactly.
    assert equivalent(rule.dE_da[0], (a - t) / (a * (1 - a)))
    assert rule.jacobian[0, 0] == a * (1 - a)
    assert sp.expand(rule.delta[0] - (t - a)) == 0
    assert rule.rule[0] == t - a


def test_half_sse_keeps_the_sigmoid_slope():
    rule = LR.output_delta("half_sse", n_outputs=2)
    for d, t, a in zip(rule.delta, rule.t, rule.a):
        assert sp.expand(d - (t - a) * a * (1 - a)) == 0
        assert not equivalent(d, t - a)


def test_softmax_jacobian_is_full_and_proved_from_the_definition():
    rule = LR.output_delta("categorical_cross_entropy", n_outputs=3)
    J, a = rule.jacobian, rule.a
    assert J[0, 1] == -a[0] * a[1] and J[1, 1] == a[1] * (1 - a[1])
    raw = rule.steps["da_dnet_raw"]
    s = LR.softmax(rule.net)
    assert all(equivalent(raw[k, m], J[k, m].xreplace(dict(zip(a, s))))
               for k in range(3) for m in range(3))


def test_softmax_delta_needs_targets_that_sum_to_one():
    rule = LR.output_delta("categorical_cross_entropy", n_outputs=3)
    t, a = rule.t, rule.a
    # In general delta_m = t_m - a_m (t_1 + t_2 + t_3) ...
    assert sp.expand(rule.delta[0] - (t[0] - a[0] * sum(t))) == 0
    assert not equivalent(rule.delta[0], t[0] - a[0])
    # ... which is t_m - a_m once the targets sum to one.
    one_hot = LR.one_hot_substitution(t)
    assert equivalent(rule.delta[0].xreplace(one_hot), (t[0] - a[0]).xreplace(one_hot))


def test_two_class_softmax_is_a_sigmoid_of_the_difference():
    n1, n2 = sp.symbols("n_1 n_2", real=True)
    assert equivalent(LR.softmax([n1, n2])[0], 1 / (1 + sp.exp(-(n1 - n2))))


def test_one_set_of_loss_names():
    # The network's names, each derived here with the output it is written for.
    assert set(LR.PAIRED_OUTPUT) == set(LOSSES) == set(LR._ERRORS)
    for name, loss in LOSSES.items():
        assert loss.output in (None, LR.PAIRED_OUTPUT[name])
        LR.output_delta(name, n_outputs=2)
    assert LR.half_sse is S.half_sse


def test_loss_network_reuses_the_hidden_recursion():
    # Only the output delta is the loss's own; every layer below it is the squared error's
    # recursion, applied to that delta.
    ce = LR.LossNetwork((2, 3, 2, 2), "binary_cross_entropy", ["tanh", "sigmoid"])
    deltas = ce.deltas()
    assert deltas[-1] == sp.Matrix([t - a for t, a in zip(ce.targets, ce.a[-1])])
    slope = [lambda a: 1 - a**2, lambda a: a * (1 - a)]    # tanh, then sigmoid
    for l in (2, 1):                                        # delta^(l) from delta^(l+1)
        back = ce.W[l].T * deltas[l]
        assert deltas[l - 1] == sp.Matrix([slope[l - 1](ce.a[l][u]) * back[u]
                                           for u in range(ce.sizes[l])])
    assert deltas[-1] != S.SymbolicNetwork((2, 3, 2, 2), ["tanh", "sigmoid", "sigmoid"]
                                           ).deltas()[-1]


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown loss 'hinge'.*cross_entropy"):
        LR.output_delta("hinge")
    with pytest.raises(ValueError, match="2 for a softmax"):
        LR.output_delta("categorical_cross_entropy", n_outputs=1)
    with pytest.raises(ValueError, match="1 hidden activations given for 2 hidden"):
        LR.LossNetwork((2, 2, 2, 1), "binary_cross_entropy", ["tanh"])


@pytest.mark.parametrize("sizes,loss,acts", [((2, 2, 1), "binary_cross_entropy", "sigmoid"),
                                             ((1, 1, 2), "binary_cross_entropy", "tanh")])
def test_whole_derivative_equals_chain_rule_for_every_parameter(sizes, loss, acts):
    net = LR.LossNetwork(sizes, loss, acts)
    for l in range(1, net.n_layers + 1):
        for u in range(1, sizes[l] + 1):
            for v in [*range(1, sizes[l - 1] + 1), None]:
                symbol = net.W[l - 1][u - 1, v - 1] if v else net.b[l - 1][u - 1]
                chain = net.substitute_forward(net.chain_gradient(l, u, v))
                assert equivalent(net.whole_gradient(symbol), chain, points=2), (l, u, v)


def test_softmax_network_output_layer_and_one_hidden_weight():
    net = LR.LossNetwork((1, 2, 3), "categorical_cross_entropy")
    for l, u, v in [(2, 1, 1), (2, 3, 2), (2, 2, None), (1, 2, 1)]:
        symbol = net.W[l - 1][u - 1, v - 1] if v else net.b[l - 1][u - 1]
        whole = net.one_hot(net.whole_gradient(symbol))
        chain = net.one_hot(net.substitute_forward(net.chain_gradient(l, u, v)))
        assert equivalent(whole, chain, points=2), (l, u, v)
    # Without the one-hot condition the short rule is not the derivative.
    w = net.W[1][0, 0]
    assert not equivalent(net.whole_gradient(w),
                          net.substitute_forward(net.chain_gradient(2, 1, 1)), points=2)


def test_the_squared_error_rule_is_wrong_for_cross_entropy():
    ce = LR.LossNetwork((2, 2, 1), "binary_cross_entropy")
    sse = LR.LossNetwork((2, 2, 1), "half_sse")
    w = ce.W[1][0, 0]
    wrong = ce.substitute_forward(sse.chain_gradient(2, 1, 1))
    assert not equivalent(ce.whole_gradient(w), wrong, points=2)


@pytest.mark.parametrize("loss,sizes", [("binary_cross_entropy", (2, 3, 2)),
                                        ("categorical_cross_entropy", (3, 2, 3))])
def test_lambdified_chain_rule_matches_finite_differences_of_the_loss(loss, sizes):
    net = LR.LossNetwork(sizes, loss)
    grad = net.lambdify_gradients("chain")
    error = sp.lambdify([list(net.inputs), list(net.targets), net.parameters()],
                        net.error(), "numpy")
    rng = np.random.default_rng(3)
    theta = rng.uniform(-1, 1, len(net.parameters()))
    x = rng.normal(size=sizes[0])
    t = (np.eye(sizes[-1])[1] if loss == "categorical_cross_entropy"
         else rng.uniform(0, 1, sizes[-1]))
    fd = numerical_gradient(lambda th: error(list(x), list(t), list(th)), theta)
    assert relative_error(grad(x, t, theta), fd) < 1e-6
