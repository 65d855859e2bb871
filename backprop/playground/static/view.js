// The training playground: the controls, the run a driver (drivers.js) trains, and the loop
// that draws its four panels (panels.js, landscape.js) once per display frame, less often
// when a large setting would not keep up.
import { CONTROLS, DEFAULTS, GROUPS, MAX_EPOCHS, RESETS, hashOf, parseValue, problems, settingsFromHash, sizesOf } from "./settings.js";
import { drawBoundary, drawErrors, drawNetwork, PlaneGrid, unitName } from "./panels.js";
import { Landscape } from "./landscape.js";
import { Network, parameterNames } from "./network.js";
import { belowPanels, buttonBar, context, extentOf, field, fieldSet, fitCanvas, formatNumber, messageLine, nextId, panelFigures, playerRoot, scrubber, setMessage, summaryLine, themeColours, watch } from "./ui.js";

const PANELS = {
  boundary: { title: "Decision boundary", aspect: 1 },
  network: { title: "Network", aspect: 0.8 },
  errors: { title: "Error per pattern (log scale)", aspect: 0.6 },
  landscape: { title: "Error landscape", aspect: 0.9 },
};
const SNAPSHOTS = 600;    // parameter sets kept for the trajectory
const LAND_POINTS = 200;  // at most this many training points enter the landscape's error

export class Playground {
  /**
   * el: the element to fill; spec: {page, label, panels, controls, defaults, data, fixed};
   * driver: LocalDriver or KernelDriver; useHash: keep the settings in the URL fragment.
   */
  constructor(el, spec, driver, { useHash = false } = {}) {
    this.el = el;
    this.spec = spec;
    this.driver = driver;
    this.useHash = useHash;
    this.id = nextId("bp-pg");
    this.base = { ...DEFAULTS, ...(spec.defaults || {}) };
    let ignored = [];
    ({ settings: this.s, ignored } = useHash ? settingsFromHash(location.hash, this.base) : { settings: { ...this.base }, ignored: [] });
    this.panelNames = (spec.panels || Object.keys(PANELS)).filter((p) => p in PANELS);
    this.controlNames = new Set(spec.controls || Object.keys(CONTROLS));
    this.playing = false;
    this.frames = 0;
    this.drawEvery = 1;
    this.costEma = 0;
    this.history = [];     // {epoch, train, test}
    this.snaps = [];       // {epoch, theta}
    this.inspect = null;   // index into snaps, or null for the latest
    this.focus = null;     // the hidden unit {l, k} the boundary panel shows, or null: the output
    this.chosen = null;    // the one chosen in the select (the pointer shows others meanwhile)
    this.grid = new PlaneGrid();
    this.landscape = new Landscape();
    this.status = "running";
    this.build();
    this.colours();
    this.unwatch = watch(this.root, () => { this.colours(); this.dirty = true; this.kick(); },
      () => { this.layout(); this.dirty = true; this.kick(); });
    driver.on("reset", (r) => this.onReset(r));
    driver.on("frame", (f) => this.onFrame(f));
    driver.on("error", (m) => { this.awaiting = false; this.pause(); this.say(m, "error"); this.kick(); });
    driver.on("waiting", (on) => {
      if (on) this.say("Waiting for the kernel: it is busy (another cell is running?) or has stopped. Training goes on when it answers.", "warning");
      else if (this.message.textContent.startsWith("Waiting for the kernel")) this.say("", "");
    });
    if (useHash) {
      // A link in the text to "#pg:seed=11" applies those settings to this playground.
      this.onHash = () => {
        if (!location.hash.startsWith("#pg:") || location.hash === hashOf(this.s, this.base)) return;
        const { settings, ignored: bad } = settingsFromHash(location.hash, this.base);
        this.s = settings;
        this.syncControls();
        this.restart();
        if (bad.length) this.say(`Ignored settings in the link that cannot be used: ${bad.join(", ")}.`, "warning");
        this.root.scrollIntoView({ block: "nearest" });
      };
      window.addEventListener("hashchange", this.onHash);
    }
    this.restart();
    if (ignored.length) this.say(`Ignored settings in the link that cannot be used: ${ignored.join(", ")}.`, "warning");
  }

  // ------------------------------------------------------------------ building the page
  build() {
    const root = playerRoot(this.spec.label || "Training playground");
    const { bar, button } = buttonBar();
    this.playButton = button("▶ play", "Play or pause training (keyboard: Enter or Space on this button)", () => this.toggle());
    this.playButton.setAttribute("aria-pressed", "false");
    button("step", "Train one frame's epochs", () => { this.pause(); if (!this.diverged) this.driver.step(this.s.speed); });
    button("reset", "New initial weights from the settings", () => this.restart());
    this.epochText = document.createElement("span");
    this.epochText.className = "bp-epoch";
    bar.append(this.epochText);
    this.message = messageLine();
    const { panels, canvases } = panelFigures(this.id, this.panelNames.map((name) => [name, PANELS[name].title]));
    this.canvases = canvases;
    root.append(bar, this.message, panels);

    if (this.canvases.network && this.canvases.boundary) {
      // As in TensorFlow Playground: the pointer on a unit shows its output in the boundary
      // panel; the select does the same from the keyboard, and keeps it.
      const c = this.canvases.network;
      c.addEventListener("pointermove", (e) => this.pointAtUnit(e));
      c.addEventListener("pointerleave", () => this.focusUnit(this.chosen));
      this.unitSelect = document.createElement("select");
      this.unitSelect.addEventListener("change", () => {
        const [l, k] = this.unitSelect.value.split(",").map(Number);
        this.chosen = this.unitSelect.value ? { l, k } : null;
        this.focusUnit(this.chosen);
      });
      root.append(belowPanels("the decision-boundary panel shows ", this.unitSelect));
    }
    if (this.panelNames.includes("landscape")) {
      this.inspectInput = scrubber((i) => {
        this.inspect = i >= this.snaps.length - 1 ? null : i;
        this.dirty = true; this.kick();
      });
      root.append(belowPanels("inspect the trajectory (the boundary and network show that epoch) ", this.inspectInput));
      const c = this.canvases.landscape;
      c.addEventListener("pointermove", (e) => this.hover(e));
      c.addEventListener("pointerleave", () => { if (this.hovering) { this.hovering = false; this.inspect = null; this.syncInspect(); this.dirty = true; this.kick(); } });
    }

    this.summary = summaryLine();
    const form = document.createElement("div");
    form.className = "bp-controls";
    this.inputs = {};
    for (const [title, keys] of GROUPS) {
      const shown = keys.filter((k) => this.controlNames.has(k));
      if (!shown.length) continue;
      form.append(fieldSet(title, shown.map((k) => this.control(k))));
    }
    this.note = document.createElement("p");
    this.note.className = "bp-note";
    root.append(this.summary, form, this.note);
    this.el.replaceChildren(root);
    this.root = root;
    this.syncControls();
  }

  control(key) {
    const f = field(`${this.id}-${key}`, key, CONTROLS[key], () => this.fromInput(key));
    this.inputs[key] = f;
    return f.wrap;
  }

  fromInput(key) {
    const { input } = this.inputs[key];
    const def = CONTROLS[key];
    let v;
    if (def.kind === "log") v = Number((10 ** Number(input.value)).toPrecision(3));
    else if (def.kind === "select") v = input.value;
    else v = parseValue(key, input.value);
    this.set({ [key]: v });
  }

  /** Apply new settings: refused with a message if unusable; a reset if they change the run. */
  set(changes) {
    const next = { ...this.s, ...changes };
    const bad = problems(next);
    for (const k of Object.keys(changes)) this.inputs[k]?.input.setAttribute("aria-invalid", bad.length ? "true" : "false");
    if (bad.length) { this.say(`Not applied: ${bad.join("; ")}.`, "error"); return false; }
    const resets = Object.keys(changes).some((k) => RESETS.has(k) && changes[k] !== this.s[k]);
    const plane = ["plane", "pseed", "w1", "w2"].some((k) => k in changes);
    this.s = next;
    if (this.useHash) history.replaceState(null, "", hashOf(this.s, this.base) === "#pg:" ? location.pathname + location.search : hashOf(this.s, this.base));
    this.syncControls();
    if (resets) this.restart();
    else {
      this.driver.live(this.s);
      if (plane) this.scheduleLandscape(0);
      this.dirty = true; this.kick();
    }
    if (!resets && !this.diverged) this.say("", "");
    return true;
  }

  syncControls() {
    const s = this.s;
    const names = parameterNames(sizesOf(s));
    for (const [key, { input, out, wrap }] of Object.entries(this.inputs)) {
      const def = CONTROLS[key];
      if (def.kind === "param") {
        if (input.options.length !== names.length) input.replaceChildren(...names.map((n, i) => new Option(n, String(i))));
        input.value = String(s[key]);
      } else if (def.kind === "log") input.value = String(Math.log10(s[key]));
      else if (document.activeElement !== input || def.kind !== "int") input.value = String(s[key]);
      const whole = ["layers", "hidden", "n", "speed"].includes(key);
      out.textContent = def.kind === "select" || def.kind === "param" || def.kind === "int" ? "" : whole ? String(s[key]) : formatNumber(s[key]);
      const off = (s.data === "xor" && ["noise", "n", "test", "dseed"].includes(key)) ||
        (s.plane === "random" && ["w1", "w2"].includes(key)) || (s.plane === "weights" && key === "pseed");
      input.disabled = off;
      wrap.classList.toggle("bp-off", off);
    }
  }

  say(text, kind) { setMessage(this.message, text, kind); }

  // ------------------------------------------------------------------ running
  restart() {
    this.pause();
    this.diverged = false;
    this.history = [];
    this.snaps = [];
    this.inspect = null;
    this.landscape.reset();
    this.focus = null;
    this.chosen = null;
    this.say("", "");
    // Busy until the driver answers with the new run (the kernel may take a moment).
    this.awaiting = true;
    this.root.dataset.busy = "1";
    this.driver.reset(this.s);
  }

  onReset({ data, sizes, functions, theta, weightsFrom }) {
    this.awaiting = false;
    this.data = { X: Float64Array.from(data.X), T: Float64Array.from(data.T), Xt: Float64Array.from(data.Xt || []), Tt: Float64Array.from(data.Tt || []), source: data.source };
    this.extent = extentOf(this.data, this.s.data);
    // The landscape's error over every training point, or over an even sample of them.
    const P0 = this.data.T.length, keep = Math.min(P0, LAND_POINTS);
    const pick = Array.from({ length: keep }, (_, i) => Math.floor((i * P0) / keep));
    this.landData = { X: Float64Array.from(pick.flatMap((p) => [this.data.X[2 * p], this.data.X[2 * p + 1]])), T: Float64Array.from(pick.map((p) => this.data.T[p])), of: P0 };
    this.net = new Network(sizes, functions, sizes.slice(1).map((n, l) => new Float64Array(n * sizes[l])), sizes.slice(1).map((n) => new Float64Array(n)));
    this.probe = new Network(sizes, functions, this.net.W, this.net.b);
    this.net.setParameters(theta);
    this.unitChoices(sizes);
    this.epoch = 0;
    this.status = "running";
    this.snaps = [{ epoch: 0, theta: Float64Array.from(theta) }];
    const P = this.data.T.length, Pt = this.data.Tt.length;
    this.history = [{ epoch: 0, train: this.net.error(this.data.X, this.data.T, P) / P, test: Pt ? this.net.error(this.data.Xt, this.data.Tt, Pt) / Pt : NaN }];
    this.note.textContent = `Data: ${P} training and ${Pt} test points, ${data.source || "from the kernel"}. Initial weights: ${weightsFrom}.`;
    this.syncControls();
    this.scheduleLandscape(0);
    this.dirty = true;
    this.kick();
  }

  onFrame(f) {
    if (!this.net) return;
    // Counted for tests and benchmarks: frames whose numbers came from the kernel.
    if (f.kernel) this.root.dataset.kernelFrames = String((Number(this.root.dataset.kernelFrames) || 0) + 1);
    this.epoch = f.epoch;
    this.status = f.status;
    if (f.theta) {
      this.net.setParameters(f.theta);
      this.snaps.push({ epoch: f.epoch, theta: Float64Array.from(f.theta) });
      if (this.snaps.length > SNAPSHOTS) this.snaps = this.snaps.filter((_, i) => i % 2 === 0 || i === this.snaps.length - 1);
      this.history.push({ epoch: f.epoch, train: f.train, test: f.test });
      if (this.history.length > 4 * SNAPSHOTS) this.history = this.history.filter((_, i) => i % 2 === 0 || i === this.history.length - 1);
    }
    if (f.status === "diverged" && !this.diverged) {
      this.diverged = true;
      this.pause();
      this.say(`The run diverged at epoch ${f.epoch}: the error became infinite or NaN, so training stopped. Lower the learning rate (now ${formatNumber(this.s.eta)}) or the initial weight scale, then press reset.`, "error");
    } else if (this.epoch >= MAX_EPOCHS && this.playing) {
      this.pause();
      this.say(`Stopped at ${MAX_EPOCHS} epochs; press reset to start again.`, "warning");
    }
    // The trajectory slider moves four times a second while playing: moving it lays out the
    // page, which costs a large page (JupyterLab) a good part of a frame.
    if (!this.playing || performance.now() - (this.inspectSynced || 0) > 250) this.syncInspect();
    // A step (not playing) shows the slice through the new weights at once.
    if (!this.playing) this.scheduleLandscape(0);
    this.dirty = true;
    this.kick();
  }

  toggle() { if (this.playing) this.pause(); else this.play(); }

  play() {
    if (this.diverged) { this.say("This run diverged; press reset (after lowering the learning rate) to train again.", "error"); return; }
    this.playing = true;
    this.driver.play(this.displayRate());
    this.playButton.textContent = "❚❚ pause";
    this.playButton.setAttribute("aria-pressed", "true");
    this.kick();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.driver.pause();
    this.playButton.textContent = "▶ play";
    this.playButton.setAttribute("aria-pressed", "false");
    this.scheduleLandscape(0);
    this.syncInspect();
    this.describe(true);
  }

  // The display's frame rate, from the intervals between recent animation frames (60 until
  // there are enough): the kernel paces its frames to it.
  displayRate() {
    const dts = this.intervals || [];
    if (dts.length < 20) return 60;
    const sorted = [...dts].sort((a, b) => a - b);
    return Math.min(144, Math.max(10, 1000 / sorted[sorted.length >> 1]));
  }

  kick() {
    if (!this.raf) this.raf = requestAnimationFrame((t) => this.tick(t));
  }

  tick(now) {
    this.raf = 0;
    if (!this.root.isConnected) { this.dispose(); return; }
    const t0 = performance.now();
    if (this.lastTick && now - this.lastTick < 100) {
      this.intervals = (this.intervals || []).slice(-39);
      this.intervals.push(now - this.lastTick);
    }
    this.lastTick = now;
    if (this.playing && !this.diverged) this.driver.tick(this.s.speed, this.displayRate());
    this.frames += 1;
    const drawNow = this.dirty && (!this.playing || this.frames % this.drawEvery === 0);
    if (drawNow) { this.draw(); this.dirty = false; }
    this.landscapeWork();
    const cost = performance.now() - t0;
    this.costEma = 0.9 * this.costEma + 0.1 * cost;
    this.adapt();
    const busy = this.awaiting || this.playing || this.dirty || this.landscape.busy;
    // Tests and benchmarks wait for data-busy="0": nothing left to draw or compute.
    this.root.dataset.busy = busy ? "1" : "0";
    if (busy) this.kick();
  }

  // Large settings: when a frame costs more than a 60 Hz frame allows, draw less often.
  adapt() {
    if (!this.playing) return;
    const want = this.costEma > 14 ? Math.min(6, Math.ceil(this.costEma / 14)) : 1;
    if (want !== this.drawEvery && (want > this.drawEvery || this.costEma < 8)) {
      this.drawEvery = want;
      this.note.dataset.rate = String(want);
      const nth = { 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth" }[want];
      this.say(want > 1 ? `This setting is large: the playground now draws every ${nth} frame (about ${Math.round(60 / want)} frames a second) so that training keeps up.` : "", want > 1 ? "warning" : "");
    }
  }

  dispose() {
    cancelAnimationFrame(this.raf);
    if (this.onHash) window.removeEventListener("hashchange", this.onHash);
    this.unwatch();
    this.driver.dispose?.();
  }

  // ------------------------------------------------------------------ the landscape
  scheduleLandscape(delay) { this.landscape.schedule(delay); this.kick(); }

  landscapeWork() {
    if (!this.canvases.landscape || !this.net) return;
    const done = this.landscape.work({ net: this.net, probe: this.probe, data: this.landData, snaps: this.snaps, s: this.s, budget: this.playing ? 4 : 12 });
    if (done) {
      this.dirty = true;
      // While playing, the slice follows the weights: a new one through them every second.
      if (this.playing) this.scheduleLandscape(1000);
    }
  }

  hover(e) {
    const r = this.canvases.landscape.getBoundingClientRect();
    const best = this.landscape.nearest(e.clientX - r.left, e.clientY - r.top, this.snaps);
    if (best >= 0) {
      this.hovering = true;
      this.inspect = best === this.snaps.length - 1 ? null : best;
      this.syncInspect();
      this.dirty = true; this.kick();
    }
  }

  pointAtUnit(e) {
    const r = this.canvases.network.getBoundingClientRect();
    const x = e.clientX - r.left, y = e.clientY - r.top;
    const u = (this.units || []).find((b) => x >= b.x && x <= b.x + b.size && y >= b.y && y <= b.y + b.size);
    this.focusUnit(u && u.l < this.net.sizes.length - 1 ? { l: u.l, k: u.k } : this.chosen);
  }

  // The select's choices for a network of these sizes: the output, then every hidden unit.
  unitChoices(sizes) {
    if (!this.unitSelect) return;
    const L = sizes.length - 1, options = [new Option("the network's output", "")];
    for (let l = 1; l < L; l++) {
      for (let k = 0; k < sizes[l]; k++) options.push(new Option(`the output of ${unitName({ l, k }, L)}`, `${l},${k}`));
    }
    this.unitSelect.replaceChildren(...options);
    this.unitSelect.value = "";
  }

  focusUnit(focus) {
    const same = (a, b) => (a === null || b === null ? a === b : a.l === b.l && a.k === b.k);
    if (same(this.focus, focus)) return;
    this.focus = focus;
    this.dirty = true; this.kick();
    this.describe(true);
  }

  syncInspect() {
    if (!this.inspectInput) return;
    this.inspectSynced = performance.now();
    const last = Math.max(0, this.snaps.length - 1);
    this.inspectInput.max = String(last);
    this.inspectInput.value = String(this.inspect ?? last);
    const shown = this.snaps[this.inspect ?? last];
    this.inspectInput.setAttribute("aria-valuetext", shown ? `epoch ${shown.epoch}${this.inspect === null ? " (latest)" : ""}` : "");
  }

  // ------------------------------------------------------------------ drawing
  colours() {
    this.c = themeColours(this.root);
    this.grid.setColours(this.c);
  }

  layout() {
    for (const [name, c] of Object.entries(this.canvases)) fitCanvas(c, PANELS[name].aspect);
  }

  ctx(name) { return context(this.canvases[name], PANELS[name].aspect, this.c.font); }

  shownNetwork() {
    if (this.inspect === null || !this.snaps[this.inspect]) return { net: this.net, epoch: this.epoch };
    this.probe.setParameters(this.snaps[this.inspect].theta);
    return { net: this.probe, epoch: this.snaps[this.inspect].epoch };
  }

  draw() {
    if (!this.net) return;
    const shown = this.shownNetwork(), c = this.c, grid = this.grid;
    grid.evaluate(shown.net, this.extent);
    const focus = this.focus;
    if (this.canvases.boundary) drawBoundary(this.ctx("boundary"), { ...shown, grid, extent: this.extent, data: this.data, c, focus });
    if (this.canvases.network) this.units = drawNetwork(this.ctx("network"), { net: shown.net, grid, c, focus });
    if (this.canvases.errors) drawErrors(this.ctx("errors"), { history: this.history, c });
    if (this.canvases.landscape) this.landscape.draw(this.ctx("landscape"), { snaps: this.snaps, inspect: this.inspect, data: this.landData, c });
    this.describe(false);
    this.root.dataset.frames = String((Number(this.root.dataset.frames) || 0) + 1);
  }

  // The text alternative: epoch, errors, accuracy, status; each panel's label too.
  describe(force) {
    if (!this.data) return;
    const now = performance.now();
    if (!force && this.playing && now - (this.described || 0) < 1000) return;
    this.described = now;
    const { net, epoch } = this.shownNetwork();
    const d = this.data, P = d.T.length, Pt = d.Tt.length;
    const ok = this.status !== "diverged";
    const eTrain = ok ? net.error(d.X, d.T, P) : NaN, accTrain = ok ? net.accuracy(d.X, d.T, P) : NaN;
    const test = Pt && ok ? `, test error per pattern ${formatNumber(net.error(d.Xt, d.Tt, Pt) / Pt)}, test accuracy ${Math.round(100 * net.accuracy(d.Xt, d.Tt, Pt))}%` : "";
    const status = { running: this.playing ? "training" : "paused", solved: "solved (every training pattern right by at least 0.1)", diverged: "diverged" }[this.status] || this.status;
    const sizes = net.sizes.join("-");
    this.epochText.textContent = `epoch ${this.epoch}`;
    this.summary.textContent = `${this.inspect !== null ? "Inspecting " : ""}Epoch ${epoch}: a ${sizes} network (${net.names[0]} hidden units), training error E = ${formatNumber(eTrain)} (${formatNumber(eTrain / P)} per pattern), training accuracy ${Math.round(100 * accTrain)}%${test}; ${status}.`;
    const land = this.landscape.slice;
    const labels = {
      boundary: `Decision boundary at epoch ${epoch}: the network's output over the input plane, blue near 0 and orange near 1, with the boundary where it is one half, the first hidden layer's lines as dashes, and ${P} training points${Pt ? ` and ${Pt} test points (rings)` : ""}. Training accuracy ${Math.round(100 * accTrain)}%.`,
      network: `The ${sizes} network at epoch ${epoch}: each weight drawn as a line whose width is its size, orange when positive and blue when negative; each unit shows its output over the input plane.`,
      errors: `Error per pattern against epoch on a log scale, up to epoch ${this.epoch}: now ${formatNumber(eTrain / P)} for training${test ? " and " + formatNumber(this.history[this.history.length - 1]?.test) + " for test" : ""}.`,
      landscape: land ? `Error landscape: the error per pattern${this.landData.T.length < P ? ` (on ${this.landData.T.length} of the ${P} training points)` : ""} over a plane through the weights (${land.labels.join(" and ")}), as filled contours from ${formatNumber(Math.min(...land.E))} to ${formatNumber(Math.max(...land.E))}, with the training path of ${this.snaps.length} snapshots drawn on it.` : "Error landscape: being computed.",
    };
    if (this.focus) {
      const unit = unitName(this.focus, net.sizes.length - 1);
      labels.boundary = `The output of ${unit} over the input plane at epoch ${epoch}, shown instead of the network's output, blue low and orange high${this.focus.l === 1 ? ", with its line net = 0" : ""}, and the data.`;
    }
    for (const [name, c] of Object.entries(this.canvases)) c.setAttribute("aria-label", labels[name]);
  }
}

