"""backprop.plotting.players: the dashboards' figures redraw what the network and the run
say, and the kernel-free players are self-contained. (The module and these tests go when
the browser playground replaces the players.)"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop.datasets import xor  # noqa: E402
from backprop.perceptron import gate_data  # noqa: E402
from backprop.plotting.players import (  # noqa: E402
    LandscapeFigure,
    TrainingFigure,
    perceptron_animation_html,
    player_html,
    training_animation,
)
from backprop.training import (  # noqa: E402
    TrainingConfig,
    landscape_for_run,
    make_state,
    record_run,
    train_epochs,
)

X, T = xor()


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_training_figure_update_changes_the_pixels_and_the_artists():
    fig = TrainingFigure(X, T, n=60)
    state = make_state(TrainingConfig(hidden=2, eta=2.0), X, T)
    fig.update(state.net, state.error_history, state.epoch, state.status)
    first_png, first_image = fig.png(), np.array(fig.image.get_array())
    train_epochs(state, 300)
    fig.update(state.net, state.error_history, state.epoch, state.status)
    second_png = fig.png()
    assert first_png != second_png
    assert not np.allclose(first_image, fig.image.get_array())
    np.testing.assert_allclose(fig.curve.get_ydata(), state.error_history)
    assert "epoch 300" in fig.title.get_text()
    assert fig.hidden[2].get_xydata().size == 0  # only two hidden units are drawn


def test_training_figure_says_diverged():
    fig = TrainingFigure(X, T, n=30)
    state = make_state(TrainingConfig(eta=5.0, output="identity"), X, T)
    train_epochs(state, 1000)
    fig.update(state.net, state.error_history, state.epoch, state.status)
    assert "DIVERGED" in fig.title.get_text()
    fig.png()  # huge errors must not break the log axis


def test_landscape_figure_marks_the_snapshot():
    run = record_run(TrainingConfig(eta=2.0), X, T, 400, snapshots=10)
    land, uv, uv_err = landscape_for_run(run, X, T, (0, 6), n=15)
    figure = LandscapeFigure(X, T)
    figure.update(land, uv, uv_err, run.network(3), 3)
    marker = _by_gid(figure.ax_contour, "snapshot-marker")[0]
    final = run.network(-1).parameters()
    np.testing.assert_allclose(np.ravel(marker.get_data()), uv[3] + final[[0, 6]])
    assert figure.png()[:4] == b"\x89PNG"


def test_player_html_has_one_animation_per_setting_and_a_menu():
    runs = {f"eta {e}": record_run(TrainingConfig(eta=e), X, T, 100, snapshots=3)
            for e in (0.5, 4.0)}
    page = player_html(runs, X, T, title="learning rate")
    assert page.count("<option") == 2 and "learning rate" in page
    assert page.count("data:image/png;base64") == 6  # 3 frames per run, embedded
    assert "https://" not in page and "http://" not in page  # plays offline
    assert 'class="fa' not in page  # icons are text, not a CDN icon font
    with pytest.raises(ValueError, match="no runs"):
        player_html({}, X, T)


def test_animation_is_offline_and_small():
    Xg, Tg = gate_data("XOR")
    frames = np.array([[0, 0, 0], [1, 1, -1], [-1, 0, 1]], dtype=float)
    html = perceptron_animation_html(frames, Xg, Tg, dpi=40)
    # "cdn" can occur by chance inside the base64 frames: look only outside them
    outside = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=\\\n]+", "", html)
    assert "font-awesome" not in outside and "cdn" not in outside.lower()
    assert html.count("data:image/png;base64") == 3
    marked = perceptron_animation_html(frames, Xg, Tg, marks=[None, 1, 2], dpi=40)
    assert marked != html  # the ringed pattern is drawn
    assert len(html) < 200_000
    with pytest.raises(ValueError, match="one row"):
        perceptron_animation_html(np.zeros((3, 2)), Xg, Tg)


def test_training_animation_keeps_its_axes_fixed():
    run = record_run(TrainingConfig(eta=2.0), X, T, 600, snapshots=6)
    anim = training_animation(run, X, T, n=20)
    anim._draw_was_started = True  # frames are driven by hand here, not rendered
    ax = anim._fig.axes[1]
    limits = []
    for s in range(len(run.epochs)):
        anim._func(s)
        limits.append((ax.get_xlim(), ax.get_ylim()))
    assert all(lim == limits[0] for lim in limits)
    assert limits[0][0][1] >= run.errors.size - 1
