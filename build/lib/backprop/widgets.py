"""The book's live dashboards, built from ipywidgets (they need a running kernel).

Used by *Training XOR* (``book/training-xor``), *Error landscapes*
(``book/error-landscapes``) and *Beyond XOR* (``book/beyond-xor``). The static book shows
the kernel-free players of :func:`backprop.plotting.player_html` instead.

Callbacks only wire controls to the pure functions of :mod:`backprop.training` (what to
compute) and :mod:`backprop.plotting` (what to draw); figures are rendered with Agg into an
``ipywidgets.Image``, so they work in any Jupyter front end without extra extensions. A
bad setting or a diverging run shows a message in the dashboard; nothing raises into the
notebook.
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

from .datasets import noisy_xor, xor
from .plotting import LandscapeFigure, TrainingFigure, data_extent
from .training import (
    Run,
    TrainingConfig,
    TrainingInputError,
    TrainingState,
    landscape_for_run,
    make_state,
    parameter_names,
    record_run,
    train_epochs,
)

__all__ = ["LandscapeExplorer", "XorDashboard", "dataset_choices"]


def dataset_choices(rng_seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The data sets the dashboard offers: the four XOR points and a noisy continuous XOR."""
    return {"XOR (4 points)": xor(),
            "noisy XOR (80 points)": noisy_xor(80, np.random.default_rng(rng_seed), 0.15)}


def _message(kind: str, text: str) -> str:
    colour = {"error": "#b00020", "warning": "#a63603", "ok": "#1b7837"}.get(kind, "#333333")
    return f'<span style="color:{colour}">{html.escape(text)}</span>'


class XorDashboard:
    """The XOR training dashboard (``book/training-xor``).

    Controls: hidden units (1-8) per hidden layer, hidden layers (1-3), hidden activation
    (sigmoid, tanh, relu), output unit, learning rate (log scale,
    0.01-10), momentum, initial weight scale, seed, batch or on-line, epochs per frame and
    data set; play/pause (an ``ipywidgets.Play``), step and reset. Show it with
    ``display(dash.widget)``. ``datasets`` replaces the XOR data sets (``book/beyond-xor``).
    """

    def __init__(self, config: TrainingConfig | None = None, *, grid: int = 200,
                 max_epochs: int = 20000,
                 datasets: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> None:
        cfg = TrainingConfig() if config is None else config
        self.datasets = dataset_choices() if datasets is None else dict(datasets)
        if not self.datasets:
            raise ValueError("datasets is empty; pass a mapping from a name to (X, T)")
        self.max_epochs = int(max_epochs)
        style = {"description_width": "initial"}
        self.hidden = w.IntSlider(value=cfg.hidden_sizes()[0], min=1, max=8,
                                  description="hidden units", style=style)
        self.layers = w.IntSlider(value=len(cfg.hidden_sizes()), min=1, max=3,
                                  description="hidden layers", style=style)
        self.activation = w.Dropdown(options=["sigmoid", "tanh", "relu"], value=cfg.activation,
                                     description="hidden activation", style=style)
        self.output = w.Dropdown(options=[("sigmoid", "sigmoid"), ("linear", "identity")],
                                 value=cfg.output, description="output unit", style=style)
        self.eta = w.FloatLogSlider(value=cfg.eta, base=10, min=-2, max=1, step=0.05,
                                    description="learning rate η", style=style)
        self.momentum = w.FloatSlider(value=cfg.momentum, min=0.0, max=0.99, step=0.01,
                                      description="momentum α", style=style)
        self.weight_scale = w.FloatSlider(value=cfg.weight_scale, min=0.05, max=5.0,
                                          step=0.05, description="initial weight scale",
                                          style=style)
        self.seed = w.IntText(value=cfg.seed, description="seed", style=style)
        self.mode = w.ToggleButtons(options=[("batch", "batch"), ("on-line", "online")],
                                    value=cfg.mode, description="updates", style=style)
        self.data = w.Dropdown(options=list(self.datasets), description="data", style=style)
        self.epochs_per_frame = w.IntSlider(value=10, min=1, max=200,
                                            description="epochs per frame", style=style)
        self.play = w.Play(value=0, min=0, max=10**9, step=1, interval=60,
                           description="play")
        self.step_button = w.Button(description="step", icon="step-forward")
        self.reset_button = w.Button(description="reset", icon="refresh")
        self.message = w.HTML()
        self.image = w.Image(format="png")
        self.grid = int(grid)
        self.state: TrainingState | None = None
        self.figure: TrainingFigure | None = None

        self._settings = [self.hidden, self.layers, self.activation, self.output, self.eta,
                          self.momentum, self.weight_scale, self.seed, self.mode, self.data]
        for control in self._settings:
            control.observe(self._on_setting, names="value")
        self.play.observe(self._on_play, names="value")
        self.step_button.on_click(self._on_step)
        self.reset_button.on_click(self._on_reset)
        left = w.VBox([self.hidden, self.layers, self.activation, self.output, self.eta,
                       self.momentum])
        right = w.VBox([self.weight_scale, self.seed, self.mode, self.data,
                        self.epochs_per_frame])
        buttons = w.HBox([self.play, self.step_button, self.reset_button])
        self.widget = w.VBox([w.HBox([left, right]), buttons, self.message, self.image])
        self.reset()

    # ------------------------------------------------------------ wiring only
    def _on_setting(self, _change: dict) -> None:
        self.reset()

    def _on_play(self, _change: dict) -> None:
        self.step()

    def _on_step(self, _button: w.Button) -> None:
        self.step()

    def _on_reset(self, _button: w.Button) -> None:
        self.reset()

    # ------------------------------------------------------------ actions
    def config(self) -> TrainingConfig:
        """The settings the controls show, checked (raises :class:`TrainingInputError`)."""
        hidden = (self.hidden.value,) * self.layers.value
        return TrainingConfig(hidden=hidden, activation=self.activation.value,
                              eta=self.eta.value, momentum=self.momentum.value,
                              weight_scale=self.weight_scale.value, seed=self.seed.value,
                              mode=self.mode.value, output=self.output.value).validate()

    def reset(self) -> None:
        """New initial weights from the current settings; an unusable setting is reported."""
        self.play.playing = False
        X, T = self.datasets[self.data.value]
        try:
            self.state = make_state(self.config(), X, T)
        except TrainingInputError as err:
            self.state = None
            self.message.value = _message("error", f"Cannot start: {err}")
            return
        self.figure = TrainingFigure(X, T, n=self.grid, extent=data_extent(X))
        self.message.value = _message("ok", "Ready: press play or step.")
        self._redraw()

    def step(self) -> None:
        """Train one frame's worth of epochs and redraw; stop playing on divergence."""
        if self.state is None:
            self.play.playing = False
            return
        if self.state.status == "diverged" or self.state.epoch >= self.max_epochs:
            self.play.playing = False
            return
        train_epochs(self.state, self.epochs_per_frame.value)
        if self.state.status == "diverged":
            self.play.playing = False
            self.message.value = _message(
                "error", f"The run diverged at epoch {self.state.epoch}: the error became "
                f"infinite. Lower the learning rate (now {self.state.eta:.3g}) and press "
                "reset.")
        elif self.state.status == "solved":
            self.message.value = _message("ok", "Solved: every pattern is on the right side "
                                          "of 0.5. Keep training to watch the error fall.")
        self._redraw()

    def _redraw(self) -> None:
        s = self.state
        self.figure.update(s.net, np.append(s.error_history, s.current_error()), s.epoch,
                           s.status)
        self.image.value = self.figure.png()


class LandscapeExplorer:
    """The error-landscape explorer (``book/error-landscapes``).

    Trains a 2-2-1 XOR network for the chosen settings, then shows the error over a plane
    through its final weights (two chosen weights, or two random directions), as contours
    and as a 3-D surface with the trajectory on both; the snapshot slider moves along the
    trajectory and the right panel shows that network's decision boundary.
    """

    def __init__(self, config: TrainingConfig | None = None, *, epochs: int = 1500,
                 resolution: int = 41) -> None:
        cfg = TrainingConfig() if config is None else config
        self.X, self.T = xor()
        names = parameter_names(make_state(cfg, self.X, self.T).net)
        style = {"description_width": "initial"}
        self.plane = w.Dropdown(options=["two random directions", "two chosen weights"],
                                description="plane", style=style)
        self.first = w.Dropdown(options=[(nm, i) for i, nm in enumerate(names)], value=0,
                                description="weight 1", style=style)
        self.second = w.Dropdown(options=[(nm, i) for i, nm in enumerate(names)],
                                 value=min(6, len(names) - 1), description="weight 2",
                                 style=style)
        self.direction_seed = w.IntText(value=0, description="direction seed", style=style)
        self.seed = w.IntText(value=cfg.seed, description="network seed", style=style)
        self.eta = w.FloatLogSlider(value=cfg.eta, base=10, min=-2, max=1, step=0.05,
                                    description="learning rate η", style=style)
        self.epochs = w.IntSlider(value=int(epochs), min=50, max=5000, step=50,
                                  description="epochs", style=style)
        self.resolution = w.IntSlider(value=int(resolution), min=11, max=81, step=2,
                                      description="grid", style=style)
        self.azim = w.IntSlider(value=-60, min=-180, max=180, step=5,
                                description="view angle", style=style)
        self.snapshot = w.IntSlider(value=0, min=0, max=1, description="snapshot",
                                    style=style)
        self.message = w.HTML()
        self.image = w.Image(format="png")
        self.figure = LandscapeFigure(self.X, self.T)
        self.run: Run | None = None
        self.land = None
        for control in (self.plane, self.first, self.second, self.direction_seed, self.seed,
                        self.eta, self.epochs, self.resolution):
            control.observe(self._on_setting, names="value")
        for control in (self.snapshot, self.azim):
            control.observe(self._on_view, names="value")
        self.widget = w.VBox([
            w.HBox([w.VBox([self.plane, self.first, self.second, self.direction_seed]),
                    w.VBox([self.seed, self.eta, self.epochs, self.resolution])]),
            w.HBox([self.snapshot, self.azim]), self.message, self.image])
        self.recompute()

    def _on_setting(self, _change: dict) -> None:
        self.recompute()

    def _on_view(self, _change: dict) -> None:
        self.redraw()

    def recompute(self) -> None:
        """Train, slice, project; report an unusable setting instead of raising."""
        try:
            cfg = TrainingConfig(hidden=2, eta=self.eta.value, seed=self.seed.value).validate()
            if self.direction_seed.value < 0:
                raise TrainingInputError(f"direction seed = {self.direction_seed.value}: must "
                                         "be a whole number >= 0")
            which = ("random" if self.plane.value == "two random directions"
                     else (self.first.value, self.second.value))
            run = record_run(cfg, self.X, self.T, self.epochs.value, snapshots=40)
            rng = np.random.default_rng(self.direction_seed.value)
            self.land, self.uv, self.uv_errors = landscape_for_run(
                run, self.X, self.T, which, rng=rng, n=self.resolution.value)
        except TrainingInputError as err:
            self.message.value = _message("error", f"Cannot draw: {err}")
            return
        self.run = run
        with self.snapshot.hold_trait_notifications():
            self.snapshot.max = len(run.epochs) - 1
            self.snapshot.value = len(run.epochs) - 1
        self.message.value = _message(
            "ok", f"Trained {run.epochs[-1]} epochs ({run.status}); final error "
            f"{run.errors[-1]:.3g}.")
        self.redraw()

    def redraw(self) -> None:
        if self.run is None:
            return
        s = min(self.snapshot.value, len(self.run.epochs) - 1)
        self.figure.update(self.land, self.uv, self.uv_errors, self.run.network(s), s,
                           azim=self.azim.value)
        self.image.value = self.figure.png()
