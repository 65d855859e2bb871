"""The playground's Python side: settings, data, the static mount and the Jupyter widget.

The widget is driven as the page drives it, through the messages its front end sends
(``backprop/playground/widget.py``), and the frames it answers with are checked against
``backprop.training`` run directly.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from backprop.datasets import xor
from backprop.playground import (
    PRESETS,
    STATIC,
    Playground,
    PlaygroundSettingsError,
    make_data,
    page_spec,
    settings_for,
    static_playground,
    training_config,
    validate_settings,
)
from backprop.training import TrainingConfig, make_state, train_epochs


# ------------------------------------------------------------------ settings
def test_presets_are_valid_and_map_to_training_configs() -> None:
    for page in PRESETS:
        s = settings_for(page)
        cfg = training_config(s)
        assert cfg.hidden_sizes() == (s["hidden"],) * s["layers"]
        assert (cfg.eta, cfg.momentum, cfg.seed, cfg.mode) == (s["eta"], s["mom"], s["seed"],
                                                                s["upd"])
    assert training_config(settings_for("beyond-xor")).activation == "tanh"


@pytest.mark.parametrize("bad, words", [
    ({"eta": 0.0}, "eta = 0.0: give a number from 0.001 to 10"),
    ({"eta": float("nan")}, "eta = nan"),
    ({"hidden": 9}, "hidden = 9: give a whole number from 1 to 8"),
    ({"layers": 1.5}, "layers = 1.5"),
    ({"seed": -1}, "seed = -1"),
    ({"seed": True}, "seed = True"),
    ({"act": "softsign"}, "act = 'softsign': choose one of sigmoid, tanh, relu"),
    ({"data": "iris"}, "data = 'iris'"),
    ({"plane": "weights", "w1": 3, "w2": 3}, "the same parameter"),
    ({"w2": 9}, "w2 = 9: give a parameter index from 0 to 8"),
    ({"colour": "red"}, "'colour' is not a setting"),
])
def test_unusable_settings_are_refused_with_what_to_do(bad: dict, words: str) -> None:
    with pytest.raises(PlaygroundSettingsError, match=re.escape(words)):
        validate_settings(bad)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(PlaygroundSettingsError) as info:
        validate_settings({"eta": -1, "mom": 1.5})
    assert "eta = -1" in str(info.value) and "mom = 1.5" in str(info.value)


def test_unknown_page_lists_the_pages() -> None:
    with pytest.raises(PlaygroundSettingsError, match="training-xor, error-landscapes"):
        settings_for("backprop")


# ------------------------------------------------------------------ data
def test_xor_data_is_the_four_points_without_a_test_set() -> None:
    d = make_data(settings_for("training-xor"))
    X, T = xor()
    assert d["X"] == X.ravel().tolist() and d["T"] == T.ravel().tolist()
    assert d["Xt"] == [] and d["Tt"] == []


def test_data_is_reproducible_and_split() -> None:
    s = settings_for("beyond-xor", data="circles", n=100, test=0.3, dseed=4)
    a, b = make_data(s), make_data(s)
    assert a == b
    assert len(a["T"]) == 70 and len(a["Tt"]) == 30
    assert len(a["X"]) == 2 * 70 and set(a["T"]) <= {0.0, 1.0}
    assert make_data({**s, "dseed": 5})["X"] != a["X"]


# ------------------------------------------------------------------ static mount
def test_static_mount_carries_the_spec_and_a_fallback() -> None:
    html = static_playground("training-xor", eta=0.5)._repr_html_()
    assert html.startswith('<div class="bp-playground" data-bp-page="training-xor">')
    payload = re.search(r'<script type="application/json" class="bp-spec">(.*?)</script>',
                        html, re.S).group(1)
    spec = json.loads(payload)
    assert spec["defaults"]["eta"] == 0.5
    assert spec["data"][0]["key"] == ["xor", None, None, None, None]
    assert "In Jupyter, run the next cell" in html
    assert "widget" not in html  # no widget state or view, only the mount


def test_static_mount_cannot_close_its_script_early() -> None:
    spec = page_spec("training-xor")
    spec["label"] = "a </script><script>alert(1)</script> label"
    from backprop.playground import StaticPlayground

    html = StaticPlayground(spec)._repr_html_()
    assert html.count("</script>") == 1
    assert "&lt;/script&gt;" in html  # the label in the fallback text is escaped too


def test_front_end_files_are_package_data() -> None:
    js = (STATIC / "playground.js").read_text()
    assert "export function mountAll" in js and "export default { render }" in js
    assert "// --- backward pass: begin" in js and "// --- backward pass: end" in js
    assert (STATIC / "playground.css").read_text().count("--bp-fg") >= 2  # light and dark


# ------------------------------------------------------------------ the widget
def _message(pg: Playground, content: dict) -> None:
    pg._on_message(pg, content, [])


def test_widget_resets_and_trains_with_backprop_training() -> None:
    pg = Playground("training-xor", eta=1.5, seed=3)
    _message(pg, {"type": "reset", "settings": pg.settings})
    X, T = xor()
    reference = make_state(TrainingConfig(eta=1.5, seed=3), X, T)
    assert np.array_equal(pg.run["theta"], reference.net.parameters())
    assert pg.run["sizes"] == [2, 2, 1] and pg.run["functions"] == ["sigmoid", "sigmoid"]
    for _ in range(4):
        _message(pg, {"type": "train", "epochs": 5})
    train_epochs(reference, 20)
    assert pg.frame["epoch"] == 20
    assert np.array_equal(pg.frame["theta"], reference.net.parameters())
    assert pg.frame["train"] == pytest.approx(float(reference.current_error()) / 4)
    assert pg.frame["test"] is None  # XOR has no test set
    assert pg.frame["ms"] >= 0 and pg.error == ""


def test_widget_changes_learning_rate_without_restarting() -> None:
    pg = Playground("training-xor")
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "train", "epochs": 10})
    _message(pg, {"type": "live", "settings": {**pg.settings, "eta": 0.25, "mom": 0.5}})
    assert pg.state.epoch == 10 and pg.state.eta == 0.25 and pg.state.momentum == 0.5
    _message(pg, {"type": "train", "epochs": 1})
    assert pg.frame["epoch"] == 11


def test_widget_reports_test_error_on_split_data() -> None:
    pg = Playground("beyond-xor", data="moons", n=60, test=0.5)
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "train", "epochs": 2})
    assert len(pg.run["data"]["Tt"]) == 30
    assert pg.frame["test"] > 0


def test_widget_reports_divergence_without_nan_in_json() -> None:
    pg = Playground("training-xor", out="identity", eta=10.0, scale=5.0)
    _message(pg, {"type": "reset", "settings": pg.settings})
    for _ in range(40):
        _message(pg, {"type": "train", "epochs": 50})
        if pg.frame["status"] == "diverged":
            break
    assert pg.frame["status"] == "diverged"
    assert pg.frame["theta"] is None and pg.frame["train"] is None
    json.dumps(pg.frame, allow_nan=False)  # what the page receives must be valid JSON


def test_widget_refuses_bad_settings_and_messages_with_a_message() -> None:
    pg = Playground("training-xor")
    _message(pg, {"type": "reset", "settings": {**pg.settings, "hidden": 0}})
    assert pg.error.startswith("Not applied: hidden = 0") and pg.state is None
    _message(pg, {"type": "train", "epochs": 5})
    assert "nothing to train yet" in pg.error
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "train", "epochs": 500})
    assert "epochs per frame = 500" in pg.error
    _message(pg, {"type": "dance"})
    assert "unknown type 'dance'" in pg.error


def test_widget_reset_with_same_settings_still_notifies_the_page() -> None:
    pg = Playground("training-xor")
    runs = []
    pg.observe(lambda change: runs.append(change["new"]["n"]), names="run")
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "reset", "settings": pg.settings})
    assert runs == [1, 2]
