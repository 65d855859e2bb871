"""backprop.efficiency (book/any-depth): the naive whole-expression derivative grows much
faster with depth than the backward pass that reuses deltas."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.efficiency import backward_pass_cost, naive_gradient_cost


def test_naive_cost_grows_faster_than_backward_pass():
    naive = [naive_gradient_cost([2] * (d + 1)).ops for d in range(1, 4)]
    back = [backward_pass_cost([2] * (d + 1)).ops for d in range(1, 4)]
    assert all(b > 3 * a for a, b in zip(naive, naive[1:]))
    assert np.all(np.diff(back) == np.diff(back)[0])
    assert naive[-1] > 50 * back[-1]


def test_cost_rejects_bad_sizes():
    with pytest.raises(ValueError, match="sizes must list an input"):
        naive_gradient_cost([3])
    with pytest.raises(ValueError, match="one or more units"):
        backward_pass_cost([2, 0, 1])


# ----------------------------------------------------------------- the worked example
