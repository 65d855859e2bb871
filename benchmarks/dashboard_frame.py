"""One frame of the XOR training dashboard (book/training-xor), timed.

A frame is what one tick of the dashboard's play button does: train a batch of epochs, then
redraw the decision boundary on a 200x200 grid (plus hidden lines and the error curve) with
matplotlib's Agg backend and encode the PNG the widget shows. Target: median <= 33 ms.

    .venv/bin/python benchmarks/dashboard_frame.py [--frames 200] [--epochs-per-frame 10]
"""

from __future__ import annotations

import argparse
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from backprop.datasets import xor  # noqa: E402
from backprop.plotting import TrainingFigure  # noqa: E402
from backprop.training import TrainingConfig, make_state, train_epochs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--epochs-per-frame", type=int, default=10)
    parser.add_argument("--hidden", type=int, default=4)
    args = parser.parse_args()
    X, T = xor()
    state = make_state(TrainingConfig(hidden=args.hidden, eta=1.0, seed=0), X, T)
    figure = TrainingFigure(X, T, n=200)
    train_s, draw_s = [], []
    for _ in range(args.frames):
        t0 = time.perf_counter()
        train_epochs(state, args.epochs_per_frame)
        t1 = time.perf_counter()
        figure.update(state.net, state.error_history, state.epoch, state.status)
        figure.png()
        t2 = time.perf_counter()
        train_s.append(t1 - t0)
        draw_s.append(t2 - t1)
    train_ms, draw_ms = 1e3 * np.array(train_s), 1e3 * np.array(draw_s)
    total = train_ms + draw_ms
    print(f"{args.frames} frames, {args.epochs_per_frame} epochs per frame, "
          f"2-{args.hidden}-1 network, 200x200 boundary grid")
    print(f"median frame      {np.median(total):7.2f} ms  (target <= 33 ms: "
          f"{'met' if np.median(total) <= 33 else 'NOT met'})")
    print(f"  training        {np.median(train_ms):7.2f} ms")
    print(f"  drawing + PNG   {np.median(draw_ms):7.2f} ms")
    print(f"90th percentile   {np.percentile(total, 90):7.2f} ms")


if __name__ == "__main__":
    main()
