"""Serve MathJax and the widget embedder from the built book instead of a CDN.

Jupyter Book injects every ``.js`` file under the source ``_static/`` into every page, so
the vendored trees live elsewhere (``vendor/`` and the ``django-static-mathjax`` wheel) and
this extension copies them into ``_build/html/_static/`` once the HTML is written. The
configuration points ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` at those copies.

Each page that embeds widgets also gets two per-page fixes, because a page's location
decides what a relative URL means: the widget manager's ``data-jupyter-widgets-cdn`` (where
it would fetch a widget module it lacks) is made relative to that page, and RequireJS is told
where the manager's own files are, so the icon fonts it loads come from ``_static`` instead of
``<page folder>/@jupyter-widgets/html-manager/dist/`` (a 404 on every chapter).

Pages that load MathJax also get ``mathjax2_compat.js`` (next to this file): the widget
manager typesets with MathJax 2's ``MathJax.Hub.Queue``, which MathJax 3 lacks. A page with
widgets loads MathJax even when its text has no math, for the widgets' labels.

It also drops sphinx-thebe's loader from every page while the "Live code" (Thebe) button is
off: Jupyter Book always adds sphinx-thebe, whose inline script names thebe's CDN URL, and an
offline book should not mention a CDN it never uses.
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
COMPAT = "mathjax2_compat.js"  # next to this file; copied to _static/
WIDGET_DIR = "_static/vendor/html-manager"
# Where RequireJS finds the widget manager's files, made absolute from the page's own URL.
REQUIRE_PATHS = """require.config({{paths: {{"@jupyter-widgets/html-manager/dist":
  new URL("{path}", document.baseURI).href}}}});"""


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
    _copy(Path(__file__).with_name(COMPAT), static / COMPAT)


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


def localise_widget_manager(app: Sphinx, pagename: str, templatename: str, context: dict,
                            doctree: object) -> None:
    scripts = context.get("script_files")
    if not scripts or "pathto" not in context:
        return
    mathjax_path = str(app.config.mathjax_path)
    mathjax = [js for js in scripts
               if str(getattr(js, "filename", "") or "").endswith(mathjax_path)]
    embeds = [js for js in scripts
              if str(getattr(js, "filename", "") or "").endswith("html-manager/embed-amd.js")]
    if embeds and not mathjax:
        # Widget labels may hold math even on a page whose text has none.
        src = mathjax_path if "://" in mathjax_path else f"_static/{mathjax_path}"
        mathjax = [type(embeds[0])(src, priority=500, defer="defer")]
        scripts.append(mathjax[0])
    if mathjax:
        # Deferred scripts run in document order: this one right after MathJax itself.
        at = scripts.index(mathjax[0]) + 1
        scripts.insert(at, type(mathjax[0])(f"_static/{COMPAT}", priority=mathjax[0].priority,
                                            defer="defer"))
    for i, js in enumerate(scripts):
        name = str(getattr(js, "filename", "") or "")
        if not name.endswith("html-manager/embed-amd.js"):
            continue
        here = context["pathto"](WIDGET_DIR, 1)
        attrs = {**js.attributes, "data-jupyter-widgets-cdn": here + "/"}
        priority = getattr(js, "priority", 500)
        asset = type(js)
        scripts[i] = asset(name, priority=priority, **attrs)
        scripts.insert(i, asset(None, priority=priority, body=REQUIRE_PATHS.format(path=here)))
        return


def setup(app: Sphinx) -> dict:
    # After myst-nb (priority 500) has added the page's widget scripts.
    app.connect("html-page-context", localise_widget_manager, priority=900)
    app.connect("build-finished", copy_assets)
    app.connect("html-page-context", drop_thebe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
