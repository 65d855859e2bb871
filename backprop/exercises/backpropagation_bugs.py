"""Checks of the *find the bug* exercises of part II, *Backpropagation*:
``book/output-layer``, ``book/hidden-layer``, ``book/biases-batches``, ``book/any-depth`` and
``book/worked-example`` (their own module, so that :mod:`.backpropagation` stays under 500
lines).

Each exercise shows a student's function with one bug; the student writes the corrected
function. The references come from :meth:`Network.backward` on networks of the student's
variant, and the named mistakes (the student's bug among them) are the same computations
done wrong on the trusted side, so no answer is written here. See
:mod:`backprop.exercises.framework` for the shape of a check.
"""

from __future__ import annotations

import numpy as np

from ..network import Network, get_activation
from .backpropagation import BACKWARD_PASS, deep_case, two_layer_case
from .framework import Call, Plan, Ran, Verdict, checker, correct, wrong
from .judging import as_array, close, compare_calls, same_array

__all__ = ["check_hidden_deltas_fixed", "check_output_step", "check_post_gradients",
           "check_sgd_step", "check_weight_gradients"]

_SIG, _TANH = get_activation("sigmoid"), get_activation("tanh")


def _pair(out: object, what: str) -> tuple[np.ndarray | None, np.ndarray | None] | str:
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        return f"return two arrays, {what}."
    return as_array(out[0]), as_array(out[1])


# --------------------------------------------------------------------------- book/output-layer
def _output_step_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for _ in range(3):
        net, X, T = two_layer_case(rng)
        fwd = net.forward(X)
        H, A = fwd.activations[1], fwd.output
        W2, b2, eta = net.weights[1], net.biases[1], float(rng.choice([0.5, 1.0, 2.0]))
        grads = net.backward(fwd, T)
        want = (W2 - eta * grads.weights[1], b2 - eta * grads.biases[1])
        ref = grads.deltas[1]

        def step(delta: np.ndarray, W2=W2, b2=b2, H=H, eta=eta
                 ) -> tuple[np.ndarray, np.ndarray]:
            return W2 + eta * delta.T @ H, b2 + eta * delta.sum(axis=0)

        calls.append(Call((W2, b2, H, A, T, eta), want=want, mistakes={
            "the slope is still taken at the targets: f'(net_k) = a_k(1 - a_k) is the "
            "slope of the output unit, at its output A_out": step((T - A) * T * (1 - T)),
            "the factor f'(net_k) is missing: (t - a) alone is the delta of a linear output":
                step(T - A),
            "the step goes uphill: with delta = -dE/dnet the change is +eta delta a":
                step(-ref),
            "the step is averaged over the patterns, but E sums them": step(ref / len(X)),
        }))
    return Plan({"output_step": calls})


@checker("ex-output-layer-4", plan=_output_step_plan, shortcuts=BACKWARD_PASS)
def check_output_step(plan: Plan, output_step: Ran) -> Verdict:
    """``ex-output-layer-4``: the corrected batch step ``output_step(W2, b2, A_hidden,
    A_out, T, eta) -> (W2_new, b2_new)`` of the output layer, on three networks of the
    student's variant, compared with ``-eta`` times :meth:`Network.backward`'s gradients."""
    for call, out in zip(plan.calls["output_step"], output_step.values):
        got = _pair(out, "W2_new and b2_new")
        if isinstance(got, str):
            return wrong(got)
        (W, b), (W_want, b_want) = got, call.want
        if W is None or W.shape != W_want.shape or b is None or b.shape != b_want.shape:
            return wrong(f"W2_new should have the shape {W_want.shape} of W2 and b2_new the "
                         f"shape {b_want.shape} of b2.")
        if close(W, W_want) and close(b, b_want):
            continue
        for description, (W_m, b_m) in call.mistakes.items():
            if close(W, W_m) and close(b, b_m):
                return wrong(f"close: {description}.")
        part = "W2_new" if not close(W, W_want) else "b2_new"
        return wrong(f"{part} differs from W2 - eta dE/dW2 (and b2 - eta dE/db2); the "
                     "delta is (t - a) a (1 - a), and Delta W2 = eta delta^T A_hidden.")
    return correct("the step is -eta times the gradient on 3 random networks.")


# --------------------------------------------------------------------------- book/hidden-layer
def _hidden_fixed_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for _ in range(3):
        net, X, T = two_layer_case(rng, min_outputs=2)
        fwd = net.forward(X)
        H, A, W2 = fwd.activations[1], fwd.output, net.weights[1]
        grads = net.backward(fwd, T)
        ref, slope = grads.deltas[0], _SIG.fprime_from_a(H)
        calls.append(Call((T, A, W2, H), want=ref, mistakes={
            "the output error t - a is still carried back in place of the output deltas: "
            "each path goes through the output unit's slope a_k(1 - a_k) too":
                slope * ((T - A) @ W2),
            "the factor f'(net_j) = a_j(1 - a_j) of the hidden unit is missing":
                grads.deltas[1] @ W2,
            "the sign is flipped: delta_j = f'(net_j) sum_k delta_k w_kj": -ref,
            "that is tanh's slope 1 - a^2; the hidden units are sigmoid":
                _TANH.fprime_from_a(H) * (grads.deltas[1] @ W2),
        }))
    return Plan({"hidden_deltas_fixed": calls})


@checker("ex-hidden-layer-4", plan=_hidden_fixed_plan, shortcuts=BACKWARD_PASS)
def check_hidden_deltas_fixed(plan: Plan, hidden_deltas_fixed: Ran) -> Verdict:
    """``ex-hidden-layer-4``: the corrected ``hidden_deltas_fixed(T, A_out, W2, A_hidden)``
    of a sigmoid network with two or more outputs, on three networks of the student's
    variant, compared with :meth:`Network.backward`'s hidden deltas."""
    return compare_calls(hidden_deltas_fixed, plan.calls["hidden_deltas_fixed"],
                         shape_names="(samples, hidden units), like A_hidden",
                         done="matches the hidden-layer rule")


# --------------------------------------------------------------------------- book/biases-batches
def _sgd_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for _ in range(3):
        net, X, T = two_layer_case(rng, min_outputs=2, patterns=(1, 2))
        eta = float(rng.choice([0.3, 0.5, 1.0]))
        after = net.copy()
        after.train_epoch(X, T, eta, mode="online")
        d = net.gradients(X, T).deltas
        summed = net.copy()            # every bias moved by the sum of its layer's deltas
        summed.weights = list(after.weights)
        summed.biases = [b + eta * np.full(b.shape, dl.sum()) for b, dl in zip(net.biases, d)]
        frozen = net.copy()
        frozen.weights, frozen.biases = list(after.weights), list(net.biases)
        calls.append(Call((net, X, T, eta), watch=(0,), want=after.parameters(), mistakes={
            "each bias still moves by the sum of its layer's deltas: sum over the patterns "
            "(axis 0), not over the units": summed.parameters(),
            "the biases do not move: a bias learns like a weight whose input is 1":
                frozen.parameters(),
        }, context=net.parameters()))
    return Plan({"sgd_step": calls})


@checker("ex-biases-batches-4", plan=_sgd_plan,
         shortcuts=("backprop.network:Network.train_epoch", "backprop.network:Network.train",
                    "backprop.network:Network.apply"))
def check_sgd_step(plan: Plan, sgd_step: Ran) -> Verdict:
    """``ex-biases-batches-4``: the corrected on-line step ``sgd_step(net, x, t, eta)`` on
    one pattern, updating ``net`` in place, on three networks of the student's variant with
    two or more outputs, compared with ``train_epoch(..., mode="online")``."""
    for call, after in zip(plan.calls["sgd_step"], sgd_step.after):
        net = after[0]
        try:
            got = np.concatenate([np.ravel(p) for pair in zip(net.weights, net.biases)
                                  for p in pair])
        except (AttributeError, TypeError, ValueError):
            return wrong("`net` is no longer a network: update its weights and biases in "
                         "place.")
        if got.shape != call.want.shape:
            return wrong("the network changed shape: a bias vector must keep one entry per "
                         "unit; sum the deltas over the patterns, axis 0.")
        if same_array(got, call.want):
            continue
        if same_array(got, call.context):
            return wrong("the network did not change: update `net.weights` and `net.biases` "
                         "themselves.")
        for description, mistake in call.mistakes.items():
            if same_array(got, mistake):
                return wrong(f"close: {description}.")
        return wrong("the parameters differ from one on-line step, W += eta delta^T a and "
                     "b += eta (delta summed over the patterns).")
    return correct("every step matches train_epoch(mode='online') on one pattern.")


# --------------------------------------------------------------------------- book/any-depth
def _weight_gradients_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for depth in (2, 3, 4):
        net, X, T = deep_case(rng, depth)
        fwd = net.forward(X)
        grads = net.backward(fwd, T)
        A = fwd.activations
        calls.append(Call((grads.deltas, A), want=grads.weights, mistakes={
            "the sign is flipped: dE/dW = -delta^T a": [-g for g in grads.weights],
            "the gradient is averaged over the patterns, but E sums them":
                [g / len(X) for g in grads.weights],
        }))
    return Plan({"weight_gradients": calls})


@checker("ex-any-depth-4", plan=_weight_gradients_plan, shortcuts=BACKWARD_PASS)
def check_weight_gradients(plan: Plan, weight_gradients: Ran) -> Verdict:
    """``ex-any-depth-4``: the corrected ``weight_gradients(deltas, activations)``, the
    list of :math:`\\partial E/\\partial W^{(l)}` from the deltas and activations of
    :meth:`Network.backward` on sigmoid networks of depth 2, 3 and 4 of the student's
    variant (no square weight matrix)."""
    for call, got in zip(plan.calls["weight_gradients"], weight_gradients.values):
        want = call.want
        if not isinstance(got, (list, tuple)) or len(got) != len(want):
            return wrong(f"return a list with one gradient per weight matrix ({len(want)} "
                         f"for this network).")
        for l, (g, w) in enumerate(zip(got, want), start=1):
            a = as_array(g)
            if a is None or a.shape != w.shape:
                shape = None if a is None else a.shape
                n_l = w.shape[0]
                hint = (" That is the shape of delta^(l)^T a^(l), the layer's own "
                        "activations: W^(l) multiplies a^(l-1), activations[l - 1]."
                        if shape == (n_l, n_l) else "")
                return wrong(f"the gradient of W^({l}) should have the shape {w.shape} of "
                             f"W^({l}); yours has {shape}.{hint}")
        if all(close(g, w) for g, w in zip(got, want)):
            continue
        for description, mistake in call.mistakes.items():
            if all(close(g, m) for g, m in zip(got, mistake)):
                return wrong(f"close: {description}.")
        bad = next(l for l, (g, w) in enumerate(zip(got, want), start=1) if not close(g, w))
        return wrong(f"the gradient of W^({bad}) differs from Network.backward's: "
                     "dE/dW^(l) = -delta^(l)^T a^(l-1).")
    return correct("every layer's gradient matches Network.backward on networks of depth 2, "
                   "3 and 4.")


# --------------------------------------------------------------------------- book/worked-example
#: The post's names of the example's weights: W^(1) row h1 is (w1, w2), W^(2) row o1 (w5, w6).
_POST_WEIGHTS = {"w1": (0, 0, 0), "w2": (0, 0, 1), "w3": (0, 1, 0), "w4": (0, 1, 1),
                 "w5": (1, 0, 0), "w6": (1, 0, 1), "w7": (1, 1, 0), "w8": (1, 1, 1)}


def _post_values(net: Network, x: np.ndarray, t: np.ndarray) -> tuple[dict, dict]:
    """The dictionary the exercise's function takes (inputs, targets, weights, forward
    pass, in the post's names) and the reference gradients, by name."""
    fwd = net.forward(x[None, :])
    grads = net.backward(fwd, t[None, :])
    v = {"i1": float(x[0]), "i2": float(x[1]), "t1": float(t[0]), "t2": float(t[1])}
    v.update({w: float(net.weights[l][p, q]) for w, (l, p, q) in _POST_WEIGHTS.items()})
    (h1, h2), (o1, o2) = fwd.activations[1][0], fwd.activations[2][0]
    v.update({"out_h1": float(h1), "out_h2": float(h2), "out_o1": float(o1),
              "out_o2": float(o2)})
    return v, {w: float(grads.weights[l][p, q]) for w, (l, p, q) in _POST_WEIGHTS.items()}


def _post_plan(rng: np.random.Generator) -> Plan:
    from ..worked_example import MAZUR, mazur_network

    X, T = MAZUR.data()
    b = rng.uniform(0.1, 0.8, 2)
    other = Network.from_parameters([rng.uniform(-1, 1, (2, 2)) for _ in range(2)],
                                    [[b[0], b[0]], [b[1], b[1]]])
    calls = []
    for net, x, t in ((mazur_network(), X[0], T[0]),
                      (other, rng.uniform(0, 1, 2), rng.uniform(0.05, 0.95, 2))):
        v, want = _post_values(net, x, t)
        slipped = net.copy()             # the blog's slip: w6 and w7 swapped in the sums
        slipped.weights[1] = net.weights[1].T.copy()
        fwd = net.forward(x[None, :])
        d_hid = (fwd.activations[1] * (1 - fwd.activations[1])
                 * (net.backward(fwd, t[None, :]).deltas[1] @ slipped.weights[1]))
        slip = dict(want)
        slip.update({w: float(-(d_hid.T @ x[None, :])[p, q])
                     for w, (l, p, q) in _POST_WEIGHTS.items() if l == 0})
        calls.append(Call((v,), want=want, mistakes={
            "the sums over the outputs still take the weights into o1 (w5, w6) where the "
            "weights out of h1 (w5, w7) belong: a column of W2, not a row": slip,
            "the sign is flipped: dE/dw = -delta out": {w: -g for w, g in want.items()},
        }))
    return Plan({"post_gradients": calls})


def _as_gradients(out: object) -> dict[str, float] | str:
    if not isinstance(out, dict):
        return "return a dictionary of the eight gradients, keyed 'w1' to 'w8'."
    missing = sorted(set(_POST_WEIGHTS) - set(out))
    if missing:
        return f"the dictionary lacks {', '.join(missing)}; give all eight gradients."
    values = {}
    for w in _POST_WEIGHTS:
        a = as_array(out[w])
        if a is None or a.size != 1:
            return f"the gradient of {w} should be one number."
        values[w] = float(a.ravel()[0])
    return values


def _agrees(got: dict[str, float], reference: dict[str, float],
            names: tuple[str, ...] = tuple(_POST_WEIGHTS)) -> bool:
    return all(abs(got[w] - reference[w]) <= 1e-9 * max(1.0, abs(reference[w])) for w in names)


@checker("ex-worked-example-4", plan=_post_plan, shortcuts=BACKWARD_PASS)
def check_post_gradients(plan: Plan, post_gradients: Ran) -> Verdict:
    """``ex-worked-example-4``: the corrected ``post_gradients(v)`` of the worked example, the
    eight weight gradients by the post's names, for the example's numbers and for another
    2-2-2 network and pattern of the student's variant, compared with
    :meth:`Network.backward`."""
    for n, (call, out) in enumerate(zip(plan.calls["post_gradients"],
                                        post_gradients.values)):
        which = "the example's numbers" if n == 0 else "other numbers"
        got = _as_gradients(out)
        if isinstance(got, str):
            return wrong(got)
        if _agrees(got, call.want):
            continue
        for description, mistake in call.mistakes.items():
            if _agrees(got, mistake):
                return wrong(f"close: with {which} {description}.")
        bad = [w for w in _POST_WEIGHTS if not _agrees(got, call.want, (w,))]
        return wrong(f"with {which} the gradients of {', '.join(bad)} differ from the "
                     "chain rule: dE/dw = -delta times the value the weight multiplies.")
    return correct("all eight gradients match the example's and a second network's.")
