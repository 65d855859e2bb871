"""Running a submission in isolation, with Debian's ``bubblewrap`` (``bwrap``).

Each run gets fresh namespaces (user, PID, network, IPC, UTS, cgroup): no network at all,
its own process tree (killed whole when the run ends, :option:`--die-with-parent`), a
private ``/tmp`` of limited size as its only writable place, and a read-only view of only
what Python needs: ``/usr``, the interpreter, the virtual environment's packages, the
``backprop`` package and this tool. No book source, no other submission, no output folder,
no ``/proc``, no home directory. The environment is replaced (:func:`sandbox_env`), a
seccomp filter refuses new processes (threads stay allowed) and the system calls a
sandbox never needs, and the runner sets limits on memory, CPU time, open files, file size
and processes. The wall-clock limits are kept from outside, by this process, which also
caps how much the sandbox may send. Requirements and the ``--unsafe`` fallback are in
``book/instructor-guide``.
"""

from __future__ import annotations

import json
import os
import platform
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Ending", "Limits", "Sandbox", "SandboxUnavailable", "seccomp_filter"]

INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: "
                "sudo dnf install bubblewrap); on Ubuntu 24.04 also allow unprivileged user "
                "namespaces (sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0). Or "
                "pass --unsafe to grade without isolation, only for submissions you trust.")


class SandboxUnavailable(RuntimeError):
    """No isolation can be set up here; the message says what to install."""


@dataclass(frozen=True)
class Limits:
    """Per run: ``memory_mb`` of address space, ``cpu_seconds``, ``open_files``, ``file_mb``
    for any one file, ``tmp_mb`` for the private ``/tmp``, ``output_mb`` sent back,
    ``cell_seconds`` per cell, ``call_seconds`` per call of a student's function,
    ``run_seconds`` per run, ``processes`` (threads)."""

    memory_mb: int = 2048
    cpu_seconds: int = 600
    open_files: int = 256
    file_mb: int = 16
    tmp_mb: int = 64
    output_mb: int = 64
    cell_seconds: float = 60.0
    call_seconds: float = 5.0
    run_seconds: float = 600.0
    processes: int = 64

    def for_runner(self) -> dict[str, int]:
        return {"memory_bytes": self.memory_mb << 20, "cpu_seconds": self.cpu_seconds,
                "open_files": self.open_files, "file_bytes": self.file_mb << 20,
                "processes": self.processes}


@dataclass
class Ending:
    """How a run ended: ``kind`` is ``"finished"``, ``"died"`` (exit status or signal in
    ``detail``), ``"timeout"`` or ``"output"`` (sent more than the cap); ``events`` are the
    well-formed events received, ``garbage`` counts lines that were not."""

    kind: str
    detail: str = ""
    events: list[dict] = field(default_factory=list)
    garbage: int = 0
    stderr: str = ""


# --------------------------------------------------------------------------- seccomp
_ARCH = {  # audit arch, syscall numbers (clone3 is 435 everywhere)
    "x86_64": (0xC000003E, {"clone": 56, "fork": 57, "vfork": 58, "ptrace": 101,
                            "keyctl": 250, "add_key": 248, "request_key": 249,
                            "unshare": 272, "setns": 308, "mount": 165, "umount2": 166,
                            "pivot_root": 155, "chroot": 161, "bpf": 321,
                            "perf_event_open": 298, "userfaultfd": 323, "kexec_load": 246,
                            "init_module": 175, "finit_module": 313, "delete_module": 176,
                            "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163,
                            "process_vm_readv": 310, "process_vm_writev": 311,
                            "open_tree": 428, "move_mount": 429, "fsopen": 430,
                            "fsmount": 432, "fspick": 433, "mount_setattr": 442}),
    "aarch64": (0xC00000B7, {"clone": 220, "ptrace": 117, "keyctl": 219, "add_key": 217,
                             "request_key": 218, "unshare": 97, "setns": 268, "mount": 40,
                             "umount2": 39, "pivot_root": 41, "chroot": 51, "bpf": 280,
                             "perf_event_open": 241, "userfaultfd": 282, "kexec_load": 104,
                             "init_module": 105, "finit_module": 273, "delete_module": 106,
                             "reboot": 142, "swapon": 224, "swapoff": 225, "acct": 89,
                             "process_vm_readv": 270, "process_vm_writev": 271,
                             "open_tree": 428, "move_mount": 429, "fsopen": 430,
                             "fsmount": 432, "fspick": 433, "mount_setattr": 442}),
}
_CLONE_THREAD = 0x00010000
_EPERM, _ENOSYS = 1, 38


def seccomp_filter(machine: str | None = None) -> bytes | None:
    """A classic-BPF seccomp program (``struct sock_filter`` array, bwrap's ``--seccomp``):
    ``clone`` only with ``CLONE_THREAD`` (threads, not processes), ``clone3`` answered
    ``ENOSYS`` (the C library then uses ``clone``), no ``fork``/``vfork``, and ``EPERM`` for
    namespace, mount, keyring, ptrace, BPF, module and reboot calls and for any other
    architecture's system calls. ``None`` on a machine without a table here."""
    machine = machine or platform.machine()
    arch = _ARCH.get(machine)
    if arch is None:
        return None
    audit, nr = arch
    LD, JEQ, JSET, JGE, RET = 0x20, 0x15, 0x45, 0x35, 0x06
    ALLOW, DENY, NOSYS = 0x7FFF0000, 0x00050000 | _EPERM, 0x00050000 | _ENOSYS
    blocked = [v for k, v in nr.items() if k != "clone"]
    prog: list[tuple[int, int, int, int]] = []
    # Labels are resolved after: (code, jt_label, jf_label, k); ints are literal offsets.
    body: list[tuple[int, Any, Any, int]] = [
        (LD, 0, 0, 4),                                   # arch
        (JEQ, 0, "deny", audit),
        (LD, 0, 0, 0),                                   # syscall number
    ]
    if machine == "x86_64":
        body.append((JGE, "deny", 0, 0x40000000))        # the x32 ABI
    body.append((JEQ, "nosys", 0, 435))                  # clone3
    body.append((JEQ, "clone", 0, nr["clone"]))
    body += [(JEQ, "deny", 0, n) for n in blocked]
    body.append((RET, 0, 0, ALLOW))
    labels = {"clone": len(body)}
    body += [(LD, 0, 0, 16), (JSET, "allow", "deny", _CLONE_THREAD)]  # args[0] low word
    labels["allow"] = len(body)
    body.append((RET, 0, 0, ALLOW))
    labels["deny"] = len(body)
    body.append((RET, 0, 0, DENY))
    labels["nosys"] = len(body)
    body.append((RET, 0, 0, NOSYS))
    for i, (code, jt, jf, k) in enumerate(body):
        t = labels[jt] - i - 1 if isinstance(jt, str) else jt
        f = labels[jf] - i - 1 if isinstance(jf, str) else jf
        prog.append((code, t, f, k))
    return b"".join(struct.pack("HBBI", *ins) for ins in prog)


# --------------------------------------------------------------------------- the sandbox
def sandbox_env(student: str, home: str) -> dict[str, str]:
    """The whole environment of a run: nothing of the grader's (no tokens, no paths)."""
    return {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.matplotlib",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
            "BACKPROP_STUDENT_ID": student}


def _memfd(name: str, data: bytes) -> int:
    fd = os.memfd_create(name, 0)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _package_dir(module: str) -> Path:
    import importlib

    if module == "coursework":  # this package: where this file is, however it was imported
        return Path(__file__).resolve().parent
    mod = importlib.import_module(module)
    if mod.__file__ is None:
        raise SandboxUnavailable(
            f"'{module}' was imported as a namespace package from {list(mod.__path__)}, "
            f"not as the installed package: a folder named {module!r} on sys.path shadows "
            "it; remove that folder from sys.path")
    return Path(mod.__file__).resolve().parent


class Sandbox:
    """Runs :mod:`coursework.runner` on a job, isolated with bubblewrap (or, with
    ``unsafe``, as a plain child process with the same limits and environment)."""

    HOME = "/tmp/work"

    def __init__(self, limits: Limits | None = None, *, unsafe: bool = False,
                 font_cache: tuple[str, bytes] | None = None) -> None:
        self.limits = limits or Limits()
        self.unsafe = unsafe
        self.font_cache = font_cache
        self.bwrap = shutil.which("bwrap")
        self.seccomp = seccomp_filter()

    # ----------------------------------------------------------------- what is visible
    def readable(self) -> list[Path]:
        """The host paths the sandbox sees, read-only, at the same place."""
        paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
                 Path(sys.executable).resolve().parent.parent,
                 _package_dir("backprop"), _package_dir("coursework")}
        for mount in ("/usr", "/etc/ld.so.cache", "/etc/alternatives"):
            if Path(mount).exists():
                paths.add(Path(mount))
        # Nested paths are covered by their parent's bind.
        return sorted(p for p in paths if not any(p != q and p.is_relative_to(q)
                                                  for q in paths))

    def command(self, fds: dict[str, int], student: str = "") -> list[str]:
        python = [sys.executable, "-I", "-B", "-m", "coursework.runner"]
        if self.unsafe:
            return python
        cmd = [self.bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
               "--cap-drop", "ALL", "--disable-userns", "--hostname", "sandbox",
               "--uid", "65534", "--gid", "65534", "--clearenv",
               # /tmp first: the binds below then show a Python or a checkout that lives
               # under /tmp (a CI clone, a venv made there) instead of being hidden by it.
               "--dev", "/dev", "--size", str(self.limits.tmp_mb << 20), "--tmpfs", "/tmp"]
        for p in self.readable():
            cmd += ["--ro-bind", str(p), str(p)]
        for top in ("/bin", "/lib", "/lib64", "/sbin"):  # merged /usr: symlinks
            if Path(top).is_symlink():
                cmd += ["--symlink", os.readlink(top), top]
            elif Path(top).is_dir():
                cmd += ["--ro-bind", top, top]
        cmd += ["--dir", self.HOME, "--dir", f"{self.HOME}/.matplotlib",
                "--file", str(fds["job"]), f"{self.HOME}/job.json"]
        if "fonts" in fds:
            cmd += ["--file", str(fds["fonts"]), f"{self.HOME}/.matplotlib/"
                    f"{self.font_cache[0]}"]
        if "seccomp" in fds:
            cmd += ["--seccomp", str(fds["seccomp"])]
        for key, value in sandbox_env(student, self.HOME).items():
            cmd += ["--setenv", key, value]
        # Nothing outside /tmp is writable, not even the mount points bwrap made.
        cmd += ["--remount-ro", "/", "--chdir", self.HOME, "--"]
        return cmd + python

    def check(self) -> None:
        """Raise :class:`SandboxUnavailable` unless a sandbox starts and is isolated."""
        if self.unsafe:
            return
        if self.bwrap is None:
            raise SandboxUnavailable("bubblewrap (bwrap) is not installed: " + INSTALL_HINT)
        probe = ("import socket, os\n"
                 "s = socket.socket()\n"
                 "try:\n    s.connect(('127.0.0.1', 9)); net = True\n"
                 "except OSError:\n    net = False\n"
                 "try:\n    os.fork(); fork = True\n"
                 "except OSError:\n    fork = False\n"
                 "print(net, fork, os.path.exists('/proc/1'))\n")
        job = {"channel_fd": 1, "limits": self.limits.for_runner(), "cells": [],
               "probes": [], "cell_seconds": 5}
        fds = self._fds(job)
        cmd = self.command(fds)
        cmd = cmd[:cmd.index("--") + 1] + [sys.executable, "-I", "-c", probe]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                                  pass_fds=list(fds.values()), env={})
        finally:
            for fd in fds.values():
                os.close(fd)
        if proc.returncode != 0:
            raise SandboxUnavailable("bubblewrap is installed but cannot make a sandbox "
                                     f"here ({proc.stderr.strip()[-300:]}): " + INSTALL_HINT)
        if proc.stdout.split() != ["False", "False", "False"]:
            raise SandboxUnavailable("the sandbox is not isolated (network, new processes "
                                     f"or /proc reachable: {proc.stdout.strip()}); "
                                     + INSTALL_HINT)

    # ----------------------------------------------------------------- one run
    def _fds(self, job: dict) -> dict[str, int]:
        fds = {"job": _memfd("job", json.dumps(job).encode())}
        if self.font_cache is not None:
            fds["fonts"] = _memfd("fonts", self.font_cache[1])
        if self.seccomp is not None:
            fds["seccomp"] = _memfd("seccomp", self.seccomp)
        return fds

    def run(self, job: dict, student: str,
            deadline_for: Callable[[dict], float | None],
            seconds: float | None = None) -> Ending:
        """Run ``job`` for at most ``seconds`` (default: ``limits.run_seconds``);
        ``deadline_for(event)`` gives the seconds the next phase may take (``None``: keep
        the current deadline). Every process of the run is gone on return."""
        read_fd, write_fd = os.pipe()
        job = {**job, "channel_fd": write_fd, "limits": self.limits.for_runner(),
               "cell_seconds": self.limits.cell_seconds}
        tmp = None
        if self.unsafe:
            tmp = tempfile.TemporaryDirectory(prefix="coursework-unsafe-")
            Path(tmp.name, "job.json").write_text(json.dumps(job))
            Path(tmp.name, ".matplotlib").mkdir()
            if self.font_cache is not None:
                Path(tmp.name, ".matplotlib", self.font_cache[0]).write_bytes(
                    self.font_cache[1])
            fds: dict[str, int] = {}
            env = sandbox_env(student, tmp.name)
        else:
            fds = self._fds(job)
            env = {}
        try:
            proc = subprocess.Popen(
                self.command(fds, student), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                pass_fds=[write_fd, *fds.values()], start_new_session=True,
                cwd=tmp.name if tmp else "/", env=env)
        finally:
            os.close(write_fd)
            for fd in fds.values():
                os.close(fd)
        ending = None
        try:
            ending = self._watch(proc, read_fd, deadline_for,
                                 self.limits.run_seconds if seconds is None else seconds)
            return ending
        finally:
            if ending is not None and ending.kind == "finished":
                try:  # the runner exits by itself after "end"; let it (and its CPU) go
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            self._kill(proc)
            os.close(read_fd)
            if tmp is not None:
                tmp.cleanup()

    def _watch(self, proc: subprocess.Popen, read_fd: int,
               deadline_for: Callable[[dict], float | None], seconds: float) -> Ending:
        start = time.monotonic()
        run_end = start + seconds
        deadline = start + 60.0  # to start Python and import the package
        cap = self.limits.output_mb << 20
        received, pieces, err = 0, [], b""
        ending = Ending("died")
        sel = selectors.DefaultSelector()
        sel.register(read_fd, selectors.EVENT_READ, "channel")
        sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
        open_streams = 2
        while open_streams:
            now = time.monotonic()
            limit = min(deadline, run_end)
            if now >= limit:
                ending.kind = "timeout"
                ending.detail = "run" if limit == run_end else "phase"
                break
            for key, _ in sel.select(timeout=limit - now):
                if key.data == "stderr":
                    chunk = proc.stderr.read1(65536) if hasattr(proc.stderr, "read1") \
                        else os.read(key.fd, 65536)
                    if not chunk:
                        sel.unregister(key.fileobj)
                        open_streams -= 1
                    err = (err + chunk)[-16384:]
                    continue
                chunk = os.read(read_fd, 1 << 16)
                if not chunk:
                    sel.unregister(read_fd)
                    open_streams -= 1
                    continue
                received += len(chunk)
                if received > cap:
                    ending.kind = "output"
                    open_streams = 0
                    break
                if b"\n" not in chunk:  # no line ends here: keep it, without rescanning
                    pieces.append(chunk)
                    continue
                *lines, rest = chunk.split(b"\n")
                lines[0] = b"".join(pieces) + lines[0]
                pieces = [rest]
                for line in lines:
                    event = _event(line)
                    if event is None:
                        ending.garbage += 1
                        continue
                    ending.events.append(event)
                    if event["event"] == "end":
                        ending.kind = "finished"
                    seconds = deadline_for(event)
                    if seconds is not None:
                        deadline = time.monotonic() + seconds
                if ending.kind == "finished":
                    open_streams = 0
                    break
        if ending.kind == "died":
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            ending.detail = _exit_text(code)
        ending.stderr = err.decode(errors="replace")
        return ending

    @staticmethod
    def _kill(proc: subprocess.Popen) -> None:
        # bwrap's death takes its PID namespace with it; the process group catches an
        # --unsafe run's children.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if proc.stderr is not None:
            proc.stderr.close()


_EVENTS = {"ready", "cell", "cell-done", "probe", "probe-done", "end"}


def _event(line: bytes) -> dict | None:
    """One well-formed event, or ``None`` (a line the runner did not write)."""
    if len(line) > (48 << 20):
        return None
    try:
        event = json.loads(line)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None
    if not isinstance(event, dict) or event.get("event") not in _EVENTS:
        return None
    return event


def _exit_text(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0 or code > 128:  # bwrap reports its child's death by signal n as 128 + n
        n = -code if code < 0 else code - 128
        try:
            name = signal.Signals(n).name
        except ValueError:
            name = f"signal {n}"
        return f"was killed by {name}"
    return f"exited with status {code}"


def build_font_cache(python: str = sys.executable) -> tuple[str, bytes] | None:
    """Matplotlib's font list, built once by a trusted child process and handed to every
    run (building it in each sandbox costs a second)."""
    with tempfile.TemporaryDirectory(prefix="coursework-fonts-") as tmp:
        code = ("import matplotlib.font_manager as fm, os, sys; "
                "sys.stdout.write('fontlist-v%s.json' % fm.FontManager.__version__)")
        proc = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True,
                              env={"MPLCONFIGDIR": tmp, "PATH": "/usr/bin:/bin",
                                   "HOME": tmp}, timeout=300)
        path = Path(tmp, proc.stdout.strip())
        if proc.returncode != 0 or not path.is_file():
            return None
        return path.name, path.read_bytes()

