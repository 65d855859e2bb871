"""The many-seed study of book/training-xor: all networks trained at once versus one at a time.

Trains N 2-2-1 XOR networks for E epochs (batch updates) twice: stacked along a leading axis
(one vectorized step per epoch, backprop.training.train_epochs on n_networks=N) and in a
Python loop over the networks. Prints the cost per network-step. Target: >= 20x cheaper.

    .venv/bin/python benchmarks/many_seeds.py [--networks 500] [--epochs 400]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from backprop.datasets import xor
from backprop.training import TrainingConfig, make_state, train_epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=500)
    parser.add_argument("--epochs", type=int, default=400)
    parser.add_argument("--loop-networks", type=int, default=50,
                        help="networks timed in the one-at-a-time loop (cost is per network)")
    args = parser.parse_args()
    X, T = xor()
    cfg = TrainingConfig(hidden=2, eta=2.0, seed=0)

    stacked = make_state(cfg, X, T, n_networks=args.networks)
    t0 = time.perf_counter()
    train_epochs(stacked, args.epochs)
    vec = (time.perf_counter() - t0) / (args.networks * args.epochs)

    singles = [make_state(TrainingConfig(hidden=2, eta=2.0, seed=s), X, T)
               for s in range(args.loop_networks)]
    t0 = time.perf_counter()
    for state in singles:
        train_epochs(state, args.epochs)
    loop = (time.perf_counter() - t0) / (args.loop_networks * args.epochs)

    print(f"{args.networks} networks x {args.epochs} epochs, 2-2-1 XOR, batch updates")
    print(f"vectorized (leading axis)  {1e6 * vec:8.3f} us per network-step")
    print(f"one at a time (loop)       {1e6 * loop:8.3f} us per network-step")
    ratio = loop / vec
    print(f"vectorized is {ratio:.1f}x cheaper (target >= 20x: "
          f"{'met' if ratio >= 20 else 'NOT met'})")
    assert np.all(np.isfinite(stacked.error_history))


if __name__ == "__main__":
    main()
