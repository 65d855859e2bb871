"""Frames per second of the browser playground (book/training-xor, error-landscapes, beyond-xor).

Opens each page of the built book in headless Chromium (Debian's chromium), presses play and,
for --seconds, counts the animation frames in which the playground's canvases changed (each
frame, the canvases are shrunk onto a 48x48 canvas and compared with the previous frame). It
does the same for the large setting (3 hidden layers of 8 units, 1000 points), and reports
whether the page lowered its own drawing rate and said so. Then, for the Jupyter widget
(backprop.playground.Playground), it times the kernel's side of a frame (train_epochs and the
frame's numbers) and the bytes the frame sends, next to the alternative it replaced: a
matplotlib PNG of the boundary made in the kernel. With --lab it also opens Training XOR in
JupyterLab (tests/jupyterlab_helpers.py's server, from .venv; every cell rendered), runs it,
and counts the widget's changed frames twice in one run: the page asking the kernel for each
frame (the design the kernel's push replaced, up to four requests in flight) and the kernel
pushing frames paced to the display (what the widget does).
Target: >= 60 frames/s median on every page and in JupyterLab (30 is the floor).

    .venv/bin/python benchmarks/playground_fps.py [--html _build/html] [--seconds 5] [--lab]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = [("Training XOR", "book/training-xor.html", ""),
         ("Error landscapes", "book/error-landscapes.html", ""),
         ("Beyond XOR", "book/beyond-xor.html", ""),
         ("Beyond XOR, 3x8 units, 1000 points", "book/beyond-xor.html",
          "#pg:layers=3&hidden=8&n=1000&data=circles&noise=0.1&speed=1")]

# Runs in the page: frames whose pixels changed, per second, over `seconds`.
COUNT_JS = """async ([selector, seconds]) => {
  const root = document.querySelector(selector);
  const small = document.createElement('canvas'); small.width = 48; small.height = 48;
  const g = small.getContext('2d', { willReadFrequently: true });
  let last = null; const changed = []; const t0 = performance.now();
  await new Promise((done) => {
    const frame = (now) => {
      g.clearRect(0, 0, 48, 48);
      for (const c of root.querySelectorAll('canvas')) g.drawImage(c, 0, 0, 48, 48);
      const px = g.getImageData(0, 0, 48, 48).data;
      let h = 0;
      for (let i = 0; i < px.length; i++) h = (Math.imul(h, 31) + px[i]) | 0;
      if (last !== null && h !== last) changed.push(now - t0);
      last = h;
      if (now - t0 < seconds * 1000) requestAnimationFrame(frame); else done();
    };
    requestAnimationFrame(frame);
  });
  const perSecond = Array.from({ length: seconds }, (_, s) =>
    changed.filter((t) => t >= s * 1000 && t < (s + 1) * 1000).length);
  return { perSecond, message: root.querySelector('.bp-message').textContent,
           epoch: root.querySelector('.bp-epoch').textContent };
}"""


def _serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def _measure(page, selector: str, seconds: int) -> dict:
    page.locator(f"{selector} .bp-bar button").first.click()
    page.wait_for_timeout(500)  # past the first frames (and the first landscape)
    out = page.evaluate(COUNT_JS, [selector, seconds])
    page.locator(f"{selector} .bp-bar button").first.click()
    return out


def _report(name: str, out: dict) -> None:
    fps = out["perSecond"]
    note = f"; page says: {out['message']}" if out["message"] else ""
    print(f"{name:38s} median {statistics.median(fps):5.1f} frames/s (min {min(fps)}, "
          f"max {max(fps)}), {out['epoch']}{note}")


def static_pages(html: Path, seconds: int, sync_api) -> None:
    httpd, base = _serve(html)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, path, fragment in PAGES:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{base}/{path}{fragment}")
                page.wait_for_selector(".bp-playground[data-bp-mounted] canvas")
                page.locator(".bp-root").scroll_into_view_if_needed()
                _report(name, _measure(page, ".bp-root", seconds))
                page.close()
            browser.close()
    finally:
        httpd.shutdown()


def kernel_side(frames: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from backprop.playground import Playground
    from backprop.plotting import draw_decision_boundary

    for label, page, over in [("Training XOR", "training-xor", {}),
                              ("Beyond XOR, 3x8, 1000 points", "beyond-xor",
                               {"layers": 3, "hidden": 8, "n": 1000, "data": "circles",
                                "speed": 1})]:
        pg = Playground(page, **over)
        sent: list = []
        pg.send = lambda content, buffers=None, sent=sent: sent.append((content, buffers or []))
        pg._on_message(pg, {"type": "reset", "settings": pg.settings}, [])
        times, sizes, json_sizes = [], [], []
        for _ in range(frames):
            t0 = time.perf_counter()
            pg._on_message(pg, {"type": "train", "epochs": pg.settings["speed"]}, [])
            times.append(1000 * (time.perf_counter() - t0))
            content, buffers = sent[-1]
            sizes.append(len(json.dumps({"method": "custom", "content": content}))
                         + sum(len(b) for b in buffers))
            json_sizes.append(len(json.dumps({"method": "update", "state": {"frame": {
                **content, "theta": pg.last_frame["theta"]}}})))
        # The alternative it replaced: the boundary drawn by matplotlib and sent as a PNG.
        png_ms, png_bytes = [], []
        fig, ax = plt.subplots(figsize=(4, 4), dpi=72)
        for _ in range(min(frames, 30)):
            t0 = time.perf_counter()
            ax.clear()
            draw_decision_boundary(pg.state.net, pg.state.X, pg.state.T, ax=ax, n=100)
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
            png_ms.append(1000 * (time.perf_counter() - t0))
            png_bytes.append(len(buf.getvalue()))
        plt.close(fig)
        print(f"{label:30s} widget frame: kernel {statistics.median(times):6.2f} ms median, "
              f"{statistics.median(sizes):6.0f} bytes (parameters as float64; as JSON "
              f"{statistics.median(json_sizes):.0f}) | matplotlib PNG frame: "
              f"{statistics.median(png_ms):6.1f} ms, {statistics.median(png_bytes):6.0f} bytes")


# In JupyterLab's page: whether the page asks for each frame (false) or the kernel pushes,
# and how many frames have come from the kernel.
MODE_JS = """([selector, pushes]) => {
  const pg = document.querySelector(selector).parentElement.bpPlayground;
  pg.driver.pushes = pushes;
}"""
KERNEL_FRAMES_JS = """(selector) =>
  Number(document.querySelector(selector).dataset.kernelFrames || 0)"""


def jupyterlab(seconds: int, sync_api) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from jupyterlab_helpers import lab_server

    home = Path(tempfile.mkdtemp(prefix="bp-lab-"))
    (home / "book").mkdir()
    shutil.copy(ROOT / "book" / "training-xor.md", home / "book")
    try:
        with lab_server(ROOT / ".venv", home) as server, sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url("lab/tree/book/training-xor.md"))
            page.wait_for_function("() => window.jupyterapp !== undefined", timeout=90_000)
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
            # Run all once the kernel is up (the status bar reads "... | Idle").
            page.wait_for_function("() => document.body.innerText.includes('| Idle')",
                                   timeout=90_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            selector = ".jp-OutputArea-output .bp-root"
            page.wait_for_function(f"""() => {{
                const r = document.querySelector('{selector}');
                const busy = [...document.querySelectorAll('.jp-InputArea-prompt')]
                  .some(p => p.textContent.includes('*'));
                return r && !busy && r.dataset.busy === '0'; }}""", timeout=300_000)
            page.locator(selector).scroll_into_view_if_needed()
            for name, pushes in [("page asks for each frame (before)", False),
                                 ("kernel pushes frames (now)", True)]:
                page.evaluate(MODE_JS, [selector, pushes])
                k0 = page.evaluate(KERNEL_FRAMES_JS, selector)
                out = _measure(page, selector, seconds)
                arrived = (page.evaluate(KERNEL_FRAMES_JS, selector) - k0) / (seconds + 0.5)
                page.locator(f"{selector} .bp-bar button", has_text="reset").click()
                page.wait_for_function(f"() => document.querySelector('{selector}')"
                                       ".dataset.busy === '0'")
                _report(f"JupyterLab, Training XOR: {name}", out)
                print(f"{'':38s} {arrived:5.1f} kernel frames/s reached the page "
                      f"(load {os.getloadavg()[0]:.2f})")
            browser.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--frames", type=int, default=200, help="widget frames timed")
    parser.add_argument("--lab", action="store_true", help="also measure in JupyterLab")
    args = parser.parse_args()
    if not (args.html / "book" / "training-xor.html").exists():
        sys.exit(f"no built book in {args.html}: run `make book` first")
    from playwright import sync_api

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    static_pages(args.html, args.seconds, sync_api)
    kernel_side(args.frames)
    if args.lab:
        jupyterlab(args.seconds, sync_api)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
