"""Serve the playground's front end from the build and start it on the pages that hold one.

The playground (``backprop/playground/``) is a few ES modules and one style sheet, kept in the
package so that the Jupyter widget and the static book load the same files. This extension
copies them into ``_build/html/_static/playground/`` once the HTML is written, and on every
page whose body holds a ``<div class="bp-playground">`` (emitted by
``backprop.playground.static_playground``) it adds the style sheet and a small module script
that imports the entry module ``playground.js`` (which imports the others) relative to that
page and mounts every playground on it, with a ``modulepreload`` link per module so that the
browser fetches them all at once instead of one level of imports after another. Pages without
a playground load none of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "backprop" / "playground" / "static"
TARGET = "_static/playground"
MARKER = 'class="bp-playground"'
BOOT = """import {{ mountAll }} from "{js}";
mountAll(document);"""


def copy_front_end(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / TARGET
    target.mkdir(parents=True, exist_ok=True)
    for path in [*SOURCE.glob("*.js"), SOURCE / "playground.css"]:
        shutil.copy2(path, target / path.name)


def add_to_playground_pages(app: Sphinx, pagename: str, templatename: str, context: dict,
                            doctree: object) -> None:
    if MARKER not in str(context.get("body", "")) or "pathto" not in context:
        return
    scripts, sheets = context.get("script_files"), context.get("css_files")
    if scripts is None or sheets is None:
        return
    here = context["pathto"](TARGET, 1)
    # Asset classes of this Sphinx version, taken from the page's own lists.
    js_asset = type(scripts[0]) if scripts else None
    css_asset = type(sheets[0]) if sheets else None
    if js_asset is None or css_asset is None:
        return
    sheets.append(css_asset(f"{TARGET}/playground.css", priority=600))
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="modulepreload" href="{here}/{path.name}">'
        for path in sorted(SOURCE.glob("*.js")))
    scripts.append(js_asset(None, priority=900, type="module",
                            body=BOOT.format(js=f"{here}/playground.js")))


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", copy_front_end)
    app.connect("html-page-context", add_to_playground_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
