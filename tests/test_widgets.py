"""backprop.widgets: each dashboard builds, every control changes what is drawn, stepping
trains, a diverging run stops with a message, and bad values give a message, not an error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop.training import TrainingConfig  # noqa: E402
from backprop.widgets import LandscapeExplorer, XorDashboard  # noqa: E402


@pytest.fixture
def dash():
    return XorDashboard(grid=40)


def _trained_png(d: XorDashboard, steps: int = 3) -> bytes:
    for _ in range(steps):
        d.step()
    return d.image.value


def test_dashboard_builds_and_steps(dash):
    assert dash.image.value[:4] == b"\x89PNG"
    before = dash.image.value
    dash.step_button.click()
    assert dash.state.epoch == dash.epochs_per_frame.value
    assert dash.image.value != before


def test_play_ticks_train(dash):
    dash.epochs_per_frame.value = 5
    for tick in range(1, 4):
        dash.play.value = tick
    assert dash.state.epoch == 15
    np.testing.assert_allclose(dash.figure.curve.get_ydata()[:-1], dash.state.error_history)


@pytest.mark.parametrize("control,value", [
    ("hidden", 5), ("layers", 2), ("activation", "tanh"), ("activation", "relu"),
    ("output", "identity"), ("eta", 0.1),
    ("momentum", 0.9), ("weight_scale", 3.0), ("seed", 7), ("mode", "online"),
    ("data", "noisy XOR (80 points)"),
])
def test_every_setting_changes_the_run_and_the_picture(dash, control, value):
    reference = _trained_png(dash)
    ref_error = dash.state.error_history.copy()
    getattr(dash, control).value = value
    assert dash.state.epoch == 0  # a new setting resets the run
    changed = _trained_png(dash)
    assert changed != reference
    assert not np.array_equal(dash.state.error_history, ref_error)


def test_reset_returns_to_epoch_zero_with_the_same_weights(dash):
    start = dash.state.net.parameters()
    _trained_png(dash)
    dash.reset_button.click()
    assert dash.state.epoch == 0
    np.testing.assert_array_equal(dash.state.net.parameters(), start)


def test_diverging_run_stops_and_says_so():
    d = XorDashboard(TrainingConfig(eta=5.0, output="identity"), grid=30)
    d.play.playing = True
    for tick in range(1, 60):
        d.play.value = tick
    assert d.state.status == "diverged"
    assert d.play.playing is False
    assert "diverged" in d.message.value
    epoch = d.state.epoch
    d.step()  # further steps do nothing and raise nothing
    assert d.state.epoch == epoch


def test_bad_values_give_a_message_not_an_exception(dash):
    dash.seed.value = -4
    assert "seed" in dash.message.value and "Cannot start" in dash.message.value
    dash.step()  # nothing to train, nothing raised
    dash.seed.value = 2
    assert "Ready" in dash.message.value
    dash.eta.value = 1e6  # sliders clamp out-of-range values to their range
    assert dash.eta.value <= 10


def test_landscape_explorer_controls_change_the_figure():
    ex = LandscapeExplorer(epochs=200, resolution=11)
    assert "Trained" in ex.message.value
    seen = {bytes(ex.image.value)}
    for control, value in [("snapshot", 3), ("azim", 30), ("direction_seed", 3),
                           ("plane", "two chosen weights"), ("first", 2), ("second", 7),
                           ("seed", 4),
                           ("eta", 0.5), ("epochs", 300), ("resolution", 15)]:
        getattr(ex, control).value = value
        assert bytes(ex.image.value) not in seen, f"changing {control} did not change the figure"
        seen.add(bytes(ex.image.value))


def test_landscape_explorer_bad_values_give_a_message():
    ex = LandscapeExplorer(epochs=100, resolution=11)
    ex.plane.value = "two chosen weights"
    ex.second.value = ex.first.value
    assert "two different" in ex.message.value
    ex.direction_seed.value = -1
    assert "direction seed" in ex.message.value or "two different" in ex.message.value
    ex.seed.value = -2
    assert "seed" in ex.message.value


def test_dashboard_takes_other_data_sets():
    from backprop.datasets import moons

    data = {"moons": moons(60, np.random.default_rng(0))}
    d = XorDashboard(TrainingConfig(hidden=6, eta=0.05), grid=30, datasets=data)
    assert d.figure.extent[0] < -1  # the view follows the data, not XOR's unit square
    before = d.image.value
    d.step()
    assert d.image.value != before
    with pytest.raises(ValueError, match="datasets is empty"):
        XorDashboard(datasets={})
