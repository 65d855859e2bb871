"""Automatic feedback for the book's exercises.

A student calls a check in the cell of an exercise; the check prints what is right or which
mistake the answer most likely contains, and **never raises**: a returned ``None``, an
exception (reported with its line), an infinite loop (stopped after a time limit) or a
``sys.exit()`` in the student's code all become feedback. The references are *derived* at
check time from :mod:`backprop.symbolic` and :mod:`backprop.network`, never stored, so
nothing secret ships with the book.

Used by the exercises of ``book/output-layer`` and ``book/hidden-layer`` (and any chapter
through the building blocks :func:`check_expression` and :func:`check_function`), by the
student edition and the grader (:mod:`backprop.coursework`) and described in
``book/instructor-guide``.

Every check records a :class:`Feedback` (see :func:`results`); the grader reads those.
Random test networks have layers of different sizes, so a transposed matrix cannot go
unnoticed, and their sizes are drawn from the student's id (:func:`student_rng`), so each
student gets a variant.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from . import symbolic
from .gradcheck import network_numerical_gradient, numerical_gradient
from .network import Network, get_activation

__all__ = [
    "Feedback",
    "check_expression",
    "check_function",
    "check_hidden_delta",
    "check_hidden_deltas",
    "check_number",
    "check_output_deltas",
    "check_output_weight_gradient",
    "checking",
    "clear_results",
    "current_student",
    "passed",
    "results",
    "run_limited",
    "set_student",
    "student_rng",
    "variant_sizes",
]

#: Seconds a student's function may run in one call before it is stopped.
TIME_LIMIT = 5.0
NOT_YET = "not yet"


# --------------------------------------------------------------------------- results
@dataclass
class Feedback:
    """The outcome of one check: ``status`` is ``"correct"``, ``"not yet"`` (no answer
    given), ``"incorrect"`` or ``"error"`` (the answer could not be run)."""

    label: str
    status: str
    message: str
    points: float
    max_points: float

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def text(self) -> str:
        mark = {"correct": "Correct", NOT_YET: "Not yet answered",
                "incorrect": "Not quite", "error": "Your code stopped"}[self.status]
        return f"[{self.label}] {mark}: {self.message}"


_RESULTS: dict[str, Feedback] = {}
_STUDENT: list[str] = []


def results() -> dict[str, Feedback]:
    """The latest :class:`Feedback` of every exercise checked in this session."""
    return dict(_RESULTS)


def clear_results() -> None:
    _RESULTS.clear()


def passed(label: str) -> bool:
    """Whether the latest check of ``label`` succeeded (used by nbgrader test cells)."""
    fb = _RESULTS.get(label)
    return fb is not None and fb.passed


def _report(fb: Feedback) -> None:
    _RESULTS[fb.label] = fb
    print(fb.text())


# --------------------------------------------------------------------------- variants
def set_student(student_id: str) -> None:
    """Choose the student whose variant the checks draw (the grader does this too)."""
    _STUDENT[:] = [str(student_id).strip()]


def current_student() -> str:
    """The id set by :func:`set_student`, else ``$BACKPROP_STUDENT_ID``, else ``"reader"``."""
    if _STUDENT and _STUDENT[0]:
        return _STUDENT[0]
    return os.environ.get("BACKPROP_STUDENT_ID", "").strip() or "reader"


def student_rng(label: str, student_id: str | None = None) -> np.random.Generator:
    """A generator seeded by a hash of (student id, exercise label): the same student always
    gets the same variant of an exercise, two students almost never the same one."""
    sid = current_student() if student_id is None else str(student_id)
    digest = hashlib.sha256(f"{sid}\x00{label}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def variant_sizes(rng: np.random.Generator) -> tuple[int, int, int]:
    """Layer sizes ``(n_i, n_j, n_k)`` of a two-layer test network, all different, so that
    no weight matrix is square and a transposed matrix fails to multiply."""
    n_i = int(rng.integers(2, 5))
    n_j = int(rng.choice([n for n in range(3, 7) if n != n_i]))
    n_k = int(rng.choice([n for n in range(1, 4) if n not in (n_i, n_j)]))
    return n_i, n_j, n_k


# --------------------------------------------------------------------------- running code
class _TimeLimitReached(BaseException):
    """Raised inside the student's code when the time limit is reached."""


@dataclass
class Outcome:
    """What running a student's function gave: ``kind`` is ``"ok"``, ``"timeout"``,
    ``"exit"``, ``"not implemented"`` or ``"exception"``; ``message`` explains."""

    kind: str
    value: Any = None
    message: str = ""
    exception: BaseException | None = None


def _student_line(exc: BaseException) -> str:
    """Where in the student's code an exception happened: the innermost frame that is not
    in this package or in a library."""
    frames = traceback.extract_tb(exc.__traceback__)
    here = os.path.dirname(os.path.abspath(__file__))
    mine = [f for f in frames
            if not os.path.abspath(f.filename).startswith(here)
            and "site-packages" not in f.filename and "/lib/python" not in f.filename]
    if not mine:
        return ""
    f = mine[-1]
    code = f" `{f.line.strip()}`" if f.line else ""
    where = "your cell" if f.filename.startswith("<") or "ipykernel" in f.filename else (
        os.path.basename(f.filename))
    return f" on line {f.lineno} of {where}{code}"


def _call_with_signal(func: Callable, args: Sequence, seconds: float) -> Any:
    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        raise _TimeLimitReached

    start = time.monotonic()
    old_handler = signal.signal(signal.SIGALRM, stop)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return func(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if outer > 0:  # an enclosing time limit (the grader's) keeps running
            left = outer - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def _call_with_trace(func: Callable, args: Sequence, seconds: float) -> Any:
    # Off the main thread there are no signals; a trace function checks the clock on every
    # line the student's code runs (backward jumps in a loop count as lines).
    deadline = time.monotonic() + seconds
    old = sys.gettrace()

    def tracer(frame, event, arg):  # noqa: ARG001 - trace function signature
        if time.monotonic() > deadline:
            raise _TimeLimitReached
        return tracer

    sys.settrace(tracer)
    try:
        return func(*args)
    finally:
        sys.settrace(old)


def run_limited(func: Callable, args: Sequence = (), seconds: float = TIME_LIMIT) -> Outcome:
    """Call ``func(*args)`` with a time limit and catch *everything* it can throw,
    ``SystemExit`` included, turning it into an :class:`Outcome`."""
    use_signal = (hasattr(signal, "setitimer")
                  and threading.current_thread() is threading.main_thread())
    try:
        with np.errstate(all="ignore"):
            if use_signal:
                value = _call_with_signal(func, args, seconds)
            else:
                value = _call_with_trace(func, args, seconds)
    except _TimeLimitReached:
        return Outcome("timeout", message=(
            f"it was still running after {seconds:g} s and was stopped; look for a loop "
            "that never ends"))
    except SystemExit as exc:
        return Outcome("exit", exception=exc, message=(
            f"it called sys.exit({exc.code!r}) (or exit()/quit()); an answer must return "
            "its result instead of stopping Python"))
    except NotImplementedError as exc:
        return Outcome("not implemented", exception=exc, message="")
    except KeyboardInterrupt as exc:
        return Outcome("exception", exception=exc, message="it was interrupted")
    except BaseException as exc:  # noqa: BLE001 - every failure becomes feedback
        return Outcome("exception", exception=exc, message=(
            f"it raised {type(exc).__name__}: {exc}{_student_line(exc)}"))
    return Outcome("ok", value=value)


class checking:  # noqa: N801 - used as ``with exercises.checking(...)``, like a function
    """Turn a block of plain ``assert`` statements into a check that reports instead of
    raising: the student edition wraps an exercise's own asserts in it.

    A ``NotImplementedError`` (the stub of a function) or ``unanswered=True`` (a stubbed
    ``None``) reports "not yet"; a failing assert reports its line; an exception, a
    ``sys.exit()`` or a block running past ``seconds`` is reported too, never raised.
    """

    def __init__(self, label: str, *, unanswered: bool = False,
                 seconds: float = 4 * TIME_LIMIT, points: float = 1.0) -> None:
        self.label, self.unanswered, self.seconds, self.points = (
            label, bool(unanswered), seconds, points)
        self._old: Any = None
        self._outer = 0.0
        self._start = 0.0

    def __enter__(self) -> checking:
        self._start = time.monotonic()
        if hasattr(signal, "setitimer") and threading.current_thread() is \
                threading.main_thread():
            def stop(signum, frame):  # noqa: ARG001 - signal handler signature
                raise _TimeLimitReached

            self._old = signal.signal(signal.SIGALRM, stop)
            self._outer, _ = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self._old is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)
            if self._outer > 0:
                left = self._outer - (time.monotonic() - self._start)
                signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
        label, pts = self.label, self.points
        if exc_type is None:
            fb = Feedback(label, "correct", "every check of this exercise passes.", pts, pts)
        elif issubclass(exc_type, NotImplementedError) or self.unanswered:
            fb = Feedback(label, NOT_YET, "write your answer in place of the stub and run the "
                          "cell again.", 0.0, pts)
        elif issubclass(exc_type, _TimeLimitReached):
            fb = Feedback(label, "error", f"it was still running after {self.seconds:g} s and "
                          "was stopped; look for a loop that never ends.", 0.0, pts)
        elif issubclass(exc_type, SystemExit):
            fb = Feedback(label, "error", "your code called sys.exit(); return a result "
                          "instead.", 0.0, pts)
        elif issubclass(exc_type, AssertionError):
            fb = Feedback(label, "incorrect", "a check failed"
                          + (_student_line(exc) or ".") + (f" ({exc})" if str(exc) else ""),
                          0.0, pts)
        else:
            fb = Feedback(label, "error", f"it raised {exc_type.__name__}: {exc}"
                          f"{_student_line(exc)}.", 0.0, pts)
        _report(fb)
        return True


# --------------------------------------------------------------------------- symbolic answers
def _plain_name(name: str) -> str:
    """``\\mathrm{net}_{k}`` -> ``net_k``: the name a student would type."""
    for junk in ("\\mathrm", "\\", "{", "}", " "):
        name = name.replace(junk, "")
    return name


def _plain(expr: sp.Expr) -> sp.Expr:
    """Rebuild every symbol by its plain name and *without assumptions*, so that
    ``Symbol('a_k', real=True)`` and ``Symbol('a_k')`` are the same symbol."""
    return expr.xreplace({s: sp.Symbol(_plain_name(s.name)) for s in expr.free_symbols
                          if isinstance(s, sp.Symbol)})


def _numerically_equal(lhs: sp.Expr, rhs: sp.Expr, rng: np.random.Generator,
                       points: int = 6) -> bool:
    # A second opinion for forms equivalent() does not expand (sech, cosh, ...):
    # evaluate at random points to 30 digits.
    diff = lhs - rhs
    symbols = sorted(diff.free_symbols, key=str)
    for _ in range(points):
        point = {s: sp.Rational(int(rng.integers(-30, 31)), int(rng.integers(7, 23)))
                 for s in symbols}
        value = diff.evalf(30, subs=point)
        size = abs(lhs.evalf(30, subs=point)) + 1
        if not value.is_number or abs(value) > sp.Float(10) ** -20 * size:
            return False
    return True


def _same(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    try:
        if symbolic.equivalent(lhs, rhs):
            return True
        return _numerically_equal(lhs, rhs, np.random.default_rng(7))
    except (TypeError, ValueError, ZeroDivisionError, AttributeError):
        return False


def _to_expr(answer: Any) -> sp.Expr | None:
    if isinstance(answer, sp.Basic):
        return answer
    if isinstance(answer, (int, float, str)):
        try:
            return sp.sympify(answer)
        except (sp.SympifyError, TypeError, SyntaxError):
            return None
    return None


def check_expression(
    label: str,
    answer: Any,
    reference: sp.Expr,
    *,
    mistakes: Mapping[str, sp.Expr] | None = None,
    symbols_hint: str = "",
    points: float = 1.0,
    show: bool = True,
) -> Feedback:
    """Compare a SymPy answer with a derived ``reference`` up to algebra.

    Symbols are compared by name with assumptions dropped; equality is decided by
    :func:`backprop.symbolic.equivalent` (no long ``simplify``). ``mistakes`` maps a
    description of a likely mistake ("the sign is flipped") to the expression that mistake
    gives; an answer equal to one of them is told which. Prints the feedback and returns it.
    """
    fb = _judge_expression(label, answer, reference, mistakes or {}, symbols_hint, points)
    if show:
        _report(fb)
    else:
        _RESULTS[label] = fb
    return fb


def _judge_expression(label, answer, reference, mistakes, symbols_hint, points) -> Feedback:
    if answer is None or answer is Ellipsis:
        return Feedback(label, NOT_YET, "replace None with your SymPy expression and run the "
                        "cell again.", 0.0, points)
    expr = _to_expr(answer)
    if expr is None:
        return Feedback(label, "incorrect", f"expected a SymPy expression but got a "
                        f"{type(answer).__name__}; build it from sympy symbols "
                        f"{symbols_hint}".rstrip() + ".", 0.0, points)
    if isinstance(expr, (sp.Equality, sp.MatrixBase)) or not isinstance(expr, sp.Expr):
        return Feedback(label, "incorrect", "give the right-hand side only: one scalar "
                        "expression, not an equation, matrix or list.", 0.0, points)
    try:
        student = _plain(expr)
        ref = _plain(sp.sympify(reference))
    except Exception as exc:  # noqa: BLE001 - never raise in a check
        return Feedback(label, "error", f"could not read the expression ({exc}).", 0.0, points)
    extra = {s.name for s in student.free_symbols} - {s.name for s in ref.free_symbols}
    if extra:
        want = ", ".join(sorted(s.name for s in ref.free_symbols))
        return Feedback(label, "incorrect", "your expression contains "
                        f"{', '.join(sorted(extra))}, which the answer does not depend on; "
                        f"write it with {want} only.", 0.0, points)
    if _same(student, ref):
        shown = sp.sstr(student)
        shown = shown if len(shown) <= 80 else "your expression"
        return Feedback(label, "correct", f"{shown} equals the derived result.",
                        points, points)
    for description, wrong in mistakes.items():
        if _same(student, _plain(sp.sympify(wrong))):
            return Feedback(label, "incorrect", f"close: {description}.", 0.0, points)
    missing = {s.name for s in ref.free_symbols} - {s.name for s in student.free_symbols}
    hint = (f" Your answer does not depend on {', '.join(sorted(missing))}, which it should."
            if missing else "")
    return Feedback(label, "incorrect", "this is not equal to the derived result for any "
                    f"choice of the symbols.{hint} Redo the chain rule one factor at a time.",
                    0.0, points)


def _tanh_output_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    rule = symbolic.output_rule("tanh")
    t, a, aj = symbolic.t_k, symbolic.a_k, symbolic.a_j
    ref = rule.gradient
    mistakes = {
        "the sign is flipped: dE/da_k = -(t_k - a_k), so the gradient starts with a minus "
        "(the weight change -eta dE/dw_kj is the positive one)": -ref,
        "a factor 2 too many: the half in E = 1/2 sum (t_k - a_k)^2 cancels the 2 from "
        "differentiating the square": 2 * ref,
        "the activation-derivative factor da_k/dnet_k = 1 - a_k^2 is missing": -(t - a) * aj,
        "that is the sigmoid's derivative a_k(1 - a_k); for tanh it is 1 - a_k^2":
            -(t - a) * a * (1 - a) * aj,
        "the last factor dnet_k/dw_kj = a_j is missing (that is -delta_k, not the "
        "gradient)": -(t - a) * (1 - a**2),
        "the factor 2 is missing but so is the minus sign": -2 * ref,
    }
    return ref, mistakes


def check_output_weight_gradient(answer: Any, *, points: float = 1.0) -> None:
    """``ex-output-layer-1``: :math:`\\partial E/\\partial w_{kj}` for a tanh output unit,
    :math:`-(t_k - a_k)(1 - a_k^2)\\,a_j`, in the symbols ``t_k, a_k, a_j`` (or with
    ``a_k`` written as ``tanh(net_k)`` or ``tanh(w_kj a_j + R)``). The reference is derived by
    :func:`backprop.symbolic.output_rule`."""
    try:
        ref, mistakes = _tanh_output_reference()
        expr = _to_expr(answer)
        names = ({_plain_name(s.name) for s in expr.free_symbols if isinstance(s, sp.Symbol)}
                 if expr is not None else set())
        # The answer may keep a_k, or write it as tanh(net_k) or tanh(w_kj a_j + R) (the
        # one-output error of the exercise, R the rest of net_k): compare in its form.
        a_k = sp.Symbol("a_k")
        for form in (sp.tanh(sp.Symbol("net_k")),
                     sp.tanh(sp.Symbol("w_kj") * sp.Symbol("a_j") + sp.Symbol("R"))):
            if "a_k" not in names and names & {s.name for s in form.free_symbols} - {"a_j"}:
                ref = _plain(ref).xreplace({a_k: form})
                mistakes = {d: _plain(m).xreplace({a_k: form}) for d, m in mistakes.items()}
                break
        check_expression("ex-output-layer-1", answer, ref, mistakes=mistakes,
                         symbols_hint="t_k, a_k, a_j", points=points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback("ex-output-layer-1", "error", f"the check failed ({exc}).", 0.0,
                         points))


def _hidden_delta_forms(K: int, output: str, names: set[str]
                        ) -> tuple[sp.Expr, dict[str, sp.Expr]]:
    """Reference and mistakes for ``delta_j`` of a tanh hidden unit, in the form the answer
    uses: output deltas as symbols ``delta_k``; or spelled out with ``a_k, t_k``; or as a
    function of ``net_j`` with ``a_k = f(w_kj tanh(net_j) + R_k)``."""
    w = [sp.Symbol(f"w_{k}j") for k in range(1, K + 1)]
    net_j = sp.Symbol("net_j")
    if "net_j" in names:
        a_j = sp.tanh(net_j)
        a_k = [symbolic.activation(output, w[k] * a_j + sp.Symbol(f"R_{k + 1}"))
               for k in range(K)]
        t = [sp.Symbol(f"t_{k}") for k in range(1, K + 1)]
        d = [(t[k] - a_k[k]) * symbolic.activation_derivative(output, a_k[k])
             for k in range(K)]
        E_ = sp.Rational(1, 2) * sum(((t[k] - a_k[k]) ** 2 for k in range(K)), sp.Integer(0))
        ref = -sp.diff(E_, net_j)  # route (a): differentiate the error itself
    else:
        a_j = sp.Symbol("a_j")
        if any(n.startswith("delta") for n in names) or not names:
            d = [sp.Symbol(f"delta_{k}") for k in range(1, K + 1)]
        else:
            a_k = [sp.Symbol(f"a_{k}") for k in range(1, K + 1)]
            d = [(sp.Symbol(f"t_{k + 1}") - a_k[k])
                 * symbolic.activation_derivative(output, a_k[k]) for k in range(K)]
        ref = symbolic.activation_derivative("tanh", a_j) * sum(
            (d[k] * w[k] for k in range(K)), sp.Integer(0))
    weighted = sum((d[k] * w[k] for k in range(K)), sp.Integer(0))
    mistakes = {
        "the sign is flipped: with delta = -dE/dnet there is no minus sign here": -ref,
        "the factor f'(net_j) = 1 - a_j^2 is missing": weighted,
        "that is the sigmoid's derivative a_j(1 - a_j); for tanh it is 1 - a_j^2":
            a_j * (1 - a_j) * weighted,
        f"only one output's path is there; a_j feeds all {K} outputs, so sum over k":
            (1 - a_j**2) * d[0] * w[0],
        "a factor 2 too many: the half in E cancels the 2 from the square": 2 * ref,
    }
    return ref, mistakes


def check_hidden_delta(answer: Any, *, n_outputs: int = 2, output: str = "sigmoid",
                       points: float = 1.0) -> None:
    """``ex-hidden-layer-1``: :math:`\\delta_j` of a tanh hidden unit feeding ``n_outputs``
    output units (activation ``output``), :math:`(1 - a_j^2) \\sum_k \\delta_k w_{kj}`.

    The answer may use the symbols ``a_j, delta_1..delta_K, w_1j..w_Kj``; or spell the
    output deltas out with ``a_1.., t_1..``; or be ``-dE/dnet_j`` written with ``net_j``,
    ``w_kj``, ``t_k`` and ``R_k`` (the rest of ``net_k``), as
    :func:`backprop.symbolic.hidden_rule` and ``sympy.diff`` derive it.
    """
    label = "ex-hidden-layer-1"
    try:
        expr = _to_expr(answer)
        names = ({_plain_name(s.name) for s in expr.free_symbols if isinstance(s, sp.Symbol)}
                 if expr is not None else set())
        ref, mistakes = _hidden_delta_forms(int(n_outputs), output, names)
        check_expression(label, answer, ref, mistakes=mistakes, points=points,
                         symbols_hint="a_j, delta_k, w_kj (or net_j, t_k, R_k)")
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_number(
    label: str,
    answer: Any,
    reference: float,
    *,
    mistakes: Mapping[str, float] | None = None,
    rtol: float = 1e-6,
    points: float = 1.0,
    show: bool = True,
) -> Feedback:
    """Compare a numeric answer (for example a prediction computed by hand, or a value drawn
    per student from :func:`student_rng`) with a derived ``reference``; ``mistakes`` maps the
    description of a likely mistake to the number it gives."""
    try:
        fb = _judge_number(label, answer, float(reference), mistakes or {}, rtol, points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        fb = Feedback(label, "error", f"the check itself failed ({exc}).", 0.0, points)
    if show:
        _report(fb)
    else:
        _RESULTS[label] = fb
    return fb


def _judge_number(label, answer, reference, mistakes, rtol, points) -> Feedback:
    if answer is None or answer is Ellipsis:
        return Feedback(label, NOT_YET, "replace None with your number and run the cell "
                        "again.", 0.0, points)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(label, "incorrect", f"expected a number but got a "
                        f"{type(answer).__name__}.", 0.0, points)

    def close(x: float) -> bool:
        return abs(value - x) <= rtol * max(abs(x), 1e-12) + 1e-15

    if close(reference):
        return Feedback(label, "correct", f"{value:.6g} is right.", points, points)
    for description, wrong in mistakes.items():
        if close(float(wrong)):
            return Feedback(label, "incorrect", f"close: {description}.", 0.0, points)
    return Feedback(label, "incorrect", f"{value:.6g} is not the expected value.", 0.0, points)


# --------------------------------------------------------------------------- code answers
def _describe_shape_mistake(got: tuple, want: tuple, names: str) -> str:
    if got == want[::-1] and len(want) == 2:
        return (f"the result has shape {got}, the transpose of the expected {want} "
                f"({names}); a matrix is transposed somewhere")
    return f"the result has shape {got} but should have shape {want} ({names})"


def check_function(
    label: str,
    func: Any,
    reference: Callable[..., np.ndarray],
    cases: Iterable[tuple[tuple, dict[str, np.ndarray]]],
    *,
    shape_names: str = "one row per sample",
    extra_check: Callable[[tuple, np.ndarray], str] | None = None,
    hint_on_exception: Callable[[BaseException, tuple], str] | None = None,
    points: float = 1.0,
    seconds: float = TIME_LIMIT,
    show: bool = True,
) -> Feedback:
    """Run a student's ``func`` on every case and compare with ``reference(*args)``.

    ``cases`` yields ``(args, mistakes)``: the arguments and a map from the description of a
    likely mistake to the array that mistake produces on these arguments. ``extra_check``
    may add a finite-difference verdict (returns ``""`` when fine). Prints the feedback and
    returns it; never raises.
    """
    try:
        fb = _judge_function(label, func, reference, cases, shape_names, extra_check,
                             hint_on_exception, points, seconds)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        fb = Feedback(label, "error", f"the check itself failed ({exc}).", 0.0, points)
    if show:
        _report(fb)
    else:
        _RESULTS[label] = fb
    return fb


def _judge_function(label, func, reference, cases, shape_names, extra_check,
                    hint_on_exception, points, seconds) -> Feedback:
    if func is None or func is Ellipsis:
        return Feedback(label, NOT_YET, "define the function and run the cell again.", 0.0,
                        points)
    if not callable(func):
        return Feedback(label, "incorrect", f"expected a function but got a "
                        f"{type(func).__name__}.", 0.0, points)
    n_cases = 0
    for args, mistakes in cases:
        n_cases += 1
        copies = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a
                       for a in args)
        out = run_limited(func, copies, seconds)
        if out.kind == "not implemented":
            return Feedback(label, NOT_YET, "replace `raise NotImplementedError` by your code "
                            "and run the cell again.", 0.0, points)
        if out.kind != "ok":
            hint = ""
            if out.kind == "exception" and hint_on_exception is not None:
                hint = hint_on_exception(out.exception, args)
            return Feedback(label, "error", f"your function did not return: {out.message}."
                            + (f" {hint}" if hint else ""), 0.0, points)
        if out.value is None:
            return Feedback(label, "incorrect", "your function returned None; did you forget "
                            "the `return` statement?", 0.0, points)
        want = np.asarray(reference(*args), dtype=float)
        try:
            got = np.asarray(out.value, dtype=float)
        except (TypeError, ValueError):
            return Feedback(label, "incorrect", "your function returned a "
                            f"{type(out.value).__name__}, which is not an array of numbers.",
                            0.0, points)
        if got.shape != want.shape:
            return Feedback(label, "incorrect",
                            _describe_shape_mistake(got.shape, want.shape, shape_names) + ".",
                            0.0, points)
        if not np.all(np.isfinite(got)):
            return Feedback(label, "incorrect", "the result contains NaN or inf.", 0.0, points)
        if not np.allclose(got, want, rtol=1e-7, atol=1e-10):
            for description, wrong in mistakes.items():
                wrong = np.asarray(wrong, dtype=float)
                if wrong.shape == got.shape and np.allclose(got, wrong, rtol=1e-7, atol=1e-10):
                    return Feedback(label, "incorrect", f"close: {description}.", 0.0, points)
            worst = np.unravel_index(np.argmax(np.abs(got - want)), want.shape)
            return Feedback(label, "incorrect", "the values are wrong; at index "
                            f"{tuple(int(i) for i in worst)} you give {got[worst]:.6g} where "
                            f"{want[worst]:.6g} is expected.", 0.0, points)
        if extra_check is not None:
            verdict = extra_check(args, got)
            if verdict:
                return Feedback(label, "incorrect", verdict, 0.0, points)
    return Feedback(label, "correct", f"matches the derived rule on {n_cases} random "
                    "networks whose layers all have different sizes, and the gradients it "
                    "gives agree with finite differences.", points, points)


def _two_layer_case(rng: np.random.Generator, hidden: str, output: str
                    ) -> tuple[Network, np.ndarray, np.ndarray]:
    n_i, n_j, n_k = variant_sizes(rng)
    net = Network((n_i, n_j, n_k), [hidden, output], rng=rng, weight_scale=1.0)
    P = int(rng.integers(3, 7))
    X = rng.uniform(-1, 1, (P, n_i))
    lo = 0.05 if output == "sigmoid" else -0.9
    T = rng.uniform(lo, 0.95, (P, n_k))
    return net, X, T


def _output_delta_fd(T: np.ndarray, net_out: np.ndarray, activation: str) -> np.ndarray:
    """-dE/dnet_k by central differences of E = 1/2 sum (t - f(net))^2."""
    f = get_activation(activation).f

    def error(n: np.ndarray) -> float:
        return 0.5 * float(np.sum((T - f(n.reshape(T.shape))) ** 2))

    return -numerical_gradient(error, net_out.ravel()).reshape(T.shape)


def check_output_deltas(func: Any, *, trials: int = 3, points: float = 1.0) -> None:
    """``ex-output-layer-2``: ``output_deltas(T, A)`` for sigmoid output units, the book's
    :math:`\\delta_k = (t_k - a_k)\\,a_k(1 - a_k)` for every sample (rows) and output
    (columns). Compared with :meth:`backprop.network.Network.backward` and with central
    differences of the error with respect to :math:`\\mathrm{net}_k`."""
    label = "ex-output-layer-2"
    try:
        rng = student_rng(label)
        nets: dict[int, np.ndarray] = {}

        def cases():
            for _ in range(trials):
                net, X, T = _two_layer_case(rng, "sigmoid", "sigmoid")
                fwd = net.forward(X)
                A = fwd.output
                nets[id(A)] = fwd.nets[-1]
                ref = net.backward(fwd, T).deltas[-1]
                s = get_activation("sigmoid").f
                yield (T, A), {
                    "the sign is flipped: the book's delta is -dE/dnet = (t - a) f'(net)":
                        -ref,
                    "the factor f'(net_k) = a_k(1 - a_k) is missing": T - A,
                    "a factor 2 too many: the half in E cancels the 2 of the square": 2 * ref,
                    "a factor 1/2 too few: the 2 from differentiating the square cancels "
                    "the half": ref / 2,
                    "that is tanh's derivative 1 - a^2; the sigmoid's is a(1 - a)":
                        (T - A) * (1 - A**2),
                    "A already holds the activations: f'(net) = A(1 - A), without applying "
                    "the sigmoid again": (T - A) * s(A) * (1 - s(A)),
                }

        def reference(T, A):
            return (T - A) * A * (1 - A)

        def finite_differences(args, got):
            T, A = args
            fd = _output_delta_fd(T, nets[id(A)], "sigmoid")
            if not np.allclose(got, fd, rtol=1e-5, atol=1e-8):
                return "the deltas disagree with finite differences of the error."
            return ""

        check_function(label, func, reference, cases(), points=points,
                       shape_names="(samples, output units), like T and A",
                       extra_check=finite_differences)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_hidden_deltas(func: Any, *, trials: int = 3, points: float = 1.0) -> None:
    """``ex-hidden-layer-2``: ``hidden_deltas(delta_out, W2, A_hidden)`` for a sigmoid
    hidden layer, :math:`\\delta_j = a_j(1 - a_j) \\sum_k \\delta_k w_{kj}`, i.e.
    ``A_hidden * (1 - A_hidden) * (delta_out @ W2)`` with ``W2`` of shape ``(n_k, n_j)``.
    The test networks have ``n_k != n_j``, so ``W2.T`` fails to multiply; the deltas'
    weight gradient ``-delta.T @ X`` is compared with finite differences."""
    label = "ex-hidden-layer-2"
    try:
        rng = student_rng(label)
        context: dict[int, tuple[Network, np.ndarray, np.ndarray]] = {}

        def cases():
            for _ in range(trials):
                net, X, T = _two_layer_case(rng, "sigmoid", "sigmoid")
                fwd = net.forward(X)
                grads = net.backward(fwd, T)
                d_out, W2, H = grads.deltas[1], net.weights[1], fwd.activations[1]
                ref = grads.deltas[0]
                context[id(H)] = (net, X, T)
                back = d_out @ W2
                yield (d_out, W2, H), {
                    "the sign is flipped: delta_j = f'(net_j) sum_k delta_k w_kj has no "
                    "minus sign": -ref,
                    "the factor f'(net_j) = a_j(1 - a_j) is missing": back,
                    "that is tanh's derivative 1 - a^2; the hidden units are sigmoid":
                        (1 - H**2) * back,
                    "a factor 2 too many": 2 * ref,
                }

        def reference(d_out, W2, H):
            return H * (1 - H) * (d_out @ W2)

        def finite_differences(args, got):
            net, X, T = context[id(args[2])]
            fd = network_numerical_gradient(net, X, T)
            n_w1 = net.weights[0].size
            fd_w1 = fd[:n_w1].reshape(net.weights[0].shape)
            if not np.allclose(-(got.T @ X), fd_w1, rtol=1e-5, atol=1e-8):
                return ("the values match but the weight gradients -delta_j a_i they give "
                        "disagree with finite differences.")
            return ""

        def transpose_hint(exc, args):
            d_out, W2, H = args
            if isinstance(exc, ValueError) and ("matmul" in str(exc) or "shape" in str(exc)):
                return (f"Shapes here: delta_out {d_out.shape} (samples, n_k), W2 "
                        f"{W2.shape} (n_k, n_j), A_hidden {H.shape}; delta_out @ W2 has "
                        "shape (samples, n_j). Is a matrix transposed?")
            return ""

        check_function(label, func, reference, cases(), points=points,
                       shape_names="(samples, hidden units), like A_hidden",
                       extra_check=finite_differences, hint_on_exception=transpose_hint)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))
