"""Serve MathJax from the built book instead of a CDN.

Jupyter Book injects every ``.js`` file under the source ``_static/`` into every page, so
MathJax lives elsewhere (the ``django-static-mathjax`` wheel) and this extension copies it
into ``_build/html/_static/mathjax/`` once the HTML is written; the configuration points
``mathjax_path`` at that copy.

The book embeds no Jupyter widgets: its interaction is the playground's own front end
(``backprop/playground/``, served by ``playground_assets.py``), so no widget manager or
RequireJS is shipped, and ``nb_ipywidgets_js`` is empty, which keeps myst-nb from loading its
CDN defaults on a page that would display a widget (``tests/test_book_build.py`` fails on
such a page).

It also drops sphinx-thebe's loader from every page while the "Live code" (Thebe) button is
off: Jupyter Book always adds sphinx-thebe, whose inline script names thebe's CDN URL, and an
offline book should not mention a CDN it never uses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

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


def _thebe_enabled(app: Sphinx) -> bool:
    launch = (app.config.html_theme_options or {}).get("launch_buttons") or {}
    return bool(launch.get("thebe")) or bool((app.config.thebe_config or {}).get("always_load"))


def drop_thebe_scripts(app: Sphinx, pagename: str, templatename: str, context: dict,
                       doctree: object) -> None:
    if _thebe_enabled(app) or "script_files" not in context:
        return

    def is_thebe(js: object) -> bool:
        name = str(getattr(js, "filename", js) or "")
        body = str((getattr(js, "attributes", None) or {}).get("body", ""))
        return name.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body

    context["script_files"][:] = [js for js in context["script_files"] if not is_thebe(js)]


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", copy_assets)
    app.connect("html-page-context", drop_thebe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
