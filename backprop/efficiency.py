"""What backpropagation saves: the cost of the naive derivative against the backward pass.

Measured in *Any number of layers* (``book/any-depth``) and, at larger sizes, by
``benchmarks/symbolic_cost.py``. Both routes are built in SymPy so that both are counted the
same way, with :func:`sympy.count_ops`:

* the **naive** route writes the error as one nested expression in every weight and calls
  :func:`sympy.diff` once per weight; nothing computed for one weight is reused for another;
* the **backward pass** gives each layer's deltas their own symbols, so that
  :math:`\\delta^{(l)}` is written through :math:`\\delta^{(l+1)}` instead of repeating it:
  the recursion :math:`\\delta^{(l)} = f'(\\mathrm{net}^{(l)}) \\odot (W^{(l+1)})^{\\mathsf T}
  \\delta^{(l+1)}`, followed by one product :math:`-\\delta^{(l)}_u a^{(l-1)}_v` per weight.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from .network import check_sizes
from .symbolic import SymbolicNetwork

__all__ = ["GradientCost", "backward_pass_cost", "layer_deltas", "naive_gradient_cost"]


@dataclass(frozen=True)
class GradientCost:
    """Operations (``sympy.count_ops``) in every weight's gradient, and the seconds SymPy took
    to build and count them."""

    sizes: tuple[int, ...]
    ops: int
    seconds: float


def naive_gradient_cost(sizes: Sequence[int], activation: str = "sigmoid") -> GradientCost:
    """Differentiate the whole error once per weight (no biases); count the operations."""
    sizes = check_sizes(sizes)
    start = time.perf_counter()
    net = SymbolicNetwork(sizes, activation, biases=False)
    ops = sum(sp.count_ops(net.whole_gradient(w)) for w in net.parameters())
    return GradientCost(sizes, int(ops), time.perf_counter() - start)


def layer_deltas(
    sizes: Sequence[int], activation: str = "sigmoid"
) -> tuple[SymbolicNetwork, list[sp.Matrix], list[sp.Matrix]]:
    """The backward pass with one symbol per delta.

    Returns the network, the delta *symbols* ``d[l-1]`` (:math:`\\delta^{(l)}_u`) and the
    expressions ``rhs[l-1]`` that define them: the output rule for ``l = L`` and, below,
    :math:`f'(a^{(l)}) \\odot (W^{(l+1)})^{\\mathsf T} \\delta^{(l+1)}` written with the
    symbols of layer ``l + 1``.
    """
    sizes = check_sizes(sizes)
    net = SymbolicNetwork(sizes, activation, biases=False)
    d = [sp.Matrix([sp.Symbol(f"delta^{{({l})}}_{{{u + 1}}}", real=True)
                    for u in range(sizes[l])]) for l in range(1, net.n_layers + 1)]
    return net, d, net.deltas(through=d)


def backward_pass_cost(sizes: Sequence[int], activation: str = "sigmoid") -> GradientCost:
    """Count the backward pass: every delta once (through the layer above's symbols), then
    one product per weight. The forward pass's activations are inputs to it, as in NumPy."""
    sizes = check_sizes(sizes)
    start = time.perf_counter()
    net, d, rhs = layer_deltas(sizes, activation)
    ops = sum(sp.count_ops(e) for m in rhs for e in m)
    for l in range(1, net.n_layers + 1):
        ops += sum(sp.count_ops(-d[l - 1][u] * net.a[l - 1][v])
                   for u in range(sizes[l]) for v in range(sizes[l - 1]))
    return GradientCost(sizes, int(ops), time.perf_counter() - start)
