"""The one training loop: gradient descent with momentum, batch or on-line, for one network
or many at once, with one rule for divergence. The recorded runs and seed studies the
chapters draw and count are built on it in :mod:`backprop.runs`, the pictures drawn from them
in :mod:`backprop.landscapes`.

Used by *Training XOR* (``book/training-xor``), *Error landscapes* (``book/error-landscapes``)
and *Beyond XOR* (``book/beyond-xor``); :meth:`backprop.network.Network.train` and
:func:`backprop.perceptron.train_delta_rule` are thin calls of it.

Everything here is a pure function of its arguments (plus the ``rng`` passed in), so a widget
callback only has to call it and redraw. Four ideas recur:

* **Many networks at once.** A :class:`~backprop.network.Network` built with
  ``n_networks=N`` holds ``N`` independent networks along a leading axis; one call of
  :func:`train_epochs` trains all of them, so a study over 500 seeds costs one vectorized loop.
* **Momentum.** The weight change is :math:`\\Delta w(t) = -\\eta\\,\\partial E/\\partial w
  + \\alpha\\,\\Delta w(t-1)` (Rumelhart, Hinton and Williams 1986), with :math:`\\alpha`
  the momentum; :math:`\\alpha = 0` is plain gradient descent.
* **Divergence is a status, not an exception.** A network has diverged when its error or one
  of its parameters is no longer finite (a learning rate too large). From the epoch where
  that is first seen it is frozen and reported as ``"diverged"``, so a notebook keeps running
  and the other networks of a stack keep training.
* **No bookkeeping per epoch.** The loop runs blocks of epochs with nothing but the forward
  pass, the backward pass and the update, keeping each epoch's output net inputs; errors,
  the solved test and the divergence test are then computed for the whole block at once. A
  block in which some network's numbers stopped being finite is undone and run again one
  checked epoch at a time, so the result is exactly that of checking every epoch
  (``benchmarks/training_loop.py`` measures the loop against plain NumPy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .network import Network, NetworkInputError, get_loss

__all__ = [
    "accuracy",
    "TrainingConfig",
    "TrainingInputError",
    "TrainingState",
    "make_state",
    "solved_mask",
    "start",
    "train_epochs",
    "train_step",
]


class TrainingInputError(NetworkInputError):
    """A training setting the code cannot use; the message says which and what to change."""


MODES = ("batch", "online")
OUTPUTS = ("sigmoid", "identity", "softmax")
HIDDEN = ("sigmoid", "tanh", "relu", "identity")
#: Output net inputs kept per block of epochs (the block is shorter for big data or stacks).
_BLOCK_VALUES = 1 << 16
_MAX_BLOCK = 256
#: Blocks are shorter when training stops at a condition, since the epochs after it are redone.
_STOPPING_BLOCK = 64


# ====================================================================== settings and state
@dataclass(frozen=True)
class TrainingConfig:
    """Every setting of a training run, as the dashboard's controls show them.

    ``hidden`` units in one hidden layer (or a tuple of layer sizes for deeper networks),
    ``activation`` of the hidden layers (the output unit is always a sigmoid so that outputs
    read as probabilities of class 1, unless ``output="identity"``, a linear output unit
    whose error is quadratic in the last weights, so too large a step makes it diverge, or
    ``output="softmax"`` for one unit per class), the ``loss`` (``"half_sse"``,
    ``"binary_cross_entropy"`` with sigmoid outputs, ``"categorical_cross_entropy"`` with
    softmax), learning rate ``eta``, ``momentum`` :math:`\\alpha`, initial
    ``weight_scale``, ``seed`` of the initial weights, and ``mode`` (``"batch"``: one step per
    epoch on the summed gradient; ``"online"``: one step per pattern).
    """

    hidden: int | tuple[int, ...] = 2
    activation: str = "sigmoid"
    eta: float = 2.0
    momentum: float = 0.0
    weight_scale: float = 1.0
    seed: int = 0
    mode: str = "batch"
    output: str = "sigmoid"
    loss: str = "half_sse"

    def hidden_sizes(self) -> tuple[int, ...]:
        return (self.hidden,) if isinstance(self.hidden, (int, np.integer)) else \
            tuple(self.hidden)

    def validate(self) -> TrainingConfig:
        """Return ``self`` if every setting is usable, else raise :class:`TrainingInputError`."""
        problems = []
        try:
            sizes = self.hidden_sizes()
            if not sizes or any(int(h) != h or h < 1 for h in sizes):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"hidden = {self.hidden!r}: give a whole number of hidden units "
                            "(1 or more), or a tuple of them for several hidden layers")
        if self.activation not in HIDDEN:
            problems.append(f"activation = {self.activation!r}: choose "
                            + ", ".join(HIDDEN[:-1]) + f" or {HIDDEN[-1]}")
        if self.output not in OUTPUTS:
            problems.append(f"output = {self.output!r}: choose "
                            + ", ".join(OUTPUTS[:-1]) + f" or {OUTPUTS[-1]}")
        try:
            loss = get_loss(self.loss)
            if loss.output is not None and self.output != loss.output:
                problems.append(f"loss = {self.loss!r} is written for output = "
                                f"{loss.output!r}, not {self.output!r}: change one of them")
        except NetworkInputError as err:
            problems.append(f"loss = {self.loss!r}: {err}")
        problems += _rate_problems(self.eta, self.momentum)
        if not _is_number(self.weight_scale) or not self.weight_scale > 0:
            problems.append(f"initial weight scale = {self.weight_scale!r}: must be a "
                            "positive number, e.g. 1.0")
        if not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            problems.append(f"seed = {self.seed!r}: must be a whole number >= 0")
        if self.mode not in MODES:
            problems.append(f"mode = {self.mode!r}: choose 'batch' or 'online'")
        if problems:
            raise TrainingInputError("; ".join(problems))
        return self


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and bool(np.isfinite(x))


def _rate_problems(eta: object, momentum: object) -> list[str]:
    problems = []
    if not _is_number(eta) or not eta > 0:
        problems.append(f"learning rate eta = {eta!r}: must be a positive number, e.g. 0.5")
    if not _is_number(momentum) or not 0 <= momentum < 1:
        problems.append(f"momentum = {momentum!r}: must be in [0, 1), e.g. 0.9")
    return problems


@dataclass
class TrainingState:
    """A training run in progress: the network(s), momentum memory, history and status.

    ``errors`` holds one entry per epoch trained so far, the error *before* that epoch's
    update, so ``errors[0]`` is the error of the initial weights (after a run diverges, one
    more: the non-finite error that stopped it). With ``n_networks`` each entry is an array
    with one value per network. ``status`` is ``"running"``, ``"solved"`` (every output on
    the right side of 0.5 by ``margin``, see :func:`solved_mask`) or ``"diverged"``;
    ``diverged`` marks the individual networks whose error or parameters stopped being finite
    (they are frozen from then on); ``first_solved`` the first epoch after which each network
    was solved (``inf`` until it is). Make one with :func:`make_state` or :func:`start`.
    """

    net: Network
    X: np.ndarray
    T: np.ndarray
    eta: float
    momentum: float = 0.0
    mode: str = "batch"
    update_biases: bool = True
    order: np.ndarray | None = None
    margin: float = 0.1
    velocity_w: list[np.ndarray] = field(default_factory=list)
    velocity_b: list[np.ndarray] = field(default_factory=list)
    epoch: int = 0
    errors: list[np.ndarray] = field(default_factory=list)
    diverged: np.ndarray = field(default_factory=lambda: np.zeros((), dtype=bool))
    first_solved: np.ndarray = field(default_factory=lambda: np.full((), np.inf))
    status: str = "running"

    @property
    def error_history(self) -> np.ndarray:
        """Errors so far, shape ``(epochs,)`` or ``(epochs, n_networks)``."""
        return np.array(self.errors, dtype=float)

    def current_error(self) -> np.ndarray:
        """The error of the current parameters (one value per network)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.net.error(self.X, self.T)

    def history(self) -> np.ndarray:
        """The error before every epoch and after the last (which a diverged run lacks)."""
        if self.status == "diverged":
            return self.error_history
        return np.array([*self.errors, self.current_error()], dtype=float)


def start(
    net: Network,
    X: np.ndarray,
    T: np.ndarray,
    eta: float,
    *,
    momentum: float = 0.0,
    mode: str = "batch",
    update_biases: bool = True,
    order: Sequence[int] | None = None,
) -> TrainingState:
    """A run that trains ``net`` itself (in place) on ``(X, T)``; every setting is checked
    here, once, so that the loop checks nothing per epoch. ``order`` is the pattern order of
    on-line epochs (default: as given)."""
    problems = _rate_problems(eta, momentum)
    if mode not in MODES:
        problems.append(f"unknown mode {mode!r}; use 'batch' or 'online'")
    if problems:
        raise TrainingInputError("; ".join(problems))
    X = net._check_inputs(X)
    T = net._check_targets(T, X.shape[-2])
    if X.ndim != 2:
        raise TrainingInputError(f"X must have shape (n_samples, {net.sizes[0]}), shared by "
                                 f"every network of a stack; got {X.shape}")
    if order is not None:
        order = np.asarray(order)
        if (order.ndim != 1 or not np.issubdtype(order.dtype, np.integer)
                or np.any((order < 0) | (order >= X.shape[0]))):
            raise TrainingInputError(f"order must list sample indices in 0..{X.shape[0] - 1}; "
                                     f"got {order!r}")
    lead = net.weights[0].shape[:-2]
    return TrainingState(
        net=net, X=X, T=T, eta=float(eta), momentum=float(momentum), mode=mode,
        update_biases=bool(update_biases), order=order,
        velocity_w=[np.zeros_like(w) for w in net.weights],
        velocity_b=[np.zeros_like(b) for b in net.biases],
        diverged=np.zeros(lead, dtype=bool), first_solved=np.full(lead, np.inf),
    )


def make_state(
    config: TrainingConfig,
    X: np.ndarray,
    T: np.ndarray,
    *,
    n_networks: int | None = None,
) -> TrainingState:
    """A fresh run for ``config`` on data ``(X, T)``: initial weights from ``config.seed``.

    With ``n_networks`` the run holds that many networks, drawn one after another from the
    same generator (so seed 0 with ``n_networks=200`` gives 200 different initialisations).
    """
    config.validate()
    sizes = (np.shape(X)[-1], *config.hidden_sizes(), np.shape(T)[-1])
    functions = [config.activation] * (len(sizes) - 2) + [config.output]
    net = Network(sizes, functions, loss=config.loss, rng=np.random.default_rng(config.seed),
                  weight_scale=config.weight_scale, n_networks=n_networks)
    return start(net, X, T, config.eta, momentum=config.momentum, mode=config.mode)


# ====================================================================== the loop
def _update(state: TrainingState, activations: list[np.ndarray], deltas: list[np.ndarray],
            alive: np.ndarray | None) -> None:
    """:math:`\\Delta w(t) = \\eta\\,\\delta\\,a + \\alpha\\,\\Delta w(t-1)` (so
    :math:`-\\eta\\,\\partial E/\\partial w + \\alpha\\,\\Delta w(t-1)`) for every layer, in
    place; with ``alive``, the networks it marks ``False`` keep their parameters."""
    net, eta, alpha = state.net, state.eta, state.momentum
    pairs = ((net.weights, state.velocity_w), (net.biases, state.velocity_b))
    for l, (d, a) in enumerate(zip(deltas, activations)):
        for (params, velocity), change in zip(pairs, (d.mT @ a, d.sum(axis=-2))):
            if params is net.biases and not state.update_biases:
                continue
            change *= eta  # a fresh array: scaling it in place saves an allocation
            if alpha:
                velocity[l] *= alpha
                velocity[l] += change
                change = velocity[l]
            if alive is None:
                params[l] += change
            else:
                mask = alive.reshape(alive.shape + (1,) * (change.ndim - alive.ndim))
                if alpha:
                    velocity[l][...] = np.where(mask, change, 0.0)
                params[l][...] = np.where(mask, params[l] + change, params[l])


def _epoch(state: TrainingState, alive: np.ndarray | None) -> np.ndarray:
    """One epoch of updates; returns the output net inputs *before* it (for the error)."""
    net = state.net
    activations, nets = net._propagate(state.X)
    if state.mode == "batch":
        _update(state, activations, net.deltas(activations, state.T), alive)
    else:
        order = range(state.X.shape[0]) if state.order is None else state.order
        for p in order:
            a, _ = net._propagate(state.X[p:p + 1])
            _update(state, a, net.deltas(a, state.T[p:p + 1]), alive)
    return nets[-1]


def _not_finite(state: TrainingState) -> np.ndarray:
    """Which networks have a parameter that is NaN or infinite."""
    lead = state.diverged.shape
    bad = np.zeros(lead, dtype=bool)
    for arr in (*state.net.weights, *state.net.biases):
        bad |= ~np.all(np.isfinite(arr), axis=tuple(range(len(lead), arr.ndim)))
    return bad


def _judge(state: TrainingState, out_nets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Errors and the solved test for stacked output net inputs (leading axis: epochs)."""
    a = state.net.functions[-1].f(out_nets)
    errors = state.net.loss.value(a, out_nets, state.T)
    solved = np.all(np.abs(state.T - a) < 0.5 - state.margin, axis=(-2, -1))
    return errors, solved


def _fast_block(state: TrainingState, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` epochs with no test at all; ``(errors, solved after each epoch, diverged)``."""
    alive = ~state.diverged if state.diverged.any() else None
    out = np.empty((n + 1, *state.diverged.shape, *state.T.shape))
    for i in range(n):
        out[i] = _epoch(state, alive)
    out[n] = state.net._propagate(state.X)[1][-1]
    errors, solved = _judge(state, out)
    diverged = np.broadcast_to(state.diverged, (n, *state.diverged.shape))
    return errors[:n], solved[1:], diverged


def _checked_block(state: TrainingState, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` epochs, each testing for divergence before and after its update (the rule);
    stops early, after recording the error that showed it, once every network diverged."""
    errors, solved, diverged = [], [], []
    for _ in range(n):
        out = state.net._propagate(state.X)[1][-1]
        err = _judge(state, out[None])[0][0]
        errors.append(err)
        state.diverged = state.diverged | ~np.isfinite(err) | _not_finite(state)
        if state.diverged.all():
            break
        _epoch(state, ~state.diverged)
        state.diverged = state.diverged | _not_finite(state)
        solved.append(_judge(state, state.net._propagate(state.X)[1][-1][None])[1][0])
        diverged.append(state.diverged.copy())
    shape = (len(solved), *state.diverged.shape)
    return (np.array(errors, dtype=float), np.array(solved, dtype=bool).reshape(shape),
            np.array(diverged, dtype=bool).reshape(shape))


def _saved(state: TrainingState) -> list[list[np.ndarray]]:
    return [[a.copy() for a in arrays] for arrays in
            (state.net.weights, state.net.biases, state.velocity_w, state.velocity_b)]


def _restore(state: TrainingState, saved: list[list[np.ndarray]], diverged: np.ndarray) -> None:
    state.net.weights, state.net.biases, state.velocity_w, state.velocity_b = \
        [[a.copy() for a in arrays] for arrays in saved]
    state.diverged = diverged


def _block(state: TrainingState, n: int, saved: list[list[np.ndarray]], diverged: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` epochs by the fast path; redone checked if any live network stopped being finite
    (the fast path would have kept updating it)."""
    errors, solved, dead = _fast_block(state, n)
    if np.all(np.isfinite(errors) | diverged) and not np.any(_not_finite(state) & ~diverged):
        return errors, solved, dead
    _restore(state, saved, diverged)
    return _checked_block(state, n)


def _train(state: TrainingState, epochs: int, until: str | None = None) -> TrainingState:
    """Train up to ``epochs`` epochs. ``until="solved"`` stops after the first epoch at which
    every live network is solved; ``until="each_solved"`` once every network has been solved
    at some epoch (or diverged)."""
    if isinstance(epochs, bool) or int(epochs) != epochs or epochs < 0:
        raise TrainingInputError(f"epochs must be a whole number >= 0; got {epochs!r}")
    epochs = int(epochs)
    lead = state.diverged.shape
    per_epoch = max(1, int(np.prod(lead, dtype=int)) * state.T.size)
    longest = _MAX_BLOCK if until is None else _STOPPING_BLOCK
    length = max(1, min(longest, _BLOCK_VALUES // per_epoch))
    # Fresh arrays: parameters a caller holds from before this call are never changed.
    state.net.weights = [w.copy() for w in state.net.weights]
    state.net.biases = [b.copy() for b in state.net.biases]
    done = 0
    with np.errstate(all="ignore"):  # overflow is how divergence shows; it is tested for
        while done < epochs and state.status != "diverged":
            n = min(length, epochs - done)
            saved, diverged = _saved(state), state.diverged.copy()
            errors, solved, dead = _block(state, n, saved, diverged)
            finished = len(solved)
            if until is not None and finished:
                if until == "solved":
                    hit = np.all(solved | dead, axis=tuple(range(1, solved.ndim)))
                else:
                    seen = np.logical_or.accumulate(solved, axis=0) | np.isfinite(
                        state.first_solved)
                    hit = np.all(seen | dead, axis=tuple(range(1, solved.ndim)))
                if hit.any() and int(np.argmax(hit)) + 1 < finished:
                    # Stopped inside the block: redo exactly the epochs up to the stop.
                    finished = int(np.argmax(hit)) + 1
                    _restore(state, saved, diverged)
                    errors, solved, dead = _block(state, finished, saved, diverged)
            first = np.argmax(solved & ~dead, axis=0)
            ever = np.any(solved & ~dead, axis=0)
            state.first_solved = np.where(np.isinf(state.first_solved) & ever,
                                          state.epoch + first + 1, state.first_solved)
            state.errors.extend(errors)
            state.epoch += finished
            done += finished
            if state.diverged.all():
                state.status = "diverged"
            elif finished:
                state.status = "solved" if np.all(solved[-1] | dead[-1]) else "running"
                if until == "solved" and state.status == "solved":
                    break
                if until == "each_solved" and np.all(np.isfinite(state.first_solved)
                                                     | state.diverged):
                    break
    return state


def train_step(state: TrainingState) -> TrainingState:
    """Train one epoch in place and return the state (so calls can be chained).

    Records the error before the update, applies the batch or on-line updates with momentum,
    and updates ``status``: a network whose error or parameters are not finite is marked
    diverged and frozen; the run as a whole is ``"diverged"`` when every network has,
    ``"solved"`` when every network that has not diverged classifies every pattern correctly.
    """
    return _train(state, 1)


def train_epochs(state: TrainingState, epochs: int, *, stop_when_solved: bool = False,
                 stop_when_each_solved: bool = False) -> TrainingState:
    """Train up to ``epochs`` epochs (what :func:`train_step` does, ``epochs`` times); stops
    early when every network has diverged and, if asked, once the run is solved (every live
    network at the same epoch) or, for a stack, once each network has been solved at some
    epoch (``first_solved`` is then known for all of them: what a seed study needs)."""
    if stop_when_solved and stop_when_each_solved:
        raise TrainingInputError("stop_when_solved and stop_when_each_solved: choose one")
    until = "solved" if stop_when_solved else "each_solved" if stop_when_each_solved else None
    return _train(state, epochs, until)


def solved_mask(net: Network, X: np.ndarray, T: np.ndarray, margin: float = 0.1
                ) -> np.ndarray:
    """Which networks classify every pattern correctly, by at least ``margin``.

    A pattern counts as correct when its output is on the target's side of 0.5 and at least
    ``margin`` away from 0.5, i.e. :math:`|t_k - a_k| < 0.5 - \\text{margin}` for 0/1 targets.
    Returns a boolean (one per network).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        a = net.predict(X)
        ok = np.abs(np.asarray(T) - a) < 0.5 - margin
    return np.all(ok, axis=(-2, -1))


def accuracy(net: Network, X: np.ndarray, T: np.ndarray) -> float:
    """Fraction of patterns classified correctly by one network (``book/beyond-xor``): the
    output on the target's side of 0.5 for 0/1 targets, or the largest output on the target
    class for a softmax layer."""
    with np.errstate(over="ignore", invalid="ignore"):
        a, T = net.predict(X), np.asarray(T)
    if net.functions[-1].name == "softmax":
        return float(np.mean(np.argmax(a, axis=-1) == np.argmax(T, axis=-1)))
    return float(np.mean((a > 0.5) == (T > 0.5)))

