"""backprop.efficiency (book/any-depth): the naive whole-expression derivative grows much
faster with depth than the backward pass that reuses deltas, whose delta-by-delta program
expands to SymbolicNetwork.deltas."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop.efficiency import backward_pass_cost, layer_deltas, naive_gradient_cost


def test_naive_cost_grows_faster_than_backward_pass():
    naive = [naive_gradient_cost([2] * (d + 1)).ops for d in range(1, 4)]
    back = [backward_pass_cost([2] * (d + 1)).ops for d in range(1, 4)]
    assert all(b > 3 * a for a, b in zip(naive, naive[1:]))
    assert np.all(np.diff(back) == np.diff(back)[0])
    assert naive[-1] > 50 * back[-1]


def test_cost_rejects_bad_sizes():
    with pytest.raises(ValueError, match="sizes must list at least an input"):
        naive_gradient_cost([3])
    with pytest.raises(ValueError, match="one or more units"):
        backward_pass_cost([2, 0, 1])


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
