"""Gradient checking by central differences.

Used from *The output-layer rule* (``book/output-layer``) onwards: every gradient the book
derives is compared with the slope of the error measured numerically.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .network import Network

__all__ = ["numerical_gradient", "network_numerical_gradient", "relative_error"]


def numerical_gradient(
    f: Callable[[np.ndarray], float], theta: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient :math:`(f(\\theta + h e_i) - f(\\theta - h e_i)) / 2h`.

    Its error is :math:`O(h^2)`; with ``h = 1e-6`` in float64 it agrees with an exact
    gradient to about nine significant figures.
    """
    theta = np.array(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        old = theta.flat[i]
        theta.flat[i] = old + h
        f_plus = float(f(theta))
        theta.flat[i] = old - h
        f_minus = float(f(theta))
        theta.flat[i] = old
        grad.flat[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def network_numerical_gradient(
    net: Network, X: np.ndarray, T: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """Central differences of the network's half-SSE error in :meth:`Network.parameters`
    order; the network is left as it was."""
    probe = net.copy()

    def error(theta: np.ndarray) -> float:
        probe.set_flat_parameters(theta)
        return float(np.sum(probe.error(X, T)))

    return numerical_gradient(error, net.parameters(), h)


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-12) -> float:
    """Largest :math:`|a - b| / \\max(|a| + |b|, \\text{floor})` over all entries.

    Relative, so that a gradient of size 1e-8 is judged as strictly as one of size 10; the
    floor keeps two entries that are both (near) zero from dividing zero by zero.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))
