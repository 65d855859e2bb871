"""The repository's own offline and Binder set-up, checked without building the book.

Vendored JavaScript is the pinned version the README names; Binder gets a JupyterLab that
opens the MyST chapters as notebooks and installs the package; the configuration points
MathJax and the widget manager at files the book ships.
"""

from __future__ import annotations

import json
import re

import yaml

from conftest import ROOT

PINS = {"html-manager": ("@jupyter-widgets/html-manager", "1.0.15"),
        "requirejs": ("requirejs", "2.3.8")}
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def test_vendored_javascript_is_the_pinned_version() -> None:
    readme = (ROOT / "vendor" / "README.md").read_text()
    script = (ROOT / "tools" / "vendor_js.sh").read_text()
    for folder, (name, version) in PINS.items():
        meta = json.loads((ROOT / "vendor" / folder / "package.json").read_text())
        assert (meta["name"], meta["version"]) == (name, version), folder
        assert f"{name}@{version}" in readme, f"vendor/README.md does not name {name}@{version}"
        assert f"{name}@{version}" in script, f"tools/vendor_js.sh does not pin {name}@{version}"
    assert (ROOT / "vendor" / "requirejs" / "require.js").is_file()
    assert (ROOT / "vendor" / "html-manager" / "embed-amd.js").is_file()


def test_config_serves_javascript_from_the_build() -> None:
    sphinx = CONFIG["sphinx"]["config"]
    assert sphinx["mathjax_path"] == "mathjax/tex-chtml.js"
    js = sphinx["nb_ipywidgets_js"]
    assert list(js) == ["vendor/require.js", "vendor/html-manager/embed-amd.js"], \
        "require.js must load before the widget manager"
    for path, attrs in js.items():
        assert not re.match(r"(https?:)?//", path), f"{path} is not served from the build"
        assert not any("http" in str(v) for v in (attrs or {}).values()), attrs
    assert js["vendor/html-manager/embed-amd.js"]["data-jupyter-widgets-cdn-only"] == "true"
    # The extension that copies those files into the build is loaded (the others may vary).
    assert CONFIG["sphinx"]["local_extensions"]["offline_assets"] == "book/_ext"



def test_launch_buttons_are_configured_to_lead_somewhere() -> None:
    launch = CONFIG["launch_buttons"]
    assert launch["notebook_interface"] == "jupyterlab"
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert not launch.get("colab_url"), "Colab opens only .ipynb, and the book commits none"
    assert not launch.get("thebe")
    assert CONFIG["repository"]["url"].startswith("https://github.com/")
