"""Automatic feedback for the book's exercises.

A student calls a check in the cell of an exercise; the check prints what is right or which
mistake the answer most likely contains, and **never raises**: a returned ``None``, an
exception (reported with its line), an infinite loop (stopped after a time limit) or a
``sys.exit()`` in the student's code all become feedback. The references are *derived* at
check time from :mod:`backprop.symbolic` and :mod:`backprop.network`, never stored, so
nothing secret ships with the book.

Used by the exercises of every chapter (``book/output-layer``, ``book/hidden-layer`` and,
through the named checks at the end of this module, ``book/perceptron`` to
``book/beyond-xor``; new ones through :func:`check_expression`, :func:`check_function` and
:func:`check_number`), by the
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
    "check_backward_deltas",
    "check_bipolar_sigmoid_slope",
    "check_bishop_delta",
    "check_expression",
    "check_function",
    "check_gradient_descent",
    "check_hidden_delta",
    "check_hidden_deltas",
    "check_line_errors",
    "check_linear_hidden_deltas",
    "check_mazur_bias_gradient",
    "check_mazur_step",
    "check_momentum_epochs",
    "check_net_along_normal",
    "check_nielsen_deltas",
    "check_number",
    "check_online_delta_rule",
    "check_online_network_epoch",
    "check_output_deltas",
    "check_output_weight_gradient",
    "check_parity_sums",
    "check_perceptron_epoch",
    "check_symmetric_twin",
    "check_tanh_as_sigmoids",
    "check_tanh_bias_gradient",
    "check_tanh_delta",
    "check_xor_of_blobs",
    "check_xor_origin",
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


def _same(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    # symbolic.equivalent is the one equality test (exact for rational functions, numeric
    # at random points otherwise); a student's expression it cannot evaluate is not equal.
    try:
        return symbolic.equivalent(lhs, rhs)
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


def _finish(fb: Feedback, show: bool) -> Feedback:
    """Record a result for the grader; print it too unless the caller shows it itself."""
    if show:
        _report(fb)
    else:
        _RESULTS[fb.label] = fb
    return fb


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
    return _finish(fb, show)


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
    return _finish(fb, show)


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
    return _finish(fb, show)


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


# --------------------------------------------------------------------------- other chapters
# One named check per exercise of the remaining chapters. Each derives its reference here, at
# check time, from SymPy or the package, so the student-visible line after ``### END
# SOLUTION`` is a bare call and shows no answer.
def _run_check(label: str, body: Callable[[], None], *, answered: bool = True,
               points: float = 1.0, seconds: float = 4 * TIME_LIMIT) -> Feedback:
    """Run ``body`` (asserts whose messages name the likely mistake) as the check of
    ``label``; report "not yet" for an unanswered stub. Never raises."""
    if not answered:
        fb = Feedback(label, NOT_YET, "replace the stub with your answer and run the cell "
                      "again.", 0.0, points)
    else:
        out = run_limited(body, (), seconds)
        if out.kind == "ok":
            fb = Feedback(label, "correct", "every check of this exercise passes.", points,
                          points)
        elif out.kind == "not implemented":
            fb = Feedback(label, NOT_YET, "replace `raise NotImplementedError` by your code "
                          "and run the cell again.", 0.0, points)
        elif out.kind == "exception" and isinstance(out.exception, AssertionError) \
                and str(out.exception):
            fb = Feedback(label, "incorrect", str(out.exception), 0.0, points)
        else:
            fb = Feedback(label, "error", out.message or "the check failed.", 0.0, points)
    _report(fb)
    return fb


def _same_array(got: Any, want: np.ndarray, atol: float = 1e-8) -> bool:
    try:
        got = np.asarray(got, dtype=float)
        return got.shape == np.shape(want) and bool(np.allclose(got, want, atol=atol))
    except (TypeError, ValueError):
        return False


def _simplified(answer: Any) -> Any:
    """A SymPy answer with cancelling symbols removed (they would read as extra symbols)."""
    if isinstance(answer, sp.Expr):
        try:
            return sp.simplify(answer)
        except Exception:  # noqa: BLE001 - keep the answer as given
            return answer
    return answer


def _both_expressions(label: str, answers: Sequence[Any], reference: sp.Expr,
                      mistakes: Mapping[str, sp.Expr], hint: str, points: float) -> None:
    """Check several answers against one reference; report the first that is not right."""
    fb = None
    for answer in answers:
        fb = check_expression(label, answer, reference, mistakes=mistakes,
                              symbols_hint=hint, points=points, show=False)
        if not fb.passed:
            break
    if fb is not None:
        _report(fb)


def check_parity_sums(odd_sum: Any, even_sum: Any, *, points: float = 1.0) -> None:
    """``ex-perceptron-1``: the net inputs of the odd-parity patterns of three inputs, summed,
    equal those of the even-parity patterns; the reference is summed here with SymPy."""
    label = "ex-perceptron-1"
    try:
        w = sp.symbols("w_1 w_2 w_3")
        b = sp.Symbol("b")
        patterns = [(i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1)]

        def total(keep: Callable[[tuple[int, ...]], bool]) -> sp.Expr:
            return sp.Add(*[sum(wi * xi for wi, xi in zip(w, x)) + b for x in patterns
                            if keep(x)])

        ref = total(lambda x: sum(x) % 2 == 1)
        mistakes = {
            "only the three patterns with exactly one 1 are there; (1, 1, 1) has odd "
            "parity too": total(lambda x: sum(x) == 1),
            "that is the sum over all eight patterns, not over one parity class":
                total(lambda x: True),
            "the bias appears once per pattern: four patterns give 4 b":
                ref - 3 * b,
        }
        _both_expressions(label, [odd_sum, even_sum], ref, mistakes, "w_1, w_2, w_3, b",
                          points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_bipolar_sigmoid_slope(answer: Any, *, points: float = 1.0) -> None:
    """``ex-gradient-descent-1``: the slope of :math:`f = 2\\sigma(x) - 1`, which is
    :math:`(1 - f^2)/2`; the reference is ``sympy.diff`` of ``f``."""
    label = "ex-gradient-descent-1"
    try:
        x = sp.Symbol("x")
        f = 2 * symbolic.sigmoid(x) - 1
        ref = sp.diff(f, x)
        mistakes = {
            "the factor 1/2 is missing: f = tanh(x/2), and the inner derivative of x/2 "
            "is 1/2": 2 * ref,
            "that is the sigmoid's a(1 - a) applied to f; f is a rescaled sigmoid, so its "
            "slope is not f(1 - f)": f * (1 - f),
            "the sign is flipped": -ref,
        }
        check_expression(label, answer, ref, mistakes=mistakes, symbols_hint="f (so x)",
                         points=points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def _tanh_delta_mistakes(ref: sp.Expr, t: sp.Expr, a: sp.Expr) -> dict[str, sp.Expr]:
    return {
        "the sign is flipped: the book's delta is -dE/dnet": -ref,
        "a factor 2 too many: the half in E cancels the 2 from the square": 2 * ref,
        "the factor f'(net) = 1 - a^2 is missing": ref / (1 - a**2),
        "that is the sigmoid's derivative a(1 - a); for tanh it is 1 - a^2":
            ref / (1 - a**2) * a * (1 - a),
    }


def check_tanh_delta(answer: Any, *, points: float = 1.0) -> None:
    """``ex-delta-rule-1``: :math:`\\delta = (t - a)(1 - a^2)` of one tanh unit with inputs
    ``a_1, a_2``, written with ``a = tanh(w_1 a_1 + w_2 a_2 + b)``; derived here as
    ``-dE/dnet``."""
    label = "ex-delta-rule-1"
    try:
        w1, w2, b, a1, a2, t, n = sp.symbols("w_1 w_2 b a_1 a_2 t net")
        a = sp.tanh(n)
        ref = -sp.diff((t - a) ** 2 / 2, n)
        mistakes = _tanh_delta_mistakes(ref, t, a)
        net = w1 * a1 + w2 * a2 + b
        check_expression(label, answer, ref.subs(n, net),
                         mistakes={d: m.subs(n, net) for d, m in mistakes.items()},
                         symbols_hint="t and the tanh of the net input", points=points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_tanh_bias_gradient(answer: Any, *, points: float = 1.0) -> None:
    """``ex-biases-batches-1``: :math:`\\partial E/\\partial b_k = -(t_k - a_k)(1 - a_k^2)`
    for a tanh output unit with inputs ``a_1, a_2``; derived here with ``sympy.diff``."""
    label = "ex-biases-batches-1"
    try:
        wk1, wk2, bk, a1, a2, tk = sp.symbols("w_k1 w_k2 b_k a_1 a_2 t_k")
        ak = sp.tanh(wk1 * a1 + wk2 * a2 + bk)
        ref = sp.diff(sp.Rational(1, 2) * (tk - ak) ** 2, bk)
        mistakes = {
            "the sign is flipped: dE/db_k = -delta_k": -ref,
            "a factor 2 too many: the half in E cancels the 2 from the square": 2 * ref,
            "the factor 1 - a_k^2 is missing": -(tk - ak),
            "that is the sigmoid's derivative a_k(1 - a_k); for tanh it is 1 - a_k^2":
                -(tk - ak) * ak * (1 - ak),
            "a bias has no input factor: dnet_k/db_k = 1, not a_1": ref * a1,
        }
        check_expression(label, answer, ref, mistakes=mistakes,
                         symbols_hint="t_k, w_k1, w_k2, b_k, a_1, a_2", points=points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_bishop_delta(answer: Any, *, points: float = 1.0) -> None:
    """``ex-notation-1``: Bishop's :math:`\\partial E/\\partial a_k` for a sigmoid output
    :math:`y_k = \\sigma(a_k)` (``a_k`` is his net input); derived with ``sympy.diff``."""
    label = "ex-notation-1"
    try:
        a, t = sp.symbols("a_k t_k")
        y = symbolic.sigmoid(a)
        ref = sp.diff(sp.Rational(1, 2) * (y - t) ** 2, a)
        mistakes = {
            "that is the book's delta = -dE/dnet; Bishop's delta is +dE/da_k": -ref,
            "the factor y_k(1 - y_k) is missing: y_k - t_k is dE/dy_k, not dE/da_k": y - t,
            "a factor 2 too many: the half in E cancels the 2 from the square": 2 * ref,
        }
        check_expression(label, answer, ref, mistakes=mistakes, symbols_hint="a_k, t_k",
                         points=points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_net_along_normal(answer: Any, *, points: float = 1.0) -> None:
    """``ex-training-xor-1``: :math:`\\mathrm{net}_j` at signed distance ``s`` from the line
    :math:`\\mathrm{net}_j = 0`, which is :math:`\\lVert w_j \\rVert s`; derived here by
    substituting a point of the line plus ``s`` unit normals."""
    label = "ex-training-xor-1"
    try:
        w1, w2, b, s = sp.symbols("w_j1 w_j2 b_j s")
        norm = sp.sqrt(w1**2 + w2**2)
        on_line = sp.Matrix([-b * w1, -b * w2]) / norm**2
        x = on_line + s * sp.Matrix([w1, w2]) / norm
        ref = sp.simplify(w1 * x[0] + w2 * x[1] + b)
        mistakes = {
            "the normal w_j is not divided by its length, so s is not a distance":
                norm**2 * s,
            "the start point is not on the line net_j = 0 (the bias is left over)":
                ref + b,
            "s is divided by the length instead of multiplied": s / norm,
        }
        check_expression(label, _simplified(answer), ref, mistakes=mistakes,
                         symbols_hint="w_j1, w_j2, s", points=points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_tanh_as_sigmoids(answer: Any, *, points: float = 1.0) -> None:
    """``ex-beyond-xor-1``: the output of two tanh hidden units rewritten with sigmoids;
    it must equal ``w_k1 tanh(net_1) + w_k2 tanh(net_2) + b_k`` and contain no tanh."""
    label = "ex-beyond-xor-1"
    try:
        n1, n2, v1, v2, c = sp.symbols("net_1 net_2 w_k1 w_k2 b_k")
        ref = v1 * sp.tanh(n1) + v2 * sp.tanh(n2) + c
        sig = symbolic.sigmoid
        mistakes = {
            "the bias is not corrected: tanh = 2 sigma(2 net) - 1, so subtract w_k1 + w_k2":
                2 * v1 * sig(2 * n1) + 2 * v2 * sig(2 * n2) + c,
            "the net inputs are not doubled: tanh(net) = 2 sigma(2 net) - 1":
                2 * v1 * sig(n1) + 2 * v2 * sig(n2) + c - v1 - v2,
            "the output weights are not doubled": v1 * sig(2 * n1) + v2 * sig(2 * n2) + c
                - v1 - v2,
        }
        if isinstance(answer, sp.Basic) and answer.has(sp.tanh):
            _report(Feedback(label, "incorrect", "write the output with sigmoids "
                             "1/(1 + exp(-x)) only; your expression still contains tanh.",
                             0.0, points))
            return
        check_expression(label, answer, ref, mistakes=mistakes,
                         symbols_hint="net_1, net_2, w_k1, w_k2, b_k", points=points)
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_linear_hidden_deltas(delta1: Any, *, points: float = 1.0) -> None:
    """``ex-any-depth-1``: the first-layer deltas of the linear network (2, 3, 2, 2) without
    biases; each must satisfy :math:`\\partial E/\\partial w^{(1)}_{pq} = -\\delta_p a_q`,
    with the gradient differentiated from the whole error by
    :class:`backprop.symbolic.SymbolicNetwork`."""
    label = "ex-any-depth-1"

    def body() -> None:
        lin = symbolic.SymbolicNetwork((2, 3, 2, 2), "identity", biases=False)
        got = list(delta1)
        assert len(got) == 3, f"there are 3 hidden units in layer 1, but {len(got)} deltas."
        flipped = True
        for p in range(3):
            for q in range(2):
                grad = lin.whole_gradient(lin.W[0][p, q])
                if symbolic.equivalent(grad, -got[p] * lin.inputs[q]):
                    flipped = False
                    continue
                assert not (flipped and symbolic.equivalent(grad, got[p] * lin.inputs[q])), \
                    "close: the sign is flipped; the book's delta is -dE/dnet."
                raise AssertionError(
                    f"delta of unit {p + 1} is wrong: it must collect the error through "
                    "both later layers, W^(2)^T W^(3)^T (t - a^(3)), in that order.")

    _run_check(label, body, answered=delta1 is not None, points=points)


def check_mazur_bias_gradient(answer: Any, *, points: float = 1.0) -> None:
    """``ex-worked-example-1``: :math:`\\partial E_\\text{total}/\\partial b_2` of the worked
    example, compared at the example's exact numbers with ``sympy.diff`` of the error."""
    from .worked_example import MAZUR, mazur_symbols

    label = "ex-worked-example-1"
    try:
        ms = mazur_symbols()
        exact = MAZUR.exact()
        point = {ms.symbols[k]: exact[k] for k in ms.symbols}
        by_name = {k: exact[k] for k in ms.symbols}

        def value(expr: sp.Expr) -> float:
            return float(sp.N(expr.subs(point), 30))

        ref = value(sp.diff(ms.forward["E_total"], ms.symbols["b2"]))
        got = answer
        if isinstance(answer, sp.Basic):
            got = _plain(answer).subs({sp.Symbol(k): v for k, v in by_name.items()})
            if got.free_symbols:
                _report(Feedback(label, "incorrect", "your expression contains "
                                 f"{', '.join(sorted(map(str, got.free_symbols)))}, which "
                                 "are not symbols of the example (ms.symbols).", 0.0, points))
                return
            got = float(sp.N(got, 30))
        b2 = ms.symbols["b2"]
        check_number(label, got, ref, rtol=1e-9, points=points, mistakes={
            "the sign is flipped: this is the sum of the output deltas, -dE/db2":
                -ref,
            "only the path through o1 is there; b2 feeds both output units":
                value(sp.diff(ms.forward["E_o1"], b2)),
            "that is dE/db1, the hidden bias": value(sp.diff(ms.forward["E_total"],
                                                             ms.symbols["b1"])),
        })
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_xor_origin(grad_at_origin: Any, curvature_c: Any, *, points: float = 1.0) -> None:
    """``ex-error-landscapes-1``: the XOR error of a 2-2-1 sigmoid network has zero gradient
    at the origin of weight space, and :math:`\\partial^2 E/\\partial c^2` there is derived
    here with ``sympy.diff``."""
    from .datasets import xor

    label = "ex-error-landscapes-1"
    try:
        if grad_at_origin is None or curvature_c is None:
            _report(Feedback(label, NOT_YET, "replace None by your answers and run the cell "
                             "again.", 0.0, points))
            return
        grads = list(grad_at_origin)
        nonzero = [i for i, g in enumerate(grads) if sp.simplify(sp.sympify(g)) != 0]
        if len(grads) != 9 or nonzero:
            _report(Feedback(label, "incorrect", "the gradient has 9 components (one per "
                             "parameter) and every one is 0 at the origin; "
                             + (f"component(s) {nonzero} are not. Substitute 0 for every "
                                "parameter after differentiating." if nonzero else
                                f"you gave {len(grads)}."), 0.0, points))
            return
        X, T = xor()
        c = sp.Symbol("c")
        E = sum(sp.Rational(1, 2) * (int(t[0]) - symbolic.sigmoid(c)) ** 2 for t in T)
        one = sp.diff(E, c, 2).subs(c, 0)
        check_number(label, sp.N(sp.sympify(curvature_c)), float(one), points=points,
                     mistakes={
                         "that is one pattern's share; the error sums all four XOR patterns":
                             float(one) / 4,
                         "a factor 2 too many: E carries a half": 2 * float(one),
                     })
    except Exception as exc:  # noqa: BLE001 - a check never raises
        _report(Feedback(label, "error", f"the check failed ({exc}).", 0.0, points))


def check_perceptron_epoch(perceptron_epoch: Any, *, points: float = 1.0) -> None:
    """``ex-perceptron-2``: one epoch of the perceptron rule; repeated until no mistakes on
    NAND, it must end at the weights of :func:`backprop.perceptron.train_perceptron`."""
    from .perceptron import gate_data, train_perceptron

    def body() -> None:
        X, T = gate_data("NAND")
        w, b, wrong = np.zeros(2), 0.0, 1
        for _ in range(200):
            result = perceptron_epoch(w, b, X, T[:, 0], 1.0)
            assert isinstance(result, tuple) and len(result) == 3, \
                "return a tuple (w, b, mistakes)."
            w, b, wrong = result
            if not wrong:
                break
        assert not wrong, ("after 200 epochs it still counts mistakes, but the perceptron "
                           "learns NAND in a few: is the bias moved by eta * err too (NAND "
                           "needs b > 0), and are only patterns with err != 0 counted?")
        want = train_perceptron(X, T).weights[-1]
        assert np.allclose(np.append(w, b), want), (
            f"it stops at w, b = {np.append(w, b)}, but the perceptron rule ends at {want}: "
            "update after every pattern, with err = t - step(net) (step(0) = 0), and move "
            "the bias by eta * err too.")

    _run_check("ex-perceptron-2", body, answered=perceptron_epoch is not None,
               points=points)


def check_gradient_descent(gradient_descent: Any, X: np.ndarray, t: np.ndarray, *,
                           points: float = 1.0) -> None:
    """``ex-gradient-descent-2``: batch gradient descent on the linear least-squares error
    :math:`E = \\tfrac12\\lVert t - Xw\\rVert^2`: one step must be ``-eta`` times the
    (finite-difference) gradient, and 500 steps with ``eta = 1/lambda_max`` must reach the
    least-squares solution."""
    X, t = np.asarray(X, dtype=float), np.asarray(t, dtype=float)

    def body() -> None:
        def error(w: np.ndarray) -> float:
            return 0.5 * float(np.sum((t - X @ w) ** 2))

        w0 = student_rng("ex-gradient-descent-2").normal(size=X.shape[1])
        grad = numerical_gradient(error, w0)
        one = np.asarray(gradient_descent(X, t, w0.copy(), 1.0, 1), dtype=float) - w0
        assert not np.allclose(one, grad, atol=1e-5), (
            "close: the step goes uphill; move against the gradient, w - eta dE/dw.")
        assert not np.allclose(one, -grad / len(t), atol=1e-5), (
            "close: that is the mean over the samples; E here is the sum, no 1/P.")
        assert np.allclose(one, -grad, atol=1e-5), (
            "one step with eta = 1 should change w by -dE/dw = X^T (t - X w); it does not.")
        lam_max = np.linalg.eigvalsh(X.T @ X)[-1]
        end = np.asarray(gradient_descent(X, t, w0.copy(), 1 / lam_max, 500), dtype=float)
        best = np.linalg.lstsq(X, t, rcond=None)[0]
        assert np.allclose(end, best), (
            "one step is right but 500 steps do not reach the least-squares weights: take "
            "`steps` steps, each from the weights of the step before.")

    _run_check("ex-gradient-descent-2", body, answered=gradient_descent is not None,
               points=points)


def check_online_delta_rule(online_epoch: Any, X: np.ndarray, T: np.ndarray, *,
                            points: float = 1.0) -> None:
    """``ex-delta-rule-2``: one online epoch of the delta rule for one sigmoid layer from
    zero weights, compared with :func:`backprop.perceptron.train_delta_rule`."""
    from .perceptron import train_delta_rule

    def body() -> None:
        out = online_epoch(np.zeros((T.shape[1], X.shape[1])), np.zeros(T.shape[1]), X, T,
                           0.2)
        assert isinstance(out, tuple) and len(out) == 2, "return a tuple (W, b)."
        W, b = out
        ref = train_delta_rule(X, T, eta=0.2, epochs=1, mode="online")
        batch = train_delta_rule(X, T, eta=0.2, epochs=1, mode="batch")
        if _same_array(W, ref.W[-1]) and _same_array(b, ref.b[-1]):
            return
        assert not (_same_array(W, batch.W[-1]) and _same_array(b, batch.b[-1])), (
            "close: that is one batch update; online learning updates after every pattern.")
        assert _same_array(W, ref.W[-1]), (
            "the weights differ from the online delta rule W += eta delta x^T, with "
            "delta = (t - a) a (1 - a) computed from the current weights.")
        raise AssertionError("the weights are right but the bias is not: b += eta delta.")

    _run_check("ex-delta-rule-2", body, answered=online_epoch is not None, points=points)


def check_online_network_epoch(online_epoch: Any, start: Network, X: np.ndarray,
                               T: np.ndarray, *, points: float = 1.0) -> None:
    """``ex-biases-batches-2``: one online epoch of a :class:`Network` (updating it in
    place), compared with ``Network.train_epoch(mode="online")``."""

    def body() -> None:
        mine, ref, batch = start.copy(), start.copy(), start.copy()
        online_epoch(mine, X, T, 0.3)
        ref.train_epoch(X, T, 0.3, mode="online")
        batch.train_epoch(X, T, 0.3, mode="batch")
        got = mine.parameters()
        if np.allclose(got, ref.parameters()):
            return
        assert not np.allclose(got, start.parameters()), (
            "the network did not change: apply the update to `net` itself.")
        assert not np.allclose(got, batch.parameters()), (
            "close: that is one batch step; online updates after every sample.")
        raise AssertionError("the parameters differ from train_epoch(mode='online'): take "
                             "the gradient of one sample at a time, in order, and apply "
                             "it before the next.")

    _run_check("ex-biases-batches-2", body, answered=online_epoch is not None,
               points=points)


def check_backward_deltas(backward_deltas: Any, *, points: float = 1.0) -> None:
    """``ex-any-depth-2``: the deltas of every layer of a sigmoid network of any depth,
    compared with ``Network.gradients`` on a network of the student's variant."""

    def body() -> None:
        rng = student_rng("ex-any-depth-2")
        net = Network((3, 5, 4, 3, 2), "sigmoid", rng=rng)
        X, T = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
        want = net.gradients(X, T).deltas
        got = backward_deltas(net.weights, net.forward(X).activations, T)
        got = list(got)
        assert len(got) == len(want), (
            f"there are {len(want)} layers of weights, so {len(want)} deltas; you gave "
            f"{len(got)}.")
        if all(_same_array(g, w) for g, w in zip(got, want)):
            return
        assert not all(_same_array(g, w) for g, w in zip(got[::-1], want)), (
            "close: the list is in reverse order; deltas[0] belongs to the first layer.")
        assert not all(_same_array(g, -w) for g, w in zip(got, want)), (
            "close: the sign is flipped; the book's delta is -dE/dnet.")
        bad = next(i for i, (g, w) in enumerate(zip(got, want)) if not _same_array(g, w))
        raise AssertionError(
            f"deltas[{bad}] differs from Network.gradients (shape {want[bad].shape}); "
            "delta^(l) = a^(l)(1 - a^(l)) * (delta^(l+1) @ W^(l+1)).")

    _run_check("ex-any-depth-2", body, answered=backward_deltas is not None, points=points)


def check_mazur_step(mazur_step: Any, *, points: float = 1.0) -> None:
    """``ex-worked-example-2``: one step of the worked example, compared with
    ``Network.train_epoch(..., update_biases=False)``."""
    from .worked_example import MAZUR, mazur_network

    def body() -> None:
        net = mazur_network()
        X, T = MAZUR.data()
        eta = float(MAZUR.eta)
        W1, W2 = net.weights[0].copy(), net.weights[1].copy()
        b1, b2 = float(net.biases[0][0]), float(net.biases[1][0])
        out = mazur_step(W1.copy(), W2.copy(), b1, b2, X[0], T[0], eta)
        assert isinstance(out, tuple) and len(out) == 2, "return a tuple (W1_new, W2_new)."
        stepped = mazur_network()
        stepped.train_epoch(X, T, eta, update_biases=False)
        if _same_array(out[0], stepped.weights[0], 1e-12) and \
                _same_array(out[1], stepped.weights[1], 1e-12):
            return
        assert _same_array(out[1], stepped.weights[1], 1e-12), (
            "W2_new is wrong: w += eta delta_o out_h, with delta_o = (t - o) o (1 - o).")
        before = net.forward(X[:1])  # the example's forward pass, weights before the step
        h, o = before.activations[1][0], before.activations[2][0]
        d_out = (T[0] - o) * o * (1 - o)
        late = h * (1 - h) * (stepped.weights[1].T @ d_out)
        assert not _same_array(out[0], W1 + eta * np.outer(late, X[0]), 1e-12), (
            "close: the hidden deltas used the already updated W2; use the weights from "
            "before the step.")
        raise AssertionError("W1_new is wrong: delta_h = out_h (1 - out_h) W2^T delta_o, "
                             "then w += eta delta_h i.")

    _run_check("ex-worked-example-2", body, answered=mazur_step is not None, points=points)


def check_nielsen_deltas(nielsen_deltas: Any, *, points: float = 1.0) -> None:
    """``ex-notation-2``: Nielsen's backward pass for one sample (columns, ``z``, ``C``):
    his :math:`\\delta = \\partial C/\\partial z` is minus the book's, compared with
    ``Network.gradients``."""

    def body() -> None:
        rng = student_rng("ex-notation-2")
        net = Network((3, 4, 3, 2), "sigmoid", rng=rng)
        x, y = rng.normal(size=(1, 3)), rng.uniform(size=(1, 2))
        fwd = net.forward(x)
        want = [-d[0] for d in net.gradients(x, y).deltas]
        got = list(nielsen_deltas(net.weights, [z[0] for z in fwd.nets], fwd.output[0],
                                  y[0]))
        assert len(got) == len(want), f"expected {len(want)} deltas, got {len(got)}."
        if all(_same_array(g, w) for g, w in zip(got, want)):
            return
        assert not all(_same_array(g, -w) for g, w in zip(got, want)), (
            "close: that is the book's delta; Nielsen's is dC/dz = (a - y) sigma'(z), the "
            "opposite sign.")
        assert not all(_same_array(g, w) for g, w in zip(got[::-1], want)), (
            "close: the list is in reverse order; the first delta belongs to the first "
            "layer.")
        bad = next(i for i, (g, w) in enumerate(zip(got, want)) if not _same_array(g, w))
        raise AssertionError(f"delta {bad} differs: delta^l = (W^(l+1))^T delta^(l+1) * "
                             "sigma'(z^l), the transpose because Nielsen's vectors are "
                             "columns.")

    _run_check("ex-notation-2", body, answered=nielsen_deltas is not None, points=points)


def check_momentum_epochs(momentum_epochs: Any, X: np.ndarray, T: np.ndarray, *,
                          points: float = 1.0) -> None:
    """``ex-training-xor-2``: batch gradient descent with momentum on XOR; the error history
    must match :func:`backprop.training.train_epochs` with the same configuration."""
    from .training import TrainingConfig, make_state, train_epochs

    def body() -> None:
        ref = make_state(TrainingConfig(eta=1.0, momentum=0.8, seed=5), X, T)
        plain = make_state(TrainingConfig(eta=1.0, momentum=0.0, seed=5), X, T)
        got = momentum_epochs(ref.net.copy(), X, T, 1.0, 0.8, 100)
        want = train_epochs(ref, 100).error_history
        if _same_array(got, want):
            return
        assert np.shape(got) == want.shape, (
            f"return the {want.shape[0]} errors, each measured before that epoch's update.")
        assert not _same_array(got, train_epochs(plain, 100).error_history), (
            "close: that is plain gradient descent; keep a velocity v = alpha v - eta dE/dw "
            "from one epoch to the next and add it to the weights.")
        raise AssertionError("the errors differ from training with momentum: record the "
                             "error before each update, and update biases as well as "
                             "weights.")

    _run_check("ex-training-xor-2", body, answered=momentum_epochs is not None,
               points=points)


def check_symmetric_twin(twin: Any, *, points: float = 1.0) -> None:
    """``ex-training-xor-3``: a network whose two hidden units start identical (weights in,
    bias and weight out) stays symmetric and cannot solve XOR; trained here on a copy."""
    import copy

    from .training import train_epochs

    def body() -> None:
        state = copy.deepcopy(twin)
        W1, b1, W2 = state.net.weights[0], state.net.biases[0], state.net.weights[1]
        assert np.allclose(W1[0], W1[1]) and np.isclose(b1[0], b1[1]), (
            "the two hidden units must get the same incoming weights and the same bias.")
        assert np.isclose(W2[0, 0], W2[0, 1]), (
            "the outgoing weights differ, so the units get different deltas; copy w_k1 "
            "into w_k2 too.")
        train_epochs(state, 3000)
        assert np.allclose(state.net.weights[0][0], state.net.weights[0][1]), (
            "the units drifted apart during training; make every parameter of the two "
            "units equal.")
        assert state.status != "solved", "the network solved XOR, so it was not symmetric."

    _run_check("ex-training-xor-3", body, answered=twin is not None, points=points)


def check_line_errors(line_errors: Any, net: Network, run: Any, X: np.ndarray,
                      T: np.ndarray, *, points: float = 1.0) -> None:
    """``ex-error-landscapes-2``: the error along the straight line from the first to the
    last parameters of ``run``; compared with :func:`backprop.training.stacked_errors`."""
    from .training import stacked_errors

    def body() -> None:
        flat = run.flat()
        got = np.asarray(line_errors(net, X, T, flat[0], flat[-1], 11), dtype=float)
        assert got.shape == (11,), f"with n = 11 return 11 errors, not shape {got.shape}."
        s = np.linspace(0.0, 1.0, 11)[:, None]
        want = stacked_errors(net, (1 - s) * flat[0] + s * flat[-1], X, T)
        if np.allclose(got, want):
            return
        assert not np.allclose(got, want[::-1]), (
            "close: the line runs backwards; s = 0 is theta_a, s = 1 is theta_b.")
        raise AssertionError("the errors differ from those of (1 - s) theta_a + s theta_b "
                             "for s evenly spaced in [0, 1], both ends included.")

    _run_check("ex-error-landscapes-2", body, answered=line_errors is not None,
               points=points)


def check_xor_of_blobs(xor_of_blobs: Any, *, points: float = 1.0) -> None:
    """``ex-beyond-xor-2``: a noisy XOR data set of four blobs at the corners
    :math:`(\\pm1, \\pm1)`; without noise every label is 1 exactly where the two coordinates
    differ in sign."""

    def body() -> None:
        rng = student_rng("ex-beyond-xor-2")
        out = xor_of_blobs(200, rng, 0.0)
        assert isinstance(out, tuple) and len(out) == 2, "return a tuple (X, T)."
        X, T = (np.asarray(a, dtype=float) for a in out)
        assert X.shape == (200, 2), f"X must have shape (200, 2), not {X.shape}."
        assert T.shape == (200, 1), (
            f"T must have shape (200, 1), one row per sample and one column, not {T.shape}.")
        assert np.allclose(np.abs(X), 1.0), (
            "with noise 0 every point must sit exactly on a corner (+-1, +-1).")
        want = (X[:, 0] * X[:, 1] < 0).astype(float)[:, None]
        assert not np.array_equal(T, 1 - want), (
            "close: the labels are swapped; XOR is 1 where the signs differ.")
        assert np.array_equal(T, want), "label 1 where the two coordinates differ in sign."
        assert len({tuple(x) for x in X}) == 4, "use all four corners."
        noisy = np.asarray(xor_of_blobs(200, rng, 0.3)[0], dtype=float)
        assert 0.15 < np.std(noisy - np.sign(noisy)) < 0.45, (
            "the noise should be Gaussian with standard deviation `noise`.")

    _run_check("ex-beyond-xor-2", body, answered=xor_of_blobs is not None, points=points)
