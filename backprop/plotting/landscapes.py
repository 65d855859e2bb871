"""Error landscapes: the error over a two-dimensional slice of weight space as contours and
as a surface, with a training run's trajectory drawn on it (``book/error-landscapes``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.ticker import LogLocator

from ..landscapes import Landscape
from .style import WEIGHT_COLOUR

#: ``training.parameter_names`` spells a parameter ``w(l)_pq`` or ``b(l)_p``.
_PARAMETER = re.compile(r"^([wb])\((\d+)\)_(\d+)$")


def plane_axes(land: Landscape) -> tuple[tuple[float, str], tuple[float, str]]:
    """For each axis of the slice, the value to add to its coordinate and its label.

    On the plane of two chosen parameters (unit directions along parameter ``i``) the axis
    shows that parameter's value: the coordinate plus the centre's value, labelled as the
    parameter (:math:`w^{(1)}_{11}`). Along a random direction the coordinate is a distance
    from the centre, and the label says so (``book/error-landscapes``).
    """
    out = []
    for d, name, letter in ((land.d1, land.labels[0], "u"), (land.d2, land.labels[1], "v")):
        hits = np.flatnonzero(d)
        match = _PARAMETER.match(name)
        if len(hits) == 1 and d[hits[0]] == 1.0 and match:
            kind, layer, index = match.groups()
            out.append((float(land.center[hits[0]]), f"${kind}^{{({layer})}}_{{{index}}}$"))
        else:
            out.append((0.0, f"${letter}$: distance along {name}"))
    return out[0], out[1]


def draw_landscape_contours(land: Landscape, trajectory: np.ndarray | None = None, *,
                            ax: Axes | None = None, levels: int | Sequence[float] = 30,
                            colorbar: bool = True) -> Axes:
    """Contours of the error over the slice, with the training trajectory ``(u, v)`` from
    :func:`backprop.training.landscape_for_run` (``book/error-landscapes``).

    An integer ``levels`` spaces that many levels logarithmically (with a log colour scale,
    so plateaus show as wide bands and the valley floor keeps its detail); a sequence gives
    the levels themselves on a linear scale. The axes are those of :func:`plane_axes`.
    Artists: ``"landscape-contours"``, ``"trajectory"``, ``"landscape-colorbar"``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4))
    (du, xlabel), (dv, ylabel) = plane_axes(land)
    E = np.where(np.isfinite(land.errors), land.errors, np.nan)
    if isinstance(levels, int | np.integer):
        lo, hi = max(float(np.nanmin(E)), 1e-4), float(np.nanmax(E))
        hi = max(hi, lo * 10)  # a flat slice still gets a decade of colour scale
        cs = ax.contourf(land.u + du, land.v + dv, np.clip(E, lo, None),
                         levels=np.geomspace(lo, hi, int(levels)), cmap="viridis",
                         norm=LogNorm(lo, hi))
    else:
        cs = ax.contourf(land.u + du, land.v + dv, E, levels=levels, cmap="viridis")
    cs.set_gid("landscape-contours")
    if colorbar:
        # Ticks at whole decades, not at the (many, irregular) contour levels.
        ticks = LogLocator() if isinstance(cs.norm, LogNorm) else None
        bar = ax.figure.colorbar(cs, ax=ax, label="error $E$", ticks=ticks)
        bar.ax.set_gid("landscape-colorbar")
    if trajectory is not None and len(trajectory):
        path = np.asarray(trajectory, dtype=float) + [du, dv]
        ax.plot(path[:, 0], path[:, 1], "-", color="white", lw=1.8, gid="trajectory")
        ax.plot(*path[0], "o", color="white", mec="black", gid="trajectory-start")
        ax.plot(*path[-1], "*", color=WEIGHT_COLOUR, ms=12, mec="black",
                gid="trajectory-end")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def draw_landscape_surface(land: Landscape, trajectory: np.ndarray | None = None,
                           trajectory_errors: np.ndarray | None = None, *, ax=None,
                           elev: float = 35, azim: float = -60):
    """The same slice as a 3-D surface, on the axes of :func:`plane_axes`, with the
    trajectory drawn on it (``book/error-landscapes``). ``ax`` must be a 3-D axes if given."""
    if ax is None:
        fig = plt.figure(figsize=(5, 4))
        ax = fig.add_subplot(projection="3d")
    (du, xlabel), (dv, ylabel) = plane_axes(land)
    U, V = np.meshgrid(land.u + du, land.v + dv)
    E = np.where(np.isfinite(land.errors), land.errors, np.nan)
    ax.plot_surface(U, V, E, cmap="viridis", linewidth=0, antialiased=False, alpha=0.85,
                    gid="landscape-surface")
    if trajectory is not None and trajectory_errors is not None and len(trajectory):
        path = np.asarray(trajectory, dtype=float) + [du, dv]
        ax.plot(path[:, 0], path[:, 1], trajectory_errors, color=WEIGHT_COLOUR,
                lw=2, zorder=10, gid="trajectory")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_zlabel("$E$")
    ax.view_init(elev=elev, azim=azim)
    return ax
