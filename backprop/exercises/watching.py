"""Checks of the exercises of part III, *Watching networks learn*: ``book/training-xor``,
``book/other-losses``, ``book/error-landscapes`` and ``book/beyond-xor``.

References come from :mod:`backprop.training` and SymPy at check time, on networks and
data of the student's variant. See :mod:`backprop.exercises.framework` for the shape of a
check.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from .. import symbolic
from ..datasets import xor
from ..gradcheck import network_numerical_gradient
from ..landscapes import stacked_errors
from ..network import Network, get_activation
from ..training import TrainingConfig, make_state, train_epochs
from .framework import Call, Plan, Ran, Verdict, checker, correct, not_yet, variant_sizes, wrong
from .judging import (
    as_array,
    as_expression,
    close,
    compare_calls,
    judge_expression,
    judge_number,
    same_array,
)
from .wire import Record, WireError, WireNetwork, seed

__all__ = ["LOG_SOFTMAX_APART", "LOG_SOFTMAX_EXTREME", "check_line_errors",
           "check_log_softmax", "check_momentum_epochs", "check_net_along_normal",
           "check_softmax_gradients", "check_symmetric_twin", "check_tanh_as_sigmoids",
           "check_tanh_cross_entropy_delta", "check_xor_of_blobs", "check_xor_origin"]

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


# --------------------------------------------------------------------------- book/other-losses
@lru_cache(maxsize=1)
def _tanh_ce_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    t, a = sp.symbols("t_k a_k")
    E = -((1 + t) / 2 * sp.log((1 + a) / 2) + (1 - t) / 2 * sp.log((1 - a) / 2))
    minus_dE_da = sp.factor(-sp.diff(E, a))
    slope = symbolic.activation_derivative("tanh", a)
    ref = sp.factor(minus_dE_da * slope)
    return ref, {
        "that is -dE/da_k; the delta is -dE/dnet_k, so multiply by the unit's slope "
        "tanh' = 1 - a_k^2": minus_dE_da,
        "the sign is flipped: the book's delta is -dE/dnet_k": -ref,
        "that multiplies by the sigmoid's slope a_k(1 - a_k); tanh's is 1 - a_k^2":
            minus_dE_da * symbolic.activation_derivative("sigmoid", a),
        "that is the squared error's delta (t_k - a_k)(1 - a_k^2): with the cross-entropy "
        "the loss's slope has 1 - a_k^2 in its denominator, which cancels the unit's":
            ref * slope,
        "a factor 2 too many: the halves in (1 + t_k)/2 and (1 - t_k)/2 stay": 2 * ref,
    }


@checker("ex-other-losses-1")
def check_tanh_cross_entropy_delta(plan: Plan, answer: object) -> Verdict:
    """``ex-other-losses-1``: the output delta of a tanh unit trained on the cross-entropy
    of targets :math:`\\pm 1`, in ``t_k`` and ``a_k``; derived here by ``sympy.diff`` of the
    loss and the slope :func:`backprop.symbolic.activation_derivative`."""
    ref, mistakes = _tanh_ce_reference()
    return judge_expression(answer, ref, mistakes=mistakes, symbols_hint="t_k, a_k")


def _softmax_case(rng: np.random.Generator) -> tuple[Network, np.ndarray, np.ndarray]:
    n_i, n_j, _ = variant_sizes(rng)
    # At least two classes, and still no square weight matrix.
    n_k = int(rng.choice([n for n in range(2, 6) if n not in (n_i, n_j)]))
    net = Network((n_i, n_j, n_k), ["sigmoid", "softmax"], loss="categorical_cross_entropy",
                  rng=rng, weight_scale=1.0)
    P = int(rng.integers(4, 8))
    X = rng.uniform(-1, 1, (P, n_i))
    T = np.eye(n_k)[rng.integers(0, n_k, P)]
    return net, X, T


def _softmax_plan(rng: np.random.Generator) -> Plan:
    calls = []
    sig = get_activation("sigmoid")
    for _ in range(3):
        net, X, T = _softmax_case(rng)
        fwd = net.forward(X)
        back = net.backward(fwd, T)
        ref, out = back.deltas[-1], fwd.output
        calls.append(Call((net, X, T), want=[back.weights[0], back.weights[1]],
                          context=network_numerical_gradient(net, X, T), mistakes={
            "the output delta still multiplies by A2 (1 - A2): for a softmax with the "
            "categorical cross-entropy delta2 = -J^T dE/da needs no further factor":
                _gradients_from(net, fwd, ref * sig.fprime_from_a(out)),
            "the signs are flipped: the gradient is minus the deltas times the activations "
            "(dE/dW = -delta^T a)": _gradients_from(net, fwd, -ref),
        }))
    return Plan({"softmax_gradients": calls})


def _gradients_from(net: Network, fwd, delta_out: np.ndarray) -> list[np.ndarray]:
    """The weight gradients that output deltas ``delta_out`` give through the package's
    hidden-layer rule (the hidden function's own backward product)."""
    X, hidden = fwd.activations[0], fwd.activations[1]
    delta_hidden = net.functions[0].backward(hidden, delta_out @ net.weights[1])
    return [-(delta_hidden.T @ X), -(delta_out.T @ hidden)]


def _as_pair(value: object) -> list[np.ndarray] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    arrays = [as_array(v) for v in value]
    return None if any(a is None for a in arrays) else arrays


@checker("ex-other-losses-2", plan=_softmax_plan,
         shortcuts=("backprop.network:Network.backward", "backprop.network:Network.gradients"))
def check_softmax_gradients(plan: Plan, softmax_gradients: Ran) -> Verdict:
    """``ex-other-losses-2``: ``softmax_gradients(net, X, T)`` returns
    :math:`[\\partial E/\\partial W^{(1)}, \\partial E/\\partial W^{(2)}]` of the categorical
    cross-entropy for a sigmoid hidden layer and a softmax output layer, on three networks
    of the student's variant; compared with :meth:`backprop.network.Network.backward` and
    with central differences of the loss."""
    for call, value in zip(plan.calls["softmax_gradients"], softmax_gradients.values):
        got, want = _as_pair(value), call.want
        if got is None:
            return wrong("return a list of two arrays, [dE/dW1, dE/dW2].")
        if [g.shape for g in got] == [w.shape for w in want[::-1]] != \
                [w.shape for w in want]:
            return wrong("close: dE/dW1 and dE/dW2 are swapped; return them in layer order.")
        for l, (g, w) in enumerate(zip(got, want), start=1):
            if g.shape != w.shape:
                return wrong(f"dE/dW{l} must have the shape of W^({l}), {w.shape} (units in "
                             f"layer {l}, units in layer {l - 1}), not {g.shape}.")
        if not all(np.all(np.isfinite(g)) for g in got):
            return wrong("the result contains NaN or inf.")
        if all(close(g, w) for g, w in zip(got, want)):
            flat = np.concatenate([g.ravel() for g in got])
            fd = np.concatenate([call.context[s].ravel() for s in _weight_slices(call.args[0])])
            if not close(flat, fd, rtol=1e-5):
                return wrong("the gradients disagree with finite differences of the loss.")
            continue
        for description, mistake in call.mistakes.items():
            if all(close(g, m) for g, m in zip(got, mistake)):
                return wrong(f"close: {description}.")
        if close(got[1], want[1]):
            return wrong("dE/dW2 is right but dE/dW1 is not: the hidden deltas are the "
                         "hidden units' slope times delta2 @ W2, as in the colleague's code.")
        return wrong("dE/dW2 is wrong: find the output delta of a softmax with the "
                     "categorical cross-entropy, -J^T dE/da, and compare with finite "
                     "differences.")
    return correct("both gradients match the backward pass, and finite differences of the "
                   "loss, on 3 random networks.")


def _weight_slices(net: Network) -> list[slice]:
    from ..network import parameter_slices

    return [w for w, _ in parameter_slices(net.sizes)]


#: The largest net input magnitude the log-softmax check uses, and the gap between the
#: rows of its last case (``book/other-losses`` quotes both).
LOG_SOFTMAX_EXTREME = 1000.0
LOG_SOFTMAX_APART = 800.0


def _log_softmax_reference(net: np.ndarray) -> np.ndarray:
    # 50 significant digits: an independent reference that nothing in float64 can match
    # by overflowing the same way.
    with mpmath.workdps(50):
        rows = [[mpmath.mpf(float(x)) for x in row] for row in net]
        out = [[x - mpmath.log(mpmath.fsum(mpmath.exp(y) for y in row)) for x in row]
               for row in rows]
    return np.array([[float(x) for x in row] for row in out])


def _log_softmax_plan(rng: np.random.Generator) -> Plan:
    K = int(rng.integers(3, 6))
    cases = {
        "moderate": rng.normal(0, 2, (5, K)),
        "extreme": rng.choice([-LOG_SOFTMAX_EXTREME, LOG_SOFTMAX_EXTREME], (4, K))
        + rng.normal(0, 1, (4, K)),
        "apart": rng.normal(0, 1, (3, K)) + LOG_SOFTMAX_APART * np.array([[1.0], [0.0], [-1.0]]),
    }
    calls = []
    for name, net in cases.items():
        ref = _log_softmax_reference(net)
        calls.append(Call((net,), want=ref, context=name, mistakes={
            "that is the softmax itself; return its logarithm": np.exp(ref),
            "the sign is flipped: log a_k is at most 0": -ref,
            "normalised over the wrong axis: each row (one sample) is one distribution, so "
            "reduce over the last axis": _log_softmax_reference(net.T).T,
        }))
    return Plan({"log_softmax": calls})


@checker("ex-other-losses-3", plan=_log_softmax_plan)
def check_log_softmax(plan: Plan, log_softmax: Ran) -> Verdict:
    """``ex-other-losses-3``: ``log_softmax(net)``, row by row, must stay finite and exact
    for net inputs of moderate size, of about :data:`LOG_SOFTMAX_EXTREME` in magnitude, and
    for rows :data:`LOG_SOFTMAX_APART` apart; the reference is computed to 50 digits."""
    calls = plan.calls["log_softmax"]
    for call, value in zip(calls, log_softmax.values):
        got = as_array(value)
        if got is not None and got.shape == call.want.shape and \
                not np.all(np.isfinite(got)):
            if call.context == "moderate":
                return wrong("the result contains NaN or inf even for small net inputs.")
            if call.context == "extreme":
                return wrong("exp overflowed (or its sum underflowed to 0) for net inputs of "
                             f"about +-{LOG_SOFTMAX_EXTREME:.0f}: subtract each row's largest "
                             "net input first; the softmax does not change.")
            return wrong("a row far below the others underflowed to log 0: subtract each "
                         "row's own largest net input, not the largest of the whole batch.")
    return compare_calls(log_softmax, calls, shape_names="one row per sample, like net",
                         done="the log-probabilities are right, and finite,")


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
    :func:`backprop.landscapes.stacked_errors` at 11 evenly spaced points."""
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
