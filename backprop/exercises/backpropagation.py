"""Checks of the exercises of part II, *Backpropagation*: ``book/output-layer``,
``book/hidden-layer``, ``book/biases-batches``, ``book/any-depth`` and
``book/worked-example``.

References come from the package's general code at check time (:meth:`Network.backward`,
:mod:`backprop.symbolic`, :mod:`backprop.gradcheck`, :mod:`backprop.worked_example`) on
networks of the student's variant; mistakes are built from the reference and the
package's activation objects, so no answer is written here. See
:mod:`backprop.exercises.framework` for the shape of a check.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from .. import symbolic
from ..gradcheck import network_numerical_gradient, numerical_gradient
from ..network import Network, get_activation, pack
from .framework import Call, Plan, Ran, Verdict, checker, correct, variant_sizes, wrong
from .judging import (
    as_expression,
    close,
    compare_calls,
    compare_layers,
    judge_expression,
    judge_number,
    plain,
    same_array,
    symbol_names,
)

__all__ = ["BACKWARD_PASS", "check_backward_deltas", "check_hidden_delta",
           "check_hidden_deltas", "check_linear_hidden_deltas", "check_mazur_bias_gradient",
           "check_mazur_step", "check_online_network_epoch", "check_output_deltas",
           "check_output_weight_gradient", "check_tanh_bias_gradient", "deep_case",
           "two_layer_case"]

#: The package's backward pass: an answer that calls it has not written its own.
BACKWARD_PASS = ("backprop.network:Network.backward", "backprop.network:Network.gradients")
_SIG, _TANH = get_activation("sigmoid"), get_activation("tanh")


def two_layer_case(rng: np.random.Generator, hidden: str = "sigmoid",
                   output: str = "sigmoid", *, min_outputs: int = 1,
                   patterns: tuple[int, int] = (3, 7)) -> tuple[Network, np.ndarray, np.ndarray]:
    """A two-layer test network of the student's variant (no square weight matrix, at least
    ``min_outputs`` outputs), a batch of ``patterns`` (low, high: drawn like
    ``rng.integers``) inputs and targets in the output's range: the one test case of the
    backpropagation checkers."""
    n_i, n_j, n_k = variant_sizes(rng)
    if n_k < min_outputs:
        n_k = next(n for n in range(min_outputs, 10) if n not in (n_i, n_j))
    net = Network((n_i, n_j, n_k), [hidden, output], rng=rng, weight_scale=1.0)
    X = rng.uniform(-1, 1, (int(rng.integers(*patterns)), n_i))
    T = rng.uniform(0.05 if output == "sigmoid" else -0.9, 0.95, (len(X), n_k))
    return net, X, T


def deep_case(rng: np.random.Generator, depth: int) -> tuple[Network, np.ndarray, np.ndarray]:
    """A sigmoid network with ``depth`` layers of weights of the student's variant (hidden
    layers of ``n_j``, ``n_j + 1``, ... units, so no weight matrix is square), a batch and
    targets inside (0, 1)."""
    n_i, n_j, n_k = variant_sizes(rng)
    sizes = (n_i, *[n_j + m for m in range(depth - 1)], n_k)
    net = Network(sizes, "sigmoid", rng=rng, weight_scale=1.0)
    X = rng.uniform(-1, 1, (int(rng.integers(3, 7)), n_i))
    return net, X, rng.uniform(0.05, 0.95, (len(X), n_k))


# --------------------------------------------------------------------------- book/output-layer
@lru_cache(maxsize=4)
def _tanh_output_reference(form: str) -> tuple[sp.Expr, dict[str, sp.Expr]]:
    rule = symbolic.output_rule("tanh")
    ref = plain(rule.gradient)
    t, a, aj = (sp.Symbol(n) for n in ("t_k", "a_k", "a_j"))
    f_prime = plain(rule.factors[r"\frac{\partial a_k}{\partial \mathrm{net}_k}"])
    mistakes = {
        "the sign is flipped: dE/da_k = -(t_k - a_k), so the gradient starts with a minus "
        "(the weight change -eta dE/dw_kj is the positive one)": -ref,
        "a factor 2 too many: the half in E = 1/2 sum (t_k - a_k)^2 cancels the 2 from "
        "differentiating the square": 2 * ref,
        "the activation-derivative factor da_k/dnet_k is missing": ref / f_prime,
        "that is the sigmoid's derivative a_k(1 - a_k); for tanh it is 1 - a_k^2":
            ref / f_prime * symbolic.activation_derivative("sigmoid", a),
        "the last factor dnet_k/dw_kj = a_j is missing (that is -delta_k, not the "
        "gradient)": ref / aj,
        "the factor 2 is missing but so is the minus sign": -2 * ref,
    }
    # The answer may keep a_k, or write it as tanh(net_k) or tanh(w_kj a_j + R) (the
    # one-output error of the exercise, R the rest of net_k): compare in its form.
    forms = {"a_k": a, "net_k": sp.tanh(sp.Symbol("net_k")),
             "R": sp.tanh(sp.Symbol("w_kj") * aj + sp.Symbol("R"))}
    sub = {a: forms[form]}
    return ref.xreplace(sub), {d: m.xreplace(sub) for d, m in mistakes.items()}


@checker("ex-output-layer-1", shortcuts=("backprop.symbolic:output_rule",))
def check_output_weight_gradient(plan: Plan, answer: object) -> Verdict:
    """``ex-output-layer-1``: :math:`\\partial E/\\partial w_{kj}` for a tanh output unit in
    the symbols ``t_k, a_k, a_j`` (or with ``a_k`` written as ``tanh(net_k)`` or
    ``tanh(w_kj a_j + R)``); the reference is :func:`backprop.symbolic.output_rule`."""
    names = symbol_names(answer)
    form = "a_k" if "a_k" in names else "net_k" if "net_k" in names else \
        "R" if names & {"R", "w_kj"} else "a_k"
    ref, mistakes = _tanh_output_reference(form)
    return judge_expression(answer, ref, mistakes=mistakes, symbols_hint="t_k, a_k, a_j")


def _output_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for _ in range(3):
        net, X, T = two_layer_case(rng)
        fwd = net.forward(X)
        A = fwd.output
        ref = net.backward(fwd, T).deltas[-1]
        slope = _SIG.fprime_from_a(A)
        calls.append(Call((T, A), want=ref, context=fwd.nets[-1], mistakes={
            "the sign is flipped: the book's delta is -dE/dnet = (t - a) f'(net)": -ref,
            "the factor f'(net_k) is missing": ref / slope,
            "a factor 2 too many: the half in E cancels the 2 of the square": 2 * ref,
            "a factor 1/2 too few: the 2 from differentiating the square cancels the half":
                ref / 2,
            "that is tanh's derivative 1 - a^2; the sigmoid's is a(1 - a)":
                ref / slope * _TANH.fprime_from_a(A),
            "A already holds the activations: f'(net) comes from A itself, without "
            "applying the sigmoid again": ref / slope * _SIG.fprime_from_a(_SIG.f(A)),
        }))
    return Plan({"output_deltas": calls})


def _output_fd(call: Call, got: np.ndarray) -> str:
    T, _ = call.args

    def error(n: np.ndarray) -> float:
        return 0.5 * float(np.sum((T - _SIG.f(n.reshape(T.shape))) ** 2))

    fd = -numerical_gradient(error, np.asarray(call.context).ravel()).reshape(T.shape)
    return "" if close(got, fd, rtol=1e-5) else \
        "the deltas disagree with finite differences of the error."


@checker("ex-output-layer-2", plan=_output_plan, shortcuts=BACKWARD_PASS)
def check_output_deltas(plan: Plan, output_deltas: Ran) -> Verdict:
    """``ex-output-layer-2``: ``output_deltas(T, A)`` for sigmoid output units, every
    sample (rows) and output (columns), on three networks of the student's variant;
    compared with :meth:`backprop.network.Network.backward` and with central differences
    of the error with respect to :math:`\\mathrm{net}_k`."""
    return compare_calls(output_deltas, plan.calls["output_deltas"], extra=_output_fd,
                         shape_names="(samples, output units), like T and A",
                         done="matches the derived rule, and agrees with finite differences,")


# --------------------------------------------------------------------------- book/hidden-layer
@lru_cache(maxsize=8)
def _hidden_delta_forms(form: str, K: int = 2, output: str = "sigmoid"
                        ) -> tuple[sp.Expr, dict[str, sp.Expr]]:
    """Reference and mistakes for ``delta_j`` of a tanh hidden unit, in the answer's form:
    output deltas as symbols ``delta_k`` (``"deltas"``); spelled out with ``a_k, t_k``
    (``"outputs"``); or a function of ``net_j`` with ``a_k = f(w_kj tanh(net_j) + R_k)``
    (``"net_j"``, differentiated from the error itself)."""
    w = [sp.Symbol(f"w_{k}j") for k in range(1, K + 1)]
    if form == "net_j":
        net_j = sp.Symbol("net_j")
        a_j = sp.tanh(net_j)
        a_k = [symbolic.activation(output, w[k] * a_j + sp.Symbol(f"R_{k + 1}"))
               for k in range(K)]
        t = [sp.Symbol(f"t_{k}") for k in range(1, K + 1)]
        d = [(t[k] - a_k[k]) * symbolic.activation_derivative(output, a_k[k])
             for k in range(K)]
        E_ = sp.Rational(1, 2) * sum(((t[k] - a_k[k]) ** 2 for k in range(K)), sp.Integer(0))
        ref = -sp.diff(E_, net_j)
    else:
        a_j = sp.Symbol("a_j")
        d = [sp.Symbol(f"delta_{k}") for k in range(1, K + 1)]
        if form == "outputs":
            a_k = [sp.Symbol(f"a_{k}") for k in range(1, K + 1)]
            d = [(sp.Symbol(f"t_{k + 1}") - a_k[k])
                 * symbolic.activation_derivative(output, a_k[k]) for k in range(K)]
        ref = symbolic.activation_derivative("tanh", a_j) * sum(
            (d[k] * w[k] for k in range(K)), sp.Integer(0))
    weighted = sum((d[k] * w[k] for k in range(K)), sp.Integer(0))
    return ref, {
        "the sign is flipped: with delta = -dE/dnet there is no minus sign here": -ref,
        "the factor f'(net_j) is missing": weighted,
        "that is the sigmoid's derivative a_j(1 - a_j); for tanh it is 1 - a_j^2":
            symbolic.activation_derivative("sigmoid", a_j) * weighted,
        f"only one output's path is there; a_j feeds all {K} outputs, so sum over k":
            symbolic.activation_derivative("tanh", a_j) * d[0] * w[0],
        "a factor 2 too many: the half in E cancels the 2 from the square": 2 * ref,
    }


@checker("ex-hidden-layer-1", shortcuts=("backprop.symbolic:hidden_rule",))
def check_hidden_delta(plan: Plan, answer: object) -> Verdict:
    """``ex-hidden-layer-1``: :math:`\\delta_j` of a tanh hidden unit feeding two sigmoid
    output units, in the symbols ``a_j, delta_1, delta_2, w_1j, w_2j``; or with the output
    deltas spelled out in ``a_1, a_2, t_1, t_2``; or as ``-dE/dnet_j`` written with
    ``net_j``, ``w_kj``, ``t_k`` and ``R_k`` (the rest of ``net_k``), as
    :func:`backprop.symbolic.hidden_rule` and ``sympy.diff`` derive it."""
    names = symbol_names(answer)
    form = "net_j" if "net_j" in names else \
        "deltas" if any(n.startswith("delta") for n in names) or not names else "outputs"
    ref, mistakes = _hidden_delta_forms(form)
    return judge_expression(answer, ref, mistakes=mistakes,
                            symbols_hint="a_j, delta_k, w_kj (or net_j, t_k, R_k)")


def _hidden_plan(rng: np.random.Generator) -> Plan:
    calls = []
    for _ in range(3):
        net, X, T = two_layer_case(rng)
        fwd = net.forward(X)
        grads = net.backward(fwd, T)
        d_out, W2, H = grads.deltas[1], net.weights[1], fwd.activations[1]
        ref, back = grads.deltas[0], d_out @ W2
        calls.append(Call((d_out, W2, H), want=ref, context=(net, X, T), mistakes={
            "the sign is flipped: delta_j = f'(net_j) sum_k delta_k w_kj has no minus sign":
                -ref,
            "the factor f'(net_j) is missing": back,
            "that is tanh's derivative 1 - a^2; the hidden units are sigmoid":
                _TANH.fprime_from_a(H) * back,
            "a factor 2 too many": 2 * ref,
        }))
    return Plan({"hidden_deltas": calls})


def _hidden_fd(call: Call, got: np.ndarray) -> str:
    net, X, T = call.context
    fd = network_numerical_gradient(net, X, T)
    fd_w1 = fd[:net.weights[0].size].reshape(net.weights[0].shape)
    if not close(-(got.astype(float).T @ X), fd_w1, rtol=1e-5):
        return ("the values match but the weight gradients -delta_j a_i they give disagree "
                "with finite differences.")
    return ""


def _transpose_hint(plan: Plan, index: int, exception: str, message: str) -> str:
    d_out, W2, H = plan.calls["hidden_deltas"][index].args
    if exception == "ValueError" and ("matmul" in message or "shape" in message):
        return (f"Shapes here: delta_out {d_out.shape} (samples, n_k), W2 {W2.shape} "
                f"(n_k, n_j), A_hidden {H.shape}; delta_out @ W2 has shape (samples, n_j). "
                "Is a matrix transposed?")
    return ""


@checker("ex-hidden-layer-2", plan=_hidden_plan, shortcuts=BACKWARD_PASS,
         hint=_transpose_hint)
def check_hidden_deltas(plan: Plan, hidden_deltas: Ran) -> Verdict:
    """``ex-hidden-layer-2``: ``hidden_deltas(delta_out, W2, A_hidden)`` for a sigmoid
    hidden layer, ``W2`` of shape ``(n_k, n_j)``, on three networks of the student's
    variant (``n_k != n_j``, so a transposed ``W2`` fails to multiply); compared with
    :meth:`Network.backward`, and the weight gradient ``-delta.T @ X`` with finite
    differences."""
    return compare_calls(hidden_deltas, plan.calls["hidden_deltas"], extra=_hidden_fd,
                         shape_names="(samples, hidden units), like A_hidden",
                         done="matches the derived rule, and agrees with finite differences,")


# --------------------------------------------------------------------------- book/biases-batches
@lru_cache(maxsize=1)
def _tanh_bias_reference() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    wk1, wk2, bk, a1, a2, tk = sp.symbols("w_k1 w_k2 b_k a_1 a_2 t_k")
    ak = sp.tanh(wk1 * a1 + wk2 * a2 + bk)
    ref = sp.diff(sp.Rational(1, 2) * (tk - ak) ** 2, bk)
    return ref, {
        "the sign is flipped: dE/db_k = -delta_k": -ref,
        "a factor 2 too many: the half in E cancels the 2 from the square": 2 * ref,
        "the factor f'(net_k) is missing": -(tk - ak),
        "that is the sigmoid's derivative a_k(1 - a_k); for tanh it is 1 - a_k^2":
            -(tk - ak) * symbolic.activation_derivative("sigmoid", ak),
        "a bias has no input factor: dnet_k/db_k = 1, not a_1": ref * a1,
    }


@checker("ex-biases-batches-1", shortcuts=("backprop.symbolic:output_rule",))
def check_tanh_bias_gradient(plan: Plan, answer: object) -> Verdict:
    """``ex-biases-batches-1``: :math:`\\partial E/\\partial b_k` for a tanh output unit
    with inputs ``a_1, a_2``; derived here with ``sympy.diff``."""
    ref, mistakes = _tanh_bias_reference()
    return judge_expression(answer, ref, mistakes=mistakes,
                            symbols_hint="t_k, w_k1, w_k2, b_k, a_1, a_2")


def _online_plan(rng: np.random.Generator) -> Plan:
    from ..datasets import noisy_xor

    start = Network((2, int(rng.integers(3, 6)), 1), "sigmoid", rng=rng, weight_scale=1.0)
    X, T = noisy_xor(12, rng, noise=0.15)
    online, batch = start.copy(), start.copy()
    for net, mode in ((online, "online"), (batch, "batch")):
        net.train_epoch(X, T, 0.3, mode=mode)
    return Plan({"online_epoch": [Call((start, X, T, 0.3), watch=(0,),
                                       want=online.parameters(),
                                       context=(start.parameters(), batch.parameters()))]})


def _parameters(net: object) -> np.ndarray | None:
    try:
        return pack(net.weights, net.biases).astype(float)
    except (AttributeError, TypeError, ValueError):
        return None


@checker("ex-biases-batches-2", plan=_online_plan,
         shortcuts=("backprop.network:Network.train_epoch", "backprop.network:Network.train"))
def check_online_network_epoch(plan: Plan, online_epoch: Ran) -> Verdict:
    """``ex-biases-batches-2``: one online epoch of a :class:`Network` of the student's
    variant (updating it in place) on noisy XOR, compared with
    ``Network.train_epoch(mode="online")``."""
    call = plan.calls["online_epoch"][0]
    got = _parameters(online_epoch.after[0][0])
    start, batch = call.context
    if got is None or got.shape != call.want.shape:
        return wrong("the network changed shape; update its weights and biases in place.")
    if same_array(got, call.want):
        return correct("the epoch matches train_epoch(mode='online').")
    if same_array(got, start):
        return wrong("the network did not change: apply the update to `net` itself.")
    if same_array(got, batch):
        return wrong("close: that is one batch step; online updates after every sample.")
    return wrong("the parameters differ from train_epoch(mode='online'): take the gradient of "
                 "one sample at a time, in order, and apply it before the next.")


# --------------------------------------------------------------------------- book/any-depth
@lru_cache(maxsize=1)
def _linear_gradients() -> tuple[list[list[sp.Expr]], list[sp.Expr]]:
    lin = symbolic.SymbolicNetwork((2, 3, 2, 2), "identity", biases=False)
    grads = [[plain(lin.whole_gradient(lin.W[0][u, v])) for v in range(2)] for u in range(3)]
    return grads, [plain(x) for x in lin.inputs]


@checker("ex-any-depth-1", shortcuts=("backprop.symbolic:SymbolicNetwork.deltas",
                                      "backprop.symbolic:SymbolicNetwork.chain_gradient"))
def check_linear_hidden_deltas(plan: Plan, delta1: object) -> Verdict:
    """``ex-any-depth-1``: the first-layer deltas of the linear network (2, 3, 2, 2)
    without biases; each must satisfy :math:`\\partial E/\\partial w^{(1)}_{uv} =
    -\\delta_u a_v`, with the gradient differentiated from the whole error by
    :class:`backprop.symbolic.SymbolicNetwork`."""
    if delta1 is None:
        return Verdict("not yet", "replace None with your three deltas and run the cell "
                       "again.")
    items = list(delta1) if isinstance(delta1, (list, tuple, sp.MatrixBase)) else None
    if items is None:
        return wrong("give the three deltas of layer 1 as a list or a column Matrix.")
    if len(items) != 3:
        return wrong(f"there are 3 hidden units in layer 1, but {len(items)} deltas.")
    grads, inputs = _linear_gradients()
    flipped = True
    for u in range(3):
        expr = as_expression(items[u])
        if expr is None:
            return wrong(f"delta {u + 1} is not a SymPy expression.")
        expr = plain(expr)
        for v in range(2):
            if symbolic.equivalent(grads[u][v], -expr * inputs[v]):
                flipped = False
                continue
            if flipped and symbolic.equivalent(grads[u][v], expr * inputs[v]):
                return wrong("close: the sign is flipped; the book's delta is -dE/dnet.")
            return wrong(f"delta of unit {u + 1} is wrong: it must collect the error through "
                         "both later layers, W^(2)^T W^(3)^T (t - a^(3)), in that order.")
    return correct("every first-layer delta gives dE/dw = -delta a, exactly.")


def _deep_plan(rng: np.random.Generator) -> Plan:
    net = Network((3, 5, 4, 3, 2), "sigmoid", rng=rng)
    X, T = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    want = net.gradients(X, T).deltas
    return Plan({"backward_deltas": [Call((net.weights, net.forward(X).activations, T),
                                          want=want)]})


@checker("ex-any-depth-2", plan=_deep_plan, shortcuts=BACKWARD_PASS)
def check_backward_deltas(plan: Plan, backward_deltas: Ran) -> Verdict:
    """``ex-any-depth-2``: the deltas of every layer of a sigmoid network of any depth,
    compared with ``Network.gradients`` on a 3-5-4-3-2 network of the student's variant."""
    want = plan.calls["backward_deltas"][0].want
    diff = compare_layers(backward_deltas.values[0], want)
    if diff == "":
        return correct("every layer's delta matches Network.gradients.")
    if diff == "not a list":
        return wrong("return a list of arrays, one delta per layer.")
    if diff == "length":
        return wrong(f"there are {len(want)} layers of weights, so {len(want)} deltas; you "
                     f"gave {len(backward_deltas.values[0])}.")
    if diff == "reversed":
        return wrong("close: the list is in reverse order; deltas[0] belongs to the first "
                     "layer.")
    if diff == "sign":
        return wrong("close: the sign is flipped; the book's delta is -dE/dnet.")
    bad = int(diff.split()[1])
    return wrong(f"deltas[{bad}] differs from Network.gradients (shape {want[bad].shape}); "
                 "delta^(l) = f'(net^(l)) * (delta^(l+1) @ W^(l+1)).")


# --------------------------------------------------------------------------- book/worked-example
@lru_cache(maxsize=1)
def _mazur_values() -> tuple[float, dict[str, float], dict[str, sp.Rational]]:
    from ..worked_example import MAZUR, mazur_symbols

    ms = mazur_symbols()
    exact = MAZUR.exact()
    point = {ms.symbols[k]: exact[k] for k in ms.symbols}

    def value(expr: sp.Expr) -> float:
        return float(sp.N(expr.subs(point), 30))

    b1, b2 = ms.symbols["b1"], ms.symbols["b2"]
    ref = value(sp.diff(ms.forward["E_total"], b2))
    return ref, {
        "the sign is flipped: this is the sum of the output deltas, -dE/db2": -ref,
        "only the path through o1 is there; b2 feeds both output units":
            value(sp.diff(ms.forward["E_o1"], b2)),
        "that is dE/db1, the hidden bias": value(sp.diff(ms.forward["E_total"], b1)),
    }, {k: exact[k] for k in ms.symbols}


@checker("ex-worked-example-1")
def check_mazur_bias_gradient(plan: Plan, answer: object) -> Verdict:
    """``ex-worked-example-1``: :math:`\\partial E_\\text{total}/\\partial b_2` of the worked
    example (a number, or an expression in the example's symbols), compared at the
    example's exact numbers with ``sympy.diff`` of the error."""
    ref, mistakes, by_name = _mazur_values()
    if isinstance(answer, sp.Basic):
        value = plain(answer).subs({sp.Symbol(k): v for k, v in by_name.items()})
        if value.free_symbols:
            return wrong("your expression contains "
                         f"{', '.join(sorted(map(str, value.free_symbols)))}, which are not "
                         "symbols of the example (ms.symbols).")
        answer = float(sp.N(value, 30))
    return judge_number(answer, ref, mistakes=mistakes, rtol=1e-9)


def _mazur_plan(rng: np.random.Generator) -> Plan:
    from ..worked_example import MAZUR, mazur_network

    X, T = MAZUR.data()
    nets = [(mazur_network(), float(MAZUR.eta))]
    b = rng.uniform(0.1, 0.8, 2)
    nets.append((Network.from_parameters([rng.uniform(-1, 1, (2, 2)) for _ in range(2)],
                                         [[b[0], b[0]], [b[1], b[1]]]), 0.5))
    calls = []
    for net, eta in nets:
        stepped = net.copy()
        stepped.train_epoch(X, T, eta, update_biases=False)
        late = net.copy()
        late.weights[1] = stepped.weights[1]  # back-propagate through the updated W2
        W1_late = net.weights[0] - eta * late.backward(net.forward(X), T).weights[0]
        calls.append(Call((net.weights[0], net.weights[1], float(net.biases[0][0]),
                           float(net.biases[1][0]), X[0], T[0], eta),
                          want=(stepped.weights[0], stepped.weights[1]), context=W1_late))
    return Plan({"mazur_step": calls})


@checker("ex-worked-example-2", plan=_mazur_plan,
         shortcuts=BACKWARD_PASS + ("backprop.network:Network.train_epoch",
                                    "backprop.network:Network.train"))
def check_mazur_step(plan: Plan, mazur_step: Ran) -> Verdict:
    """``ex-worked-example-2``: one step of the worked example (and of a variant with the
    student's own weights), compared with ``Network.train_epoch(..., update_biases=False)``."""
    for n, (call, out) in enumerate(zip(plan.calls["mazur_step"], mazur_step.values)):
        if not (isinstance(out, tuple) and len(out) == 2):
            return wrong("return a tuple (W1_new, W2_new).")
        which = "the example's weights" if n == 0 else "other weights"
        W1_want, W2_want = call.want
        if same_array(out[0], W1_want, 1e-12) and same_array(out[1], W2_want, 1e-12):
            continue
        if not same_array(out[1], W2_want, 1e-12):
            return wrong(f"with {which} W2_new is wrong: w += eta delta_o out_h, with "
                         "delta_o = (t - o) f'(net_o).")
        if same_array(out[0], call.context, 1e-12):
            return wrong("close: the hidden deltas used the already updated W2; use the "
                         "weights from before the step.")
        return wrong(f"with {which} W1_new is wrong: delta_h = f'(net_h) W2^T delta_o, then "
                     "w += eta delta_h i.")
    return correct("the step matches the worked example and a second set of weights.")

