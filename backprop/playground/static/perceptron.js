// The player of Why one layer is not enough (book/perceptron): one threshold unit learning a
// logic gate by Rosenblatt's rule, pattern by pattern. The run is a weight history, computed
// by the port here in the static book and by backprop.perceptron.train_perceptron in the
// kernel (backprop.playground.PerceptronPlayground); the player shows it step by step.
import { belowPanels, buttonBar, context, drawAxes, field, fieldSet, fitCanvas, formatNumber, lineInBox, messageLine, nextId, panelFigures, playerRoot, scrubber, setMessage, summaryLine, themeColours, watch } from "./ui.js";

/**
 * backprop.perceptron.train_perceptron, operation by operation: patterns in order, the unit
 * fires when net = x . w + b > 0 (backprop.perceptron.step), w <- w + (eta (t - a)) x and
 * b <- b + eta (t - a); stops after the first epoch without a mistake, or after maxEpochs.
 * Returns {weights: [[w1, ..., b], ...] (the start first, then one per presentation),
 * mistakes: per epoch, converged}.
 */
export function trainPerceptron(X, t, { eta = 1, maxEpochs = 100, w0 = null, b0 = 0 } = {}) {
  let w = w0 ? w0.slice() : X[0].map(() => 0), b = b0;
  const weights = [[...w, b]], mistakes = [];
  let converged = false;
  for (let e = 0; e < maxEpochs; e++) {
    let wrong = 0;
    for (let p = 0; p < X.length; p++) {
      let net = 0;
      for (let i = 0; i < w.length; i++) net += X[p][i] * w[i];
      const error = t[p] - (net + b > 0 ? 1 : 0);
      const step = eta * error;
      w = w.map((wi, i) => wi + step * X[p][i]);
      b = b + step;
      if (error !== 0) wrong += 1;
      weights.push([...w, b]);
    }
    mistakes.push(wrong);
    if (wrong === 0) { converged = true; break; }
  }
  return { weights, mistakes, converged };
}

/** backprop.perceptron.find_cycle: [first, period] when the weights that start epoch `first`
 *  start another epoch `period` epochs later (compared rounded to 12 decimals), else null. */
export function findCycle(run, patterns) {
  const seen = new Map();
  for (let e = 0; e * patterns < run.weights.length; e++) {
    const key = run.weights[e * patterns].map((v) => Math.round(v * 1e12) / 1e12).join(",");
    if (seen.has(key)) return [seen.get(key), e - seen.get(key)];
    seen.set(key, e);
  }
  return null;
}

const PERCEPTRON_DEFAULTS = { gate: "XOR", eta: 1, w1: 0, w2: 0, b: 0, epochs: 50, speed: 4 };
const PERCEPTRON_CONTROLS = {
  gate: { label: "gate", kind: "select" },
  eta: { label: "learning rate η", kind: "range", min: 0.05, max: 5, step: 0.05 },
  w1: { label: "start w₁", kind: "range", min: -3, max: 3, step: 0.25 },
  w2: { label: "start w₂", kind: "range", min: -3, max: 3, step: 0.25 },
  b: { label: "start bias b", kind: "range", min: -3, max: 3, step: 0.25 },
  speed: { label: "patterns a second", kind: "range", min: 1, max: 30, step: 1 },
};

/** The static book: computes the run with the port above. */
export class LocalPerceptron {
  constructor(spec) { this.spec = spec; this.listeners = {}; }
  on(name, f) { this.listeners[name] = f; }
  run(s) {
    const run = trainPerceptron(this.spec.X, this.spec.gates[s.gate], { eta: s.eta, maxEpochs: s.epochs, w0: [s.w1, s.w2], b0: s.b });
    // A converged run's last epoch starts where the one before it did: not a cycle to report.
    const cycle = run.converged ? null : findCycle(run, this.spec.X.length);
    this.listeners.run({ ...run, cycle, source: "computed in the page (a port of backprop.perceptron.train_perceptron)" });
  }
  dispose() {}
}

/** Jupyter: the kernel computes the run (backprop.playground.PerceptronPlayground). */
export class KernelPerceptron {
  constructor(model) {
    this.model = model;
    this.listeners = {};
    this.handlers = {
      "change:run": () => this.listeners.run(model.get("run")),
      "change:error": () => { if (model.get("error")) this.listeners.error(model.get("error")); },
    };
    for (const [name, f] of Object.entries(this.handlers)) model.on(name, f);
  }
  on(name, f) { this.listeners[name] = f; }
  run(s) { this.model.send({ type: "run", settings: s }); }
  dispose() { for (const [name, f] of Object.entries(this.handlers)) this.model.off(name, f); }
}

const PERCEPTRON_PANELS = {
  unit: { title: "The threshold unit's line (shaded: where it answers 1)", aspect: 0.8 },
  mistakes: { title: "Mistakes per epoch", aspect: 0.45 },
};

export class PerceptronPlayer {
  constructor(el, spec, driver) {
    this.el = el;
    this.spec = spec;
    this.driver = driver;
    this.id = nextId("bp-pp");
    this.s = { ...PERCEPTRON_DEFAULTS, ...(spec.defaults || {}) };
    this.step = 0;
    this.playing = false;
    this.run = null;
    this.build();
    this.c = themeColours(this.root);
    this.unwatch = watch(this.root, () => { this.c = themeColours(this.root); this.draw(); },
      () => { this.layout(); this.draw(); });
    driver.on("run", (r) => this.onRun(r));
    driver.on("error", (m) => { this.pause(); this.say(m, "error"); });
    this.restart();
  }

  build() {
    const root = playerRoot(this.spec.label || "Perceptron rule player");
    const { bar, button } = buttonBar();
    this.playButton = button("▶ play", "Play or pause the presentations", () => (this.playing ? this.pause() : this.play()));
    this.playButton.setAttribute("aria-pressed", "false");
    button("◀ back", "Show the previous presentation", () => { this.pause(); this.show(this.step - 1); });
    button("step ▶", "Present the next pattern", () => { this.pause(); this.show(this.step + 1); });
    button("start", "Back to the start weights", () => { this.pause(); this.show(0); });
    this.stepText = document.createElement("span");
    this.stepText.className = "bp-epoch";
    bar.append(this.stepText);
    this.message = messageLine();
    const { panels, canvases } = panelFigures(this.id, Object.entries(PERCEPTRON_PANELS).map(([name, p]) => [name, p.title]));
    this.canvases = canvases;
    this.scrub = scrubber((s) => { this.pause(); this.show(s); });
    const scrub = belowPanels("presentation ", this.scrub);
    this.summary = summaryLine();
    this.inputs = {};
    const fields = Object.entries(PERCEPTRON_CONTROLS).map(([key, def]) => {
      const gates = key === "gate" ? { options: Object.fromEntries(Object.keys(this.spec.gates).map((g) => [g, g])) } : {};
      const f = field(`${this.id}-${key}`, key, { ...def, ...gates }, (input) => this.set(key, def.kind === "select" ? input.value : Number(input.value)));
      this.inputs[key] = f;
      return f.wrap;
    });
    const form = document.createElement("div");
    form.className = "bp-controls";
    form.append(fieldSet("Settings (a change starts again from the start weights)", fields));
    this.note = document.createElement("p");
    this.note.className = "bp-note";
    root.append(bar, this.message, panels, scrub, this.summary, form, this.note);
    this.el.replaceChildren(root);
    this.root = root;
    this.syncControls();
  }

  syncControls() {
    for (const [key, { input, out }] of Object.entries(this.inputs)) {
      input.value = String(this.s[key]);
      out.textContent = key === "gate" ? "" : key === "speed" ? String(this.s[key]) : formatNumber(this.s[key]);
    }
  }

  say(text, kind) { setMessage(this.message, text, kind); }

  set(key, value) {
    const def = PERCEPTRON_CONTROLS[key];
    const ok = key === "gate" ? value in this.spec.gates : Number.isFinite(value) && value >= def.min && value <= def.max;
    if (!ok) { this.say(`Not applied: ${def.label} cannot be ${value}.`, "error"); return; }
    this.s = { ...this.s, [key]: value };
    this.syncControls();
    if (key === "speed") return;  // the same run, shown faster or slower
    this.restart();
  }

  restart() {
    this.pause();
    this.say("", "");
    this.root.dataset.busy = "1";
    this.driver.run(this.s);
  }

  onRun(run) {
    this.run = run;
    this.root.dataset.busy = "0";
    this.scrub.max = String(run.weights.length - 1);
    this.note.textContent = `The run: ${run.source}.`;
    this.show(0);
  }

  play() {
    if (!this.run) return;
    if (this.step >= this.run.weights.length - 1) this.show(0);
    this.playing = true;
    this.playButton.textContent = "❚❚ pause";
    this.playButton.setAttribute("aria-pressed", "true");
    this.last = performance.now();
    const tick = (now) => {
      if (!this.playing) return;
      if (!this.root.isConnected) { this.dispose(); return; }
      if (now - this.last >= 1000 / this.s.speed) {
        this.last = now;
        this.show(this.step + 1);
        if (this.step >= this.run.weights.length - 1) { this.pause(); return; }
      }
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.playButton.textContent = "▶ play";
    this.playButton.setAttribute("aria-pressed", "false");
  }

  /** Show the weights after presentation `s` (0: the start weights). */
  show(s) {
    if (!this.run) return;
    this.step = Math.max(0, Math.min(this.run.weights.length - 1, s));
    this.scrub.value = String(this.step);
    this.draw();
    this.describe();
  }

  // What presentation `s` was: its epoch (from 1), pattern index, target, the unit's answer.
  presentation(s) {
    const P = this.spec.X.length, p = (s - 1) % P, [w1, w2, b] = this.run.weights[s - 1];
    const x = this.spec.X[p], t = this.spec.gates[this.s.gate][p];
    const a = x[0] * w1 + x[1] * w2 + b > 0 ? 1 : 0;
    return { epoch: Math.floor((s - 1) / P) + 1, p, x, t, a };
  }

  describe() {
    const run = this.run, s = this.step, P = this.spec.X.length;
    const [w1, w2, b] = run.weights[s];
    const f = (x) => String(Number(x.toPrecision(4))), pattern = (x) => `(${x.join(", ")})`;
    let text;
    if (s === 0) text = `Start: w = (${f(w1)}, ${f(w2)}), b = ${f(b)}.`;
    else {
      const { epoch, p, x, t, a } = this.presentation(s);
      const change = t === a ? "right, so nothing changes" : `wrong, so w ${t > a ? "+" : "−"}= η·${pattern(x)} and b ${t > a ? "+" : "−"}= η`;
      text = `Epoch ${epoch}, pattern ${p + 1} of ${P}, ${pattern(x)}: target ${t}, the unit answers ${a}: ${change}. Now w = (${f(w1)}, ${f(w2)}), b = ${f(b)}.`;
    }
    const epochsShown = Math.floor(s / P);
    let end = "";
    if (run.cycle && epochsShown >= run.cycle[0] + run.cycle[1]) {
      end = ` The weights that start epoch ${run.cycle[0] + run.cycle[1] + 1} are those that started epoch ${run.cycle[0] + 1}: from there the rule repeats itself every ${run.cycle[1] === 1 ? "epoch" : `${run.cycle[1]} epochs`}, forever, and never converges.`;
    } else if (run.converged && s === run.weights.length - 1) {
      end = ` Epoch ${run.mistakes.length} made no mistake: the rule has converged and stops.`;
    } else if (s === run.weights.length - 1) {
      end = ` Stopped after ${run.mistakes.length} epochs without converging.`;
    }
    this.stepText.textContent = `presentation ${s} of ${run.weights.length - 1}`;
    this.summary.textContent = text + end;
    const right = this.spec.X.filter((x, p) => (x[0] * w1 + x[1] * w2 + b > 0 ? 1 : 0) === this.spec.gates[this.s.gate][p]).length;
    this.canvases.unit.setAttribute("aria-label", `The ${this.s.gate} patterns in the input plane and the unit's line w₁a₁ + w₂a₂ + b = 0 with w = (${f(w1)}, ${f(w2)}), b = ${f(b)}, shaded where the unit answers 1; ${right} of the ${P} patterns are on their target's side.${s ? ` Ringed: the pattern just presented, ${pattern(this.presentation(s).x)}.` : ""}`);
    this.canvases.mistakes.setAttribute("aria-label", `Mistakes in each epoch shown so far: ${run.mistakes.slice(0, Math.ceil(s / P)).join(", ") || "none yet"}.`);
  }

  layout() { for (const [name, c] of Object.entries(this.canvases)) fitCanvas(c, PERCEPTRON_PANELS[name].aspect); }

  ctx(name) { return context(this.canvases[name], PERCEPTRON_PANELS[name].aspect, this.c.font); }

  draw() {
    if (!this.run) return;
    this.drawUnit();
    this.drawMistakes();
    this.root.dataset.frames = String((Number(this.root.dataset.frames) || 0) + 1);
  }

  drawUnit() {
    const { g, w, h } = this.ctx("unit");
    const side = Math.min(w - 60, h - 40), box = { x: 44 + (w - 60 - side) / 2, y: 8, w: side, h: side };
    const ext = [-0.5, 1.5, -0.5, 1.5], [x0, x1, y0, y1] = ext;
    const toPx = (x, y) => [box.x + ((x - x0) / (x1 - x0)) * box.w, box.y + ((y1 - y) / (y1 - y0)) * box.h];
    const [w1, w2, b] = this.run.weights[this.step];
    // Shade where the unit fires (net > 0): the box cut by the line (one clip of a polygon).
    const net = ([x, y]) => w1 * x + w2 * y + b;
    const corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], region = [];
    corners.forEach((p, i) => {
      const q = corners[(i + 1) % 4], np = net(p), nq = net(q);
      if (np > 0) region.push(p);
      if ((np > 0) !== (nq > 0)) { const f = np / (np - nq); region.push([p[0] + f * (q[0] - p[0]), p[1] + f * (q[1] - p[1])]); }
    });
    if (region.length > 2) {
      g.beginPath();
      region.forEach((p, i) => (i ? g.lineTo(...toPx(...p)) : g.moveTo(...toPx(...p))));
      g.closePath();
      g.globalAlpha = 0.25; g.fillStyle = this.c.pos; g.fill(); g.globalAlpha = 1;
    }
    const seg = lineInBox(w1, w2, b, ext);
    if (seg) { g.beginPath(); g.moveTo(...toPx(...seg[0])); g.lineTo(...toPx(...seg[1])); g.strokeStyle = this.c.fg; g.lineWidth = 2; g.stroke(); }
    const t = this.spec.gates[this.s.gate];
    this.spec.X.forEach((x, p) => {
      const [px, py] = toPx(...x);
      g.beginPath(); g.arc(px, py, 8, 0, 2 * Math.PI);
      g.fillStyle = t[p] ? this.c.class1 : this.c.class0; g.fill();
      g.strokeStyle = this.c.bg; g.lineWidth = 1.5; g.stroke();
      g.fillStyle = "#ffffff"; g.textAlign = "center"; g.fillText(String(t[p]), px, py + 0.5);
    });
    if (this.step > 0) {
      const [px, py] = toPx(...this.presentation(this.step).x);
      g.beginPath(); g.arc(px, py, 14, 0, 2 * Math.PI); g.strokeStyle = this.c.mark; g.lineWidth = 2.5; g.stroke();
    }
    drawAxes(g, this.c, box, [x0, x1], [y0, y1], "a₁", "a₂");
  }

  drawMistakes() {
    const { g, w, h } = this.ctx("mistakes");
    const box = { x: 44, y: 10, w: w - 54, h: h - 40 };
    const P = this.spec.X.length, m = this.run.mistakes, E = Math.max(m.length, 1);
    const shown = Math.ceil(this.step / P);
    for (let e = 0; e < shown; e++) {
      // The epoch in progress counts the mistakes made so far.
      let k = m[e];
      if (e === shown - 1 && this.step % P) {
        k = 0;
        for (let s = e * P + 1; s <= this.step; s++) { const q = this.presentation(s); if (q.t !== q.a) k += 1; }
      }
      const bw = box.w / E, bh = (k / P) * box.h;
      g.fillStyle = this.c.neg;
      g.fillRect(box.x + e * bw + 0.5, box.y + box.h - bh, Math.max(1, bw - 1), bh);
    }
    drawAxes(g, this.c, box, [0, E], [0, P], "epoch", "mistakes");
  }

  dispose() {
    this.pause();
    this.unwatch();
    this.driver.dispose?.();
  }
}

