"""Checks of the *find the bug* exercises of part III, *Watching networks learn*:
``book/training-xor``, ``book/error-landscapes`` and ``book/beyond-xor`` (their own module,
so that :mod:`.watching` stays under 500 lines).

Each exercise shows a student's function with one bug; the student writes the corrected
function. References come from the package at check time (:class:`Network`,
:func:`backprop.landscapes.stacked_errors`, :meth:`Network.backward`), on inputs of the
student's variant; the named mistakes, the student's bug among them, are the same
computations done wrong on the trusted side. See :mod:`backprop.exercises.framework`.
"""

from __future__ import annotations

import numpy as np

from ..landscapes import stacked_errors
from ..network import Network, get_activation
from . import wire
from .backpropagation import BACKWARD_PASS
from .framework import Call, Plan, Ran, Verdict, checker, correct, variant_sizes, wrong
from .judging import compare_calls

__all__ = ["check_relu_hidden_deltas", "check_slice_errors", "check_xor_starts"]


# --------------------------------------------------------------------------- book/training-xor
def _starts_plan(rng: np.random.Generator) -> Plan:
    n = int(rng.integers(4, 9))
    first, other = (int(s) for s in rng.integers(0, 2**31, 2))
    calls = [Call((n, wire.seed(first))), Call((n, wire.seed(first))),
             Call((n, wire.seed(other)))]
    return Plan({"xor_starts": calls}, {"n": n})


def _flat(net: object) -> np.ndarray | None:
    try:
        if [getattr(f, "name", f) for f in net.functions] != ["sigmoid", "sigmoid"]:
            return None
        shapes = [np.shape(w) for w in net.weights] + [np.shape(b) for b in net.biases]
        if shapes != [(2, 2), (1, 2), (2,), (1,)]:
            return None
        return np.concatenate([np.ravel(p) for pair in zip(net.weights, net.biases)
                               for p in pair]).astype(float)
    except (AttributeError, TypeError, ValueError):
        return None


@checker("ex-training-xor-4", plan=_starts_plan)
def check_xor_starts(plan: Plan, xor_starts: Ran) -> Verdict:
    """``ex-training-xor-4``: ``xor_starts(n, rng)``, ``n`` 2-2-1 sigmoid networks with
    random weights drawn from the one generator ``rng``: all different, the same again for
    the same seed, others for another seed."""
    n = plan.context["n"]
    runs = []
    for out in xor_starts.values:
        if not isinstance(out, (list, tuple)) or len(out) != n:
            return wrong(f"return a list of {n} networks for n = {n}.")
        flats = [_flat(net) for net in out]
        if any(f is None for f in flats):
            return wrong("every start should be a Network((2, 2, 1), \"sigmoid\", rng=...), "
                         "a 2-2-1 sigmoid network.")
        runs.append(np.array(flats))
    first, again, other = runs
    if any(np.allclose(first[i], first[j]) for i in range(n) for j in range(i)):
        return wrong("close: some of the networks are identical: each got a generator "
                     "seeded the same way. Draw them all from the one rng you are given.")
    if not np.array_equal(first, again):
        return wrong("the same seed gave other networks: draw the weights from the rng you "
                     "are given, not from a generator of your own or np.random's global one.")
    if np.allclose(first, other):
        return wrong("another seed gave the same networks: the weights must come from rng.")
    return correct(f"the {n} starts are all different, and reproducible from the seed.")


# --------------------------------------------------------------------------- book/error-landscapes
def _slice_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for n_u, n_v in ((int(rng.integers(4, 8)), int(rng.integers(9, 13))), (7, 7)):
        net = Network((2, 2, 1), "sigmoid", rng=rng, weight_scale=2.0)
        X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        T = np.array([[0.0], [1.0], [1.0], [0.0]])
        d1, d2 = rng.normal(size=(2, net.parameters().size))
        u = np.sort(rng.uniform(-3, 3, n_u))
        v = np.sort(rng.uniform(-2, 4, n_v))
        grid = [[net.parameters() + a * d1 + b * d2 for a in u] for b in v]
        want = stacked_errors(net, np.reshape(grid, (-1, d1.size)), X, T).reshape(n_v, n_u)
        calls.append(Call((net, X, T, d1, d2, u, v), want=want, mistakes={
            "the array is the transpose of the slice: E[i, j] must be the error at u[j], "
            "v[i] (rows follow v, as in landscape_slice and contour plots); np.meshgrid's "
            "default indexing='xy' gives that": want.T,
            "the directions are swapped: u goes with d1, v with d2":
                stacked_errors(net, np.reshape([[net.parameters() + a * d2 + b * d1
                                                 for a in u] for b in v], (-1, d1.size)),
                               X, T).reshape(n_v, n_u),
        }))
    return Plan({"slice_errors": calls})


@checker("ex-error-landscapes-4", plan=_slice_plan,
         shortcuts=("backprop.landscapes:landscape_slice",))
def check_slice_errors(plan: Plan, slice_errors: Ran) -> Verdict:
    """``ex-error-landscapes-4``: ``slice_errors(net, X, T, d1, d2, u, v)``, the errors on
    the grid :math:`\\theta_0 + u_j d_1 + v_i d_2` as an array with rows for ``v`` (the
    orientation of ``landscape_slice``), on grids of the student's variant (one with as many
    ``u`` as ``v``, where a transposed array has the right shape), compared with
    :func:`backprop.landscapes.stacked_errors`."""
    return compare_calls(slice_errors, plan.calls["slice_errors"],
                         shape_names="(len(v), len(u)): one row per v",
                         done="matches the slice")


# --------------------------------------------------------------------------- book/beyond-xor
def _relu_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for dead in (0, 1, 2):
        n_i, n_j, n_k = variant_sizes(rng)
        net = Network((n_i, n_j, n_k), ["relu", "sigmoid"], rng=rng, weight_scale=1.0)
        net.biases[0][:dead] = -5.0                  # some units off for every input
        X = rng.uniform(-1, 1, (int(rng.integers(4, 8)), n_i))
        T = rng.uniform(0.05, 0.95, (len(X), n_k))
        fwd = net.forward(X)
        grads = net.backward(fwd, T)
        H, back = fwd.activations[1], grads.deltas[1] @ net.weights[1]
        sig = get_activation("sigmoid").fprime_from_a(H)
        calls.append(Call((grads.deltas[1], net.weights[1], H), want=grads.deltas[0],
                          mistakes={
            "units that are off (a_j = 0) still pass the error back: f'(net_j) = [a_j > 0] "
            "is 0 for them; a_j >= 0 holds for every ReLU unit": back,
            "that is the sigmoid's slope a(1 - a); the ReLU's is 1 where a > 0, else 0":
                sig * back,
            "the sign is flipped: delta_j = f'(net_j) sum_k delta_k w_kj": -grads.deltas[0],
        }))
    return Plan({"relu_hidden_deltas": calls})


@checker("ex-beyond-xor-4", plan=_relu_plan, shortcuts=BACKWARD_PASS)
def check_relu_hidden_deltas(plan: Plan, relu_hidden_deltas: Ran) -> Verdict:
    """``ex-beyond-xor-4``: ``relu_hidden_deltas(delta_out, W2, A_hidden)`` of a ReLU hidden
    layer, on networks of the student's variant with none, one and two units off for every
    input, compared with :meth:`Network.backward`."""
    return compare_calls(relu_hidden_deltas, plan.calls["relu_hidden_deltas"],
                         shape_names="(samples, hidden units), like A_hidden",
                         done="matches the ReLU network's backward pass")
