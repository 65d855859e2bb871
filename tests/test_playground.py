"""The playground's Python side: settings, data, the static mount and the Jupyter widget.

The widget is driven as the page drives it, through the messages its front end sends
(``backprop/playground/widget.py``), and the frames it answers with are checked against
``backprop.training`` run directly.
"""

from __future__ import annotations

import json
import re
import threading
import time

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
from backprop.playground.widget import MAX_FPS, WINDOW
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
    port = (STATIC / "network.js").read_text()  # shown beside the NumPy one in Training XOR
    assert "// --- backward pass: begin" in port and "// --- backward pass: end" in port
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
    assert pg.last_frame["epoch"] == 20
    assert np.array_equal(pg.last_frame["theta"], reference.net.parameters())
    assert pg.last_frame["train"] == pytest.approx(float(reference.current_error()) / 4)
    assert pg.last_frame["test"] is None  # XOR has no test set
    assert pg.last_frame["ms"] >= 0 and pg.error == ""


def test_widget_changes_learning_rate_without_restarting() -> None:
    pg = Playground("training-xor")
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "train", "epochs": 10})
    _message(pg, {"type": "live", "settings": {**pg.settings, "eta": 0.25, "mom": 0.5}})
    assert pg.state.epoch == 10 and pg.state.eta == 0.25 and pg.state.momentum == 0.5
    _message(pg, {"type": "train", "epochs": 1})
    assert pg.last_frame["epoch"] == 11


def test_widget_reports_test_error_on_split_data() -> None:
    pg = Playground("beyond-xor", data="moons", n=60, test=0.5)
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "train", "epochs": 2})
    assert len(pg.run["data"]["Tt"]) == 30
    assert pg.last_frame["test"] > 0


def _recording(pg: Playground) -> list[tuple[dict, list[bytes]]]:
    """What the widget sends the page, message by message (content, buffers)."""
    sent: list[tuple[dict, list[bytes]]] = []
    pg.send = lambda content, buffers=None: sent.append((content, list(buffers or [])))
    return sent


def test_widget_reports_divergence_without_nan_in_json() -> None:
    pg = Playground("training-xor", out="identity", eta=10.0, scale=5.0)
    sent = _recording(pg)
    _message(pg, {"type": "reset", "settings": pg.settings})
    for _ in range(40):
        _message(pg, {"type": "train", "epochs": 50})
        if pg.last_frame["status"] == "diverged":
            break
    assert pg.last_frame["status"] == "diverged"
    assert pg.last_frame["theta"] is None and pg.last_frame["train"] is None
    content, buffers = sent[-1]
    json.dumps(content, allow_nan=False)  # what the page receives must be valid JSON
    assert content["status"] == "diverged" and buffers == []  # no parameters to draw


def test_frame_sends_the_parameters_as_little_endian_float64() -> None:
    pg = Playground("beyond-xor", layers=2, hidden=3, n=40)
    sent = _recording(pg)
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "train", "epochs": 3})
    content, buffers = sent[-1]
    assert content["type"] == "frame" and content["run"] == 1 and content["seq"] == 1
    assert content["epoch"] == 3 and "theta" not in content
    assert np.array_equal(np.frombuffer(buffers[0], dtype="<f8"), pg.state.net.parameters())


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


# ------------------------------------------------------------------ the kernel pushing frames
def _until(condition, what: str, timeout: float = 20.0) -> None:
    # Waits for the widget's thread; the timeout only bounds a broken run, it measures nothing.
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.005)


def _playing(page: str = "training-xor", **overrides) -> tuple[Playground, list]:
    pg = Playground(page, **overrides)
    sent = _recording(pg)
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "play", "fps": MAX_FPS})
    return pg, sent


def test_play_pushes_consecutive_frames_of_backprop_training_until_paused() -> None:
    pg, sent = _playing(speed=3)
    _until(lambda: len(sent) >= 10, "ten frames arrived unasked")
    _message(pg, {"type": "pause"})
    n = len(sent)
    time.sleep(0.1)
    assert len(sent) == n and not pg.playing  # nothing after the pause
    assert [c["seq"] for c, _ in sent] == list(range(1, n + 1))
    assert [c["epoch"] for c, _ in sent] == [3 * k for k in range(1, n + 1)]
    X, T = xor()
    reference = make_state(training_config(pg.settings), X, T)
    train_epochs(reference, 3 * n)
    assert np.array_equal(np.frombuffer(sent[-1][1][0], "<f8"), reference.net.parameters())


def test_kernel_never_runs_more_than_a_window_ahead_of_the_page() -> None:
    pg, sent = _playing()
    _until(lambda: len(sent) >= WINDOW, "a window of frames was sent")
    time.sleep(0.2)
    assert len(sent) == WINDOW and pg.playing  # waiting for the page, not stopped
    _message(pg, {"type": "ack", "run": 1, "seq": 5})
    _until(lambda: len(sent) >= WINDOW + 5, "the acknowledged frames were replaced")
    time.sleep(0.2)
    assert len(sent) == WINDOW + 5
    # An acknowledgement of an earlier run, or of frames never sent, frees nothing.
    _message(pg, {"type": "ack", "run": 0, "seq": 100})
    _message(pg, {"type": "ack", "run": 1, "seq": 10**6})
    _until(lambda: len(sent) >= 2 * WINDOW + 5, "the whole window was acknowledged")
    time.sleep(0.2)
    assert len(sent) == 2 * WINDOW + 5
    pg.pause()


def test_a_page_that_stops_acknowledging_stops_the_run() -> None:
    pg = Playground("training-xor")
    pg.ack_timeout = 0.3
    _recording(pg)
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "play", "fps": MAX_FPS})
    _until(lambda: not pg.playing, "the kernel gave up on a silent page")
    assert pg.last_frame["seq"] == WINDOW and pg.error == ""
    _message(pg, {"type": "play", "fps": 60})  # the page, back, asks again
    assert pg.playing
    pg.pause()


def test_live_settings_and_reset_while_playing() -> None:
    pg, sent = _playing(speed=2)
    _until(lambda: len(sent) >= 3, "frames")
    _message(pg, {"type": "live", "settings": {**pg.settings, "eta": 0.5, "speed": 7}})
    with pg.lock:
        assert pg.state.eta == 0.5
        before = pg.last_frame["epoch"]
    _until(lambda: pg.last_frame["epoch"] >= before + 14, "frames of the new speed")
    epochs = [c["epoch"] for c, _ in sent]
    assert {b - a for a, b in zip(epochs, epochs[1:])} == {2, 7}
    _message(pg, {"type": "reset", "settings": pg.settings})
    assert not pg.playing and pg.run["n"] == 2 and pg.state.epoch == 0


def test_messages_from_other_threads_keep_frames_consistent() -> None:
    # JupyterLab may deliver the page's messages on a kernel subshell's thread.
    pg, sent = _playing()
    _until(lambda: len(sent) >= 3, "frames")

    def chatter() -> None:
        for k in range(200):
            _message(pg, {"type": "live", "settings": {**pg.settings, "eta": 1 + k % 3}})
            _message(pg, {"type": "ack", "run": 1, "seq": len(sent)})

    threads = [threading.Thread(target=chatter) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pg.pause()
    epochs = [c["epoch"] for c, _ in sent]
    assert epochs == [5 * k for k in range(1, len(epochs) + 1)] and pg.error == ""


def test_a_diverging_run_stops_pushing() -> None:
    pg, sent = _playing(out="identity", eta=10.0, scale=5.0, speed=50)
    _until(lambda: not pg.playing, "the diverged run stopped")
    assert sent[-1][0]["status"] == "diverged" and sent[-1][1] == []


def test_a_failure_in_the_kernel_is_shown_in_the_page(monkeypatch) -> None:
    from backprop.playground import widget

    def broken(state, epochs):
        raise FloatingPointError("the weights went wrong")

    pg = Playground("training-xor")
    _recording(pg)
    _message(pg, {"type": "reset", "settings": pg.settings})
    monkeypatch.setattr(widget, "train_epochs", broken)
    _message(pg, {"type": "play", "fps": 60})
    _until(lambda: not pg.playing, "the failed run stopped")
    assert pg.error == ("Training stopped in the kernel: FloatingPointError: the weights "
                        "went wrong")


def test_play_refuses_what_it_cannot_do() -> None:
    pg = Playground("training-xor")
    _message(pg, {"type": "play", "fps": 60})
    assert "nothing to train yet" in pg.error and not pg.playing
    _message(pg, {"type": "reset", "settings": pg.settings})
    _message(pg, {"type": "play", "fps": 0})
    assert pg.error.startswith("Not applied: frames a second = 0") and not pg.playing
