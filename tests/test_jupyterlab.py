"""Binder-like: the Training XOR chapter opened in JupyterLab and run.

Starts a Jupyter server on 127.0.0.1 in a temporary copy of the chapter, opens
``book/training-xor.md`` in JupyterLab's jupytext notebook view in headless Chromium, runs
every cell, and checks that no cell failed and the playground widget is drawn (its
interaction with the kernel is tested in ``tests/test_playground_jupyterlab.py``, with this
module's server). Debian's chromium is used (``apt-get install -y chromium``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from chromium import launch, requires_chromium
from conftest import ROOT

pytestmark = [pytest.mark.browser, requires_chromium]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """A JupyterLab server in a temporary folder holding a copy of the chapter."""
    home = tmp_path_factory.mktemp("lab")
    (home / "book").mkdir()
    shutil.copy(ROOT / "book" / "training-xor.md", home / "book" / "training-xor.md")
    # What postBuild does on Binder: every setting of jupyterlab-overrides.json (MyST Markdown
    # opens in jupytext's notebook view; the default kernel starts without asking).
    overrides = json.loads((ROOT / "jupyterlab-overrides.json").read_text())
    for plugin_id, values in overrides.items():
        package, plugin = plugin_id.split(":")
        folder = home / "settings" / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--allow-root",
           f"--ServerApp.token={token}", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.root_dir={home}", "--LabApp.expose_app_in_browser=True"]
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "MPLBACKEND": "Agg"}
    log = open(home / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s; see " + str(home / "server.log"))
        if proc.poll() is not None:
            pytest.fail("JupyterLab exited: " + (home / "server.log").read_text()[-3000:])
        yield f"{base}/lab/tree/book/training-xor.md?token={token}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _accept_kernel_dialog(page) -> None:
    """Record whether JupyterLab asked which kernel to start (it should not: the overrides
    set autoStartDefaultKernel), and answer it so the rest of the test can run."""
    button = page.locator(".jp-Dialog button", has_text="Select")
    try:
        button.wait_for(timeout=10_000)
    except Exception:  # no dialog: the kernel started on its own, as configured
        return
    button.click()
    KERNEL_DIALOGS.append(True)


KERNEL_DIALOGS: list[bool] = []


def test_training_xor_runs_in_jupyterlab_and_shows_the_playground(lab):
    with launch() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(lab)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=90_000)
        _accept_kernel_dialog(page)
        assert not KERNEL_DIALOGS, "JupyterLab asked which kernel to start for the chapter"
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        # Done when no cell waits or runs ([*]) and the playground is drawn.
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')];
                const busy = prompts.some(p => p.textContent.includes('*'));
                return !busy && prompts.some(p => /\\[\\d+\\]/.test(p.textContent))
                  && document.querySelector('.jp-OutputArea-output .bp-root canvas');
            }""", timeout=300_000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type*='error']")
        assert errors.count() == 0, errors.first.inner_text()
        # The playground is drawn; tests/test_playground_jupyterlab.py plays with it.
        assert page.locator(".jp-OutputArea-output .bp-root canvas").count() >= 4
