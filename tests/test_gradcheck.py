"""backprop.gradcheck: central differences are second-order accurate; relative error is
symmetric, scale-free and refuses mismatched shapes."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.gradcheck import numerical_gradient, relative_error


def test_central_difference_of_a_known_function():
    f = lambda th: np.sin(th[0]) * th[1] ** 3  # noqa: E731
    th = np.array([0.7, -1.3])
    exact = np.array([np.cos(0.7) * (-1.3) ** 3, np.sin(0.7) * 3 * 1.3**2])
    assert relative_error(numerical_gradient(f, th), exact) < 1e-9


def test_error_is_second_order_in_h():
    f = lambda th: float(np.exp(th[0]))  # noqa: E731
    errs = [abs(numerical_gradient(f, np.array([1.0]), h)[0] - np.e) for h in (1e-2, 1e-3)]
    assert 80 < errs[0] / errs[1] < 120  # h shrinks 10x, error ~100x


def test_input_is_not_modified():
    th = np.array([1.0, 2.0])
    numerical_gradient(lambda v: float(v @ v), th)
    np.testing.assert_array_equal(th, [1.0, 2.0])


def test_relative_error_properties():
    a = np.array([1e-8, 2.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, a * (1 + 1e-6)) == pytest.approx(5e-7, rel=1e-3)
    assert relative_error(np.array([1e-8]), np.array([2e-8])) == pytest.approx(1 / 3)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    with pytest.raises(ValueError, match=r"shapes \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


def test_weight_indices_pick_out_each_matrix():
    from backprop import Network
    from backprop.gradcheck import weight_indices

    net = Network((3, 4, 2), rng=np.random.default_rng(0))
    theta = net.parameters()
    np.testing.assert_array_equal(theta[weight_indices((3, 4, 2), 1)], net.weights[0].ravel())
    np.testing.assert_array_equal(theta[weight_indices((3, 4, 2), 2)], net.weights[1].ravel())
    with pytest.raises(ValueError, match="layer must be between 1 and 2"):
        weight_indices((3, 4, 2), 3)


def test_compare_routes_finds_a_wrong_symbolic_gradient():
    from backprop import Network
    from backprop.gradcheck import compare_routes
    from backprop.symbolic import SymbolicNetwork

    rng = np.random.default_rng(1)
    net = Network((2, 3, 2), rng=rng)
    X, T = rng.normal(size=(4, 2)), rng.uniform(size=(4, 2))
    right = SymbolicNetwork((2, 3, 2)).lambdify_gradients()
    ok = compare_routes(net, X, T, right, "right")
    assert ok.max_difference("sympy") < 1e-13 and ok.max_difference("numerical") < 1e-7
    bad = compare_routes(net, X, T, lambda x, t, th: 2 * right(x, t, th), "doubled")
    assert bad.max_difference("sympy") > 1e-3
    with pytest.raises(ValueError, match="unknown route"):
        ok.max_difference("numpy")


# --------------------------------------------------------------------------- the practice
def test_forward_difference_is_first_order_and_schemes_are_checked():
    f = lambda th: float(np.exp(th[0]))  # noqa: E731
    errs = [abs(numerical_gradient(f, np.array([1.0]), h, scheme="forward")[0] - np.e)
            for h in (1e-2, 1e-3)]
    assert 8 < errs[0] / errs[1] < 12  # h shrinks 10x, error ~10x
    assert errs[1] > 1e3 * abs(numerical_gradient(f, np.array([1.0]), 1e-3)[0] - np.e)
    with pytest.raises(ValueError, match="unknown scheme 'backward'"):
        numerical_gradient(f, np.array([1.0]), scheme="backward")
    with pytest.raises(ValueError, match="must be positive"):
        numerical_gradient(f, np.array([1.0]), h=0.0)


def _net_case(seed: int = 3):
    from backprop import Network

    rng = np.random.default_rng(seed)
    net = Network((3, 4, 2), "sigmoid", rng=rng, weight_scale=1.0)
    return net, rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))


def test_step_errors_fall_as_h_squared_then_rise_as_one_over_h():
    from backprop.gradcheck import step_errors

    net, X, T = _net_case()
    steps = [1e-2, 1e-3, 1e-5, 1e-9, 1e-10]
    central = step_errors(net, X, T, steps)
    assert 70 < central[0] / central[1] < 130                  # truncation ~ h^2
    assert central[2] < 1e-10 < central[3] < central[4]        # then rounding ~ 1/h
    forward = step_errors(net, X, T, steps[:2], scheme="forward")
    assert 7 < forward[0] / forward[1] < 13 and forward[1] > 100 * central[1]


def test_float32_checks_round_at_float32_and_refuse_a_lost_step():
    from backprop.gradcheck import network_numerical_gradient, step_errors

    net, X, T = _net_case()
    exact = net.gradients(X, T).flat()
    low = network_numerical_gradient(net, X, T, 1e-2, dtype=np.float32)
    assert 1e-7 < np.max(np.abs(low - exact)) < 1e-4
    assert step_errors(net, X, T, [1e-6], dtype=np.float32)[0] > 1e-3   # rounding, ~eps32/h
    with pytest.raises(ValueError, match="lost in rounding"):
        network_numerical_gradient(net, X, T, 1e-10, dtype=np.float32)
    before = net.parameters()
    network_numerical_gradient(net, X, T, 1e-3, dtype=np.float32, scheme="forward")
    np.testing.assert_array_equal(net.parameters(), before)       # the network is untouched


def test_nearest_kink():
    from backprop import Network
    from backprop.datasets import xor
    from backprop.gradcheck import nearest_kink

    X, _ = xor()
    relu = Network((2, 3, 1), ["relu", "sigmoid"], rng=np.random.default_rng(0))
    relu.biases[0][:] = 0.0
    assert nearest_kink(relu, X) == 0.0                   # pattern (0, 0): net = 0 exactly
    relu.biases[0][:] = 0.25
    assert nearest_kink(relu, X[:1]) == 0.25
    assert nearest_kink(Network((2, 3, 1), rng=np.random.default_rng(0)), X) == float("inf")
