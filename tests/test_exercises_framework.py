"""The feedback framework: the registry, the shape of a check (plan, probe, judge), variants,
time limits, and a check that never raises whatever the student's code does."""

from __future__ import annotations

import inspect
import sys
import threading

import numpy as np
import pytest

from backprop import exercises as ex
from backprop.exercises import framework


@pytest.fixture(autouse=True)
def _fresh():
    ex.clear_results()
    ex.set_student("")
    yield
    ex.set_student("")


def fb(label: str) -> ex.Feedback:
    return ex.results()[label]


def test_every_registered_check_is_exported_under_its_name():
    assert len(ex.CHECKERS) >= 25
    for name, spec in ex.CHECKERS.items():
        public = getattr(ex, name)
        assert public.checker is spec and name in ex.__all__
        assert spec.label.startswith("ex-") and spec.answers
        params = list(inspect.signature(public).parameters)
        assert params == [*spec.answers, "points", "show"]


def test_labels_are_unique():
    labels = [spec.label for spec in ex.CHECKERS.values()]
    assert len(labels) == len(set(labels))


def test_a_second_check_with_the_same_name_is_refused():
    with pytest.raises(ValueError, match="two checks"):
        ex.checker("ex-demo-1")(lambda plan, x: ex.correct())  # named <lambda> ...
        ex.checker("ex-demo-2")(lambda plan, x: ex.correct())  # ... twice
    ex.CHECKERS.pop("<lambda>")


def test_wrong_arguments_are_feedback_not_errors():
    result = ex.check_output_deltas(lambda T, A: T, "extra", show=False)
    assert result.status == "error" and "takes the answers (output_deltas)" in result.message


def test_the_check_returns_and_records_feedback(capsys):
    result = ex.check_output_deltas(lambda T, A: (T - A) * A * (1 - A), points=3)
    assert result is fb("ex-output-layer-2") and result.points == 3 == result.max_points
    assert ex.passed("ex-output-layer-2")
    assert "[ex-output-layer-2] Correct" in capsys.readouterr().out
    ex.check_output_deltas(lambda T, A: T, show=False)
    assert not ex.passed("ex-output-layer-2") and capsys.readouterr().out == ""


def test_a_failing_judge_is_reported_not_raised():
    def broken(plan, x):
        raise RuntimeError("broken")

    check = ex.checker("ex-demo-broken")(broken)
    try:
        result = check(1.0, show=False)
    finally:
        ex.CHECKERS.pop("broken")
    assert result.status == "error" and "broken" in result.message


# --------------------------------------------------------------------------- student code
def test_student_code_that_raises_is_reported_with_its_line():
    def answer(T, A):
        scale = 1.0
        return (T - A) * scale / undefined_name  # noqa: F821 - the mistake under test

    result = ex.check_output_deltas(answer, show=False)
    assert result.status == "error" and "NameError" in result.message
    assert f"line {answer.__code__.co_firstlineno + 2}" in result.message


def test_not_implemented_is_not_yet():
    def answer(T, A):
        raise NotImplementedError("ex-output-layer-2: not answered yet")

    assert ex.check_output_deltas(answer, show=False).status == "not yet"
    assert ex.check_output_deltas(None, show=False).status == "not yet"
    assert "expected a function" in ex.check_output_deltas(42, show=False).message


def test_infinite_loop_is_stopped():
    def loop(T, A):
        while True:
            pass

    out = ex.run_limited(loop, (1, 2), seconds=0.3)
    assert out.kind == "timeout" and "still running after 0.3 s" in out.message


def test_infinite_loop_is_stopped_off_the_main_thread():
    def loop():
        while True:
            pass

    box = {}
    worker = threading.Thread(target=lambda: box.update(out=ex.run_limited(loop, (), 0.3)))
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and box["out"].kind == "timeout"


def test_an_enclosing_time_limit_keeps_running():
    import signal

    signal.setitimer(signal.ITIMER_REAL, 50.0)
    try:
        ex.run_limited(lambda: 1, (), 1.0)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert 40 < left <= 50


def test_sys_exit_is_reported_not_fatal():
    def answer(T, A):
        sys.exit(3)

    result = ex.check_output_deltas(answer, show=False)
    assert result.status == "error" and "sys.exit(3)" in result.message


def test_the_student_gets_copies_of_the_planned_inputs():
    def answer(T, A):
        A[...] = 0.5  # mutating the input must not change the reference
        return (T - A) * A * (1 - A)

    assert not ex.check_output_deltas(answer, show=False).passed


def test_a_name_the_notebook_lacks_is_named():
    spec = ex.CHECKERS["check_output_deltas"]
    plan = spec.make_plan()
    verdict, _ = spec.verdict(plan, {"output_deltas": {"name": "output_deltas",
                                                       "missing": True}})
    assert verdict.status == "error" and "`output_deltas` is not defined" in verdict.message


# --------------------------------------------------------------------------- variants
def test_variants_are_deterministic_per_student():
    a = ex.student_rng("ex-output-layer-2", "s123").integers(0, 10**9, 4)
    b = ex.student_rng("ex-output-layer-2", "s123").integers(0, 10**9, 4)
    c = ex.student_rng("ex-output-layer-2", "s124").integers(0, 10**9, 4)
    d = ex.student_rng("ex-output-layer-1", "s123").integers(0, 10**9, 4)
    assert np.array_equal(a, b) and not np.array_equal(a, c) and not np.array_equal(a, d)


def test_set_student_and_environment(monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDENT_ID", "env-student")
    assert ex.current_student() == "env-student"
    ex.set_student("alice")
    assert ex.current_student() == "alice"


def test_plans_follow_the_student():
    spec = ex.CHECKERS["check_output_deltas"]
    one, two = spec.make_plan("s1"), spec.make_plan("s2")
    assert np.array_equal(one.calls["output_deltas"][0].args[0],
                          spec.make_plan("s1").calls["output_deltas"][0].args[0])
    assert not all(np.array_equal(a.args[1], b.args[1]) if a.args[1].shape == b.args[1].shape
                   else False for a, b in zip(one.calls["output_deltas"],
                                              two.calls["output_deltas"]))


def test_test_networks_are_never_square():
    for sid in map(str, range(40)):
        n_i, n_j, n_k = ex.variant_sizes(ex.student_rng("ex-hidden-layer-2", sid))
        assert len({n_i, n_j, n_k}) == 3


def test_the_wired_plan_holds_inputs_but_no_reference():
    spec = ex.CHECKERS["check_output_deltas"]
    plan = spec.make_plan()
    wired = spec.wire_plan(plan, {"output_deltas": "my_deltas"})
    assert wired["answers"]["output_deltas"]["name"] == "my_deltas"
    assert set(wired["answers"]["output_deltas"]["calls"][0]) == {"args", "watch"}
    sent = str(wired)
    ref = plan.calls["output_deltas"][0].want
    assert repr(float(ref.ravel()[0])) not in sent
    assert framework.TIME_LIMIT == wired["seconds"]
