"""The kernel-free players and the live dashboards' figures (``book/perceptron``,
``book/training-xor``, ``book/error-landscapes``, ``book/beyond-xor``).

Kept together, as they were, until the browser playground replaces them (issue 8); the
static figures of :mod:`backprop.plotting` do not depend on this module.
"""

from __future__ import annotations

import html
import io
import re
import uuid
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter
from PIL import Image as PILImage

from ..network import Network
from ..training import Landscape, Run, decision_grid
from .boundaries import draw_decision_boundary, hidden_unit_line
from .landscapes import draw_landscape_contours, draw_landscape_surface, plane_axes
from .single_layer import draw_threshold_unit
from .style import (
    BOUNDARY_CMAP,
    CLASS_COLOURS,
    ERROR_AXIS_MAX,
    HIDDEN_LINE_COLOURS,
    WEIGHT_COLOUR,
    XOR_EXTENT,
)


def figure_png(fig: Figure, dpi: float | None = None) -> bytes:
    """A figure rendered to PNG bytes with the Agg canvas (dashboards, players)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    if dpi is not None:
        fig.set_dpi(dpi)
    fig.canvas.draw()  # one draw, then a fast PNG encoding of the pixels (savefig draws twice)
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    buf = io.BytesIO()
    PILImage.fromarray(pixels).save(buf, format="png", compress_level=1)
    return buf.getvalue()


class TrainingFigure:
    """The dashboard's two panels, redrawn in place: decision boundary (with hidden lines and
    points) and error curve, plus a status line (``book/training-xor``).

    Built on a bare :class:`~matplotlib.figure.Figure` (no pyplot). Axes, ticks and labels are
    drawn once and kept as a background; a frame only redraws the changing artists on top of
    it (blitting), unless the error axis had to grow. :meth:`png` renders a frame for an
    ``ipywidgets.Image``. With ``blit=False`` every artist is an ordinary one, for
    ``savefig`` and animations.
    """

    def __init__(self, X: np.ndarray, T: np.ndarray, *, extent: Sequence[float] = XOR_EXTENT,
                 n: int = 200, size: tuple[float, float] = (8.4, 3.8), dpi: float = 80,
                 max_hidden: int = 8, blit: bool = True) -> None:
        self.X, self.T, self.extent, self.n = X, T, tuple(extent), int(n)
        self.blit = blit
        self.fig = Figure(figsize=size, dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.ax_boundary, self.ax_error = self.fig.subplots(1, 2)
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.88, wspace=0.3)
        ax = self.ax_boundary
        self.image = ax.imshow(np.full((self.n, self.n), 0.5), origin="lower",
                               extent=self.extent, cmap=BOUNDARY_CMAP, vmin=0, vmax=1,
                               interpolation="bilinear", aspect="auto", gid="output-image",
                               animated=blit)
        self.boundary = None
        self.hidden = [ax.plot([], [], "--", lw=1.4, gid=f"hidden-line-{j + 1}", animated=blit,
                               color=HIDDEN_LINE_COLOURS[j % len(HIDDEN_LINE_COLOURS)])[0]
                       for j in range(max_hidden)]
        colours = np.where(np.asarray(T)[:, 0] > 0.5, CLASS_COLOURS[1], CLASS_COLOURS[0])
        size_pts = 70 if len(X) <= 8 else 14
        self.points = ax.scatter(X[:, 0], X[:, 1], c=colours, s=size_pts, edgecolors="white",
                                 linewidths=1.0 if len(X) <= 8 else 0.3, zorder=5,
                                 gid="points", animated=blit)
        ax.set_xlim(self.extent[0], self.extent[1])
        ax.set_ylim(self.extent[2], self.extent[3])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_aspect("equal")
        self.curve, = self.ax_error.semilogy([], [], color="#333333", lw=1.5,
                                             gid="error-curve", animated=blit)
        self.ax_error.set_xlabel("epoch")
        self.ax_error.set_ylabel("error $E$")
        self.ax_error.grid(alpha=0.3, which="major")
        self.ax_error.yaxis.set_minor_formatter(NullFormatter())
        self.ax_error.set_xlim(0, 16)
        self.ax_error.set_ylim(1e-2, 1e1)
        self.title = self.fig.suptitle("", fontsize=11, animated=blit)
        self._background = None

    def _fit_error_axis(self, n_epochs: int, e: np.ndarray) -> None:
        # Limits grow in doublings and whole decades so the background is rarely redrawn.
        x_hi = self.ax_error.get_xlim()[1]
        want_x = x_hi
        while want_x < n_epochs:
            want_x *= 2
        lo, hi = self.ax_error.get_ylim()
        e = np.clip(e, 1e-8, ERROR_AXIS_MAX)  # a diverging error would break the log ticks
        want = (min(lo, 10.0 ** np.floor(np.log10(e.min()))),
                max(hi, 10.0 ** np.ceil(np.log10(e.max()))))
        if want_x != x_hi or want != (lo, hi):
            self.ax_error.set_xlim(0, want_x)
            self.ax_error.set_ylim(*want)
            self._background = None

    def update(self, net: Network, errors: np.ndarray, epoch: int, status: str) -> None:
        """Set the artists for the current network, error history, epoch and status."""
        x1, x2, a = decision_grid(net, self.extent, self.n)
        self.image.set_data(a)
        if self.boundary is not None:
            self.boundary.remove()
            self.boundary = None
        if np.nanmin(a) < 0.5 < np.nanmax(a):
            self.boundary = self.ax_boundary.contour(x1, x2, a, levels=[0.5], colors="black",
                                                     linewidths=1.6)
            self.boundary.set_gid("boundary")
            self.boundary.set_animated(self.blit)
        n_hidden = net.sizes[1] if len(net.sizes) > 2 else 0
        for j, line in enumerate(self.hidden):
            seg = (hidden_unit_line(net.weights[0][j], net.biases[0][j], self.extent)
                   if j < n_hidden else np.empty((0, 2)))
            line.set_data(seg[:, 0], seg[:, 1])
        errors = np.asarray(errors, dtype=float)
        finite = np.isfinite(errors)
        ep = np.arange(errors.size)
        self.curve.set_data(ep[finite], np.minimum(errors[finite], ERROR_AXIS_MAX))
        if finite.any():
            self._fit_error_axis(errors.size, errors[finite])
        shown = float(errors[finite][-1]) if finite.any() else float("nan")
        text = {"diverged": "DIVERGED: the error became infinite; lower the learning rate "
                            "and press reset",
                "solved": "solved: every pattern on the right side of 0.5"}.get(status, "")
        self.title.set_text(f"epoch {epoch}   E = {shown:.4g}   {text}")
        self.title.set_color(WEIGHT_COLOUR if status == "diverged" else "black")

    def draw(self) -> None:
        """Render the current frame into the canvas (background once, then the artists)."""
        canvas = self.fig.canvas
        if not self.blit:
            canvas.draw()
            return
        if self._background is None:
            canvas.draw()  # animated artists are skipped here: this is the background
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        canvas.restore_region(self._background)
        for artist in (self.image, self.boundary, *self.hidden, self.points):
            if artist is not None:
                self.ax_boundary.draw_artist(artist)
        self.ax_error.draw_artist(self.curve)
        self.fig.draw_artist(self.title)

    def png(self) -> bytes:
        """The current frame as PNG bytes."""
        self.draw()
        pixels = np.asarray(self.fig.canvas.buffer_rgba())[..., :3]
        buf = io.BytesIO()
        PILImage.fromarray(pixels).save(buf, format="png", compress_level=1)
        return buf.getvalue()


def training_animation(run: Run, X: np.ndarray, T: np.ndarray, *,
                       extent: Sequence[float] = XOR_EXTENT, n: int = 80,
                       size: tuple[float, float] = (6.4, 2.9), dpi: float = 55,
                       interval: int = 250) -> FuncAnimation:
    """A kernel-free player of a recorded run: one frame per snapshot of ``run``
    (``book/training-xor``). Its ``to_jshtml()`` plays and scrubs in the static book."""
    hidden = run.sizes[1] if len(run.sizes) > 2 else 1
    panel = TrainingFigure(X, T, extent=extent, n=n, size=size, dpi=dpi, max_hidden=hidden,
                           blit=False)
    errors = np.asarray(run.errors, dtype=float)
    if np.isfinite(errors).any():  # the whole run's axes from the first frame: they stay fixed
        panel._fit_error_axis(errors.size, errors[np.isfinite(errors)])

    def frame(s: int):
        ep = int(run.epochs[s])
        last = s == len(run.epochs) - 1
        status = run.status if last else "running"
        panel.update(run.network(s), run.errors[:ep + 1], ep, status)
        return []

    return FuncAnimation(panel.fig, frame, frames=len(run.epochs), interval=interval,
                         blit=False)


def player_html(runs: Mapping[str, Run], X: np.ndarray, T: np.ndarray, *,
                extent: Sequence[float] = XOR_EXTENT, title: str = "setting") -> str:
    """Several recorded runs as one kernel-free player: a menu picks the setting, and each
    setting is a matplotlib JavaScript animation (play, pause, scrub) of its run.

    Runs entirely in the page (``book/training-xor``, ``book/beyond-xor``); frames are small
    PNGs so that a page stays well under 3 MB.
    """
    if not runs:
        raise ValueError("no runs to play; pass a mapping from a label to a recorded Run")
    return animations_html({label: training_animation(run, X, T, extent=extent)
                            for label, run in runs.items()}, title=title)


def landscape_animation(run: Run, land: Landscape, uv: np.ndarray, X: np.ndarray,
                        T: np.ndarray, *, size: tuple[float, float] = (6.4, 2.9),
                        dpi: float = 55, interval: int = 250) -> FuncAnimation:
    """A kernel-free player of a run's path over an error-landscape slice: contours with the
    trajectory so far (left) and the decision boundary at that snapshot (right)
    (``book/error-landscapes``)."""
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax_c, ax_b = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.17, top=0.88, wspace=0.35)

    def frame(s: int):
        ax_c.clear()
        ax_b.clear()
        draw_landscape_contours(land, uv[:s + 1], ax=ax_c, levels=20, colorbar=False)
        draw_decision_boundary(run.network(s), X, T, ax=ax_b, n=60, point_size=40)
        ax_c.set_title(f"epoch {run.epochs[s]}   E = {run.errors[run.epochs[s]]:.3g}",
                       fontsize=9)
        return []

    return FuncAnimation(fig, frame, frames=len(run.epochs), interval=interval, blit=False)


def animations_html(animations: Mapping[str, FuncAnimation], *, title: str = "setting"
                    ) -> str:
    """Matplotlib animations as one offline HTML player with a menu to switch between them
    (``book/training-xor``, ``book/error-landscapes``, ``book/beyond-xor``)."""
    if not animations:
        raise ValueError("no animations to show; pass a mapping from a label to an animation")
    uid = "player-" + uuid.uuid4().hex[:8]
    options, panels = [], []
    for i, (label, anim) in enumerate(animations.items()):
        page = _offline_jshtml(anim.to_jshtml(default_mode="once"),
                               f"One frame of the recorded run for {title} {label}; the "
                               "buttons below play, pause and step through the frames")
        options.append(f'<option value="{i}">{label}</option>')
        style = "" if i == 0 else ' style="display:none"'
        panels.append(f'<div class="{uid}-panel"{style}>{page}</div>')
    script = (f"<script>(function(){{var s=document.getElementById('{uid}-select');"
              f"s.addEventListener('change',function(){{var p=document.getElementsByClassName("
              f"'{uid}-panel');for(var i=0;i<p.length;i++){{p[i].style.display="
              f"(String(i)===s.value)?'':'none';}}}});}})();</script>")
    return (f'<div class="training-player" id="{uid}"><label>{title}: <select id="{uid}-select">'
            + "".join(options) + "</select></label>" + "".join(panels) + script + "</div>")


#: matplotlib's animation controls use Font Awesome from a CDN; the book must work offline,
#: so the icons become plain Unicode symbols and the stylesheet link is dropped.
_JSHTML_ICONS = {
    "fa fa-fast-backward": "\u21e4", "fa fa-fast-forward": "\u21e5", "fa fa-minus": "\u2212",
    "fa fa-pause": "||", "fa fa-play fa-flip-horizontal": "\u25c0", "fa fa-play": "\u25b6",
    "fa fa-plus": "+", "fa fa-step-backward": "\u2039", "fa fa-step-forward": "\u203a",
}


def _offline_jshtml(page: str, alt: str) -> str:
    # The frame image gets an alt text and the slider a label, for screen readers.
    page = page.replace('<img id="_anim_img', f'<img alt="{html.escape(alt)}" id="_anim_img')
    page = page.replace('<input id="_anim_slider', '<input aria-label="frame" id="_anim_slider')
    page = re.sub(r"<link[^>]*font-awesome[^>]*>", "", page)
    for cls, symbol in _JSHTML_ICONS.items():
        page = page.replace(f'<i class="{cls}"></i>', symbol)
    return page


class LandscapeFigure:
    """The error-landscape explorer's panels: contours with the trajectory, the 3-D surface
    with the trajectory, and the decision boundary of the network at the chosen snapshot,
    whose place on the trajectory is marked (``book/error-landscapes``)."""

    def __init__(self, X: np.ndarray, T: np.ndarray, *, size: tuple[float, float] = (11, 3.6),
                 dpi: float = 72, extent: Sequence[float] = XOR_EXTENT) -> None:
        self.X, self.T, self.extent = X, T, tuple(extent)
        self.fig = Figure(figsize=size, dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.ax_contour = self.fig.add_subplot(1, 3, 1)
        self.ax_surface = self.fig.add_subplot(1, 3, 2, projection="3d")
        self.ax_boundary = self.fig.add_subplot(1, 3, 3)
        self.fig.subplots_adjust(left=0.06, right=0.98, bottom=0.15, top=0.88, wspace=0.3)

    def update(self, land: Landscape, uv: np.ndarray, uv_errors: np.ndarray, net: Network,
               snapshot: int, *, elev: float = 35, azim: float = -60) -> None:
        """Redraw every panel; ``snapshot`` indexes ``uv`` (the marked point) and ``net`` is
        the network there."""
        for ax in (self.ax_contour, self.ax_surface, self.ax_boundary):
            ax.clear()
        draw_landscape_contours(land, uv, ax=self.ax_contour, colorbar=False)
        (du, _), (dv, _) = plane_axes(land)
        self.ax_contour.plot(uv[snapshot][0] + du, uv[snapshot][1] + dv, "o", ms=9,
                             color=WEIGHT_COLOUR, mec="white", gid="snapshot-marker")
        draw_landscape_surface(land, uv, uv_errors, ax=self.ax_surface, elev=elev, azim=azim)
        draw_decision_boundary(net, self.X, self.T, ax=self.ax_boundary, extent=self.extent,
                               n=100)
        self.ax_contour.set_title("error over the slice", fontsize=10)
        self.ax_boundary.set_title(f"network at snapshot {snapshot}", fontsize=10)

    def png(self) -> bytes:
        return figure_png(self.fig)


def perceptron_animation_html(weights: np.ndarray, X: np.ndarray, T: np.ndarray, *,
                              captions: Sequence[str] | None = None,
                              marks: Sequence[int | None] | None = None, dpi: int = 60,
                              interval: int = 700) -> str:
    """A small self-contained player (``to_jshtml``) of a threshold unit's decision line,
    one frame per row ``(w_1, w_2, b)`` of ``weights`` (``book/perceptron``); ``marks[s]``
    is the row of ``X`` to ring in frame ``s`` (the pattern just presented). Works offline:
    the player's icons are plain symbols, nothing is fetched from a CDN."""
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2 or weights.shape[1] != 3 or len(weights) < 1:
        raise ValueError("weights must have one row (w_1, w_2, b) per frame")
    fig, ax = plt.subplots(figsize=(3.4, 3.4), dpi=dpi)

    def frame(s: int):
        ax.clear()
        title = captions[s] if captions is not None else f"step {s}"
        draw_threshold_unit(X, T, weights[s, :2], weights[s, 2], ax=ax, title=title)
        if marks is not None and marks[s] is not None:
            ax.scatter(*np.asarray(X, dtype=float)[marks[s]], s=260, facecolor="none",
                       edgecolor="#c0392b", lw=2, zorder=4)
        return []

    anim = FuncAnimation(fig, frame, frames=len(weights), interval=interval, blit=False)
    fig.tight_layout()
    page = _offline_jshtml(anim.to_jshtml(default_mode="loop"),
                           "The threshold unit's decision line over its patterns, one frame "
                           "per presented pattern, with the pattern just presented ringed")
    plt.close(fig)
    return page
