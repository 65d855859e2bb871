"""The book's notation as SymPy symbols, and both routes to every gradient.

Route (a) writes the whole error of a network as one expression in its weights and calls
:func:`sympy.diff`. Route (b) is backpropagation: the chain rule factor by factor,
:math:`\\partial E/\\partial a_k \\cdot \\partial a_k/\\partial \\mathrm{net}_k \\cdot
\\partial \\mathrm{net}_k/\\partial w_{kj}` for an output weight, and the sum over every
output ``k`` for a hidden weight. The output-layer rule is derived in ``book/output-layer``,
the hidden-layer rule in ``book/hidden-layer``, the recursion for any depth in
``book/any-depth``.

Equality of two routes is decided without :func:`sympy.simplify` (which can take minutes on
a two-hidden-layer expression): :func:`equivalent` uses ``cancel`` when the difference is a
rational function and otherwise evaluates both sides to 50 significant digits at random
rational points. It is the package's one equality test for expressions: the exercise
checkers call it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

from .network import check_sizes

__all__ = [
    "ChainRule",
    "SymbolicNetwork",
    "activation",
    "activation_derivative",
    "derivative_in_terms_of_activation",
    "equivalent",
    "half_sse",
    "hidden_rule",
    "output_rule",
    "sigmoid",
    # the generic symbols of the notation table
    "a_i", "a_j", "a_k", "net_j", "net_k", "w_ji", "w_kj", "t_k",
    "delta_j", "delta_k", "eta", "E",
]

# --------------------------------------------------------------------------- notation
#: Generic symbols, one per entry of the notation table (``book/intro``).
a_i, a_j, a_k = sp.symbols("a_i a_j a_k", real=True)
net_j, net_k = sp.symbols(r"\mathrm{net}_j \mathrm{net}_k", real=True)
w_ji, w_kj = sp.symbols("w_{ji} w_{kj}", real=True)
t_k = sp.Symbol("t_k", real=True)
delta_j, delta_k = sp.symbols(r"\delta_j \delta_k", real=True)
eta = sp.Symbol(r"\eta", positive=True)
E = sp.Symbol("E", real=True)

_ACTIVATION_NAMES = ("sigmoid", "tanh", "identity")


def _check_name(name: str) -> None:
    if name not in _ACTIVATION_NAMES:
        raise ValueError(
            f"unknown activation {name!r}; the symbolic module knows: "
            + ", ".join(_ACTIVATION_NAMES)
        )


def sigmoid(x: sp.Expr) -> sp.Expr:
    """The logistic function :math:`1/(1 + e^{-x})`, written out so that SymPy sees it."""
    return 1 / (1 + sp.exp(-x))


def half_sse(t: Sequence[sp.Expr], a: Sequence[sp.Expr]) -> sp.Expr:
    """:math:`E = \\tfrac12 \\sum_k (t_k - a_k)^2` of one pattern, the book's error
    (``book/output-layer``); the other losses are in :mod:`backprop.loss_rules`."""
    return sp.Rational(1, 2) * sp.Add(*[(tk - ak) ** 2 for tk, ak in zip(t, a)])


def activation(name: str, x: sp.Expr) -> sp.Expr:
    """``f(x)`` for ``name`` in ``sigmoid``, ``tanh``, ``identity``."""
    _check_name(name)
    return {"sigmoid": sigmoid, "tanh": sp.tanh, "identity": lambda v: v}[name](x)


def activation_derivative(name: str, a: sp.Expr) -> sp.Expr:
    """``f'`` written through the activation ``a = f(net)``: ``a(1-a)``, ``1-a^2``, ``1``.

    Each form is proved from the definition by :func:`derivative_in_terms_of_activation`.
    """
    _check_name(name)
    return {"sigmoid": a * (1 - a), "tanh": 1 - a**2, "identity": sp.Integer(1)}[name]


def derivative_in_terms_of_activation(name: str) -> tuple[sp.Expr, sp.Expr]:
    """Differentiate ``f(net)`` and rewrite the result through ``a = f(net)``.

    Returns ``(raw, in_a)``: the derivative as :func:`sympy.diff` gives it, and the same
    function after substituting ``net = f^{-1}(a)``. ``in_a`` is checked to equal
    :func:`activation_derivative`, so a wrong closed form fails here.
    """
    _check_name(name)
    x = sp.Symbol("x", real=True)
    a = sp.Symbol("a", positive=True)
    raw = sp.diff(activation(name, x), x)
    inverse = {"sigmoid": sp.log(a / (1 - a)), "tanh": sp.atanh(a), "identity": a}[name]
    in_a = sp.factor(sp.simplify(raw.subs(x, inverse)))  # a one-symbol expression: fast
    claimed = activation_derivative(name, a)
    if sp.simplify(in_a - claimed) != 0:
        raise AssertionError(f"{name}: f'(net) = {in_a}, not the claimed {claimed}")
    return raw.subs(x, net_k), claimed.subs(a, a_k)


# --------------------------------------------------------------------------- equality
def _random_value(symbol: sp.Symbol, rng: np.random.Generator) -> sp.Rational:
    # Small rationals keep exp() and cosh() well inside float range while still being
    # "generic": a false identity would have to vanish at every one of them. A symbol's
    # assumptions are respected, since an identity may hold only where they do
    # (sqrt(a**2) = a for a positive a).
    if symbol.is_integer:
        value = sp.Integer(int(rng.integers(1, 7)))
    else:
        value = sp.Rational(int(rng.integers(1, 31)), int(rng.integers(7, 23)))
    if symbol.is_nonnegative or symbol.is_positive or rng.random() < 0.5:
        return value
    return -value


def equivalent(
    lhs: sp.Expr,
    rhs: sp.Expr,
    *,
    points: int = 6,
    digits: int = 50,
    rng: np.random.Generator | None = None,
) -> bool:
    """Decide whether two expressions are the same function of their free symbols: the one
    equality test of the book's checks and of the exercise checkers.

    A difference that is a rational function of the symbols is decided exactly, by
    :func:`sympy.cancel`. Any other (exp, log, tanh, cosh, sin, sqrt, erf, ...) is evaluated
    at ``points`` random rational points, drawn within each symbol's assumptions, to
    ``digits`` significant figures: an identity vanishes at every point to within rounding,
    a non-identity fails at almost every one. A point where either side is undefined is
    replaced by another. Never calls :func:`sympy.simplify`, which can take minutes on a
    whole network's error.

    Both sides are compiled once (to one mpmath function, common subexpressions computed
    once) and evaluated in ``2 * digits``-digit arithmetic; a whole network's
    gradient repeats the same exponentials hundreds of times, which SymPy's own ``evalf``
    would evaluate one by one. A point is counted as agreeing only when both compiled values
    are finite and agree; anything else (a disagreement, a pole, an expression mpmath cannot
    evaluate) is decided by substituting the exact rational point and ``evalf``, so a
    ``False`` always rests on the exact route.
    """
    rng = np.random.default_rng(20_240_921) if rng is None else rng
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    diff = lhs - rhs
    if diff == 0:
        return True
    if diff.is_rational_function(*diff.free_symbols):
        return sp.cancel(sp.together(diff)) == 0
    # Every symbol of either side, also those that cancel in the difference.
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
    tolerance = sp.Float(10) ** (-(digits - 12))
    compiled = _compile(symbols, lhs, rhs)
    tested = 0
    for _ in range(20 * points):
        point = [_random_value(s, rng) for s in symbols]
        if compiled is None or not _agree_compiled(compiled, point, digits, tolerance):
            left, right = _exact_values(symbols, point, lhs, rhs, digits)
            if not (_finite_number(left) and _finite_number(right)):
                continue  # a pole or a branch point: try elsewhere
            if abs(left - right) > tolerance * (abs(left) + 1):
                return False
        tested += 1
        if tested == points:
            return True
    raise ValueError(f"could not find {points} points where both sides are defined; give "
                     f"symbols assumptions (e.g. positive=True) that describe their domain")


class _MpmathCode(MpmathPrinter):
    """mpmath code for an expression, each symbol printed under the name ``names`` gives it;
    a function mpmath lacks raises instead of being printed."""

    def __init__(self, names: dict[sp.Symbol, str]) -> None:
        super().__init__({"strict": True})
        self._names = names

    def _print_Symbol(self, symbol: sp.Symbol) -> str:
        return self._names[symbol]

    _print_Dummy = _print_Symbol


def _compile(symbols: Sequence[sp.Symbol], lhs: sp.Expr, rhs: sp.Expr):
    """Both sides as one mpmath function of ``symbols`` that computes each common
    subexpression once, or ``None`` if they cannot be written for mpmath (the exact route
    then decides every point). Written here rather than by :func:`sympy.lambdify`, which
    first substitutes fresh symbols for the arguments throughout both trees: on a whole
    network's gradient that substitution costs more than all the evaluations."""
    try:
        shared, (left, right) = sp.cse([lhs, rhs], symbols=sp.numbered_symbols("c", cls=sp.Dummy))
        names = {s: f"v{i}" for i, s in enumerate(symbols)}
        names |= {c: f"c{i}" for i, (c, _) in enumerate(shared)}
        code = _MpmathCode(names)
        lines = [f"def both({', '.join(names[s] for s in symbols)}):"]
        lines += [f"    {names[c]} = {code.doprint(e)}" for c, e in shared]
        lines.append(f"    return ({code.doprint(left)}), ({code.doprint(right)})")
        namespace = {"mpmath": mpmath}
        exec("\n".join(lines), namespace)  # printed by SymPy from the expressions alone
    except Exception:  # a function mpmath lacks, or any other printing failure
        return None
    return namespace["both"]


def _agree_compiled(compiled, point: Sequence[sp.Rational], digits: int,
                    tolerance: sp.Float) -> bool:
    """Whether both compiled sides are finite at ``point`` and agree to ``tolerance``."""
    with mpmath.workdps(2 * digits):
        try:
            left, right = (mpmath.mpmathify(v) for v in
                           compiled(*(mpmath.mpf(int(v.p)) / int(v.q) for v in point)))
        except Exception:  # a pole, a domain error, a function mpmath lacks: ask the exact route
            return False
        if not (mpmath.isfinite(left) and mpmath.isfinite(right)):
            return False
        return bool(abs(left - right) <= mpmath.mpf(str(tolerance)) * (abs(left) + 1))


def _exact_values(symbols: Sequence[sp.Symbol], point: Sequence[sp.Rational], lhs: sp.Expr,
                  rhs: sp.Expr, digits: int) -> tuple[sp.Expr, sp.Expr]:
    # Exact substitution first: at a pole it gives zoo or nan, where evalf(subs=...) would
    # return a large meaningless number.
    values = dict(zip(symbols, point))
    return lhs.xreplace(values).evalf(digits), rhs.xreplace(values).evalf(digits)


def _finite_number(value: sp.Expr) -> bool:
    return bool(value.is_number) and value.is_finite is not False and not value.has(
        sp.zoo, sp.nan, sp.oo, -sp.oo)


# --------------------------------------------------------------------------- generic rules
@dataclass
class ChainRule:
    """One gradient derived factor by factor.

    ``factors`` maps the LaTeX of each partial derivative to its value, in chain order;
    ``gradient`` is their product (a sum of products for a hidden weight), ``delta`` the
    book's error signal and ``weight_change`` the update :math:`-\\eta\\,\\partial E/\\partial w`.
    """

    factors: dict[str, sp.Expr]
    gradient: sp.Expr
    delta: sp.Expr
    weight_change: sp.Expr
    steps: dict[str, sp.Expr] = field(default_factory=dict)


def output_rule(name: str = "sigmoid") -> ChainRule:
    """:math:`\\partial E/\\partial w_{kj}` for one output weight, each factor by ``diff``.

    The error is :math:`E = \\tfrac12 \\sum_k (t_k - a_k)^2`; only the ``k``-th term depends
    on :math:`a_k`, and only the ``j``-th term of :math:`\\mathrm{net}_k = \\sum_j w_{kj} a_j`
    depends on :math:`w_{kj}`. Both facts are shown on written-out sums in ``steps``.
    """
    _check_name(name)
    # Written-out sums: three outputs, three hidden units; we differentiate w.r.t. the 2nd.
    a1, a2, a3 = sp.symbols("a_1 a_2 a_3", real=True)
    t1, t2, t3 = sp.symbols("t_1 t_2 t_3", real=True)
    w21, w22, w23 = sp.symbols("w_{21} w_{22} w_{23}", real=True)
    h1, h2, h3 = sp.symbols("a_{j1} a_{j2} a_{j3}", real=True)
    E_sum = sp.Rational(1, 2) * ((t1 - a1) ** 2 + (t2 - a2) ** 2 + (t3 - a3) ** 2)
    net_sum = w21 * h1 + w22 * h2 + w23 * h3

    dE_da = sp.diff(sp.Rational(1, 2) * (t_k - a_k) ** 2, a_k)
    raw, da_dnet = derivative_in_terms_of_activation(name)
    dnet_dw = sp.diff(w_kj * a_j + sp.Symbol("R", real=True), w_kj)  # R: the other terms
    gradient = dE_da * da_dnet * dnet_dw
    delta = (t_k - a_k) * da_dnet
    return ChainRule(
        factors={
            r"\frac{\partial E}{\partial a_k}": dE_da,
            r"\frac{\partial a_k}{\partial \mathrm{net}_k}": da_dnet,
            r"\frac{\partial \mathrm{net}_k}{\partial w_{kj}}": dnet_dw,
        },
        gradient=gradient,
        delta=delta,
        weight_change=eta * delta * dnet_dw,
        steps={
            "E_written_out": E_sum,
            "dE_da2_written_out": sp.diff(E_sum, a2),
            "net_written_out": net_sum,
            "dnet_dw22_written_out": sp.diff(net_sum, w22),
            "da_dnet_raw": raw,
        },
    )


def hidden_rule(name: str = "sigmoid", n_outputs: int = 3) -> ChainRule:
    """:math:`\\partial E/\\partial w_{ji}` for one hidden weight, as a sum over outputs.

    :math:`w_{ji}` changes :math:`a_j`, and :math:`a_j` feeds *every* output unit, so the
    chain rule sums one path per output ``k``. The outputs are written out
    (``n_outputs`` of them) so that the sum is a real sum, not a convention.
    """
    _check_name(name)
    K = int(n_outputs)
    ak = sp.symbols(f"a_1:{K + 1}", real=True)
    tk = sp.symbols(f"t_1:{K + 1}", real=True)
    wkj = tuple(sp.Symbol(f"w_{{{k}j}}", real=True) for k in range(1, K + 1))
    terms = []
    for k in range(K):
        dE_dak = sp.diff(sp.Rational(1, 2) * sum((tk[m] - ak[m]) ** 2 for m in range(K)), ak[k])
        dak_dnetk = activation_derivative(name, ak[k])
        # net_k = sum_j' w_kj' a_j' + b_k; only the j-th term contains a_j.
        dnetk_daj = sp.diff(wkj[k] * a_j + sp.Symbol(f"R_{k + 1}", real=True), a_j)
        terms.append(dE_dak * dak_dnetk * dnetk_daj)
    daj_dnetj = activation_derivative(name, a_j)
    dnetj_dwji = sp.diff(w_ji * a_i + sp.Symbol("R", real=True), w_ji)
    gradient = sp.Add(*terms) * daj_dnetj * dnetj_dwji
    deltas_k = [(tk[k] - ak[k]) * activation_derivative(name, ak[k]) for k in range(K)]
    delta = daj_dnetj * sp.Add(*[deltas_k[k] * wkj[k] for k in range(K)])
    return ChainRule(
        factors={
            r"\sum_k \frac{\partial E}{\partial a_k}\frac{\partial a_k}{\partial \mathrm{net}_k}"
            r"\frac{\partial \mathrm{net}_k}{\partial a_j}": sp.Add(*terms),
            r"\frac{\partial a_j}{\partial \mathrm{net}_j}": daj_dnetj,
            r"\frac{\partial \mathrm{net}_j}{\partial w_{ji}}": dnetj_dwji,
        },
        gradient=gradient,
        delta=delta,
        weight_change=eta * delta * dnetj_dwji,
        steps={"paths": sp.Matrix(terms), "output_deltas": sp.Matrix(deltas_k)},
    )


# --------------------------------------------------------------------------- whole networks
class SymbolicNetwork:
    """A fully connected network whose every quantity is a SymPy expression.

    Symbols carry their layer as a superscript: ``w^{(l)}_{uv}`` is the weight into unit
    ``u`` of layer ``l`` from unit ``v`` of layer ``l-1`` (so ``w_kj`` is ``w^{(2)}_{kj}``
    in a two-layer network), ``a^{(0)}_v`` are the inputs and ``t_u`` the targets: ``u`` and
    ``v`` index the units of any layer, as in the notation table (``book/intro``), ``p``
    being kept for patterns.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        functions: str | Sequence[str] = "sigmoid",
        *,
        biases: bool = True,
    ) -> None:
        self.sizes = check_sizes(sizes)
        L = len(self.sizes) - 1
        names = [functions] * L if isinstance(functions, str) else list(functions)
        if len(names) != L:
            raise ValueError(f"{len(names)} activation functions given for {L} layers")
        for n in names:
            _check_name(n)
        self.functions = names  # the activation functions' names, one per layer
        self.inputs = sp.Matrix([sp.Symbol(f"a^{{(0)}}_{{{v + 1}}}", real=True)
                                 for v in range(self.sizes[0])])
        self.targets = sp.Matrix([sp.Symbol(f"t_{{{u + 1}}}", real=True)
                                  for u in range(self.sizes[-1])])
        self.W = [sp.Matrix(self.sizes[l], self.sizes[l - 1],
                            lambda u, v, l=l: sp.Symbol(f"w^{{({l})}}_{{{u + 1}{v + 1}}}",
                                                         real=True))
                  for l in range(1, L + 1)]
        self.b = [sp.Matrix([sp.Symbol(f"b^{{({l})}}_{{{u + 1}}}", real=True) if biases else 0
                             for u in range(self.sizes[l])])
                  for l in range(1, L + 1)]
        # Layer-local symbols a^{(l)}_u, used by the chain-rule route before substitution.
        self.a = [self.inputs] + [
            sp.Matrix([sp.Symbol(f"a^{{({l})}}_{{{u + 1}}}", real=True)
                       for u in range(self.sizes[l])]) for l in range(1, L + 1)]
        # The forward pass as nested expressions of inputs and parameters.
        self.net_expr: list[sp.Matrix] = []
        self.a_expr: list[sp.Matrix] = [self.inputs]
        self._error: sp.Expr | None = None
        for l in range(L):
            net = self.W[l] * self.a_expr[-1] + self.b[l]
            self.net_expr.append(net)
            self.a_expr.append(net.applyfunc(lambda v, n=names[l]: activation(n, v)))

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    def parameters(self) -> list[sp.Symbol]:
        """Every weight and bias symbol in :meth:`backprop.network.Network.parameters` order."""
        out: list[sp.Symbol] = []
        for W, b in zip(self.W, self.b):
            out += list(W) + [s for s in b if isinstance(s, sp.Symbol)]
        return out

    def error(self) -> sp.Expr:
        """:math:`E = \\tfrac12 \\sum_k (t_k - a_k)^2` as one expression in the weights."""
        if self._error is None:
            self._error = half_sse(self.targets, self.a_expr[-1])
        return self._error

    def whole_gradient(self, symbol: sp.Symbol) -> sp.Expr:
        """Route (a): ``sympy.diff`` of the whole substituted error."""
        return sp.diff(self.error(), symbol)

    def substitute_forward(self, expr: sp.Expr) -> sp.Expr:
        """Replace the layer-local symbols ``a^{(l)}_u`` by the forward-pass expressions."""
        subs = {}
        for l in range(1, self.n_layers + 1):
            subs.update({s: v for s, v in zip(self.a[l], self.a_expr[l])})
        return sp.sympify(expr).xreplace(subs)

    def output_delta(self) -> sp.Matrix:
        """The output layer's delta in layer-local symbols: the squared error's
        :math:`(t_k - a_k) f'(\\mathrm{net}_k)` (``book/output-layer``). A network trained on
        another loss (:class:`backprop.loss_rules.LossNetwork`) overrides this, and only this:
        the recursion below the output layer is the same for every loss."""
        a_L = self.a[-1]
        return sp.Matrix([(self.targets[u] - a_L[u])
                          * activation_derivative(self.functions[-1], a_L[u])
                          for u in range(self.sizes[-1])])

    def deltas(self, through: Sequence[sp.Matrix] | None = None) -> list[sp.Matrix]:
        """Route (b): the book's deltas in layer-local symbols, output layer first computed.

        ``deltas()[l - 1]`` is :math:`\\delta^{(l)}`; the output layer's is
        :meth:`output_delta`, each layer below :math:`f'(\\mathrm{net}_j) \\sum_k \\delta_k
        w_{kj}`. With ``through`` (one column of symbols per layer, ``through[l - 1]`` for
        layer ``l``), each layer's delta is written through the *symbols* of the layer above
        instead of its expression: the backward pass as a program, each delta computed once
        (``book/any-depth``, :mod:`backprop.efficiency`).
        """
        L = self.n_layers
        out: list[sp.Matrix] = [sp.Matrix()] * L
        out[L - 1] = self.output_delta()
        for l in range(L - 1, 0, -1):
            upper = out[l] if through is None else through[l]
            back = self.W[l].T * upper  # sum_k delta_k w_kj, for every j
            out[l - 1] = sp.Matrix([activation_derivative(self.functions[l - 1], self.a[l][u])
                                    * back[u] for u in range(self.sizes[l])])
        return out

    def chain_gradient(self, layer: int, u: int, v: int | None = None) -> sp.Expr:
        """Route (b) for :math:`\\partial E/\\partial w^{(l)}_{uv}` (or the bias
        :math:`b^{(l)}_u` if ``v`` is ``None``), in layer-local symbols:
        :math:`-\\delta^{(l)}_u a^{(l-1)}_v`.

        Indices are 1-based, as in the text.
        """
        delta = self.deltas()[layer - 1][u - 1]
        if v is None:
            return -delta
        return -delta * self.a[layer - 1][v - 1]

    def output_chain_factors(self, k: int, j: int) -> dict[str, sp.Expr]:
        """The three factors of :math:`\\partial E/\\partial w_{kj}` for the last layer."""
        L = self.n_layers
        a_k_sym = self.a[L][k - 1]
        E_local = half_sse(self.targets, self.a[L])
        net_local = (self.W[L - 1] * self.a[L - 1] + self.b[L - 1])[k - 1]
        return {
            "dE/da_k": sp.diff(E_local, a_k_sym),
            "da_k/dnet_k": activation_derivative(self.functions[-1], a_k_sym),
            "dnet_k/dw_kj": sp.diff(net_local, self.W[L - 1][k - 1, j - 1]),
        }

    def hidden_chain_factors(self, j: int, i: int) -> dict[str, sp.Expr]:
        """The factors of :math:`\\partial E/\\partial w_{ji}` for a two-layer network:
        one path per output ``k``, then the hidden unit's own two factors."""
        if self.n_layers != 2:
            raise ValueError("hidden_chain_factors is written for two-layer networks; use "
                             "chain_gradient for deeper ones")
        out = {}
        E_local = half_sse(self.targets, self.a[2])
        for k in range(1, self.sizes[-1] + 1):
            net_k_local = (self.W[1] * self.a[1] + self.b[1])[k - 1]
            out[f"path k={k}"] = (sp.diff(E_local, self.a[2][k - 1])
                                  * activation_derivative(self.functions[1], self.a[2][k - 1])
                                  * sp.diff(net_k_local, self.a[1][j - 1]))
        net_j_local = (self.W[0] * self.a[0] + self.b[0])[j - 1]
        out["da_j/dnet_j"] = activation_derivative(self.functions[0], self.a[1][j - 1])
        out["dnet_j/dw_ji"] = sp.diff(net_j_local, self.W[0][j - 1, i - 1])
        return out

    def lambdify_gradients(self, route: str = "whole"):
        """A NumPy function ``g(x, t, theta) -> gradient vector`` for one sample.

        ``x`` and ``t`` are one input and one target row, ``theta`` the flat parameter vector
        (:meth:`backprop.network.Network.parameters` order). ``route`` is ``"whole"`` or
        ``"chain"``.
        """
        params = self.parameters()
        if route == "whole":
            E_ = self.error()
            grads = [sp.diff(E_, s) for s in params]
        elif route == "chain":
            deltas = self.deltas()
            grads = []
            for l in range(1, self.n_layers + 1):
                d = deltas[l - 1]
                grads += [-d[u] * self.a[l - 1][v] for u in range(self.sizes[l])
                          for v in range(self.sizes[l - 1])]
                if any(isinstance(s, sp.Symbol) for s in self.b[l - 1]):
                    grads += [-d[u] for u in range(self.sizes[l])]
            grads = [self.substitute_forward(g) for g in grads]
        else:
            raise ValueError(f"unknown route {route!r}; use 'whole' or 'chain'")
        # Common subexpressions: the gradients share most of the forward pass, and printing
        # them once makes lambdify several times faster on a softmax network.
        f = sp.lambdify([list(self.inputs), list(self.targets), params], grads, "numpy",
                        cse=True)

        def g(x: np.ndarray, t: np.ndarray, theta: np.ndarray) -> np.ndarray:
            return np.array(f(list(x), list(t), list(theta)), dtype=float)

        return g
