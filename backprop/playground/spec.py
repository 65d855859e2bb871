"""What a playground shows and trains: its settings, its data, and the page it is on.

Used by the playgrounds of *Training XOR* (``book/training-xor``), *Error landscapes*
(``book/error-landscapes``) and *Beyond XOR* (``book/beyond-xor``). One settings dictionary
(the keys of ``DEFAULTS``, the same names as the JavaScript front end and the page URL's
fragment) describes a run; :func:`training_config` turns it into the book's
:class:`~backprop.training.TrainingConfig` and :func:`make_data` into data from
:mod:`backprop.datasets`. :func:`static_playground` is the static book's mount: an HTML
element holding the settings and the NumPy data, which the page's JavaScript trains.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import datasets
from ..training import TrainingConfig, TrainingInputError

__all__ = ["DEFAULTS", "MAX_EPOCHS", "PORT_EPOCHS", "PORT_TOLERANCE", "PRESETS", "RANGES",
           "PlaygroundSettingsError", "StaticPlayground", "data_key", "make_data", "page_spec",
           "settings_for", "settings_from_fragment", "static_playground", "training_config",
           "validate_settings"]


class PlaygroundSettingsError(TrainingInputError):
    """A playground setting that cannot be used; the message says which and what to use."""


#: Every setting, with the value used when a page does not choose one.
DEFAULTS: dict[str, Any] = {
    "hidden": 2, "layers": 1, "act": "sigmoid", "out": "sigmoid", "eta": 2.0, "mom": 0.0,
    "scale": 1.0, "seed": 0, "upd": "batch", "data": "xor", "noise": 0.15, "n": 200,
    "test": 0.3, "dseed": 0, "speed": 5, "plane": "random", "pseed": 0, "w1": 0, "w2": 6,
}

#: A run stops here (the page says so), so a forgotten playground does not train forever.
MAX_EPOCHS = 100_000
#: The JavaScript port must match backprop.training after this many epochs, to this relative
#: tolerance (tests/test_playground_browser.py; the chapter book/training-xor states both).
PORT_EPOCHS = 1000
PORT_TOLERANCE = 1e-9

_CHOICES = {"act": ("sigmoid", "tanh", "relu"), "out": ("sigmoid", "identity"),
            "upd": ("batch", "online"),
            "data": ("xor", "noisy-xor", "circles", "moons", "spirals", "blobs"),
            "plane": ("random", "weights")}
_WHOLE = {"layers": (1, 3), "hidden": (1, 8), "n": (20, 1000), "speed": (1, 50),
          "seed": (0, 2**32 - 1), "dseed": (0, 2**32 - 1), "pseed": (0, 2**32 - 1)}
_NUMBER = {"eta": (1e-3, 10.0), "mom": (0.0, 0.99), "scale": (0.05, 5.0), "noise": (0.0, 1.0),
           "test": (0.0, 0.5)}
#: The allowed range of every numeric setting (the page's controls have the same bounds).
RANGES: dict[str, tuple[float, float]] = {**_WHOLE, **_NUMBER}
_DATA_KEYS = ("data", "n", "noise", "test", "dseed")
_GENERATORS = {"noisy-xor": datasets.noisy_xor, "circles": datasets.circles,
               "moons": datasets.moons, "spirals": datasets.spirals, "blobs": datasets.blobs}

_ALL_CONTROLS = ["layers", "hidden", "act", "out", "scale", "seed", "eta", "mom", "upd", "speed",
                 "data", "noise", "n", "test", "dseed", "plane", "pseed", "w1", "w2"]


@dataclass(frozen=True)
class Preset:
    """A page's playground: its label, its default settings, its panels and controls."""

    label: str
    defaults: Mapping[str, Any]
    panels: tuple[str, ...]
    controls: tuple[str, ...]


PRESETS: dict[str, Preset] = {
    "training-xor": Preset(
        "Training XOR playground", {"data": "xor", "eta": 2.0, "seed": 0},
        ("boundary", "network", "errors", "landscape"), tuple(_ALL_CONTROLS)),
    "error-landscapes": Preset(
        "Error landscape playground",
        {"data": "xor", "eta": 2.0, "seed": 0, "plane": "weights", "w1": 0, "w2": 6},
        ("landscape", "boundary", "errors"),
        ("hidden", "act", "scale", "seed", "eta", "mom", "upd", "speed", "plane", "pseed",
         "w1", "w2")),
    "beyond-xor": Preset(
        "Beyond XOR playground",
        {"data": "spirals", "n": 300, "noise": 0.03, "test": 0.3, "dseed": 7, "layers": 2,
         "hidden": 8, "act": "tanh", "eta": 0.03, "mom": 0.9, "speed": 2},
        ("boundary", "network", "errors", "landscape"), tuple(_ALL_CONTROLS)),
}


def validate_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting checked; returns a full settings dict or raises
    :class:`PlaygroundSettingsError` listing every unusable one and what would do."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    problems = [f"{k!r} is not a setting (the settings are: {', '.join(DEFAULTS)})"
                for k in unknown]
    s = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    for k, (lo, hi) in _WHOLE.items():
        v = s[k]
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
            problems.append(f"{k} = {v!r}: give a whole number from {lo} to {hi}")
    for k, (lo, hi) in _NUMBER.items():
        v = s[k]
        ok = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        if not ok or not np.isfinite(v) or not lo <= v <= hi:
            problems.append(f"{k} = {v!r}: give a number from {lo:g} to {hi:g}")
    for k, options in _CHOICES.items():
        if s[k] not in options:
            problems.append(f"{k} = {s[k]!r}: choose one of {', '.join(options)}")
    if not problems:
        n_params = sum(a * b + a for a, b in zip(_sizes(s)[1:], _sizes(s)[:-1]))
        for k in ("w1", "w2"):
            if isinstance(s[k], bool) or not isinstance(s[k], (int, np.integer)) \
                    or not 0 <= s[k] < n_params:
                problems.append(f"{k} = {s[k]!r}: give a parameter index from 0 to "
                                f"{n_params - 1}")
        if s["plane"] == "weights" and s["w1"] == s["w2"]:
            problems.append("w1 and w2 are the same parameter: the landscape's plane needs two "
                            "different weights")
    if problems:
        raise PlaygroundSettingsError("; ".join(problems))
    for k in _NUMBER:
        s[k] = float(s[k])
    for k in (*_WHOLE, "w1", "w2"):
        s[k] = int(s[k])
    return s


def _sizes(s: Mapping[str, Any]) -> list[int]:
    return [2, *[int(s["hidden"])] * int(s["layers"]), 1]


def settings_for(page: str, **overrides: Any) -> dict[str, Any]:
    """The settings of ``page``'s playground (a key of :data:`PRESETS`), with overrides."""
    if page not in PRESETS:
        raise PlaygroundSettingsError(f"no playground for page {page!r}; the pages are: "
                                      f"{', '.join(PRESETS)}")
    return validate_settings({**PRESETS[page].defaults, **overrides})


def settings_from_fragment(fragment: str, page: str) -> dict[str, Any]:
    """The settings a link such as ``#pg:seed=11&eta=0.5`` gives ``page``'s playground (the
    front end reads the same form from the page's address); an unusable link raises
    :class:`PlaygroundSettingsError`, so a chapter can check the links it prints."""
    if not fragment.startswith("#pg:"):
        raise PlaygroundSettingsError(f"{fragment!r} is not a playground link: it must start "
                                      "with '#pg:', as in '#pg:seed=11'")
    changes: dict[str, Any] = {}
    for part in filter(None, fragment[4:].split("&")):
        key, _, text = part.partition("=")
        if key not in DEFAULTS:
            raise PlaygroundSettingsError(f"{fragment!r}: {key!r} is not a setting")
        kind = type(DEFAULTS[key])
        try:
            changes[key] = text if kind is str else kind(text) if kind is int else float(text)
        except ValueError:
            raise PlaygroundSettingsError(f"{fragment!r}: {key}={text!r} is not a "
                                          f"{kind.__name__}") from None
    return settings_for(page, **changes)


def training_config(settings: Mapping[str, Any]) -> TrainingConfig:
    """The book's :class:`~backprop.training.TrainingConfig` for playground settings."""
    s = validate_settings(settings)
    return TrainingConfig(hidden=(s["hidden"],) * s["layers"], activation=s["act"],
                          eta=s["eta"], momentum=s["mom"], weight_scale=s["scale"],
                          seed=s["seed"], mode=s["upd"], output=s["out"]).validate()


def make_data(settings: Mapping[str, Any]) -> dict[str, list[float]]:
    """Training and test data for the settings, from :mod:`backprop.datasets` with
    ``default_rng(dseed)``: flat lists ``X`` (x1, x2 pairs), ``T``, ``Xt``, ``Tt``. XOR is
    its four points with no test set."""
    s = validate_settings(settings)
    if s["data"] == "xor":
        X, T = datasets.xor()
        Xt, Tt = np.zeros((0, 2)), np.zeros((0, 1))
    else:
        rng = np.random.default_rng(s["dseed"])
        X, T = _GENERATORS[s["data"]](s["n"], rng, noise=s["noise"])
        if s["test"] > 0:
            X, T, Xt, Tt = datasets.train_test_split(X, T, s["test"], rng)
        else:
            Xt, Tt = np.zeros((0, 2)), np.zeros((0, 1))
    return {"X": X.ravel().tolist(), "T": T.ravel().tolist(), "Xt": Xt.ravel().tolist(),
            "Tt": Tt.ravel().tolist()}


def data_key(settings: Mapping[str, Any]) -> list[Any]:
    """What identifies a data set (XOR ignores everything but its name); the JavaScript
    front end computes the same key to find the data it was given."""
    return [settings[k] if settings["data"] != "xor" or k == "data" else None
            for k in _DATA_KEYS]


def page_spec(page: str, **overrides: Any) -> dict[str, Any]:
    """What the front end needs: label, panels, controls, default settings, and the NumPy
    data for the default settings (``book/training-xor`` and the other playground pages)."""
    s = settings_for(page, **overrides)
    preset = PRESETS[page]
    return {"page": page, "label": preset.label, "panels": list(preset.panels),
            "controls": list(preset.controls), "defaults": s,
            "data": [{"key": data_key(s), **make_data(s)}]}


class StaticPlayground:
    """The static book's mount: shows as HTML that ``book/_ext/playground_assets.py``'s script
    turns into the playground. In Jupyter no script runs, so it shows a note pointing to the
    kernel-driven :class:`~backprop.playground.Playground` instead."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def _repr_html_(self) -> str:
        return mount_html(self.spec, self.spec["page"], (
            "trains the network. In Jupyter, run the next cell instead: the same playground, "
            "trained by this notebook's kernel."))


def mount_html(spec: dict[str, Any], page: str, fallback: str) -> str:
    """The element the page's script mounts a player on: ``spec`` as JSON, and a note for
    where no script runs (Jupyter) that ends with ``fallback``."""
    # "</" cannot appear inside a <script> element; JSON allows "<\/" for it.
    payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    return (f'<div class="bp-playground" data-bp-page="{html.escape(page)}">'
            f'<script type="application/json" class="bp-spec">{payload}</script>'
            f'<p class="bp-fallback">{html.escape(spec["label"])}: it runs in the HTML book, '
            f"where your browser {fallback}</p></div>")


def static_playground(page: str, **overrides: Any) -> StaticPlayground:
    """The playground of ``page`` for the static book (see :class:`StaticPlayground`)."""
    return StaticPlayground(page_spec(page, **overrides))
