"""Shared fixtures: the repository paths, the chapters listed in _toc.yml, the built book.

The book is built once per test run and is the chapter test: every chapter executes in it,
once. ``make test`` runs pytest with ``-n auto --dist loadgroup``; every test that needs the
build (directly or through another fixture) is put in one xdist group here, so one worker
builds the book while the others run the unit tests, and tests that share an expensive
module-scoped fixture stay on one worker, so it is made once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import coursework
from chromium import browser, server  # noqa: F401 - per module: one browser, one book server
from jupyterlab_helpers import binder_server  # noqa: F401 - one JupyterLab server per session

# binder_server is made once for every JupyterLab test module (the "jupyterlab" group keeps
# them on one worker).

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")
BUILD_FLAGS = ["-W", "-n", "--keep-going"]


def load_module(path: Path):
    """The module in ``path`` (a script in tools/ or a Sphinx extension in book/_ext),
    imported without putting its folder on ``sys.path``: tools/ holds the folder
    ``coursework`` (the tool's project), which on ``sys.path`` would shadow the installed
    package as a namespace package, in this process and in every process it spawns."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


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


# ----------------------------------------------------------------------------- xdist groups
@pytest.hookimpl(tryfirst=True)  # before xdist's worker reads the groups off the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        group = _group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


def _group(item: pytest.Item) -> str | None:
    if "book_build" in getattr(item, "fixturenames", ()):
        return "book"
    if "binder_server" in getattr(item, "fixturenames", ()):
        return "jupyterlab"  # every JupyterLab test module shares the one server
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info else ()):
        # A module- or session-scoped fixture of this repository (not pytest's own, whose
        # baseid is empty) is made once per worker: keep its tests together.
        if defs and defs[-1].scope in ("module", "package", "session") and defs[-1].baseid:
            return Path(item.nodeid.split("::")[0]).stem
    return None


# ----------------------------------------------------------------------------- the build
def build_output() -> Path:
    """Where the test build goes: ``$BACKPROP_BUILD_DIR`` (a ``--path-output`` folder) or the root.

    Several people building at once each set their own folder, e.g.
    ``BACKPROP_BUILD_DIR=/tmp/build-me pytest -m book``; the HTML is then in
    ``/tmp/build-me/_build/html``.
    """
    return Path(os.environ.get("BACKPROP_BUILD_DIR", ROOT)).resolve()


def build_log_path() -> Path:
    return build_output() / "_build" / "build-log.txt"


@dataclass
class Build:
    """One run of ``jupyter-book build``: exit code, printed log, HTML folder, and the
    chapters whose execution failed (docname -> traceback from ``html/reports``)."""

    returncode: int
    log: str
    html: Path
    failed: dict[str, str]

    def summary(self) -> str:
        """What went wrong, chapter by chapter, then every warning line."""
        lines = [f"jupyter-book build failed (exit {self.returncode}); full log in "
                 f"{build_log_path()}"]
        for doc, tb in self.failed.items():
            lines.append(f"\n--- {doc} failed to execute; the end of its traceback "
                         f"({self.html / 'reports' / doc}.err.log):\n"
                         + "\n".join(tb.strip().splitlines()[-12:]))
        warnings = [ln for ln in self.log.splitlines() if "WARNING" in ln or "ERROR" in ln]
        lines.append("\n--- warnings and errors:\n" + "\n".join(warnings[:60]))
        if not warnings and not self.failed:
            lines.append(self.log[-4000:])
        return "\n".join(lines)


def kernel_env() -> dict[str, str]:
    """The environment a build runs in: this one, quieter."""
    return {**os.environ, "PYTHONWARNINGS": "ignore"}


def run_build(source: Path, output: Path | None = None,
              env: dict[str, str] | None = None) -> Build:
    """Build the book in ``source`` with ``-W -n --keep-going`` (into ``output``'s
    ``_build`` when given) and collect what failed."""
    cmd = [JUPYTER_BOOK, "build", str(source), *BUILD_FLAGS]
    if output is not None and output != source:
        cmd += ["--path-output", str(output)]
    proc = subprocess.run(cmd, cwd=source, capture_output=True, text=True,
                          env=kernel_env() if env is None else env)
    html = (output or source) / "_build" / "html"
    reports = html / "reports"
    failed = {}
    if reports.is_dir():
        for log in sorted(reports.rglob("*.err.log")):
            doc = log.relative_to(reports).as_posix().removesuffix(".err.log")
            failed[doc] = log.read_text(encoding="utf-8", errors="replace")
    return Build(proc.returncode, proc.stdout + proc.stderr, html, failed)


@pytest.fixture(scope="session")
def book_build() -> Build:
    """The book, built once per session with -W -n --keep-going (a failing chapter does not
    stop the others). The execution cache makes a second run re-execute only changed
    chapters. The log is kept next to the HTML (``_build/build-log.txt``)."""
    out = build_output()
    # Stale reports would name chapters that no longer fail.
    shutil.rmtree(out / "_build" / "html" / "reports", ignore_errors=True)
    build = run_build(ROOT, out)
    build_log_path().parent.mkdir(parents=True, exist_ok=True)
    build_log_path().write_text(build.log)
    return build


@pytest.fixture(scope="session")
def built_book(book_build: Build) -> Path:
    """The HTML folder of a clean build; fails (once per test that needs it) saying which
    chapters failed and why otherwise."""
    if book_build.returncode != 0:
        pytest.fail(book_build.summary(), pytrace=False)
    return book_build.html


@pytest.fixture(scope="session")
def build_log(built_book: Path) -> str:
    """The text the build printed (stdout and stderr)."""
    return build_log_path().read_text()


# ----------------------------------------------------------------------------- small books
PAGE_HEADER = """---
jupytext:
  text_representation: {extension: .md, format_name: myst, format_version: 0.13,
                        jupytext_version: 1.19.6}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
"""


def small_book(folder: Path, pages: dict[str, str]) -> Path:
    """A book in ``folder`` with the real configuration and extensions and the
    given pages (name -> MyST body, the jupytext header added), listed in that order."""
    for name in ("_config.yml", "book/references.bib"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, folder / name)
    # The extensions find what they serve relative to the checkout (book/_ext/../..).
    for name in ("book/_ext", "book/_static", "backprop/playground/static"):
        shutil.copytree(ROOT / name, folder / name, dirs_exist_ok=True)
    names = list(pages)
    for name, body in pages.items():
        (folder / "book" / f"{name}.md").write_text(PAGE_HEADER + "\n" + body)
    toc = f"format: jb-book\nroot: book/{names[0]}\n"
    if names[1:]:
        toc += "chapters:\n" + "".join(f"  - file: book/{n}\n" for n in names[1:])
    (folder / "_toc.yml").write_text(toc)
    return folder


def ansi_free(text: str) -> str:
    """Sphinx colours its log; tests read it without the escape codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


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
