"""Checks of the exercises of ``book/gradient-checking`` (part II, *Backpropagation*).

References come from the package at check time: SymPy minimises the error bound of the
central difference (``ex-gradient-checking-1``); :func:`backprop.gradcheck.
network_numerical_gradient` and :func:`~backprop.gradcheck.relative_error` judge the
student's own checker on networks of the student's variant, one of them with a dead ReLU
unit and one gradient with a planted bug (``-2``); :meth:`Network.gradients` judges the
fixed backward pass (``-3``). The named mistakes are the same computations done wrong on
the trusted side. See :mod:`backprop.exercises.framework` for the shape of a check.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from ..gradcheck import network_numerical_gradient, relative_error
from ..network import Network, pack
from ..planted_bugs import planted_gradients
from .backpropagation import BACKWARD_PASS, deep_case, two_layer_case
from .framework import Call, Plan, Ran, Verdict, checker, correct, not_yet, wrong
from .judging import as_array, as_expression, close, plain_name, same, same_array, symbol_names

__all__ = ["check_best_step", "check_fixed_gradients", "check_gradient_check"]


# --------------------------------------------------------------------------- exercise 1
_EPS, _E, _M = (sp.Symbol(n, positive=True) for n in ("epsilon", "E", "M_3"))


@lru_cache(maxsize=1)
def _best_step() -> tuple[sp.Expr, sp.Expr, dict[str, sp.Expr], dict[str, sp.Expr]]:
    """The best step and error of the central difference, derived by SymPy from the bound
    ``h^2 M_3 / 6 + epsilon E / h``, and the results of the likely slips, each from the
    bound that slip leads to; every symbol positive."""
    h = sp.Symbol("h", positive=True)

    def optimum(truncation: sp.Expr, rounding: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        bound = truncation + rounding
        h_star = sp.solve(sp.diff(bound, h), h)[0]
        return h_star, bound.subs(h, h_star)

    h_ref, e_ref = optimum(h**2 * _M / 6, _EPS * _E / h)
    slips = {
        "that is the forward difference's best step 2 sqrt(epsilon E / M): the central "
        "difference's truncation error is h^2 M_3 / 6, so the best step is a cube root":
            (2 * sp.sqrt(_EPS * _E / _M), None),
        "the truncation error is h^2 M_3 / 6 (each series contributes h^3 E'''/6, and the "
        "two are divided by 2h), not h^2 M_3 / 2": optimum(h**2 * _M / 2, _EPS * _E / h),
        "that is where the two errors are equal, or where the rounding error is counted as "
        "2 epsilon E / h; the best step minimises their sum: set de/dh = 0":
            optimum(h**2 * _M / 6, 2 * _EPS * _E / h),
    }
    h_mistakes = {d: m for d, (m, _) in slips.items()}
    e_mistakes = {d: e for d, (_, e) in slips.items() if e is not None}
    e_mistakes["that is only the truncation error at the best step; add the rounding error "
               "epsilon E / h there, which is twice as large"] = h_ref**2 * _M / 6
    e_mistakes["that is only the rounding error at the best step; add the truncation "
               "error h^2 M_3 / 6 there"] = _EPS * _E / h_ref
    return h_ref, e_ref, h_mistakes, e_mistakes


def _judge_positive(answer: object, reference: sp.Expr, mistakes: dict[str, sp.Expr],
                    name: str) -> Verdict:
    """Compare with every symbol taken positive (as the step, the error and the bound
    are), so that any way of writing a root is accepted."""
    if answer is None:
        return not_yet(f"replace None in `{name}` with your SymPy expression and run the "
                       "cell again.")
    expr = as_expression(answer)
    if expr is None or not isinstance(expr, sp.Expr) or isinstance(expr, sp.Equality):
        kind = getattr(answer, "type", type(answer).__name__)
        return wrong(f"`{name}` should be one SymPy expression in epsilon, E and M_3; got "
                     f"a {kind}.")
    extra = symbol_names(expr) - {"epsilon", "E", "M_3"}
    if extra:
        return wrong(f"`{name}` contains {', '.join(sorted(extra))}; write it with epsilon, "
                     "E and M_3 only.")
    pos = {s: sp.Symbol(plain_name(s.name), positive=True) for s in expr.free_symbols
           if isinstance(s, sp.Symbol)}
    mine = expr.xreplace(pos)
    if same(mine, reference):
        return correct(f"`{name}` = {sp.sstr(expr)} is right.")
    for description, mistake in mistakes.items():
        if same(mine, mistake):
            return wrong(f"`{name}`: close: {description}.")
    return wrong(f"`{name}` is not the minimum of the bound: differentiate e(h) by h, set "
                 "the derivative to zero and solve for h.")


@checker("ex-gradient-checking-1")
def check_best_step(plan: Plan, h_best: object, error_best: object) -> Verdict:
    """``ex-gradient-checking-1``: the step that minimises the central difference's error
    bound :math:`h^2 M_3/6 + \\epsilon E/h`, and the error there, in ``epsilon, E, M_3``;
    derived here with ``sympy.solve``, compared up to algebra with every symbol positive."""
    h_ref, e_ref, h_mistakes, e_mistakes = _best_step()
    verdict = _judge_positive(h_best, h_ref, h_mistakes, "h_best")
    if verdict.status != "correct":
        return verdict
    second = _judge_positive(error_best, e_ref, e_mistakes, "error_best")
    if second.status != "correct":
        return second
    return correct("both are right: the best step grows as epsilon^(1/3), the best error as "
                   "epsilon^(2/3).")


# --------------------------------------------------------------------------- exercise 2
def _unrestored(net: Network, X: np.ndarray, T: np.ndarray, h: float) -> np.ndarray:
    """Central differences by a checker that never puts an entry back: every entry after
    the first is measured at a point moved by -h in all the entries before it."""
    trial, theta = net.copy(), net.parameters()
    out = np.zeros_like(theta)
    for i in range(theta.size):
        theta[i] += h
        trial.set_flat_parameters(theta)
        up = float(trial.error(X, T))
        theta[i] -= 2 * h
        trial.set_flat_parameters(theta)
        out[i] = (up - float(trial.error(X, T))) / (2 * h)
    return out


def _checker_plan(rng: np.random.Generator) -> Plan:
    calls = []
    net, X, T = two_layer_case(rng)
    exact = net.gradients(X, T).flat()
    bug = planted_gradients("hidden deltas without f'(net)", net, X, T)
    dead, Xd, Td = two_layer_case(rng, hidden="relu")
    dead.biases[0][0] = -5.0                       # unit 1 is off for every input: its
    dead.weights[0][0] *= 0.1                      # weights' gradients are exactly 0
    for model, Xc, Tc, analytic, h in ((net, X, T, exact, 1e-6), (net, X, T, bug, 1e-4),
                                       (dead, Xd, Td, dead.gradients(Xd, Td).flat(), 1e-5),
                                       (net, X, T, exact, 1e-2)):
        ref = network_numerical_gradient(model, Xc, Tc, h)
        calls.append(Call((model, Xc, Tc, analytic, h), watch=(0,), want=ref, context={
            "start": model.parameters(), "analytic": analytic, "h": h,
            "E": float(model.error(Xc, Tc)), "mistakes": {
                "that is the forward difference (E(theta + h e_i) - E(theta)) / h; the "
                "central one divides E(theta + h e_i) - E(theta - h e_i) by 2h":
                    network_numerical_gradient(model, Xc, Tc, h, scheme="forward"),
                "twice the central difference: divide by 2h, not h": 2 * ref,
                "half the central difference: divide by 2h, not 4h": ref / 2,
                "the sign is flipped: E(theta + h e_i) comes first": -ref,
                "each entry is measured with the entries before it still moved: restore "
                "theta_i after measuring it": _unrestored(model, Xc, Tc, h)},
            "ignored_h": network_numerical_gradient(model, Xc, Tc)}))
    return Plan({"gradient_check": calls})


def _relative_mistakes(a: np.ndarray, n: np.ndarray) -> dict[str, float]:
    gap = np.abs(a - n)
    with np.errstate(all="ignore"):
        return {
            "that is the largest absolute difference |a_i - n_i|; divide each by "
            "|a_i| + |n_i| (with a tiny floor) to make it relative": float(np.max(gap)),
            "that is the mean of the relative errors; the check needs the largest, because "
            "one wrong entry is a bug": float(np.mean(gap / np.maximum(np.abs(a) + np.abs(n),
                                                                      1e-12))),
            "that divides by max(|a_i|, |n_i|), about twice the book's r_i: divide by "
            "|a_i| + |n_i|": float(np.max(gap / np.maximum(np.maximum(np.abs(a), np.abs(n)),
                                                           1e-12))),
        }


def _number(value: Any) -> float | None:
    a = as_array(value)
    if a is None or a.size != 1 or a.dtype.kind == "c":
        return None
    return float(a.ravel()[0])


def _near(x: float, y: float, rtol: float = 1e-6) -> bool:
    return abs(x - y) <= rtol * max(abs(x), abs(y)) + 1e-15


@checker("ex-gradient-checking-2", plan=_checker_plan, seconds=10.0,
         shortcuts=("backprop.gradcheck:network_numerical_gradient",
                    "backprop.gradcheck:numerical_gradient",
                    "backprop.gradcheck:relative_error"))
def check_gradient_check(plan: Plan, gradient_check: Ran) -> Verdict:
    """``ex-gradient-checking-2``: ``gradient_check(net, X, T, analytic, h)`` returns the
    central differences and the largest relative error; called on networks of the
    student's variant (a sigmoid one with its correct gradient at two steps and with a
    planted bug, a ReLU one with a dead unit), compared with
    :func:`~backprop.gradcheck.network_numerical_gradient` and
    :func:`~backprop.gradcheck.relative_error`; the network must be left unchanged."""
    calls = plan.calls["gradient_check"]
    for n, (call, out, after) in enumerate(zip(calls, gradient_check.values,
                                               gradient_check.after)):
        ctx = call.context
        where = f"(test {n + 1}, h = {ctx['h']:g})"
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            return wrong("return two things, `numeric, worst`: the finite-difference "
                         "gradient and the largest relative error.")
        numeric, worst = as_array(out[0]), _number(out[1])
        if numeric is None or numeric.shape != call.want.shape:
            shape = None if numeric is None else numeric.shape
            return wrong(f"{where} `numeric` should be an array of shape {call.want.shape}, "
                         f"like net.parameters(); got {shape}.")
        moved = getattr(after[0], "weights", None)
        if moved is None or not same_array(pack(after[0].weights, after[0].biases),
                                           ctx["start"]):
            return wrong(f"{where} your checker left `net` changed; perturb a copy "
                         "(net.copy()), or put every parameter back.")
        numeric = numeric.astype(float)
        noise = 100 * np.finfo(float).eps * ctx["E"] / ctx["h"]
        tol = 1e-9 * max(1.0, float(np.max(np.abs(call.want)))) + noise
        if not (np.all(np.isfinite(numeric)) and np.max(np.abs(numeric - call.want)) <= tol):
            if np.max(np.abs(numeric - ctx["ignored_h"])) <= tol and ctx["h"] != 1e-6:
                return wrong(f"{where} close: that is the central difference with "
                             "h = 1e-6; use the step `h` your function is given.")
            for description, mistake in ctx["mistakes"].items():
                if np.max(np.abs(numeric - mistake)) <= max(tol, 1e-9 * np.max(np.abs(
                        mistake))):
                    return wrong(f"{where} close: {description}.")
            i = int(np.argmax(np.abs(numeric - call.want)))
            return wrong(f"{where} entry {i} of `numeric` is {numeric[i]:.10g}, the central "
                         f"difference is {call.want[i]:.10g}.")
        if worst is None:
            return wrong(f"{where} `worst` should be one number.")
        analytic = ctx["analytic"]
        mine = relative_error(analytic, numeric)
        if np.isnan(worst):
            return wrong(f"{where} `worst` is NaN: where both gradients are exactly 0 (a "
                         "dead ReLU unit's weights) |a_i| + |n_i| is 0; divide by "
                         "max(|a_i| + |n_i|, 1e-12).")
        if not _near(worst, mine, 1e-6) and not abs(worst - mine) < 1e-12:
            for description, value in _relative_mistakes(analytic, numeric).items():
                if np.isfinite(value) and _near(worst, value, 1e-6):
                    return wrong(f"{where} close: {description}.")
            return wrong(f"{where} `worst` is {worst:.6g}, but the largest relative error "
                         f"of these two gradients is {mine:.6g}.")
    return correct(f"your checker agrees with the package's on all {len(calls)} tests, "
                   "leaves the network unchanged, and handles a dead unit.")


# --------------------------------------------------------------------------- exercise 3
def _net_slope_gradients(net: Network, X: np.ndarray, T: np.ndarray) -> np.ndarray:
    """What the exercise's student computes: the hidden slopes written with the net inputs
    in place of the activations (flat, in parameter order)."""
    fwd = net.forward(X)
    deltas = [net.backward(fwd, T).deltas[-1]]
    for l in range(len(net.weights) - 1, 0, -1):
        z = fwd.nets[l - 1]
        deltas.insert(0, z * (1 - z) * (deltas[0] @ net.weights[l]))
    grads_w = [-(d.T @ a) for d, a in zip(deltas, fwd.activations)]
    return pack(grads_w, [-d.sum(axis=0) for d in deltas])


def _fixed_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for depth in (2, 3, 4):
        net, X, T = deep_case(rng, depth)
        grads = net.gradients(X, T)
        want = grads.flat()
        calls.append(Call((net, X, T), want=want, mistakes={
            "the hidden slopes still come from the net inputs N; f'(net) of a sigmoid is "
            "a(1 - a), written with the activations": _net_slope_gradients(net, X, T),
            "the sign is flipped: dE/dW = -delta a^T": -want,
        }))
    return Plan({"fixed_gradients": calls})


@checker("ex-gradient-checking-3", plan=_fixed_plan, shortcuts=BACKWARD_PASS)
def check_fixed_gradients(plan: Plan, fixed_gradients: Ran) -> Verdict:
    """``ex-gradient-checking-3``: the corrected backward pass ``fixed_gradients(net, X,
    T) -> (grads_W, grads_b)``, on sigmoid networks of depth 2, 3 and 4 of the student's
    variant (no square weight matrix), compared block by block with
    :meth:`Network.gradients`."""
    for call, out in zip(plan.calls["fixed_gradients"], fixed_gradients.values):
        net = call.args[0]
        depth = len(net.weights)
        if not (isinstance(out, (tuple, list)) and len(out) == 2
                and all(isinstance(part, (tuple, list)) and len(part) == depth
                        for part in out)):
            return wrong(f"return two lists, `grads_W, grads_b`, each with one array per "
                         f"layer ({depth} for a network of depth {depth}).")
        blocks = [as_array(b) for pair in zip(*out) for b in pair]
        shapes = [p.shape for pair in zip(net.weights, net.biases) for p in pair]
        bad = next((i for i, (b, s) in enumerate(zip(blocks, shapes))
                    if b is None or b.shape != s), None)
        if bad is not None:
            kind = "grads_W" if bad % 2 == 0 else "grads_b"
            return wrong(f"{kind}[{bad // 2}] should have shape {shapes[bad]}, the shape of "
                         f"the parameter it belongs to.")
        want = _split(call.want, shapes)
        if all(close(b, w) for b, w in zip(blocks, want)):
            continue
        for description, mistake in call.mistakes.items():
            if all(close(b, w) for b, w in zip(blocks, _split(mistake, shapes))):
                return wrong(f"close: {description}.")
        sizes = "-".join(str(s) for s in net.sizes)
        failing = [f"{'W' if i % 2 == 0 else 'b'}{i // 2 + 1}"
                   for i, (b, w) in enumerate(zip(blocks, want)) if not close(b, w)]
        return wrong(f"on a {sizes} network these blocks differ from Network.gradients: "
                     f"{', '.join(failing)}; check them with your gradient checker.")
    return correct("every block matches Network.gradients on networks of depth 2, 3 and 4.")


def _split(flat: np.ndarray, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    out, pos = [], 0
    for s in shapes:
        n = int(np.prod(s))
        out.append(flat[pos:pos + n].reshape(s))
        pos += n
    return out
