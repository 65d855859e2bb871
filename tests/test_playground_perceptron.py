"""backprop.playground.perceptron: the perceptron player's settings, runs, static mount and
Jupyter widget (book/perceptron); its JavaScript port is compared with NumPy in
tests/test_playground_browser.py."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from backprop.perceptron import find_cycle, gate_data, train_perceptron
from backprop.playground import PerceptronPlayground, PlaygroundSettingsError
from backprop.playground.perceptron import (
    PERCEPTRON_DEFAULTS,
    PERCEPTRON_GATES,
    perceptron_run,
    perceptron_spec,
    static_perceptron,
    validate_perceptron_settings,
)


@pytest.mark.parametrize("gate", PERCEPTRON_GATES)
def test_run_is_train_perceptron_and_its_cycle(gate: str) -> None:
    run = perceptron_run({"gate": gate, "eta": 0.5, "w1": 1.0, "b": -0.25})
    X, T = gate_data(gate)
    ref = train_perceptron(X, T, eta=0.5, max_epochs=50, w0=(1.0, 0.0), b0=-0.25)
    assert np.array_equal(run["weights"], ref.weights)
    assert run["mistakes"] == ref.mistakes.tolist() and run["converged"] == ref.converged
    assert run["converged"] == (gate != "XOR")  # XOR is the one that is not separable
    assert run["cycle"] == (None if ref.converged else list(find_cycle(ref)))
    json.dumps(run, allow_nan=False)


def test_defaults_are_the_chapters_run() -> None:
    run = perceptron_run({})
    X, T = gate_data("XOR")
    assert np.array_equal(run["weights"], train_perceptron(X, T, eta=1.0, max_epochs=50).weights)
    assert run["cycle"] is not None and not run["converged"]


@pytest.mark.parametrize("bad, words", [
    ({"gate": "XNOR"}, "gate = 'XNOR': choose one of AND, OR, NAND, NOR, XOR"),
    ({"eta": 0.0}, "eta = 0.0: give a number from 0.05 to 5"),
    ({"w1": float("inf")}, "w1 = inf"),
    ({"epochs": 2.5}, "epochs = 2.5: give a whole number from 1 to 100"),
    ({"speed": True}, "speed = True"),
    ({"colour": 1}, "'colour' is not a setting"),
])
def test_unusable_settings_are_refused_with_what_to_do(bad: dict, words: str) -> None:
    with pytest.raises(PlaygroundSettingsError, match=re.escape(words)):
        validate_perceptron_settings(bad)


def test_static_mount_carries_the_patterns_and_truth_tables() -> None:
    html = static_perceptron(gate="AND")._repr_html_()
    assert html.startswith('<div class="bp-playground" data-bp-page="perceptron">')
    spec = json.loads(re.search(r'class="bp-spec">(.*?)</script>', html, re.S).group(1))
    assert spec["kind"] == "perceptron" and spec["defaults"]["gate"] == "AND"
    assert spec["X"] == gate_data("AND")[0].tolist()
    assert spec["gates"]["NOR"] == gate_data("NOR")[1][:, 0].tolist()
    assert set(spec["defaults"]) == set(PERCEPTRON_DEFAULTS)
    assert "In Jupyter, run the next cell" in html


def test_widget_computes_runs_in_the_kernel() -> None:
    pg = PerceptronPlayground(gate="OR")
    assert pg.spec == perceptron_spec(gate="OR")
    runs = []
    pg.observe(lambda change: runs.append(change["new"]["n"]), names="run")
    for _ in range(2):
        pg._on_message(pg, {"type": "run", "settings": pg.spec["defaults"]}, [])
    assert runs == [1, 2] and pg.run["converged"] and "in the kernel" in pg.run["source"]
    assert pg.run["weights"] == perceptron_run({"gate": "OR"})["weights"]
    pg._on_message(pg, {"type": "run", "settings": {"eta": -1}}, [])
    assert pg.error.startswith("Not applied: eta = -1")
    pg._on_message(pg, {"type": "train"}, [])
    assert "unknown type 'train'" in pg.error
