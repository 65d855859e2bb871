"""Checks of the exercises of part I, *Foundations*: ``book/perceptron``,
``book/gradient-descent`` and ``book/delta-rule``.

Each reference is derived at check time, by SymPy or by the package's general code
(:mod:`backprop.perceptron`, :mod:`backprop.gradcheck`), on inputs drawn from the
student's variant; see :mod:`backprop.exercises.framework` for the shape of a check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import sympy as sp

from .. import symbolic
from ..gradcheck import numerical_gradient
from ..perceptron import descend, gate_data, single_layer_error, train_delta_rule, train_perceptron
from .framework import Call, Plan, Ran, Verdict, checker, correct, wrong
from .judging import as_array, judge_expression, judge_expressions, same_array

__all__ = ["check_bipolar_sigmoid_slope", "check_gradient_descent", "check_online_delta_rule",
           "check_parity_sums", "check_perceptron_epoch", "check_tanh_delta"]


# --------------------------------------------------------------------------- book/perceptron
@lru_cache(maxsize=1)
def _parity_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    w = sp.symbols("w_1 w_2 w_3")
    b = sp.Symbol("b")
    patterns = [(i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1)]

    def total(keep: Callable[[tuple[int, ...]], bool]) -> sp.Expr:
        return sp.Add(*[sum(wi * xi for wi, xi in zip(w, x)) + b for x in patterns
                        if keep(x)])

    ref = total(lambda x: sum(x) % 2 == 1)
    return ref, {
        "only the three patterns with exactly one 1 are there; (1, 1, 1) has odd parity too":
            total(lambda x: sum(x) == 1),
        "that is the sum over all eight patterns, not over one parity class":
            total(lambda x: True),
        "the bias appears once per pattern: four patterns give 4 b": ref - 3 * b,
    }


@checker("ex-perceptron-1")
def check_parity_sums(plan: Plan, odd_sum: object, even_sum: object) -> Verdict:
    """``ex-perceptron-1``: the net inputs of the odd-parity patterns of three inputs,
    summed, equal those of the even-parity patterns; the reference is summed with SymPy."""
    ref, mistakes = _parity_reference()
    return judge_expressions([odd_sum, even_sum], ref, mistakes, "w_1, w_2, w_3, b")


def _perceptron_plan(rng: np.random.Generator) -> Plan:
    # The epochs of the rule learning NAND from zero weights, then from a start of the
    # student's variant; each epoch is one call, compared with the package's run.
    X, T = gate_data("NAND")
    calls = []
    for w0, b0, eta in ((np.zeros(2), 0.0, 1.0),
                        (rng.integers(-2, 3, 2).astype(float), float(rng.integers(-2, 3)),
                         float(rng.choice([0.5, 1.0, 2.0])))):
        run = train_perceptron(X, T, eta=eta, w0=w0, b0=b0)
        starts = run.epoch_starts()
        for e in range(run.epochs):
            start, end = starts[e], starts[e + 1]
            calls.append(Call((start[:-1].copy(), float(start[-1]), X, T[:, 0], eta),
                              want=(end[:-1], float(end[-1]), int(run.mistakes[e]))))
    return Plan({"perceptron_epoch": calls})


@checker("ex-perceptron-2", plan=_perceptron_plan,
         shortcuts=("backprop.perceptron:train_perceptron",))
def check_perceptron_epoch(plan: Plan, perceptron_epoch: Ran) -> Verdict:
    """``ex-perceptron-2``: one epoch of the perceptron rule, called on every epoch of
    :func:`backprop.perceptron.train_perceptron` learning NAND (from zero weights and from
    a start of the student's variant); each must end where the package's epoch ends."""
    calls, values = plan.calls["perceptron_epoch"], perceptron_epoch.values
    if not all(isinstance(out, tuple) and len(out) == 3 for out in values):
        return wrong("return a tuple (w, b, mistakes).")
    if all(same_array(out[1], call.args[1]) for call, out in zip(calls, values)):
        return wrong("the bias never moves: it learns like a weight whose input is always "
                     "1, b += eta * err (NAND needs b > 0).")
    for call, out in zip(calls, values):
        (w, b, mistakes), (w_want, b_want, m_want) = out, call.want
        w_in, b_in = call.args[0], call.args[1]
        where = f"from w = {np.round(w_in, 3).tolist()}, b = {b_in:g} with eta = " \
            f"{call.args[4]:g}"
        if not same_array(w, w_want):
            return wrong(f"{where} the weights should end at {np.round(w_want, 3).tolist()}; "
                         "update w by eta * err * x after every pattern, with err = t - "
                         "step(net).")
        if not same_array(b, b_want):
            return wrong(f"{where} the bias should end at {b_want:g}; b += eta * err.")
        got_m = as_array(mistakes)
        if got_m is None or got_m.size != 1 or float(got_m.ravel()[0]) != m_want:
            return wrong(f"{where} there are {m_want} misclassified patterns in that epoch; "
                         "count the patterns whose err is not 0.")
    return correct(f"every one of the {len(plan.calls['perceptron_epoch'])} epochs ends "
                   "where the perceptron rule ends.")


# --------------------------------------------------------------------------- book/gradient-descent
@lru_cache(maxsize=1)
def _bipolar_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    x = sp.Symbol("x")
    f = 2 * symbolic.sigmoid(x) - 1
    ref = sp.diff(f, x)
    return ref, {
        "the factor 1/2 is missing: f = tanh(x/2), and the inner derivative of x/2 is 1/2":
            2 * ref,
        "that is the sigmoid's a(1 - a) applied to f; f is a rescaled sigmoid, so its "
        "slope is not f(1 - f)": f * (1 - f),
        "the sign is flipped": -ref,
    }


@checker("ex-gradient-descent-1")
def check_bipolar_sigmoid_slope(plan: Plan, answer: object) -> Verdict:
    """``ex-gradient-descent-1``: the slope of :math:`f = 2\\sigma(x) - 1` written through
    ``f``; the reference is ``sympy.diff`` of ``f``."""
    ref, mistakes = _bipolar_reference()
    return judge_expression(answer, ref, mistakes=mistakes, symbols_hint="f (so x)")


def _descent_plan(rng: np.random.Generator) -> Plan:
    x1 = rng.normal(size=20)
    X = np.column_stack([x1, 0.5 * x1 + 0.7 * rng.normal(size=20)])
    t = X @ [1.0, -0.5] + 0.1 * rng.normal(size=20)
    w0 = rng.normal(size=2)
    lam_max = float(np.linalg.eigvalsh(X.T @ X)[-1])
    calls = [Call((X, t, w0, 1.0, 1)), Call((X, t, w0, 1.0 / lam_max, 500))]
    return Plan({"gradient_descent": calls}, {"X": X, "t": t, "w0": w0})


@checker("ex-gradient-descent-2", plan=_descent_plan,
         shortcuts=("backprop.perceptron:descend",))
def check_gradient_descent(plan: Plan, gradient_descent: Ran) -> Verdict:
    """``ex-gradient-descent-2``: batch gradient descent on :math:`E = \\tfrac12\\lVert t
    - Xw\\rVert^2` for data of the student's variant: one step must be ``-eta`` times the
    finite-difference gradient, and 500 steps must end where
    :func:`backprop.perceptron.descend` ends."""
    X, t, w0 = plan.context["X"], plan.context["t"], plan.context["w0"]

    def error(w: np.ndarray) -> float:
        return 0.5 * float(np.sum((t - X @ w) ** 2))

    def gradient(w: np.ndarray) -> np.ndarray:
        return numerical_gradient(error, w)

    one_raw, end = gradient_descent.values
    one, grad = as_array(one_raw), gradient(w0)
    if one is None or one.shape != w0.shape:
        return wrong(f"return the weights, an array of shape {w0.shape}.")
    step = one.astype(float) - w0
    if same_array(step, grad, 1e-5):
        return wrong("close: the step goes uphill; move against the gradient, w - eta "
                     "dE/dw.")
    if same_array(step, -grad / len(t), 1e-5):
        return wrong("close: that is the mean over the samples; E here is the sum, no 1/P.")
    if not same_array(step, -grad, 1e-5):
        return wrong("one step with eta = 1 should change w by -dE/dw; it does not.")
    eta = plan.calls["gradient_descent"][1].args[3]
    want = descend(error, gradient, w0, eta, 500, tol=0.0).points[-1]
    if not same_array(end, want, 1e-6):
        return wrong("one step is right but 500 steps do not end where 500 steps of "
                     "gradient descent do: take `steps` steps, each from the weights of the "
                     "step before.")
    return correct("one step follows -eta dE/dw and 500 steps end where gradient descent "
                   "does.")


# --------------------------------------------------------------------------- book/delta-rule
@lru_cache(maxsize=1)
def _tanh_delta_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    w1, w2, b, a1, a2, t, n = sp.symbols("w_1 w_2 b a_1 a_2 t net")
    a = sp.tanh(n)
    ref = -sp.diff((t - a) ** 2 / 2, n)
    mistakes = {
        "the sign is flipped: the book's delta is -dE/dnet": -ref,
        "a factor 2 too many: the half in E cancels the 2 from the square": 2 * ref,
        "the factor f'(net) = 1 - a^2 is missing": ref / (1 - a**2),
        "that is the sigmoid's derivative a(1 - a); for tanh it is 1 - a^2":
            ref / (1 - a**2) * a * (1 - a),
    }
    net = w1 * a1 + w2 * a2 + b
    return ref.subs(n, net), {d: m.subs(n, net) for d, m in mistakes.items()}


@checker("ex-delta-rule-1", shortcuts=("backprop.symbolic:output_rule",))
def check_tanh_delta(plan: Plan, answer: object) -> Verdict:
    """``ex-delta-rule-1``: :math:`\\delta` of one tanh unit with inputs ``a_1, a_2``,
    written with ``a = tanh(w_1 a_1 + w_2 a_2 + b)``; derived here as ``-dE/dnet``."""
    ref, mistakes = _tanh_delta_reference()
    return judge_expression(answer, ref, mistakes=mistakes,
                            symbols_hint="t and the tanh of the net input")


def _delta_rule_plan(rng: np.random.Generator) -> Plan:
    # Two clusters of the student's variant, one sigmoid unit per class column.
    centres = rng.uniform(-2, 2, (2, 2))
    X = np.vstack([c + 0.45 * rng.normal(size=(10, 2)) for c in centres])
    T = np.repeat(np.eye(2), 10, axis=0)[:, :1 + int(rng.integers(0, 2))]
    zeros = (np.zeros((T.shape[1], 2)), np.zeros(T.shape[1]))
    start = (rng.uniform(-0.5, 0.5, (T.shape[1], 2)), rng.uniform(-0.5, 0.5, T.shape[1]))
    calls = []
    for W0, b0 in (zeros, start):
        online = train_delta_rule(X, T, eta=0.2, epochs=1, mode="online", W0=W0, b0=b0)
        batch = train_delta_rule(X, T, eta=0.2, epochs=1, mode="batch", W0=W0, b0=b0)
        calls.append(Call((W0, b0, X, T, 0.2), want=(online.W[-1], online.b[-1]),
                          context=(batch.W[-1], batch.b[-1])))
    return Plan({"online_epoch": calls}, {"X": X, "T": T})


@checker("ex-delta-rule-2", plan=_delta_rule_plan,
         shortcuts=("backprop.perceptron:train_delta_rule",
                    "backprop.perceptron:delta_rule_gradient"))
def check_online_delta_rule(plan: Plan, online_epoch: Ran) -> Verdict:
    """``ex-delta-rule-2``: one online epoch of the delta rule for one sigmoid layer, from
    zero weights and from a random start of the student's variant, compared with
    :func:`backprop.perceptron.train_delta_rule`."""
    for call, out in zip(plan.calls["online_epoch"], online_epoch.values):
        if not (isinstance(out, tuple) and len(out) == 2):
            return wrong("return a tuple (W, b).")
        W, b = out
        (W_want, b_want), (W_batch, b_batch) = call.want, call.context
        if same_array(W, W_want) and same_array(b, b_want):
            continue
        if same_array(W, W_batch) and same_array(b, b_batch):
            return wrong("close: that is one batch update; online learning updates after "
                         "every pattern.")
        if not same_array(W, W_want):
            start = "zero weights" if not np.any(call.args[0]) else "random weights"
            return wrong(f"from {start} the weights differ from the online delta rule W += "
                         "eta delta x^T, with delta computed from the current weights and "
                         "bias (the bias learns too, b += eta delta, after every pattern).")
        return wrong("the weights are right but the bias is not: b += eta delta.")
    X, T = plan.context["X"], plan.context["T"]
    W_end, b_end = online_epoch.values[0]
    drop = single_layer_error(np.zeros_like(W_end), np.zeros_like(b_end), X, T) - \
        single_layer_error(np.asarray(W_end, float), np.asarray(b_end, float), X, T)
    return correct(f"both epochs match the delta rule (the first lowers E by {drop:.3g}).")
