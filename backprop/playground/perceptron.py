"""The perceptron player: one threshold unit learning a logic gate, pattern by pattern.

Used by *Why one layer is not enough* (``book/perceptron``). The front end is the perceptron
player of the playground's front end (``static/perceptron.js``), drawn on a canvas from the
unit's weights: the input plane shaded where the unit fires (:func:`backprop.perceptron.step`,
``net > 0``), its line ``w_1 a_1 + w_2 a_2 + b = 0``, the four patterns, the one just
presented, and the mistakes of every epoch. A run is the weight history of
:func:`backprop.perceptron.train_perceptron` and the cycle :func:`~backprop.perceptron.find_cycle`
finds in it:

* in the static book, :func:`static_perceptron` puts the settings in the page, whose
  JavaScript port of ``train_perceptron`` computes the run (``tests/test_playground_browser.py``
  checks it against NumPy, weight by weight);
* in Jupyter, :class:`~backprop.playground.widget.PerceptronPlayground` computes it in the
  kernel with :func:`perceptron_run` and sends the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..perceptron import GATES, find_cycle, gate_data, train_perceptron
from .spec import PlaygroundSettingsError, mount_html

__all__ = ["PERCEPTRON_DEFAULTS", "PERCEPTRON_GATES", "PERCEPTRON_RANGES", "StaticPerceptron",
           "perceptron_run", "perceptron_spec", "static_perceptron",
           "validate_perceptron_settings"]

#: The gates the player offers (truth tables from :data:`backprop.perceptron.GATES`).
PERCEPTRON_GATES = ("AND", "OR", "NAND", "NOR", "XOR")
#: Every setting of the player, with its default: the chapter's run (XOR from zero weights,
#: learning rate 1, at most 50 epochs), shown at 4 presentations a second.
PERCEPTRON_DEFAULTS: dict[str, Any] = {"gate": "XOR", "eta": 1.0, "w1": 0.0, "w2": 0.0,
                                       "b": 0.0, "epochs": 50, "speed": 4}
#: The allowed range of each numeric setting (the page's controls have the same bounds).
PERCEPTRON_RANGES: dict[str, tuple[float, float]] = {
    "eta": (0.05, 5.0), "w1": (-3.0, 3.0), "w2": (-3.0, 3.0), "b": (-3.0, 3.0),
    "epochs": (1, 100), "speed": (1, 30)}
_WHOLE = ("epochs", "speed")


def validate_perceptron_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting checked; returns the full settings or raises
    :class:`~backprop.playground.spec.PlaygroundSettingsError` listing each unusable one."""
    problems = [f"{k!r} is not a setting (the settings are: {', '.join(PERCEPTRON_DEFAULTS)})"
                for k in sorted(set(settings) - set(PERCEPTRON_DEFAULTS))]
    s = {**PERCEPTRON_DEFAULTS, **{k: v for k, v in settings.items()
                                   if k in PERCEPTRON_DEFAULTS}}
    if s["gate"] not in PERCEPTRON_GATES:
        problems.append(f"gate = {s['gate']!r}: choose one of {', '.join(PERCEPTRON_GATES)}")
    for k, (lo, hi) in PERCEPTRON_RANGES.items():
        v = s[k]
        number = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        whole = number and (k not in _WHOLE or float(v).is_integer())
        if not whole or not np.isfinite(v) or not lo <= v <= hi:
            kind = "a whole number" if k in _WHOLE else "a number"
            problems.append(f"{k} = {v!r}: give {kind} from {lo:g} to {hi:g}")
    if problems:
        raise PlaygroundSettingsError("; ".join(problems))
    return {**s, **{k: float(s[k]) for k in ("eta", "w1", "w2", "b")},
            **{k: int(s[k]) for k in _WHOLE}}


def perceptron_run(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The run the player shows: :func:`~backprop.perceptron.train_perceptron` on the gate
    from the start weights, as plain numbers: ``weights`` (one ``[w_1, w_2, b]`` per
    presentation, the start first), ``mistakes`` per epoch, ``converged``, and, for a run that
    does not converge, ``cycle`` (``[first, period]`` from
    :func:`~backprop.perceptron.find_cycle`, or ``None``)."""
    s = validate_perceptron_settings(settings)
    X, T = gate_data(s["gate"])
    run = train_perceptron(X, T, eta=s["eta"], max_epochs=s["epochs"], w0=(s["w1"], s["w2"]),
                           b0=s["b"])
    # A converged run's last epoch starts where the one before it did: no cycle to report.
    cycle = None if run.converged else find_cycle(run)
    return {"weights": run.weights.tolist(), "mistakes": run.mistakes.tolist(),
            "converged": bool(run.converged),
            "cycle": None if cycle is None else [int(cycle[0]), int(cycle[1])]}


def perceptron_spec(**overrides: Any) -> dict[str, Any]:
    """What the front end needs: its kind, label, default settings, the patterns and the
    truth tables (from :mod:`backprop.perceptron`, so the page and NumPy train on the same)."""
    return {"kind": "perceptron", "page": "perceptron",
            "label": "Perceptron rule player", "defaults": validate_perceptron_settings(overrides),
            "X": gate_data("AND")[0].tolist(),
            "gates": {g: list(GATES[g]) for g in PERCEPTRON_GATES}}


class StaticPerceptron:
    """The static book's mount of the player (``book/perceptron``); in Jupyter it shows a
    note pointing to :class:`~backprop.playground.widget.PerceptronPlayground`."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def _repr_html_(self) -> str:
        return mount_html(self.spec, "perceptron", (
            "runs the perceptron rule. In Jupyter, run the next cell instead: the same "
            "player, with the run computed by this notebook's kernel."))


def static_perceptron(**overrides: Any) -> StaticPerceptron:
    """The player for the static book, with settings overriding :data:`PERCEPTRON_DEFAULTS`."""
    return StaticPerceptron(perceptron_spec(**overrides))
