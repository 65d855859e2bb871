"""Wrong backward passes, each one edit away from :meth:`Network.backward`.

*Gradient checking* (``book/gradient-checking``) plants them to measure what a gradient
check sees: how far a wrong gradient lands from finite differences, and which test
configurations hide which bug (one pattern hides a bug in the sum over patterns, one output
unit a bug in the sum over outputs, a symmetric starting point every bug that scales the
gradient). They are written on the package's own forward pass and
:func:`~backprop.network.output_delta`, for networks trained on the half-SSE error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .network import Gradients, Network, output_delta

__all__ = ["PLANTED_BUGS", "planted_gradients"]


def _deltas(net: Network, A: list[np.ndarray], T: np.ndarray, *, scale: float = 1.0,
            slope: bool = True, output_slope: Callable | None = None) -> list[np.ndarray]:
    """The backward recursion with an optional planted fault: the output delta scaled,
    the hidden slopes left out, or the output slope replaced."""
    f_out = net.functions[-1]
    if output_slope is None:
        d = output_delta(net.loss, f_out, A[-1], T)
    else:
        d = (T - A[-1]) * output_slope(A[-1])
    deltas = [scale * d]
    for l in range(len(net.weights) - 1, 0, -1):
        back = deltas[0] @ net.weights[l]
        deltas.insert(0, net.functions[l - 1].backward(A[l], back) if slope else back)
    return deltas


def _gradients(deltas: list[np.ndarray], A: list[np.ndarray], *, mean: bool = False,
               first_only_bias: bool = False) -> Gradients:
    n = A[0].shape[0] if mean else 1
    weights = [-(d.T @ a) / n for d, a in zip(deltas, A)]
    biases = [-(d[0] if first_only_bias else d.sum(axis=0)) / n for d in deltas]
    return Gradients(weights, biases, deltas)


def _tanh_slope(a: np.ndarray) -> np.ndarray:
    return 1.0 - a * a


#: name -> ``bug(net, activations, T)`` returning the wrong :class:`Gradients`.
PLANTED_BUGS: dict[str, Callable[[Network, list[np.ndarray], np.ndarray], Gradients]] = {
    "hidden deltas without f'(net)":
        lambda net, A, T: _gradients(_deltas(net, A, T, slope=False), A),
    "output delta twice too large (the half of E forgotten)":
        lambda net, A, T: _gradients(_deltas(net, A, T, scale=2.0), A),
    "output delta with the sign flipped":
        lambda net, A, T: _gradients(_deltas(net, A, T, scale=-1.0), A),
    "tanh's slope 1 - a^2 at a sigmoid output":
        lambda net, A, T: _gradients(_deltas(net, A, T, output_slope=_tanh_slope), A),
    "bias gradients of the first pattern only":
        lambda net, A, T: _gradients(_deltas(net, A, T), A, first_only_bias=True),
    "gradients averaged over the patterns, while E sums them":
        lambda net, A, T: _gradients(_deltas(net, A, T), A, mean=True),
}


def planted_gradients(name: str, net: Network, X: np.ndarray, T: np.ndarray) -> np.ndarray:
    """The flat gradient (in :meth:`Network.parameters` order) that the planted bug
    ``name`` computes for ``net`` on the batch ``X, T``."""
    try:
        bug = PLANTED_BUGS[name]
    except KeyError:
        raise ValueError(f"unknown planted bug {name!r}; the bugs are: "
                         f"{', '.join(PLANTED_BUGS)}") from None
    if net.loss.name != "half_sse" or net.n_networks is not None:
        raise ValueError("the planted bugs are written for one network trained on the "
                         "half-SSE error")
    fwd = net.forward(X)
    return bug(net, fwd.activations, np.asarray(T, dtype=float)).flat()
