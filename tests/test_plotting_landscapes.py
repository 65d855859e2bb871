"""backprop.plotting.landscapes: the contours and the surface show the slice, and the
trajectory drawn on them is the run's projected path."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from backprop.datasets import xor  # noqa: E402
from backprop.landscapes import landscape_for_run  # noqa: E402
from backprop.plotting.landscapes import draw_landscape_contours, draw_landscape_surface  # noqa: E402
from backprop.runs import record_run  # noqa: E402
from backprop.training import TrainingConfig  # noqa: E402

X, T = xor()


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_landscape_drawings_show_the_slice_and_the_trajectory():
    run = record_run(TrainingConfig(eta=2.0), X, T, 400, snapshots=10)
    land, uv, uv_err = landscape_for_run(run, X, T, (0, 6), n=15)
    np.testing.assert_allclose(uv[-1], 0, atol=1e-9)  # the plane is centred on the end
    ax = draw_landscape_contours(land, uv)
    np.testing.assert_allclose(np.column_stack(_by_gid(ax, "trajectory")[0].get_data()), uv)
    assert _by_gid(ax, "landscape-contours")
    ax3 = draw_landscape_surface(land, uv, uv_err)
    assert _by_gid(ax3, "trajectory")
