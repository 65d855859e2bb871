"""Small data sets used across the book.

XOR is introduced in *Why one layer is not enough* (``book/perceptron``) and trained in
*Training XOR* (``book/training-xor``); circles, moons, spirals and blobs are the 2-D problems
of *Beyond XOR* (``book/beyond-xor``). Every random data set takes an explicit ``rng``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["blobs", "circles", "moons", "noisy_xor", "spirals", "train_test_split", "xor"]


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points: inputs ``(4, 2)`` and targets ``(4, 1)`` in {0, 1}."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    T = np.array([[0.0], [1.0], [1.0], [0.0]])
    return X, T


def noisy_xor(
    n: int, rng: np.random.Generator, noise: float = 0.15
) -> tuple[np.ndarray, np.ndarray]:
    """A continuous XOR: ``n`` points around the four corners of the unit square.

    Each point is a corner chosen uniformly plus Gaussian noise of standard deviation
    ``noise``; its target is the XOR of the corner it came from, so classes overlap once the
    noise is large. The caller passes ``rng``: the data set is reproducible from its seed.
    """
    if int(n) < 1:
        raise ValueError(f"n must be a positive number of points; got {n}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a non-negative standard deviation; got {noise}")
    corners, labels = xor()
    pick = rng.integers(0, 4, size=int(n))
    X = corners[pick] + rng.normal(0.0, noise, size=(int(n), 2))
    return X, labels[pick].copy()


def _check_size(n: int, noise: float) -> int:
    if isinstance(n, bool) or int(n) != n or int(n) < 2:
        raise ValueError(f"n must be a whole number of points, at least 2; got {n!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a non-negative standard deviation; got {noise}")
    return int(n)


def _labelled(parts: list[np.ndarray], rng: np.random.Generator, noise: float
              ) -> tuple[np.ndarray, np.ndarray]:
    # Class c is parts[c]; shuffle so that a train/test split by position is random.
    X = np.concatenate(parts)
    T = np.concatenate([np.full((len(p), 1), float(c)) for c, p in enumerate(parts)])
    X = X + rng.normal(0.0, noise, size=X.shape)
    order = rng.permutation(len(X))
    return X[order], T[order]


def circles(n: int, rng: np.random.Generator, noise: float = 0.05, factor: float = 0.5
            ) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric rings: class 0 on the unit circle, class 1 on a circle of radius
    ``factor`` inside it, plus Gaussian noise. Half the ``n`` points in each class."""
    n = _check_size(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor is the inner radius, strictly between 0 and 1; got {factor}")
    angles = [rng.uniform(0, 2 * np.pi, m) for m in (n - n // 2, n // 2)]
    outer = np.column_stack([np.cos(angles[0]), np.sin(angles[0])])
    inner = factor * np.column_stack([np.cos(angles[1]), np.sin(angles[1])])
    return _labelled([outer, inner], rng, noise)


def moons(n: int, rng: np.random.Generator, noise: float = 0.1
          ) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-circles: class 0 the upper arc centred at the origin, class 1
    the lower arc centred at ``(1, 0.5)``, plus Gaussian noise."""
    n = _check_size(n, noise)
    a0, a1 = rng.uniform(0, np.pi, n - n // 2), rng.uniform(0, np.pi, n // 2)
    upper = np.column_stack([np.cos(a0), np.sin(a0)])
    lower = np.column_stack([1 - np.cos(a1), 0.5 - np.sin(a1)])
    return _labelled([upper, lower], rng, noise)


def spirals(n: int, rng: np.random.Generator, noise: float = 0.05, turns: float = 1.5
            ) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, each ``turns`` turns long, radius growing from 0 to 1; class
    1 is class 0 rotated by half a turn."""
    n = _check_size(n, noise)
    if not turns > 0:
        raise ValueError(f"turns must be positive; got {turns}")
    parts = []
    for c, m in enumerate((n - n // 2, n // 2)):
        r = rng.uniform(0.05, 1.0, m)
        angle = 2 * np.pi * turns * r + np.pi * c
        parts.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
    return _labelled(parts, rng, noise)


def blobs(n: int, rng: np.random.Generator, noise: float = 0.5,
          centers: tuple[tuple[float, float], ...] = ((-1.0, -1.0), (1.0, 1.0))
          ) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs of standard deviation ``noise`` around ``centers`` (class 0, 1);
    with large noise they overlap and no boundary separates them perfectly."""
    n = _check_size(n, noise)
    if len(centers) != 2:
        raise ValueError(f"give two centres, one per class; got {len(centers)}")
    parts = [np.tile(np.asarray(c, dtype=float), (m, 1))
             for c, m in zip(centers, (n - n // 2, n // 2))]
    return _labelled(parts, rng, noise)


def train_test_split(X: np.ndarray, T: np.ndarray, test_fraction: float,
                     rng: np.random.Generator
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into ``(X_train, T_train, X_test, T_test)``; the test part has
    ``round(test_fraction * P)`` samples, at least one, and the training part at least one."""
    X, T = np.asarray(X), np.asarray(T)
    if len(X) != len(T):
        raise ValueError(f"X has {len(X)} samples but T has {len(T)}; give one target row "
                         "per input row")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be strictly between 0 and 1; got "
                         f"{test_fraction}")
    n_test = min(max(1, round(test_fraction * len(X))), len(X) - 1)
    if n_test < 1:
        raise ValueError(f"{len(X)} samples cannot be split; give at least 2")
    order = rng.permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], T[train], X[test], T[test]
