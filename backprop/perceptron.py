"""One layer of units: the perceptron rule, the step activation, logic gates, the delta rule.

``book/perceptron`` runs Rosenblatt's rule on AND, OR and XOR and builds XOR by hand from
gate perceptrons; ``book/gradient-descent`` draws the error surface of a single unit and
walks down it with different learning rates; ``book/delta-rule`` derives and trains the
single-layer delta rule. Notation as in the book: inputs ``a_i`` are the rows of ``X`` with
shape ``(P, n_i)``, targets ``T`` have shape ``(P, n_k)``, a layer's weights ``W`` have shape
``(n_k, n_i)`` (into ``k`` from ``i``) and the error is the half sum of squared errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .network import Activation, Network, NetworkInputError, get_activation
from .training import start, train_epochs

__all__ = [
    "GATES",
    "STEP",
    "GATE_PERCEPTRONS",
    "DeltaRun",
    "Descent",
    "Perceptron",
    "PerceptronRun",
    "descend",
    "delta_rule_gradient",
    "error_surface",
    "find_cycle",
    "gate_data",
    "single_layer_error",
    "step",
    "train_delta_rule",
    "train_perceptron",
    "unit_activation",
    "xor_by_hand",
]

#: The four input patterns of a two-input logic gate, one per row.
GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)

#: Truth tables of the gates the book uses, in the order of :data:`GATE_INPUTS`.
GATES: dict[str, tuple[int, int, int, int]] = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NOR": (1, 0, 0, 0),
    "NAND": (1, 1, 1, 0),
    "XOR": (0, 1, 1, 0),
}


def _as_2d(name: str, array: np.ndarray) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise NetworkInputError(
            f"{name} must be a 2-D array with one pattern per row; got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise NetworkInputError(f"{name} contains NaN or infinity; pass finite numbers")
    return array


def _check_pair(X: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, T = _as_2d("X", X), _as_2d("T", T)
    if X.shape[0] != T.shape[0]:
        raise NetworkInputError(
            f"X has {X.shape[0]} patterns (rows) but T has {T.shape[0]}; give one target "
            f"row per input row"
        )
    return X, T


def gate_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``X`` (4, 2) and targets ``T`` (4, 1) of the logic gate ``name``
    (``book/perceptron``)."""
    key = str(name).upper()
    if key not in GATES:
        raise NetworkInputError(f"unknown gate {name!r}; choose one of {', '.join(GATES)}")
    return GATE_INPUTS.copy(), np.array(GATES[key], dtype=float)[:, None]


# ====================================================================== the perceptron
def step(net: np.ndarray) -> np.ndarray:
    """The threshold activation of ``book/perceptron`` (its first equation): 1 where
    ``net > 0``, else 0, so a unit whose net input is exactly 0 does not fire."""
    return (np.asarray(net, dtype=float) > 0).astype(float)


#: :func:`step` as an activation function, so that a stacked network can use it
#: (``book/error-landscapes`` draws the step network's error surface next to the sigmoid's).
#: Its derivative is zero almost everywhere, which is why gradient descent cannot train it.
STEP = Activation("step", step, lambda a: np.zeros_like(a), r"0")


@dataclass(frozen=True)
class Perceptron:
    """One threshold unit ``a = step(w . x + b)`` (``book/perceptron``)."""

    w: tuple[float, ...]
    b: float

    def net(self, X: np.ndarray) -> np.ndarray:
        """The net input of every row of ``X``."""
        X = _as_2d("X", X)
        if X.shape[1] != len(self.w):
            raise NetworkInputError(
                f"this perceptron has {len(self.w)} inputs but X has {X.shape[1]} columns"
            )
        return X @ np.asarray(self.w, dtype=float) + self.b

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return step(self.net(X))


#: Hand-set gate perceptrons. NOR is OR with every weight and the bias negated; no gate's
#: net input is ever exactly 0 on the four patterns, so the threshold convention is moot.
GATE_PERCEPTRONS: dict[str, Perceptron] = {
    "AND": Perceptron((1.0, 1.0), -1.5),
    "OR": Perceptron((1.0, 1.0), -0.5),
    "NOR": Perceptron((-1.0, -1.0), 0.5),
}


def xor_by_hand(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """XOR from three perceptrons, ``(x1 AND x2) NOR (x1 NOR x2)`` (``book/perceptron``).

    Returns the hidden layer (columns: AND, NOR) and the output, both with one row per
    pattern.
    """
    X = _as_2d("X", X)
    hidden = np.column_stack([GATE_PERCEPTRONS["AND"](X), GATE_PERCEPTRONS["NOR"](X)])
    return hidden, GATE_PERCEPTRONS["NOR"](hidden)


@dataclass
class PerceptronRun:
    """A run of the perceptron rule.

    ``weights[s]`` is ``(w_1, ..., w_n, b)`` after ``s`` pattern presentations (row 0: the
    start); ``mistakes[e]`` counts the patterns misclassified during epoch ``e``;
    ``converged`` says whether an epoch passed without a mistake.
    """

    weights: np.ndarray
    mistakes: np.ndarray
    converged: bool
    patterns_per_epoch: int

    @property
    def epochs(self) -> int:
        """Epochs run."""
        return len(self.mistakes)

    def epoch_starts(self) -> np.ndarray:
        """The weights at the start of each epoch, and after the last one."""
        return self.weights[:: self.patterns_per_epoch]


def train_perceptron(
    X: np.ndarray,
    T: np.ndarray,
    *,
    eta: float = 1.0,
    max_epochs: int = 100,
    w0: Sequence[float] | None = None,
    b0: float = 0.0,
) -> PerceptronRun:
    """Rosenblatt's rule ``w <- w + eta (t - a) x``, ``b <- b + eta (t - a)``, one pattern
    at a time, for one threshold unit (``book/perceptron``).

    Stops after the first epoch without a mistake, or after ``max_epochs``. Targets must
    be 0 or 1.
    """
    X, T = _check_pair(X, T)
    if T.shape[1] != 1:
        raise NetworkInputError(f"one threshold unit has one target column; T has {T.shape[1]}")
    t = T[:, 0]
    if not np.all((t == 0) | (t == 1)):
        raise NetworkInputError("perceptron targets must be 0 or 1; rescale your labels")
    if not eta > 0:
        raise NetworkInputError(f"the learning rate eta must be positive; got {eta}")
    if int(max_epochs) < 1:
        raise NetworkInputError(f"max_epochs must be at least 1; got {max_epochs}")
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=float)
    if w.shape != (X.shape[1],):
        raise NetworkInputError(f"w0 needs {X.shape[1]} entries, one per input; got {w.shape}")
    b = float(b0)
    history, mistakes, converged = [np.append(w, b)], [], False
    for _ in range(int(max_epochs)):
        wrong = 0
        for x, target in zip(X, t):
            error = target - float(step(x @ w + b))
            w, b = w + eta * error * x, b + eta * error
            wrong += error != 0
            history.append(np.append(w, b))
        mistakes.append(wrong)
        if wrong == 0:
            converged = True
            break
    return PerceptronRun(np.array(history), np.array(mistakes), converged, len(X))


def find_cycle(run: PerceptronRun) -> tuple[int, int] | None:
    """``(first, period)`` if the weights at the start of epoch ``first`` recur ``period``
    epochs later, else ``None`` (``book/perceptron``).

    The rule is deterministic, so a recurring state repeats forever: if no epoch of the
    cycle was free of mistakes, the run can never converge.
    """
    starts = run.epoch_starts()
    seen: dict[bytes, int] = {}
    for e, state in enumerate(starts):
        key = np.round(state, 12).tobytes()
        if key in seen:
            return seen[key], e - seen[key]
        seen[key] = e
    return None


# ====================================================================== one layer, smooth
def unit_activation(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """``f`` for ``"step"`` or any of :data:`backprop.functions.ACTIVATIONS`
    (``book/gradient-descent``)."""
    return step if name == "step" else get_activation(name).f


def single_layer_error(W: np.ndarray, b: np.ndarray, X: np.ndarray, T: np.ndarray,
                       activation: str = "sigmoid") -> float:
    """Half-SSE of one layer ``A = f(X W^T + b)`` (``book/gradient-descent``,
    ``book/delta-rule``)."""
    X, T = _check_pair(X, T)
    A = unit_activation(activation)(X @ np.atleast_2d(W).T + b)
    return 0.5 * float(np.sum((T - A) ** 2))


def error_surface(X: np.ndarray, T: np.ndarray, w1: np.ndarray, w2: np.ndarray, *,
                  bias: float = 0.0, activation: str = "sigmoid") -> np.ndarray:
    """Half-SSE of one unit with two input weights over the grid ``w1 x w2``, bias fixed
    (``book/gradient-descent``). Row ``r``, column ``c`` holds ``E(w1[c], w2[r])``."""
    X, T = _check_pair(X, T)
    if X.shape[1] != 2 or T.shape[1] != 1:
        raise NetworkInputError("the surface is drawn for a unit with two inputs and one output")
    f = unit_activation(activation)
    G1, G2 = np.meshgrid(np.asarray(w1, float), np.asarray(w2, float))
    net = G1[..., None] * X[:, 0] + G2[..., None] * X[:, 1] + bias
    return 0.5 * np.sum((T[:, 0] - f(net)) ** 2, axis=-1)


@dataclass
class Descent:
    """A gradient-descent path: ``points[s]`` after ``s`` steps, ``errors[s]`` its error,
    ``status`` one of ``"converged"``, ``"running"`` (still moving), ``"diverged"``."""

    points: np.ndarray
    errors: np.ndarray
    status: str


def descend(error: Callable[[np.ndarray], float], gradient: Callable[[np.ndarray], np.ndarray],
            start: Sequence[float], eta: float, steps: int, *, tol: float = 1e-8,
            blow_up: float = 1e3) -> Descent:
    """``theta <- theta - eta * gradient(theta)`` for ``steps`` steps (``book/gradient-descent``).

    Divergence is detected, not waited for: the run stops as ``"diverged"`` when the error
    becomes non-finite or exceeds ``blow_up`` times its starting value.
    """
    if not eta > 0:
        raise NetworkInputError(f"the learning rate eta must be positive; got {eta}")
    theta = np.array(start, dtype=float)
    points, errors = [theta.copy()], [float(error(theta))]
    status = "running"
    for _ in range(int(steps)):
        g = np.asarray(gradient(theta), dtype=float)
        if np.linalg.norm(g) < tol:
            status = "converged"
            break
        theta = theta - eta * g
        e = float(error(theta))
        points.append(theta.copy())
        errors.append(e)
        if not np.isfinite(e) or e > blow_up * max(errors[0], 1e-12):
            status = "diverged"
            break
    return Descent(np.array(points), np.array(errors), status)


def delta_rule_gradient(W: np.ndarray, b: np.ndarray, X: np.ndarray, T: np.ndarray,
                        activation: str = "sigmoid") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dE/dW, dE/db, delta)`` of one layer, summed over the patterns (``book/delta-rule``).

    ``delta = (T - A) f'(net)`` is the book's :math:`\\delta_k = -\\partial E/\\partial
    \\mathrm{net}_k`, so ``dE/dW = -delta^T X``: the delta rule is
    :math:`\\Delta w_{ki} = \\eta \\sum_p \\delta_k a_i`.
    """
    X, T = _check_pair(X, T)
    W, b = np.atleast_2d(np.asarray(W, dtype=float)), np.asarray(b, dtype=float)
    if W.shape != (T.shape[1], X.shape[1]) or b.shape != (T.shape[1],):
        raise NetworkInputError(
            f"W must have shape (n_k, n_i) = {(T.shape[1], X.shape[1])} and b shape "
            f"({T.shape[1]},); got {W.shape} and {b.shape}"
        )
    act = get_activation(activation)
    A = act.f(X @ W.T + b)
    delta = (T - A) * act.fprime_from_a(A)
    return -delta.T @ X, -delta.sum(axis=0), delta


@dataclass
class DeltaRun:
    """A delta-rule run: ``W[e]``, ``b[e]`` and ``errors[e]`` after ``e`` epochs."""

    W: np.ndarray
    b: np.ndarray
    errors: np.ndarray


def train_delta_rule(X: np.ndarray, T: np.ndarray, *, activation: str = "sigmoid",
                     eta: float = 0.1, epochs: int = 100, W0: np.ndarray | None = None,
                     b0: np.ndarray | None = None, mode: str = "batch") -> DeltaRun:
    """Train one layer with the delta rule :math:`\\Delta w_{ki} = \\eta\\,\\delta_k a_i`
    (``book/delta-rule``); ``mode="batch"`` sums over the patterns before each update,
    ``"online"`` updates after each pattern. Starts from ``W0``/``b0`` (zeros if omitted).

    A one-layer :class:`~backprop.network.Network` trained by the book's one training loop
    (:func:`backprop.training.train_epochs`), one epoch at a time to keep every epoch's
    weights.
    """
    X, T = _check_pair(X, T)
    W = np.zeros((T.shape[1], X.shape[1])) if W0 is None else np.array(W0, dtype=float)
    b = np.zeros(T.shape[1]) if b0 is None else np.array(b0, dtype=float)
    state = start(Network.from_parameters([W], [b], activation), X, T, eta, mode=mode)
    Ws, bs = [W], [b]
    for _ in range(int(epochs)):
        if train_epochs(state, 1).status == "diverged":
            break  # the error history ends with the non-finite error that showed it
        Ws.append(state.net.weights[0].copy())
        bs.append(state.net.biases[0].copy())
    return DeltaRun(np.array(Ws), np.array(bs), state.history())
