"""Helpers for tests that drive JupyterLab as Binder serves it (``tests/test_jupyterlab.py``,
``tests/test_playground_jupyterlab.py``).

- :func:`binder_venv`: a venv made the way Binder makes it, from ``binder/`` alone
  (``binder/requirements.txt``), at ``.venv-binder/``. It is created once and reused while the
  files it was made from are unchanged (stamps), so only the first run pays for the install.
- :func:`binder_home`: a copy of the repository as Binder's home folder, after
  ``binder/postBuild`` (the student edition built into ``student-edition/``).
- :func:`lab_server`: one JupyterLab server from that venv, in that home, on 127.0.0.1, with
  a clean user configuration (nothing from the developer's ``~/.jupyter``).
- :func:`lab_page`: one headless Chromium page (``tests/chromium.py``), that refuses and
  records every request to another host.
- :class:`Lab`: what the tests do in JupyterLab, through ``window.jupyterapp``.
- :func:`binder_server`: the session fixture (``tests/conftest.py`` provides it) that makes
  all of the above's server once for every JupyterLab test module.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chromium import block_requests, launch

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
VENV = ROOT / ".venv-binder"
# Test-only JupyterLab setting: render every cell, so that what a test reads from the page
# is the whole notebook (JupyterLab otherwise skips the layout of cells out of view).
TEST_SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
                 {"windowingMode": "none"}}


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


# Installed as regular (not editable) packages, so reinstalled when their files change.
LOCAL_PACKAGES = ["binder/lab", "tools/coursework"]


def _local_package_files() -> list[Path]:
    return [p for folder in LOCAL_PACKAGES for p in (ROOT / folder).rglob("*")
            if p.is_file() and not any(part in ("build", "__pycache__")
                                       or part.endswith(".egg-info") for part in p.parts)]


def binder_venv() -> Path:
    """``.venv-binder``, made from ``binder/requirements.txt`` as repo2docker makes its
    environment (pip run from the repository root), and up to date with the local packages
    it installs as regular ones (``binder/lab``, ``tools/coursework``)."""
    deps = _digest([BINDER / "requirements.txt", BINDER / "constraints.txt",
                    BINDER / "runtime.txt", ROOT / "pyproject.toml"])
    local = _digest(_local_package_files())
    python = VENV / "bin" / "python"
    with open(ROOT / ".venv-binder.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one maker at a time across test workers
        deps_stamp, local_stamp = VENV / ".deps-stamp", VENV / ".lab-stamp"
        if not deps_stamp.exists() or deps_stamp.read_text() != deps:
            shutil.rmtree(VENV, ignore_errors=True)
            base = getattr(sys, "_base_executable", sys.executable)
            subprocess.run([base, "-m", "venv", str(VENV)], check=True)
            # Compiled at install, as repo2docker's pip does: where PYTHONDONTWRITEBYTECODE is
            # set (these machines) no .pyc is ever written later, and every kernel and server
            # would compile SymPy, NumPy and Jupyter again (3 s against 0.8 s an import).
            subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                            str(BINDER / "requirements.txt")], cwd=ROOT, check=True)
            deps_stamp.write_text(deps)
            local_stamp.write_text(local)
        elif not local_stamp.exists() or local_stamp.read_text() != local:
            subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                            "--force-reinstall", *[f"./{p}" for p in LOCAL_PACKAGES]],
                           cwd=ROOT, check=True)
            local_stamp.write_text(local)
    return VENV


def _repository_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                         capture_output=True, check=True).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


def binder_home(venv: Path, home: Path) -> Path:
    """Binder's home folder: the repository's files (tracked and new, as committed), then
    ``binder/postBuild`` run in it with the venv's tools first on the ``PATH``."""
    for name in _repository_files():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, home / name)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "HOME": str(home)}
    env.pop("MPLBACKEND", None)
    subprocess.run(["bash", str(home / "binder" / "postBuild")], cwd=home, env=env,
                   check=True, capture_output=True)
    return home


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    token: str
    home: Path
    log: Path

    def url(self, path: str) -> str:
        """A JupyterLab URL with a fresh workspace (no layout restored from a previous page)."""
        return f"{self.base}/{path}?reset&token={self.token}"


@contextlib.contextmanager
def lab_server(venv: Path, home: Path) -> Iterator[Server]:
    """JupyterLab from the venv, serving home, with a user configuration of its own."""
    config = home / ".jupyter"
    for name, values in TEST_SETTINGS.items():
        path = config / "lab" / "user-settings" / "@jupyterlab" / name.split("/", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(config),
           "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
           "JUPYTER_RUNTIME_DIR": str(home / ".local" / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(config / "lab" / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(config / "lab" / "workspaces"),
           "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("MPLBACKEND", None)  # as on Binder: figures show inline
    log = home / "jupyterlab.log"
    cmd = [str(venv / "bin" / "jupyter"), "lab", "--no-browser", "--allow-root",
           f"--ServerApp.token={token}", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.root_dir={home}", "--LabApp.expose_app_in_browser=True"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start; its log:\n"
                                       + log.read_text()[-3000:]) from None
                time.sleep(0.3)
        yield Server(base, token, home, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Page:
    page: object
    external: list[str] = field(default_factory=list)


@contextlib.contextmanager
def lab_page(viewport: dict | None = None) -> Iterator[Page]:
    """One Chromium page (``tests/chromium.py``); requests to any host but 127.0.0.1 are
    refused and recorded."""
    with launch() as browser:
        page = browser.new_page(viewport=viewport or {"width": 1280, "height": 1000})
        external = block_requests(page, lambda url: urlsplit(url).hostname == "127.0.0.1")
        yield Page(page, external)


@pytest.fixture(scope="session")
def binder_server(tmp_path_factory) -> Iterator[Server]:
    """JupyterLab as Binder serves it: the Binder venv, in a fresh Binder home. One per
    test session (``tests/conftest.py`` provides it to every test module)."""
    venv = binder_venv()
    home = binder_home(venv, tmp_path_factory.mktemp("binder-home"))
    with lab_server(venv, home) as server:
        yield server


def kernel_dialog_shown(page: object, timeout_ms: int = 5_000) -> bool:
    """Whether JupyterLab asks which kernel to start (it should not: the settings start the
    default kernel); answers the dialog, so a test can go on after recording it."""
    button = page.locator(".jp-Dialog button", has_text="Select")
    try:
        button.wait_for(timeout=timeout_ms)
    except Exception:  # no dialog: the kernel started on its own, as configured
        return False
    button.click()
    return True


# Visible text of the rendered Markdown cells of the current notebook, code left out (inline
# code, and {eval} expressions before they are evaluated).
MARKDOWN_TEXT_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const parts = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'markdown' || cell.inputHidden) continue;
    const walker = document.createTreeWalker(cell.node, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('code, pre, .jp-InputArea-editor, mjx-container, .MathJax, '
                            + 'mjx-assistive-mml, script, style')) continue;
      if (!el.getClientRects().length) continue;
      parts.push(n.textContent);
    }
    parts.push('\\n');
  }
  return parts.join('');
}"""


class Lab:
    """The notebook actions the tests need, on one page of one server."""

    def __init__(self, page: Page, server: Server) -> None:
        self.page, self.server = page.page, server

    def start(self, path: str = "lab") -> None:
        self.page.goto(self.server.url(path))
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell",
                                    timeout=90_000)
        self.page.wait_for_selector(".jp-DirListing-content", timeout=90_000)

    def open(self, path: str, factory: str = "Jupytext Notebook") -> None:
        """Open a notebook, wait for its kernel to be idle and every Markdown cell drawn."""
        self.page.evaluate("""([path, factory]) => {
            window.jupyterapp.commands.execute('docmanager:open', {path, factory}); }""",
                           [path, factory])
        # Ready when its kernel is idle and every Markdown cell is drawn; a kernel dialog
        # (the settings start the default kernel without one) ends the wait too.
        state = self.page.wait_for_function("""() => {
            if (document.querySelector('.jp-Dialog')) return 'dialog';
            const panel = window.jupyterapp.shell.currentWidget;
            const session = panel && panel.sessionContext && panel.sessionContext.session;
            const kernel = session && session.kernel;
            if (!kernel || kernel.status !== 'idle') return false;
            return panel.content.widgets.every(c => c.model.type !== 'markdown'
                || c.inputHidden || c.node.querySelector('.myst')) && 'ready';
        }""", timeout=120_000).json_value()
        if state == "dialog":
            kernel_dialog_shown(self.page, 1_000)
            raise AssertionError(f"JupyterLab asked which kernel to start for {path}")
        # JupyterLab copies the kernel's language_info into the notebook once the kernel's
        # info has arrived: wait for it, and a little longer, before reading `dirty`.
        self.evaluate("""async () => {
            await window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.info;
            await new Promise(done => setTimeout(done, 300));
        }""")

    def evaluate(self, script: str, arg: object = None) -> object:
        return self.page.evaluate(script, arg)

    @property
    def dirty(self) -> bool:
        return bool(self.evaluate(
            "() => window.jupyterapp.shell.currentWidget.context.model.dirty"))

    def markdown_text(self) -> str:
        return str(self.evaluate(MARKDOWN_TEXT_JS))

    def references(self) -> list[list[str]]:
        """Each link to an anchor in the rendered Markdown (``{eq}`` and ``{numref}``
        references, citations, references to other chapters): its target and its text."""
        return list(self.evaluate("""() => [...window.jupyterapp.shell.currentWidget.node
            .querySelectorAll('.myst a[href*="#"]')]
            .map(a => [a.getAttribute('href'), a.textContent.trim()])"""))

    def problems(self) -> dict[str, list[str]]:
        """What jupyterlab-myst draws where it could not render: boxes with nothing in them
        (a solution or exercise with no content) and its marks for a citation or reference
        it could not resolve (a raw key with a warning)."""
        return dict(self.evaluate("""() => {
            const node = window.jupyterapp.shell.currentWidget.node;
            return {
              empty: [...node.querySelectorAll('.myst aside')]
                .filter(a => !a.innerText.trim()).map(a => a.className),
              unresolved: [...node.querySelectorAll('.myst [title]')]
                .filter(e => /not found|no label/i.test(e.title)).map(e => e.innerText),
            };
        }"""))

    def chapter_number(self) -> str:
        """The number jupyterlab-myst shows before the chapter's title ('' if none)."""
        return str(self.evaluate("""() => [...window.jupyterapp.shell.currentWidget.node
            .querySelectorAll('.myst-fm-block-enumerator')].map(e => e.innerText.trim())
            .join(' ')"""))

    def set_cell_source(self, index: int, source: str) -> None:
        self.evaluate("""([index, source]) => window.jupyterapp.shell.currentWidget.content
            .widgets[index].model.sharedModel.setSource(source)""", [index, source])

    def cell_sources(self) -> list[str]:
        return list(self.evaluate("""() => window.jupyterapp.shell.currentWidget.content
            .widgets.map(c => c.model.sharedModel.getSource())"""))

    def visible_text(self) -> str:
        return str(self.evaluate("() => window.jupyterapp.shell.currentWidget.node.innerText"))

    def run_all(self, timeout: float = 300) -> None:
        """Run every cell and wait until none is queued or running."""
        self.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        self.page.wait_for_function("""() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const kernel = panel.sessionContext.session.kernel;
            const codes = panel.content.widgets.filter(c => c.model.type === 'code');
            if (kernel.status !== 'idle'
                || codes.some(c => c.promptNode && c.promptNode.textContent.includes('*')))
              return false;
            // Run All stops at the first error: done then too.
            return codes.every(c => c.model.executionCount !== null
                                    || c.model.sharedModel.getSource() === '')
              || panel.node.querySelector('.jp-OutputArea-output[data-mime-type*="error"]');
        }""", timeout=timeout * 1000)
        time.sleep(1.0)  # the Markdown cells' expressions are evaluated after their run

    def run_through(self, last: int, timeout: float = 300) -> None:
        """Run the cells from the first to cell ``last`` and wait until they have run."""
        self.evaluate("""async (last) => {
            const panel = window.jupyterapp.shell.currentWidget;
            panel.content.activeCellIndex = last + 1;
            await window.jupyterapp.commands.execute('notebook:run-all-above');
        }""", last)
        self.page.wait_for_function("""(last) => {
            const panel = window.jupyterapp.shell.currentWidget;
            const codes = panel.content.widgets.slice(0, last + 1)
                .filter(c => c.model.type === 'code');
            return panel.sessionContext.session.kernel.status === 'idle'
                && codes.every(c => c.model.executionCount !== null
                               || c.model.sharedModel.getSource() === '');
        }""", arg=last, timeout=timeout * 1000)

    def error_outputs(self) -> list[str]:
        return list(self.evaluate("""() => [...window.jupyterapp.shell.currentWidget.node
            .querySelectorAll('.jp-OutputArea-output[data-mime-type*="error"]')]
            .map(e => e.innerText.slice(0, 2000))"""))

    def save(self) -> None:
        self.evaluate("""async () => {
            await window.jupyterapp.shell.currentWidget.context.save(); }""")

    def close(self) -> None:
        """Shut the notebook's kernel down and close it without saving."""
        self.evaluate("""async () => {
            const panel = window.jupyterapp.shell.currentWidget;
            await panel.sessionContext.shutdown();
            panel.context.model.dirty = false;
            panel.dispose();
        }""")

