"""What ``symbolic.equivalent`` costs on the book's whole-network gradients (book/other-losses,
book/any-depth), compiled against SymPy's own ``evalf`` at every point.

For each case, the whole-expression derivative of the error by one parameter against the
chain rule's, as the chapters compare them (three points): seconds with the compiled route
(both sides lambdified to mpmath once, common subexpressions computed once; what
``equivalent`` does) and with the exact route alone (rational point substituted, ``evalf``
of both sides at every point; what ``equivalent`` did before, and still does for a point the
compiled route cannot vouch for). The last rows are a non-identity (the sign of the delta
flipped), where the compiled route's disagreement is confirmed by the exact one, and a small
identity. Both routes must give the same answer; the script stops if they do not.

Target: a hidden weight of the 2-2-3 softmax network in well under a second, so that the
chapter can prove its hidden layer symbolically (the exact route took about 2.7 s a weight).

Run: ``.venv/bin/python benchmarks/equivalent.py [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Callable
from unittest import mock

import sympy as sp
from sympy.core.cache import clear_cache

from backprop import symbolic
from backprop.loss_rules import LossNetwork
from backprop.symbolic import SymbolicNetwork, equivalent


def _gradient_pair(net: SymbolicNetwork, layer: int, u: int, v: int | None,
                   flip: bool = False) -> tuple[sp.Expr, sp.Expr]:
    symbol = net.W[layer - 1][u - 1, v - 1] if v else net.b[layer - 1][u - 1]
    whole = net.whole_gradient(symbol)
    chain = net.substitute_forward(net.chain_gradient(layer, u, v))
    if isinstance(net, LossNetwork):
        whole, chain = net.one_hot(whole), net.one_hot(chain)
    return whole, -chain if flip else chain


def cases() -> list[tuple[str, Callable[[], tuple[sp.Expr, sp.Expr]]]]:
    softmax = LossNetwork((2, 2, 3), "categorical_cross_entropy")
    sigmoid = SymbolicNetwork((2, 2, 1), "sigmoid")
    deep = SymbolicNetwork((2, 2, 2, 1), "sigmoid")
    x = sp.Symbol("x", real=True)
    return [
        ("softmax 2-2-3, w(1)_11", lambda: _gradient_pair(softmax, 1, 1, 1)),
        ("softmax 2-2-3, b(1)_2", lambda: _gradient_pair(softmax, 1, 2, None)),
        ("softmax 2-2-3, w(2)_31", lambda: _gradient_pair(softmax, 2, 3, 1)),
        ("sigmoid 2-2-1, w(1)_21", lambda: _gradient_pair(sigmoid, 1, 2, 1)),
        ("sigmoid 2-2-2-1, w(1)_11", lambda: _gradient_pair(deep, 1, 1, 1)),
        ("softmax, sign flipped", lambda: _gradient_pair(softmax, 1, 1, 1, flip=True)),
        ("cosh^2 - sinh^2 = 1", lambda: (sp.cosh(x) ** 2 - sp.sinh(x) ** 2, sp.Integer(1))),
    ]


def seconds(lhs: sp.Expr, rhs: sp.Expr, repeats: int, exact_only: bool) -> tuple[float, bool]:
    """Best of ``repeats`` calls of ``equivalent(lhs, rhs, points=3)``, each with SymPy's cache
    cleared, and its answer."""
    best, answer = float("inf"), None
    for _ in range(repeats):
        no_compiling = mock.patch.object(symbolic, "_compile", lambda *args: None)
        with no_compiling if exact_only else contextlib.nullcontext():
            clear_cache()  # SymPy caches evaluations: time each call as the first
            start = time.perf_counter()
            answer = equivalent(lhs, rhs, points=3)
            best = min(best, time.perf_counter() - start)
    return best, bool(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'case':>26} {'answer':>7} {'compiled s':>11} {'exact s':>9} {'speed-up':>9}")
    for name, make in cases():
        lhs, rhs = make()
        fast, fast_answer = seconds(lhs, rhs, args.repeats, exact_only=False)
        slow, slow_answer = seconds(lhs, rhs, args.repeats, exact_only=True)
        if fast_answer != slow_answer:
            raise SystemExit(f"{name}: the compiled route says {fast_answer}, the exact route "
                             f"{slow_answer}")
        print(f"{name:>26} {fast_answer!s:>7} {fast:>11.3f} {slow:>9.3f} {slow / fast:>8.1f}x")


if __name__ == "__main__":
    main()
