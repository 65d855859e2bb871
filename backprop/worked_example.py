"""Matt Mazur's step-by-step example, in NumPy and exactly in SymPy.

Used by *A worked example, number by number* (``book/worked-example``): a 2-2-2 sigmoid
network with one shared bias per layer, wired as Ganesh (2016) writes it::

    net_h1 = w1 i1 + w2 i2 + b1        net_o1 = w5 out_h1 + w6 out_h2 + b2
    net_h2 = w3 i1 + w4 i2 + b1        net_o2 = w7 out_h1 + w8 out_h2 + b2

so that, in the book's notation, ``W^(1) = [[w1, w2], [w3, w4]]`` and
``W^(2) = [[w5, w6], [w7, w8]]``. The biases are not trained.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import mpmath
import numpy as np
import sympy as sp

from .network import Network
from .symbolic import sigmoid

__all__ = [
    "MAZUR",
    "MazurExample",
    "MazurSymbols",
    "mazur_network",
    "mazur_symbols",
    "stale_order_step",
    "train_high_precision",
    "value_table",
]


@dataclass(frozen=True)
class MazurExample:
    """The numbers of the example, as decimal strings so that SymPy can read them exactly."""

    inputs: tuple[str, str] = ("0.05", "0.10")
    targets: tuple[str, str] = ("0.01", "0.99")
    weights: tuple[str, ...] = ("0.15", "0.20", "0.25", "0.30",
                                "0.40", "0.45", "0.50", "0.55")
    biases: tuple[str, str] = ("0.35", "0.60")
    eta: str = "0.5"

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """``X`` of shape ``(1, 2)`` and ``T`` of shape ``(1, 2)``: one training pattern."""
        return (np.array([[float(v) for v in self.inputs]]),
                np.array([[float(v) for v in self.targets]]))

    def exact(self) -> dict[str, sp.Rational]:
        """Every number of the example as an exact rational, keyed by the post's names."""
        out = {"i1": self.inputs[0], "i2": self.inputs[1], "t1": self.targets[0],
               "t2": self.targets[1], "b1": self.biases[0], "b2": self.biases[1],
               "eta": self.eta}
        out.update({f"w{n}": v for n, v in enumerate(self.weights, start=1)})
        return {k: sp.Rational(v) for k, v in out.items()}


MAZUR = MazurExample()


def mazur_network(example: MazurExample = MAZUR) -> Network:
    """The example as a :class:`~backprop.network.Network` (biases shared within a layer)."""
    w = [float(v) for v in example.weights]
    b1, b2 = (float(v) for v in example.biases)
    return Network.from_parameters(
        [[[w[0], w[1]], [w[2], w[3]]], [[w[4], w[5]], [w[6], w[7]]]],
        [[b1, b1], [b2, b2]],
        "sigmoid",
    )


def stale_order_step(net: Network, X: np.ndarray, T: np.ndarray, eta: float) -> Network:
    """One update with the *update-order bug* (``book/worked-example``): the output weights
    are changed first, and the hidden deltas are then formed through the **new** output
    weights, :math:`\\delta^{(1)} = a^{(1)}(1 - a^{(1)}) \\odot
    \\delta^{(2)} W^{(2)}_{\\text{new}}`.

    Everything else is as in a correct step: one forward pass at the old weights, the output
    deltas from it, biases left alone. On Mazur's example this gives the error after one
    step that the post reports. Returns a new network; ``net`` is not changed.
    """
    if net.n_networks is not None or len(net.weights) != 2:
        raise ValueError("stale_order_step reproduces a bug of a two-layer network; got "
                         f"{net!r}")
    if any(f.name != "sigmoid" for f in net.functions) or net.loss.name != "half_sse":
        raise ValueError("stale_order_step uses the sigmoid's slope a(1 - a) and the half-SSE "
                         f"output delta; the network is {net!r}")
    fwd = net.forward(X)
    hidden, out = fwd.activations[1], fwd.output
    delta_out = (T - out) * out * (1 - out)
    W1, W2 = net.weights
    W2_new = W2 + eta * delta_out.T @ hidden
    delta_hidden = hidden * (1 - hidden) * (delta_out @ W2_new)  # the bug: W2 already moved
    bugged = net.copy()
    bugged.weights = [W1 + eta * delta_hidden.T @ fwd.activations[0], W2_new]
    return bugged


@dataclass
class MazurSymbols:
    """The example's symbols and its forward pass, as expressions in those symbols."""

    symbols: dict[str, sp.Symbol]
    forward: dict[str, sp.Expr]  # net_h1, out_h1, ..., E_o1, E_o2, E_total

    @property
    def weights(self) -> list[sp.Symbol]:
        return [self.symbols[f"w{n}"] for n in range(1, 9)]


def mazur_symbols() -> MazurSymbols:
    """The forward pass of the example written out in the post's own names."""
    names = ["i1", "i2", "t1", "t2", "b1", "b2"] + [f"w{n}" for n in range(1, 9)]
    s = {n: sp.Symbol(n, real=True) for n in names}

    f: dict[str, sp.Expr] = {}
    f["net_h1"] = s["w1"] * s["i1"] + s["w2"] * s["i2"] + s["b1"]
    f["net_h2"] = s["w3"] * s["i1"] + s["w4"] * s["i2"] + s["b1"]
    f["out_h1"], f["out_h2"] = sigmoid(f["net_h1"]), sigmoid(f["net_h2"])
    f["net_o1"] = s["w5"] * f["out_h1"] + s["w6"] * f["out_h2"] + s["b2"]
    f["net_o2"] = s["w7"] * f["out_h1"] + s["w8"] * f["out_h2"] + s["b2"]
    f["out_o1"], f["out_o2"] = sigmoid(f["net_o1"]), sigmoid(f["net_o2"])
    f["E_o1"] = sp.Rational(1, 2) * (s["t1"] - f["out_o1"]) ** 2
    f["E_o2"] = sp.Rational(1, 2) * (s["t2"] - f["out_o2"]) ** 2
    f["E_total"] = f["E_o1"] + f["E_o2"]
    return MazurSymbols(s, f)


def train_high_precision(
    steps: int, example: MazurExample = MAZUR, digits: int = 30
) -> tuple[list[mpmath.mpf], mpmath.mpf]:
    """Run ``steps`` gradient-descent updates of the eight weights in ``digits``-digit
    arithmetic, the gradient being SymPy's exact derivative turned into an mpmath function.

    Returns the weights after the last step and the total error there.
    """
    if int(steps) < 0:
        raise ValueError(f"steps must be a non-negative number of updates; got {steps}")
    ms = mazur_symbols()
    values = example.exact()
    fixed = {ms.symbols[k]: values[k] for k in ("i1", "i2", "t1", "t2", "b1", "b2")}
    E_w = ms.forward["E_total"].subs(fixed)
    grad = sp.lambdify([ms.weights], [sp.diff(E_w, w) for w in ms.weights], "mpmath",
                       cse=True)
    error = sp.lambdify([ms.weights], E_w, "mpmath")
    with mpmath.workdps(int(digits)):
        eta = mpmath.mpf(values["eta"].p) / values["eta"].q
        w = [mpmath.mpf(values[f"w{n}"].p) / values[f"w{n}"].q for n in range(1, 9)]
        for _ in range(int(steps)):
            g = grad(w)  # every gradient from the weights before the step
            w = [wi - eta * gi for wi, gi in zip(w, g)]
        return w, error(w)


def value_table(columns: list[str], rows: list[list[object]], digits: int = 9) -> str:
    """An HTML table (``book/worked-example``, ``book/notation``): floats and SymPy numbers
    are printed with ``digits`` decimals, anything else as text. Cells that start and end
    with ``$`` are left for MathJax."""
    def cell(v: object) -> str:
        if isinstance(v, (float, np.floating)):
            return f"{float(v):.{digits}f}"
        if isinstance(v, (sp.Expr, mpmath.mpf)):  # exact or high precision: round in decimal
            exact = Decimal(str(sp.N(sp.sympify(v), 40)))
            return str(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN))
        return html.escape(str(v))

    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
