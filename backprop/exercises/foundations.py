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
from ..perceptron import (
    delta_rule_gradient,
    descend,
    gate_data,
    single_layer_error,
    step,
    train_delta_rule,
    train_perceptron,
)
from .framework import Call, Plan, Ran, Verdict, checker, correct, wrong
from .judging import as_array, judge_expression, judge_expressions, same_array

__all__ = ["check_batch_step", "check_bipolar_sigmoid_slope", "check_critical_rate",
           "check_gradient_descent", "check_online_delta_rule", "check_parity_sums",
           "check_perceptron_epoch", "check_tanh_delta", "check_xor_gates"]


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


# --------------------------------------------------------------------------- find the bug
_XOR_GATES = ("OR", "NAND", "AND")


def _gate_unit(value: object, name: str) -> tuple[np.ndarray, float] | str:
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        return f"give {name} as a pair (w, b): two weights and a bias."
    w, b = as_array(value[0]), as_array(value[1])
    if w is None or w.size != 2 or b is None or b.size != 1:
        return f"{name} needs two weights and one bias, (w, b) with w of length 2."
    return w.astype(float).ravel(), float(b.ravel()[0])


@checker("ex-perceptron-4", shortcuts=("backprop.perceptron:xor_by_hand",))
def check_xor_gates(plan: Plan, xor_gates: object) -> Verdict:
    """``ex-perceptron-4``: XOR as ``AND(OR, NAND)`` from three hand-set threshold units
    ``{"OR": (w, b), "NAND": (w, b), "AND": (w, b)}``; each unit must compute its gate with
    :func:`backprop.perceptron.step` on all four patterns, and with no net input exactly 0
    (where the answer would hang on the step's convention)."""
    if xor_gates is None:
        return Verdict("not yet", "replace None with your three units and run the cell "
                       "again.")
    if not isinstance(xor_gates, dict) or set(xor_gates) != set(_XOR_GATES):
        return wrong("give a dictionary with the three units, keyed 'OR', 'NAND' and 'AND'.")
    units = {}
    for name in _XOR_GATES:
        unit = _gate_unit(xor_gates[name], name)
        if isinstance(unit, str):
            return wrong(unit)
        units[name] = unit
    X = gate_data("OR")[0]
    for name in _XOR_GATES:
        w, b = units[name]
        net = X @ w + b
        truth = gate_data(name)[1][:, 0]
        if np.array_equal(step(net), truth):
            if np.any(net == 0):
                return wrong(f"{name} is right, but its net input is exactly 0 at some "
                             "pattern, so the answer there depends on the step's convention "
                             "(it fires for net > 0): move the line off the patterns.")
            continue
        on_line = [tuple(int(v) for v in x) for x, n in zip(X, net) if n == 0]
        if on_line and np.array_equal(step(net + 1e-9), truth):
            return wrong(f"close: {name}'s line passes through the patterns "
                         f"{', '.join(map(str, on_line))}, where net = 0 and step() gives 0, "
                         "because the unit fires only for net > 0; move the line (the "
                         "bias) so that those patterns lie strictly on the firing side.")
        if name == "NAND" and np.array_equal(step(net), gate_data("NOR")[1][:, 0]):
            return wrong("close: that unit computes NOR, not NAND: NAND must still fire for "
                         "(0, 1) and (1, 0).")
        return wrong(f"the {name} unit does not compute {name} on the four patterns: it "
                     f"answers {step(net).astype(int).tolist()} where "
                     f"{truth.astype(int).tolist()} is right.")
    hidden = np.column_stack([step(X @ units[g][0] + units[g][1]) for g in ("OR", "NAND")])
    out = step(hidden @ units["AND"][0] + units["AND"][1])
    if not np.array_equal(out, gate_data("XOR")[1][:, 0]):
        return wrong("each unit computes its gate, but the output unit must take the OR "
                     "unit's answer first and the NAND unit's second.")
    return correct("the three units compute XOR, and every net input stays off the threshold.")


def _critical_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for _ in range(3):
        n, P = int(rng.integers(2, 5)), int(rng.integers(8, 25))
        X = rng.normal(size=(P, n)) @ (np.eye(n) + rng.uniform(-0.8, 0.8, (n, n)))
        lam = np.linalg.eigvalsh(X.T @ X)
        sigma = np.linalg.svd(X, compute_uv=False)
        calls.append(Call((X,), want=2 / lam[-1], mistakes={
            "that is 2 / lambda_min: np.linalg.eigvalsh sorts the eigenvalues in ascending "
            "order (np.linalg.eig not at all); take the largest":
                2 / lam[0],
            "that is 1 / lambda_max, half the critical rate: |1 - eta lambda| < 1 allows "
            "eta up to 2 / lambda": 1 / lam[-1],
            "that divides by the largest singular value of X; the Hessian's eigenvalue is "
            "its square": 2 / sigma[0],
            "that divides by the sum of all eigenvalues (the trace): a safe rate, not the "
            "critical one": 2 / lam.sum(),
        }))
    return Plan({"critical_rate": calls})


@checker("ex-gradient-descent-4", plan=_critical_plan)
def check_critical_rate(plan: Plan, critical_rate: Ran) -> Verdict:
    """``ex-gradient-descent-4``: ``critical_rate(X)``, the learning rate
    :math:`2/\\lambda_{\\max}(X^{\\mathsf T} X)` above which gradient descent on the linear
    unit diverges, for three data sets of the student's variant (several inputs, correlated,
    so that the eigenvalues differ), compared with ``numpy.linalg.eigvalsh``."""
    for call, got in zip(plan.calls["critical_rate"], critical_rate.values):
        a = as_array(got)
        if a is None or a.size != 1:
            return wrong("return one number, the critical learning rate.")
        value = float(a.ravel()[0])
        if abs(value - call.want) <= 1e-9 * call.want:
            continue
        for description, mistake in call.mistakes.items():
            if abs(value - mistake) <= 1e-9 * abs(mistake):
                return wrong(f"close: {description}.")
        return wrong(f"for a data set with {call.args[0].shape[1]} inputs you give "
                     f"{value:.6g}; the critical rate is 2 / lambda_max of X^T X.")
    return correct("the critical rate is right for 3 data sets.")


def _batch_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for n_out, n_in in ((1, 2), (2, 2), (3, 2), (2, 3)):
        X = rng.normal(size=(int(rng.integers(4, 9)), n_in))
        T = rng.uniform(0.05, 0.95, (len(X), n_out))
        W, b = rng.uniform(-1, 1, (n_out, n_in)), rng.uniform(-1, 1, n_out)
        eta = float(rng.choice([0.1, 0.5, 1.0]))
        gW, gb, delta = _delta_gradient(W, b, X, T)
        mistakes = {
            "the step goes uphill: the delta rule adds eta delta^T X":
                (W + eta * gW, b + eta * gb),
            "the factor f'(net) = a(1 - a) is missing": _without_slope(W, b, X, T, eta),
        }
        if n_out == n_in:                  # the only case where the student's X^T delta fits
            mistakes["the change is still transposed: X^T delta is (delta^T X)^T, which "
                     "fits W only because the layer has as many outputs as inputs; the "
                     "rule is Delta W = eta delta^T X"] = (W + eta * (X.T @ delta),
                                                           b - eta * gb)
        calls.append(Call((W, b, X, T, eta), want=(W - eta * gW, b - eta * gb),
                          mistakes=mistakes))
    return Plan({"batch_step": calls})


def _delta_gradient(W: np.ndarray, b: np.ndarray, X: np.ndarray, T: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return delta_rule_gradient(W, b, X, T)


def _without_slope(W: np.ndarray, b: np.ndarray, X: np.ndarray, T: np.ndarray,
                   eta: float) -> tuple[np.ndarray, np.ndarray]:
    A = 1 / (1 + np.exp(-(X @ W.T + b)))
    return W + eta * (T - A).T @ X, b + eta * (T - A).sum(axis=0)


def _batch_hint(plan: Plan, index: int, exception: str, message: str) -> str:
    W = plan.calls["batch_step"][index].args[0]
    if exception == "ValueError" and ("broadcast" in message or "shape" in message):
        return (f"Here W has shape {W.shape} (outputs, inputs); the change must have that "
                "shape too, but X^T delta has the shape (inputs, outputs): the change is "
                "eta delta^T X.")
    return ""


@checker("ex-delta-rule-4", plan=_batch_plan, hint=_batch_hint,
         shortcuts=("backprop.perceptron:train_delta_rule",
                    "backprop.perceptron:delta_rule_gradient"))
def check_batch_step(plan: Plan, batch_step: Ran) -> Verdict:
    """``ex-delta-rule-4``: one batch step ``batch_step(W, b, X, T, eta) -> (W, b)`` of the
    delta rule for a layer of sigmoid units, with one, two and three outputs (one layer as
    wide as its input, where a transposed change still fits), compared with
    :func:`backprop.perceptron.delta_rule_gradient`."""
    for call, out in zip(plan.calls["batch_step"], batch_step.values):
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            return wrong("return a tuple (W, b).")
        W, b = (as_array(v) for v in out)
        (W_want, b_want), shape = call.want, call.args[0].shape
        if W is None or W.shape != shape:
            got = None if W is None else W.shape
            return wrong(f"W comes back with shape {got}, but it has shape {shape} (outputs, "
                         "inputs): X^T delta has the shape (inputs, outputs), and NumPy "
                         "broadcasts it; the change is eta delta^T X.")
        if b is None or b.shape != b_want.shape:
            return wrong(f"b should keep its shape {b_want.shape}: sum delta over the "
                         "patterns, axis 0.")
        if same_array(W, W_want) and same_array(b, b_want):
            continue
        for description, (W_m, b_m) in call.mistakes.items():
            if same_array(W, W_m) and same_array(b, b_m):
                return wrong(f"close: {description}.")
        return wrong(f"with {shape[0]} output(s) and {shape[1]} inputs the step differs from "
                     "the batch delta rule W += eta delta^T X, b += eta sum_p delta.")
    return correct("the batch step matches the delta rule for 1, 2 and 3 outputs.")
