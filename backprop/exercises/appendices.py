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
from .framework import Call, Plan, Ran, Verdict, checker, correct, wrong
from .judging import compare_layers, judge_expression

__all__ = ["check_bishop_delta", "check_nielsen_deltas"]


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
