"""Checks of the exercises of the appendices: ``book/notation`` (reading Bishop's and
Nielsen's notation in the book's). See :mod:`backprop.exercises.framework` for the shape
of a check.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from .. import symbolic
from ..network import Network
from .backpropagation import BACKWARD_PASS
from .framework import Call, Plan, Ran, Verdict, checker, correct, variant_sizes, wrong
from .judging import compare_layers, judge_expression

__all__ = ["check_bishop_delta", "check_nielsen_deltas", "check_nielsen_step"]


@lru_cache(maxsize=1)
def _bishop_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    a, t = sp.symbols("a_k t_k")
    y = symbolic.sigmoid(a)
    ref = sp.diff(sp.Rational(1, 2) * (y - t) ** 2, a)
    return ref, {
        "that is the book's delta = -dE/dnet; Bishop's delta is +dE/da_k": -ref,
        "the factor y_k(1 - y_k) is missing: y_k - t_k is dE/dy_k, not dE/da_k": y - t,
        "a factor 2 too many: the half in E cancels the 2 from the square": 2 * ref,
    }


@checker("ex-notation-1")
def check_bishop_delta(plan: Plan, answer: object) -> Verdict:
    """``ex-notation-1``: Bishop's :math:`\\partial E/\\partial a_k` for a sigmoid output
    :math:`y_k = \\sigma(a_k)` (``a_k`` is his net input); derived with ``sympy.diff``."""
    ref, mistakes = _bishop_reference()
    return judge_expression(answer, ref, mistakes=mistakes, symbols_hint="a_k, t_k")


def _nielsen_plan(rng: np.random.Generator) -> Plan:
    net = Network((3, 4, 3, 2), "sigmoid", rng=rng)
    x, y = rng.normal(size=(1, 3)), rng.uniform(size=(1, 2))
    fwd = net.forward(x)
    want = [-d[0] for d in net.gradients(x, y).deltas]
    return Plan({"nielsen_deltas": [Call((net.weights, [z[0] for z in fwd.nets],
                                          fwd.output[0], y[0]), want=want)]})


@checker("ex-notation-2", plan=_nielsen_plan, shortcuts=BACKWARD_PASS)
def check_nielsen_deltas(plan: Plan, nielsen_deltas: Ran) -> Verdict:
    """``ex-notation-2``: Nielsen's backward pass for one sample (columns, ``z``, ``C``) on a
    network of the student's variant: his :math:`\\delta = \\partial C/\\partial z` is minus
    the book's, compared with ``Network.gradients``."""
    want = plan.calls["nielsen_deltas"][0].want
    diff = compare_layers(nielsen_deltas.values[0], want)
    if diff == "":
        return correct("every delta matches Nielsen's dC/dz.")
    if diff == "not a list":
        return wrong("return a list of arrays, one delta per layer.")
    if diff == "length":
        return wrong(f"expected {len(want)} deltas, got {len(nielsen_deltas.values[0])}.")
    if diff == "sign":
        return wrong("close: that is the book's delta; Nielsen's is dC/dz, the opposite "
                     "sign.")
    if diff == "reversed":
        return wrong("close: the list is in reverse order; the first delta belongs to the "
                     "first layer.")
    return wrong(f"delta {diff.split()[1]} differs: delta^l = (W^(l+1))^T delta^(l+1) * "
                 "sigma'(z^l), the transpose because Nielsen's vectors are columns.")


def _nielsen_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for m in (1, 5, 10):
        n_i, n_j, n_k = variant_sizes(rng)
        net = Network((n_i, n_j, n_k), "sigmoid", rng=rng, weight_scale=1.0)
        X = rng.uniform(-1, 1, (m, n_i))
        T = rng.uniform(0.05, 0.95, (m, n_k))
        eta = float(rng.choice([0.5, 1.0, 3.0]))
        grad = net.gradients(X, T)

        def after(rate: float, net: Network = net, grad=grad) -> np.ndarray:
            moved = net.copy()
            moved.apply(grad, rate)
            return moved.parameters()

        calls.append(Call((net, X, T, eta), watch=(0,), want=after(eta / m),
                          context=net.parameters(), mistakes={
            "that is a step of the book's summed error, m times Nielsen's: his cost C "
            "averages over the mini-batch, so divide eta by the batch size": after(eta),
            "the step is halved once more: the 1/2 of Nielsen's 1/(2n) is already in each "
            "pattern's cost, like the book's E_p; divide eta by the batch size only":
                after(eta / (2 * m)),
            "the step goes uphill: subtract eta times the gradient": after(-eta / m),
        }))
    return Plan({"nielsen_step": calls})


@checker("ex-notation-4", plan=_nielsen_plan,
         shortcuts=("backprop.network:Network.train_epoch", "backprop.network:Network.train"))
def check_nielsen_step(plan: Plan, nielsen_step: Ran) -> Verdict:
    """``ex-notation-4``: ``nielsen_step(net, X, T, eta)``, one step of Nielsen's
    mini-batch gradient descent on his mean cost, :math:`w \\leftarrow w - (\\eta/m)
    \\sum_x \\partial C_x/\\partial w`, written with the book's summed gradients, on batches
    of one, five and ten patterns of the student's variant (one pattern hides the
    difference)."""
    for call, after in zip(plan.calls["nielsen_step"], nielsen_step.after):
        net = after[0]
        try:
            got = np.concatenate([np.ravel(p) for pair in zip(net.weights, net.biases)
                                  for p in pair]).astype(float)
        except (AttributeError, TypeError, ValueError):
            return wrong("`net` is no longer a network: update it in place.")
        if got.shape == call.want.shape and np.allclose(got, call.want, rtol=1e-9, atol=1e-12):
            continue
        if got.shape == call.want.shape and np.array_equal(got, call.context):
            return wrong("the network did not change: update it in place (net.apply does).")
        for description, mistake in call.mistakes.items():
            if got.shape == mistake.shape and np.allclose(got, mistake, rtol=1e-9,
                                                          atol=1e-12):
                return wrong(f"close (with a batch of {len(call.args[1])}): {description}.")
        return wrong(f"with a batch of {len(call.args[1])} patterns the step differs from "
                     "w - (eta/m) times the gradient summed over the batch.")
    return correct("the step is Nielsen's on batches of 1, 5 and 10 patterns.")
