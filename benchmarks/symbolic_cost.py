"""How the naive whole-expression gradient grows against the backward pass (book/any-depth).

Prints, for networks of growing depth and width (sigmoid, no biases):

* ``naive ops`` / ``backprop ops``: ``sympy.count_ops`` summed over every weight's gradient,
  for ``sympy.diff`` of the whole error and for the backward pass with one symbol per delta;
* ``diff s``: seconds SymPy takes to build and count the naive derivatives;
* ``eval naive us`` / ``eval numpy us``: microseconds to evaluate the whole gradient for one
  sample, with the lambdified naive derivatives and with ``Network.gradients``.

Run: ``.venv/bin/python benchmarks/symbolic_cost.py [--max-depth 5] [--max-width 4]``.
Larger sizes take minutes (the naive route is the slow one: that is the point).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from backprop import Network
from backprop.efficiency import backward_pass_cost, naive_gradient_cost
from backprop.symbolic import SymbolicNetwork


def evaluation_times(sizes: list[int], rng: np.random.Generator, repeats: int = 200
                     ) -> tuple[float, float]:
    """Microseconds per one-sample gradient: lambdified naive SymPy, and NumPy backprop."""
    g = SymbolicNetwork(sizes, "sigmoid", biases=False).lambdify_gradients("whole")
    net = Network(sizes, "sigmoid", rng=rng)
    x, t = rng.normal(size=sizes[0]), rng.uniform(size=sizes[-1])
    theta = np.concatenate([w.ravel() for w in net.weights])
    start = time.perf_counter()
    for _ in range(repeats):
        g(x, t, theta)
    naive = (time.perf_counter() - start) / repeats * 1e6
    X, T = x[None], t[None]
    start = time.perf_counter()
    for _ in range(repeats):
        net.gradients(X, T)
    return naive, (time.perf_counter() - start) / repeats * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-depth", type=int, default=5)
    parser.add_argument("--max-width", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.max_depth < 1 or args.max_width < 1:
        parser.error("--max-depth and --max-width must be at least 1")
    rng = np.random.default_rng(args.seed)
    print(f"{'sizes':>16} {'naive ops':>10} {'backprop ops':>12} {'ratio':>8} "
          f"{'diff s':>8} {'eval naive us':>14} {'eval numpy us':>14}")
    grid = [[2] * (d + 1) for d in range(1, args.max_depth + 1)]
    grid += [[n] * 3 for n in range(1, args.max_width + 1) if n != 2]
    for sizes in grid:
        naive = naive_gradient_cost(sizes)
        back = backward_pass_cost(sizes)
        ev_naive, ev_numpy = evaluation_times(sizes, rng)
        print(f"{'-'.join(map(str, sizes)):>16} {naive.ops:>10} {back.ops:>12} "
              f"{naive.ops / back.ops:>8.1f} {naive.seconds:>8.3f} {ev_naive:>14.1f} "
              f"{ev_numpy:>14.1f}", flush=True)


if __name__ == "__main__":
    main()
