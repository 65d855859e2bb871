"""backprop.datasets: XOR is XOR; the noisy XOR is reproducible from its rng."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import noisy_xor, xor


def test_xor_truth_table():
    X, T = xor()
    assert X.shape == (4, 2) and T.shape == (4, 1)
    np.testing.assert_array_equal(T[:, 0], np.logical_xor(X[:, 0], X[:, 1]).astype(float))


def test_noisy_xor_reproducible_and_labelled_by_corner():
    X1, T1 = noisy_xor(200, np.random.default_rng(5), noise=0.1)
    X2, T2 = noisy_xor(200, np.random.default_rng(5), noise=0.1)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(T1, T2)
    corner = np.round(X1).clip(0, 1)  # noise 0.1 rarely crosses the midpoint
    agree = np.mean(np.logical_xor(corner[:, 0], corner[:, 1]) == T1[:, 0])
    assert agree > 0.97
    assert set(np.unique(T1)) == {0.0, 1.0}
    X3, _ = noisy_xor(200, np.random.default_rng(6), noise=0.1)
    assert not np.allclose(X1, X3)


def test_noisy_xor_zero_noise_is_exact_corners():
    X, T = noisy_xor(10, np.random.default_rng(0), noise=0.0)
    assert set(map(tuple, X)) <= {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}


@pytest.mark.parametrize("n,noise,msg", [(0, 0.1, "positive number"), (5, -1.0, "non-negative"),
                                         (5, np.nan, "non-negative")])
def test_noisy_xor_bad_arguments(n, noise, msg):
    with pytest.raises(ValueError, match=msg):
        noisy_xor(n, np.random.default_rng(0), noise=noise)
