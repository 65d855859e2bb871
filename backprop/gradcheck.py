"""Gradient checking by central differences.

Used from *The output-layer rule* (``book/output-layer``) onwards: every gradient the book
derives is compared with the slope of the error measured numerically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .network import Network, parameter_slices

__all__ = [
    "RouteComparison",
    "compare_routes",
    "network_numerical_gradient",
    "numerical_gradient",
    "relative_error",
    "weight_indices",
]


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


# --------------------------------------------------------------------------- three routes
@dataclass
class RouteComparison:
    """One network's gradient computed three ways, each a flat vector in
    :meth:`Network.parameters` order.

    ``numpy`` is the backward pass (:meth:`Network.gradients`), ``sympy`` the lambdified
    whole-expression derivative summed over the samples, ``numerical`` central differences.
    Used by ``book/output-layer`` and ``book/hidden-layer``.
    """

    label: str
    numpy: np.ndarray
    sympy: np.ndarray
    numerical: np.ndarray

    def max_difference(self, route: str, indices: np.ndarray | None = None) -> float:
        """Largest ``|route - numpy|`` over ``indices`` (all parameters if ``None``)."""
        if route not in ("sympy", "numerical"):
            raise ValueError(f"unknown route {route!r}; compare 'sympy' or 'numerical'")
        other = getattr(self, route)
        idx = slice(None) if indices is None else np.asarray(indices)
        return float(np.max(np.abs(other[idx] - self.numpy[idx])))


def weight_indices(sizes: Sequence[int], layer: int) -> np.ndarray:
    """Positions of the entries of :math:`W^{(l)}` in the flat :meth:`Network.parameters`
    vector (W1, b1, W2, b2, ...), row by row; ``layer`` counts from 1 as in the text."""
    sizes = [int(s) for s in sizes]
    if not 1 <= layer < len(sizes):
        raise ValueError(f"layer must be between 1 and {len(sizes) - 1} for sizes {sizes}; "
                         f"got {layer}")
    w, _ = parameter_slices(sizes)[layer - 1]
    return np.arange(w.start, w.stop)


def compare_routes(
    net: Network,
    X: np.ndarray,
    T: np.ndarray,
    symbolic_gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    label: str = "",
) -> RouteComparison:
    """Gradient of the batch error by backward pass, by SymPy, and by finite differences.

    ``symbolic_gradient(x, t, theta)`` is the one-sample gradient returned by
    :meth:`backprop.symbolic.SymbolicNetwork.lambdify_gradients`; it is summed over the rows
    of ``X`` because the book's error sums over the samples.
    """
    X = np.asarray(X, dtype=float)
    T = np.asarray(T, dtype=float)
    theta = net.parameters()
    sym = np.sum([symbolic_gradient(x, t, theta) for x, t in zip(X, T)], axis=0)
    return RouteComparison(label, net.gradients(X, T).flat(), sym,
                           network_numerical_gradient(net, X, T))
