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
  that the weight change is :math:`\\Delta w_{kj} = \\eta\\, \\delta_k a_j`;
* one word, one meaning: *activations* are the values :math:`a^{(l)}` (``Forward``), the
  *functions* :math:`f` that make them are :class:`~backprop.functions.Activation` objects
  (``Network.functions``).

The activation functions and losses are in :mod:`backprop.functions`. The error is the half
sum of squared errors unless a network is built with another
:class:`~backprop.functions.Loss` (``loss="binary_cross_entropy"`` for sigmoid outputs,
``"categorical_cross_entropy"`` for a softmax output layer). Whatever the loss, the output
layer's delta is :math:`\\delta^{(L)} = -\\partial E/\\partial a \\odot f'(\\mathrm{net}^{(L)})`
(:func:`~backprop.functions.output_delta`); for the two cross-entropies with the output
function they are written for, :math:`f'` cancels and :math:`\\delta^{(L)} = t - a`.

Training (plain gradient descent, batch or on-line) is :meth:`Network.train`, a thin call of
the one training loop in :mod:`backprop.training`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .functions import (
    Activation,
    Loss,
    NetworkInputError,
    get_activation,
    get_loss,
    output_delta,
)

__all__ = [
    "Forward",
    "Gradients",
    "Network",
    "NetworkInputError",
    "check_sizes",
    "pack",
    "parameter_slices",
    "unpack",
]


# ====================================================================== layer sizes
def check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    """``sizes`` as a tuple of unit counts, ``sizes[l]`` units in layer ``l``: at least an input
    and an output layer, each with one or more units. Anything else raises a
    :class:`NetworkInputError` that says what is wrong; every network of the package (NumPy,
    SymPy, the cost counts, the diagrams) takes its sizes through here."""
    try:
        out = tuple(int(s) for s in sizes)
        whole = all(int(s) == s for s in sizes)
    except (TypeError, ValueError):
        whole = False
    if not whole:
        raise NetworkInputError(f"sizes must be a sequence of unit counts (whole numbers) "
                                f"such as (2, 3, 2); got {sizes!r}")
    if len(out) < 2 or any(s < 1 for s in out):
        raise NetworkInputError(f"sizes must list at least an input and an output layer, each "
                                f"with one or more units; got {sizes!r}")
    return out


# ====================================================================== flat parameters
def parameter_slices(sizes: Sequence[int]) -> list[tuple[slice, slice]]:
    """Where :math:`W^{(l)}` and :math:`b^{(l)}` sit in a flat parameter vector, layer by
    layer: the one layout (W1 row by row, b1, W2, b2, ...) that :func:`pack`, gradient checks
    and landscapes share."""
    out, pos = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = slice(pos, pos + n_in * n_out)
        b = slice(w.stop, w.stop + n_out)
        out.append((w, b))
        pos = b.stop
    return out


def pack(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> np.ndarray:
    """Every weight and bias in one vector (one row per network when they are stacked), in
    the order of :func:`parameter_slices`."""
    lead = np.shape(weights[0])[:-2]
    return np.concatenate([np.reshape(p, lead + (-1,)) for pair in zip(weights, biases)
                           for p in pair], axis=-1)


def unpack(theta: np.ndarray, sizes: Sequence[int]
           ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The inverse of :func:`pack`: weights and biases for ``sizes`` from ``theta``, whose
    leading axes (if any) become network axes. Returns views of ``theta``."""
    theta = np.asarray(theta, dtype=float)
    sizes = [int(s) for s in sizes]
    slices = parameter_slices(sizes)
    expected = slices[-1][1].stop
    if theta.ndim == 0 or theta.shape[-1] != expected:
        raise NetworkInputError(
            f"a flat parameter vector for sizes {tuple(sizes)} has {expected} entries "
            f"(shape ({expected},), or (n, {expected}) for n networks); got {theta.shape}"
        )
    lead = theta.shape[:-1]
    weights = [theta[..., w].reshape(lead + (sizes[l + 1], sizes[l]))
               for l, (w, _) in enumerate(slices)]
    biases = [theta[..., b] for _, b in slices]
    return weights, biases


# ====================================================================== the two passes
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
    """Gradients of the network's loss, summed over the samples of a batch.

    ``weights[l - 1]`` is :math:`\\partial E / \\partial W^{(l)}`, ``biases[l - 1]`` is
    :math:`\\partial E / \\partial b^{(l)}`, and ``deltas[l - 1]`` is the book's
    :math:`\\delta^{(l)} = -\\partial E / \\partial \\mathrm{net}^{(l)}` per sample.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    deltas: list[np.ndarray] = field(default_factory=list)

    def flat(self) -> np.ndarray:
        """All gradients in one vector, in :meth:`Network.parameters` order."""
        return pack(self.weights, self.biases)


class Network:
    """A fully connected feed-forward network, trained on the half sum of squared errors
    unless another ``loss`` is chosen.

    Parameters
    ----------
    sizes:
        Units per layer, input first: ``(2, 2, 1)`` is the 2-2-1 XOR network.
    functions:
        The activation function of every layer, by name: one name for all layers, or one per
        non-input layer (``"sigmoid"``, ``"tanh"``, ``"identity"``, ``"relu"``,
        ``"softmax"``).
    loss:
        ``"half_sse"`` (the book's error), ``"binary_cross_entropy"`` (sigmoid outputs) or
        ``"categorical_cross_entropy"`` (a softmax output layer); see :data:`LOSSES`.
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
        functions: str | Activation | Sequence[str | Activation] = "sigmoid",
        *,
        loss: str | Loss = "half_sse",
        rng: np.random.Generator | None = None,
        weight_scale: float = 0.5,
        n_networks: int | None = None,
        init: str = "uniform",
    ) -> None:
        sizes = check_sizes(sizes)
        n_layers = len(sizes) - 1
        if isinstance(functions, (str, Activation)):
            functions = [functions] * n_layers
        functions = list(functions)
        if len(functions) != n_layers:
            raise NetworkInputError(
                f"{len(functions)} activation functions given for {n_layers} layers; pass one "
                f"name for all layers or one per layer"
            )
        self.sizes = sizes
        self.functions = [get_activation(f) for f in functions]
        self.loss = get_loss(loss)
        self._check_loss()
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

    def _check_loss(self) -> None:
        last = self.functions[-1]
        if self.loss.output is not None and last.name != self.loss.output:
            raise NetworkInputError(
                f"loss {self.loss.name!r} is written for a {self.loss.output} output layer, "
                f"but the last layer's function is {last.name}: make it {self.loss.output!r}, "
                f"or use loss='half_sse'"
            )
        for l, (f, n) in enumerate(zip(self.functions, self.sizes[1:]), start=1):
            if f.name == "softmax" and n < 2:
                raise NetworkInputError(
                    f"layer {l}: a softmax over {n} unit is the constant 1 and cannot learn; "
                    "give it two or more units, or use one sigmoid unit "
                    "(loss='binary_cross_entropy')"
                )

    # ----------------------------------------------------------------- parameters
    @classmethod
    def from_parameters(
        cls,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray] | None = None,
        functions: str | Activation | Sequence[str | Activation] = "sigmoid",
        *,
        loss: str | Loss = "half_sse",
    ) -> Network:
        """Build a network from given matrices, e.g. to reproduce a textbook example.

        ``weights[l - 1]`` is :math:`W^{(l)}` with shape ``(n_l, n_{l-1})`` (with a leading
        axis for stacked networks); biases default to zero.
        """
        weights = [np.array(w, dtype=float) for w in weights]
        if not weights or any(w.ndim < 2 for w in weights):
            raise NetworkInputError("weights must be a non-empty list of 2-D matrices")
        sizes = [weights[0].shape[-1]] + [w.shape[-2] for w in weights]
        lead = weights[0].shape[:-2]
        net = cls(sizes, functions, loss=loss, init="zeros",
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
        """All weights and biases in one vector: W1, b1, W2, b2, ... (for gradient checks);
        one row per network when they are stacked."""
        return pack(self.weights, self.biases)

    def set_flat_parameters(self, theta: np.ndarray) -> None:
        """Inverse of :meth:`parameters`."""
        theta = np.asarray(theta, dtype=float)
        want = self.parameters().shape
        if theta.shape != want:
            raise NetworkInputError(
                f"a flat parameter vector for this network has shape {want}; got {theta.shape}"
            )
        weights, biases = unpack(theta, self.sizes)
        self.weights = [w.copy() for w in weights]
        self.biases = [b.copy() for b in biases]

    def copy(self) -> Network:
        other = Network.__new__(Network)
        other.sizes, other.functions = self.sizes, list(self.functions)
        other.loss, other.n_networks = self.loss, self.n_networks
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
        if self.loss.output is not None and (np.any(T < 0) or np.any(T > 1)):
            raise NetworkInputError(
                f"{self.loss.name} needs targets in [0, 1] (probabilities of class 1, or "
                f"one-hot rows); got values from {T.min():g} to {T.max():g}"
            )
        if self.loss.name == "categorical_cross_entropy":
            sums = T.sum(axis=-1)
            if not np.allclose(sums, 1.0, rtol=0, atol=1e-9):
                row = np.unravel_index(int(np.argmax(np.abs(sums - 1.0))), sums.shape)
                raise NetworkInputError(
                    f"categorical_cross_entropy needs each target row to sum to 1 (one-hot "
                    f"or class probabilities); row {tuple(int(i) for i in row)} sums to "
                    f"{sums[row]:g}"
                )
        return T

    # ----------------------------------------------------------------- the two passes
    def _propagate(self, a: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        # The forward pass without input checks; the training loop calls it every epoch.
        activations, nets = [a], []
        for W, b, f in zip(self.weights, self.biases, self.functions):
            net = a @ W.mT + b[..., None, :]  # net_k = sum_j w_kj a_j + b_k
            a = f.f(net)
            nets.append(net)
            activations.append(a)
        return activations, nets

    def deltas(self, activations: Sequence[np.ndarray], T: np.ndarray) -> list[np.ndarray]:
        r"""The backward recursion: ``deltas(...)[l - 1]`` is :math:`\delta^{(l)}`.

        :math:`\delta^{(L)}` comes from :func:`output_delta`; every layer below takes
        :math:`\delta^{(l)} = f'(\mathrm{net}^{(l)}) \odot \delta^{(l+1)} W^{(l+1)}`, with
        :math:`f'` written through the activations. Nothing is checked here (the training
        loop calls it every epoch); :meth:`backward` checks ``T`` first.
        """
        L = len(self.weights)
        deltas = [output_delta(self.loss, self.functions[-1], activations[-1], T)]
        for l in range(L - 1, 0, -1):
            deltas.append(self.functions[l - 1].backward(activations[l],
                                                         deltas[-1] @ self.weights[l]))
        return deltas[::-1]

    def forward(self, X: np.ndarray) -> Forward:
        """Propagate a batch forward, keeping every net input and activation."""
        return Forward(*self._propagate(self._check_inputs(X)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X).output

    def error(self, X: np.ndarray, T: np.ndarray) -> np.ndarray:
        """The loss over the batch (one value per network): the half-SSE error unless the
        network was built with another ``loss``."""
        fwd = self.forward(X)
        T = self._check_targets(T, fwd.output.shape[-2])
        return self.loss.value(fwd.output, fwd.nets[-1], T)

    def backward(self, fwd: Forward, T: np.ndarray) -> Gradients:
        """Backpropagate the error of a forward pass; gradients are summed over samples.

        Output layer: :math:`\\delta_k = -\\partial E/\\partial a_k \\, f'(\\mathrm{net}_k)`,
        :math:`(t_k - a_k) f'(\\mathrm{net}_k)` for the half-SSE error (:func:`output_delta`);
        every layer below: :math:`\\delta_j = f'(\\mathrm{net}_j) \\sum_k \\delta_k w_{kj}`;
        and :math:`\\partial E / \\partial w_{kj} = -\\sum_p \\delta_k a_j`.
        """
        T = self._check_targets(T, fwd.output.shape[-2])
        deltas = self.deltas(fwd.activations, T)
        grad_w = [-(d.mT @ a) for d, a in zip(deltas, fwd.activations)]  # -sum_p delta_k a_j
        grad_b = [-d.sum(axis=-2) for d in deltas]
        return Gradients(grad_w, grad_b, deltas)

    def gradients(self, X: np.ndarray, T: np.ndarray) -> Gradients:
        """Forward then backward on one batch."""
        return self.backward(self.forward(X), T)

    # ----------------------------------------------------------------- learning
    def apply(self, grads: Gradients, eta: float, *, update_biases: bool = True) -> None:
        """One step :math:`w \\leftarrow w - \\eta\\, \\partial E/\\partial w` from given
        gradients, e.g. a single pattern's in the on-line exercise of ``book/biases-batches``
        (the training loop makes its own steps, with momentum)."""
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
        order: Sequence[int] | None = None,
    ) -> np.ndarray:
        """One pass over the data by gradient descent; returns the error *before* the pass.

        ``mode="batch"`` sums the gradient over all samples and takes one step;
        ``mode="online"`` takes one step per sample, in ``order`` (default: as given).
        """
        return self.train(X, T, eta, 1, mode=mode, update_biases=update_biases,
                          order=order)[0]

    def train(
        self,
        X: np.ndarray,
        T: np.ndarray,
        eta: float,
        epochs: int,
        *,
        mode: str = "batch",
        update_biases: bool = True,
        order: Sequence[int] | None = None,
    ) -> np.ndarray:
        """Train for ``epochs`` passes of plain gradient descent (the loop of
        :func:`backprop.training.train_epochs` with momentum 0); returns the error before
        each pass and after the last.

        A network whose error becomes NaN or inf (a learning rate too large) is frozen there;
        when every network has, training stops and the history ends with that value, so the
        caller can see that it diverged.
        """
        from .training import start, train_epochs  # training builds on this module

        state = train_epochs(start(self, X, T, eta, mode=mode, update_biases=update_biases,
                                   order=order), epochs)
        return state.history()

    def __repr__(self) -> str:
        fs = ", ".join(f.name for f in self.functions)
        many = "" if self.n_networks is None else f", n_networks={self.n_networks}"
        loss = "" if self.loss.name == "half_sse" else f", loss={self.loss.name!r}"
        return f"Network(sizes={self.sizes}, functions=[{fs}]{loss}{many})"
