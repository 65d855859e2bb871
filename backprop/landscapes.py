"""Pictures over a plane: a network's output over the input plane (the decision boundary) and
its error over a plane through weight space (error landscapes).

Used by *Training XOR* (``book/training-xor``) for decision boundaries and by *Error
landscapes* (``book/error-landscapes``) for slices of the error, the trajectory of a recorded
run (:func:`backprop.runs.record_run`) projected onto them, and the step network's
surface. Every grid is evaluated as one stacked network (``n_networks`` along a leading axis),
so a 61 by 61 slice is one forward pass, not 3,721.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .network import Activation, Network, unpack
from .runs import Run
from .training import TrainingInputError

__all__ = [
    "Landscape",
    "decision_grid",
    "landscape_directions",
    "landscape_for_run",
    "landscape_slice",
    "parameter_names",
    "plane_errors",
    "project_trajectory",
    "stacked_errors",
]


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
    replaces every layer's activation function (e.g. :data:`backprop.perceptron.STEP`, to
    compare with the perceptron).
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
    (``book/error-landscapes``). ``activation`` replaces every layer's activation function."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
    n = net.parameters().shape[-1]
    if thetas.ndim != 2 or thetas.shape[-1] != n:
        raise TrainingInputError(f"each parameter vector needs {n} entries for sizes "
                                 f"{net.sizes}; got an array of shape {thetas.shape}")
    functions = net.functions if activation is None else activation
    stacked = Network(net.sizes, functions, loss=net.loss, init="zeros",
                      n_networks=thetas.shape[0])
    stacked.weights, stacked.biases = unpack(thetas, net.sizes)
    with np.errstate(over="ignore", invalid="ignore"):
        return stacked.error(X, T)


def _plane_coordinates(center: np.ndarray, d1: np.ndarray, d2: np.ndarray,
                       thetas: np.ndarray) -> np.ndarray:
    # The least-squares projection onto the plane center + u d1 + v d2: one (u, v) per row.
    D = np.column_stack([d1, d2])
    coef, *_ = np.linalg.lstsq(D, (np.atleast_2d(thetas) - center).T, rcond=None)
    return coef.T


def project_trajectory(landscape: Landscape, thetas: np.ndarray) -> np.ndarray:
    """Coordinates ``(u, v)`` of parameter vectors (rows of ``thetas``) in the landscape's
    plane: the least-squares projection onto ``d1, d2`` (exact when the trajectory moves only
    along the two chosen weights)."""
    return _plane_coordinates(landscape.center, landscape.d1, landscape.d2, thetas)


def plane_errors(net: Network, X: np.ndarray, T: np.ndarray, land: Landscape,
                 uv: np.ndarray) -> np.ndarray:
    """The error at points ``(u, v)`` *of the plane* (not of the full trajectory), so that a
    projected trajectory can be drawn on the 3-D surface; all points in one stacked pass."""
    uv = np.atleast_2d(np.asarray(uv, dtype=float))
    thetas = land.center + uv[:, :1] * land.d1 + uv[:, 1:] * land.d2
    return stacked_errors(net, thetas, X, T)


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
    uv = _plane_coordinates(center, d1, d2, run.flat())
    half = max(2.0, float(np.abs(uv).max()) + margin)
    land = landscape_slice(net, X, T, d1, d2, span=half, n=n, labels=labels)
    return land, uv, plane_errors(net, X, T, land, uv)
