// What the training playground (view.js) and the perceptron player (perceptron.js) share:
// the parts of the page both build (the button bar, the message line, the panels, labelled
// fields), canvases sized to their column, the theme's colours, axes and number formats.

// ------------------------------------------------------------------ the page
let counter = 0;

/** A page-unique id for a player's elements ("bp-pg-1"). */
export function nextId(prefix) { return `${prefix}-${++counter}`; }

/** The player's root: a labelled group. */
export function playerRoot(label) {
  const root = document.createElement("div");
  root.className = "bp-root";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", label);
  return root;
}

/** The bar of buttons, and a function that adds one (a click calls f). */
export function buttonBar() {
  const bar = document.createElement("div");
  bar.className = "bp-bar";
  const button = (text, title, f) => {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = text; b.title = title; b.className = "bp-button";
    b.addEventListener("click", f);
    bar.append(b);
    return b;
  };
  return { bar, button };
}

/** The line that says what went wrong or what changed (setMessage(p, text, "error" | "warning" | "")). */
export function messageLine() {
  const p = document.createElement("p");
  p.className = "bp-message";
  p.setAttribute("role", "status");
  return p;
}

export function setMessage(p, text, kind) {
  p.textContent = text;
  p.className = `bp-message ${kind ? "bp-" + kind : ""}`;
  // Errors are announced at once; other news waits for the screen reader to be idle.
  p.setAttribute("role", kind === "error" ? "alert" : "status");
}

/** The paragraph that describes, in words, what the player shows (read out when it changes). */
export function summaryLine() {
  const p = document.createElement("p");
  p.className = "bp-summary";
  p.setAttribute("aria-live", "polite");
  return p;
}

/** A fieldset with a legend around fields' elements. */
export function fieldSet(legend, children) {
  const set = document.createElement("fieldset");
  const title = document.createElement("legend");
  title.textContent = legend;
  set.append(title, ...children);
  return set;
}

/** A control below the panels, its text before it, both in one label. */
export function belowPanels(text, control) {
  const label = document.createElement("label");
  label.className = "bp-inspect";
  label.textContent = text;
  label.append(control);
  return label;
}

/** A slider over 0..0 (its player sets the maximum) that calls onInput with its value. */
export function scrubber(onInput) {
  const input = document.createElement("input");
  input.type = "range"; input.min = "0"; input.max = "0"; input.value = "0";
  input.addEventListener("input", () => onInput(Number(input.value)));
  return input;
}

/** Per [name, title], a figure with that caption and a canvas (an image, named by its title). */
export function panelFigures(id, titles) {
  const panels = document.createElement("div");
  panels.className = "bp-panels";
  const canvases = {};
  for (const [name, title] of titles) {
    const fig = document.createElement("figure");
    fig.className = `bp-panel bp-panel-${name}`;
    const cap = document.createElement("figcaption");
    cap.textContent = title;
    cap.id = `${id}-${name}-title`;
    const c = document.createElement("canvas");
    c.setAttribute("role", "img");
    // The title until the player describes what the canvas shows (its aria-label, then).
    c.setAttribute("aria-label", title);
    fig.append(cap, c);
    panels.append(fig);
    canvases[name] = c;
  }
  return { panels, canvases };
}

/**
 * A labelled control: a select (def.kind "select", options {value: text}; or "param", filled
 * later), a whole-number box ("int", applied on change) or a slider (applied as it moves);
 * an <output> beside it shows the value. onInput is called with the input element.
 */
export function field(id, key, def, onInput) {
  const wrap = document.createElement("div");
  wrap.className = "bp-field";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = def.label;
  let input;
  if (def.kind === "select" || def.kind === "param") {
    input = document.createElement("select");
    for (const [v, text] of Object.entries(def.options || {})) input.add(new Option(text, v));
  } else {
    input = document.createElement("input");
    if (def.kind === "int") { input.type = "number"; input.min = "0"; input.step = "1"; input.inputMode = "numeric"; } else {
      input.type = "range"; input.min = String(def.min); input.max = String(def.max); input.step = String(def.step);
    }
  }
  input.id = id;
  input.dataset.key = key;
  const out = document.createElement("output");
  out.htmlFor = id;
  out.className = "bp-value";
  input.addEventListener(def.kind === "int" ? "change" : "input", () => onInput(input));
  wrap.append(label, input, out);
  return { wrap, input, out };
}

/** Calls onTheme when the book's or JupyterLab's theme changes and onResize when el's size
 *  does; returns the function that stops both. */
export function watch(el, onTheme, onResize) {
  const theme = new MutationObserver(onTheme);
  for (const node of [document.documentElement, document.body]) theme.observe(node, { attributes: true, attributeFilter: ["data-theme", "data-jp-theme-light", "class"] });
  const size = new ResizeObserver(onResize);
  size.observe(el);
  return () => { theme.disconnect(); size.disconnect(); };
}

// ------------------------------------------------------------------ canvases
/** Size canvas c to its column's width (height = width * aspect) at the screen's pixel
 *  ratio; the CSS size is kept on the canvas, so that drawing reads no layout. */
export function fitCanvas(c, aspect) {
  const w = Math.max(120, Math.floor(c.parentElement.clientWidth));
  const h = Math.round(w * aspect);
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
    c.style.height = `${h}px`;
  }
  c.dataset.cssWidth = String(w); c.dataset.cssHeight = String(h); c.dataset.dpr = String(dpr);
}

/** Canvas c cleared for drawing in CSS pixels: {g, w, h}. */
export function context(c, aspect, font) {
  if (!c.dataset.cssWidth) fitCanvas(c, aspect);
  const g = c.getContext("2d");
  const dpr = Number(c.dataset.dpr);
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  const w = Number(c.dataset.cssWidth), h = Number(c.dataset.cssHeight);
  g.clearRect(0, 0, w, h);
  g.font = font;
  g.textBaseline = "middle";
  return { g, w, h };
}

// ------------------------------------------------------------------ colours, numbers, axes
export const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37]];
export function ramp(stops, t) {
  t = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
  return stops[i].map((c, k) => c + f * (stops[i + 1][k] - c));
}
export function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return [128, 128, 128];
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export function tickLabel(t) { return String(Number(t.toPrecision(4))); }

export function formatNumber(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}

// The theme's colours, from the CSS custom properties of playground.css (light and dark).
export function themeColours(el) {
  const cs = getComputedStyle(el);
  const get = (name, fallback) => (cs.getPropertyValue(name) || fallback).trim() || fallback;
  return {
    fg: get("--bp-fg", "#1f2328"), muted: get("--bp-muted", "#57606a"), grid: get("--bp-grid", "#d0d7de"),
    bg: get("--bp-bg", "#ffffff"), neg: get("--bp-neg", "#2c7fb8"), pos: get("--bp-pos", "#e67e22"),
    mid: get("--bp-mid", "#ffffff"), class0: get("--bp-class0", "#08519c"), class1: get("--bp-class1", "#a63603"),
    path: get("--bp-path", "#ffffff"), mark: get("--bp-error", "#b00020"),
    font: "12px system-ui, -apple-system, 'Segoe UI', sans-serif",
  };
}

// A box's frame, tick labels and axis labels.
export function drawAxes(g, c, box, [x0, x1], [y0, y1], xl, yl, { logY = false } = {}) {
  g.strokeStyle = c.muted; g.lineWidth = 1;
  g.strokeRect(box.x, box.y, box.w, box.h);
  g.fillStyle = c.muted;
  const ticks = (lo, hi) => { const step = niceStep((hi - lo) / 4); const out = []; for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Number(t.toPrecision(6))); return out; };
  g.textAlign = "center";
  for (const t of ticks(x0, x1)) { const x = box.x + ((t - x0) / (x1 - x0)) * box.w; g.fillText(tickLabel(t), x, box.y + box.h + 9); }
  g.fillText(xl, box.x + box.w / 2, box.y + box.h + 21);
  g.textAlign = "right";
  const yt = logY ? Array.from({ length: Math.floor(y1) - Math.ceil(y0) + 1 }, (_, i) => Math.ceil(y0) + i) : ticks(y0, y1);
  const every = Math.max(1, Math.ceil(yt.length / 5));
  yt.forEach((t, i) => {
    if (i % every) return;
    const y = box.y + ((y1 - t) / (y1 - y0)) * box.h;
    g.fillText(logY ? `1e${t}` : tickLabel(t), box.x - 3, y);
  });
  g.save(); g.translate(10, box.y + box.h / 2); g.rotate(-Math.PI / 2); g.textAlign = "center"; g.fillText(yl, 0, 0); g.restore();
}

export function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw || 1)), m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

export function extentOf(d, name) {
  if (name === "xor" || name === "noisy-xor") return [-0.5, 1.5, -0.5, 1.5];
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  const all = [d.X, d.Xt];
  for (const X of all) for (let i = 0; i < X.length; i += 2) { x0 = Math.min(x0, X[i]); x1 = Math.max(x1, X[i]); y0 = Math.min(y0, X[i + 1]); y1 = Math.max(y1, X[i + 1]); }
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, r = Math.max(x1 - x0, y1 - y0) / 2 + 0.3;
  return [cx - r, cx + r, cy - r, cy + r];
}

// The segment of the line a1 x + a2 y + c = 0 inside the box, or null.
export function lineInBox(a1, a2, c, [x0, x1, y0, y1]) {
  const pts = [];
  if (Math.abs(a2) > 1e-12) for (const x of [x0, x1]) { const y = -(a1 * x + c) / a2; if (y >= y0 && y <= y1) pts.push([x, y]); }
  if (Math.abs(a1) > 1e-12) for (const y of [y0, y1]) { const x = -(a2 * y + c) / a1; if (x >= x0 && x <= x1) pts.push([x, y]); }
  return pts.length >= 2 ? [pts[0], pts[pts.length - 1]] : null;
}
