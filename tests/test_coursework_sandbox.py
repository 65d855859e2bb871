"""The sandbox (:mod:`coursework.sandbox`): what a run can see, write and start, its limits,
and the seccomp program."""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

import pytest

from conftest import sandbox_or_skip
from coursework.sandbox import Limits, Sandbox, seccomp_filter


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    sandbox_or_skip()
    return Sandbox(Limits(cell_seconds=5, run_seconds=60, tmp_mb=8, file_mb=1))


def run_cells(box: Sandbox, *sources: str) -> dict[int, dict | None]:
    job = {"cells": [{"n": n, "code": s} for n, s in enumerate(sources, start=1)],
           "probes": []}
    end = box.run(job, "s1", lambda e: 10.0 if e["event"] == "cell" else None)
    assert end.kind == "finished", (end.kind, end.detail, end.stderr[-500:])
    return {e["n"]: e["error"] for e in end.events if e["event"] == "cell-done"}


def test_what_a_run_can_see_and_write(sandbox, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    errors = run_cells(
        sandbox,
        f"open({str(secret)!r}).read()",                       # not visible
        f"open({sys.prefix!r} + '/new.txt', 'w')",             # read-only
        "open('/new.txt', 'w')",                               # the root is read-only too
        "open('here.txt', 'w').write('fine'); import os; assert os.getcwd() == '/tmp/work'",
        "import os; os.listdir('/proc')",                      # no /proc
        "import os; assert set(os.environ) >= {'HOME'} and 'PYTEST_CURRENT_TEST' not in "
        "os.environ and os.environ['BACKPROP_STUDENT_ID'] == 's1'",
    )
    assert errors[1]["type"] == "FileNotFoundError"
    assert "Read-only" in errors[2]["message"] and "Read-only" in errors[3]["message"]
    assert errors[4] is None and errors[5]["type"] == "FileNotFoundError" and errors[6] is None
    assert not os.path.exists(os.path.join(sys.prefix, "new.txt"))


def test_a_checkout_under_tmp_is_visible_read_only(sandbox, tmp_path, monkeypatch):
    """A venv or clone under /tmp (CI clones, venvs made there) stays visible: the
    sandbox's own /tmp must not hide it, and only it is shown, not its neighbours."""
    shown, hidden = tmp_path / "checkout", tmp_path / "neighbour.txt"
    shown.mkdir()
    (shown / "module.txt").write_text("seen")
    hidden.write_text("x")
    readable = Sandbox.readable
    monkeypatch.setattr(Sandbox, "readable", lambda self: [*readable(self), shown])
    errors = run_cells(
        sandbox,
        f"assert open({str(shown / 'module.txt')!r}).read() == 'seen'",
        f"open({str(hidden)!r})",
        f"open({str(shown / 'new.txt')!r}, 'w')",
    )
    assert errors[1] is None, errors[1]
    assert errors[2]["type"] == "FileNotFoundError"
    assert "Read-only" in errors[3]["message"]


def test_limits_on_files_memory_processes_and_network(sandbox):
    errors = run_cells(
        sandbox,
        "open('big', 'wb').write(b'x' * (2 << 20))",              # over the file size
        "for i in range(20):\n    open(f'f{i}', 'wb').write(b'x' * (900 << 10))",  # /tmp full
        "b = bytearray(8 << 30)",
        "import os; os.fork()",
        "import subprocess; subprocess.run(['true'])",
        "import threading; t = threading.Thread(target=print); t.start(); t.join()",
        "import socket; socket.create_connection(('127.0.0.1', 22), timeout=1)",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "assert libc.unshare(0x10000000) == -1 and ctypes.get_errno() == 1",  # CLONE_NEWUSER
    )
    assert "File too large" in errors[1]["message"]
    assert errors[2]["type"] == "OSError" and "No space" in errors[2]["message"]
    assert errors[3]["type"] == "MemoryError"
    assert errors[4]["type"] == errors[5]["type"] == "PermissionError"
    assert errors[6] is None                                     # threads still work
    assert errors[7]["type"] in ("OSError", "ConnectionRefusedError")
    assert errors[8] is None


def test_a_cell_past_its_time_limit_is_stopped_even_if_it_blocks_the_alarm(sandbox):
    job = {"cells": [{"n": 1, "code": "import signal\nsignal.signal(signal.SIGALRM, "
                      "signal.SIG_IGN)\nwhile True:\n    pass"}], "probes": []}
    end = sandbox.run(job, "s1", lambda e: 2.0 if e["event"] == "cell" else None)
    assert end.kind == "timeout" and [e["event"] for e in end.events] == ["ready", "cell"]


def test_unsafe_mode_runs_without_isolation(tmp_path):
    box = Sandbox(Limits(run_seconds=60), unsafe=True)
    box.check()
    job = {"cells": [{"n": 1, "code": "import os\nx = os.getcwd()"}], "probes": []}
    end = box.run(job, "s1", lambda e: 10.0)
    assert end.kind == "finished"


def test_the_seccomp_program_is_well_formed():
    for machine in ("x86_64", "aarch64"):
        prog = seccomp_filter(machine)
        assert len(prog) % 8 == 0 and 10 < len(prog) // 8 < 255
        ins = [struct.unpack("HBBI", prog[i:i + 8]) for i in range(0, len(prog), 8)]
        for i, (code, jt, jf, _) in enumerate(ins):
            if code & 0x07 == 0x05:   # a jump stays inside the program
                assert i + 1 + max(jt, jf) < len(ins)
        assert ins[-1][0] == 0x06   # it ends with a return
    assert seccomp_filter("sparc") is None


def test_the_sandbox_finds_its_packages_when_a_folder_shadows_them():
    """With tools/ on sys.path (its folder coursework/ then imports as a namespace package,
    as in a spawned grading worker of a test process that once did so), the sandbox still
    binds the installed packages."""
    import subprocess

    from conftest import ROOT

    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'tools')!r})\n"
            "import coursework; assert coursework.__file__ is None  # the shadow is there\n"
            "from coursework.sandbox import Sandbox\n"
            "print('\\n'.join(map(str, Sandbox(unsafe=True).readable())))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    package = ROOT / "tools" / "coursework" / "coursework"
    assert any(package.is_relative_to(p) for p in map(Path, proc.stdout.split())), proc.stdout
