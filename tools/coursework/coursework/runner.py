"""The grader's process inside the sandbox: it runs a submission's cells and probes its
answers, and reports through one file descriptor (``python -I -m coursework.runner``).

It reads the job the trusted side wrote (``job.json`` in the working directory: the cells to
run, the probes of :func:`backprop.exercises.wire.probe` with their planned inputs, the
limits), sets its resource limits, then writes one JSON line per event to the channel:
``ready``, ``cell``/``cell-done`` (with the exception a cell raised), ``probe``/``probe-done``
(with the plain data the probe returned) and ``end``. Nothing it writes is trusted as a
grade: the judge runs outside (:mod:`coursework.grading`). It imports only the standard
library and ``backprop``. A cell that kills the process is found from the last event.
"""

from __future__ import annotations

import builtins
import json
import linecache
import os
import resource
import signal
import sys
from typing import Any

_write = os.write          # kept before any student code can replace it
_dumps = json.dumps


class _CellTimeout(BaseException):
    pass


def _limit(which: int, value: int) -> None:
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):  # a lower hard limit already applies
        pass


def set_limits(limits: dict[str, int]) -> None:
    """Address space, CPU seconds, open files, file size, processes; no core files."""
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_AS, int(limits["memory_bytes"]))
    _limit(resource.RLIMIT_CPU, int(limits["cpu_seconds"]))
    _limit(resource.RLIMIT_NOFILE, int(limits["open_files"]))
    _limit(resource.RLIMIT_FSIZE, int(limits["file_bytes"]))
    _limit(resource.RLIMIT_NPROC, int(limits["processes"]))


class Channel:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, event: dict[str, Any]) -> None:
        data = (_dumps(event, allow_nan=True) + "\n").encode()
        while data:
            data = data[_write(self.fd, data):]


def _lookup(ns: dict[str, Any], dotted: str) -> Any:
    head, *rest = dotted.split(".")
    if head not in ns:
        raise NameError(head)
    value = ns[head]
    for part in rest:
        value = getattr(value, part)
    return value


def run_cell(n: int, source: str, ns: dict[str, Any], seconds: float) -> dict | None:
    """Run one cell's code; ``None`` or what it raised (type, message, where)."""
    from backprop.exercises.framework import student_line

    name = f"<code cell {n}>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)

    def stop(signum: int, frame: Any) -> None:  # noqa: ARG001 - signal handler signature
        raise _CellTimeout

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        exec(compile(source, name, "exec"), ns)  # noqa: S102 - the sandbox is the point
    except _CellTimeout:
        return {"type": "timeout", "message": f"it was still running after {seconds:g} s "
                "and was stopped (an infinite loop?)", "where": ""}
    except SystemExit as exc:
        return {"type": "SystemExit", "message": f"it called sys.exit({exc.code!r})"[:300],
                "where": ""}
    except BaseException as exc:  # noqa: BLE001 - a submission may raise anything
        return {"type": type(exc).__name__[:80], "message": str(exc)[:300],
                "where": student_line(exc)}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return None


def main() -> None:
    with open("job.json") as fh:
        job = json.load(fh)
    os.unlink("job.json")
    channel = Channel(int(job["channel_fd"]))
    from backprop.exercises import framework, wire

    # The notebook's own check calls need no verdict here (the judge is outside): skip them.
    framework.run_check = lambda spec, answers, *, points=1.0, show=True: framework.Feedback(
        spec.label, framework.NOT_YET, "checked by the grader", 0.0, points)
    probe = wire.probe
    set_limits(job["limits"])
    sys.setrecursionlimit(3000)
    channel.send({"event": "ready"})
    ns: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins,
                          "display": lambda *a, **k: None}
    for cell in job["cells"]:
        channel.send({"event": "cell", "n": cell["n"]})
        error = run_cell(int(cell["n"]), cell["code"], ns, float(job["cell_seconds"]))
        channel.send({"event": "cell-done", "n": cell["n"], "error": error})
    for item in job["probes"]:
        channel.send({"event": "probe", "label": item["label"]})
        try:
            result = probe(lambda name: _lookup(ns, name), item["wired"])
        except BaseException as exc:  # noqa: BLE001 - reported, the judge decides
            result = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        channel.send({"event": "probe-done", "label": item["label"], "result": result})
    # The CPU this run used (the benchmark's figure; the host cannot see it from outside,
    # and nothing in grading depends on it).
    own = resource.getrusage(resource.RUSAGE_SELF)
    channel.send({"event": "end", "cpu": own.ru_utime + own.ru_stime})
    os._exit(0)  # no exit handlers a submission registered, no flushing of its files


if __name__ == "__main__":
    main()
