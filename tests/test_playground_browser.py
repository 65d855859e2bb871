"""The playground of the static book in headless Chromium, every other host blocked.

On the built pages: the JavaScript port of the network equals backprop.training from the same
seed after 1,000 epochs (to 1e-9), every control changes the drawing, play moves it, a
diverging run stops and says so, the text alternative gives epoch, error and accuracy, the
settings travel in the URL fragment, the layout works at 400 px and fills the column at
1280 px, dark mode redraws, the keyboard reaches every control, and nothing errs or leaves
the host; the page's side of the Jupyter widget, in the modules the book serves and in the
one module text the widgets load. One browser for the module; pages are reused where a test
allows.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_browser import open_page

from backprop.playground import STATIC
from backprop.playground.bundle import bundle
from backprop.playground.spec import PORT_EPOCHS, PORT_TOLERANCE, make_data, settings_for
from backprop.training import TrainingConfig, make_state, train_epochs
from chromium import requires_chromium

pytestmark = [pytest.mark.browser, pytest.mark.book, requires_chromium]

PAGES = ["book/training-xor.html", "book/error-landscapes.html", "book/beyond-xor.html"]
MODULE = "/_static/playground/playground.js"
MODULES = sorted(STATIC.glob("*.js"))

# A hash of every canvas's pixels: equal hashes mean the same drawing.
DRAWING_JS = """(root) => {
  let h = 0;
  for (const c of root.querySelectorAll('canvas')) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      h = (Math.imul(h, 31) + d[i] + 3 * d[i + 1] + 7 * d[i + 2]) | 0;
    }
  }
  return h;
}"""


def mounted_page(browser, url: str):
    """A page opened once for the module's tests that reset it themselves, its player
    mounted; on closing, nothing has erred or left the host."""
    page, visit = open_page(browser, url)
    page.wait_for_selector(".bp-playground[data-bp-mounted] canvas")
    yield page, visit
    assert not visit.console_errors + visit.page_errors, visit.console_errors + visit.page_errors
    assert not visit.external and not visit.failed, visit.external + visit.failed
    page.context.close()


@pytest.fixture(scope="module")
def xor_page(browser, server: str):
    yield from mounted_page(browser, f"{server}/{PAGES[0]}")


def idle(page) -> None:
    page.wait_for_function("() => document.querySelector('.bp-root').dataset.busy === '0'",
                           timeout=20_000)


def drawing(page) -> int:
    idle(page)
    return page.evaluate(DRAWING_JS, page.locator(".bp-root").element_handle())


def summary(page) -> str:
    return page.locator(".bp-summary").inner_text()


def reset(page, hash_: str = "") -> None:
    """Back to the page's defaults (or the settings in hash_), as a reader's link does."""
    page.evaluate("""(h) => new Promise((done) => {
        if (location.hash === h) { done(); return; }
        addEventListener('hashchange', () => done(), {once: true});
        location.hash = h;
    })""", hash_ or "#pg:")
    page.locator(".bp-bar button", has_text="reset").click()
    idle(page)


# ------------------------------------------------------------------ the port equals NumPy
PORT_CASES = [
    # (settings of backprop.playground, data settings)
    dict(hidden=2, layers=1, act="sigmoid", out="sigmoid", eta=2.0, mom=0.0, scale=1.0,
         seed=0, upd="batch", data="xor"),
    dict(hidden=3, layers=2, act="tanh", out="sigmoid", eta=0.5, mom=0.9, scale=0.7,
         seed=5, upd="online", data="xor"),
    dict(hidden=4, layers=1, act="relu", out="sigmoid", eta=0.05, mom=0.5, scale=0.5,
         seed=12345, upd="batch", data="circles", n=40, noise=0.1, test=0.0),
    dict(hidden=2, layers=1, act="sigmoid", out="identity", eta=0.1, mom=0.0, scale=1.0,
         seed=2**32 - 1, upd="batch", data="xor"),
]


@pytest.mark.parametrize("case", PORT_CASES, ids=lambda c: f"{c['act']}-{c['upd']}-{c['out']}")
def test_javascript_port_equals_numpy_after_port_epochs(xor_page, case: dict) -> None:
    page, _ = xor_page
    s = settings_for("training-xor", **case)
    d = make_data(s)
    X, T = np.reshape(d["X"], (-1, 2)), np.reshape(d["T"], (-1, 1))
    cfg = TrainingConfig(hidden=(s["hidden"],) * s["layers"], activation=s["act"],
                         eta=s["eta"], momentum=s["mom"], weight_scale=s["scale"],
                         seed=s["seed"], mode=s["upd"], output=s["out"])
    state = make_state(cfg, X, T)
    initial = state.net.parameters()
    train_epochs(state, PORT_EPOCHS)
    js = page.evaluate(f"""async (a) => {{
        const m = await import('{MODULE}');
        return m.trainForTest(a);
    }}""", {"sizes": list(state.net.sizes), "functions": [f.name for f in
                                                           state.net.functions],
            "scale": s["scale"], "seed": s["seed"], "X": X.tolist(), "T": T.tolist(),
            "eta": s["eta"], "momentum": s["mom"], "mode": s["upd"], "epochs": PORT_EPOCHS})
    # Same seed, same initial weights: NumPy's generator is ported bit for bit.
    assert np.array_equal(js["initial"], initial)
    assert js["epoch"] == state.epoch == PORT_EPOCHS and js["status"] == state.status
    final = state.net.parameters()
    scale = np.abs(final).max()
    assert np.max(np.abs(np.array(js["final"]) - final)) <= PORT_TOLERANCE * scale, \
        f"the port drifted from NumPy: {np.array(js['final']) - final}"
    assert np.allclose(js["errors"], state.error_history, rtol=PORT_TOLERANCE, atol=0)


# ------------------------------------------------------------------ playing and controls
def test_play_trains_and_the_text_alternative_follows(xor_page) -> None:
    page, _ = xor_page
    reset(page)
    assert summary(page).startswith("Epoch 0: a 2-2-1 network")
    before = drawing(page)
    play = page.locator(".bp-bar button").first
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => Number(document.querySelector('.bp-epoch').textContent"
                           ".split(' ')[1]) >= 200", timeout=20_000)
    play.click()
    assert play.get_attribute("aria-pressed") == "false"
    after = drawing(page)
    assert after != before
    text = summary(page)
    assert "training error E = " in text and "training accuracy" in text and "%" in text
    epoch = int(text.split(":")[0].split()[-1])
    assert epoch >= 200
    labels = [page.locator(f".bp-panel-{p} canvas").get_attribute("aria-label")
              for p in ("boundary", "network", "errors", "landscape")]
    assert all(labels) and f"epoch {epoch}" in labels[0]


# Each control, moved one notch from its default (keyboard on sliders, as a reader would).
CONTROL_MOVES = {
    "layers": "key", "hidden": "key", "act": "tanh", "out": "identity", "scale": "key",
    "seed": "3", "eta": "key", "mom": "key:PageUp", "upd": "online", "speed": "key",
    "plane": "weights", "pseed": "4",
    "data": "circles", "noise": "key", "n": "key", "test": "key", "dseed": "2",
    "w1": "1", "w2": "2",
}
# Controls that only act on some data or planes, and the settings that enable them.
NEEDS = {"noise": "#pg:data=circles", "n": "#pg:data=circles", "test": "#pg:data=circles",
         "dseed": "#pg:data=circles", "w1": "#pg:plane=weights",
         "w2": "#pg:plane=weights", "pseed": ""}


def move(page, key: str, how: str) -> None:
    field = page.locator(f".bp-controls [data-key='{key}']")
    assert field.is_enabled(), f"control {key} is disabled"
    tag = field.evaluate("(e) => e.tagName + ':' + e.type")
    if how.startswith("key"):
        field.focus()
        field.press(how.partition(":")[2] or "ArrowRight")
    elif tag.startswith("SELECT"):
        field.select_option(how)
    else:
        field.fill(how)
        field.press("Enter")


@pytest.mark.parametrize("key", list(CONTROL_MOVES))
def test_every_control_changes_the_drawing(xor_page, key: str) -> None:
    page, _ = xor_page
    step = page.locator(".bp-bar button", has_text="step")
    reset(page, NEEDS.get(key, ""))
    step.click()
    unchanged = drawing(page)
    reset(page, NEEDS.get(key, ""))
    move(page, key, CONTROL_MOVES[key])
    step.click()
    assert drawing(page) != unchanged, f"moving {key} did not change the drawing"
    assert f"{key}=" in page.evaluate("() => location.hash"), "the setting is not in the URL"
    assert not page.locator(".bp-message.bp-error").count()


def boundary_drawing(page) -> int:
    idle(page)
    return page.evaluate(DRAWING_JS, page.locator(".bp-panel-boundary").element_handle())


def test_pointing_at_a_hidden_unit_shows_its_output_in_the_boundary_panel(xor_page) -> None:
    page, _ = xor_page
    reset(page, "#pg:hidden=3")
    page.locator(".bp-bar button", has_text="step").click()
    idle(page)
    boundary = page.locator(".bp-panel-boundary canvas")
    units = page.evaluate("() => document.querySelector('.bp-playground').bpPlayground.units")
    assert [(u["l"], u["k"]) for u in units] == [(1, 0), (1, 1), (1, 2), (2, 0)]
    network = page.locator(".bp-panel-network canvas").bounding_box()
    output = boundary_drawing(page)
    seen = set()
    for u in units[:3]:
        middle = u["size"] / 2
        page.mouse.move(network["x"] + u["x"] + middle, network["y"] + u["y"] + middle)
        seen.add(boundary_drawing(page))
        label = boundary.get_attribute("aria-label")
        assert f"hidden 1, unit {u['k'] + 1} over the input plane" in label
    assert len(seen) == 3 and output not in seen, "the boundary panel did not show each unit"
    page.mouse.move(network["x"] + 2, network["y"] + 2)  # off the units: the output again
    assert boundary_drawing(page) == output
    assert boundary.get_attribute("aria-label").startswith("Decision boundary at epoch")
    # From the keyboard: the select below the panels shows a unit until another is chosen.
    choose = page.get_by_label("the decision-boundary panel shows")
    assert choose.evaluate("(e) => [...e.options].map((o) => o.text)") == [
        "the network's output", *[f"the output of hidden 1, unit {k}" for k in (1, 2, 3)]]
    # The pointer rests on the page's sticky sidebar while the page scrolls: a scroll under a
    # resting pointer moves it over whatever comes under it, a unit perhaps.
    page.mouse.move(1, 1)
    choose.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert "hidden 1, unit 2 over the input plane" in boundary.get_attribute("aria-label")
    assert boundary_drawing(page) in seen
    page.locator(".bp-panel-network canvas").scroll_into_view_if_needed()  # focus scrolled
    network = page.locator(".bp-panel-network canvas").bounding_box()
    page.mouse.move(network["x"] + units[0]["x"] + 5, network["y"] + units[0]["y"] + 5)
    assert "unit 1 over" in boundary.get_attribute("aria-label")  # the pointer wins meanwhile
    page.mouse.move(network["x"] + 2, network["y"] + 2)
    assert "unit 2 over" in boundary.get_attribute("aria-label")  # and the choice comes back
    page.mouse.move(1, 1)
    choose.select_option("")
    assert boundary_drawing(page) == output
    reset(page, "#pg:hidden=2&layers=2")
    assert choose.evaluate("(e) => e.options.length") == 5 and choose.input_value() == ""


def test_impossible_settings_are_refused_with_a_message(xor_page) -> None:
    page, _ = xor_page
    reset(page)
    seed = page.locator(".bp-controls [data-key='seed']")
    seed.fill("-4")
    seed.press("Enter")
    message = page.locator(".bp-message")
    assert "seed (initial weights) must be a whole number" in message.inner_text()
    assert seed.get_attribute("aria-invalid") == "true"
    reset(page, "#pg:plane=weights&w1=2")
    page.locator(".bp-controls [data-key='w2']").select_option("2")
    assert "two weights must be different" in message.inner_text()


def test_a_link_sets_the_playground_and_bad_links_are_reported(browser, server: str) -> None:
    page, visit = open_page(browser, f"{server}/{PAGES[0]}#pg:seed=11&eta=0.5&hidden=99&x=1")
    try:
        page.wait_for_selector(".bp-playground[data-bp-mounted]")
        assert page.locator("[data-key='seed']").input_value() == "11"
        eta = page.locator(".bp-field:has([data-key='eta']) .bp-value").inner_text()
        assert eta == "0.500"
        text = page.locator(".bp-message").inner_text()
        assert "hidden=99" in text and "x (no such setting)" in text
        # The chapter's own links apply settings without reloading the page.
        page.locator("a[href='#pg:mom=0.9']").click()
        page.wait_for_function("() => document.querySelector(\"[data-key='mom']\").value"
                               " === '0.9'")
        assert not visit.console_errors + visit.page_errors
    finally:
        page.context.close()


def test_a_diverging_run_stops_and_says_so(xor_page) -> None:
    page, visit = xor_page
    reset(page, "#pg:out=identity&eta=10&scale=5")
    page.locator(".bp-bar button").first.click()
    alert = page.locator(".bp-message[role='alert']")
    alert.wait_for(timeout=20_000)
    assert "diverged at epoch" in alert.inner_text()
    assert "Lower the learning rate" in alert.inner_text()
    assert page.locator(".bp-bar button").first.get_attribute("aria-pressed") == "false"
    assert "diverged" in summary(page)
    assert not visit.console_errors + visit.page_errors


# ------------------------------------------------------------------ layout, theme, keyboard
def test_layout_at_400_and_1280_px_and_no_tiny_text(browser, server: str) -> None:
    for width in (400, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{server}/{PAGES[0]}")
        page.wait_for_selector(".bp-playground[data-bp-mounted] canvas")
        idle(page)
        sizes = page.evaluate("""() => {
            const root = document.querySelector('.bp-playground');
            const column = root.closest('.bd-article') || root.parentElement;
            const fonts = [...root.querySelectorAll('*')]
                .filter(e => e.textContent.trim() && e.getClientRects().length)
                .map(e => parseFloat(getComputedStyle(e).fontSize));
            const canvases = [...root.querySelectorAll('canvas')]
                .map(c => c.getBoundingClientRect().right);
            return {root: root.getBoundingClientRect().width,
                    column: column.getBoundingClientRect().width,
                    page: document.documentElement.scrollWidth, minFont: Math.min(...fonts),
                    right: Math.max(...canvases)};
        }""")
        assert sizes["page"] <= width, f"{width} px: the page scrolls sideways ({sizes})"
        assert sizes["right"] <= width, f"{width} px: a canvas sticks out ({sizes})"
        assert sizes["minFont"] >= 11, f"{width} px: text under 11 px ({sizes})"
        assert sizes["root"] >= 0.9 * sizes["column"] - 40, f"{width} px: not filling ({sizes})"
        context.close()


def test_dark_mode_redraws_in_dark_colours(xor_page) -> None:
    page, _ = xor_page
    reset(page)
    light = drawing(page)
    page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; }")
    page.wait_for_timeout(100)
    dark = drawing(page)
    background = page.evaluate("() => getComputedStyle(document.querySelector('.bp-playground'))"
                               ".getPropertyValue('--bp-bg').trim()")
    page.evaluate("() => { document.documentElement.dataset.theme = 'light'; }")
    assert dark != light and background == "#0d1117"


def test_keyboard_reaches_play_and_every_control(xor_page) -> None:
    page, _ = xor_page
    reset(page)
    play = page.locator(".bp-bar button").first
    play.focus()
    page.keyboard.press("Enter")
    assert play.get_attribute("aria-pressed") == "true"
    page.keyboard.press("Space")
    assert play.get_attribute("aria-pressed") == "false"
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        key = page.evaluate("() => document.activeElement.dataset.key || ''")
        if key:
            reached.add(key)
    enabled = set(page.evaluate("() => [...document.querySelectorAll('.bp-controls [data-key]')]"
                                ".filter(e => !e.disabled).map(e => e.dataset.key)"))
    assert enabled <= reached, f"not reachable by Tab: {enabled - reached}"
    unlabelled = page.evaluate("() => [...document.querySelectorAll('.bp-controls [data-key]')]"
                               ".filter(e => !e.labels.length).map(e => e.dataset.key)")
    assert not unlabelled


# ------------------------------------------------------------------ the other two pages
@pytest.mark.parametrize("path", PAGES[1:])
def test_other_pages_play_cleanly(browser, server: str, path: str) -> None:
    page, visit = open_page(browser, f"{server}/{path}")
    try:
        page.wait_for_selector(".bp-playground[data-bp-mounted] canvas")
        before = drawing(page)
        page.locator(".bp-bar button").first.click()
        page.wait_for_function("() => Number(document.querySelector('.bp-epoch').textContent"
                               ".split(' ')[1]) >= 50", timeout=20_000)
        page.locator(".bp-bar button").first.click()
        assert drawing(page) != before
        assert not visit.console_errors + visit.page_errors, visit.console_errors
        assert not visit.external and not visit.failed
        assert page.locator(".bp-playground").count() == 1
        assert not page.locator("script[type='application/vnd.jupyter.widget-state+json']").count()
    finally:
        page.context.close()


def test_pages_are_small_and_carry_no_widget_state(built_book: Path) -> None:
    for path in PAGES:
        html = (built_book / path).read_text()
        assert len(html.encode()) <= 500_000, f"{path} is {len(html.encode())} bytes"
        assert "application/vnd.jupyter.widget-state+json" not in html, path
        assert html.count('class="bp-playground"') == 1, path
        spec = json.loads(html.split('class="bp-spec">')[1].split("</script>")[0])
        assert spec["page"] == Path(path).stem
        for module in MODULES:  # fetched at once, not one level of imports after another
            assert f'<link rel="modulepreload" href="../_static/playground/{module.name}">' \
                in html, (path, module.name)
    # The front end, shared by every page and cached: a fifth of one page's budget (about
    # 32 kB compressed today).
    assert sum(p.stat().st_size for p in MODULES) < 120_000


# ------------------------------------------------------------------ the Jupyter driver
# The page's side of the widget (KernelDriver) with a stand-in for the anywidget model: the
# test plays the kernel, so it can send frames in bursts, from an old run, or not at all.
# `joined` is backprop.playground.bundle's text, imported from a Blob as anywidget imports a
# widget's module (null: the module the static book serves).
KERNEL_DRIVER_JS = """async ([theta, joined]) => {
  const m = joined === null ? await import('MODULE')
    : await import(URL.createObjectURL(new Blob([joined], {type: 'text/javascript'})));
  const handlers = {}, sent = [], state = {run: null, error: ''};
  const model = {get: (k) => state[k], on: (n, f) => { handlers[n] = f; }, off() {},
                 send: (c) => sent.push({...c, at: performance.now()})};
  const spec = {page: 'training-xor', label: 'test', panels: ['boundary', 'errors'],
                controls: ['eta'], defaults: {}};
  const el = document.createElement('div');
  document.querySelector('.bp-playground').after(el);
  const pg = new m.Playground(el, spec, new m.KernelDriver(model));
  const frames = () => new Promise((done) => requestAnimationFrame(() => done()));
  const wait = (ms) => new Promise((done) => setTimeout(done, ms));
  const out = {firstSent: sent.map((c) => c.type)};
  state.run = {n: 1, data: {X: [0, 0, 0, 1, 1, 0, 1, 1], T: [0, 1, 1, 0], Xt: [], Tt: []},
               sizes: [2, 2, 1], functions: ['sigmoid', 'sigmoid'], theta};
  handlers['change:run']();
  const frame = (seq, run = 1) => {
    const values = Float64Array.from(theta, (v) => v + seq);
    const view = new DataView(values.buffer);
    handlers['msg:custom']({type: 'frame', run, seq, epoch: 5 * seq, status: 'running',
                            train: 0.1, test: null, ms: 0.2}, [view]);
  };
  pg.play();
  out.playSent = sent[sent.length - 1];
  // A burst of four frames: drawn one per display frame, not all at once.
  for (const seq of [1, 2, 3, 4]) frame(seq);
  frame(9, 0);  // a frame of an earlier run
  const epochs = [];
  for (let i = 0; i < 8; i++) { await frames(); epochs.push(pg.epoch); }
  out.epochs = epochs;
  out.theta = Array.from(pg.net.parameters());
  out.acks = sent.filter((c) => c.type === 'ack').map((c) => c.seq);
  // No frame for a while: the page says it is waiting and asks the kernel again.
  await wait(3300);
  out.waiting = pg.message.textContent;
  out.asked = sent.filter((c) => c.type === 'play').length;
  frame(5);
  await frames(); await frames();
  out.resumed = pg.message.textContent;
  pg.pause();
  out.pauseSent = sent.slice(-2).map((c) => c.type + (c.seq ? ':' + c.seq : ''));
  pg.play();
  state.error = 'Training stopped in the kernel: RuntimeError: test';
  handlers['change:error']();
  out.error = pg.message.textContent;
  out.playingAfterError = pg.playing;
  pg.dispose();
  el.remove();
  return out;
}""".replace("MODULE", MODULE)


@pytest.mark.parametrize("front_end", ["served modules", "widget bundle"])
def test_kernel_driver_draws_pushed_frames_one_per_display_frame(xor_page, front_end) -> None:
    page, _ = xor_page
    theta = [0.1 * k for k in range(9)]
    joined = bundle() if front_end == "widget bundle" else None
    out = page.evaluate(KERNEL_DRIVER_JS, [theta, joined])
    assert out["firstSent"] == ["reset"]
    assert out["playSent"]["type"] == "play" and out["playSent"]["fps"] == 60
    epochs = out["epochs"]
    assert epochs[-1] == 20, "the burst was not drawn, or the old run's frame was"
    steps = [b - a for a, b in zip([0, *epochs], epochs)]
    assert max(steps) == 5 and steps.count(5) == 4, f"not one frame per display frame: {epochs}"
    assert out["theta"] == [v + 4 for v in theta]  # the binary parameters, decoded exactly
    assert out["acks"] == [1], "acknowledged more often than every 250 ms"
    assert out["waiting"].startswith("Waiting for the kernel")
    assert out["asked"] >= 2, "the page did not ask the kernel again"
    assert out["resumed"] == ""
    # By the pause every drawn frame is acknowledged (frame 5 came over 250 ms after the last).
    assert sorted(out["pauseSent"]) == ["ack:5", "pause"]
    assert "RuntimeError: test" in out["error"] and not out["playingAfterError"]


# ------------------------------------------------------------------ the perceptron player
PERCEPTRON_PAGE = "book/perceptron.html"
PERCEPTRON_CASES = [dict(gate=g, eta=e, w0=w, b0=b) for g, e, w, b in [
    ("AND", 1.0, (0.0, 0.0), 0.0), ("OR", 0.3, (0.0, 0.0), 0.0),
    ("NAND", 0.7, (1.5, -2.0), 0.25), ("NOR", 2.0, (-1.0, 3.0), -3.0),
    ("XOR", 1.0, (0.0, 0.0), 0.0), ("XOR", 0.1, (0.3, -0.2), 0.05)]]


def test_perceptron_port_equals_numpy_weight_for_weight(xor_page) -> None:
    from backprop.perceptron import find_cycle, gate_data, train_perceptron

    page, _ = xor_page
    for case in PERCEPTRON_CASES:
        X, T = gate_data(case["gate"])
        ref = train_perceptron(X, T, eta=case["eta"], max_epochs=60, w0=case["w0"],
                               b0=case["b0"])
        js = page.evaluate(f"""async (a) => {{
            const m = await import('{MODULE}');
            const run = m.trainPerceptron(a.X, a.t, {{eta: a.eta, maxEpochs: 60, w0: a.w0,
                                                      b0: a.b0}});
            return {{...run, cycle: m.findCycle(run, a.X.length)}};
        }}""", {"X": X.tolist(), "t": T[:, 0].tolist(), "eta": case["eta"],
                "w0": list(case["w0"]), "b0": case["b0"]})
        assert np.array_equal(js["weights"], ref.weights), case  # exactly, not to a tolerance
        assert js["mistakes"] == ref.mistakes.tolist() and js["converged"] == ref.converged
        cycle = find_cycle(ref)
        assert js["cycle"] == (None if cycle is None else list(cycle)), case


@pytest.fixture(scope="module")
def perceptron_page(browser, server: str):
    yield from mounted_page(browser, f"{server}/{PERCEPTRON_PAGE}")


def _presentation(page) -> int:
    return int(page.locator(".bp-epoch").inner_text().split()[1])


def test_perceptron_player_plays_steps_and_says_what_happened(perceptron_page) -> None:
    from backprop.playground import perceptron_run

    page, _ = perceptron_page
    run = perceptron_run({})
    last = len(run["weights"]) - 1
    assert page.locator(".bp-epoch").inner_text() == f"presentation 0 of {last}"
    assert page.locator(".bp-summary").inner_text() == "Start: w = (0, 0), b = 0."
    before = drawing(page)
    page.locator(".bp-bar button", has_text="step").click()
    text = page.locator(".bp-summary").inner_text()
    # Pattern (0, 0) of XOR first: target 0, net = 0 does not fire, so nothing changes.
    assert text.startswith("Epoch 1, pattern 1 of 4, (0, 0): target 0, the unit answers 0: right")
    page.locator(".bp-bar button", has_text="step").click()
    assert "wrong, so w += η·(0, 1)" in page.locator(".bp-summary").inner_text()
    assert drawing(page) != before
    label = page.locator(".bp-panel-unit canvas").get_attribute("aria-label")
    assert "w = (0, 1), b = 1" in label and "Ringed: the pattern just presented, (0, 1)" in label
    page.locator(".bp-bar button", has_text="back").click()
    assert _presentation(page) == 1
    play = page.locator(".bp-bar button").first
    play.click()
    page.wait_for_function("() => Number(document.querySelector('.bp-epoch').textContent"
                           ".split(' ')[1]) >= 3", timeout=20_000)
    play.click()
    assert play.get_attribute("aria-pressed") == "false"
    # At the end of the run the player says the rule cycles, from the epoch find_cycle finds.
    first, period = run["cycle"]
    page.locator(".bp-inspect input").fill(str(last))
    assert (f"The weights that start epoch {first + period + 1} are those that started epoch "
            f"{first + 1}") in page.locator(".bp-summary").inner_text()
    bars = page.locator(".bp-panel-mistakes canvas").get_attribute("aria-label")
    mistakes = ", ".join(map(str, run["mistakes"]))
    assert bars == f"Mistakes in each epoch shown so far: {mistakes}."


def test_perceptron_controls_change_the_run(perceptron_page) -> None:
    from backprop.playground import perceptron_run

    page, _ = perceptron_page
    page.locator("[data-key='gate']").select_option("AND")
    run = perceptron_run({"gate": "AND"})
    last = len(run["weights"]) - 1
    assert page.locator(".bp-epoch").inner_text() == f"presentation 0 of {last}"
    page.locator(".bp-inspect input").fill(str(last))
    summary_text = page.locator(".bp-summary").inner_text()
    assert f"Epoch {len(run['mistakes'])} made no mistake" in summary_text
    for key in ("eta", "w1", "w2", "b"):
        before = drawing(page)
        field = page.locator(f"[data-key='{key}']")
        field.focus()
        field.press("ArrowRight")  # one notch, from the keyboard
        page.locator(".bp-inspect input").fill("8")
        assert drawing(page) != before, f"moving {key} did not change the drawing"
    assert not page.locator(".bp-message.bp-error").count()
    unlabelled = page.evaluate("() => [...document.querySelectorAll('.bp-controls [data-key]')]"
                               ".filter(e => !e.labels.length).map(e => e.dataset.key)")
    assert not unlabelled


def test_perceptron_page_has_no_precomputed_player(built_book: Path) -> None:
    html = (built_book / PERCEPTRON_PAGE).read_text()
    assert html.count('data-bp-page="perceptron"') == 1
    assert "anim-state" not in html and "Animation" not in html  # matplotlib's to_jshtml
    assert len(html.encode()) <= 250_000, f"{PERCEPTRON_PAGE} is {len(html.encode())} bytes"
