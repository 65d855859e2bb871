"""Serve MathJax and the widget embedder from the built book instead of a CDN.

Jupyter Book injects every ``.js`` file under the source ``_static/`` into every page, so
the vendored trees live elsewhere (``vendor/`` and the ``django-static-mathjax`` wheel) and
this extension copies them into ``_build/html/_static/`` once the HTML is written. The
configuration points ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` at those copies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "vendor"
# Only what tex-chtml.js loads: the component itself, the CHTML fonts, the TeX extensions
# it may \require, and the menu/accessibility code it pulls in on demand.
MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "ui", "a11y", "sre", "adaptors"]


def _mathjax_source() -> Path:
    try:
        import mathjax  # provided by the django-static-mathjax wheel
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ExtensionError(
            "MathJax is not installed: run `make book` (it installs requirements.txt, which "
            "includes django-static-mathjax)"
        ) from err
    src = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (src / "tex-chtml.js").is_file():
        raise ExtensionError(f"MathJax's tex-chtml.js was not found under {src}")
    return src


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    mathjax = _mathjax_source()
    for part in MATHJAX_PARTS:
        _copy(mathjax / part, static / "mathjax" / part)
    _copy(VENDOR / "requirejs" / "require.js", static / "vendor" / "require.js")
    _copy(VENDOR / "html-manager", static / "vendor" / "html-manager")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
