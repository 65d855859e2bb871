"""Training runs the reader can watch: momentum, divergence, many seeds at once, landscapes.

Used by *Training XOR* (``book/training-xor``), *Error landscapes* (``book/error-landscapes``)
and *Beyond XOR* (``book/beyond-xor``), and by the dashboards in :mod:`backprop.widgets`.

Everything here is a pure function of its arguments (plus the ``rng`` passed in), so a widget
callback only has to call it and redraw. Three ideas recur:

* **Many networks at once.** A :class:`~backprop.network.Network` built with
  ``n_networks=N`` holds ``N`` independent networks along a leading axis; one call of
  :func:`train_step` trains all of them, so a study over 500 seeds costs one vectorized loop.
* **Momentum.** The weight change is :math:`\\Delta w(t) = -\\eta\\,\\partial E/\\partial w
  + \\alpha\\,\\Delta w(t-1)` (Rumelhart, Hinton and Williams 1986), with :math:`\\alpha`
  the momentum.
* **Divergence is a status, not an exception.** When a learning rate is too large the error
  becomes ``inf`` or ``NaN``; that network is frozen and reported as ``"diverged"`` so that a
  notebook keeps running.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .network import Activation, Gradients, Network, NetworkInputError, half_sse

__all__ = [
    "STEP",
    "accuracy",
    "Landscape",
    "Run",
    "SeedStudy",
    "TrainingConfig",
    "TrainingInputError",
    "TrainingState",
    "decision_grid",
    "epochs_to_solve",
    "landscape_directions",
    "landscape_slice",
    "landscape_for_run",
    "make_state",
    "parameter_names",
    "project_trajectory",
    "record_run",
    "solved_mask",
    "stacked_errors",
    "train_epochs",
    "train_step",
]


class TrainingInputError(NetworkInputError):
    """A training setting the code cannot use; the message says which and what to change."""


#: The threshold unit of the perceptron: 1 when ``net >= 0``, else 0. Its derivative is zero
#: almost everywhere, so gradient descent cannot train it; it is here so that
#: ``book/error-landscapes`` can draw the step network's error surface next to the sigmoid's.
STEP = Activation("step", lambda n: (np.asarray(n) >= 0).astype(float),
                  lambda a: np.zeros_like(a), r"0")

MODES = ("batch", "online")


# ====================================================================== settings and state
@dataclass(frozen=True)
class TrainingConfig:
    """Every setting of a training run, as the dashboard's controls show them.

    ``hidden`` units in one hidden layer (or a tuple of layer sizes for deeper networks),
    ``activation`` of the hidden layers (the output unit is always a sigmoid so that outputs
    read as probabilities of class 1, unless ``output="identity"``, a linear output unit
    whose error is quadratic in the last weights, so too large a step makes it diverge),
    learning rate ``eta``, ``momentum`` :math:`\\alpha`,
    initial ``weight_scale``, ``seed`` of the initial weights, and ``mode`` (``"batch"``:
    one step per epoch on the summed gradient; ``"online"``: one step per pattern).
    """

    hidden: int | tuple[int, ...] = 2
    activation: str = "sigmoid"
    eta: float = 2.0
    momentum: float = 0.0
    weight_scale: float = 1.0
    seed: int = 0
    mode: str = "batch"
    output: str = "sigmoid"

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
        if self.activation not in ("sigmoid", "tanh", "relu", "identity"):
            problems.append(f"activation = {self.activation!r}: choose sigmoid, tanh, relu "
                            "or identity")
        if self.output not in ("sigmoid", "identity"):
            problems.append(f"output = {self.output!r}: choose sigmoid or identity")
        if not _is_number(self.eta) or not self.eta > 0:
            problems.append(f"learning rate eta = {self.eta!r}: must be a positive number, "
                            "e.g. 0.5")
        if not _is_number(self.momentum) or not 0 <= self.momentum < 1:
            problems.append(f"momentum = {self.momentum!r}: must be in [0, 1), e.g. 0.9")
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


@dataclass
class TrainingState:
    """A training run in progress: the network(s), momentum memory, history and status.

    ``errors`` holds one entry per epoch trained so far, the error *before* that epoch's
    update, so ``errors[0]`` is the error of the initial weights. With ``n_networks`` each
    entry is an array with one value per network. ``status`` is ``"running"``,
    ``"solved"`` (every output on the right side of 0.5, see :func:`solved_mask`) or
    ``"diverged"``; ``diverged`` marks the individual networks whose error became
    non-finite (they are frozen from then on).
    """

    net: Network
    X: np.ndarray
    T: np.ndarray
    eta: float
    momentum: float = 0.0
    mode: str = "batch"
    velocity_w: list[np.ndarray] = field(default_factory=list)
    velocity_b: list[np.ndarray] = field(default_factory=list)
    epoch: int = 0
    errors: list[np.ndarray] = field(default_factory=list)
    diverged: np.ndarray = field(default_factory=lambda: np.zeros((), dtype=bool))
    status: str = "running"

    @property
    def error_history(self) -> np.ndarray:
        """Errors so far, shape ``(epochs,)`` or ``(epochs, n_networks)``."""
        return np.array(self.errors, dtype=float)

    def current_error(self) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            return half_sse(self.net.predict(self.X), self.T)


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
    acts = [config.activation] * (len(sizes) - 2) + [config.output]
    rng = np.random.default_rng(config.seed)
    net = Network(sizes, acts, rng=rng, weight_scale=config.weight_scale,
                  n_networks=n_networks)
    X = net._check_inputs(X)
    T = net._check_targets(T, X.shape[-2])
    lead = () if n_networks is None else (n_networks,)
    return TrainingState(
        net=net, X=X, T=T, eta=float(config.eta), momentum=float(config.momentum),
        mode=config.mode,
        velocity_w=[np.zeros_like(w) for w in net.weights],
        velocity_b=[np.zeros_like(b) for b in net.biases],
        diverged=np.zeros(lead, dtype=bool),
    )


# ====================================================================== training
def _momentum_update(state: TrainingState, grads: Gradients) -> None:
    """:math:`\\Delta w(t) = -\\eta\\,\\partial E/\\partial w + \\alpha\\,\\Delta w(t-1)`;
    networks already diverged keep their weights."""
    net = state.net
    alive = ~state.diverged
    for l in range(len(net.weights)):
        for params, vel, grad in ((net.weights, state.velocity_w, grads.weights),
                                  (net.biases, state.velocity_b, grads.biases)):
            step = state.momentum * vel[l] - state.eta * grad[l]
            mask = alive.reshape(alive.shape + (1,) * (step.ndim - alive.ndim))
            vel[l] = np.where(mask, step, 0.0)
            params[l] = np.where(mask, params[l] + vel[l], params[l])


def train_step(state: TrainingState) -> TrainingState:
    """Train one epoch in place and return the state (so calls can be chained).

    Records the error before the update, applies the batch or on-line updates with momentum,
    and updates ``status``: a network whose error is not finite is marked diverged and frozen;
    the run as a whole is ``"diverged"`` when every network has, ``"solved"`` when every
    network that has not diverged classifies every pattern correctly.
    """
    if state.status == "diverged":
        return state
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        fwd = state.net.forward(state.X)
        err = half_sse(fwd.output, state.T)
        state.errors.append(np.array(err, dtype=float))
        bad = ~np.isfinite(err) | _weights_not_finite(state.net)
        state.diverged = state.diverged | bad
        if np.all(state.diverged):
            state.status = "diverged"
            return state
        if state.mode == "batch":
            _momentum_update(state, state.net.backward(fwd, state.T))
        else:
            for p in range(state.X.shape[-2]):
                g = state.net.gradients(state.X[p:p + 1], state.T[p:p + 1])
                _momentum_update(state, g)
        state.diverged = state.diverged | _weights_not_finite(state.net)
    state.epoch += 1
    if np.all(state.diverged):
        state.status = "diverged"
    else:
        ok = solved_mask(state.net, state.X, state.T)
        state.status = "solved" if np.all(ok | state.diverged) else "running"
    return state


def _weights_not_finite(net: Network) -> np.ndarray:
    lead = net.weights[0].shape[:-2]
    bad = np.zeros(lead, dtype=bool)
    for arr in (*net.weights, *net.biases):
        axes = tuple(range(len(lead), arr.ndim))
        bad = bad | ~np.all(np.isfinite(arr), axis=axes)
    return bad


def train_epochs(state: TrainingState, epochs: int, *, stop_when_solved: bool = False
                 ) -> TrainingState:
    """Train up to ``epochs`` epochs; stops early on divergence (and, if asked, on solving)."""
    if int(epochs) != epochs or epochs < 0:
        raise TrainingInputError(f"epochs must be a whole number >= 0; got {epochs!r}")
    for _ in range(int(epochs)):
        train_step(state)
        if state.status == "diverged" or (stop_when_solved and state.status == "solved"):
            break
    return state


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
    """Fraction of patterns whose output is on the target's side of 0.5 (one network, 0/1
    targets; ``book/beyond-xor``)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean((net.predict(X) > 0.5) == (np.asarray(T) > 0.5)))


# ====================================================================== recorded runs
@dataclass
class Run:
    """A finished run with snapshots, for players, trajectories and figures.

    ``epochs[s]`` is the epoch of snapshot ``s``, whose parameters are ``weights[s]`` and
    ``biases[s]``; ``errors`` is the whole error history; ``status`` how the run ended.
    """

    config: TrainingConfig
    epochs: np.ndarray
    weights: list[list[np.ndarray]]
    biases: list[list[np.ndarray]]
    errors: np.ndarray
    status: str
    sizes: tuple[int, ...]
    activations: list[str]

    def network(self, s: int = -1) -> Network:
        """The network at snapshot ``s`` (default: the last)."""
        return Network.from_parameters(self.weights[s], self.biases[s], self.activations)

    def flat(self) -> np.ndarray:
        """Every snapshot's parameters as rows, in :meth:`Network.parameters` order."""
        return np.array([np.concatenate([p.ravel() for pair in zip(w, b) for p in pair])
                         for w, b in zip(self.weights, self.biases)])


def record_run(
    config: TrainingConfig, X: np.ndarray, T: np.ndarray, epochs: int, *, snapshots: int = 40
) -> Run:
    """Train one network for up to ``epochs`` epochs, keeping ``snapshots`` evenly spaced
    parameter sets (always the first and the last). A diverging run ends at divergence."""
    if int(snapshots) < 2:
        raise TrainingInputError(f"snapshots must be at least 2; got {snapshots!r}")
    state = make_state(config, X, T)
    keep = set(np.unique(np.linspace(0, int(epochs), int(snapshots)).round().astype(int)))
    ep, ws, bs = [], [], []

    def snap() -> None:
        ep.append(state.epoch)
        ws.append([w.copy() for w in state.net.weights])
        bs.append([b.copy() for b in state.net.biases])

    for e in range(int(epochs) + 1):
        if e in keep:
            snap()
        if e == int(epochs):
            break
        train_step(state)
        if state.status == "diverged":
            break
    if ep[-1] != state.epoch and state.status != "diverged":
        snap()
    if state.status != "diverged":
        state.errors.append(state.current_error())
    return Run(config, np.array(ep), ws, bs, np.array(state.errors, dtype=float),
               state.status, state.net.sizes, [a.name for a in state.net.activations])


# ====================================================================== many seeds
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
    first classifies every pattern correctly (:func:`solved_mask`).

    All networks share one leading axis, so each epoch is one vectorized forward and backward
    pass over every network (``benchmarks/many_seeds.py`` measures the saving).
    """
    if int(n_networks) < 1:
        raise TrainingInputError(f"n_networks must be at least 1; got {n_networks!r}")
    state = make_state(config, X, T, n_networks=int(n_networks))
    first = np.full(int(n_networks), np.inf)
    for _ in range(int(max_epochs)):
        train_step(state)
        ok = solved_mask(state.net, state.X, state.T, margin) & ~state.diverged
        first = np.where(np.isinf(first) & ok, state.epoch, first)
        if np.all(np.isfinite(first) | state.diverged):
            break
    return SeedStudy(first, state.current_error(), state.diverged.copy(), int(max_epochs))


# ====================================================================== decision boundary
def decision_grid(
    net: Network, extent: Sequence[float] = (-0.5, 1.5, -0.5, 1.5), n: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The network's output over an ``n`` by ``n`` grid of the input plane.

    Returns ``(x1, x2, a)`` with ``a[r, c]`` the output at ``(x1[c], x2[r])`` (image order:
    rows are the vertical axis). ``extent`` is ``(x1_min, x1_max, x2_min, x2_max)``.
    """
    if net.sizes[0] != 2 or net.sizes[-1] != 1 or net.n_networks is not None:
        raise TrainingInputError(
            f"a decision boundary is drawn for one network with 2 inputs and 1 output; this "
            f"one has sizes {net.sizes}" + ("" if net.n_networks is None else
                                            f" and n_networks={net.n_networks}"))
    x1 = np.linspace(extent[0], extent[1], int(n))
    x2 = np.linspace(extent[2], extent[3], int(n))
    g1, g2 = np.meshgrid(x1, x2)
    with np.errstate(over="ignore", invalid="ignore"):
        a = net.predict(np.column_stack([g1.ravel(), g2.ravel()]))[:, 0].reshape(g1.shape)
    return x1, x2, a


# ====================================================================== error landscapes
@dataclass
class Landscape:
    """The error over a plane through weight space (``book/error-landscapes``).

    The plane is :math:`\\theta_0 + u\\,d_1 + v\\,d_2`: ``center`` is :math:`\\theta_0`
    (flat, :meth:`Network.parameters` order), ``d1``/``d2`` the directions, and
    ``errors[r, c]`` the error at ``(u[c], v[r])``.
    """

    u: np.ndarray
    v: np.ndarray
    errors: np.ndarray
    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    labels: tuple[str, str]


def parameter_names(net: Network) -> list[str]:
    """Names of the flat parameters, e.g. ``"w(1)_21"`` for :math:`w^{(1)}_{21}`."""
    names = []
    for l, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
        names += [f"w({l})_{p + 1}{q + 1}" for p in range(W.shape[-2])
                  for q in range(W.shape[-1])]
        names += [f"b({l})_{p + 1}" for p in range(b.shape[-1])]
    return names


def landscape_directions(
    net: Network,
    which: str | tuple[int, int] = "random",
    *,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """Two directions through weight space and their axis labels.

    ``which`` is a pair of flat parameter indices (the plane of two chosen weights, unit
    directions) or ``"random"``: two random Gaussian directions, made orthogonal and of unit
    length (pass ``rng``).
    """
    n = net.parameters().size
    names = parameter_names(net)
    if isinstance(which, str):
        if which != "random":
            raise TrainingInputError(f"which = {which!r}: give 'random' or a pair of "
                                     f"parameter indices in 0..{n - 1}")
        if rng is None:
            raise TrainingInputError("random directions need rng=np.random.default_rng(seed)")
        d1, d2 = rng.normal(size=(2, n))
        d2 = d2 - (d2 @ d1) / (d1 @ d1) * d1
        d1, d2 = d1 / np.linalg.norm(d1), d2 / np.linalg.norm(d2)
        return d1, d2, ("direction 1", "direction 2")
    i, j = which
    if not (0 <= i < n and 0 <= j < n) or i == j:
        raise TrainingInputError(f"parameter indices {which!r} must be two different numbers "
                                 f"in 0..{n - 1} ({', '.join(names)})")
    d1, d2 = np.zeros(n), np.zeros(n)
    d1[i], d2[j] = 1.0, 1.0
    return d1, d2, (names[i], names[j])


def landscape_slice(
    net: Network,
    X: np.ndarray,
    T: np.ndarray,
    d1: np.ndarray,
    d2: np.ndarray,
    *,
    span: float | tuple[float, float, float, float] = 4.0,
    n: int = 61,
    center: np.ndarray | None = None,
    activation: str | Activation | None = None,
    labels: tuple[str, str] = ("direction 1", "direction 2"),
) -> Landscape:
    """The error at every point of an ``n`` by ``n`` grid on the plane
    :math:`\\theta_0 + u\\,d_1 + v\\,d_2`, all grid points evaluated as one stacked network.

    ``span`` is a half-width (``u, v`` in ``[-span, span]``) or ``(u_min, u_max, v_min,
    v_max)``; ``center`` defaults to the network's current parameters; ``activation``
    replaces every layer's activation (e.g. :data:`STEP` to compare with the perceptron).
    """
    theta0 = net.parameters() if center is None else np.asarray(center, dtype=float)
    d1, d2 = np.asarray(d1, dtype=float), np.asarray(d2, dtype=float)
    if d1.shape != theta0.shape or d2.shape != theta0.shape:
        raise TrainingInputError(f"directions must have shape {theta0.shape} (one entry per "
                                 f"parameter); got {d1.shape} and {d2.shape}")
    lo_u, hi_u, lo_v, hi_v = ((-span, span, -span, span) if np.isscalar(span) else span)
    u, v = np.linspace(lo_u, hi_u, int(n)), np.linspace(lo_v, hi_v, int(n))
    U, V = np.meshgrid(u, v)
    thetas = theta0 + U.reshape(-1, 1) * d1 + V.reshape(-1, 1) * d2
    errors = stacked_errors(net, thetas, X, T, activation=activation).reshape(U.shape)
    return Landscape(u, v, errors, theta0, d1, d2, labels)


def stacked_errors(
    net: Network,
    thetas: np.ndarray,
    X: np.ndarray,
    T: np.ndarray,
    *,
    activation: str | Activation | None = None,
) -> np.ndarray:
    """The error of ``net``'s architecture at many parameter vectors (rows of ``thetas``, in
    :meth:`Network.parameters` order), evaluated as one stacked network
    (``book/error-landscapes``). ``activation`` replaces every layer's activation."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
    if thetas.shape[-1] != net.parameters().size:
        raise TrainingInputError(f"each parameter vector needs {net.parameters().size} "
                                 f"entries for sizes {net.sizes}; got {thetas.shape[-1]}")
    acts = [a.name for a in net.activations] if activation is None else activation
    stacked = Network(net.sizes, acts, init="zeros", n_networks=thetas.shape[0])
    pos = 0
    for l in range(len(stacked.weights)):
        for arrays in (stacked.weights, stacked.biases):
            size = int(np.prod(arrays[l].shape[1:]))
            arrays[l] = thetas[:, pos:pos + size].reshape(arrays[l].shape)
            pos += size
    with np.errstate(over="ignore", invalid="ignore"):
        return stacked.error(X, T)


def project_trajectory(landscape: Landscape, thetas: np.ndarray) -> np.ndarray:
    """Coordinates ``(u, v)`` of parameter vectors (rows of ``thetas``) in the landscape's
    plane: the least-squares projection onto ``d1, d2`` (exact when the trajectory moves only
    along the two chosen weights)."""
    D = np.column_stack([landscape.d1, landscape.d2])
    coef, *_ = np.linalg.lstsq(D, (np.atleast_2d(thetas) - landscape.center).T, rcond=None)
    return coef.T


def plane_errors(net: Network, X: np.ndarray, T: np.ndarray, land: Landscape,
                 uv: np.ndarray) -> np.ndarray:
    """The error at points ``(u, v)`` *of the plane* (not of the full trajectory), so that a
    projected trajectory can be drawn on the 3-D surface."""
    uv = np.atleast_2d(np.asarray(uv, dtype=float))
    probe = net.copy()
    out = np.empty(len(uv))
    with np.errstate(over="ignore", invalid="ignore"):
        for r, (u, v) in enumerate(uv):
            probe.set_flat_parameters(land.center + u * land.d1 + v * land.d2)
            out[r] = float(probe.error(X, T))
    return out


def landscape_for_run(
    run: Run,
    X: np.ndarray,
    T: np.ndarray,
    which: str | tuple[int, int] = "random",
    *,
    rng: np.random.Generator | None = None,
    n: int = 41,
    margin: float = 0.5,
) -> tuple[Landscape, np.ndarray, np.ndarray]:
    """The slice through a recorded run's final weights that shows its trajectory: returns
    the landscape, the trajectory's ``(u, v)`` and the plane's error along it
    (``book/error-landscapes``). The span covers the trajectory plus ``margin`` on each side
    (at least 2 units), so the start and the end are both in view."""
    net = run.network(-1)
    d1, d2, labels = landscape_directions(net, which, rng=rng)
    center = net.parameters()
    D = np.column_stack([d1, d2])
    uv, *_ = np.linalg.lstsq(D, (run.flat() - center).T, rcond=None)
    uv = uv.T
    half = max(2.0, float(np.abs(uv).max()) + margin)
    land = landscape_slice(net, X, T, d1, d2, span=half, n=n, labels=labels)
    return land, uv, plane_errors(net, X, T, land, uv)
