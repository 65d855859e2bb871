"""Recorded runs and seed studies: what the training chapters draw and count, built on the one
loop of :mod:`backprop.training`.

A :class:`Run` (:func:`record_run`) is one network's training with evenly spaced snapshots of
its parameters, for the players, the trajectories through weight space
(:mod:`backprop.landscapes`) and the figures of *Training XOR* (``book/training-xor``) and
*Error landscapes* (``book/error-landscapes``). A :class:`SeedStudy` (:func:`epochs_to_solve`)
trains hundreds of initialisations at once and records when each first solved the task, or
that it stalled or diverged (``book/training-xor``, ``book/other-losses``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network, pack
from .training import TrainingConfig, TrainingInputError, make_state, train_epochs

__all__ = ["Run", "SeedStudy", "epochs_to_solve", "record_run"]


@dataclass
class Run:
    """A finished run with snapshots, for players, trajectories and figures.

    ``epochs[s]`` is the epoch of snapshot ``s``, whose parameters are ``weights[s]`` and
    ``biases[s]``; ``errors`` is the whole error history; ``status`` how the run ended;
    ``functions`` the names of the layers' activation functions and ``loss`` the loss's.
    """

    config: TrainingConfig
    epochs: np.ndarray
    weights: list[list[np.ndarray]]
    biases: list[list[np.ndarray]]
    errors: np.ndarray
    status: str
    sizes: tuple[int, ...]
    functions: list[str]
    loss: str = "half_sse"

    def network(self, s: int = -1) -> Network:
        """The network at snapshot ``s`` (default: the last)."""
        return Network.from_parameters(self.weights[s], self.biases[s], self.functions,
                                       loss=self.loss)

    def flat(self) -> np.ndarray:
        """Every snapshot's parameters as rows, in :meth:`Network.parameters` order."""
        return np.array([pack(w, b) for w, b in zip(self.weights, self.biases)])


def record_run(
    config: TrainingConfig, X: np.ndarray, T: np.ndarray, epochs: int, *, snapshots: int = 40
) -> Run:
    """Train one network for up to ``epochs`` epochs, keeping ``snapshots`` evenly spaced
    parameter sets (always the first and the last). A diverging run ends at divergence."""
    if int(snapshots) < 2:
        raise TrainingInputError(f"snapshots must be at least 2; got {snapshots!r}")
    if isinstance(epochs, bool) or int(epochs) != epochs or epochs < 0:
        raise TrainingInputError(f"epochs must be a whole number >= 0; got {epochs!r}")
    state = make_state(config, X, T)
    keep = np.unique(np.linspace(0, int(epochs), int(snapshots)).round().astype(int))
    ep, ws, bs = [], [], []

    def snap() -> None:
        ep.append(state.epoch)
        ws.append([w.copy() for w in state.net.weights])
        bs.append([b.copy() for b in state.net.biases])

    for target in keep:
        train_epochs(state, int(target) - state.epoch)
        if state.status == "diverged":
            break
        snap()
    if ep[-1] != state.epoch and state.status != "diverged":
        snap()
    if state.status != "diverged":
        state.errors.append(state.current_error())
    return Run(config, np.array(ep), ws, bs, np.array(state.errors, dtype=float),
               state.status, state.net.sizes, [f.name for f in state.net.functions],
               state.net.loss.name)


@dataclass
class SeedStudy:
    """The outcome of training many initialisations at once (``book/training-xor``).

    ``epochs[n]`` is the first epoch after which network ``n`` solved the task, ``inf`` if it
    never did within ``max_epochs`` (it *stalled*), ``final_error[n]`` its error at the end.
    """

    epochs: np.ndarray
    final_error: np.ndarray
    diverged: np.ndarray
    max_epochs: int

    @property
    def solved(self) -> np.ndarray:
        return np.isfinite(self.epochs)

    @property
    def fraction_stalled(self) -> float:
        """Fraction that neither solved nor diverged within ``max_epochs``."""
        return float(np.mean(~self.solved & ~self.diverged))

    @property
    def fraction_solved(self) -> float:
        return float(np.mean(self.solved))

    def median_epochs(self) -> float:
        """Median epochs to solve among the networks that solved (``nan`` if none did)."""
        return float(np.median(self.epochs[self.solved])) if self.solved.any() else float("nan")


def epochs_to_solve(
    config: TrainingConfig,
    X: np.ndarray,
    T: np.ndarray,
    n_networks: int,
    max_epochs: int,
    *,
    margin: float = 0.1,
) -> SeedStudy:
    """Train ``n_networks`` initialisations of ``config`` *all at once* and record when each
    first classifies every pattern correctly (:func:`backprop.training.solved_mask`).

    All networks share one leading axis, so each epoch is one vectorized forward and backward
    pass over every network (``benchmarks/many_seeds.py`` measures the saving).
    """
    if int(n_networks) < 1:
        raise TrainingInputError(f"n_networks must be at least 1; got {n_networks!r}")
    state = make_state(config, X, T, n_networks=int(n_networks))
    state.margin = float(margin)
    train_epochs(state, max_epochs, stop_when_each_solved=True)
    return SeedStudy(state.first_solved.copy(), state.current_error(), state.diverged.copy(),
                     int(max_epochs))
