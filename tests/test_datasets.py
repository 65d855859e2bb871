"""backprop.datasets: XOR is XOR; the noisy XOR and the 2-D problems of book/beyond-xor are
reproducible from their rng and have the geometry they claim; the train/test split."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import blobs, circles, moons, noisy_xor, spirals, train_test_split, xor


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


GENERATORS = [circles, moons, spirals, blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_shapes_balance_and_reproducibility(make):
    X, T = make(101, np.random.default_rng(0))
    assert X.shape == (101, 2) and T.shape == (101, 1)
    assert set(np.unique(T)) == {0.0, 1.0}
    assert abs(int(T.sum()) - 50) <= 1
    X2, T2 = make(101, np.random.default_rng(0))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(T, T2)
    X3, _ = make(101, np.random.default_rng(1))
    assert not np.array_equal(X, X3)


def test_noise_free_geometry():
    rng = np.random.default_rng(3)
    X, T = circles(200, rng, noise=0.0, factor=0.4)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[T[:, 0] == 0], 1.0)
    np.testing.assert_allclose(r[T[:, 0] == 1], 0.4)
    X, T = moons(200, rng, noise=0.0)
    upper = X[T[:, 0] == 0]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0)
    assert np.all(upper[:, 1] >= -1e-12)
    X, T = spirals(200, rng, noise=0.0)
    a, b = X[T[:, 0] == 0], X[T[:, 0] == 1]
    assert np.linalg.norm(a, axis=1).max() <= 1 + 1e-12
    assert np.linalg.norm(b, axis=1).min() >= 0.05 - 1e-12
    X, T = blobs(400, rng, noise=0.1)
    np.testing.assert_allclose(X[T[:, 0] == 1].mean(axis=0), [1, 1], atol=0.05)


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n,noise,needle", [(1, 0.1, "n must"), (10.5, 0.1, "n must"),
                                            (10, -1.0, "noise"), (10, np.nan, "noise")])
def test_bad_arguments(make, n, noise, needle):
    with pytest.raises(ValueError, match=needle):
        make(n, np.random.default_rng(0), noise=noise)


def test_train_test_split_partitions_the_data():
    X, T = moons(50, np.random.default_rng(0))
    Xa, Ta, Xb, Tb = train_test_split(X, T, 0.2, np.random.default_rng(1))
    assert len(Xb) == 10 and len(Xa) == 40
    both = np.concatenate([Xa, Xb])
    assert sorted(map(tuple, both)) == sorted(map(tuple, X))
    lookup = {tuple(x): t for x, t in zip(X, T[:, 0])}
    assert all(lookup[tuple(x)] == t for x, t in zip(Xb, Tb[:, 0]))
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(X, T, 1.0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="one target row"):
        train_test_split(X, T[:-1], 0.5, np.random.default_rng(0))
