"""backprop.plotting, training section: the drawn data (image, boundary, hidden lines,
curves, trajectories, players) is what the network and the run say it should be."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop.datasets import noisy_xor, xor  # noqa: E402
from backprop.network import Network  # noqa: E402
from backprop.plotting import (  # noqa: E402
    LandscapeFigure,
    TrainingFigure,
    draw_decision_boundary,
    draw_error_curve,
    draw_landscape_contours,
    draw_landscape_surface,
    hidden_unit_line,
    player_html,
)
from backprop.training import (  # noqa: E402
    TrainingConfig,
    decision_grid,
    landscape_for_run,
    make_state,
    record_run,
    train_epochs,
)

X, T = xor()


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_hidden_unit_line_lies_on_net_zero_and_in_the_box():
    w, b = np.array([2.0, -1.0]), 0.3
    seg = hidden_unit_line(w, b, (-0.5, 1.5, -0.5, 1.5))
    assert seg.shape == (2, 2)
    np.testing.assert_allclose(seg @ w + b, 0, atol=1e-12)
    assert np.all(seg >= -0.5 - 1e-9) and np.all(seg <= 1.5 + 1e-9)
    assert hidden_unit_line(np.zeros(2), 1.0).shape == (0, 2)
    assert hidden_unit_line(np.array([1.0, 0.0]), -10.0).shape == (0, 2)  # x1 = 10: outside


def test_decision_boundary_draws_the_networks_output_and_one_line_per_hidden_unit():
    state = make_state(TrainingConfig(hidden=3, eta=2.0), X, T)
    train_epochs(state, 2000)
    ax = draw_decision_boundary(state.net, X, T, n=50)
    image = _by_gid(ax, "output-image")[0]
    np.testing.assert_allclose(image.get_array(), decision_grid(state.net, n=50)[2])
    lines = [_by_gid(ax, f"hidden-line-{j}")[0] for j in (1, 2, 3)]
    for j, line in enumerate(lines):
        pts = np.column_stack(line.get_data())
        net_j = pts @ state.net.weights[0][j] + state.net.biases[0][j]
        np.testing.assert_allclose(net_j, 0, atol=1e-9)
    assert _by_gid(ax, "boundary")
    pts = _by_gid(ax, "points")[0]
    np.testing.assert_allclose(pts.get_offsets(), X)


def test_decision_boundary_with_noisy_xor_draws_every_point():
    Xn, Tn = noisy_xor(60, np.random.default_rng(0))
    net = Network((2, 4, 1), rng=np.random.default_rng(1))
    ax = draw_decision_boundary(net, Xn, Tn, n=30)
    assert len(_by_gid(ax, "points")[0].get_offsets()) == 60


def test_error_curve_is_log_scale_and_marks_divergence():
    ax = draw_error_curve(np.array([1.0, 0.5, 0.25]))
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(_by_gid(ax, "error-curve")[0].get_ydata(), [1, 0.5, 0.25])
    ax2 = draw_error_curve(np.array([1.0, 10.0, 1e30, np.inf]))
    assert _by_gid(ax2, "diverged-marker")
    assert np.all(np.isfinite(_by_gid(ax2, "error-curve")[0].get_ydata()))


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


def test_landscape_drawings_show_the_slice_and_the_trajectory():
    run = record_run(TrainingConfig(eta=2.0), X, T, 400, snapshots=10)
    land, uv, uv_err = landscape_for_run(run, X, T, (0, 6), n=15)
    np.testing.assert_allclose(uv[-1], 0, atol=1e-9)  # the plane is centred on the end
    ax = draw_landscape_contours(land, uv)
    np.testing.assert_allclose(np.column_stack(_by_gid(ax, "trajectory")[0].get_data()), uv)
    assert _by_gid(ax, "landscape-contours")
    ax3 = draw_landscape_surface(land, uv, uv_err)
    assert _by_gid(ax3, "trajectory")
    figure = LandscapeFigure(X, T)
    figure.update(land, uv, uv_err, run.network(3), 3)
    marker = _by_gid(figure.ax_contour, "snapshot-marker")[0]
    np.testing.assert_allclose(np.ravel(marker.get_data()), uv[3])
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
