"""Small data sets used across the book.

XOR is introduced in *Why one layer is not enough* (``book/perceptron``) and trained in
*Training XOR* (``book/training-xor``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["xor", "noisy_xor"]


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
