"""backprop.datasets: the 2-D problems of book/beyond-xor and the train/test split."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import blobs, circles, moons, spirals, train_test_split

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
