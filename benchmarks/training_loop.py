"""The one training loop against the same network written inline in plain NumPy.

Times, in one process and on the same initial weights, batch training of the 2-2-1 XOR
network (sigmoid units, half-SSE error, eta = 2, ``TrainingConfig()``'s seed 0):

* plain NumPy: the forward pass, the deltas and the update written out, nothing else;
* ``backprop.training.train_epochs`` (the loop everything uses: it also records every
  epoch's error, tests for divergence and tracks when the run is solved);
* ``Network.train`` (a thin call of the same loop with momentum 0);

and then trains seed 0 until it is solved (``stop_when_solved``). Prints each cost per epoch,
the ratios to plain NumPy, and the time to a solution. Targets: the loop at most 1.5x plain
NumPy per epoch; XOR solved in at most 50 ms. The best of ``--repeats`` runs is reported (the
least disturbed by other processes); the load average is printed with the figures.

    .venv/bin/python benchmarks/training_loop.py [--epochs 4000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from backprop.datasets import xor
from backprop.training import TrainingConfig, make_state, train_epochs


def plain_numpy(W1, b1, W2, b2, X, T, eta, epochs):
    """2-2-1 sigmoid network, batch gradient descent, written inline."""
    W1, b1, W2, b2 = W1.copy(), b1.copy(), W2.copy(), b2.copy()
    errors = np.empty(epochs)
    for e in range(epochs):
        h = 1 / (1 + np.exp(-(X @ W1.T + b1)))
        y = 1 / (1 + np.exp(-(h @ W2.T + b2)))
        errors[e] = 0.5 * np.sum((T - y) ** 2)
        d2 = (T - y) * y * (1 - y)
        d1 = (d2 @ W2) * h * (1 - h)
        W2 += eta * d2.T @ h
        b2 += eta * d2.sum(axis=0)
        W1 += eta * d1.T @ X
        b1 += eta * d1.sum(axis=0)
    return errors, (W1, b1, W2, b2)


def best_of(repeats: int, run) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    X, T = xor()
    cfg = TrainingConfig()  # 2-2-1, sigmoid, eta 2, seed 0
    fresh = lambda: make_state(cfg, X, T)  # noqa: E731
    W1, W2 = fresh().net.weights
    b1, b2 = fresh().net.biases

    # The two must compute the same thing, or the comparison means nothing.
    errors, plain_params = plain_numpy(W1, b1, W2, b2, X, T, cfg.eta, 200)
    state = train_epochs(fresh(), 200)
    assert np.allclose(state.error_history, errors, rtol=1e-10)
    assert np.allclose(np.concatenate([p.ravel() for p in plain_params]),
                       state.net.parameters(), rtol=1e-10)

    n = args.epochs
    plain = best_of(args.repeats, lambda: plain_numpy(W1, b1, W2, b2, X, T, cfg.eta, n)) / n
    loop = best_of(args.repeats, lambda: train_epochs(fresh(), n)) / n
    thin = best_of(args.repeats, lambda: fresh().net.train(X, T, cfg.eta, n)) / n
    solved = train_epochs(fresh(), 10_000, stop_when_solved=True)
    to_solve = best_of(args.repeats,
                       lambda: train_epochs(fresh(), 10_000, stop_when_solved=True))

    print(f"2-2-1 XOR, batch, eta {cfg.eta}, seed {cfg.seed}; best of {args.repeats} runs of "
          f"{n} epochs; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"plain NumPy, inline        {1e6 * plain:7.2f} us per epoch")
    print(f"training.train_epochs      {1e6 * loop:7.2f} us per epoch   "
          f"{loop / plain:4.2f}x plain (target <= 1.5x: "
          f"{'met' if loop <= 1.5 * plain else 'NOT met'})")
    print(f"Network.train              {1e6 * thin:7.2f} us per epoch   {thin / plain:4.2f}x plain")
    print(f"seed {cfg.seed} solved after {solved.epoch} epochs in {1e3 * to_solve:5.1f} ms "
          f"(target <= 50 ms: {'met' if to_solve <= 0.05 else 'NOT met'})")


if __name__ == "__main__":
    main()
