"""The playground in Jupyter: the browser draws, the kernel trains with the book's NumPy code.

Used by *Training XOR* (``book/training-xor``), *Error landscapes* (``book/error-landscapes``)
and *Beyond XOR* (``book/beyond-xor``). :class:`Playground` is an ``anywidget`` whose front
end is the same ES modules the static book runs (``static/playground.js`` and the files it
imports, joined into one module text by :func:`~backprop.playground.bundle.bundle`). Here the
page does not train: the kernel trains with :func:`backprop.training.train_epochs` and sends
only numbers.

While the page plays, the kernel *pushes* frames: a thread of the widget trains a frame's
epochs and sends the new weights, paced to the page's display rate, without waiting to be
asked (a request per frame was bound by the round trip: 12-15 frames/s in JupyterLab). The
thread sleeps between frames, so other cells run while it plays (and it goes on while they
run); the page's messages (pause, a new learning rate) are applied between two frames.
Backpressure: the page acknowledges the frames it has drawn, every few frames, and the kernel
never has more than :data:`WINDOW` frames unacknowledged, so frames never pile up behind a slow
page; a page that stops acknowledging for :data:`ACK_TIMEOUT` seconds (closed, or its tab
hidden) stops the run. The page's messages may arrive on any of the kernel's threads
(JupyterLab sends widget messages to a kernel subshell when the kernel has them), so every
change to the run holds the widget's lock.

The conversation, page to kernel as custom messages:

* ``{"type": "reset", "settings": {...}}``: new initial weights (``make_state``) and data
  (:func:`~backprop.playground.spec.make_data`); the kernel sets the synced trait ``run``
  (its number ``n``, data, layer sizes, activation functions, initial parameters).
* ``{"type": "live", "settings": {...}}``: a new learning rate, momentum, update mode or
  epochs per frame for the run in progress (training goes on).
* ``{"type": "play", "fps": r}`` / ``{"type": "pause"}``: start or stop pushing frames, at
  most about ``r`` a second (the page's display rate).
* ``{"type": "ack", "run": n, "seq": k}``: the page has drawn the frames up to ``k``.
* ``{"type": "train", "epochs": k}``: one frame on request (the step button).

and kernel to page, a custom message per frame, ``{"type": "frame", "run", "seq", "epoch",
"status", "train", "test", "ms"}`` (errors per pattern, kernel milliseconds) with the
parameters as one binary buffer of little-endian float64 (none once the run diverged).
Unusable settings and failures set the synced trait ``error`` to a message the page shows;
nothing raises into the notebook. ``state`` is the :class:`~backprop.training.TrainingState`
being trained, and ``last_frame`` the last frame sent, for inspection from Python (hold
``lock`` to read them while it plays).
"""

from __future__ import annotations

import contextvars
import threading
import time
from typing import Any

import anywidget
import numpy as np
import traitlets

from ..functions import half_sse
from ..training import TrainingInputError, TrainingState, make_state, train_epochs
from . import STATIC
from .bundle import bundle
from .perceptron import perceptron_run, perceptron_spec
from .spec import MAX_EPOCHS, make_data, page_spec, training_config, validate_settings

__all__ = ["MAX_FPS", "WINDOW", "PerceptronPlayground", "Playground"]

_LIVE = ("eta", "mom", "upd", "speed", "plane", "pseed", "w1", "w2")
#: Frames the kernel may send ahead of the page's acknowledgements: the page acknowledges
#: what it has drawn four times a second, so at 60 frames/s a round trip of up to about
#: 400 ms never holds the kernel back.
WINDOW = 40
#: The fastest pace the kernel accepts from a page (frames a second).
MAX_FPS = 144.0
# The kernel paces a little above the page's display rate, so that a frame is ready at
# every display refresh; the page drops the surplus instead of falling behind.
_LEAD = 1.05


def _finite_or_none(x: float) -> float | None:
    # JSON has no NaN or inf: a diverged run's numbers are sent as null.
    return float(x) if np.isfinite(x) else None


class Playground(anywidget.AnyWidget):
    """The playground of ``page`` (``"training-xor"``, ``"error-landscapes"`` or
    ``"beyond-xor"``), trained in this kernel; keyword arguments override its default
    settings (``Playground("training-xor", eta=0.5, hidden=3)``)."""

    _esm = bundle()
    _css = STATIC / "playground.css"
    spec = traitlets.Dict().tag(sync=True)
    settings = traitlets.Dict().tag(sync=True)
    run = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    #: Seconds without an acknowledgement after which a playing kernel stops (the page is
    #: gone or hidden; a page that is still there asks again).
    ack_timeout = 10.0

    def __init__(self, page: str = "training-xor", **overrides: Any) -> None:
        spec = page_spec(page, **overrides)
        del spec["data"]  # the kernel sends the data with each reset
        super().__init__(spec=spec, settings=spec["defaults"])
        self.state: TrainingState | None = None
        self.last_frame: dict[str, Any] = {}
        self.lock = threading.Condition()
        self._data: dict[str, np.ndarray] = {}
        self._resets = 0
        self._seq = 0            # frames sent in this run
        self._acked = 0          # frames of this run the page has drawn
        self._fps = 60.0
        self._playing = 0        # the number of the play in progress (0: paused)
        self._plays = 0
        self.on_msg(self._on_message)

    @property
    def playing(self) -> bool:
        """Whether the kernel is pushing frames to the page."""
        return self._playing != 0

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
            elif kind == "play":
                self.play(content.get("fps", 60))
            elif kind == "pause":
                self.pause()
            elif kind == "ack":
                self._ack(content.get("run"), content.get("seq"))
            else:
                raise TrainingInputError(f"the page sent a message of unknown type {kind!r}")
        except TrainingInputError as err:
            self.error = f"Not applied: {err}."

    def reset(self, settings: dict[str, Any]) -> None:
        """New initial weights and data for ``settings`` (checked first); stops playing."""
        s = validate_settings(settings)
        config = training_config(s)
        data = make_data(s)
        X, T = np.reshape(data["X"], (-1, 2)), np.reshape(data["T"], (-1, 1))
        state = make_state(config, X, T)
        with self.lock:
            self._stop()
            self._data = {"Xt": np.reshape(data["Xt"], (-1, 2)),
                          "Tt": np.reshape(data["Tt"], (-1, 1))}
            self.state = state
            self.settings = s
            self.error = ""
            self._resets += 1
            self._seq = self._acked = 0
            net = state.net
            self.run = {"n": self._resets, "data": {**data, "source": "from backprop.datasets "
                                                    "in the kernel"},
                        "sizes": list(net.sizes), "functions": [f.name for f in net.functions],
                        "theta": net.parameters().tolist()}

    def live(self, settings: dict[str, Any]) -> None:
        """Apply the settings that change a run in progress without restarting it."""
        s = validate_settings(settings)
        with self.lock:
            if self.state is not None:
                self.state.eta, self.state.momentum, self.state.mode = (s["eta"], s["mom"],
                                                                        s["upd"])
            self.settings = {**self.settings, **{k: s[k] for k in _LIVE}}

    def train(self, epochs: int) -> None:
        """Train ``epochs`` epochs with :func:`~backprop.training.train_epochs` and send the
        new parameters and errors (per pattern) as one frame."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= 50:
            raise TrainingInputError(f"epochs per frame = {epochs!r}: give a whole number "
                                     "from 1 to 50")
        with self.lock:
            if self.state is None:
                raise TrainingInputError("nothing to train yet: the page resets the run first")
            self._frame(epochs)

    def play(self, fps: float = 60.0) -> None:
        """Push frames to the page from a thread, about ``fps`` a second, until paused (see
        the module's docstring)."""
        ok = isinstance(fps, (int, float)) and not isinstance(fps, bool) and 1 <= fps <= MAX_FPS
        if not ok:
            raise TrainingInputError(f"frames a second = {fps!r}: give a number from 1 to "
                                     f"{MAX_FPS:g}")
        with self.lock:
            if self.state is None:
                raise TrainingInputError("nothing to train yet: the page resets the run first")
            self._fps = float(fps)
            self._last_ack = time.monotonic()
            if self._playing:
                self.lock.notify_all()
                return
            self._plays += 1
            self._playing = self._plays
            # The thread sends its frames as replies to this request (its context holds the
            # kernel's current request), so the kernel routes the page's answers to where it
            # handled this one: a subshell keeps them flowing while a cell runs.
            context = contextvars.copy_context()
            threading.Thread(target=context.run, args=(self._push, self._plays), daemon=True,
                             name=f"playground-{self.model_id}").start()

    def pause(self) -> None:
        """Stop pushing frames (the frame being sent, if any, is the last)."""
        with self.lock:
            self._stop()

    def _stop(self) -> None:
        self._playing = 0
        self.lock.notify_all()

    def _ack(self, run: object, seq: object) -> None:
        if isinstance(seq, bool) or not isinstance(seq, int):
            return
        with self.lock:
            if run != self._resets:
                return  # an acknowledgement of an earlier run
            self._acked = max(self._acked, min(seq, self._seq))
            self._last_ack = time.monotonic()
            self.lock.notify_all()

    # ------------------------------------------------------------ frames
    def _push(self, play: int) -> None:
        with self.lock:
            due = time.monotonic()
            try:
                while self._playing == play:
                    now = time.monotonic()
                    if self._seq - self._acked >= WINDOW:
                        waited = now - self._last_ack
                        if waited >= self.ack_timeout:
                            self._stop()  # the page stopped acknowledging: gone or hidden
                        else:
                            self.lock.wait(self.ack_timeout - waited)
                        continue
                    if now < due:
                        self.lock.wait(due - now)
                        continue
                    # A late frame goes at once, but the pace is not made up in a burst.
                    due = max(due + 1 / (_LEAD * self._fps), now)
                    frame = self._frame(self.settings["speed"])
                    if frame["status"] == "diverged" or frame["epoch"] >= MAX_EPOCHS:
                        self._stop()
            except Exception as err:  # shown in the page, never a traceback on the console
                self._stop()
                self.error = f"Training stopped in the kernel: {type(err).__name__}: {err}"

    def _frame(self, epochs: int) -> dict[str, Any]:
        # Called holding the lock.
        state = self.state
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
        self._seq += 1
        frame = {"type": "frame", "run": self._resets, "seq": self._seq, "epoch": state.epoch,
                 "status": "diverged" if not finite else state.status,
                 "train": _finite_or_none(train), "test": _finite_or_none(test),
                 "ms": 1000 * (time.perf_counter() - t0)}
        self.send(frame, buffers=[theta.astype("<f8").tobytes()] if finite else [])
        self.last_frame = {**frame, "theta": theta.tolist() if finite else None}
        return frame


class PerceptronPlayground(anywidget.AnyWidget):
    """The perceptron player of ``book/perceptron`` in Jupyter: the page sends its settings,
    the kernel runs :func:`backprop.perceptron.train_perceptron`
    (:func:`~backprop.playground.perceptron.perceptron_run`) and sends the weight history
    as the trait ``run``, which the page plays pattern by pattern. Keyword arguments override
    the default settings (``PerceptronPlayground(gate="AND", eta=0.5)``)."""

    _esm = bundle()
    _css = STATIC / "playground.css"
    spec = traitlets.Dict().tag(sync=True)
    run = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **overrides: Any) -> None:
        super().__init__(spec=perceptron_spec(**overrides))
        self._runs = 0
        self.on_msg(self._on_message)

    def _on_message(self, _widget: object, content: dict, _buffers: list) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        try:
            if kind != "run":
                raise TrainingInputError(f"the page sent a message of unknown type {kind!r}")
            run = perceptron_run(content.get("settings", {}))
        except TrainingInputError as err:
            self.error = f"Not applied: {err}."
            return
        self._runs += 1
        self.error = ""
        self.run = {"n": self._runs, **run, "source": "backprop.perceptron.train_perceptron "
                    "in the kernel"}
