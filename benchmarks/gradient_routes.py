"""All N partial derivatives of a network's error, three ways (book/computational-graphs).

For sigmoid networks of growing width (and, with ``--deep``, growing depth) this prints, side
by side in one run:

* ``N``: the number of weights and biases;
* ``rev ops`` / ``fwd ops`` / ``fd ops``: operations on the scalar engine's graph for the
  reverse mode (one evaluation and one sweep), forward mode (one evaluation and one sweep per
  parameter) and one-sided finite differences (N + 1 evaluations);
* ``error ms``: one evaluation of the error with ``Network.error``;
* ``reverse ms`` / ``forward ms`` / ``central ms``: the whole gradient by
  ``Network.gradients``, by ``autodiff.forward_mode_gradient`` (one pass per parameter) and by
  the book's central differences (2N evaluations), best of ``--repeats`` runs;
* ``fd/rev``: how many times longer the central differences took than the reverse mode;
* ``engine ms``: the scalar engine (``autodiff.engine_gradients``), graph building included,
  to show what grouping scalars into matrices buys.

The load average is printed before and after: timings on a loaded machine are slower, never
faster, so the best of several runs is the figure to read.

Run: ``.venv/bin/python benchmarks/gradient_routes.py [--max-width 512] [--deep]``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from backprop import Network
from backprop.autodiff import engine_gradients, graph_cost, network_graph, time_routes


def row(sizes: tuple[int, ...], rng: np.random.Generator, patterns: int, repeats: int,
        engine: bool) -> str:
    net = Network(sizes, "sigmoid", rng=rng)
    X = rng.normal(size=(patterns, sizes[0]))
    T = rng.uniform(size=(patterns, sizes[-1]))
    cost = graph_cost(network_graph(net, X, T).error, net.parameters().size)
    t = time_routes(net, X, T, repeats=repeats)
    engine_ms = float("nan")
    if engine:
        start = time.perf_counter()
        engine_gradients(net, X, T)
        engine_ms = (time.perf_counter() - start) * 1e3
    shape = "-".join(map(str, sizes))
    return (f"{shape:>22} {cost.n_parameters:7d} {cost.reverse_mode:11,d} "
            f"{cost.forward_mode:15,d} {cost.finite_differences:15,d} {t.error * 1e3:9.3f} "
            f"{t.reverse_mode * 1e3:10.3f} {t.forward_mode * 1e3:11.1f} "
            f"{t.finite_differences * 1e3:11.1f} {t.finite_differences / t.reverse_mode:9.0f} "
            f"{engine_ms:10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-width", type=int, default=512)
    parser.add_argument("--patterns", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--deep", action="store_true", help="also grow the depth at width 16")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)")
    print(f"{'sizes':>22} {'N':>7} {'rev ops':>11} {'fwd ops':>15} {'fd ops':>15} "
          f"{'error ms':>9} {'reverse ms':>10} {'forward ms':>11} {'central ms':>11} "
          f"{'fd/rev':>9} {'engine ms':>10}")
    width = 2
    while width <= args.max_width:
        print(row((8, width, 4), rng, args.patterns, args.repeats, engine=width <= 128),
              flush=True)
        width *= 2
    if args.deep:
        for depth in range(1, 7):
            print(row((8,) + (16,) * depth + (4,), rng, args.patterns, args.repeats,
                      engine=True), flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
