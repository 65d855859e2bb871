"""Shared fixtures: the repository paths, the chapters listed in _toc.yml, the built book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import coursework

ROOT = Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    """Every page in _toc.yml, as paths relative to the root without the suffix."""
    return coursework.toc_files(ROOT)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened, so figures don't pile up across tests."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def chapter_sources() -> list[Path]:
    """The chapters that are notebooks (have code cells), in table-of-contents order."""
    out = []
    for f in toc_files():
        path = ROOT / f"{f}.md"
        if path.exists() and "{code-cell}" in path.read_text():
            out.append(path)
    return out


def build_output() -> Path:
    """Where the test build goes: ``$BACKPROP_BUILD_DIR`` (a ``--path-output`` folder) or the root.

    Several people building at once each set their own folder, e.g.
    ``BACKPROP_BUILD_DIR=/tmp/build-me pytest -m book``; the HTML is then in
    ``/tmp/build-me/_build/html``.
    """
    return Path(os.environ.get("BACKPROP_BUILD_DIR", ROOT)).resolve()


def build_log_path() -> Path:
    return build_output() / "_build" / "build-log.txt"


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book once per session with -W -n --keep-going; return the HTML folder.

    The build uses the execution cache, so a second run re-executes only changed chapters.
    The full log is kept next to the HTML (``_build/build-log.txt``) for ``build_log``.
    """
    out = build_output()
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT),
           "-W", "-n", "--keep-going"]
    if out != ROOT:
        cmd += ["--path-output", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    log = proc.stdout + proc.stderr
    build_log_path().parent.mkdir(parents=True, exist_ok=True)
    build_log_path().write_text(log)
    html = out / "_build" / "html"
    if proc.returncode != 0:
        pytest.fail(f"jupyter-book build failed (exit {proc.returncode}); full log in "
                    f"{build_log_path()}, reports in {html / 'reports'}. Tail:\n"
                    + log[-6000:])
    return html


@pytest.fixture(scope="session")
def build_log(built_book: Path) -> str:
    """The text the build printed (stdout and stderr)."""
    return build_log_path().read_text()


def sandbox_or_skip() -> None:
    """Skip a grading test where bubblewrap cannot isolate code (with the reason), or fail
    it when ``$BACKPROP_REQUIRE_SANDBOX`` is set, as ``.ci/run`` does."""
    from coursework.sandbox import Sandbox, SandboxUnavailable

    try:
        Sandbox().check()
    except SandboxUnavailable as exc:
        if os.environ.get("BACKPROP_REQUIRE_SANDBOX"):
            raise
        pytest.skip(f"no sandbox on this machine: {exc}")
