"""Checks of the exercises of ``book/computational-graphs`` (part II, *Backpropagation*).

References come from the package's general code at check time: SymPy's derivative of the
whole expression (``ex-computational-graphs-1``, ``-3``) and the engine's own
:func:`~backprop.autodiff.backward` on network graphs of the student's variant
(``ex-computational-graphs-2``). The named mistakes are the same computations done wrong
on the trusted side (a sweep that overwrites, one that runs forwards), so no answer is
written here. See :mod:`backprop.exercises.framework` for the shape of a check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import sympy as sp

from .. import symbolic
from ..autodiff import as_lists, backward, network_graph
from ..network import Network
from .framework import Call, Plan, Ran, Verdict, checker, variant_sizes, wrong
from .judging import compare_calls, judge_expression, symbol_names

__all__ = ["check_div_local", "check_sweep_fixed", "check_tied_weight_gradient"]


# --------------------------------------------------------------------------- exercise 1
_X, _W, _T, _A1, _A2 = (sp.Symbol(n) for n in ("x", "w", "t", "a_1", "a_2"))


def _sigma(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


#: The forward pass of the tied-weight chain: a_1 = sigma(w x), a_2 = sigma(w a_1).
_FORWARD = {_A1: _sigma(_W * _X), _A2: _sigma(_W * _sigma(_W * _X))}


@lru_cache(maxsize=1)
def _tied_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    E = sp.Rational(1, 2) * (_T - _FORWARD[_A2]) ** 2
    ref = sp.diff(E, _W)                                   # the whole expression, by SymPy
    # The mistakes, from the two shares of the sweep: what reaches net_2, times each use.
    slope = symbolic.activation_derivative
    d_net2 = sp.diff(sp.Rational(1, 2) * (_T - _A2) ** 2, _A2) * slope("sigmoid", _A2)
    second_use = d_net2 * _A1                               # through w a_1
    first_use = d_net2 * _W * slope("sigmoid", _A1) * _X    # through w x
    mistakes = {
        "only the share of the second use of w (in w a_1) is there; w is also used in w x, "
        "and a node used twice adds both shares": second_use,
        "only the share of the first use of w (in w x) is there; the share of its second "
        "use, in w a_1, is missing": first_use,
        "the sign is flipped: dE/da_2 = -(t - a_2)": -(second_use + first_use),
        "the first sigmoid's slope a_1(1 - a_1) is missing from the share through w x":
            second_use + d_net2 * _W * _X,
        "a factor 2 too many: the half in E cancels the 2 of the square":
            2 * (second_use + first_use),
    }
    return ref, {d: m.xreplace(_FORWARD) for d, m in mistakes.items()}


@checker("ex-computational-graphs-1")
def check_tied_weight_gradient(plan: Plan, dE_dw: object) -> Verdict:
    """``ex-computational-graphs-1``: :math:`\\partial E/\\partial w` of the chain
    :math:`a_1 = \\sigma(w x)`, :math:`a_2 = \\sigma(w a_1)`, in ``x, w, t`` and optionally
    ``a_1, a_2``; compared, after the forward pass is substituted, with SymPy's derivative
    of the whole error."""
    allowed = {"x", "w", "t", "a_1", "a_2"}
    extra = symbol_names(dE_dw) - allowed
    if extra:
        return wrong(f"your expression contains {', '.join(sorted(extra))}; write it with "
                     "the symbols x, w, t, a_1 and a_2 only.")
    ref, mistakes = _tied_reference()
    if isinstance(dE_dw, sp.Basic):
        dE_dw = dE_dw.xreplace(_FORWARD)
    return judge_expression(dE_dw, ref, mistakes=mistakes,
                            symbols_hint="x, w, t, a_1, a_2")


# --------------------------------------------------------------------------- exercise 2
def _sweep(parents: list[list[int]], local: list[list[float]], *, add: bool = True,
           backwards: bool = True, seed: bool = True) -> list[float]:
    """The reverse sweep on a graph as lists, and the ways of getting it wrong that the
    exercise is about (``add=False``: overwrite; ``backwards=False``: the wrong order)."""
    grad = [0.0] * len(parents)
    if seed:
        grad[-1] = 1.0
    order = reversed(range(len(parents))) if backwards else range(len(parents))
    for v in order:
        for u, d in zip(parents[v], local[v]):
            grad[u] = grad[u] + grad[v] * d if add else grad[v] * d
    return grad


def _sweep_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for _ in range(3):
        n_i, n_j, n_k = variant_sizes(rng)
        k = max(n_k, 2)                                     # two outputs: a_j fans out
        net = Network((n_i, n_j, k), ["tanh", "sigmoid"], rng=rng, weight_scale=1.0)
        P = int(rng.integers(2, 4))                         # several patterns: weights too
        X, T = rng.uniform(-1, 1, (P, n_i)), rng.uniform(0.05, 0.95, (P, k))
        graph = network_graph(net, X, T)
        nodes, parents, local = as_lists(graph.error)
        backward(graph.error)
        mistakes = {
            "a node's gradient is overwritten by each child (`=`) instead of summed over "
            "its children (`+=`)": _sweep(parents, local, add=False),
            "the nodes are visited first to last; a node's gradient is complete only after "
            "every node that uses it, so the sweep runs from the last node (E) backwards":
                _sweep(parents, local, backwards=False),
            "nothing starts the sweep: the last node is E, and dE/dE = 1":
                _sweep(parents, local, seed=False),
        }
        calls.append(Call((parents, local), want=np.array([n.grad for n in nodes]),
                          mistakes=mistakes))
    return Plan({"sweep_fixed": calls})


@checker("ex-computational-graphs-2", plan=_sweep_plan)
def check_sweep_fixed(plan: Plan, sweep_fixed: Ran) -> Verdict:
    """``ex-computational-graphs-2``: the reverse sweep on a graph given as lists
    (:func:`backprop.autodiff.as_lists`), compared with the engine's :func:`backward` on the
    graphs of random networks with fan-out (several patterns, two or more outputs)."""
    return compare_calls(sweep_fixed, plan.calls["sweep_fixed"],
                         shape_names="one gradient per node",
                         done="gives the engine's gradient at every node")


# --------------------------------------------------------------------------- exercise 3
@lru_cache(maxsize=1)
def _div_rules() -> tuple[Callable, dict[str, Callable]]:
    u, v = sp.symbols("u v")
    q = u / v
    du, dv = sp.diff(q, u), sp.diff(q, v)
    pair = sp.lambdify((u, v), (du, dv))
    mistakes = {
        "the two derivatives are swapped: the first is by u, the second by v":
            sp.lambdify((u, v), (dv, du)),
        "the sign of the derivative by v is flipped: u/v falls as v grows (for u > 0)":
            sp.lambdify((u, v), (du, -dv)),
        "the derivative by v lacks the factor u": sp.lambdify((u, v), (du, dv / u)),
        "the derivative by v is that of u * v, not u / v": sp.lambdify((u, v), (du, u)),
    }
    return pair, mistakes


def _div_plan(rng: np.random.Generator) -> Plan:
    pair, mistakes = _div_rules()
    calls = []
    for _ in range(4):
        u = float(rng.uniform(-3, 3))
        v = float(rng.choice([-1, 1]) * rng.uniform(0.3, 3))
        calls.append(Call((u, v), want=np.array(pair(u, v), dtype=float),
                          mistakes={d: np.array(m(u, v), dtype=float)
                                    for d, m in mistakes.items()}))
    return Plan({"div_local": calls})


@checker("ex-computational-graphs-3", plan=_div_plan)
def check_div_local(plan: Plan, div_local: Ran) -> Verdict:
    """``ex-computational-graphs-3``: the local derivatives of division,
    :math:`(\\partial (u/v)/\\partial u, \\partial (u/v)/\\partial v)`, at random numbers,
    compared with SymPy's derivatives."""
    return compare_calls(div_local, plan.calls["div_local"],
                         shape_names="a pair: the derivative by u, then by v",
                         done="gives both local derivatives of u / v")
