"""What the Binder image adds: the size of a venv made from each set of requirements.

    .venv/bin/python benchmarks/binder_image_size.py

Makes two fresh venvs in a temporary folder, from the root ``requirements.txt`` (what
``make book`` installs: the book-building toolchain too, without the test tools) and from
``binder/requirements.txt`` (what Binder installs: running the chapters and the student
edition), with pip run from the repository root as repo2docker runs it (the pip cache makes
this quick after the first time). Prints each venv's size on disk (``du``, bytes actually
used) and its number of packages. The Binder image is repo2docker's base image plus the
second venv's contents; the difference between the two is what ``binder/`` saves.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER_REQUIREMENTS = ROOT / "binder" / "requirements.txt"


def venv_size(requirements: Path, where: Path) -> tuple[int, int]:
    """Bytes on disk and number of installed distributions of a venv made from a file."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(where)], check=True)
    python = where / "bin" / "python"
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(requirements)],
                         cwd=ROOT, capture_output=True, text=True)
    if pip.returncode:
        sys.exit(f"pip could not install {requirements}:\n{pip.stderr[-3000:]}")
    du = subprocess.run(["du", "-sb", str(where)], capture_output=True, text=True, check=True)
    freeze = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"],
                            capture_output=True, text=True, check=True).stdout.split()
    return int(du.stdout.split()[0]), len(freeze)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, req in [("book (requirements.txt)", ROOT / "requirements.txt"),
                           ("Binder (binder/requirements.txt)", BINDER_REQUIREMENTS)]:
            size, count = venv_size(req, Path(tmp) / label.split()[0].lower())
            rows.append((label, size, count))
    print(f"{'venv made from':36} {'size on disk':>14} {'packages':>9}")
    for label, size, count in rows:
        print(f"{label:36} {size / 2**20:11.0f} MiB {count:9d}")
    saved = rows[0][1] - rows[1][1]
    print(f"Binder installs {saved / 2**20:.0f} MiB less ({100 * saved / rows[0][1]:.0f}% of "
          "the book's venv).")


if __name__ == "__main__":
    main()
