"""The feedback framework every exercise check is built on.

A check has two halves that never mix (``CONTRIBUTING.md``, *Writing a checker*):

* the **trusted half** chooses the inputs (a :class:`Plan` drawn from the student's
  :func:`student_rng`), derives the references and judges; it runs in the student's kernel
  when a notebook calls the check, and in the grader's own process when a class is graded;
* the **untrusted half**, :func:`backprop.exercises.wire.probe`, only runs the student's
  function on the planned inputs (or reads the student's value) and returns plain numbers,
  arrays and expression trees. In the grader it runs inside the sandbox, and what it returns
  crosses to the judge as JSON.

In a notebook both halves run in one process, through the same JSON round trip, so a check
gives the same verdict in the book, in the student edition and in the grader. A check never
raises: a stub, an exception (with its line), a loop past the time limit or a ``sys.exit()``
all become a :class:`Feedback`. Used by every chapter's exercises and by the coursework tool
(``tools/coursework``); described for instructors in ``book/instructor-guide``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "CHECKERS",
    "Call",
    "Checker",
    "Feedback",
    "NOT_YET",
    "Plan",
    "Ran",
    "TIME_LIMIT",
    "Verdict",
    "checker",
    "clear_results",
    "correct",
    "current_student",
    "not_yet",
    "passed",
    "results",
    "run_check",
    "run_limited",
    "set_student",
    "stopped",
    "student_rng",
    "variant_sizes",
    "wrong",
]

#: Seconds one call of a student's function may run before it is stopped.
TIME_LIMIT = 5.0
NOT_YET = "not yet"
STATUSES = ("correct", NOT_YET, "incorrect", "error")


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
    """Whether the latest check of ``label`` succeeded (the book's own solution cells
    assert it)."""
    fb = _RESULTS.get(label)
    return fb is not None and fb.passed


def _record(fb: Feedback, show: bool) -> Feedback:
    _RESULTS[fb.label] = fb
    if show:
        print(fb.text())
    return fb


# --------------------------------------------------------------------------- variants
def set_student(student_id: str) -> None:
    """Choose the student whose variant the checks draw (the grader sets it from the
    submission's file or folder name)."""
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
    """What calling a student's function gave: ``kind`` is ``"ok"``, ``"timeout"``,
    ``"exit"``, ``"not implemented"`` or ``"exception"``; ``message`` explains."""

    kind: str
    value: Any = None
    message: str = ""
    exception: BaseException | None = None


_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the backprop package


def student_line(exc: BaseException) -> str:
    """Where in the student's code an exception happened: the innermost frame that is not
    in this package or in a library, as `` on line N of your cell `code` ``."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames
            if not os.path.abspath(f.filename).startswith(_HERE)
            and "site-packages" not in f.filename and "/lib/python" not in f.filename]
    if not mine:
        return ""
    f = mine[-1]
    code = f" `{f.line.strip()[:120]}`" if f.line else ""
    if f.filename.startswith("<code cell"):
        where = f.filename.strip("<>")          # the grader names cells as Jupyter shows them
    elif f.filename.startswith("<") or "ipykernel" in f.filename:
        where = "your cell"
    else:
        where = os.path.basename(f.filename)
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
        if outer > 0:  # an enclosing time limit keeps running
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
    ``SystemExit`` included, turning it into an :class:`Outcome`.

    The limit is a courtesy that names the loop; code that ignores it (a student who blocks
    ``SIGALRM``) is stopped by the grader's sandbox from outside.
    """
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
            f"it raised {type(exc).__name__}: {str(exc)[:300]}{student_line(exc)}"))
    return Outcome("ok", value=value)


# --------------------------------------------------------------------------- checker shape
class Verdict(NamedTuple):
    """A judge's decision: a status of :data:`STATUSES` and the message for the student."""

    status: str
    message: str


def correct(message: str = "every check of this exercise passes.") -> Verdict:
    return Verdict("correct", message)


def wrong(message: str) -> Verdict:
    return Verdict("incorrect", message)


def not_yet(message: str = "replace the stub with your answer and run the cell again."
            ) -> Verdict:
    return Verdict(NOT_YET, message)


def stopped(message: str) -> Verdict:
    return Verdict("error", message)


@dataclass
class Call:
    """One call of a student's function that the trusted side plans: ``args`` are sent to
    the student's code (plain data: arrays, numbers, lists, :class:`~backprop.Network`,
    :func:`wire.seed` generators); ``watch`` lists the arguments whose state *after* the
    call comes back too (for functions that update a network in place). ``want``,
    ``mistakes`` and ``context`` stay on the trusted side, for the judge."""

    args: tuple
    watch: tuple[int, ...] = ()
    want: Any = None
    mistakes: Mapping[str, Any] = field(default_factory=dict)
    context: Any = None


@dataclass
class Plan:
    """What the trusted side decided for one check: ``calls[answer]`` for every answer that
    is a function, and any ``context`` the judge needs. Answers without calls are values
    (expressions, numbers, lists, objects) that the untrusted side reads and encodes."""

    calls: dict[str, list[Call]] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class Ran:
    """A function answer after its planned calls: ``values[i]`` is what call ``i``
    returned, ``after[i]`` the watched arguments after it (decoded plain data), and
    ``dynamic_shortcuts`` the package functions it called directly."""

    values: list[Any]
    after: list[list[Any]]
    dynamic_shortcuts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Checker:
    """A registered check (see :func:`checker`): the grader finds it by ``name`` in the
    check line of an exercise and runs its two halves apart."""

    label: str
    name: str
    answers: tuple[str, ...]
    plan: Callable[[np.random.Generator], Plan]
    judge: Callable[..., Verdict]
    shortcuts: tuple[str, ...] = ()
    seconds: float = TIME_LIMIT
    hint: Callable[[Plan, int, str, str], str] | None = None

    def make_plan(self, student: str | None = None) -> Plan:
        return self.plan(student_rng(self.label, student))

    def wire_plan(self, plan: Plan, names: Mapping[str, str]) -> dict:
        """The part of ``plan`` the untrusted side sees: for each answer the student's
        variable name (``names``) and, for functions, the encoded calls."""
        from .wire import encode

        answers = {}
        for param in self.answers:
            calls = plan.calls.get(param)
            answers[param] = {
                "name": names.get(param, param),
                "calls": None if calls is None else [
                    {"args": [encode(a) for a in c.args], "watch": list(c.watch)}
                    for c in calls]}
        return {"label": self.label, "answers": answers, "seconds": self.seconds,
                "shortcuts": list(self.shortcuts)}

    def verdict(self, plan: Plan, probed: Mapping[str, Any]) -> tuple[Verdict, list[str]]:
        """Judge what the untrusted side returned (already decoded by
        :func:`wire.decode_probe`); returns the verdict and the shortcuts it used."""
        got: dict[str, Any] = {}
        used: list[str] = []
        for param in self.answers:
            item = probed.get(param)
            if not isinstance(item, dict) or item.get("missing"):
                name = item.get("name", param) if isinstance(item, dict) else param
                return stopped(f"`{name}` is not defined in your notebook: run the cell that "
                               "defines it, and keep its name."), used
            if param not in plan.calls:
                got[param] = item.get("value")
                continue
            early = _function_problem(self, plan, param, item)
            if early is not None:
                return early, used
            used += item.get("used", [])
            got[param] = Ran([r.get("value") for r in item["results"]],
                             [r.get("after", []) for r in item["results"]], item.get("used", []))
        try:
            return self.judge(plan, **got), used
        except Exception as exc:  # noqa: BLE001 - a check never raises
            return stopped(f"the check itself failed ({type(exc).__name__}: "
                           f"{str(exc)[:200]}); tell your instructor."), used


def _function_problem(spec: Checker, plan: Plan, param: str, item: dict) -> Verdict | None:
    """The feedback on a function answer that did not return on every planned call."""
    if item.get("value", "function") is None:
        return not_yet("define the function and run the cell again.")
    if "not_callable" in item:
        return wrong(f"expected a function but got a {item['not_callable']}.")
    for i, res in enumerate(item.get("results", [])):
        kind = res.get("kind")
        if kind == "ok":
            continue
        if kind == "not implemented":
            return not_yet("replace `raise NotImplementedError` by your code and run the "
                           "cell again.")
        hint = ""
        if spec.hint is not None and kind == "exception":
            hint = spec.hint(plan, i, str(res.get("exception", "")),
                             str(res.get("message", "")))
        message = str(res.get("message", "it stopped"))
        return stopped(f"your function did not return: {message}." + (f" {hint}" if hint
                                                                         else ""))
    if len(item.get("results", [])) != len(plan.calls[param]):
        return stopped("your function was not run on every test case.")
    return None


CHECKERS: dict[str, Checker] = {}


def checker(label: str, *, plan: Callable[[np.random.Generator], Plan] | None = None,
            shortcuts: Sequence[str] = (), seconds: float = TIME_LIMIT,
            hint: Callable[[Plan, int, str, str], str] | None = None
            ) -> Callable[[Callable[..., Verdict]], Callable[..., Feedback]]:
    """Register a check: decorate its **judge** ``def check_x(plan, answer, ...) ->
    Verdict``; the decorated name becomes the public check ``check_x(answer, ..., *,
    points=1.0, show=True) -> Feedback`` that chapters call.

    ``plan(rng)`` (trusted) returns the :class:`Plan`: the inputs of every function answer
    and what the judge needs. The judge receives each value answer decoded (a SymPy
    expression, a number, an array, a list, a :class:`wire.Record`) and each function
    answer as a :class:`Ran` that returned on every call (stubs, exceptions and time-outs
    are reported before the judge runs; ``hint(plan, call_index, exception_name, message)``
    may add to the report of an exception).
    ``shortcuts`` names the package functions (``"backprop.network:Network.backward"``) that
    would do the exercise's work for the student: a call to one is reported to the
    instructor.
    """

    def wrap(judge: Callable[..., Verdict]) -> Callable[..., Feedback]:
        params = list(inspect.signature(judge).parameters)[1:]
        spec = Checker(label, judge.__name__, tuple(params), plan or (lambda rng: Plan()),
                       judge, tuple(shortcuts), float(seconds), hint)
        if spec.name in CHECKERS:
            raise ValueError(f"two checks are called {spec.name}; rename one")
        CHECKERS[spec.name] = spec

        def check(*args: Any, points: float = 1.0, show: bool = True, **kwargs: Any
                  ) -> Feedback:
            answers = dict(zip(params, args))
            answers.update({k: v for k, v in kwargs.items() if k in params})
            unknown = sorted(set(kwargs) - set(params))
            if len(args) > len(params) or unknown or set(answers) != set(params):
                return _record(Feedback(label, "error", f"{spec.name} takes the answers "
                                        f"({', '.join(params)}); it was called with "
                                        f"{len(args)} positional argument(s)"
                                        + (f" and {', '.join(unknown)}" if unknown else "")
                                        + ".", 0.0, points), show)
            return run_check(spec, answers, points=points, show=show)

        check.__name__ = check.__qualname__ = spec.name
        check.__doc__ = judge.__doc__
        check.__module__ = judge.__module__
        check.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in params]
            + [inspect.Parameter("points", inspect.Parameter.KEYWORD_ONLY, default=1.0),
               inspect.Parameter("show", inspect.Parameter.KEYWORD_ONLY, default=True)],
            return_annotation=Feedback)
        check.checker = spec  # type: ignore[attr-defined]
        return check

    return wrap


def run_check(spec: Checker, answers: Mapping[str, Any], *, points: float = 1.0,
              show: bool = True) -> Feedback:
    """Both halves of ``spec`` in this process: plan, probe the answers, send the result
    through the same JSON round trip the grader uses, judge, record and print."""
    from .wire import decode_probe, probe

    try:
        plan = spec.make_plan()
        wired = json.loads(json.dumps(spec.wire_plan(plan, {})))
        sent = json.dumps(probe(lambda name: answers[name], wired))
        verdict, _ = spec.verdict(plan, decode_probe(json.loads(sent)))
    except Exception as exc:  # noqa: BLE001 - a check never raises
        verdict = stopped(f"the check itself failed ({type(exc).__name__}: "
                          f"{str(exc)[:200]}).")
    return _record(feedback(spec.label, verdict, points), show)


def feedback(label: str, verdict: Verdict, points: float) -> Feedback:
    """The :class:`Feedback` of a verdict worth ``points``."""
    got = float(points) if verdict.status == "correct" else 0.0
    return Feedback(label, verdict.status, verdict.message, got, float(points))
