// The playground's data sets and settings: the recipes of backprop.datasets, the controls and
// their ranges, the check that refuses unusable settings, and the URL fragment ("#pg:...")
// that keeps them.
import { Generator } from "./rng.js";

// The recipes of backprop.datasets, drawn with the page's generator (for settings whose data
// the page did not receive from NumPy): the same distributions, not the same points.
function labelled(parts, rng, noise) {
  const X = [], T = [];
  parts.forEach((pts, c) => pts.forEach((p) => { X.push([p[0] + noise * rng.normal(), p[1] + noise * rng.normal()]); T.push(c); }));
  const order = rng.permutation(X.length);
  return { X: order.map((i) => X[i]), T: order.map((i) => T[i]) };
}

const GENERATORS = {
  xor: () => ({ X: [[0, 0], [0, 1], [1, 0], [1, 1]], T: [0, 1, 1, 0] }),
  "noisy-xor": (n, rng, noise) => {
    const X = [], T = [];
    const corners = [[0, 0], [0, 1], [1, 0], [1, 1]], labels = [0, 1, 1, 0];
    for (let i = 0; i < n; i++) {
      const c = rng.integer(4);
      X.push([corners[c][0] + noise * rng.normal(), corners[c][1] + noise * rng.normal()]);
      T.push(labels[c]);
    }
    return { X, T };
  },
  circles: (n, rng, noise) => {
    const ring = (m, r) => Array.from({ length: m }, () => { const t = 2 * Math.PI * rng.random(); return [r * Math.cos(t), r * Math.sin(t)]; });
    return labelled([ring(n - Math.floor(n / 2), 1), ring(Math.floor(n / 2), 0.5)], rng, noise);
  },
  moons: (n, rng, noise) => {
    const upper = Array.from({ length: n - Math.floor(n / 2) }, () => { const t = Math.PI * rng.random(); return [Math.cos(t), Math.sin(t)]; });
    const lower = Array.from({ length: Math.floor(n / 2) }, () => { const t = Math.PI * rng.random(); return [1 - Math.cos(t), 0.5 - Math.sin(t)]; });
    return labelled([upper, lower], rng, noise);
  },
  spirals: (n, rng, noise) => {
    const arm = (m, c) => Array.from({ length: m }, () => {
      const r = 0.05 + 0.95 * rng.random(), t = 2 * Math.PI * 1.5 * r + Math.PI * c;
      return [r * Math.cos(t), r * Math.sin(t)];
    });
    return labelled([arm(n - Math.floor(n / 2), 0), arm(Math.floor(n / 2), 1)], rng, noise);
  },
  blobs: (n, rng, noise) => labelled([Array(n - Math.floor(n / 2)).fill([-1, -1]), Array(Math.floor(n / 2)).fill([1, 1])], rng, noise),
};

export const DATASETS = { xor: "XOR (4 points)", "noisy-xor": "noisy XOR", circles: "circles", moons: "moons", spirals: "spirals", blobs: "blobs" };

/** Data for settings s: {X, T, Xt, Tt} (flat arrays), split as backprop.datasets.train_test_split. */
export function makeData(s) {
  if (s.data === "xor") {
    const d = GENERATORS.xor();
    return { X: d.X.flat(), T: d.T, Xt: [], Tt: [], source: "the four XOR points" };
  }
  const rng = new Generator(s.dseed);
  const d = GENERATORS[s.data](s.n, rng, s.noise);
  const nTest = s.test > 0 ? Math.min(Math.max(1, Math.round(s.test * d.X.length)), d.X.length - 1) : 0;
  const order = rng.permutation(d.X.length);
  const pick = (idx) => ({ X: idx.flatMap((i) => d.X[i]), T: idx.map((i) => d.T[i]) });
  const test = pick(order.slice(0, nTest)), train = pick(order.slice(nTest));
  return { X: train.X, T: train.T, Xt: test.X, Tt: test.T, source: "drawn in the page (its own draws, the recipe of backprop.datasets)" };
}

// ------------------------------------------------------------------ settings
export const DEFAULTS = {
  hidden: 2, layers: 1, act: "sigmoid", out: "sigmoid", eta: 2, mom: 0, scale: 1, seed: 0,
  upd: "batch", data: "xor", noise: 0.15, n: 200, test: 0.3, dseed: 0, speed: 5,
  plane: "random", pseed: 0, w1: 0, w2: 6,
};

// Which settings start a new run; the others (learning rate, momentum, updates, speed, the
// landscape's plane) apply to the run in progress.
export const RESETS = new Set(["hidden", "layers", "act", "out", "scale", "seed", "data", "noise", "n", "test", "dseed"]);
export const DATA_KEYS = ["data", "n", "noise", "test", "dseed"];
export const MAX_EPOCHS = 100000;

export const CONTROLS = {
  layers: { label: "hidden layers", kind: "range", min: 1, max: 3, step: 1 },
  hidden: { label: "units per hidden layer", kind: "range", min: 1, max: 8, step: 1 },
  act: { label: "hidden activation", kind: "select", options: { sigmoid: "sigmoid", tanh: "tanh", relu: "ReLU" } },
  out: { label: "output unit", kind: "select", options: { sigmoid: "sigmoid", identity: "linear" } },
  eta: { label: "learning rate η", kind: "log", min: -3, max: 1, step: 0.05 },
  mom: { label: "momentum α", kind: "range", min: 0, max: 0.99, step: 0.01 },
  scale: { label: "initial weight scale", kind: "range", min: 0.05, max: 5, step: 0.05 },
  seed: { label: "seed (initial weights)", kind: "int" },
  upd: { label: "updates", kind: "select", options: { batch: "batch (one step per epoch)", online: "on-line (one step per pattern)" } },
  data: { label: "data set", kind: "select", options: DATASETS },
  noise: { label: "noise", kind: "range", min: 0, max: 1, step: 0.01 },
  n: { label: "points", kind: "range", min: 20, max: 1000, step: 10 },
  test: { label: "test fraction", kind: "range", min: 0, max: 0.5, step: 0.05 },
  dseed: { label: "data seed", kind: "int" },
  speed: { label: "epochs per frame", kind: "range", min: 1, max: 50, step: 1 },
  plane: { label: "landscape plane", kind: "select", options: { random: "two random directions", weights: "two chosen weights" } },
  pseed: { label: "direction seed", kind: "int" },
  w1: { label: "first weight", kind: "param" },
  w2: { label: "second weight", kind: "param" },
};

export const GROUPS = [
  ["Network", ["layers", "hidden", "act", "out", "scale", "seed"]],
  ["Training", ["eta", "mom", "upd", "speed"]],
  ["Data", ["data", "noise", "n", "test", "dseed"]],
  ["Landscape", ["plane", "pseed", "w1", "w2"]],
];

export function sizesOf(s) { return [2, ...Array(s.layers).fill(s.hidden), 1]; }
export function functionsOf(s) { return [...Array(s.layers).fill(s.act), s.out]; }

/** Check settings; returns a list of messages (empty when every setting is usable). */
export function problems(s) {
  const out = [];
  const whole = (k, lo, hi) => { if (!Number.isInteger(s[k]) || s[k] < lo || s[k] > hi) out.push(`${CONTROLS[k].label} must be a whole number from ${lo} to ${hi}; got ${s[k]}`); };
  const inRange = (k, lo, hi) => { if (!Number.isFinite(s[k]) || s[k] < lo || s[k] > hi) out.push(`${CONTROLS[k].label} must be a number from ${lo} to ${hi}; got ${s[k]}`); };
  whole("layers", 1, 3); whole("hidden", 1, 8); whole("n", 20, 1000); whole("speed", 1, 50);
  for (const k of ["seed", "dseed", "pseed"]) whole(k, 0, 2 ** 32 - 1);
  inRange("eta", 1e-3, 10); inRange("mom", 0, 0.99); inRange("scale", 0.05, 5);
  inRange("noise", 0, 1); inRange("test", 0, 0.5);
  for (const k of ["act", "out", "upd", "data", "plane"]) if (!(s[k] in CONTROLS[k].options)) out.push(`${CONTROLS[k].label} cannot be ${JSON.stringify(s[k])}; choose ${Object.keys(CONTROLS[k].options).join(", ")}`);
  if (!out.length) {
    const n = sizesOf(s).reduce((t, v, i, a) => t + (i ? v * a[i - 1] + v : 0), 0);
    whole("w1", 0, n - 1); whole("w2", 0, n - 1);
    if (s.plane === "weights" && s.w1 === s.w2) out.push("the landscape's two weights must be different: choose another second weight");
  }
  return out;
}

export function parseValue(key, text) {
  const kind = CONTROLS[key]?.kind;
  if (kind === "select") return text;
  const v = Number(text);
  return kind === "int" || kind === "param" || ["hidden", "layers", "n", "speed"].includes(key) ? (Number.isInteger(v) ? v : NaN) : v;
}

/** Settings from a URL fragment "#pg:eta=0.5&seed=3"; unusable entries are reported. */
export function settingsFromHash(hash, base) {
  const s = { ...base }, ignored = [];
  if (!hash || !hash.startsWith("#pg:")) return { settings: s, ignored };
  for (const [k, v] of new URLSearchParams(hash.slice(4))) {
    if (!(k in DEFAULTS)) { ignored.push(`${k} (no such setting)`); continue; }
    const trial = { ...s, [k]: parseValue(k, v) };
    if (problems(trial).length) ignored.push(`${k}=${v}`); else s[k] = trial[k];
  }
  return { settings: s, ignored };
}

export function hashOf(s, base) {
  const p = new URLSearchParams();
  for (const k of Object.keys(DEFAULTS)) if (s[k] !== base[k]) p.set(k, String(s[k]));
  return "#pg:" + p.toString();
}
