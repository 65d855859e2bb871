"""The exercise checks: right answers, equivalent forms, each named mistake, and student code
that raises, loops, exits or returns nothing. A check must never raise."""

from __future__ import annotations

import sys
import threading
import time

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


def test_infinite_loop_is_stopped():
    def answer(T, A):
        while True:
            pass

    out = ex.run_limited(answer, (1, 2), seconds=0.5)
    assert out.kind == "timeout" and "still running" in out.message
    # A check built on it reports the loop (within its limit) instead of hanging the page.
    start = time.perf_counter()
    result = ex.check_function("ex-output-layer-2", answer, lambda T, A: T - A,
                               [((np.ones((2, 1)), np.zeros((2, 1))), {})], seconds=0.5,
                               show=False)
    assert time.perf_counter() - start < 5
    assert result.status == "error" and "still running" in result.message


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


# --------------------------------------------------------------------------- other chapters
# Symbols as a student would make them (plain names, no assumptions).
W1, W2, W3, B = sp.symbols("w_1 w_2 w_3 b")


def _sig(x):
    return 1 / (1 + sp.exp(-x))


def _tanh_unit(prefix_w, prefix_b, inputs):
    return sp.tanh(sum(w * a for w, a in zip(prefix_w, inputs)) + prefix_b)


_A1, _A2, _T, _X, _S = sp.symbols("a_1 a_2 t x s")
_WK1, _WK2, _BK, _TK, _AK = sp.symbols("w_k1 w_k2 b_k t_k a_k")
_N1, _N2 = sp.symbols("net_1 net_2")
_WJ1, _WJ2, _BJ = sp.symbols("w_j1 w_j2 b_j")
_DELTA_TANH = (_T - _tanh_unit((W1, W2), B, (_A1, _A2))) * (
    1 - _tanh_unit((W1, W2), B, (_A1, _A2)) ** 2)
_AK_TANH = _tanh_unit((_WK1, _WK2), _BK, (_A1, _A2))
_F = 2 * _sig(_X) - 1

# (check, right answer(s), wrong answer(s), words the feedback on the wrong one contains)
SYMBOLIC = [
    (ex.check_parity_sums, (2 * (W1 + W2 + W3) + 4 * B,) * 2,
     (W1 + W2 + W3 + 3 * B, 2 * (W1 + W2 + W3) + 4 * B), "(1, 1, 1)"),
    (ex.check_bipolar_sigmoid_slope, ((1 - _F**2) / 2,), (1 - _F**2,), "1/2"),
    (ex.check_tanh_delta, (_DELTA_TANH,), (-_DELTA_TANH,), "sign"),
    (ex.check_tanh_bias_gradient, (-(_TK - _AK_TANH) * (1 - _AK_TANH**2),),
     ((_TK - _AK_TANH) * (1 - _AK_TANH**2),), "sign"),
    (ex.check_bishop_delta, ((_sig(_AK) - _TK) * _sig(_AK) * (1 - _sig(_AK)),),
     (_sig(_AK) - _TK,), "y_k(1 - y_k)"),
    (ex.check_net_along_normal, (sp.sqrt(_WJ1**2 + _WJ2**2) * _S,),
     ((_WJ1**2 + _WJ2**2) * _S,), "length"),
    (ex.check_tanh_as_sigmoids,
     (2 * _WK1 * _sig(2 * _N1) + 2 * _WK2 * _sig(2 * _N2) + _BK - _WK1 - _WK2,),
     (2 * _WK1 * _sig(2 * _N1) + 2 * _WK2 * _sig(2 * _N2) + _BK,), "bias"),
]


@pytest.mark.parametrize("check, right, wrong, words", SYMBOLIC,
                         ids=[c[0].__name__ for c in SYMBOLIC])
def test_symbolic_checks_of_the_other_chapters(check, right, wrong, words):
    check(*right)
    [label] = ex.results()
    assert fb(label).passed, fb(label).message
    check(*wrong)
    assert fb(label).status == "incorrect" and words in fb(label).message
    check(*[None] * len(right))
    assert fb(label).status == "not yet"


def test_tanh_as_sigmoids_rejects_tanh():
    ex.check_tanh_as_sigmoids(_WK1 * sp.tanh(_N1) + _WK2 * sp.tanh(_N2) + _BK)
    assert "still contains tanh" in fb("ex-beyond-xor-1").message


def test_net_along_normal_accepts_symbols_that_cancel():
    u = sp.Symbol("u")
    net_j = _WJ1 * u * (-_WJ2) + _WJ2 * u * _WJ1 + sp.sqrt(_WJ1**2 + _WJ2**2) * _S
    ex.check_net_along_normal(net_j)
    assert ex.passed("ex-training-xor-1")


def test_linear_hidden_deltas():
    from backprop.symbolic import SymbolicNetwork

    lin = SymbolicNetwork((2, 3, 2, 2), "identity", biases=False)
    delta1 = lin.W[1].T * lin.W[2].T * (lin.targets - lin.a_expr[3])
    ex.check_linear_hidden_deltas(delta1)
    assert ex.passed("ex-any-depth-1")
    ex.check_linear_hidden_deltas(-delta1)
    assert "sign" in fb("ex-any-depth-1").message
    ex.check_linear_hidden_deltas(list(delta1)[:2])
    assert "3 hidden units" in fb("ex-any-depth-1").message


def test_mazur_bias_gradient():
    from backprop.worked_example import mazur_symbols

    ms = mazur_symbols()
    right = sp.diff(ms.forward["E_total"], ms.symbols["b2"])
    ex.check_mazur_bias_gradient(right)
    assert ex.passed("ex-worked-example-1")
    ex.check_mazur_bias_gradient(sp.diff(ms.forward["E_o1"], ms.symbols["b2"]))
    assert "o1" in fb("ex-worked-example-1").message
    ex.check_mazur_bias_gradient(-right)
    assert "sign" in fb("ex-worked-example-1").message


def test_xor_origin():
    ex.check_xor_origin([0] * 9, sp.Rational(1, 4))
    assert ex.passed("ex-error-landscapes-1")
    ex.check_xor_origin([0] * 9, sp.Rational(1, 16))
    assert "one pattern" in fb("ex-error-landscapes-1").message
    ex.check_xor_origin([0] * 8 + [1], sp.Rational(1, 4))
    assert "[8]" in fb("ex-error-landscapes-1").message


# --------------------------------------------------------------------------- code answers
def _perceptron_epoch(w, b, X, t, eta, online=True):
    mistakes = 0
    for x_p, t_p in zip(X, t):
        err = t_p - float(x_p @ w + b > 0)
        w, b = w + eta * err * x_p, (b + eta * err if online else b)
        mistakes += err != 0
    return w, b, mistakes


def test_perceptron_epoch():
    ex.check_perceptron_epoch(_perceptron_epoch)
    assert ex.passed("ex-perceptron-2")
    ex.check_perceptron_epoch(lambda w, b, X, t, eta: _perceptron_epoch(w, b, X, t, eta,
                                                                        online=False))
    assert fb("ex-perceptron-2").status == "incorrect"
    assert "bias" in fb("ex-perceptron-2").message


def test_gradient_descent():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 2))
    t = X @ [1.0, -0.5]

    def right(X, t, w, eta, steps):
        for _ in range(steps):
            w = w + eta * X.T @ (t - X @ w)
        return w

    ex.check_gradient_descent(right, X, t)
    assert ex.passed("ex-gradient-descent-2")
    ex.check_gradient_descent(lambda X, t, w, eta, s: w - eta * X.T @ (t - X @ w), X, t)
    assert "uphill" in fb("ex-gradient-descent-2").message


def _online_delta(W, b, X, T, eta, online=True):
    W0, b0 = W.copy(), b.copy()
    for x, t_p in zip(X, T):
        Wc, bc = (W, b) if online else (W0, b0)
        a = 1 / (1 + np.exp(-(Wc @ x + bc)))
        delta = (t_p - a) * a * (1 - a)
        W, b = W + eta * np.outer(delta, x), b + eta * delta
    return W, b


def test_online_delta_rule():
    from backprop.perceptron import gate_data

    X, T = gate_data("AND")
    ex.check_online_delta_rule(_online_delta, X, T)
    assert ex.passed("ex-delta-rule-2")
    ex.check_online_delta_rule(lambda *a: _online_delta(*a, online=False), X, T)
    assert "batch" in fb("ex-delta-rule-2").message


def test_online_network_epoch():
    from backprop import Network

    rng = np.random.default_rng(0)
    start = Network((2, 3, 1), "sigmoid", rng=rng)
    X, T = rng.normal(size=(5, 2)), rng.uniform(size=(5, 1))

    def right(net, X, T, eta):
        for p in range(X.shape[0]):
            net.apply(net.gradients(X[p:p + 1], T[p:p + 1]), eta)

    ex.check_online_network_epoch(right, start, X, T)
    assert ex.passed("ex-biases-batches-2")
    ex.check_online_network_epoch(lambda net, X, T, eta: net.train_epoch(X, T, eta), start,
                                  X, T)
    assert "batch" in fb("ex-biases-batches-2").message
    ex.check_online_network_epoch(lambda net, X, T, eta: None, start, X, T)
    assert "did not change" in fb("ex-biases-batches-2").message


def _backward(weights, activations, T, sign=1):
    a_L = activations[-1]
    deltas = [(T - a_L) * a_L * (1 - a_L)]
    for layer in range(len(weights) - 1, 0, -1):
        a_l = activations[layer]
        deltas.insert(0, a_l * (1 - a_l) * (deltas[0] @ weights[layer]))
    return [sign * d for d in deltas]


def test_backward_deltas():
    ex.check_backward_deltas(_backward)
    assert ex.passed("ex-any-depth-2")
    ex.check_backward_deltas(lambda *a: _backward(*a, sign=-1))
    assert "sign" in fb("ex-any-depth-2").message
    ex.check_backward_deltas(lambda *a: _backward(*a)[::-1])
    assert "reverse" in fb("ex-any-depth-2").message


def test_nielsen_deltas():
    def nielsen(weights, zs, a_L, y, sign=1):
        sig_prime = lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2  # noqa: E731
        deltas = [(a_L - y) * sig_prime(zs[-1])]
        for layer in range(len(weights) - 1, 0, -1):
            deltas.insert(0, (weights[layer].T @ deltas[0]) * sig_prime(zs[layer - 1]))
        return [sign * d for d in deltas]

    ex.check_nielsen_deltas(nielsen)
    assert ex.passed("ex-notation-2")
    ex.check_nielsen_deltas(lambda *a: nielsen(*a, sign=-1))
    assert "book's delta" in fb("ex-notation-2").message


def test_mazur_step():
    def step(W1, W2, b1, b2, x, t, eta, late=False):
        sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        h = sig(W1 @ x + b1)
        o = sig(W2 @ h + b2)
        d_out = (t - o) * o * (1 - o)
        W2_new = W2 + eta * np.outer(d_out, h)
        d_hid = h * (1 - h) * ((W2_new if late else W2).T @ d_out)
        return W1 + eta * np.outer(d_hid, x), W2_new

    ex.check_mazur_step(step)
    assert ex.passed("ex-worked-example-2")
    ex.check_mazur_step(lambda *a: step(*a, late=True))
    assert "already updated" in fb("ex-worked-example-2").message


def test_momentum_epochs():
    from backprop.datasets import xor

    X, T = xor()

    def momentum(net, X, T, eta, alpha, epochs):
        vw = [np.zeros_like(W) for W in net.weights]
        vb = [np.zeros_like(b) for b in net.biases]
        errors = []
        for _ in range(epochs):
            errors.append(float(net.error(X, T)))
            g = net.gradients(X, T)
            for layer in range(len(net.weights)):
                vw[layer] = alpha * vw[layer] - eta * g.weights[layer]
                vb[layer] = alpha * vb[layer] - eta * g.biases[layer]
                net.weights[layer] = net.weights[layer] + vw[layer]
                net.biases[layer] = net.biases[layer] + vb[layer]
        return np.array(errors)

    ex.check_momentum_epochs(momentum, X, T)
    assert ex.passed("ex-training-xor-2")
    ex.check_momentum_epochs(lambda net, X, T, eta, alpha, n: momentum(net, X, T, eta, 0.0, n),
                             X, T)
    assert "plain gradient descent" in fb("ex-training-xor-2").message


def test_symmetric_twin():
    from backprop.datasets import xor
    from backprop.training import TrainingConfig, make_state

    X, T = xor()
    twin = make_state(TrainingConfig(eta=2.0, seed=0), X, T)
    twin.net.weights[0][1] = twin.net.weights[0][0]
    twin.net.biases[0][1] = twin.net.biases[0][0]
    ex.check_symmetric_twin(twin)
    assert "outgoing" in fb("ex-training-xor-3").message
    twin.net.weights[1][0, 1] = twin.net.weights[1][0, 0]
    before = twin.net.parameters().copy()
    ex.check_symmetric_twin(twin)
    assert ex.passed("ex-training-xor-3")
    assert np.array_equal(twin.net.parameters(), before)  # trained on a copy


def test_line_errors():
    from backprop.datasets import xor
    from backprop.training import TrainingConfig, record_run, stacked_errors

    X, T = xor()
    run = record_run(TrainingConfig(eta=2.0, seed=0), X, T, epochs=50, snapshots=5)
    net = run.network()

    def right(net, X, T, a, b, n):
        s = np.linspace(0.0, 1.0, n)[:, None]
        return stacked_errors(net, (1 - s) * a + s * b, X, T)

    ex.check_line_errors(right, net, run, X, T)
    assert ex.passed("ex-error-landscapes-2")
    ex.check_line_errors(lambda net, X, T, a, b, n: right(net, X, T, b, a, n), net, run, X, T)
    assert "backwards" in fb("ex-error-landscapes-2").message


def test_xor_of_blobs():
    def blobs(n, rng, noise, swap=False):
        corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
        pick = rng.integers(0, 4, size=n)
        X = corners[pick] + rng.normal(0.0, noise, size=(n, 2))
        T = ((corners[pick, 0] * corners[pick, 1] < 0) != swap).astype(float)[:, None]
        return X, T

    ex.check_xor_of_blobs(blobs)
    assert ex.passed("ex-beyond-xor-2"), fb("ex-beyond-xor-2").message
    ex.check_xor_of_blobs(lambda *a: blobs(*a, swap=True))
    assert "swapped" in fb("ex-beyond-xor-2").message
    ex.check_xor_of_blobs(lambda n, rng, noise: blobs(n, rng, noise)[0])
    assert "tuple" in fb("ex-beyond-xor-2").message
