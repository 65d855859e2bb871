"""The chapters' kernels draw figures with matplotlib's inline backend, whatever the shell says.

A kernel started with ``MPLBACKEND=Agg`` (common in CI and in scripts that save figures)
draws every figure off screen and shows none: myst-nb captures no image, every
``{numref}`` to a figure becomes an "undefined label" warning, and jupyter-cache keeps the
figureless outputs for later builds. The kernels inherit the build's environment, so this
extension removes ``MPLBACKEND`` from it before any chapter runs (ipykernel then picks the
inline backend) and says so in the build log.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
#: The backend ipykernel chooses by itself; setting it explicitly is harmless.
INLINE = "module://matplotlib_inline.backend_inline"


def use_inline_backend(app: Sphinx) -> None:
    backend = os.environ.get("MPLBACKEND")
    if backend is None or backend == INLINE:
        return
    del os.environ["MPLBACKEND"]
    logger.info(f"MPLBACKEND={backend} is ignored while the chapters execute: figures need "
                "the kernel's inline backend to appear in the book")


def setup(app: Sphinx) -> dict:
    # builder-inited comes before any document is read, so before any kernel starts.
    app.connect("builder-inited", use_inline_backend)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
