"""The book's playground: one browser front end, trained by the page or by the kernel.

Used by *Training XOR* (``book/training-xor``), *Error landscapes* (``book/error-landscapes``)
and *Beyond XOR* (``book/beyond-xor``). The front end is ``static/playground.js`` (with
``static/playground.css``), an ES module that imports the others in ``static/`` (its header
lists them) and draws everything from numbers on canvases:

* in the static book, :func:`static_playground` puts the settings and the NumPy data in the
  page and ``book/_ext/playground_assets.py`` loads the module, which trains with its
  JavaScript port of :class:`~backprop.network.Network` (same seed, same initial weights);
* in Jupyter, :class:`Playground` (an ``anywidget``) trains with
  :func:`backprop.training.train_epochs` and sends the page only weights and errors.

*Why one layer is not enough* (``book/perceptron``) uses the same front end's perceptron player
(``static/perceptron.js``): :func:`static_perceptron` in the book, :class:`PerceptronPlayground`
in Jupyter (:mod:`backprop.playground.perceptron`).
"""

from __future__ import annotations

from pathlib import Path

from .perceptron import perceptron_run, static_perceptron
from .spec import (
    DEFAULTS,
    PRESETS,
    PlaygroundSettingsError,
    StaticPlayground,
    make_data,
    page_spec,
    settings_for,
    static_playground,
    training_config,
    validate_settings,
)

#: The folder holding the front end's modules and playground.css (package data).
STATIC = Path(__file__).with_name("static")

__all__ = ["DEFAULTS", "PRESETS", "STATIC", "PerceptronPlayground", "Playground",
           "PlaygroundSettingsError", "StaticPlayground", "make_data", "page_spec",
           "perceptron_run", "settings_for", "static_perceptron", "static_playground",
           "training_config", "validate_settings"]


def __getattr__(name: str) -> object:
    # The widget needs anywidget; the static book's build does not, so import it on demand.
    if name in ("Playground", "PerceptronPlayground"):
        from . import widget

        return getattr(widget, name)
    raise AttributeError(f"module 'backprop.playground' has no attribute {name!r}")
