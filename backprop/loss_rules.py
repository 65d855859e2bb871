"""The output delta for other losses and outputs, derived with SymPy.

Derived in *Other losses and outputs* (``book/other-losses``). The backward pass needs one
thing from the loss: the output layer's delta

.. math:: \\delta^{(L)} = -\\frac{\\partial E}{\\partial \\mathrm{net}^{(L)}}
          = -\\Big(\\frac{\\partial a^{(L)}}{\\partial \\mathrm{net}^{(L)}}\\Big)^{\\mathsf T}
            \\frac{\\partial E}{\\partial a^{(L)}},

which for an activation applied unit by unit is :math:`-\\partial E/\\partial a_k \\cdot
f'(\\mathrm{net}_k)`. Every layer below uses the same recursion as for the squared error.
:func:`output_delta` computes both factors by :func:`sympy.diff` for three pairings of loss and
output, and :class:`LossNetwork` carries the result through a whole
:class:`~backprop.symbolic.SymbolicNetwork`, so that ``equivalent(whole, chain)`` proves the
rule for every weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp

from . import functions
from .symbolic import SymbolicNetwork, activation, activation_derivative, equivalent, half_sse

__all__ = [
    "PAIRED_OUTPUT",
    "LossNetwork",
    "OutputDelta",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "half_sse",
    "one_hot_substitution",
    "output_delta",
    "softmax",
    "softmax_jacobian",
]

#: The output activation each loss of :data:`backprop.functions.LOSSES` is derived with here:
#: the one the loss is written for, and for the squared error the sigmoid of the earlier
#: chapters. The names are the network's (``Network(..., loss=...)``), so one name means
#: one loss everywhere.
PAIRED_OUTPUT: dict[str, str] = {name: loss.output or "sigmoid"
                                 for name, loss in functions.LOSSES.items()}


def _check_loss(loss: str) -> None:
    functions.get_loss(loss)  # an unknown name raises, listing the valid ones


# --------------------------------------------------------------------------- the losses
# half_sse, the book's error so far, is imported from backprop.symbolic.
def binary_cross_entropy(t: Sequence[sp.Expr], a: Sequence[sp.Expr]) -> sp.Expr:
    """:math:`E = -\\sum_k [t_k \\ln a_k + (1 - t_k) \\ln(1 - a_k)]`: minus the log-likelihood
    of targets :math:`t_k \\in \\{0, 1\\}` when unit ``k`` outputs the probability that
    :math:`t_k = 1`."""
    return -sp.Add(*[tk * sp.log(ak) + (1 - tk) * sp.log(1 - ak) for tk, ak in zip(t, a)])


def categorical_cross_entropy(t: Sequence[sp.Expr], a: Sequence[sp.Expr]) -> sp.Expr:
    """:math:`E = -\\sum_k t_k \\ln a_k`: minus the log-probability of the target class when
    the outputs are class probabilities and ``t`` is one-hot."""
    return -sp.Add(*[tk * sp.log(ak) for tk, ak in zip(t, a)])


def softmax(nets: Sequence[sp.Expr]) -> list[sp.Expr]:
    """:math:`a_k = e^{\\mathrm{net}_k} / \\sum_m e^{\\mathrm{net}_m}`, one expression per unit."""
    total = sp.Add(*[sp.exp(n) for n in nets])
    return [sp.exp(n) / total for n in nets]


def softmax_jacobian(a: Sequence[sp.Expr]) -> sp.Matrix:
    """:math:`\\partial a_k / \\partial \\mathrm{net}_m = a_k([k = m] - a_m)`, written through
    the outputs (row ``k``, column ``m``); :func:`output_delta` proves it from the definition."""
    K = len(a)
    return sp.Matrix(K, K, lambda k, m: a[k] * (int(k == m) - a[m]))


def one_hot_substitution(t: Sequence[sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """``{t_K: 1 - t_1 - ... - t_{K-1}}``: targets that sum to one, as a one-hot target does."""
    return {t[-1]: 1 - sp.Add(*t[:-1])}


_ERRORS = {"half_sse": half_sse, "binary_cross_entropy": binary_cross_entropy,
           "categorical_cross_entropy": categorical_cross_entropy}


# --------------------------------------------------------------------------- the output delta
@dataclass
class OutputDelta:
    """The output delta of one loss, derived factor by factor for ``K`` output units.

    ``a``, ``t`` and ``net`` are the symbols :math:`a_k, t_k, \\mathrm{net}_k`; ``dE_da`` is
    the column :math:`\\partial E/\\partial a_k`; ``jacobian`` is
    :math:`\\partial a_k/\\partial \\mathrm{net}_m` written through the outputs (diagonal for a
    sigmoid); ``delta`` is the general product :math:`-J^{\\mathsf T}\\,\\partial E/\\partial a`
    and ``rule`` its short closed form (for the softmax, true when the targets sum to one).
    ``steps`` keeps the intermediate expressions the chapter shows.
    """

    loss: str
    a: list[sp.Symbol]
    t: list[sp.Symbol]
    net: list[sp.Symbol]
    dE_da: sp.Matrix
    jacobian: sp.Matrix
    delta: sp.Matrix
    rule: sp.Matrix
    steps: dict[str, sp.Expr] = field(default_factory=dict)


def output_delta(loss: str = "binary_cross_entropy", n_outputs: int = 1) -> OutputDelta:
    """Derive :math:`\\delta_k = -\\partial E/\\partial \\mathrm{net}_k` for ``loss`` with its
    output activation (:data:`PAIRED_OUTPUT`), for ``n_outputs`` units.

    Both factors come from :func:`sympy.diff`: :math:`\\partial E/\\partial a_k` of the loss
    in the symbols :math:`a_k`, and the Jacobian of the output activation with respect to
    the net inputs, rewritten through the outputs and checked against the closed form
    (:func:`~backprop.symbolic.activation_derivative`, :func:`softmax_jacobian`). The short
    rule is checked to equal the general product; a wrong closed form raises.
    """
    _check_loss(loss)
    K = int(n_outputs)
    if K < 1 or (loss == "categorical_cross_entropy" and K < 2):
        raise ValueError(f"n_outputs = {n_outputs!r}: give at least 1 output unit (2 for a "
                         "softmax, whose outputs are the probabilities of 2 or more classes)")
    # One unit is unit k of the notation table; several are numbered 1..K.
    idx = ["k"] if K == 1 else [str(k) for k in range(1, K + 1)]
    a = [sp.Symbol(f"a_{i}", positive=True) for i in idx]
    t = [sp.Symbol(f"t_{i}", real=True) for i in idx]
    net = [sp.Symbol(rf"\mathrm{{net}}_{i}", real=True) for i in idx]
    E_a = _ERRORS[loss](t, a)
    dE_da = sp.Matrix([sp.factor(sp.diff(E_a, ak)) for ak in a])
    if PAIRED_OUTPUT[loss] == "softmax":
        raw = sp.Matrix(K, K, lambda k, m: sp.diff(softmax(net)[k], net[m]))
        jacobian = softmax_jacobian(a)
        claimed_raw = jacobian.xreplace(dict(zip(a, softmax(net))))
    else:
        name = PAIRED_OUTPUT[loss]
        raw = sp.diag(*[sp.diff(activation(name, n), n) for n in net])
        jacobian = sp.diag(*[activation_derivative(name, ak) for ak in a])
        claimed_raw = jacobian.xreplace({ak: activation(name, n) for ak, n in zip(a, net)})
    for r, c in zip(raw, claimed_raw):
        if not equivalent(r, c):
            raise AssertionError(f"{loss}: da/dnet = {r}, not the claimed {c}")
    # Cancel the fractions (cross-entropy) but leave a product as SymPy multiplied it.
    delta = (-jacobian.T * dE_da).applyfunc(
        lambda d: d if d.is_polynomial(*a, *t) else sp.factor(d))
    # The short rules: (t - a) f'(net) for the squared error, t - a for both cross-entropies.
    rule = sp.Matrix([(tk - ak) * ak * (1 - ak) if loss == "half_sse" else tk - ak
                      for tk, ak in zip(t, a)])
    # The softmax's rule holds when the targets sum to one (a one-hot target).
    given = one_hot_substitution(t) if loss == "categorical_cross_entropy" else {}
    for d, r in zip(delta.xreplace(given), rule.xreplace(given)):
        if not equivalent(d, r):
            raise AssertionError(f"{loss}: delta = {d}, not the claimed rule {r}")
    return OutputDelta(loss, a, t, net, dE_da, jacobian, delta, rule,
                       steps={"E": E_a, "da_dnet_raw": raw})


# --------------------------------------------------------------------------- whole networks
class LossNetwork(SymbolicNetwork):
    """A :class:`~backprop.symbolic.SymbolicNetwork` trained on ``loss`` (``book/other-losses``).

    ``activations`` names the hidden layers' activations (the output activation is the one
    :data:`PAIRED_OUTPUT` pairs with the loss). :meth:`error` is the loss as one expression in
    the weights; :meth:`output_delta` is the derived short rule (:func:`output_delta`), from
    which the inherited :meth:`~backprop.symbolic.SymbolicNetwork.deltas` start the same
    backward recursion as for the squared error, so ``equivalent(whole_gradient(w),
    substitute_forward(chain_gradient(...)))`` proves that rule. For the softmax, targets
    must sum to one: compare after :meth:`one_hot`.
    """

    def __init__(self, sizes: Sequence[int], loss: str = "binary_cross_entropy",
                 activations: str | Sequence[str] = "sigmoid", *, biases: bool = True) -> None:
        _check_loss(loss)
        n_hidden = len(sizes) - 2
        hidden = [activations] * n_hidden if isinstance(activations, str) else \
            list(activations)
        if len(hidden) != n_hidden:
            raise ValueError(f"{len(hidden)} hidden activations given for {n_hidden} hidden "
                             "layers; the output activation follows from the loss")
        out = PAIRED_OUTPUT[loss]
        super().__init__(sizes, hidden + ["identity" if out == "softmax" else out],
                         biases=biases)
        self.loss = loss
        if out == "softmax":
            self.a_expr[-1] = sp.Matrix(softmax(list(self.net_expr[-1])))
        self._rule = output_delta(loss, self.sizes[-1])

    def error(self) -> sp.Expr:
        """The loss of one pattern as one expression in inputs, targets and parameters."""
        if self._error is None:
            self._error = _ERRORS[self.loss](list(self.targets), list(self.a_expr[-1]))
        return self._error

    def one_hot(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with the last target written as one minus the others."""
        return sp.sympify(expr).xreplace(one_hot_substitution(list(self.targets)))

    def output_delta(self) -> sp.Matrix:
        """The loss's short output rule (:func:`output_delta`) in the layer-local symbols
        :math:`a^{(L)}_u, t_u`: :math:`t - a` for both cross-entropies."""
        rule = self._rule
        local = dict(zip(rule.a, self.a[-1])) | dict(zip(rule.t, self.targets))
        return rule.rule.xreplace(local)
