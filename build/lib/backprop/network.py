"""A vectorized multi-layer network in NumPy, written in the book's notation.

Derived in the chapters *The output-layer rule* (``book/output-layer``) and *The
hidden-layer rule* (``book/hidden-layer``); the matrix form for any depth is derived in
*Any number of layers* (``book/any-depth``).

Conventions (see the notation table in the introduction):

* layer ``l = 0`` is the input, layer ``L`` the output; ``weights[l - 1]`` is
  :math:`W^{(l)}`, shaped ``(n_l, n_{l-1})`` so that row ``k``, column ``j`` holds
  :math:`w_{kj}`, the weight *into* unit ``k`` *from* unit ``j``;
* samples are rows: an input batch ``X`` has shape ``(n_samples, n_0)``;
* every array may carry leading axes, one per independent network, so that many networks
  (different seeds, say) train in one vectorized step;
* :math:`\\delta^{(l)} = -\\partial E / \\partial \\mathrm{net}^{(l)}`, the book's sign, so
  that the weight change is :math:`\\Delta w_{kj} = \\eta\\, \\delta_k a_j`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Forward",
    "Gradients",
    "Network",
    "NetworkInputError",
    "get_activation",
    "half_sse",
]


class NetworkInputError(ValueError):
    """Raised for input the network cannot use; the message says what to change."""


@dataclass(frozen=True)
class Activation:
    """An activation function ``f`` with its derivative written in terms of ``a = f(net)``.

    Writing ``f'`` through the activation itself (``a(1 - a)`` for the sigmoid) is what lets
    the backward pass reuse the forward pass's values instead of recomputing ``net``.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    fprime_from_a: Callable[[np.ndarray], np.ndarray]
    latex: str


def _sigmoid(net: np.ndarray) -> np.ndarray:
    # Split by sign so that exp never overflows: the two branches are the same function.
    out = np.empty_like(net, dtype=float)
    pos = net >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-net[pos]))
    e = np.exp(net[~pos])
    out[~pos] = e / (1.0 + e)
    return out


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, lambda a: a * (1.0 - a), r"a(1-a)"),
    "tanh": Activation("tanh", np.tanh, lambda a: 1.0 - a * a, r"1-a^2"),
    "identity": Activation("identity", lambda n: np.asarray(n, dtype=float),
                           lambda a: np.ones_like(a), r"1"),
    "relu": Activation("relu", lambda n: np.maximum(n, 0.0),
                       lambda a: (a > 0).astype(float), r"[a>0]"),
}


def get_activation(name: str | Activation) -> Activation:
    """Look an activation up by name; an unknown name lists the valid ones."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(ACTIVATIONS))
        raise NetworkInputError(
            f"unknown activation {name!r}; valid names are: {valid}"
        ) from None


def half_sse(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The book's error :math:`E = \\tfrac12 \\sum_p \\sum_k (t_k - a_k)^2`.

    Summed over samples and outputs (the last two axes); any leading network axes remain.
    """
    diff = np.asarray(targets, dtype=float) - outputs
    return 0.5 * np.sum(diff * diff, axis=(-2, -1))


def _check_finite(name: str, array: np.ndarray) -> None:
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = tuple(int(i) for i in bad)
        raise NetworkInputError(
            f"{name} contains {array[where]!r} at index {where}; "
            "NaN and inf cannot be trained on: remove or impute those samples first"
        )


@dataclass
class Forward:
    """What the forward pass keeps for the backward pass.

    ``activations[0]`` is the input batch, ``activations[l]`` the output of layer ``l``;
    ``nets[l - 1]`` is :math:`\\mathrm{net}^{(l)}`.
    """

    activations: list[np.ndarray]
    nets: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.activations[-1]


@dataclass
class Gradients:
    """Gradients of the half-SSE error, summed over the samples of a batch.

    ``weights[l - 1]`` is :math:`\\partial E / \\partial W^{(l)}`, ``biases[l - 1]`` is
    :math:`\\partial E / \\partial b^{(l)}`, and ``deltas[l - 1]`` is the book's
    :math:`\\delta^{(l)} = -\\partial E / \\partial \\mathrm{net}^{(l)}` per sample.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    deltas: list[np.ndarray] = field(default_factory=list)

    def flat(self) -> np.ndarray:
        """All gradients in one vector, in :meth:`Network.parameters` order."""
        return np.concatenate([g.ravel() for pair in zip(self.weights, self.biases)
                               for g in pair])


class Network:
    """A fully connected feed-forward network trained on the half sum of squared errors.

    Parameters
    ----------
    sizes:
        Units per layer, input first: ``(2, 2, 1)`` is the 2-2-1 XOR network.
    activations:
        One name for every layer, or one per non-input layer (``"sigmoid"``, ``"tanh"``,
        ``"identity"``, ``"relu"``).
    rng:
        Source of the random initial weights. Required unless ``init="zeros"``; nothing in
        the package seeds a global generator.
    weight_scale:
        Initial weights and biases are drawn uniformly from ``[-weight_scale, weight_scale]``.
    n_networks:
        If given, the network is really ``n_networks`` independent networks sharing one
        shape, stored along a leading axis and trained in one vectorized step.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activations: str | Sequence[str] = "sigmoid",
        *,
        rng: np.random.Generator | None = None,
        weight_scale: float = 0.5,
        n_networks: int | None = None,
        init: str = "uniform",
    ) -> None:
        sizes = tuple(int(s) for s in sizes)
        if len(sizes) < 2 or any(s < 1 for s in sizes):
            raise NetworkInputError(
                f"sizes must list at least an input and an output layer, each with one or "
                f"more units; got {sizes}"
            )
        n_layers = len(sizes) - 1
        if isinstance(activations, (str, Activation)):
            activations = [activations] * n_layers
        activations = list(activations)
        if len(activations) != n_layers:
            raise NetworkInputError(
                f"{len(activations)} activations given for {n_layers} layers; pass one name "
                f"for all layers or one per layer"
            )
        self.sizes = sizes
        self.activations = [get_activation(a) for a in activations]
        lead = () if n_networks is None else (int(n_networks),)
        self.n_networks = n_networks
        if init == "zeros":
            self.weights = [np.zeros(lead + (sizes[l + 1], sizes[l])) for l in range(n_layers)]
            self.biases = [np.zeros(lead + (sizes[l + 1],)) for l in range(n_layers)]
        elif init == "uniform":
            if rng is None:
                raise NetworkInputError(
                    "random initial weights need a generator: pass "
                    "rng=np.random.default_rng(seed), or init='zeros' and set them by hand"
                )
            s = float(weight_scale)
            self.weights = [rng.uniform(-s, s, lead + (sizes[l + 1], sizes[l]))
                            for l in range(n_layers)]
            self.biases = [rng.uniform(-s, s, lead + (sizes[l + 1],)) for l in range(n_layers)]
        else:
            raise NetworkInputError(f"unknown init {init!r}; use 'uniform' or 'zeros'")

    # ----------------------------------------------------------------- parameters
    @classmethod
    def from_parameters(
        cls,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray] | None = None,
        activations: str | Sequence[str] = "sigmoid",
    ) -> Network:
        """Build a network from given matrices, e.g. to reproduce a textbook example.

        ``weights[l - 1]`` is :math:`W^{(l)}` with shape ``(n_l, n_{l-1})``; biases default to
        zero.
        """
        weights = [np.array(w, dtype=float) for w in weights]
        if not weights or any(w.ndim < 2 for w in weights):
            raise NetworkInputError("weights must be a non-empty list of 2-D matrices")
        sizes = [weights[0].shape[-1]] + [w.shape[-2] for w in weights]
        lead = weights[0].shape[:-2]
        net = cls(sizes, activations, init="zeros",
                  n_networks=lead[0] if lead else None)
        net.set_parameters(weights, biases)
        return net

    def set_parameters(
        self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray] | None = None
    ) -> None:
        """Replace every weight (and bias), checking each shape against the layer sizes."""
        if len(weights) != len(self.weights):
            raise NetworkInputError(
                f"{len(weights)} weight matrices given; this network has {len(self.weights)} "
                "layers"
            )
        if biases is None:
            biases = [np.zeros_like(b) for b in self.biases]
        new_w, new_b = [], []
        for l, (w, b, w_old, b_old) in enumerate(zip(weights, biases, self.weights,
                                                     self.biases), start=1):
            w = np.array(w, dtype=float)
            b = np.array(b, dtype=float)
            if w.shape != w_old.shape:
                raise NetworkInputError(
                    f"layer {l}: W^({l}) must have shape {w_old.shape} (units in layer {l}, "
                    f"units in layer {l - 1}) but the given matrix has shape {w.shape}"
                )
            if b.shape != b_old.shape:
                raise NetworkInputError(
                    f"layer {l}: b^({l}) must have shape {b_old.shape} but has shape {b.shape}"
                )
            _check_finite(f"W^({l})", w)
            _check_finite(f"b^({l})", b)
            new_w.append(w)
            new_b.append(b)
        self.weights, self.biases = new_w, new_b

    def parameters(self) -> np.ndarray:
        """All weights and biases in one vector: W1, b1, W2, b2, ... (for gradient checks)."""
        return np.concatenate([p.ravel() for pair in zip(self.weights, self.biases)
                               for p in pair])

    def set_flat_parameters(self, theta: np.ndarray) -> None:
        """Inverse of :meth:`parameters`."""
        theta = np.asarray(theta, dtype=float)
        expected = sum(w.size + b.size for w, b in zip(self.weights, self.biases))
        if theta.shape != (expected,):
            raise NetworkInputError(
                f"a flat parameter vector for this network has shape ({expected},); "
                f"got {theta.shape}"
            )
        pos = 0
        for l in range(len(self.weights)):
            for arrays in (self.weights, self.biases):
                n = arrays[l].size
                arrays[l] = theta[pos:pos + n].reshape(arrays[l].shape).copy()
                pos += n

    def copy(self) -> Network:
        other = Network.__new__(Network)
        other.sizes, other.activations = self.sizes, list(self.activations)
        other.n_networks = self.n_networks
        other.weights = [w.copy() for w in self.weights]
        other.biases = [b.copy() for b in self.biases]
        return other

    # ----------------------------------------------------------------- checking input
    def _check_inputs(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            raise NetworkInputError(
                f"X has shape {X.shape}; give one sample per row, shape (n_samples, "
                f"{self.sizes[0]}) - for a single sample use X.reshape(1, -1)"
            )
        if X.shape[-1] != self.sizes[0]:
            raise NetworkInputError(
                f"layer 1: W^(1) has shape {self.weights[0].shape[-2:]}, so it takes "
                f"{self.sizes[0]} inputs per sample, but X has shape {X.shape} "
                f"({X.shape[-1]} per sample)"
            )
        _check_finite("X", X)
        return X

    def _check_targets(self, T: np.ndarray, n_samples: int) -> np.ndarray:
        T = np.asarray(T, dtype=float)
        want = (n_samples, self.sizes[-1])
        if T.shape[-2:] != want:
            raise NetworkInputError(
                f"targets must have shape {want} (one row per sample, one column per output "
                f"unit of layer {len(self.sizes) - 1}) but have shape {T.shape}"
            )
        _check_finite("targets", T)
        return T

    # ----------------------------------------------------------------- the two passes
    def forward(self, X: np.ndarray) -> Forward:
        """Propagate a batch forward, keeping every net input and activation."""
        a = self._check_inputs(X)
        activations, nets = [a], []
        for W, b, act in zip(self.weights, self.biases, self.activations):
            net = a @ np.swapaxes(W, -1, -2) + b[..., None, :]  # net_k = sum_j w_kj a_j + b_k
            a = act.f(net)
            nets.append(net)
            activations.append(a)
        return Forward(activations, nets)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X).output

    def error(self, X: np.ndarray, T: np.ndarray) -> np.ndarray:
        """Half-SSE error over the batch (one value per network)."""
        fwd = self.forward(X)
        T = self._check_targets(T, fwd.output.shape[-2])
        return half_sse(fwd.output, T)

    def backward(self, fwd: Forward, T: np.ndarray) -> Gradients:
        """Backpropagate the error of a forward pass; gradients are summed over samples.

        Output layer: :math:`\\delta_k = (t_k - a_k) f'(\\mathrm{net}_k)`; every layer below:
        :math:`\\delta_j = f'(\\mathrm{net}_j) \\sum_k \\delta_k w_{kj}`; and
        :math:`\\partial E / \\partial w_{kj} = -\\sum_p \\delta_k a_j`.
        """
        T = self._check_targets(T, fwd.output.shape[-2])
        L = len(self.weights)
        deltas: list[np.ndarray] = [np.empty(0)] * L
        grad_w: list[np.ndarray] = [np.empty(0)] * L
        grad_b: list[np.ndarray] = [np.empty(0)] * L
        a_out = fwd.activations[-1]
        delta = (T - a_out) * self.activations[-1].fprime_from_a(a_out)
        for l in range(L - 1, -1, -1):
            deltas[l] = delta
            a_prev = fwd.activations[l]
            grad_w[l] = -(np.swapaxes(delta, -1, -2) @ a_prev)  # -sum_p delta_k a_j
            grad_b[l] = -delta.sum(axis=-2)
            if l > 0:
                a_here = fwd.activations[l]
                delta = (delta @ self.weights[l]) * self.activations[l - 1].fprime_from_a(a_here)
        return Gradients(grad_w, grad_b, deltas)

    def gradients(self, X: np.ndarray, T: np.ndarray) -> Gradients:
        """Forward then backward on one batch."""
        return self.backward(self.forward(X), T)

    # ----------------------------------------------------------------- learning
    def apply(self, grads: Gradients, eta: float, *, update_biases: bool = True) -> None:
        """Gradient-descent step :math:`w \\leftarrow w - \\eta\\, \\partial E/\\partial w`."""
        for l in range(len(self.weights)):
            self.weights[l] = self.weights[l] - eta * grads.weights[l]
            if update_biases:
                self.biases[l] = self.biases[l] - eta * grads.biases[l]

    def train_epoch(
        self,
        X: np.ndarray,
        T: np.ndarray,
        eta: float,
        *,
        mode: str = "batch",
        update_biases: bool = True,
        order: np.ndarray | None = None,
    ) -> np.ndarray:
        """One pass over the data; returns the error *before* the pass.

        ``mode="batch"`` sums the gradient over all samples and takes one step;
        ``mode="online"`` takes one step per sample, in ``order`` (default: as given).
        """
        X = self._check_inputs(X)
        T = self._check_targets(T, X.shape[-2])
        if not np.isfinite(eta) or eta <= 0:
            raise NetworkInputError(f"the learning rate must be a positive number; got {eta}")
        fwd = self.forward(X)
        err = half_sse(fwd.output, T)
        if mode == "batch":
            self.apply(self.backward(fwd, T), eta, update_biases=update_biases)
        elif mode == "online":
            idx = np.arange(X.shape[-2]) if order is None else np.asarray(order)
            for p in idx:
                g = self.gradients(X[..., p:p + 1, :], T[..., p:p + 1, :])
                self.apply(g, eta, update_biases=update_biases)
        else:
            raise NetworkInputError(f"unknown mode {mode!r}; use 'batch' or 'online'")
        return err

    def train(
        self,
        X: np.ndarray,
        T: np.ndarray,
        eta: float,
        epochs: int,
        *,
        mode: str = "batch",
        update_biases: bool = True,
    ) -> np.ndarray:
        """Train for ``epochs`` passes; returns the error before each pass and after the last.

        A run whose error becomes NaN or inf stops early (the learning rate is too large);
        the returned history then ends with that value so the caller can see it diverged.
        """
        history = []
        # Overflow is expected when a run diverges; it is reported through the history.
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(int(epochs)):
                err = self.train_epoch(X, T, eta, mode=mode, update_biases=update_biases)
                history.append(err)
                if not np.all(np.isfinite(err)):
                    return np.array(history)
            history.append(self.error(X, T))
        return np.array(history)

    def __repr__(self) -> str:
        acts = ", ".join(a.name for a in self.activations)
        many = "" if self.n_networks is None else f", n_networks={self.n_networks}"
        return f"Network(sizes={self.sizes}, activations=[{acts}]{many})"
