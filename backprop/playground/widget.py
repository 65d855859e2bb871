"""The playground in Jupyter: the browser draws, the kernel trains with the book's NumPy code.

Used by *Training XOR* (``book/training-xor``), *Error landscapes* (``book/error-landscapes``)
and *Beyond XOR* (``book/beyond-xor``). :class:`Playground` is an ``anywidget`` whose front
end is the same ES module the static book runs (``static/playground.js``). Here it does not
train: it asks the kernel for frames, and the kernel answers with numbers only.

The conversation, browser to kernel as custom messages, kernel to browser as synced traits:

* ``{"type": "reset", "settings": {...}}``: new initial weights (``make_state``) and data
  (:func:`~backprop.playground.spec.make_data`); the kernel sets ``run`` (data, layer
  sizes, activation functions, initial parameters).
* ``{"type": "live", "settings": {...}}``: a new learning rate, momentum or update mode for
  the run in progress (training goes on).
* ``{"type": "train", "epochs": k}``: ``train_epochs(state, k)``; the kernel sets ``frame``
  (epoch, parameters, status, training and test error per pattern, kernel milliseconds).

Unusable settings set ``error`` to a message the page shows; nothing raises into the
notebook. ``state`` is the :class:`~backprop.training.TrainingState` being trained, for
inspection from Python.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from ..functions import half_sse
from ..training import TrainingInputError, TrainingState, make_state, train_epochs
from .spec import MAX_EPOCHS, make_data, page_spec, training_config, validate_settings

__all__ = ["Playground"]

STATIC = Path(__file__).with_name("static")
_LIVE = ("eta", "mom", "upd", "speed", "plane", "pseed", "w1", "w2")


def _finite_or_none(x: float) -> float | None:
    # JSON has no NaN or inf: a diverged run's numbers are sent as null.
    return float(x) if np.isfinite(x) else None


class Playground(anywidget.AnyWidget):
    """The playground of ``page`` (``"training-xor"``, ``"error-landscapes"`` or
    ``"beyond-xor"``), trained in this kernel; keyword arguments override its default
    settings (``Playground("training-xor", eta=0.5, hidden=3)``)."""

    _esm = STATIC / "playground.js"
    _css = STATIC / "playground.css"
    spec = traitlets.Dict().tag(sync=True)
    settings = traitlets.Dict().tag(sync=True)
    run = traitlets.Dict().tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, page: str = "training-xor", **overrides: Any) -> None:
        spec = page_spec(page, **overrides)
        del spec["data"]  # the kernel sends the data with each reset
        super().__init__(spec=spec, settings=spec["defaults"])
        self.state: TrainingState | None = None
        self._data: dict[str, np.ndarray] = {}
        self._resets = 0
        self.on_msg(self._on_message)

    # ------------------------------------------------------------ messages from the page
    def _on_message(self, _widget: object, content: dict, _buffers: list) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        try:
            if kind == "reset":
                self.reset(content.get("settings", {}))
            elif kind == "live":
                self.live(content.get("settings", {}))
            elif kind == "train":
                self.train(content.get("epochs", 1))
            else:
                raise TrainingInputError(f"the page sent a message of unknown type {kind!r}")
        except TrainingInputError as err:
            self.error = f"Not applied: {err}."

    def reset(self, settings: dict[str, Any]) -> None:
        """New initial weights and data for ``settings`` (checked first)."""
        s = validate_settings(settings)
        config = training_config(s)
        data = make_data(s)
        X, T = np.reshape(data["X"], (-1, 2)), np.reshape(data["T"], (-1, 1))
        self._data = {"Xt": np.reshape(data["Xt"], (-1, 2)), "Tt": np.reshape(data["Tt"], (-1, 1))}
        self.state = make_state(config, X, T)
        self.settings = s
        self.error = ""
        self._resets += 1
        net = self.state.net
        self.run = {"n": self._resets, "data": {**data, "source": "from backprop.datasets "
                                                "in the kernel"},
                    "sizes": list(net.sizes), "functions": [f.name for f in net.functions],
                    "theta": net.parameters().tolist()}

    def live(self, settings: dict[str, Any]) -> None:
        """Apply the settings that change a run in progress without restarting it."""
        s = validate_settings(settings)
        if self.state is not None:
            self.state.eta, self.state.momentum, self.state.mode = s["eta"], s["mom"], s["upd"]
        self.settings = {**self.settings, **{k: s[k] for k in _LIVE}}

    def train(self, epochs: int) -> None:
        """Train ``epochs`` epochs with :func:`~backprop.training.train_epochs` and send the
        new parameters and errors (per pattern) as ``frame``."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= 50:
            raise TrainingInputError(f"epochs per frame = {epochs!r}: give a whole number "
                                     "from 1 to 50")
        state = self.state
        if state is None:
            raise TrainingInputError("nothing to train yet: the page resets the run first")
        t0 = time.perf_counter()
        if state.status != "diverged" and state.epoch < MAX_EPOCHS:
            train_epochs(state, epochs)
        theta = state.net.parameters()
        finite = state.status != "diverged" and bool(np.all(np.isfinite(theta)))
        with np.errstate(over="ignore", invalid="ignore"):
            train = float(state.current_error()) / len(state.T) if finite else np.nan
            Xt, Tt = self._data["Xt"], self._data["Tt"]
            test = (float(half_sse(state.net.predict(Xt), Tt)) / len(Tt)
                    if finite and len(Tt) else np.nan)
        self.frame = {"epoch": state.epoch, "theta": theta.tolist() if finite else None,
                      "status": "diverged" if not finite else state.status,
                      "train": _finite_or_none(train), "test": _finite_or_none(test),
                      "ms": 1000 * (time.perf_counter() - t0)}
