"""Trusted comparisons: tolerances from the student's precision, SymPy answers up to algebra,
numbers, and feedback for answers of the wrong kind."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop.exercises import judging
from backprop.exercises.framework import Call, Ran
from backprop.exercises.wire import Opaque

X = sp.Symbol("x")


def test_float32_results_are_judged_at_float32_precision():
    rng = np.random.default_rng(0)
    want = rng.uniform(-1, 1, (5, 3)) * 0.03
    assert judging.close(want.astype(np.float32), want)
    # float32 work returned as float64 (a float32 input times a float64 matrix)
    assert judging.close((want.astype(np.float32) * np.float64(1.0)).astype(np.float64), want)
    assert judging.close(want * (1 + 3e-6), want)
    assert not judging.close(want * (1 + 1e-2), want)
    assert judging.tolerance(np.float16(1)) > judging.tolerance(np.float32(1)) > \
        judging.tolerance(np.float64(1)) >= 4e-6


def test_a_wrong_value_message_shows_enough_digits_to_differ():
    want = np.array([[0.0206733, 0.5]])
    got = want.copy()
    got[0, 0] *= 1 + 1e-3
    verdict = judging.compare_calls(Ran([got], [[]]), [Call((), want=want)])
    assert verdict.status == "incorrect"
    shown = verdict.message.split("you give ")[1].split(" where ")
    assert shown[0] != shown[1].split(" is expected")[0]


def test_compare_calls_names_shapes_and_mistakes():
    want = np.ones((4, 2))
    calls = [Call((), want=want, mistakes={"the sign is flipped": -want})]
    verdict = judging.compare_calls(Ran([-want], [[]]), calls)
    assert verdict == ("incorrect", "close: the sign is flipped.")
    assert "transpose" in judging.compare_calls(Ran([want.T], [[]]), calls).message
    assert "returned None" in judging.compare_calls(Ran([None], [[]]), calls).message
    assert "NaN" in judging.compare_calls(Ran([want * np.nan], [[]]), calls).message
    assert "not an array" in judging.compare_calls(Ran([Opaque("str")], [[]]),
                                                   calls).message


@pytest.mark.parametrize("answer, words", [
    (None, "replace None"),
    ([1, 2], "expected a SymPy expression"),
    (Opaque("dict"), "got a dict"),
    (sp.Eq(X, 1, evaluate=False), "right-hand side"),
    (X * sp.Symbol("y"), "contains y"),
    (X + 1, "not equal"),
])
def test_expressions_of_the_wrong_kind_get_feedback(answer, words):
    verdict = judging.judge_expression(answer, 2 * X)
    assert verdict.status != "correct" and words in verdict.message


def test_expressions_are_compared_by_name_and_up_to_algebra():
    assert judging.judge_expression(sp.Symbol("x", positive=True) * 2, 2 * X).status == \
        "correct"
    assert judging.judge_expression(sp.Abs(X), X).status == "incorrect"
    t = sp.Symbol("t")
    assert judging.same(sp.sech(t) ** 2, 1 - sp.tanh(t) ** 2)


def test_numbers():
    assert judging.judge_number(0.25, 0.25).status == "correct"
    assert judging.judge_number(np.float32(0.1), 0.1, rtol=1e-9).status == "correct"
    assert judging.judge_number(-0.25, 0.25, mistakes={"the sign is flipped": -0.25}) == \
        ("incorrect", "close: the sign is flipped.")
    assert judging.judge_number(None, 0.25).status == "not yet"
    assert "expected a number" in judging.judge_number("a lot", 0.25).message
    assert "contains x" in judging.judge_number(X, 0.25).message
    assert judging.judge_number(sp.Rational(1, 4), 0.25).status == "correct"
