"""The sandboxed grader (``make grade``) against a class of adversarial submissions made from
the demo chapter's student edition: honest work of every kind keeps its exact grade, no cheat
scores, nothing is written outside the sandbox, no process survives, no environment variable
reaches the feedback, every file has its row, and feedback is escaped."""

from __future__ import annotations

import csv
import os
import re
import socket
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

import nbformat
import pytest

import coursework as cw
from conftest import ROOT, sandbox_or_skip
from coursework import edition
from coursework.sandbox import SandboxUnavailable
from jupyterlab_helpers import LOCAL_PACKAGES

DEMO = ROOT / "tests" / "data" / "coursework" / "coursework-demo.md"
L1, L2, L3, L4, L5 = (f"ex-coursework-demo-{n}" for n in range(1, 6))
CANARY = "grader-secret-7f3a9c"          # an environment variable of the instructor
MARKER = "survivor-4d1e"                 # in the command line of any process a cheat starts
pytestmark = pytest.mark.grading


STUB = {L1: "dE_dw = None",
        **{label: f'raise NotImplementedError("{label}: not answered yet")'
           for label in (L2, L3, L5)}}
RIGHT = {
    L1: "dE_dw = sp.diff(sp.Rational(1, 2) * (t_k - tanh_net) ** 2, w_kj)",
    L2: "return (T - A) * A * (1 - A)",
    L3: "return A_hidden * (1 - A_hidden) * (delta_out @ W2)",
    L5: "a_top = activations[-1]\n    deltas = [(T - a_top) * a_top * (1 - a_top)]\n"
        "    for l in range(len(weights) - 1, 0, -1):\n        a = activations[l]\n"
        "        deltas.insert(0, a * (1 - a) * (deltas[0] @ weights[l]))\n    return deltas",
}


def answer(nb, label: str, new: str) -> None:
    for cell in nb.cells:
        if cell.metadata.get(cw.META, {}).get("exercise") == label:
            assert STUB[label] in cell.source
            cell.source = cell.source.replace(STUB[label], new)
            return
    raise AssertionError(f"no answer cell for {label}")


def solved(nb, labels=(L1, L2, L3, L5)):
    for label in labels:
        answer(nb, label, RIGHT[label])
    return nb


def add(nb, code: str, at: int | None = None):
    # The first line makes the cell one the exercises need, so the grader runs it: early, it
    # binds the SymPy that the first answer cell reads; later, it changes an answer.
    hook = "import sympy as sp\n" if at == 2 else "output_deltas.graded = True\n"
    cell = nbformat.v4.new_code_cell(hook + code)
    nb.cells.insert(len(nb.cells) if at is None else at, cell)
    return nb


# (file, builder, points for L1..L5 as the CSV shows them)
def _class(blank, port: int, secret_file: Path) -> list[tuple[str, object, tuple]]:
    def new():
        return nbformat.from_dict(nbformat.from_dict(blank))

    one = ("1", "1", "1", "manual", "1")
    f32 = new()
    solved(f32, (L1, L5))
    answer(f32, L2, "T, A = T.astype(np.float32), A.astype(np.float32)\n"
                    "    return (T - A) * A * (1 - A)")
    answer(f32, L3, "H = A_hidden.astype(np.float32)\n"
                    "    return H * (1 - H) * (delta_out.astype(np.float32) @ W2)")
    partly = solved(new(), (L1, L3))
    answer(partly, L2, "return -(T - A) * A * (1 - A)")
    answer(partly, L5, "return [T]")
    deleted = solved(new(), (L1, L2))
    deleted.cells = [c for c in deleted.cells
                     if c.metadata.get(cw.META, {}).get("exercise") != L3]
    deleted.metadata.pop(cw.META)
    crashing = solved(new(), (L1,))
    answer(crashing, L2, "x = 1\n    return x / undefined_thing")
    add(crashing, "1 / 0", at=2)
    looping = solved(new(), (L1,))
    answer(looping, L2, "while True:\n        pass")
    add(looping, "while True:\n    pass", at=2)
    cheats = {
        # The verdict is not in the sandbox: patching what runs there changes nothing.
        "patch-checks": "import backprop.exercises as e, backprop.exercises.framework as fw\n"
                        "e.check_output_deltas = lambda f: fw.Feedback('x','correct','',1,1)\n"
                        "fw.Checker.verdict = lambda *a: (fw.correct(), [])\n"
                        "import backprop.exercises.wire as w\nw.decode_probe = lambda d: {}",
        "patch-libraries": "import json, builtins, numpy as np, sympy\n"
                           "np.allclose = lambda *a, **k: True\n"
                           "json.dumps = lambda *a, **k: '{\"event\": \"end\"}'\n"
                           "sympy.simplify = lambda e, *a, **k: 0\n"
                           "builtins.isinstance = lambda a, b: True",
        "patch-imports": "import sys\nclass Finder:\n    def find_spec(self, *a, **k):\n"
                         "        raise ImportError('no')\nsys.meta_path.insert(0, Finder())",
        "frames": "import sys, gc\nfound = [o for o in gc.get_objects() if isinstance(o, dict) "
                  "and 'want' in o]\nref = sys._getframe().f_back",
        "exit-handler": "import atexit, os\natexit.register(lambda: [os.write(fd, "
                        "b'{\"event\": \"probe-done\", \"label\": \"ex-coursework-demo-2\", "
                        "\"result\": {}}\\n') for fd in range(3, 12)])",
        "forger-thread": "import threading, os, time, json\n"
                         "def forge():\n    while True:\n"
                         "        for fd in range(3, 12):\n            try:\n"
                         "                os.write(fd, (json.dumps({'event': 'probe-done', "
                         "'label': 'ex-coursework-demo-2', 'result': {'output_deltas': "
                         "{'name': 'output_deltas', 'value': None}}}) + '\\n').encode())\n"
                         "            except OSError:\n                pass\n"
                         "        time.sleep(0.001)\n"
                         "threading.Thread(target=forge, daemon=True).start()",
        "classmates": "import glob, os\nfor p in glob.glob('/**/*.ipynb', recursive=True) + "
                      f"glob.glob('{ROOT}/book/*.md'):\n    exec(open(p).read())",
        "sitecustomize": f"open('{ROOT}/sitecustomize.py', 'w').write('print(1)')",
        "site-packages": f"import site\nopen(site.getsitepackages()[0] + '/zz_{MARKER}.pth', "
                         "'w').write('import os')",
        "background": f"import subprocess\nsubprocess.Popen(['sh', '-c', 'sleep 60; echo "
                      f"{MARKER} > grades.csv'])",
        "fork": f"import os, time\nif os.fork() == 0:\n    os.execvp('sleep', ['sleep', "
                f"'60', '{MARKER}'])",
        "forged-feedback": f"import os\nos.makedirs('{ROOT}/_build_grades/feedback', "
                           "exist_ok=True)\n"
                           f"open('{ROOT}/_build_grades/feedback/nobody.md','w').write('x')",
        "environment": "import os\nraise RuntimeError(repr(dict(os.environ)))",
        "input": "x = input('password? ')",
        "network": f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), "
                   "timeout=2)\ns.sendall(b'stolen')",
        "read-secret": f"print(open('{secret_file}').read())",
        "shrink-data": "X = X[:1]\nT = T[:1]",
    }
    subs = [("correct.ipynb", solved(new()), one),
            ("renamed/my homework (final) v2.ipynb", solved(new()), one),
            ("upper.IPYNB", solved(new()), one),
            ("float32.ipynb", f32, one),
            ("saves-files.ipynb", add(solved(new()), "import numpy as np\n"
                                      "np.save('deltas.npy', np.ones(3))\n"
                                      "open('results.csv', 'w').write('a,b\\n')"), one),
            ("partly.ipynb", partly, ("1", "0", "1", "manual", "0")),
            ("empty.ipynb", new(), ("0", "0", "0", "manual", "0")),
            ("deleted.ipynb", deleted, ("1", "1", "0", "manual", "0")),
            ("crashing.ipynb", crashing, ("1", "0", "0", "manual", "0")),
            ("looping.ipynb", looping, ("1", "0", "0", "manual", "0"))]
    # Crashes and hard kills: the answers defined before them are still graded.
    for name, code in {"os-exit": "import os\nos._exit(1)",
                       "kill-9": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                       "segfault": "import sys\nsys.setrecursionlimit(10**7)\n"
                                   "def f(n):\n    return f(n + 1)\nf(0)",
                       "memory": "b = bytearray(6 * 1024**3)",
                       "flood-channel": "import os\nfor fd in range(3, 12):\n    try:\n"
                                        "        os.write(fd, b'x' * (80 << 20))\n"
                                        "    except OSError:\n        pass",
                       "flood-output": "print('x' * (50 << 20))"}.items():
        nb = solved(new(), (L1, L2, L3))
        add(nb, code, at=len(nb.cells) - 2)          # after L1-L3, before L5's cell
        subs.append((f"{name}.ipynb", nb, ("1", "1", "1", "manual", "0")))
    ignores_alarm = solved(new(), (L1, L3))
    answer(ignores_alarm, L2, "import signal\n    signal.signal(signal.SIGALRM, "
                              "signal.SIG_IGN)\n    while True:\n        pass")
    subs.append(("ignores-sigalrm.ipynb", ignores_alarm, ("1", "0", "1", "manual", "0")))
    for name, code in cheats.items():
        nb = new()
        answer(nb, L2, "return T")                  # wrong, whatever the cheat does
        add(nb, code, at=2)
        add(nb, code)
        for cell in nb.cells:                       # and in the answer cell itself
            if cell.metadata.get(cw.META, {}).get("exercise") == L2:
                cell.source = code + "\n" + cell.source
        subs.append((f"cheat-{name}.ipynb", nb, ("0", "0", "0", "manual", "0")))
    shortcut = solved(new(), (L1, L3))
    answer(shortcut, L2, "from backprop import Network\n    from backprop.network import "
                         "Forward\n    net = Network.from_parameters([np.zeros((A.shape[1], "
                         "1))])\n    return net.backward(Forward([np.zeros((len(A), 1)), A], "
                         "[A]), T).deltas[-1]")
    subs.append(("shortcut.ipynb", shortcut, ("1", "0", "1", "manual", "0")))
    markup = new()
    answer(markup, L2, "raise ValueError('![x](http://evil.example/t.png) "
                       "<script>alert(1)</script> [click](http://evil.example)')")
    subs.append(("markup.ipynb", markup, ("0", "0", "0", "manual", "0")))
    return subs


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    sandbox_or_skip()
    tmp = tmp_path_factory.mktemp("grading")
    edition.build_student_edition(ROOT, tmp / "edition", [DEMO], package=False)
    edition.build_student_edition(ROOT, tmp / "other", [ROOT / "book" / "output-layer.md"],
                                  package=False)
    blank = nbformat.read(tmp / "edition" / "coursework-demo.ipynb", as_version=4)
    secret = tmp / "secret.txt"
    secret.write_text("TOPSECRET-a91")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def listen() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                seen.append(conn.recv(100) or b"connected")
            except OSError:
                pass

    threading.Thread(target=listen, daemon=True).start()
    subs = tmp / "submissions"
    expected = {}
    for name, nb, points in _class(blank, server.getsockname()[1], secret):
        path = subs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        expected[Path(name).parts[0] if "/" in name else Path(name).stem] = points
    (subs / "notes.ipynb").write_text("this is not a notebook")
    (subs / "essay.txt").write_text("I did my best")
    (subs / "linked.ipynb").symlink_to(secret)
    (subs / "other-chapter.ipynb").write_bytes((tmp / "other" / "output-layer.ipynb")
                                               .read_bytes())
    before = _listing(ROOT)
    out = tmp / "grades"
    proc = subprocess.run(
        [sys.executable, "-m", "coursework", "grade", os.path.relpath(subs, tmp),
         "--root", str(ROOT), "--out", str(out), "--chapters", str(DEMO),
         str(ROOT / "book" / "output-layer.md"), "--chapter", "coursework-demo",
         "--cell-timeout", "3", "--call-timeout", "1", "--notebook-timeout", "60",
         "--memory-mb", "1536", "--jobs", "2"],
        capture_output=True, text=True, cwd=tmp, timeout=1200,
        env={**os.environ, "CANARY_TOKEN": CANARY})
    stop.set()
    assert proc.returncode == 0, proc.stderr[-3000:]
    with (out / "grades.csv").open() as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    return {"rows": rows, "out": out, "expected": expected, "seen": seen, "before": before,
            "after": _listing(ROOT), "subs": subs, "tmp": tmp}


def _listing(root: Path) -> set[str]:
    out = set()
    # pip's build folders of the packages the Binder venv installs from the checkout.
    pip_writes = {str(root / folder) for folder in LOCAL_PACKAGES}
    for here, dirs, files in os.walk(root):
        # Folders other tests write while this one grades (the build; the Binder venv the
        # JupyterLab tests make on the other worker, and pip's build/ and .egg-info/ as it
        # installs binder/lab and tools/coursework into it) are not the sandbox's doing; the
        # installed packages are checked for the marker below.
        dirs[:] = [d for d in dirs if not d.startswith((".venv", "_build")) and d not in (
            ".git", ".pytest_cache", "__pycache__", ".ruff_cache", ".jupyter_cache")
            and not (here in pip_writes and (d == "build" or d.endswith(".egg-info")))]
        out |= {os.path.join(here, f) for f in files}
    return out


def test_every_file_has_a_row(graded):
    rows = graded["rows"]
    assert set(rows) == set(graded["expected"]) | {"notes", "essay", "linked", "other-chapter"}
    assert rows["notes"]["status"] == "unreadable"
    assert rows["essay"]["status"] == "not a notebook"
    assert rows["linked"]["status"] == "symlink"
    assert rows["other-chapter"]["status"] == "wrong chapter"
    assert "output-layer" in rows["other-chapter"]["note"]
    assert rows["upper"]["file"] == "upper.IPYNB"


def test_points(graded):
    rows, wrong = graded["rows"], []
    for student, points in graded["expected"].items():
        got = tuple(rows[student][label] for label in (L1, L2, L3, L4, L5))
        if got != points:
            wrong.append((student, got, points))
    assert not wrong, "\n".join(f"{s}: got {g}, expected {e}" for s, g, e in wrong)


def test_no_cheat_scores(graded):
    cheats = [s for s in graded["rows"] if s.startswith("cheat-")]
    assert len(cheats) >= 15
    assert all(graded["rows"][s]["total"] == "0" for s in cheats)


def test_nothing_is_written_outside_the_sandbox(graded):
    assert graded["after"] == graded["before"], graded["after"] ^ graded["before"]
    assert not (ROOT / "sitecustomize.py").exists()
    assert sorted(p.name for p in (graded["out"] / "feedback").iterdir()) == sorted(
        f"{s}.md" for s in graded["rows"])
    made = {p.name for p in graded["subs"].rglob("*")}
    assert "deltas.npy" not in made and "results.csv" not in made
    assert not list(Path(sysconfig.get_paths()["purelib"]).glob(f"*{MARKER}*"))


def test_no_process_survives(graded):
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            assert MARKER.encode() not in cmdline, f"process {pid} survived: {cmdline!r}"


def test_no_network_and_no_secrets_in_the_feedback(graded):
    assert graded["seen"] == []
    texts = " ".join(p.read_text() for p in (graded["out"] / "feedback").iterdir())
    csv_text = (graded["out"] / "grades.csv").read_text()
    for secret in (CANARY, "TOPSECRET"):
        assert secret not in texts and secret not in csv_text, secret


def test_a_shortcut_is_flagged_and_by_default_not_counted(graded):
    row = graded["rows"]["shortcut"]
    assert row["shortcuts"] == L2
    text = (graded["out"] / "feedback" / "shortcut.md").read_text()
    assert "Network.backward" in text and "does not count" in text


@pytest.mark.parametrize("student, words", [
    ("correct", ["matches the derived rule"]),
    ("float32", ["matches the derived rule"]),
    ("partly", ["sign is flipped", "4 deltas; you gave 1"]),
    ("empty", ["not yet", "replace None"]),
    ("deleted", ["hidden\\_deltas\\` is not defined"]),
    ("crashing", ["NameError", "of code cell 4 \\`return x / undefined\\_thing\\`",
                  "code cell 2 (\\`import sympy as sp\\`) raised ZeroDivisionError"]),
    ("looping", ["still running after 1 s", "still running after 3 s"]),
    ("ignores-sigalrm", ["stopped from outside"]),
    ("os-exit", ["os.\\_exit", "graded without it"]),
    ("kill-9", ["SIGKILL", "graded without it"]),
    ("segfault", ["graded without it"]),
    ("memory", ["MemoryError"]),
    ("flood-channel", ["sent more than"]),
    ("cheat-input", ["EOFError"]),
    ("cheat-network", ["code cell"]),
    ("cheat-fork", ["PermissionError"]),
    ("notes", ["ot a readable notebook"]),
    ("linked", ["symbolic link"]),
    ("essay", ["not a notebook"]),
])
def test_feedback_names_what_happened(graded, student, words):
    text = (graded["out"] / "feedback" / f"{student}.md").read_text()
    for word in words:
        assert word in text, f"{student}: {word!r} not in\n{text}"


def test_student_text_is_escaped(graded):
    text = (graded["out"] / "feedback" / "markup.md").read_text()
    assert "evil.example" in text and "&lt;script&gt;" in text and "<script>" not in text
    assert not re.search(r"(?<!\\)\]\(", text), "a link survived"
    assert not re.search(r"(?<!\\)!\[", text), "an image survived"


def test_suspicious_code_is_noted_for_review(graded):
    assert "threads" in graded["rows"]["cheat-forger-thread"]["review"]
    assert "stack frames" in graded["rows"]["cheat-frames"]["review"]
    assert graded["rows"]["correct"]["review"] == ""


def test_grading_refuses_without_isolation_unless_unsafe(tmp_path, monkeypatch):
    from coursework import classroom, grading

    monkeypatch.setattr("shutil.which", lambda name: None)
    assignment = grading.Assignment.from_book([DEMO])
    (tmp_path / "subs").mkdir()
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        classroom.grade_folder(tmp_path / "subs", tmp_path / "out", assignment)
    csv_path = classroom.grade_folder(tmp_path / "subs", tmp_path / "out", assignment,
                                      unsafe=True, jobs=1)
    assert csv_path.read_text().startswith("student,file,chapter,status")


def test_an_unknown_folder_is_a_clear_error(tmp_path):
    from coursework import classroom, grading

    with pytest.raises(cw.CourseworkError, match="not a folder"):
        classroom.grade_folder(tmp_path / "missing", tmp_path / "out",
                               grading.Assignment.from_book([DEMO]))


def test_identify_chapter_never_uses_the_file_name():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "**Exercise ex-coursework-demo-2.** Write it.")])
    assert cw.identify_chapter(nb, ["coursework-demo"]) == "coursework-demo"
    assert cw.identify_chapter(nbformat.v4.new_notebook(), ["coursework-demo"]) is None


def test_a_notebook_that_keeps_crashing_the_sandbox_gets_a_bounded_time(tmp_path):
    """Each run skips the cell that crashed; all runs of one notebook share a budget of twice
    one run's time, so a hostile notebook cannot hold a worker for long."""
    from coursework import grading
    from coursework.sandbox import Ending, Limits

    class Crashing:
        limits = Limits(run_seconds=3)

        def __init__(self) -> None:
            self.calls: list[tuple[int, float]] = []

        def run(self, job, student, deadline_for, seconds):
            import time

            self.calls.append((len(job["cells"]), seconds))
            time.sleep(1.0)
            events = [{"event": "ready"}]
            if job["cells"]:
                events.append({"event": "cell", "n": job["cells"][0]["n"]})
            return Ending("died", "was killed by SIGKILL", events)

    box = Crashing()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"output_deltas = {i}") for i in range(10)])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    subs = grading.Assignment.from_book([DEMO])
    nb_data, _, _ = grading.read_submission(path)
    nb_data["metadata"] = {cw.META: {"chapter": "coursework-demo"}}
    result: dict = {"exercises": {}, "problems": [], "review": [], "shortcuts": []}
    grading.Grader(subs, box)._grade_notebook(nb_data, "coursework-demo", "s1", result)
    assert 2 <= len(box.calls) <= 7
    assert [n for n, _ in box.calls] == sorted((n for n, _ in box.calls), reverse=True)
    assert all(s <= 3 for _, s in box.calls)
    assert any("graded without it" in p for p in result["problems"])
    assert "not graded" in result["exercises"][L2]["message"]
