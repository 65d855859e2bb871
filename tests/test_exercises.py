"""The exercise checks: right answers, equivalent forms, each named mistake, and student code
that raises, loops, exits or returns nothing. A check must never raise."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest
import sympy as sp

from backprop import exercises as ex
from backprop.symbolic import a_j, a_k, t_k, w_kj

# Symbols as a student would make them: no assumptions, plain names.
T, A, AJ = sp.symbols("t_k a_k a_j")


@pytest.fixture(autouse=True)
def _fresh():
    ex.clear_results()
    ex.set_student("")
    yield
    ex.set_student("")


def fb(label: str) -> ex.Feedback:
    return ex.results()[label]


# --------------------------------------------------------------------------- ex-output-layer-1
@pytest.mark.parametrize("answer", [
    -(T - A) * (1 - A**2) * AJ,                         # the book's form, plain symbols
    (A - T) * (1 - A) * (1 + A) * AJ,                   # factored differently
    -(t_k - a_k) * (1 - a_k**2) * a_j,                  # the package's real symbols
    sp.expand(-(T - A) * (1 - A**2) * AJ),              # expanded
])
def test_output_gradient_accepts_equal_forms(answer, capsys):
    ex.check_output_weight_gradient(answer)
    assert fb("ex-output-layer-1").status == "correct"
    assert "Correct" in capsys.readouterr().out


def test_output_gradient_accepts_the_tanh_of_net_forms():
    R = sp.Symbol("R", real=True)
    tanh_net = sp.tanh(w_kj * a_j + R)
    ex.check_output_weight_gradient(sp.diff(sp.Rational(1, 2) * (t_k - tanh_net) ** 2, w_kj))
    assert fb("ex-output-layer-1").passed
    net = sp.Symbol("net_k")
    ex.check_output_weight_gradient(-(T - sp.tanh(net)) * sp.sech(net) ** 2 * AJ)
    assert fb("ex-output-layer-1").passed


@pytest.mark.parametrize("answer, words", [
    ((T - A) * (1 - A**2) * AJ, "sign"),
    (-2 * (T - A) * (1 - A**2) * AJ, "factor 2"),
    (-(T - A) * AJ, "1 - a_k^2 is missing"),
    (-(T - A) * A * (1 - A) * AJ, "sigmoid's derivative"),
    (-(T - A) * (1 - A**2), "a_j is missing"),
])
def test_output_gradient_names_the_mistake(answer, words):
    ex.check_output_weight_gradient(answer)
    result = fb("ex-output-layer-1")
    assert result.status == "incorrect" and result.points == 0
    assert words in result.message


@pytest.mark.parametrize("answer, words", [
    (None, "replace None"),
    ([1, 2], "expected a SymPy expression"),
    (sp.Eq(T, A), "right-hand side"),
    (-(T - A) * (1 - A**2) * AJ * sp.Symbol("x"), "contains x"),
    (T * A, "not equal"),
])
def test_output_gradient_bad_answers_get_feedback_not_errors(answer, words):
    ex.check_output_weight_gradient(answer)
    result = fb("ex-output-layer-1")
    assert not result.passed and words in result.message


def test_assumptions_do_not_fool_the_comparison():
    # Symbols are compared by name: positive, real or plain symbols are the same symbol.
    t_pos, a_pos, aj_pos = sp.symbols("t_k a_k a_j", positive=True)
    ex.check_output_weight_gradient(-(t_pos - a_pos) * (1 - a_pos**2) * aj_pos)
    assert fb("ex-output-layer-1").passed
    # ... and no assumption makes |x| equal to x.
    x = sp.Symbol("x", real=True)
    assert not ex.check_expression("ex-demo-9", sp.Abs(x), sp.Symbol("x"), show=False).passed
    assert ex.check_expression("ex-demo-9", x, sp.Symbol("x"), show=False).passed


# --------------------------------------------------------------------------- ex-hidden-layer-1
def test_hidden_delta_symbolic():
    d1, d2, w1, w2, aj = sp.symbols("delta_1 delta_2 w_1j w_2j a_j")
    ex.check_hidden_delta((1 - aj**2) * (d1 * w1 + d2 * w2))
    assert fb("ex-hidden-layer-1").passed
    ex.check_hidden_delta(d1 * w1 + d2 * w2)
    assert "1 - a_j^2 is missing" in fb("ex-hidden-layer-1").message
    ex.check_hidden_delta((1 - aj**2) * d1 * w1)
    assert "sum over k" in fb("ex-hidden-layer-1").message
    ex.check_hidden_delta(-(1 - aj**2) * (d1 * w1 + d2 * w2))
    assert "sign" in fb("ex-hidden-layer-1").message


def test_hidden_delta_as_a_function_of_net_j():
    from backprop.symbolic import sigmoid

    nj = sp.Symbol(r"\mathrm{net}_j", real=True)
    w1j, w2j, t1, t2, R1, R2 = sp.symbols("w_{1j} w_{2j} t_1 t_2 R_1 R_2", real=True)
    ak = [sigmoid(w1j * sp.tanh(nj) + R1), sigmoid(w2j * sp.tanh(nj) + R2)]
    E_tanh = sp.Rational(1, 2) * ((t1 - ak[0]) ** 2 + (t2 - ak[1]) ** 2)
    ex.check_hidden_delta(-sp.diff(E_tanh, nj))
    assert fb("ex-hidden-layer-1").passed
    ex.check_hidden_delta(sp.diff(E_tanh, nj))
    assert "sign" in fb("ex-hidden-layer-1").message
    ex.check_hidden_delta(-sp.diff(sp.Rational(1, 2) * (t1 - ak[0]) ** 2, nj))
    assert "sum over k" in fb("ex-hidden-layer-1").message


# --------------------------------------------------------------------------- ex-output-layer-2
def right_output(T, A):
    return (T - A) * A * (1 - A)


@pytest.mark.parametrize("func, words", [
    (lambda T, A: -(T - A) * A * (1 - A), "sign"),
    (lambda T, A: T - A, "a_k(1 - a_k) is missing"),
    (lambda T, A: 2 * (T - A) * A * (1 - A), "factor 2"),
    (lambda T, A: (T - A) * A * (1 - A) / 2, "1/2"),
    (lambda T, A: (T - A) * (1 - A**2), "tanh"),
    (lambda T, A: ((T - A) * A * (1 - A)).T, "transpose"),
    (lambda T, A: ((T - A) * A * (1 - A))[:, :1].repeat(5, axis=1), "shape"),
    (lambda T, A: None, "returned None"),
    (lambda T, A: "delta", "not an array"),
    (lambda T, A: T * 0, "values are wrong"),
])
def test_output_deltas_names_the_mistake(func, words):
    ex.check_output_deltas(func)
    result = fb("ex-output-layer-2")
    assert not result.passed and words in result.message, result.message


def test_output_deltas_right_answer():
    ex.check_output_deltas(right_output)
    assert fb("ex-output-layer-2").passed
    assert "finite differences" in fb("ex-output-layer-2").message


def test_student_code_that_raises_is_reported_with_its_line():
    def answer(T, A):
        scale = 1.0
        return (T - A) * scale / undefined_name  # noqa: F821 - the mistake under test

    ex.check_output_deltas(answer)
    result = fb("ex-output-layer-2")
    assert result.status == "error"
    assert "NameError" in result.message
    assert f"line {answer.__code__.co_firstlineno + 2}" in result.message


def test_not_implemented_is_not_yet():
    def answer(T, A):
        raise NotImplementedError("ex-output-layer-2: not answered yet")

    ex.check_output_deltas(answer)
    assert fb("ex-output-layer-2").status == "not yet"


def test_infinite_loop_is_stopped(monkeypatch):
    monkeypatch.setattr(ex, "TIME_LIMIT", 0.5)

    def answer(T, A):
        while True:
            pass

    # run_limited takes its default at definition time; pass the limit explicitly.
    out = ex.run_limited(answer, (1, 2), seconds=0.5)
    assert out.kind == "timeout" and "still running" in out.message


def test_infinite_loop_is_stopped_off_the_main_thread():
    def loop():
        while True:
            pass

    box = {}
    worker = threading.Thread(target=lambda: box.update(out=ex.run_limited(loop, (), 0.3)))
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and box["out"].kind == "timeout"


def test_sys_exit_is_reported_not_fatal():
    def answer(T, A):
        sys.exit(3)

    ex.check_output_deltas(answer)
    result = fb("ex-output-layer-2")
    assert result.status == "error" and "sys.exit(3)" in result.message


def test_the_student_arrays_are_copies():
    def answer(T, A):
        A[...] = 0.5  # mutating the input must not change the reference
        return (T - A) * A * (1 - A)

    ex.check_output_deltas(answer)
    assert not fb("ex-output-layer-2").passed


# --------------------------------------------------------------------------- ex-hidden-layer-2
def right_hidden(d, W2, H):
    return H * (1 - H) * (d @ W2)


def test_hidden_deltas_right_answer():
    ex.check_hidden_deltas(right_hidden)
    assert fb("ex-hidden-layer-2").passed


@pytest.mark.parametrize("func, words", [
    (lambda d, W2, H: H * (1 - H) * (d @ W2.T), "transposed"),
    (lambda d, W2, H: (H * (1 - H) * (d @ W2)).T, "transpose"),
    (lambda d, W2, H: d @ W2, "a_j(1 - a_j) is missing"),
    (lambda d, W2, H: -H * (1 - H) * (d @ W2), "sign"),
    (lambda d, W2, H: (1 - H**2) * (d @ W2), "tanh"),
    (lambda d, W2, H: 2 * H * (1 - H) * (d @ W2), "factor 2"),
])
def test_hidden_deltas_names_the_mistake(func, words):
    ex.check_hidden_deltas(func)
    result = fb("ex-hidden-layer-2")
    assert not result.passed and words in result.message, result.message


def test_test_networks_are_never_square():
    for sid in map(str, range(40)):
        n_i, n_j, n_k = ex.variant_sizes(ex.student_rng("ex-hidden-layer-2", sid))
        assert len({n_i, n_j, n_k}) == 3


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


# --------------------------------------------------------------------------- generic blocks
def test_check_function_generic_and_passed():
    def cases():
        rng = np.random.default_rng(0)
        for _ in range(2):
            x = rng.normal(size=(3, 2))
            yield (x,), {"the sign is flipped": -2 * x}

    ex.check_function("ex-demo-1", lambda x: 2 * x, lambda x: 2 * x, cases(), show=False)
    assert ex.passed("ex-demo-1")
    ex.check_function("ex-demo-1", lambda x: -2 * x, lambda x: 2 * x, cases(), show=False)
    assert not ex.passed("ex-demo-1") and "sign" in fb("ex-demo-1").message
    ex.check_function("ex-demo-1", 42, lambda x: 2 * x, cases(), show=False)
    assert "expected a function" in fb("ex-demo-1").message


def test_a_failing_reference_is_reported_not_raised():
    def broken_reference(x):
        raise RuntimeError("broken")

    result = ex.check_function("ex-demo-2", lambda x: x, broken_reference,
                               [((np.ones(2),), {})], show=False)
    assert result.status == "error" and "broken" in result.message


def test_check_number():
    ex.check_number("ex-demo-3", 0.25, 0.25, show=False)
    assert ex.passed("ex-demo-3")
    ex.check_number("ex-demo-3", -0.25, 0.25, mistakes={"the sign is flipped": -0.25},
                    show=False)
    assert "sign" in fb("ex-demo-3").message
    ex.check_number("ex-demo-3", None, 0.25, show=False)
    assert fb("ex-demo-3").status == "not yet"
    ex.check_number("ex-demo-3", "a lot", 0.25, show=False)
    assert "expected a number" in fb("ex-demo-3").message


def test_checking_turns_asserts_into_feedback():
    with ex.checking("ex-demo-4"):
        assert 1 + 1 == 2
    assert ex.passed("ex-demo-4")
    with ex.checking("ex-demo-4"):
        assert 1 + 1 == 3, "arithmetic"
    assert fb("ex-demo-4").status == "incorrect" and "arithmetic" in fb("ex-demo-4").message
    with ex.checking("ex-demo-4"):
        raise NotImplementedError
    assert fb("ex-demo-4").status == "not yet"
    with ex.checking("ex-demo-4", unanswered=True):
        assert None + 1  # the stubbed None of an unanswered exercise
    assert fb("ex-demo-4").status == "not yet"
    with ex.checking("ex-demo-4", seconds=0.3):
        while True:
            pass
    assert "still running" in fb("ex-demo-4").message
    with ex.checking("ex-demo-4"):
        sys.exit(2)
    assert "sys.exit" in fb("ex-demo-4").message
