"""Error landscapes: the error over a two-dimensional slice of weight space as contours and
as a surface, with a training run's trajectory drawn on it (``book/error-landscapes``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..landscapes import Landscape
from .style import WEIGHT_COLOUR


def draw_landscape_contours(land: Landscape, trajectory: np.ndarray | None = None, *,
                            ax: Axes | None = None, levels: int = 30) -> Axes:
    """Contours of the error over the slice (log-spaced levels, so plateaus show as wide
    empty bands), with the training trajectory ``(u, v)`` from :func:`project_trajectory`
    (``book/error-landscapes``). Artists: ``"landscape-contours"``, ``"trajectory"``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4))
    E = np.where(np.isfinite(land.errors), land.errors, np.nan)
    lo, hi = max(np.nanmin(E), 1e-4), np.nanmax(E)
    lv = np.geomspace(lo, hi, levels) if hi > lo * 1.0001 else levels
    cs = ax.contourf(land.u, land.v, E, levels=lv, cmap="viridis")
    cs.set_gid("landscape-contours")
    if trajectory is not None and len(trajectory):
        ax.plot(trajectory[:, 0], trajectory[:, 1], "-", color="white", lw=1.8,
                gid="trajectory")
        ax.plot(*trajectory[0], "o", color="white", mec="black", gid="trajectory-start")
        ax.plot(*trajectory[-1], "*", color=WEIGHT_COLOUR, ms=12, mec="black",
                gid="trajectory-end")
    ax.set_xlabel(land.labels[0])
    ax.set_ylabel(land.labels[1])
    return ax


def draw_landscape_surface(land: Landscape, trajectory: np.ndarray | None = None,
                           trajectory_errors: np.ndarray | None = None, *, ax=None,
                           elev: float = 35, azim: float = -60):
    """The same slice as a 3-D surface, with the trajectory drawn on it
    (``book/error-landscapes``). ``ax`` must be a 3-D axes if given."""
    if ax is None:
        fig = plt.figure(figsize=(5, 4))
        ax = fig.add_subplot(projection="3d")
    U, V = np.meshgrid(land.u, land.v)
    E = np.where(np.isfinite(land.errors), land.errors, np.nan)
    ax.plot_surface(U, V, E, cmap="viridis", linewidth=0, antialiased=False, alpha=0.85,
                    gid="landscape-surface")
    if trajectory is not None and trajectory_errors is not None and len(trajectory):
        ax.plot(trajectory[:, 0], trajectory[:, 1], trajectory_errors, color=WEIGHT_COLOUR,
                lw=2, zorder=10, gid="trajectory")
    ax.set_xlabel(land.labels[0])
    ax.set_ylabel(land.labels[1])
    ax.set_zlabel("$E$")
    ax.view_init(elev=elev, azim=azim)
    return ax
