"""backprop.planted_bugs (book/gradient-checking): every planted bug is wrong where a careful
check looks, and invisible exactly where the chapter says it hides."""

from __future__ import annotations

import numpy as np
import pytest

from backprop import Network
from backprop.datasets import xor
from backprop.gradcheck import network_numerical_gradient, relative_error
from backprop.planted_bugs import PLANTED_BUGS, planted_gradients

SUM_BUGS = {"bias gradients of the first pattern only",
            "gradients averaged over the patterns, while E sums them"}


@pytest.mark.parametrize("name", list(PLANTED_BUGS))
def test_every_bug_fails_a_careful_check(name):
    rng = np.random.default_rng(7)
    net = Network((3, 4, 2), "sigmoid", rng=rng, weight_scale=1.0)
    X, T = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    assert relative_error(net.gradients(X, T).flat(), network_numerical_gradient(net, X, T)) \
        < 1e-6
    assert relative_error(planted_gradients(name, net, X, T),
                          network_numerical_gradient(net, X, T)) > 0.1


@pytest.mark.parametrize("name", list(PLANTED_BUGS))
def test_one_pattern_hides_exactly_the_bugs_of_the_sum_over_patterns(name):
    rng = np.random.default_rng(8)
    net = Network((2, 3, 1), "sigmoid", rng=rng, weight_scale=1.0)
    X, T = rng.normal(size=(1, 2)), rng.uniform(size=(1, 1))
    hidden = np.allclose(planted_gradients(name, net, X, T), net.gradients(X, T).flat())
    assert hidden == (name in SUM_BUGS)


def test_the_symmetric_start_hides_the_bugs_that_scale_the_gradient():
    X, T = xor()
    zero = Network((2, 2, 1), "sigmoid", init="zeros")
    assert not np.any(zero.gradients(X, T).flat())
    for name in PLANTED_BUGS:
        wrong = planted_gradients(name, zero, X, T)
        assert np.any(wrong) == (name == "bias gradients of the first pattern only"), name


def test_bad_requests_are_refused():
    net = Network((2, 2, 1), rng=np.random.default_rng(0))
    X, T = xor()
    with pytest.raises(ValueError, match="unknown planted bug 'typo'"):
        planted_gradients("typo", net, X, T)
    ce = Network((2, 2, 1), rng=np.random.default_rng(0), loss="binary_cross_entropy")
    with pytest.raises(ValueError, match="half-SSE"):
        planted_gradients("output delta with the sign flipped", ce, X, T)
