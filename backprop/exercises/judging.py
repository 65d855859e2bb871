"""Trusted comparisons the judges share: arrays with a tolerance taken from the precision
the student computed in, SymPy answers up to algebra, numbers, and the named-mistake search.

Everything here runs on the trusted side (the student's kernel in the book, the grader's
process in grading) on data decoded by :mod:`backprop.exercises.wire`. Used by the checkers
of every part (``book/perceptron`` to ``book/notation``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from .. import symbolic
from .framework import Call, Ran, Verdict, correct, not_yet, wrong

__all__ = ["as_array", "close", "compare_calls", "compare_layers", "judge_expression",
           "judge_number",
           "plain", "plain_name", "same", "same_array", "tolerance"]


# --------------------------------------------------------------------------- numbers
def tolerance(*arrays: Any) -> float:
    """The relative tolerance for results computed in the precision of ``arrays``: 64 ulps
    of their dtype, and never below 4e-6 (about 32 float32 ulps), because honest work may
    round through float32 anywhere (an input cast with ``astype``) and still come back as
    float64. Every named mistake is off by far more."""
    eps = float(np.finfo(np.float64).eps)
    for a in arrays:
        dt = np.asarray(a).dtype
        if dt.kind in "fc":
            eps = max(eps, float(np.finfo(dt).eps))
    return max(4e-6, 64 * eps)


def as_array(value: Any) -> np.ndarray | None:
    """``value`` as a numeric array (keeping a float32/float16 dtype), or ``None``."""
    try:
        a = np.asarray(value)
        if a.dtype == object:
            a = np.asarray(value, dtype=float)
        if a.dtype.kind not in "biufc":
            return None
        return a
    except (TypeError, ValueError):
        return None


def close(got: Any, want: Any, *, rtol: float | None = None) -> bool:
    """``got`` equals ``want`` (same shape) to the precision ``got`` was computed in: each
    entry within :func:`tolerance` (or ``rtol``) of the reference, and of the largest
    reference entry (at least 1) in absolute terms, so that cancellation near zero is not
    held against float32."""
    g, w = as_array(got), as_array(want)
    if g is None or w is None or g.shape != w.shape:
        return False
    r = tolerance(g) if rtol is None else max(tolerance(g), rtol)
    with np.errstate(all="ignore"):
        gf, wf = g.astype(np.complex128 if g.dtype.kind == "c" else np.float64), w
        scale = float(np.max(np.abs(wf))) if wf.size else 0.0
        return bool(np.all(np.isfinite(gf)) and np.allclose(gf, wf, rtol=r,
                                                             atol=r * max(scale, 1.0)))


def same_array(got: Any, want: Any, atol: float | None = None) -> bool:
    """Same shape and :func:`close` (an explicit ``atol`` loosens the comparison)."""
    if atol is None:
        return close(got, want)
    g = as_array(got)
    return g is not None and g.shape == np.shape(want) and (close(g, want) or bool(
        np.allclose(g.astype(float), want, atol=atol)))


def _shape_message(got: tuple, want: tuple, names: str) -> str:
    if got == want[::-1] and len(want) == 2:
        return (f"the result has shape {got}, the transpose of the expected {want} "
                f"({names}); a matrix is transposed somewhere")
    return f"the result has shape {got} but should have shape {want} ({names})"


def compare_calls(ran: Ran, calls: Sequence[Call], *, shape_names: str = "one row per sample",
                  extra: Callable[[Call, np.ndarray], str] | None = None,
                  done: str = "matches the derived rule") -> Verdict:
    """The verdict on a function answer whose calls each have a reference ``call.want``:
    the first call whose result is missing, mis-shaped, not finite or wrong decides, and a
    wrong result equal to one of ``call.mistakes`` is told which mistake it is. ``extra``
    may add a verdict of its own (``""`` when fine)."""
    for call, value in zip(calls, ran.values):
        if value is None:
            return wrong("your function returned None; did you forget the `return` "
                         "statement?")
        got = as_array(value)
        if got is None:
            kind = getattr(value, "type", type(value).__name__)
            return wrong(f"your function returned a {kind}, which is not an array of "
                         "numbers.")
        want = np.asarray(call.want, dtype=float)
        if got.shape != want.shape:
            return wrong(_shape_message(got.shape, want.shape, shape_names) + ".")
        if not np.all(np.isfinite(got)):
            return wrong("the result contains NaN or inf.")
        if not close(got, want):
            for description, mistake in call.mistakes.items():
                if close(got, np.asarray(mistake, dtype=float)):
                    return wrong(f"close: {description}.")
            diff = np.abs(got.astype(float) - want)
            worst = np.unravel_index(int(np.argmax(diff)), want.shape)
            return wrong("the values are wrong; at index "
                         f"{tuple(int(i) for i in worst)} you give {float(got[worst]):.10g} "
                         f"where {float(want[worst]):.10g} is expected (a difference of "
                         f"{float(diff[worst]):.2g}).")
        if extra is not None:
            verdict = extra(call, got)
            if verdict:
                return wrong(verdict)
    return correct(f"{done} on {len(calls)} random test cases.")


def compare_layers(got: Any, want: Sequence[np.ndarray]) -> str:
    """How a list of per-layer arrays (deltas) differs from ``want``: ``""`` (equal),
    ``"not a list"``, ``"length"``, ``"reversed"``, ``"sign"`` or ``"layer <i>"`` (the first
    layer that differs); each judge turns it into its own words."""
    if not isinstance(got, (list, tuple)):
        return "not a list"
    got = list(got)
    if len(got) != len(want):
        return "length"
    if all(same_array(g, w) for g, w in zip(got, want)):
        return ""
    if all(same_array(g, w) for g, w in zip(got[::-1], want)):
        return "reversed"
    if all(same_array(g, -w) for g, w in zip(got, want)):
        return "sign"
    return f"layer {next(i for i, (g, w) in enumerate(zip(got, want)) if not same_array(g, w))}"


# --------------------------------------------------------------------------- expressions
def plain_name(name: str) -> str:
    """``\\mathrm{net}_{k}`` -> ``net_k``: the name a student would type."""
    for junk in ("\\mathrm", "\\", "{", "}", " "):
        name = name.replace(junk, "")
    return name


def plain(expr: sp.Basic) -> sp.Basic:
    """Rebuild every symbol by its plain name and *without assumptions*, so that
    ``Symbol('a_k', real=True)`` and ``Symbol('a_k')`` are the same symbol."""
    return expr.xreplace({s: sp.Symbol(plain_name(s.name)) for s in expr.free_symbols
                          if isinstance(s, sp.Symbol)})


def same(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    """Whether two expressions are the same function: :func:`symbolic.equivalent`, the one
    equality test; an expression it cannot evaluate is not equal."""
    try:
        return symbolic.equivalent(lhs, rhs)
    except (TypeError, ValueError, ZeroDivisionError, AttributeError):
        return False


def as_expression(answer: Any) -> sp.Expr | None:
    """A decoded answer as a SymPy expression (numbers become SymPy numbers), else ``None``."""
    if isinstance(answer, sp.Basic):
        return answer
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, (int, float)):
        return sp.Float(answer) if isinstance(answer, float) else sp.Integer(answer)
    if isinstance(answer, np.ndarray) and answer.ndim == 0 and answer.dtype.kind in "iuf":
        return sp.Float(float(answer))
    return None


def symbol_names(answer: Any) -> set[str]:
    """The plain names of the symbols in an answer (empty for anything else)."""
    expr = as_expression(answer)
    if expr is None:
        return set()
    return {plain_name(s.name) for s in expr.free_symbols if isinstance(s, sp.Symbol)}


def judge_expression(answer: Any, reference: sp.Expr, *,
                     mistakes: Mapping[str, sp.Expr] | None = None,
                     symbols_hint: str = "") -> Verdict:
    """Compare a SymPy answer with a derived ``reference`` up to algebra. Symbols are
    compared by name with assumptions dropped; ``mistakes`` maps the description of a
    likely mistake to the expression that mistake gives."""
    if answer is None:
        return not_yet("replace None with your SymPy expression and run the cell again.")
    expr = as_expression(answer)
    if expr is None:
        kind = getattr(answer, "type", type(answer).__name__)
        return wrong(f"expected a SymPy expression but got a {kind}; build it from sympy "
                     f"symbols {symbols_hint}".rstrip() + ".")
    if isinstance(expr, (sp.Equality, sp.MatrixBase)) or not isinstance(expr, sp.Expr):
        return wrong("give the right-hand side only: one scalar expression, not an "
                     "equation, matrix or list.")
    student, ref = plain(expr), plain(sp.sympify(reference))
    extra = {s.name for s in student.free_symbols} - {s.name for s in ref.free_symbols}
    if extra:
        want = ", ".join(sorted(s.name for s in ref.free_symbols))
        return wrong(f"your expression contains {', '.join(sorted(extra))}, which the answer "
                     f"does not depend on; write it with {want} only.")
    if same(student, ref):
        shown = sp.sstr(student)
        return correct(f"{shown if len(shown) <= 80 else 'your expression'} equals the "
                       "derived result.")
    for description, mistake in (mistakes or {}).items():
        if same(student, plain(sp.sympify(mistake))):
            return wrong(f"close: {description}.")
    missing = {s.name for s in ref.free_symbols} - {s.name for s in student.free_symbols}
    hint = (f" Your answer does not depend on {', '.join(sorted(missing))}, which it should."
            if missing else "")
    return wrong("this is not equal to the derived result for any choice of the symbols."
                 f"{hint} Redo the chain rule one factor at a time.")


def judge_expressions(answers: Sequence[Any], reference: sp.Expr,
                      mistakes: Mapping[str, sp.Expr], hint: str) -> Verdict:
    """Several answers that must each equal ``reference``: the first that does not
    decides."""
    verdict = not_yet()
    for answer in answers:
        verdict = judge_expression(answer, reference, mistakes=mistakes, symbols_hint=hint)
        if verdict.status != "correct":
            return verdict
    return verdict


def judge_number(answer: Any, reference: float, *,
                 mistakes: Mapping[str, float] | None = None, rtol: float = 1e-6) -> Verdict:
    """Compare a number with a derived ``reference`` (relative tolerance ``rtol``, or
    :func:`tolerance` if that is looser); ``mistakes`` maps the description of a likely
    mistake to the number it gives."""
    if answer is None:
        return not_yet("replace None with your number and run the cell again.")
    if isinstance(answer, sp.Basic):
        if answer.free_symbols:
            return wrong("expected a number but your expression still contains "
                         f"{', '.join(sorted(map(str, answer.free_symbols)))}.")
        answer = float(sp.N(answer, 30))
    a = as_array(answer)
    if a is None or a.size != 1 or a.dtype.kind == "c":
        kind = getattr(answer, "type", type(answer).__name__)
        return wrong(f"expected a number but got a {kind}.")
    value = float(a.ravel()[0])
    r = max(rtol, tolerance(a))

    def near(x: float) -> bool:
        return abs(value - x) <= r * max(abs(x), 1e-12) + 1e-15

    if near(reference):
        return correct(f"{value:.10g} is right.")
    for description, mistake in (mistakes or {}).items():
        if near(float(mistake)):
            return wrong(f"close: {description}.")
    return wrong(f"{value:.10g} is not the expected value.")
