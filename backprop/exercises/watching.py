"""Checks of the exercises of part III, *Watching networks learn*: ``book/training-xor``,
``book/error-landscapes`` and ``book/beyond-xor``.

References come from :mod:`backprop.training` and SymPy at check time, on networks and
data of the student's variant. See :mod:`backprop.exercises.framework` for the shape of a
check.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from .. import symbolic
from ..datasets import xor
from ..network import Network
from ..training import TrainingConfig, make_state, stacked_errors, train_epochs
from .framework import Call, Plan, Ran, Verdict, checker, correct, not_yet, wrong
from .judging import as_array, as_expression, judge_expression, judge_number, same_array
from .wire import Record, WireError, WireNetwork, seed

__all__ = ["check_line_errors", "check_momentum_epochs", "check_net_along_normal",
           "check_symmetric_twin", "check_tanh_as_sigmoids", "check_xor_of_blobs",
           "check_xor_origin"]

TRAINING_LOOP = ("backprop.training:train_epochs", "backprop.training:train_step",
                 "backprop.network:Network.train", "backprop.network:Network.train_epoch")


# --------------------------------------------------------------------------- book/training-xor
@lru_cache(maxsize=1)
def _normal_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    w1, w2, b, s = sp.symbols("w_j1 w_j2 b_j s")
    w = sp.Matrix([w1, w2])
    foot = -b * w / w.dot(w)                     # the point of the line nearest the origin
    norm = sp.sqrt(w.dot(w))
    ref = sp.simplify(w.dot(foot + s * w / norm) + b)
    return ref, {
        "the normal w_j is not divided by its length, so s is not a distance": norm**2 * s,
        "the start point is not on the line net_j = 0 (the bias is left over)": ref + b,
        "s is divided by the length instead of multiplied": s / norm,
    }


@checker("ex-training-xor-1")
def check_net_along_normal(plan: Plan, answer: object) -> Verdict:
    """``ex-training-xor-1``: :math:`\\mathrm{net}_j` at signed distance ``s`` from the line
    :math:`\\mathrm{net}_j = 0`; derived here by substituting a point of the line plus ``s``
    unit normals. Symbols that cancel (a position along the line) are allowed."""
    ref, mistakes = _normal_reference()
    expr = as_expression(answer)
    if expr is not None and isinstance(expr, sp.Expr):
        answer = sp.simplify(expr)
    return judge_expression(answer, ref, mistakes=mistakes, symbols_hint="w_j1, w_j2, s")


def _momentum_plan(rng: np.random.Generator) -> Plan:
    X, T = xor()
    s = int(rng.integers(0, 1000))
    ref = make_state(TrainingConfig(eta=1.0, momentum=0.8, seed=s), X, T)
    plain = make_state(TrainingConfig(eta=1.0, momentum=0.0, seed=s), X, T)
    start = ref.net.copy()
    want = train_epochs(ref, 100).error_history
    return Plan({"momentum_epochs": [Call((start, X, T, 1.0, 0.8, 100), want=want,
                                          context=train_epochs(plain, 100).error_history)]})


@checker("ex-training-xor-2", plan=_momentum_plan, shortcuts=TRAINING_LOOP)
def check_momentum_epochs(plan: Plan, momentum_epochs: Ran) -> Verdict:
    """``ex-training-xor-2``: batch gradient descent with momentum on XOR from initial
    weights of the student's variant; the error history must match
    :func:`backprop.training.train_epochs` with the same configuration."""
    call = plan.calls["momentum_epochs"][0]
    got, want = momentum_epochs.values[0], call.want
    if same_array(got, want):
        return correct("the error history matches training with momentum.")
    if np.shape(as_array(got) if as_array(got) is not None else got) != want.shape:
        return wrong(f"return the {want.shape[0]} errors, each measured before that epoch's "
                     "update.")
    if same_array(got, call.context):
        return wrong("close: that is plain gradient descent; keep a velocity v = alpha v - "
                     "eta dE/dw from one epoch to the next and add it to the weights.")
    return wrong("the errors differ from training with momentum: record the error before "
                 "each update, and update biases as well as weights.")


def _twin_network(twin: object) -> WireNetwork:
    if isinstance(twin, Record) and isinstance(twin.fields.get("net"), WireNetwork):
        return twin.fields["net"]
    if isinstance(twin, WireNetwork):
        return twin
    raise WireError("not a training state")


@checker("ex-training-xor-3")
def check_symmetric_twin(plan: Plan, twin: object) -> Verdict:
    """``ex-training-xor-3``: a 2-2-1 network whose two hidden units start identical
    (weights in, bias and weight out) stays symmetric and cannot solve XOR: its
    parameters are trained here, with eta = 2, by :func:`backprop.training.train_epochs`."""
    if twin is None:
        return not_yet()
    try:
        net = _twin_network(twin).network()
    except (WireError, ValueError):
        return wrong("give the training state made by make_state (its .net is the 2-2-1 "
                     "network).")
    if net.sizes != (2, 2, 1):
        return wrong(f"the network must be 2-2-1 for XOR; this one is {net.sizes}.")
    W1, b1, W2 = net.weights[0], net.biases[0], net.weights[1]
    if not (np.allclose(W1[0], W1[1]) and np.isclose(b1[0], b1[1])):
        return wrong("the two hidden units must get the same incoming weights and the same "
                     "bias.")
    if not np.isclose(W2[0, 0], W2[0, 1]):
        return wrong("the outgoing weights differ, so the units get different deltas; copy "
                     "w_k1 into w_k2 too.")
    X, T = xor()
    state = make_state(TrainingConfig(eta=2.0, seed=0), X, T)
    state.net.set_parameters(net.weights, net.biases)
    train_epochs(state, 3000)
    if not np.allclose(state.net.weights[0][0], state.net.weights[0][1]):
        return wrong("the units drifted apart during training; make every parameter of the "
                     "two units equal.")
    if state.status == "solved":
        return wrong("the network solved XOR, so it was not symmetric.")
    return correct("the twin units stay identical for 3000 epochs and XOR stays unsolved.")


# --------------------------------------------------------------------------- book/error-landscapes
@lru_cache(maxsize=1)
def _origin_curvature() -> float:
    X, T = xor()
    c = sp.Symbol("c")
    E = sum(sp.Rational(1, 2) * (int(t[0]) - symbolic.sigmoid(c)) ** 2 for t in T)
    return float(sp.diff(E, c, 2).subs(c, 0))


@checker("ex-error-landscapes-1")
def check_xor_origin(plan: Plan, grad_at_origin: object, curvature_c: object) -> Verdict:
    """``ex-error-landscapes-1``: the XOR error of a 2-2-1 sigmoid network has zero gradient
    at the origin of weight space, and :math:`\\partial^2 E/\\partial c^2` there is derived
    here with ``sympy.diff``."""
    if grad_at_origin is None or curvature_c is None:
        return not_yet("replace None by your answers and run the cell again.")
    if not isinstance(grad_at_origin, (list, tuple, sp.MatrixBase)):
        return wrong("give the gradient as a list of its 9 components.")
    grads = list(grad_at_origin)
    exprs = [as_expression(g) for g in grads]
    nonzero = [i for i, g in enumerate(exprs) if g is None or sp.simplify(g) != 0]
    if len(grads) != 9 or nonzero:
        return wrong("the gradient has 9 components (one per parameter) and every one is 0 "
                     "at the origin; " + (f"component(s) {nonzero} are not. Substitute 0 for "
                                          "every parameter after differentiating." if
                                          len(grads) == 9 else f"you gave {len(grads)}."))
    one = _origin_curvature()
    return judge_number(curvature_c, one, mistakes={
        "that is one pattern's share; the error sums all four XOR patterns": one / 4,
        "a factor 2 too many: E carries a half": 2 * one})


def _line_plan(rng: np.random.Generator) -> Plan:
    X, T = xor()
    net = Network((2, 2, 1), "sigmoid", rng=rng, weight_scale=1.0)
    a, b = rng.normal(0, 2, net.parameters().size), rng.normal(0, 2, net.parameters().size)
    s = np.linspace(0.0, 1.0, 11)[:, None]
    want = stacked_errors(net, (1 - s) * a + s * b, X, T)
    return Plan({"line_errors": [Call((net, X, T, a, b, 11), want=want)]})


@checker("ex-error-landscapes-2", plan=_line_plan)
def check_line_errors(plan: Plan, line_errors: Ran) -> Verdict:
    """``ex-error-landscapes-2``: the XOR error along the straight line between two
    parameter vectors of the student's variant, compared with
    :func:`backprop.training.stacked_errors` at 11 evenly spaced points."""
    got, want = as_array(line_errors.values[0]), plan.calls["line_errors"][0].want
    if got is None or got.shape != (11,):
        shape = None if got is None else got.shape
        return wrong(f"with n = 11 return 11 errors, not {shape or 'that'}.")
    if same_array(got, want):
        return correct("the errors match the line from theta_a to theta_b.")
    if same_array(got, want[::-1]):
        return wrong("close: the line runs backwards; s = 0 is theta_a, s = 1 is theta_b.")
    return wrong("the errors differ from those of (1 - s) theta_a + s theta_b for s evenly "
                 "spaced in [0, 1], both ends included.")


# --------------------------------------------------------------------------- book/beyond-xor
@lru_cache(maxsize=1)
def _sigmoid_form_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    n1, n2, v1, v2, c = sp.symbols("net_1 net_2 w_k1 w_k2 b_k")
    ref = v1 * sp.tanh(n1) + v2 * sp.tanh(n2) + c
    sig = symbolic.sigmoid
    return ref, {
        "the bias is not corrected: tanh = 2 sigma(2 net) - 1, so subtract w_k1 + w_k2":
            2 * v1 * sig(2 * n1) + 2 * v2 * sig(2 * n2) + c,
        "the net inputs are not doubled: tanh(net) = 2 sigma(2 net) - 1":
            2 * v1 * sig(n1) + 2 * v2 * sig(n2) + c - v1 - v2,
        "the output weights are not doubled":
            v1 * sig(2 * n1) + v2 * sig(2 * n2) + c - v1 - v2,
    }


@checker("ex-beyond-xor-1")
def check_tanh_as_sigmoids(plan: Plan, answer: object) -> Verdict:
    """``ex-beyond-xor-1``: the output of two tanh hidden units rewritten with sigmoids; it
    must equal ``w_k1 tanh(net_1) + w_k2 tanh(net_2) + b_k`` and contain no tanh."""
    if isinstance(answer, sp.Basic) and answer.has(sp.tanh):
        return wrong("write the output with sigmoids 1/(1 + exp(-x)) only; your expression "
                     "still contains tanh.")
    ref, mistakes = _sigmoid_form_reference()
    return judge_expression(answer, ref, mistakes=mistakes,
                            symbols_hint="net_1, net_2, w_k1, w_k2, b_k")


def _blobs_plan(rng: np.random.Generator) -> Plan:
    s1, s2 = (int(x) for x in rng.integers(0, 2**31, 2))
    return Plan({"xor_of_blobs": [Call((200, seed(s1), 0.0)), Call((200, seed(s2), 0.3))]})


@checker("ex-beyond-xor-2", plan=_blobs_plan)
def check_xor_of_blobs(plan: Plan, xor_of_blobs: Ran) -> Verdict:
    """``ex-beyond-xor-2``: a noisy XOR data set of four blobs at the corners
    :math:`(\\pm1, \\pm1)`; without noise every label is 1 exactly where the two
    coordinates differ in sign, with noise the points spread by about ``noise``."""
    clean, noisy = xor_of_blobs.values
    if not (isinstance(clean, tuple) and len(clean) == 2):
        return wrong("return a tuple (X, T).")
    X, T = (as_array(a) for a in clean)
    if X is None or X.shape != (200, 2):
        return wrong(f"X must have shape (200, 2), not {None if X is None else X.shape}.")
    if T is None or T.shape != (200, 1):
        return wrong("T must have shape (200, 1), one row per sample and one column, not "
                     f"{None if T is None else T.shape}.")
    X, T = X.astype(float), T.astype(float)
    if not np.allclose(np.abs(X), 1.0):
        return wrong("with noise 0 every point must sit exactly on a corner (+-1, +-1).")
    want = (X[:, 0] * X[:, 1] < 0).astype(float)[:, None]
    if np.array_equal(T, 1 - want):
        return wrong("close: the labels are swapped; XOR is 1 where the signs differ.")
    if not np.array_equal(T, want):
        return wrong("label 1 where the two coordinates differ in sign.")
    if len({tuple(x) for x in X}) != 4:
        return wrong("use all four corners.")
    Xn = as_array(noisy[0]) if isinstance(noisy, tuple) and len(noisy) == 2 else None
    if Xn is None or Xn.shape != (200, 2) or \
            not 0.15 < float(np.std(Xn - np.sign(Xn))) < 0.45:
        return wrong("the noise should be Gaussian with standard deviation `noise`.")
    return correct("four XOR blobs with the right labels and spread.")
