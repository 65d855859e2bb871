"""The functions a network is built from: activation functions and losses.

An activation function :math:`f` (:class:`Activation`) turns a unit's net input into its
activation :math:`a = f(\\mathrm{net})`, with :math:`f'` written through :math:`a`
(``book/gradient-descent``, ``book/output-layer``); a loss :math:`E` (:class:`Loss`) scores the
output activations against the targets. :func:`output_delta` joins the two in the output
layer's :math:`\\delta^{(L)} = -\\partial E/\\partial a \\odot f'(\\mathrm{net}^{(L)})`,
which is exactly :math:`t - a` for sigmoid outputs with binary cross-entropy and for a softmax
layer with categorical cross-entropy (``book/other-losses``). :class:`backprop.network.Network`
looks both up by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "Activation",
    "Loss",
    "NetworkInputError",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "get_activation",
    "get_loss",
    "half_sse",
    "output_delta",
]


class NetworkInputError(ValueError):
    """Raised for input the network cannot use; the message says what to change."""


# ====================================================================== activation functions
@dataclass(frozen=True)
class Activation:
    """An activation function ``f`` with its derivative written in terms of ``a = f(net)``.

    Writing ``f'`` through the activation itself (``a(1 - a)`` for the sigmoid) is what lets
    the backward pass reuse the forward pass's values instead of recomputing ``net``.
    ``fprime_from_a`` is ``None`` for a function that mixes its units (softmax): its
    derivative is a Jacobian, applied by ``jacobian_product``.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    fprime_from_a: Callable[[np.ndarray], np.ndarray] | None
    latex: str
    jacobian_product: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None

    def backward(self, a: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Carry ``g`` :math:`= -\\partial E/\\partial a` back through ``f``: the book's
        :math:`\\delta = -\\partial E/\\partial \\mathrm{net}`. For an elementwise ``f`` this
        is :math:`f'(\\mathrm{net}) \\odot g`; for softmax, :math:`J^{\\mathsf T} g` with
        :math:`J_{mk} = a_m(\\delta_{mk} - a_k)`."""
        if self.fprime_from_a is not None:
            return self.fprime_from_a(a) * g
        return self.jacobian_product(a, g)


def _sigmoid(net: np.ndarray) -> np.ndarray:
    # exp(-log(1 + e^-net)): never overflows, as exact as the two-branch formula, and three
    # NumPy calls instead of a masked pair (the training loop's cost is mostly these calls).
    return np.exp(-np.logaddexp(0.0, -net))


def _softmax(net: np.ndarray) -> np.ndarray:
    # Subtracting the row maximum changes nothing mathematically and keeps exp finite.
    e = np.exp(net - net.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_backward(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    # J^T g with J_mk = a_m (delta_mk - a_k): a_k (g_k - sum_m g_m a_m).
    return a * (g - np.sum(g * a, axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, lambda a: a * (1.0 - a), r"a(1-a)"),
    "tanh": Activation("tanh", np.tanh, lambda a: 1.0 - a * a, r"1-a^2"),
    "identity": Activation("identity", lambda n: np.asarray(n, dtype=float),
                           lambda a: np.ones_like(a), r"1"),
    "relu": Activation("relu", lambda n: np.maximum(n, 0.0),
                       lambda a: (a > 0).astype(float), r"[a>0]"),
    "softmax": Activation("softmax", _softmax, None, r"a_m(\delta_{mk}-a_k)",
                          jacobian_product=_softmax_backward),
}


def _look_up(table: dict, name: object, kind: str, names: Iterable[str]):
    # The one lookup by name of activations and losses: an unknown name lists the valid ones.
    try:
        return table[name]
    except (KeyError, TypeError):
        raise NetworkInputError(
            f"unknown {kind} {name!r}; valid names are: {', '.join(names)}") from None


def get_activation(name: str | Activation) -> Activation:
    """Look an activation function up by name; an unknown name lists the valid ones."""
    if isinstance(name, Activation):
        return name
    return _look_up(ACTIVATIONS, name, "activation", sorted(ACTIVATIONS))


# ====================================================================== losses
def half_sse(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The book's error :math:`E = \\tfrac12 \\sum_p \\sum_k (t_k - a_k)^2`.

    Summed over samples and outputs (the last two axes); any leading network axes remain.
    """
    diff = np.asarray(targets, dtype=float) - outputs
    return 0.5 * np.sum(diff * diff, axis=(-2, -1))


def binary_cross_entropy(net: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """:math:`E = -\\sum_p \\sum_k [t_k \\ln a_k + (1 - t_k) \\ln(1 - a_k)]` for sigmoid
    outputs :math:`a_k = \\sigma(\\mathrm{net}_k)`, computed from the net inputs.

    From ``net`` because a saturated :math:`a_k` rounds to exactly 0 or 1 and its logarithm
    to :math:`-\\infty`; each term is
    :math:`\\max(\\mathrm{net}, 0) - t\\,\\mathrm{net} + \\ln(1 + e^{-|\\mathrm{net}|})`,
    finite, and accurate even for a nearly perfect output. Summed over the last two axes,
    as :func:`half_sse`.
    """
    t = np.asarray(targets, dtype=float)
    terms = np.maximum(net, 0.0) - t * net + np.log1p(np.exp(-np.abs(net)))
    return np.sum(terms, axis=(-2, -1))


def categorical_cross_entropy(net: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """:math:`E = -\\sum_p \\sum_k t_k \\ln a_k` for a softmax output layer
    :math:`a_k = e^{\\mathrm{net}_k} / \\sum_m e^{\\mathrm{net}_m}`, computed from the net
    inputs: :math:`-\\ln a_k = (\\mathrm{net}_{\\max} - \\mathrm{net}_k) + \\ln(1 + s)`,
    with :math:`s` the sum of :math:`e^{\\mathrm{net}_m - \\mathrm{net}_{\\max}}` over every
    unit but the largest, so that no logarithm of a rounded-to-zero probability is taken and a
    nearly perfect output still costs a little more than nothing."""
    t = np.asarray(targets, dtype=float)
    top_index = np.argmax(net, axis=-1)[..., None]
    top = np.take_along_axis(net, top_index, axis=-1)
    e = np.exp(net - top)
    np.put_along_axis(e, top_index, 0.0, axis=-1)
    rest = np.log1p(np.sum(e, axis=-1, keepdims=True))
    return np.sum(t * ((top - net) + rest), axis=(-2, -1))


@dataclass(frozen=True)
class Loss:
    """An error :math:`E(a, t)` summed over samples and output units.

    ``value(a, net, t)`` is :math:`E` (from whichever of the output activations ``a`` and net
    inputs ``net`` is the stable one); ``minus_dE_da(a, t)`` is
    :math:`-\\partial E/\\partial a`, what :func:`output_delta` carries back through the
    output function; ``output`` names the output function the loss is written for, the one
    with which :math:`\\delta^{(L)} = t - a` (``None``: any output function).
    """

    name: str
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    minus_dE_da: Callable[[np.ndarray, np.ndarray], np.ndarray]
    output: str | None
    latex: str


LOSSES: dict[str, Loss] = {
    "half_sse": Loss("half_sse", lambda a, net, t: half_sse(a, t), lambda a, t: t - a, None,
                     r"\tfrac12 \sum_p \sum_k (t_k - a_k)^2"),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy", lambda a, net, t: binary_cross_entropy(net, t),
        lambda a, t: (t - a) / (a * (1.0 - a)), "sigmoid",
        r"-\sum_p \sum_k [t_k \ln a_k + (1 - t_k) \ln (1 - a_k)]"),
    "categorical_cross_entropy": Loss(
        "categorical_cross_entropy", lambda a, net, t: categorical_cross_entropy(net, t),
        lambda a, t: t / a, "softmax", r"-\sum_p \sum_k t_k \ln a_k"),
}


def get_loss(name: str | Loss) -> Loss:
    """Look a loss up by name; an unknown name lists the valid ones."""
    if isinstance(name, Loss):
        return name
    return _look_up(LOSSES, name, "loss", LOSSES)


def output_delta(loss: Loss, function: Activation, a: np.ndarray, t: np.ndarray
                 ) -> np.ndarray:
    """The output layer's :math:`\\delta^{(L)} = -\\partial E/\\partial a \\odot
    f'(\\mathrm{net}^{(L)})` (``book/output-layer``).

    For sigmoid outputs with binary cross-entropy, and softmax with categorical
    cross-entropy, :math:`f'` cancels the loss's denominator and :math:`\\delta^{(L)} = t - a`
    exactly; that form is used for them (it also never divides by a saturated
    :math:`a(1-a)`). Every other pair takes the general product.
    """
    if loss.output is not None and loss.output == function.name:
        return t - a
    return function.backward(a, loss.minus_dE_da(a, t))
