"""backprop.plotting.landscapes: the contours and the surface show the slice on axes that
mean what their labels say (a chosen weight's own value, or a distance along a random
direction), with a colour bar, and the trajectory drawn on them is the run's path."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402

from backprop.datasets import xor  # noqa: E402
from backprop.landscapes import landscape_for_run  # noqa: E402
from backprop.plotting.landscapes import (  # noqa: E402
    draw_landscape_contours,
    draw_landscape_surface,
    plane_axes,
)
from backprop.runs import record_run  # noqa: E402
from backprop.training import TrainingConfig  # noqa: E402

X, T = xor()


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_chosen_weights_plane_is_drawn_in_the_weights_own_values():
    run = record_run(TrainingConfig(eta=2.0), X, T, 400, snapshots=10)
    land, uv, uv_err = landscape_for_run(run, X, T, (0, 6), n=15)
    np.testing.assert_allclose(uv[-1], 0, atol=1e-9)  # the plane is centred on the end
    final = run.network(-1).parameters()
    ax = draw_landscape_contours(land, uv)
    # the axes show w(1)_11 and w(2)_11 themselves, not offsets from their trained values
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$w^{(1)}_{11}$", "$w^{(2)}_{11}$")
    path = np.column_stack(_by_gid(ax, "trajectory")[0].get_data())
    np.testing.assert_allclose(path, uv + final[[0, 6]])
    np.testing.assert_allclose(path[-1], final[[0, 6]])
    np.testing.assert_allclose(path[0], run.flat()[0, [0, 6]])  # the run's first weights
    assert _by_gid(ax, "landscape-contours")
    assert any(a.get_gid() == "landscape-colorbar" for a in ax.figure.axes)
    ax3 = draw_landscape_surface(land, uv, uv_err)
    np.testing.assert_allclose(_by_gid(ax3, "trajectory")[0].get_data_3d()[0], path[:, 0])


def test_random_plane_is_labelled_as_distances_and_has_a_log_colour_scale():
    run = record_run(TrainingConfig(eta=2.0), X, T, 200, snapshots=5)
    land, uv, _ = landscape_for_run(run, X, T, "random", rng=np.random.default_rng(1), n=11)
    assert plane_axes(land) == ((0.0, "$u$: distance along direction 1"),
                                (0.0, "$v$: distance along direction 2"))
    ax = draw_landscape_contours(land, uv, levels=12)
    cs = _by_gid(ax, "landscape-contours")[0]
    assert isinstance(cs.norm, LogNorm) and len(cs.levels) == 12
    np.testing.assert_allclose(np.column_stack(_by_gid(ax, "trajectory")[0].get_data()), uv)
    linear = draw_landscape_contours(land, levels=[0, 0.5, 1, 1.5, 2], colorbar=False)
    assert list(_by_gid(linear, "landscape-contours")[0].levels) == [0, 0.5, 1, 1.5, 2]
    assert len(linear.figure.axes) == 1
