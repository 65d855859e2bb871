"""Gradient checking by finite differences.

Used from *The output-layer rule* (``book/output-layer``) onwards: every gradient the book
derives is compared with the slope of the error measured numerically. *Gradient checking*
(``book/gradient-checking``) makes it a practice: the choice of the step ``h`` (truncation
against rounding, :func:`step_errors`), the relative error and its thresholds, and kinks
(:func:`nearest_kink`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .network import Network, parameter_slices, unpack

__all__ = [
    "SCHEMES",
    "RouteComparison",
    "compare_routes",
    "nearest_kink",
    "network_numerical_gradient",
    "numerical_gradient",
    "relative_error",
    "step_errors",
    "weight_indices",
]

#: The finite differences :func:`numerical_gradient` knows: ``"central"``,
#: :math:`(f(\theta + h e_i) - f(\theta - h e_i)) / 2h`, and ``"forward"``,
#: :math:`(f(\theta + h e_i) - f(\theta)) / h`.
SCHEMES = ("central", "forward")


def numerical_gradient(
    f: Callable[[np.ndarray], float], theta: np.ndarray, h: float = 1e-6, *,
    scheme: str = "central",
) -> np.ndarray:
    """Finite-difference gradient of ``f`` at ``theta``, one coordinate at a time.

    ``scheme="central"`` (the default) is :math:`(f(\\theta + h e_i) - f(\\theta - h e_i))
    / 2h`. Its truncation error is :math:`O(h^2)`; its rounding error, from the two values of
    ``f`` each rounded to float64, is about :math:`\\epsilon |f| / h` (:math:`\\epsilon
    \\approx 2.2 \\times 10^{-16}`) and grows as ``h`` shrinks. At the default ``h = 1e-6``
    rounding dominates for the book's networks: an *absolute* error of order ``1e-10`` when
    ``|f|`` is of order one, whatever the size of the entry, so an entry that small has no
    correct digit (``book/gradient-checking`` measures both terms against ``h``).
    ``scheme="forward"`` is :math:`(f(\\theta + h e_i) - f(\\theta)) / h`, with an
    :math:`O(h)` truncation error and a rounding error of about :math:`2\\epsilon |f| / h`.
    ``theta`` may be float32: the steps are then taken in float32 and divided by the step
    actually taken.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    if not h > 0:
        raise ValueError(f"the step h must be positive; got {h!r}")
    theta = np.array(theta, dtype=np.result_type(np.asarray(theta).dtype, np.float32))
    # In float64 the step is h itself; in a lower precision theta + h is rounded, so divide
    # by the step actually taken.
    exact_steps = theta.dtype == np.float64
    grad = np.zeros(theta.shape)
    f_here = float(f(theta)) if scheme == "forward" else 0.0
    for i in range(theta.size):
        old = theta.flat[i]
        theta.flat[i] = old + h
        up = theta.flat[i]
        f_plus = float(f(theta))
        if scheme == "central":
            theta.flat[i] = old - h
            down, f_minus = theta.flat[i], float(f(theta))
        else:
            down, f_minus = old, f_here
        theta.flat[i] = old
        if up == down:
            raise ValueError(f"the step h = {h:g} is lost in rounding at theta[{i}] = "
                             f"{float(old):g} in {theta.dtype}: use a larger h")
        width = (2.0 * h if scheme == "central" else h) if exact_steps else \
            float(up) - float(down)
        grad.flat[i] = (f_plus - f_minus) / width
    return grad


def network_numerical_gradient(
    net: Network, X: np.ndarray, T: np.ndarray, h: float = 1e-6, *,
    scheme: str = "central", dtype: type = np.float64,
) -> np.ndarray:
    """Finite differences of the network's loss in :meth:`Network.parameters` order; the
    network is left as it was.

    ``dtype=np.float32`` evaluates the error in single precision (weights, inputs and
    targets rounded to float32), to show what a lower precision does to a check
    (``book/gradient-checking``).
    """
    probe = net.copy()
    if np.dtype(dtype) == np.float64:
        def error(theta: np.ndarray) -> float:
            probe.set_flat_parameters(theta)
            return float(np.sum(probe.error(X, T)))

        return numerical_gradient(error, net.parameters(), h, scheme=scheme)
    if net.loss.name != "half_sse":
        raise ValueError(f"a {np.dtype(dtype).name} check is written for the half-SSE error; "
                         f"this network uses {net.loss.name}")
    X_low, T_low = (np.asarray(v, dtype=dtype) for v in (X, T))
    half = np.asarray(0.5, dtype=dtype)

    def low_error(theta: np.ndarray) -> float:
        weights, biases = unpack(theta, net.sizes)           # (as float64: cast back)
        probe.weights = [w.astype(dtype) for w in weights]
        probe.biases = [b.astype(dtype) for b in biases]
        out = probe._propagate(X_low)[0][-1]                # keeps the low precision
        if out.dtype != np.dtype(dtype):
            raise ValueError(f"the forward pass left {np.dtype(dtype).name} for {out.dtype}")
        return float(half * np.sum((T_low - out) ** 2, dtype=dtype))

    return numerical_gradient(low_error, net.parameters().astype(dtype), h, scheme=scheme)


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


# --------------------------------------------------------------------------- the practice
def step_errors(
    net: Network, X: np.ndarray, T: np.ndarray, steps: Sequence[float], *,
    scheme: str = "central", dtype: type = np.float64,
) -> np.ndarray:
    """For each step ``h`` of ``steps``, the largest difference between the finite
    differences (:func:`network_numerical_gradient`) and the backward pass, over all
    parameters: the measured curve of ``book/gradient-checking`` (truncation for large
    ``h``, rounding for small ``h``)."""
    exact = net.gradients(X, T).flat()
    return np.array([np.max(np.abs(network_numerical_gradient(net, X, T, h, scheme=scheme,
                                                              dtype=dtype) - exact))
                     for h in steps])


def nearest_kink(net: Network, X: np.ndarray) -> float:
    """The smallest :math:`|\\mathrm{net}|` of any unit whose activation has a kink at 0
    (ReLU), over the samples of ``X``; ``inf`` if the network has none.

    A finite difference with a step that moves such a net input across 0 averages the two
    slopes of the kink, and disagrees with the (correct) backward pass
    (``book/gradient-checking``).
    """
    nets = net.forward(X).nets
    kinked = [np.abs(n) for n, f in zip(nets, net.functions) if f.name == "relu"]
    return float(min(k.min() for k in kinked)) if kinked else float("inf")
