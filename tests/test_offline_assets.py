"""The repository's own offline and Binder set-up, checked without building the book.

The configuration serves MathJax from the build and loads no widget JavaScript (the book's
interaction is the playground's own front end); the launch buttons lead somewhere.
"""

from __future__ import annotations

import re

import yaml

from conftest import ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def test_config_serves_mathjax_from_the_build_and_no_widget_javascript() -> None:
    sphinx = CONFIG["sphinx"]["config"]
    assert sphinx["mathjax_path"] == "mathjax/tex-chtml.js"
    assert not re.match(r"(https?:)?//", sphinx["mathjax_path"])
    # Empty, not absent: absent, myst-nb loads RequireJS and the widget manager from a CDN.
    assert "nb_ipywidgets_js" in sphinx and sphinx["nb_ipywidgets_js"] == {}
    # The extension that copies MathJax into the build is loaded (the others may vary).
    assert CONFIG["sphinx"]["local_extensions"]["offline_assets"] == "book/_ext"
    assert not (ROOT / "vendor").exists(), "vendor/ is gone: nothing serves its files"


def test_launch_buttons_are_configured_to_lead_somewhere() -> None:
    launch = CONFIG["launch_buttons"]
    assert launch["notebook_interface"] == "jupyterlab"
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert not launch.get("colab_url"), "Colab opens only .ipynb, and the book commits none"
    assert not launch.get("thebe")
    assert CONFIG["repository"]["url"].startswith("https://github.com/")
