"""Reverse-mode automatic differentiation of scalars, written in the book's notation.

Derived in *Computational graphs and reverse mode* (``book/computational-graphs``):

* :class:`Node` is one scalar of a computation. Every operation computes its value and, in
  the same line, the **local derivative** of that value by each of its parents; nothing else
  about the operation is remembered.
* :func:`backward` visits the nodes in reverse :func:`topological_order` and hands every
  node's :math:`\\partial E/\\partial v` to its parents, multiplied by the local derivative.
  A node used by several others *adds* what each of them hands back: the sum of the
  multivariable chain rule.
* :func:`forward_sweep` is forward mode on the same recorded graph: one sweep per input.
* :func:`network_graph` writes a :class:`~backprop.network.Network`'s error on a batch as a
  graph of scalar nodes, so that the engine's gradients can be compared with
  :meth:`Network.gradients <backprop.network.Network.gradients>` and its deltas read off as
  :math:`\\delta = -\\partial E/\\partial \\mathrm{net}`.
* :func:`graph_cost`, :func:`forward_mode_gradient` and :func:`time_routes` measure what the
  reverse mode saves over forward mode and finite differences (``benchmarks/gradient_routes.py``
  repeats the measurement at larger sizes).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .gradcheck import network_numerical_gradient
from .network import Gradients, Network, NetworkInputError

__all__ = [
    "GraphCost",
    "NetworkGraph",
    "Node",
    "RouteTimes",
    "as_lists",
    "backward",
    "engine_gradients",
    "exp",
    "forward_mode_gradient",
    "forward_sweep",
    "graph_cost",
    "identity",
    "log",
    "network_graph",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
    "time_routes",
    "topological_order",
]


# --------------------------------------------------------------------------- the engine
class Node:
    """One scalar of a computation: its ``value``, the ``parents`` it was computed from and,
    for each parent ``u``, the ``local`` derivative :math:`\\partial v/\\partial u` at the
    values of the forward pass. After :func:`backward`, ``grad`` is
    :math:`\\partial E/\\partial v` for the node ``E`` the pass started from."""

    __slots__ = ("value", "parents", "local", "grad", "label")
    __array_ufunc__ = None  # numpy scalars hand `2.0 * node` to Node.__rmul__

    def __init__(self, value: float, parents: tuple[Node, ...] = (),
                 local: tuple[float, ...] = (), label: str = "") -> None:
        self.value, self.parents, self.local = float(value), parents, local
        self.grad, self.label = 0.0, label
        if not parents and not math.isfinite(self.value):
            raise ValueError(f"a graph cannot start from {self.value!r}"
                             f"{' (' + label + ')' if label else ''}: give finite numbers")

    def __add__(self, other: Node | float) -> Node:
        other = _as_node(other)
        return Node(self.value + other.value, (self, other), (1.0, 1.0))

    def __sub__(self, other: Node | float) -> Node:
        other = _as_node(other)
        return Node(self.value - other.value, (self, other), (1.0, -1.0))

    def __mul__(self, other: Node | float) -> Node:
        other = _as_node(other)
        return Node(self.value * other.value, (self, other), (other.value, self.value))

    def __pow__(self, n: float) -> Node:
        n = _exponent(n)
        return Node(self.value**n, (self,), (n * self.value ** (n - 1),))

    def __neg__(self) -> Node:
        return Node(-self.value, (self,), (-1.0,))

    __radd__, __rmul__ = __add__, __mul__               # 2 + x and 2 * x: same operations

    def __rsub__(self, other: float) -> Node:
        return _as_node(other) - self

    def named(self, label: str) -> Node:
        """Label the node (for drawings and ``repr``) and return it."""
        self.label = str(label)
        return self

    def __repr__(self) -> str:
        name = f"{self.label}, " if self.label else ""
        return f"Node({name}value={self.value:.6g}, grad={self.grad:.6g})"


def sigmoid(net: Node) -> Node:
    a = 1.0 / (1.0 + math.exp(-net.value)) if net.value >= 0 else (
        math.exp(net.value) / (1.0 + math.exp(net.value)))  # no overflow either way
    return Node(a, (net,), (a * (1.0 - a),))                 # f'(net) = a (1 - a)


def tanh(net: Node) -> Node:
    a = math.tanh(net.value)
    return Node(a, (net,), (1.0 - a * a,))                   # f'(net) = 1 - a^2


def relu(net: Node) -> Node:
    return Node(max(net.value, 0.0), (net,), (1.0 if net.value > 0 else 0.0,))


def identity(net: Node) -> Node:
    return Node(net.value, (net,), (1.0,))


def exp(x: Node) -> Node:
    if x.value > 709.0:
        raise ValueError(f"exp({x.value:g}) overflows a float; scale the input down")
    e = math.exp(x.value)
    return Node(e, (x,), (e,))                                # d e^x / dx = e^x


def log(x: Node) -> Node:
    if x.value <= 0:
        raise ValueError(f"log({x.value:g}) is undefined; log needs a positive argument")
    return Node(math.log(x.value), (x,), (1.0 / x.value,))    # d log x / dx = 1 / x


def topological_order(output: Node) -> list[Node]:
    """Every node ``output`` depends on, each one *after* all of its parents (``output``
    last): a depth-first search that lists a node once its parents are listed."""
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(output, False)]
    while stack:  # a loop, not recursion: a long chain must not hit Python's depth limit
        node, parents_listed = stack.pop()
        if parents_listed:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents if id(p) not in seen)
    return order


def backward(output: Node) -> list[Node]:
    """Set ``grad`` of every node to :math:`\\partial\\,\\mathrm{output}/\\partial v`; return
    the nodes in topological order."""
    order = topological_order(output)
    for node in order:
        node.grad = 0.0
    output.grad = 1.0                                   # dE/dE
    for node in reversed(order):                        # a node before any of its parents
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local            # one path's share; the paths add
    return order


def forward_sweep(order: Sequence[Node], wrt: Node) -> dict[int, float]:
    """Forward mode on a recorded graph: the derivative of every node by the one input
    ``wrt`` (keyed by ``id(node)``), from the nodes in topological ``order``."""
    tangent = {id(wrt): 1.0}
    for node in order:
        if node.parents and node is not wrt:
            tangent[id(node)] = sum(local * tangent.get(id(parent), 0.0)
                                    for parent, local in zip(node.parents, node.local))
    return tangent


def as_lists(output: Node) -> tuple[list[Node], list[list[int]], list[list[float]]]:
    """The graph behind ``output`` as plain lists: its nodes in topological order (``output``
    last), and for node ``i`` the positions of its parents, ``parents[i]``, and its local
    derivatives by them, ``local[i]``. A sweep written on these lists is the engine's
    :func:`backward` without objects (the exercises of ``book/computational-graphs``)."""
    order = topological_order(output)
    where = {id(node): i for i, node in enumerate(order)}
    return (order, [[where[id(p)] for p in node.parents] for node in order],
            [list(node.local) for node in order])


def _as_node(x: Node | float) -> Node:
    if isinstance(x, Node):
        return x
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        return Node(float(x))
    raise TypeError(f"a Node can be combined with a number or another Node, not a "
                    f"{type(x).__name__}; the engine is scalar, so make one Node per entry")


def _exponent(n: object) -> float:
    if isinstance(n, Node):
        raise TypeError("x ** y with a Node exponent is not an operation of this engine; "
                        "write it as exp(y * log(x))")
    return float(n)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- a network's graph
def softmax(nets: Sequence[Node]) -> list[Node]:
    """:math:`a_k = e^{\\mathrm{net}_k} / \\sum_m e^{\\mathrm{net}_m}` from the engine's
    operations (``exp``, a sum, and the power :math:`-1`). The largest net input is subtracted
    first as a constant: softmax does not change under a shift, so the gradients are the same
    and no ``exp`` overflows."""
    top = max(n.value for n in nets)
    exps = [exp(n - top) for n in nets]
    inverse = _total(exps) ** -1
    return [e * inverse for e in exps]


_ELEMENTWISE: dict[str, Callable[[Node], Node]] = {
    "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "identity": identity,
}


def _layer_function(name: str) -> Callable[[list[Node]], list[Node]]:
    if name == "softmax":
        return softmax
    if name not in _ELEMENTWISE:
        known = ", ".join(sorted([*_ELEMENTWISE, "softmax"]))
        raise NetworkInputError(f"the engine has no node for the activation function "
                                f"{name!r}; it knows {known}")
    f = _ELEMENTWISE[name]
    return lambda nets: [f(n) for n in nets]


def _pattern_error(loss: str, t: np.ndarray, a: list[Node]) -> Node:
    """One pattern's share of the network's error, for each loss of
    :data:`backprop.functions.LOSSES`."""
    try:
        if loss == "half_sse":
            return _total([0.5 * (t_k - a_k) ** 2 for t_k, a_k in zip(t, a)])
        if loss == "binary_cross_entropy":
            return -_total([t_k * log(a_k) + (1.0 - t_k) * log(1.0 - a_k)
                            for t_k, a_k in zip(t, a)])
        if loss == "categorical_cross_entropy":
            return -_total([t_k * log(a_k) for t_k, a_k in zip(t, a)])
    except ValueError as exc:  # log(0): an output rounded to exactly 0 or 1
        raise NetworkInputError(f"an output unit is saturated ({exc}); the engine's "
                                "cross-entropy takes the logarithm of the outputs, so keep "
                                "the net inputs of the output layer within about +-30") from None
    raise NetworkInputError(f"the engine has no graph for the loss {loss!r}; it knows "
                            "half_sse, binary_cross_entropy and categorical_cross_entropy")


@dataclass
class NetworkGraph:
    """A network's half-SSE error on a batch as a graph of scalar nodes.

    ``weights[l - 1][k][j]`` is the node of :math:`w^{(l)}_{kj}`, ``biases[l - 1][k]`` that
    of :math:`b^{(l)}_k`, ``nets[l - 1][p][k]`` that of :math:`\\mathrm{net}^{(l)}_k` for
    pattern ``p`` and ``activations[l][p][k]`` that of :math:`a^{(l)}_k` (``l = 0`` the
    inputs); ``error`` is :math:`E`.
    """

    error: Node
    weights: list[list[list[Node]]]
    biases: list[list[Node]]
    nets: list[list[list[Node]]]
    activations: list[list[list[Node]]]

    def gradients(self) -> Gradients:
        """Run :func:`backward` from ``error`` and return the result in the layout of
        :meth:`Network.gradients`, deltas included (:math:`\\delta = -\\partial E/\\partial
        \\mathrm{net}`)."""
        backward(self.error)
        return Gradients(
            [np.array([[w.grad for w in row] for row in W]) for W in self.weights],
            [np.array([b.grad for b in B]) for B in self.biases],
            [np.array([[-n.grad for n in row] for row in N]) for N in self.nets],
        )


def network_graph(net: Network, X: np.ndarray, T: np.ndarray) -> NetworkGraph:
    """Build the graph of the network's error on a batch: one node per weight and bias, and
    per pattern one node per product, sum, net input and activation, and the pattern's share
    of the loss (the book's :math:`\\tfrac12 \\sum_p \\sum_k (t_k - a_k)^2` unless the
    network was built with a cross-entropy). Inputs and targets are constants."""
    _one_network(net)
    net.error(X, T)  # the network's own checks of shapes, NaN and inf, with its messages
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    layer_fs = [_layer_function(f.name) for f in net.functions]
    W = [[[Node(w, label=f"w^({l})_{k + 1}{j + 1}") for j, w in enumerate(row)]
          for k, row in enumerate(Wl)] for l, Wl in enumerate(net.weights, start=1)]
    B = [[Node(b, label=f"b^({l})_{k + 1}") for k, b in enumerate(bl)]
         for l, bl in enumerate(net.biases, start=1)]
    nets: list[list[list[Node]]] = [[] for _ in W]
    acts: list[list[list[Node]]] = [[] for _ in range(len(W) + 1)]
    errors = []
    for x, t in zip(X, T):
        a = [Node(v) for v in x]
        acts[0].append(a)
        for l, (Wl, bl, f) in enumerate(zip(W, B, layer_fs)):
            n = [_total([w_kj * a_j for w_kj, a_j in zip(row, a)] + [b_k])
                 for row, b_k in zip(Wl, bl)]               # net_k = sum_j w_kj a_j + b_k
            a = f(n)                                         # a_k = f(net_k)
            nets[l].append(n)
            acts[l + 1].append(a)
        errors.append(_pattern_error(net.loss.name, t, a))
    return NetworkGraph(_total(errors), W, B, nets, acts)


def _total(nodes: Sequence[Node]) -> Node:
    """``nodes[0] + nodes[1] + ...`` without the constant 0 that ``sum`` would start from."""
    total = nodes[0]
    for node in nodes[1:]:
        total = total + node
    return total


def _one_network(net: Network) -> None:
    if net.n_networks is not None:
        raise NetworkInputError("this differentiates one network at a time; this one holds "
                                f"{net.n_networks}: build a Network without n_networks")


def engine_gradients(net: Network, X: np.ndarray, T: np.ndarray) -> Gradients:
    """:meth:`Network.gradients`, computed by the scalar engine instead of the layer
    recursion (``book/computational-graphs``)."""
    return network_graph(net, X, T).gradients()


# --------------------------------------------------------------------------- what it costs
@dataclass(frozen=True)
class GraphCost:
    """Operation counts of the three routes to all ``n_parameters`` partial derivatives of
    one graph (``book/computational-graphs``).

    ``forward_ops`` is the number of operations (non-leaf nodes) one evaluation of ``E``
    computes; ``sweep_ops`` the multiply-adds of one sweep of derivatives, one per edge.
    """

    n_parameters: int
    forward_ops: int
    sweep_ops: int

    @property
    def reverse_mode(self) -> int:
        """One forward pass that records the graph, then one reverse sweep."""
        return self.forward_ops + self.sweep_ops

    @property
    def forward_mode(self) -> int:
        """One forward pass, then one forward sweep of tangents per parameter."""
        return self.forward_ops + self.n_parameters * self.sweep_ops

    @property
    def finite_differences(self) -> int:
        """One-sided differences: :math:`E(\\theta)` and one :math:`E(\\theta + h e_i)` per
        parameter, :math:`N + 1` evaluations."""
        return (self.n_parameters + 1) * self.forward_ops


def graph_cost(output: Node, n_parameters: int) -> GraphCost:
    """Count the operations and edges of the graph that computes ``output``."""
    order = topological_order(output)
    ops = [node for node in order if node.parents]
    return GraphCost(int(n_parameters), len(ops), sum(len(node.parents) for node in ops))


def forward_mode_gradient(net: Network, X: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Forward mode in NumPy: one forward pass per parameter, each carrying the derivative
    of every activation along that parameter (the tangent :math:`\\dot a`) beside its value.
    Returns the gradient in :meth:`Network.parameters` order (``book/computational-graphs``)."""
    _one_network(net)
    if net.loss.name != "half_sse" or any(f.fprime_from_a is None for f in net.functions):
        raise NetworkInputError("forward_mode_gradient is written for the book's half-SSE "
                                "error and elementwise activation functions; use "
                                "engine_gradients for cross-entropy or softmax networks")
    net.error(X, T)  # the network's checks of X and T
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    theta = net.parameters()
    grad = np.empty_like(theta)
    shapes = [s for W, b in zip(net.weights, net.biases) for s in (W.shape, b.shape)]
    for i in range(theta.size):
        e_i = np.zeros_like(theta)
        e_i[i] = 1.0
        pieces = np.split(e_i, np.cumsum([math.prod(s) for s in shapes])[:-1])
        dots = [p.reshape(s) for p, s in zip(pieces, shapes)]
        a, a_dot = X, np.zeros_like(X)
        for l, (W, b, f) in enumerate(zip(net.weights, net.biases, net.functions)):
            W_dot, b_dot = dots[2 * l], dots[2 * l + 1]
            net_dot = a_dot @ W.T + a @ W_dot.T + b_dot     # product rule on W a + b
            a = f.f(a @ W.T + b)
            a_dot = f.fprime_from_a(a) * net_dot
        grad[i] = -np.sum((T - a) * a_dot)                   # dE = -sum (t - a) da
    return grad


@dataclass(frozen=True)
class RouteTimes:
    """Seconds (best of ``repeats``) for one network's whole gradient by each route, and for
    one evaluation of the error alone (``book/computational-graphs``)."""

    n_parameters: int
    error: float
    reverse_mode: float
    forward_mode: float
    finite_differences: float


def _best_time(func: Callable[[], object], repeats: int) -> float:
    best = math.inf
    for _ in range(max(int(repeats), 1)):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def time_routes(net: Network, X: np.ndarray, T: np.ndarray, repeats: int = 3) -> RouteTimes:
    """Time :meth:`Network.gradients` (reverse mode), :func:`forward_mode_gradient` and the
    book's central differences (:func:`~backprop.gradcheck.network_numerical_gradient`,
    :math:`2N` evaluations) on the same batch. The best of ``repeats`` runs is kept: a loaded
    machine only ever makes a run slower."""
    error = _best_time(lambda: net.error(X, T), 5 * repeats)
    return RouteTimes(
        int(net.parameters().size),
        error,
        _best_time(lambda: net.gradients(X, T), repeats),
        _best_time(lambda: forward_mode_gradient(net, X, T), repeats),
        _best_time(lambda: network_numerical_gradient(net, X, T), repeats),
    )
