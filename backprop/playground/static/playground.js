// The book's playground: one front end for the static book and for Jupyter.
//
// Used by Training XOR (book/training-xor), Error landscapes (book/error-landscapes) and
// Beyond XOR (book/beyond-xor). Everything on screen is drawn here, on canvases, from
// numbers: the network's weights, its errors and the data. Two drivers feed those numbers:
//
// * LocalDriver trains in the page with the JavaScript port below of backprop.Network's
//   forward and backward pass (the static book has no kernel);
// * KernelDriver receives the frames that the Python side of backprop.playground.Playground
//   (an anywidget) trains with backprop.training and pushes, paced to the display: only the
//   new weights and errors.
//
// The port follows backprop/network.py and backprop/training.py operation by operation, and
// its random numbers are NumPy's: default_rng(seed) is SeedSequence + PCG64, ported below,
// so the same seed gives the same initial weights in the page and in NumPy. A test in
// Chromium (tests/test_playground_browser.py) checks weights after 1,000 epochs to 1e-9.

// ====================================================================== NumPy's generator
const MASK128 = (1n << 128n) - 1n;
const MASK64 = (1n << 64n) - 1n;
const PCG_MULT = (2549297995355413924n << 64n) | 4865540595714422341n;

// numpy.random.SeedSequence(seed).generate_state(nWords) as 32-bit words.
function seedSequenceWords(seed, nWords) {
  const words = [];
  let s = BigInt(seed);
  if (s === 0n) words.push(0);
  while (s > 0n) { words.push(Number(s & 0xffffffffn)); s >>= 32n; }
  let hashConst = 0x43b0d7e5;
  const hashmix = (value) => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, 0x931e8875) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x, y) => {
    const r = (Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = [0, 1, 2, 3].map((i) => hashmix(i < words.length ? words[i] : 0));
  for (let src = 0; src < 4; src++) {
    for (let dst = 0; dst < 4; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  }
  for (let src = 4; src < words.length; src++) {
    for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst], hashmix(words[src]));
  }
  let hashB = 0x8b51f9dd;
  const out = [];
  for (let i = 0; i < nWords; i++) {
    let v = (pool[i % 4] ^ hashB) >>> 0;
    hashB = Math.imul(hashB, 0x58f38ded) >>> 0;
    v = Math.imul(v, hashB) >>> 0;
    out.push((v ^ (v >>> 16)) >>> 0);
  }
  return out;
}

/** numpy.random.default_rng(seed): PCG64 seeded through SeedSequence (uniform and normal). */
export class Generator {
  constructor(seed) {
    if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a whole number >= 0; got ${seed}`);
    const w = seedSequenceWords(seed, 8).map(BigInt);
    const u64 = (i) => w[2 * i] | (w[2 * i + 1] << 32n);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
    this.spare = null;
  }

  step() { this.state = (this.state * PCG_MULT + this.inc) & MASK128; }

  /** The next 64-bit output (XSL-RR), as a BigInt. */
  next64() {
    this.step();
    const hi = this.state >> 64n;
    const x = (hi ^ this.state) & MASK64;
    const rot = hi >> 58n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & MASK64;
  }

  /** A double in [0, 1): NumPy's (next64 >> 11) * 2^-53. */
  random() { return Number(this.next64() >> 11n) * (1 / 9007199254740992); }

  /** rng.uniform(low, high): low + (high - low) * random(). */
  uniform(low, high) { return low + (high - low) * this.random(); }

  /** A standard normal by Box-Muller (NumPy uses a ziggurat: same law, other draws). */
  normal() {
    if (this.spare !== null) { const z = this.spare; this.spare = null; return z; }
    const u = 1 - this.random(), v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  integer(n) { return Math.floor(this.random() * n); }

  permutation(n) {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = this.integer(i + 1); [p[i], p[j]] = [p[j], p[i]]; }
    return p;
  }
}

// ====================================================================== the network
function sigmoid(net) {
  // exp(-logaddexp(0, -net)), as backprop.network._sigmoid, with NumPy's logaddexp: it never
  // overflows, and the same formula keeps the port within rounding of NumPy.
  const x = -net;
  const lae = x === 0 ? Math.LN2 : x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  return Math.exp(-lae);
}

/** f and f' written through a = f(net), as backprop.network.ACTIVATIONS. */
export const FUNCTIONS = {
  sigmoid: { f: sigmoid, d: (a) => a * (1 - a), range: [0, 1] },
  tanh: { f: Math.tanh, d: (a) => 1 - a * a, range: [-1, 1] },
  relu: { f: (n) => Math.max(n, 0), d: (a) => (a > 0 ? 1 : 0), range: [0, null] },
  identity: { f: (n) => n, d: () => 1, range: [null, null] },
};

/**
 * A fully connected network, samples as rows: W[l] is W^(l+1), row-major (n_{l+1}, n_l),
 * so W[l][k * n_l + j] is w_kj; b[l] is b^(l+1).
 */
export class Network {
  constructor(sizes, functions, W, b) {
    this.sizes = sizes.slice();
    this.names = functions.slice();
    this.fns = functions.map((name) => {
      if (!(name in FUNCTIONS)) throw new RangeError(`unknown activation function ${name}; valid: ${Object.keys(FUNCTIONS)}`);
      return FUNCTIONS[name];
    });
    this.W = W.map((w) => Float64Array.from(w));
    this.b = b.map((v) => Float64Array.from(v));
    this.buffers = new Map();
  }

  /** Initial weights as backprop.Network(sizes, rng=default_rng(seed), weight_scale): every
   *  weight matrix first, then every bias vector, each uniform on [-scale, scale]. */
  static random(sizes, functions, scale, seed) {
    const rng = new Generator(seed);
    const L = sizes.length - 1;
    const W = [], b = [];
    for (let l = 0; l < L; l++) W.push(Array.from({ length: sizes[l + 1] * sizes[l] }, () => rng.uniform(-scale, scale)));
    for (let l = 0; l < L; l++) b.push(Array.from({ length: sizes[l + 1] }, () => rng.uniform(-scale, scale)));
    return new Network(sizes, functions, W, b);
  }

  get nParameters() { return this.W.reduce((s, w, l) => s + w.length + this.b[l].length, 0); }

  /** W1, b1, W2, b2, ... in one vector (Network.parameters() order). */
  parameters(out = new Float64Array(this.nParameters)) {
    let pos = 0;
    for (let l = 0; l < this.W.length; l++) {
      out.set(this.W[l], pos); pos += this.W[l].length;
      out.set(this.b[l], pos); pos += this.b[l].length;
    }
    return out;
  }

  setParameters(theta) {
    let pos = 0;
    for (let l = 0; l < this.W.length; l++) {
      this.W[l].set(theta.subarray(pos, pos + this.W[l].length)); pos += this.W[l].length;
      this.b[l].set(theta.subarray(pos, pos + this.b[l].length)); pos += this.b[l].length;
    }
  }

  /** Per-layer scratch arrays for batches of P samples (kept, so a frame allocates nothing). */
  scratch(P) {
    let s = this.buffers.get(P);
    if (!s) {
      s = { a: this.sizes.map((n) => new Float64Array(P * n)),
            delta: this.sizes.slice(1).map((n) => new Float64Array(P * n)),
            gW: this.W.map((w) => new Float64Array(w.length)),
            gb: this.b.map((v) => new Float64Array(v.length)) };
      if (this.buffers.size > 8) this.buffers.clear();
      this.buffers.set(P, s);
    }
    return s;
  }

  /** Forward pass of P samples X[start..start+P) (rows of n_0 numbers); returns the scratch
   *  whose a[l] holds layer l's activations. */
  forward(X, P, start = 0) {
    const s = this.scratch(P);
    const n0 = this.sizes[0];
    s.a[0].set(X.subarray(start * n0, (start + P) * n0));
    for (let l = 0; l < this.W.length; l++) {
      const nIn = this.sizes[l], nOut = this.sizes[l + 1];
      const a = s.a[l], out = s.a[l + 1], W = this.W[l], b = this.b[l], f = this.fns[l].f;
      for (let p = 0; p < P; p++) {
        for (let k = 0; k < nOut; k++) {
          let net = 0;  // net_k = sum_j w_kj a_j + b_k
          for (let j = 0; j < nIn; j++) net += a[p * nIn + j] * W[k * nIn + j];
          out[p * nOut + k] = f(net + b[k]);
        }
      }
    }
    return s;
  }

  // --- backward pass: begin
  /** Gradients of E = 1/2 sum_p sum_k (t_k - a_k)^2 after forward(X, P, start), summed over
   *  the P samples, into s.gW and s.gb; s.delta[l] is delta^(l+1) = -dE/dnet^(l+1). */
  backward(s, T, P, start = 0) {
    const L = this.W.length, nL = this.sizes[L];
    const aOut = s.a[L], fOut = this.fns[L - 1].d;
    let delta = s.delta[L - 1];
    for (let i = 0; i < P * nL; i++) {
      delta[i] = (T[start * nL + i] - aOut[i]) * fOut(aOut[i]);  // delta_k = (t_k - a_k) f'(net_k)
    }
    for (let l = L - 1; l >= 0; l--) {
      const nHere = this.sizes[l + 1], nPrev = this.sizes[l], aPrev = s.a[l];
      const gW = s.gW[l], gb = s.gb[l];
      for (let k = 0; k < nHere; k++) {
        for (let j = 0; j < nPrev; j++) {
          let sum = 0;
          for (let p = 0; p < P; p++) sum += delta[p * nHere + k] * aPrev[p * nPrev + j];
          gW[k * nPrev + j] = -sum;  // dE/dw_kj = -sum_p delta_k a_j
        }
        let sum = 0;
        for (let p = 0; p < P; p++) sum += delta[p * nHere + k];
        gb[k] = -sum;
      }
      if (l > 0) {
        const below = s.delta[l - 1], W = this.W[l], fPrev = this.fns[l - 1].d;
        for (let p = 0; p < P; p++) {
          for (let j = 0; j < nPrev; j++) {
            let sum = 0;
            for (let k = 0; k < nHere; k++) sum += delta[p * nHere + k] * W[k * nPrev + j];
            below[p * nPrev + j] = sum * fPrev(aPrev[p * nPrev + j]);  // delta_j = f'(net_j) sum_k delta_k w_kj
          }
        }
        delta = below;
      }
    }
    return s;
  }
  // --- backward pass: end

  /** The half-SSE error of the P samples (X, T). */
  error(X, T, P) {
    if (P === 0) return NaN;
    const s = this.forward(X, P);
    const out = s.a[this.W.length];
    let e = 0;
    for (let i = 0; i < out.length; i++) { const d = T[i] - out[i]; e += d * d; }
    return 0.5 * e;
  }

  /** Fraction of samples whose output is on the target's side of 1/2 (one output unit). */
  accuracy(X, T, P) {
    if (P === 0) return NaN;
    const out = this.forward(X, P).a[this.W.length];
    let ok = 0;
    for (let p = 0; p < P; p++) ok += (out[p] > 0.5) === (T[p] > 0.5) ? 1 : 0;
    return ok / P;
  }
}

function allFinite(arrays) {
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * backprop.training's train_step for one network: the error before the epoch, then batch or
 * on-line updates with momentum, Delta w(t) = -eta dE/dw + alpha Delta w(t-1); a non-finite
 * error or weight marks the run diverged; "solved" when every pattern is right by 0.1.
 */
export class Trainer {
  constructor(net, X, T, { eta, momentum = 0, mode = "batch" }) {
    this.net = net;
    this.X = Float64Array.from(X);
    this.T = Float64Array.from(T);
    this.P = this.T.length / net.sizes[net.sizes.length - 1];
    this.eta = eta;
    this.momentum = momentum;
    this.mode = mode;
    this.vW = net.W.map((w) => new Float64Array(w.length));
    this.vb = net.b.map((v) => new Float64Array(v.length));
    this.epoch = 0;
    this.errors = [];
    this.status = "running";
  }

  update(s) {
    const net = this.net, eta = this.eta, alpha = this.momentum;
    for (let l = 0; l < net.W.length; l++) {
      for (const [params, vel, grad] of [[net.W[l], this.vW[l], s.gW[l]], [net.b[l], this.vb[l], s.gb[l]]]) {
        for (let i = 0; i < params.length; i++) {
          vel[i] = alpha * vel[i] - eta * grad[i];
          params[i] = params[i] + vel[i];
        }
      }
    }
  }

  step() {
    if (this.status === "diverged") return this;
    const net = this.net, L = net.W.length;
    const s = net.forward(this.X, this.P);
    const out = s.a[L];
    let err = 0;
    for (let i = 0; i < out.length; i++) { const d = this.T[i] - out[i]; err += d * d; }
    err *= 0.5;
    this.errors.push(err);
    if (!Number.isFinite(err) || !allFinite(net.W) || !allFinite(net.b)) {
      this.status = "diverged";
      return this;
    }
    if (this.mode === "batch") {
      this.update(net.backward(s, this.T, this.P));
    } else {
      for (let p = 0; p < this.P; p++) this.update(net.backward(net.forward(this.X, 1, p), this.T, 1, p));
    }
    this.epoch += 1;
    if (!allFinite(net.W) || !allFinite(net.b)) this.status = "diverged";
    return this;
  }

  /** Train up to `epochs` epochs, then judge the run once (the status train_epochs reports
   *  is that of the last epoch): "solved" when every pattern is right by 0.1, and the error
   *  of the new weights, `lastError`. */
  train(epochs) {
    for (let e = 0; e < epochs && this.status !== "diverged"; e++) this.step();
    if (this.status === "diverged") { this.lastError = NaN; return this; }
    const out = this.net.forward(this.X, this.P).a[this.net.W.length];
    let solved = true, err = 0;
    for (let i = 0; i < out.length; i++) {
      const d = this.T[i] - out[i];
      err += d * d;
      if (!(Math.abs(d) < 0.5 - 0.1)) solved = false;
    }
    this.lastError = 0.5 * err;
    this.status = solved ? "solved" : "running";
    return this;
  }
}

/** Train from NumPy's initial weights for a seed and return the final parameters: what the
 *  port test compares with backprop.training (tests/test_playground_browser.py). */
export function trainForTest({ sizes, functions, scale, seed, X, T, eta, momentum, mode, epochs }) {
  const net = Network.random(sizes, functions, scale, seed);
  const initial = Array.from(net.parameters());
  const run = new Trainer(net, X.flat(), T.flat(), { eta, momentum, mode }).train(epochs);
  return { initial, final: Array.from(net.parameters()), errors: run.errors, status: run.status, epoch: run.epoch };
}

/** Names of the flat parameters, as backprop.training.parameter_names: "w(1)_21", "b(2)_1". */
export function parameterNames(sizes) {
  const names = [];
  for (let l = 1; l < sizes.length; l++) {
    for (let p = 0; p < sizes[l]; p++) for (let q = 0; q < sizes[l - 1]; q++) names.push(`w(${l})_${p + 1}${q + 1}`);
    for (let p = 0; p < sizes[l]; p++) names.push(`b(${l})_${p + 1}`);
  }
  return names;
}

// ====================================================================== data sets
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

// ====================================================================== settings
export const DEFAULTS = {
  hidden: 2, layers: 1, act: "sigmoid", out: "sigmoid", eta: 2, mom: 0, scale: 1, seed: 0,
  upd: "batch", data: "xor", noise: 0.15, n: 200, test: 0.3, dseed: 0, speed: 5,
  plane: "random", pseed: 0, w1: 0, w2: 6,
};

// Which settings start a new run; the others (learning rate, momentum, updates, speed, the
// landscape's plane) apply to the run in progress.
const RESETS = new Set(["hidden", "layers", "act", "out", "scale", "seed", "data", "noise", "n", "test", "dseed"]);
const DATA_KEYS = ["data", "n", "noise", "test", "dseed"];
const MAX_EPOCHS = 100000;

const CONTROLS = {
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

const GROUPS = [
  ["Network", ["layers", "hidden", "act", "out", "scale", "seed"]],
  ["Training", ["eta", "mom", "upd", "speed"]],
  ["Data", ["data", "noise", "n", "test", "dseed"]],
  ["Landscape", ["plane", "pseed", "w1", "w2"]],
];

function sizesOf(s) { return [2, ...Array(s.layers).fill(s.hidden), 1]; }
function functionsOf(s) { return [...Array(s.layers).fill(s.act), s.out]; }

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

function parseValue(key, text) {
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

function hashOf(s, base) {
  const p = new URLSearchParams();
  for (const k of Object.keys(DEFAULTS)) if (s[k] !== base[k]) p.set(k, String(s[k]));
  return "#pg:" + p.toString();
}

// ====================================================================== drivers
// A driver trains and hands the playground frames: reset(s), live(s), step(epochs) (one
// frame now), and, while the page plays, play(fps) / tick(epochs) each display frame /
// pause(). Listeners: reset, frame, error, and waiting (true while frames are overdue).

/** Trains in the page with the port above: each display frame trains one frame. */
export class LocalDriver {
  constructor(spec) { this.spec = spec; this.listeners = {}; }
  on(name, f) { this.listeners[name] = f; }

  reset(s) {
    // backprop.playground.spec.data_key: XOR is its four points whatever the other settings.
    const key = DATA_KEYS.map((k) => (s.data === "xor" && k !== "data" ? null : s[k]));
    const given = (this.spec.data || []).find((d) => d.key.every((v, i) => v === key[i]));
    const data = given ? { ...given, source: "from backprop.datasets (NumPy), as in the chapter" } : makeData(s);
    const net = Network.random(sizesOf(s), functionsOf(s), s.scale, s.seed);
    this.run = new Trainer(net, data.X, data.T, { eta: s.eta, momentum: s.mom, mode: s.upd });
    this.data = data;
    this.Xt = Float64Array.from(data.Xt); this.Tt = Float64Array.from(data.Tt);
    this.listeners.reset({ data, sizes: net.sizes, functions: net.names, theta: net.parameters(), weightsFrom: "NumPy's generator, ported: the same seed gives the same initial weights as backprop.training.make_state" });
  }

  live(s) { if (this.run) { this.run.eta = s.eta; this.run.momentum = s.mom; this.run.mode = s.upd; } }
  play() {}
  pause() {}
  tick(epochs) { this.step(epochs); }

  step(epochs) {
    const r = this.run;
    if (!r || r.status === "diverged") return;
    const t0 = performance.now();
    r.train(epochs);
    const ms = performance.now() - t0;
    const finite = r.status !== "diverged";
    const net = r.net, P = this.data.Tt.length;
    this.listeners.frame({
      epoch: r.epoch, theta: finite ? net.parameters() : null, status: r.status,
      train: finite ? r.lastError / r.P : NaN,
      test: finite && P ? net.error(this.Xt, this.Tt, P) / P : NaN,
      ms,
    });
  }
}

// Acknowledgements at most this often: each is a message to the kernel, and each message the
// kernel handles makes JupyterLab redraw its busy/idle indicators (and the tab's icon).
const ACK_MS = 250;
const OVERDUE_MS = 1500;  // a playing page without a frame for this long says it is waiting
const RESEND_MS = 3000;   // and asks the kernel to play again this often
const QUEUED = 4;         // frames kept waiting for their display frame (about 70 ms at 60 Hz)

/**
 * The kernel trains (backprop.playground.Playground, an anywidget); this receives its frames
 * as custom messages (the parameters as a binary buffer) and the run as the trait "run".
 * While playing, the kernel pushes frames paced to the display and the page draws one per
 * display frame, acknowledging what it drew every ACK_MS, so that the kernel never runs ahead of what
 * the page can draw. `pushes = false` makes the page ask for each frame instead (up to four
 * requests in flight): the design this replaced, kept for benchmarks/playground_fps.py.
 */
export class KernelDriver {
  constructor(model) {
    this.model = model;
    this.listeners = {};
    this.pushes = true;
    this.playing = false;
    this.inFlight = 0;
    this.runId = null;
    this.queue = [];
    this.delivered = 0;
    this.acked = 0;
    this.handlers = {
      "change:run": () => {
        const r = model.get("run");
        this.runId = r.n;
        this.inFlight = 0; this.queue = []; this.delivered = 0; this.acked = 0;
        this.listeners.reset({ data: r.data, sizes: r.sizes, functions: r.functions, theta: Float64Array.from(r.theta), weightsFrom: "backprop.training.make_state in the kernel" });
      },
      "msg:custom": (msg, buffers) => this.receive(msg, buffers),
      "change:error": () => { this.inFlight = 0; if (model.get("error")) this.listeners.error(model.get("error")); },
    };
    for (const [name, f] of Object.entries(this.handlers)) model.on(name, f);
  }

  on(name, f) { this.listeners[name] = f; }
  send(content) { this.model.send(content); }

  receive(msg, buffers) {
    if (!msg || msg.type !== "frame" || msg.run !== this.runId) return;  // a frame of an earlier run
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastArrival = performance.now();
    if (this.waiting) { this.waiting = false; this.listeners.waiting?.(false); }
    let theta = null;
    if (buffers && buffers.length) {
      const b = buffers[0], view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      theta = new Float64Array(b.byteLength / 8);
      for (let i = 0; i < theta.length; i++) theta[i] = view.getFloat64(8 * i, true);
    }
    const frame = { seq: msg.seq, epoch: msg.epoch, theta, status: msg.status, train: msg.train ?? NaN, test: msg.test ?? NaN, ms: msg.ms, kernel: true };
    if (this.playing && this.pushes) this.queue.push(frame);
    else this.deliver([frame]);
  }

  deliver(frames) {
    if (!frames.length) return;
    for (const f of frames) this.listeners.frame(f);
    this.delivered = frames[frames.length - 1].seq;
    if (!this.playing || performance.now() - (this.ackedAt || 0) >= ACK_MS) this.ack();
  }

  ack() {
    if (this.delivered <= this.acked) return;
    this.acked = this.delivered;
    this.ackedAt = performance.now();
    this.send({ type: "ack", run: this.runId, seq: this.delivered });
  }

  reset(s) {
    this.playing = false; this.inFlight = 0; this.queue = [];
    this.send({ type: "reset", settings: s });
  }

  live(s) { this.send({ type: "live", settings: s }); }

  play(fps) {
    this.fps = fps;
    this.lastArrival = this.lastAsked = performance.now();
    if (!this.pushes) { this.playing = true; return; }
    this.send({ type: "play", fps });
    this.playing = true;
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    if (this.pushes) this.send({ type: "pause" });
    // What arrived is shown at once: the page stops at the kernel's latest frame.
    this.deliver(this.queue.splice(0));
    this.ack();
    if (this.waiting) { this.waiting = false; this.listeners.waiting?.(false); }
  }

  // One display frame while playing.
  tick(epochs, fps) {
    const now = performance.now();
    if (!this.pushes) { this.step(epochs); return; }
    if (Math.abs(fps - this.fps) > 0.15 * this.fps) { this.fps = fps; this.send({ type: "play", fps }); }
    if (this.queue.length) {
      // The next frame. Frames arrive unevenly (a busy machine delays some and then sends
      // two at once), so up to QUEUED wait their turn; beyond that (the kernel paces a little
      // faster than the display) the older ones are applied without being drawn.
      this.deliver(this.queue.splice(0, this.queue.length > QUEUED ? this.queue.length - QUEUED + 1 : 1));
    } else if (now - this.lastArrival > OVERDUE_MS) {
      if (!this.waiting) { this.waiting = true; this.listeners.waiting?.(true); }
      // The kernel may have stopped (it stops when a page stops acknowledging): ask again.
      if (now - this.lastAsked > RESEND_MS) { this.lastAsked = now; this.send({ type: "play", fps }); }
    }
  }

  // One frame on request: the step button (or every display frame with pushes = false).
  step(epochs) { if (this.inFlight < 4) { this.inFlight += 1; this.send({ type: "train", epochs }); } }

  dispose() {
    if (this.playing && this.pushes) this.send({ type: "pause" });
    for (const [name, f] of Object.entries(this.handlers)) this.model.off(name, f);
  }
}

// ====================================================================== colours
const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37]];
function ramp(stops, t) {
  t = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
  return stops[i].map((c, k) => c + f * (stops[i + 1][k] - c));
}
function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return [128, 128, 128];
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function tickLabel(t) { return String(Number(t.toPrecision(4))); }

function formatNumber(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}

// ====================================================================== the playground
const PANELS = {
  boundary: { title: "Decision boundary", aspect: 1 },
  network: { title: "Network", aspect: 0.8 },
  errors: { title: "Error per pattern (log scale)", aspect: 0.6 },
  landscape: { title: "Error landscape", aspect: 0.9 },
};
// Decision-boundary resolution (points per side): finer for small networks, coarser when a
// forward pass over the grid costs more (networks with more than GRID_SMALL_UNTIL parameters).
const GRID_FINE = 56, GRID_COARSE = 40, GRID_SMALL_UNTIL = 60;
const LAND = 41;          // landscape resolution
const SNAPSHOTS = 600;    // parameter sets kept for the trajectory
const LAND_POINTS = 200;  // at most this many training points enter the landscape's error

let counter = 0;

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
    this.id = `bp-pg-${++counter}`;
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
    this.land = null;      // the landscape being shown
    this.landJob = null;   // the landscape being computed
    this.landDue = 0;
    this.status = "running";
    this.build();
    this.colours();
    this.themeObserver = new MutationObserver(() => { this.colours(); this.dirty = true; this.kick(); });
    for (const node of [document.documentElement, document.body]) this.themeObserver.observe(node, { attributes: true, attributeFilter: ["data-theme", "data-jp-theme-light", "class"] });
    this.resizeObserver = new ResizeObserver(() => { this.layout(); this.dirty = true; this.kick(); });
    this.resizeObserver.observe(this.root);
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
    const root = document.createElement("div");
    root.className = "bp-root";
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", this.spec.label || "Training playground");
    const bar = document.createElement("div");
    bar.className = "bp-bar";
    const button = (text, title, f) => {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = text; b.title = title; b.className = "bp-button";
      b.addEventListener("click", f);
      bar.append(b);
      return b;
    };
    this.playButton = button("▶ play", "Play or pause training (keyboard: Enter or Space on this button)", () => this.toggle());
    this.playButton.setAttribute("aria-pressed", "false");
    button("step", "Train one frame's epochs", () => { this.pause(); if (!this.diverged) this.driver.step(this.s.speed); });
    button("reset", "New initial weights from the settings", () => this.restart());
    this.epochText = document.createElement("span");
    this.epochText.className = "bp-epoch";
    bar.append(this.epochText);
    root.append(bar);

    this.message = document.createElement("p");
    this.message.className = "bp-message";
    this.message.setAttribute("role", "status");
    root.append(this.message);

    const panels = document.createElement("div");
    panels.className = "bp-panels";
    this.canvases = {};
    for (const name of this.panelNames) {
      const fig = document.createElement("figure");
      fig.className = `bp-panel bp-panel-${name}`;
      const cap = document.createElement("figcaption");
      cap.textContent = PANELS[name].title;
      cap.id = `${this.id}-${name}-title`;
      const c = document.createElement("canvas");
      c.setAttribute("role", "img");
      c.setAttribute("aria-labelledby", cap.id);
      fig.append(cap, c);
      panels.append(fig);
      this.canvases[name] = c;
    }
    root.append(panels);

    if (this.panelNames.includes("landscape")) {
      const label = document.createElement("label");
      label.className = "bp-inspect";
      label.textContent = "inspect the trajectory (the boundary and network show that epoch) ";
      this.inspectInput = document.createElement("input");
      this.inspectInput.type = "range"; this.inspectInput.min = "0"; this.inspectInput.max = "0"; this.inspectInput.value = "0";
      this.inspectInput.addEventListener("input", () => {
        const i = Number(this.inspectInput.value);
        this.inspect = i >= this.snaps.length - 1 ? null : i;
        this.dirty = true; this.kick();
      });
      label.append(this.inspectInput);
      root.append(label);
      const c = this.canvases.landscape;
      c.addEventListener("pointermove", (e) => this.hover(e));
      c.addEventListener("pointerleave", () => { if (this.hovering) { this.hovering = false; this.inspect = null; this.syncInspect(); this.dirty = true; this.kick(); } });
    }

    this.summary = document.createElement("p");
    this.summary.className = "bp-summary";
    this.summary.setAttribute("aria-live", "polite");
    root.append(this.summary);

    const form = document.createElement("div");
    form.className = "bp-controls";
    this.inputs = {};
    for (const [title, keys] of GROUPS) {
      const shown = keys.filter((k) => this.controlNames.has(k));
      if (!shown.length) continue;
      const set = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = title;
      set.append(legend);
      for (const k of shown) set.append(this.control(k));
      form.append(set);
    }
    root.append(form);
    this.note = document.createElement("p");
    this.note.className = "bp-note";
    root.append(this.note);
    this.el.replaceChildren(root);
    this.root = root;
    this.syncControls();
  }

  control(key) {
    const def = CONTROLS[key];
    const wrap = document.createElement("div");
    wrap.className = "bp-field";
    const id = `${this.id}-${key}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = def.label;
    let input;
    if (def.kind === "select" || def.kind === "param") {
      input = document.createElement("select");
      if (def.kind === "select") for (const [v, text] of Object.entries(def.options)) input.add(new Option(text, v));
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
    const event = def.kind === "int" ? "change" : "input";
    input.addEventListener(event, () => this.fromInput(key));
    wrap.append(label, input, out);
    this.inputs[key] = { input, out, wrap };
    return wrap;
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

  say(text, kind) {
    this.message.textContent = text;
    this.message.className = `bp-message ${kind ? "bp-" + kind : ""}`;
    this.message.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  // ------------------------------------------------------------------ running
  restart() {
    this.pause();
    this.diverged = false;
    this.history = [];
    this.snaps = [];
    this.inspect = null;
    this.land = null;
    this.landJob = null;
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
    this.landscapeWork(now);
    const cost = performance.now() - t0;
    this.costEma = 0.9 * this.costEma + 0.1 * cost;
    this.adapt();
    const busy = this.awaiting || this.playing || this.dirty || this.landJob || this.landDue > 0;
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
    this.themeObserver.disconnect();
    this.resizeObserver.disconnect();
    this.driver.dispose?.();
  }

  // ------------------------------------------------------------------ the landscape
  scheduleLandscape(delay) { this.landDue = performance.now() + delay; this.kick(); }

  landscapeWork(now) {
    if (!this.canvases.landscape || !this.net) return;
    if (!this.landJob && performance.now() >= this.landDue && this.landDue > 0) {
      this.landDue = 0;
      this.landJob = this.newLandscape();
    }
    const job = this.landJob;
    if (!job) return;
    const budget = this.playing ? 4 : 12, t0 = performance.now();
    const { n, u, v, center, d1, d2, E } = job;
    const theta = new Float64Array(center.length);
    const { X, T } = this.landData;
    const P = T.length;
    // One grid point at a time, so a large setting never spends more than the budget.
    while (job.cell < n * n && performance.now() - t0 < budget) {
      const r = Math.floor(job.cell / n), c = job.cell % n;
      for (let i = 0; i < theta.length; i++) theta[i] = center[i] + u[c] * d1[i] + v[r] * d2[i];
      this.probe.setParameters(theta);
      E[job.cell++] = this.probe.error(X, T, P) / P;
    }
    if (job.cell >= n * n) {
      this.land = job;
      this.landJob = null;
      this.dirty = true;
      // While playing, the slice follows the weights: a new one through them every second.
      if (this.playing) this.scheduleLandscape(1000);
    }
  }

  newLandscape() {
    const center = this.net.parameters();
    const m = center.length, s = this.s;
    let d1 = new Float64Array(m), d2 = new Float64Array(m), labels;
    if (s.plane === "weights") {
      d1[s.w1] = 1; d2[s.w2] = 1;
      const names = parameterNames(this.net.sizes);
      labels = [names[s.w1], names[s.w2]];
    } else {
      const rng = new Generator(s.pseed);
      for (let i = 0; i < m; i++) { d1[i] = rng.normal(); d2[i] = rng.normal(); }
      const dot = (a, b) => a.reduce((t, x, i) => t + x * b[i], 0);
      const k = dot(d2, d1) / dot(d1, d1);
      d2 = d2.map((x, i) => x - k * d1[i]);
      const n1 = Math.sqrt(dot(d1, d1)), n2 = Math.sqrt(dot(d2, d2));
      d1 = d1.map((x) => x / n1); d2 = d2.map((x) => x / n2);
      labels = ["direction 1", "direction 2"];
    }
    const job = { center, d1, d2, labels, n: LAND, cell: 0 };
    let half = 2;
    for (const p of this.snaps) { const [a, b] = this.project(job, p.theta); half = Math.max(half, Math.abs(a) + 0.5, Math.abs(b) + 0.5); }
    half = Math.min(half, 30);
    job.half = half;
    job.u = Float64Array.from({ length: LAND }, (_, i) => -half + (2 * half * i) / (LAND - 1));
    job.v = job.u;
    job.E = new Float64Array(LAND * LAND);
    return job;
  }

  project(job, theta) {
    let a = 0, b = 0;
    for (let i = 0; i < theta.length; i++) { const t = theta[i] - job.center[i]; a += t * job.d1[i]; b += t * job.d2[i]; }
    return [a, b];
  }

  hover(e) {
    const land = this.land;
    if (!land || !this.landBox) return;
    const r = this.canvases.landscape.getBoundingClientRect();
    const x = e.clientX - r.left, y = e.clientY - r.top;
    let best = -1, dist = 144;
    this.snaps.forEach((p, i) => {
      const [a, b] = this.project(land, p.theta);
      const [px, py] = this.landBox.toPx(a, b);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < dist) { dist = d; best = i; }
    });
    if (best >= 0) {
      this.hovering = true;
      this.inspect = best === this.snaps.length - 1 ? null : best;
      this.syncInspect();
      this.dirty = true; this.kick();
    }
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
    const neg = hexToRgb(this.c.neg), pos = hexToRgb(this.c.pos), mid = hexToRgb(this.c.mid);
    this.lut = new Uint8ClampedArray(256 * 3);
    for (let k = 0; k < 256; k++) {
      const t = k / 255, [from, to, f] = t < 0.5 ? [neg, mid, t * 2] : [mid, pos, (t - 0.5) * 2];
      for (let c = 0; c < 3; c++) this.lut[3 * k + c] = from[c] + f * (to[c] - from[c]);
    }
  }

  layout() {
    for (const [name, c] of Object.entries(this.canvases)) {
      const w = Math.max(120, Math.floor(c.parentElement.clientWidth));
      const h = Math.round(w * PANELS[name].aspect);
      const dpr = Math.min(2, window.devicePixelRatio || 1);
      if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
        c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
        c.style.height = `${h}px`;
      }
      c.dataset.cssWidth = String(w); c.dataset.cssHeight = String(h); c.dataset.dpr = String(dpr);
    }
  }

  ctx(name) {
    const c = this.canvases[name];
    if (!c) return null;
    if (!c.dataset.cssWidth) this.layout();
    const g = c.getContext("2d");
    const dpr = Number(c.dataset.dpr);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const w = Number(c.dataset.cssWidth), h = Number(c.dataset.cssHeight);
    g.clearRect(0, 0, w, h);
    g.font = this.c.font;
    g.textBaseline = "middle";
    return { g, w, h };
  }

  shownNetwork() {
    if (this.inspect === null || !this.snaps[this.inspect]) return { net: this.net, epoch: this.epoch };
    this.probe.setParameters(this.snaps[this.inspect].theta);
    return { net: this.probe, epoch: this.snaps[this.inspect].epoch };
  }

  draw() {
    if (!this.net) return;
    const shown = this.shownNetwork();
    this.evaluateGrid(shown.net);
    if (this.canvases.boundary) this.drawBoundary(shown);
    if (this.canvases.network) this.drawNetwork(shown);
    if (this.canvases.errors) this.drawErrors();
    if (this.canvases.landscape) this.drawLandscape();
    this.describe(false);
    this.root.dataset.frames = String((Number(this.root.dataset.frames) || 0) + 1);
  }

  // One forward pass over a GRID x GRID lattice of the input plane: the output for the
  // boundary and every hidden unit's output for the network's thumbnails.
  evaluateGrid(net) {
    const [x0, x1, y0, y1] = this.extent;
    const GRID = net.nParameters <= GRID_SMALL_UNTIL ? GRID_FINE : GRID_COARSE;
    if (!this.gridX || this.gridExtent !== this.extent || this.G !== GRID) {
      this.G = GRID;
      this.imageCanvas = null;
      this.gridX = new Float64Array(GRID * GRID * 2);
      for (let r = 0; r < GRID; r++) {
        for (let c = 0; c < GRID; c++) {
          this.gridX[2 * (r * GRID + c)] = x0 + ((c + 0.5) * (x1 - x0)) / GRID;
          this.gridX[2 * (r * GRID + c) + 1] = y1 - ((r + 0.5) * (y1 - y0)) / GRID;
        }
      }
      this.gridExtent = this.extent;
    }
    this.grid = net.forward(this.gridX, GRID * GRID);
  }

  // values[i * stride + unit] over the grid as an image, blue (lo) to orange (hi), through a
  // 256-colour table (no allocation per pixel: this runs for every unit, every frame).
  image(values, stride, unit, lo, hi) {
    if (!this.imageCanvas) {
      this.imageCanvas = document.createElement("canvas");
      this.imageCanvas.width = this.G; this.imageCanvas.height = this.G;
      this.imageData = this.imageCanvas.getContext("2d").createImageData(this.G, this.G);
    }
    const d = this.imageData.data, lut = this.lut, scale = hi > lo ? 255 / (hi - lo) : 0;
    for (let i = 0; i < this.G * this.G; i++) {
      const v = values[i * stride + unit];
      const finite = Number.isFinite(v);
      const k = finite ? Math.min(255, Math.max(0, Math.round(scale ? (v - lo) * scale : 127.5))) : 128;
      d[4 * i] = lut[3 * k]; d[4 * i + 1] = lut[3 * k + 1]; d[4 * i + 2] = lut[3 * k + 2];
      d[4 * i + 3] = finite ? 255 : 60;
    }
    this.imageCanvas.getContext("2d").putImageData(this.imageData, 0, 0);
    return this.imageCanvas;
  }

  drawBoundary({ net, epoch }) {
    const { g, w, h } = this.ctx("boundary");
    const pad = { l: 44, r: 8, t: 8, b: 28 };
    const box = { x: pad.l, y: pad.t, w: w - pad.l - pad.r, h: h - pad.t - pad.b };
    const [x0, x1, y0, y1] = this.extent;
    const toPx = (x, y) => [box.x + ((x - x0) / (x1 - x0)) * box.w, box.y + ((y1 - y) / (y1 - y0)) * box.h];
    const L = net.W.length;
    const range = FUNCTIONS[net.names[L - 1]].range;
    g.imageSmoothingEnabled = true;
    g.drawImage(this.image(this.grid.a[L], 1, 0, range[0] ?? 0, range[1] ?? 1), box.x, box.y, box.w, box.h);
    // The decision boundary a_k = 1/2, by marching squares on the grid.
    g.save();
    g.beginPath(); g.rect(box.x, box.y, box.w, box.h); g.clip();
    this.contour(g, this.grid.a[L], 0.5, box);
    g.strokeStyle = "#000000"; g.lineWidth = 2; g.stroke();
    // Each first-layer unit's line net_j = 0, dashed.
    if (L > 1) {
      g.setLineDash([5, 4]); g.lineWidth = 1.5; g.strokeStyle = this.c.fg;
      const W = net.W[0], b = net.b[0];
      for (let j = 0; j < net.sizes[1]; j++) {
        const [a1, a2, c] = [W[2 * j], W[2 * j + 1], b[j]];
        const pts = lineInBox(a1, a2, c, this.extent);
        if (pts) { g.beginPath(); g.moveTo(...toPx(...pts[0])); g.lineTo(...toPx(...pts[1])); g.stroke(); }
      }
      g.setLineDash([]);
    }
    // The data: training points filled, test points as rings; one path per class and kind.
    const dot = (X, T, filled) => {
      const r = T.length > 100 ? 3 : 5;
      for (const cls of [0, 1]) {
        g.beginPath();
        for (let p = 0; p < T.length; p++) {
          if ((T[p] > 0.5 ? 1 : 0) !== cls) continue;
          const [px, py] = toPx(X[2 * p], X[2 * p + 1]);
          g.moveTo(px + r, py); g.arc(px, py, r, 0, 2 * Math.PI);
        }
        const col = cls ? this.c.class1 : this.c.class0;
        if (filled) { g.fillStyle = col; g.fill(); g.strokeStyle = "#ffffff"; g.lineWidth = 1; g.stroke(); } else { g.strokeStyle = col; g.lineWidth = 2; g.stroke(); }
      }
    };
    dot(this.data.X, this.data.T, true);
    dot(this.data.Xt, this.data.Tt, false);
    g.restore();
    this.axes(g, box, [x0, x1], [y0, y1], "x₁", "x₂");
    g.fillStyle = this.c.fg; g.textAlign = "right";
    g.fillText(`epoch ${epoch}`, box.x + box.w - 4, box.y + 10);
  }

  contour(g, values, level, box) {
    const n = this.G, sx = box.w / n, sy = box.h / n;
    const at = (r, c) => values[r * n + c] - level;
    for (let r = 0; r < n - 1; r++) {
      for (let c = 0; c < n - 1; c++) {
        const v = [at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c)];
        const pts = [];
        const corner = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]];
        for (let e = 0; e < 4; e++) {
          const a = v[e], b = v[(e + 1) % 4];
          if ((a < 0) !== (b < 0)) {
            const f = a / (a - b), [ax, ay] = corner[e], [bx, by] = corner[(e + 1) % 4];
            pts.push([box.x + (ax + f * (bx - ax) + 0.5) * sx, box.y + (ay + f * (by - ay) + 0.5) * sy]);
          }
        }
        for (let i = 0; i + 1 < pts.length; i += 2) { g.moveTo(...pts[i]); g.lineTo(...pts[i + 1]); }
      }
    }
  }

  axes(g, box, xr, yr, xl, yl, options) { drawAxes(g, this.c, box, xr, yr, xl, yl, options); }

  drawNetwork({ net }) {
    const { g, w, h } = this.ctx("network");
    const sizes = net.sizes, L = sizes.length - 1;
    const maxUnits = Math.max(...sizes);
    const cell = Math.max(14, Math.min(40, (h - 24) / maxUnits - 6));
    const colX = (l) => 20 + (l * (w - 40 - cell)) / L;
    const rowY = (l, k) => h / 2 + (k - (sizes[l] - 1) / 2) * (cell + 6);
    let maxW = 1e-9;
    for (const W of net.W) for (const v of W) maxW = Math.max(maxW, Math.abs(v));
    // Weights: width is size, colour is sign (orange positive, blue negative).
    for (let l = 0; l < L; l++) {
      const W = net.W[l];
      for (let k = 0; k < sizes[l + 1]; k++) {
        for (let j = 0; j < sizes[l]; j++) {
          const v = W[k * sizes[l] + j];
          g.beginPath();
          g.moveTo(colX(l) + cell, rowY(l, j));
          g.lineTo(colX(l + 1), rowY(l + 1, k));
          g.strokeStyle = v >= 0 ? this.c.pos : this.c.neg;
          g.lineWidth = Number.isFinite(v) ? 0.5 + 5 * Math.sqrt(Math.abs(v) / maxW) : 1;
          g.stroke();
        }
      }
    }
    // Units: the inputs labelled, every other unit a thumbnail of its output over the plane.
    g.imageSmoothingEnabled = true;
    for (let l = 0; l <= L; l++) {
      for (let k = 0; k < sizes[l]; k++) {
        const x = colX(l), y = rowY(l, k) - cell / 2;
        if (l === 0) {
          g.fillStyle = this.c.bg; g.fillRect(x, y, cell, cell);
          g.fillStyle = this.c.fg; g.textAlign = "center"; g.fillText(`x${k === 0 ? "₁" : "₂"}`, x + cell / 2, y + cell / 2);
        } else {
          const a = this.grid.a[l], act = FUNCTIONS[net.names[l - 1]];
          let [lo, hi] = act.range;
          if (lo === null || hi === null) {
            let mn = Infinity, mx = -Infinity;
            for (let i = 0; i < this.G * this.G; i++) { const v = a[i * sizes[l] + k]; if (v < mn) mn = v; if (v > mx) mx = v; }
            lo = lo ?? mn; hi = hi ?? mx;
          }
          g.drawImage(this.image(a, sizes[l], k, lo, hi), x, y, cell, cell);
        }
        g.strokeStyle = this.c.muted; g.lineWidth = 1; g.strokeRect(x, y, cell, cell);
      }
    }
    g.fillStyle = this.c.muted; g.textAlign = "center";
    for (let l = 0; l <= L; l++) g.fillText(l === 0 ? "input" : l === L ? "output" : `hidden ${l}`, colX(l) + cell / 2, 10);
  }

  drawErrors() {
    const { g, w, h } = this.ctx("errors");
    const box = { x: 42, y: 10, w: w - 52, h: h - 40 };
    const H = this.history;
    const vals = H.flatMap((p) => [p.train, p.test]).filter((v) => Number.isFinite(v) && v > 0);
    const lo = vals.length ? Math.floor(Math.log10(Math.max(1e-12, Math.min(...vals)))) : -3;
    const hi = vals.length ? Math.ceil(Math.log10(Math.max(...vals)) + 1e-9) : 0;
    const y0 = Math.min(lo, hi - 1), y1 = Math.max(hi, lo + 1);
    const e1 = Math.max(10, H.length ? H[H.length - 1].epoch : 10);
    const toPx = (e, v) => [box.x + (e / e1) * box.w, box.y + ((y1 - Math.log10(v)) / (y1 - y0)) * box.h];
    g.strokeStyle = this.c.grid; g.lineWidth = 1;
    for (let t = y0; t <= y1; t++) { const y = toPx(0, 10 ** t)[1]; g.beginPath(); g.moveTo(box.x, y); g.lineTo(box.x + box.w, y); g.stroke(); }
    const line = (key, colour, dash) => {
      g.beginPath(); let on = false;
      for (const p of H) {
        const v = p[key];
        if (!(Number.isFinite(v) && v > 0)) { on = false; continue; }
        const [x, y] = toPx(p.epoch, v);
        if (on) g.lineTo(x, y); else g.moveTo(x, y);
        on = true;
      }
      g.setLineDash(dash); g.strokeStyle = colour; g.lineWidth = 2; g.stroke(); g.setLineDash([]);
    };
    line("train", this.c.fg, []);
    const hasTest = H.some((p) => Number.isFinite(p.test));
    if (hasTest) line("test", this.c.pos, [6, 4]);
    this.axes(g, box, [0, e1], [y0, y1], "epoch", "E / P", { logY: true });
    g.textAlign = "left"; g.fillStyle = this.c.fg;
    g.fillText("— training", box.x + 8, box.y + 10);
    if (hasTest) { g.fillStyle = this.c.pos; g.fillText("- - test", box.x + 90, box.y + 10); }
  }

  drawLandscape() {
    const { g, w, h } = this.ctx("landscape");
    const land = this.land;
    const box = { x: 46, y: 8, w: w - 46 - 78, h: h - 8 - 30 };
    if (!land) {
      g.fillStyle = this.c.muted; g.textAlign = "center";
      g.fillText("computing the slice…", box.x + box.w / 2, box.y + box.h / 2);
      return;
    }
    const levels = 12;
    if (this.landDrawn !== land) {
      // The filled contours are drawn once per slice (the slice changes about once a second
      // while playing; the trajectory on top of it, every frame).
      const n = land.n, logs = Array.from(land.E, (e) => Math.log10(Math.max(e, 1e-8)));
      const finite = logs.filter(Number.isFinite);
      let lo = Math.min(...finite), hi = Math.max(...finite);
      if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
      if (!this.landCanvas || this.landCanvas.width !== n) {
        this.landCanvas = document.createElement("canvas");
        this.landCanvas.width = n; this.landCanvas.height = n;
      }
      const lg = this.landCanvas.getContext("2d"), img = lg.createImageData(n, n);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
          // Filled contours: the colour of the band the error falls in.
          const t = Math.min(levels - 1, Math.floor(((logs[r * n + c] - lo) / (hi - lo)) * levels)) / (levels - 1);
          const col = Number.isFinite(t) ? ramp(VIRIDIS, t) : [128, 128, 128];
          const i = 4 * ((n - 1 - r) * n + c);
          img.data[i] = col[0]; img.data[i + 1] = col[1]; img.data[i + 2] = col[2]; img.data[i + 3] = 255;
        }
      }
      lg.putImageData(img, 0, 0);
      this.landDrawn = land;
      this.landRange = [lo, hi];
    }
    const [lo, hi] = this.landRange;
    g.imageSmoothingEnabled = true;
    g.drawImage(this.landCanvas, box.x, box.y, box.w, box.h);
    const half = land.half;
    const toPx = (a, b) => [box.x + ((a + half) / (2 * half)) * box.w, box.y + ((half - b) / (2 * half)) * box.h];
    this.landBox = { toPx };
    // The trajectory, projected on the plane.
    g.save(); g.beginPath(); g.rect(box.x, box.y, box.w, box.h); g.clip();
    g.beginPath();
    this.snaps.forEach((p, i) => { const [x, y] = toPx(...this.project(land, p.theta)); if (i) g.lineTo(x, y); else g.moveTo(x, y); });
    g.strokeStyle = this.c.path; g.lineWidth = 2; g.stroke();
    const mark = (i, r, fill) => {
      const p = this.snaps[i];
      if (!p) return;
      const [x, y] = toPx(...this.project(land, p.theta));
      g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI); g.fillStyle = fill; g.fill(); g.strokeStyle = "#000000"; g.lineWidth = 1.5; g.stroke();
    };
    mark(0, 5, "#ffffff");
    mark(this.snaps.length - 1, 5, "#e67e22");
    if (this.inspect !== null) mark(this.inspect, 7, "#ff2d55");
    g.restore();
    this.axes(g, box, [-half, half], [-half, half], land.labels[0], land.labels[1]);
    if (this.landData.T.length < this.landData.of) {
      g.fillStyle = "#ffffff"; g.textAlign = "left";
      g.fillText(`error on ${this.landData.T.length} of ${this.landData.of} points`, box.x + 4, box.y + 10);
    }
    // The colour bar, in log10 of the error per pattern.
    const bar = { x: box.x + box.w + 10, y: box.y, w: 12, h: box.h };
    for (let k = 0; k < levels; k++) {
      g.fillStyle = `rgb(${ramp(VIRIDIS, k / (levels - 1)).join(",")})`;
      g.fillRect(bar.x, bar.y + bar.h - ((k + 1) / levels) * bar.h, bar.w, bar.h / levels + 0.5);
    }
    g.strokeStyle = this.c.muted; g.strokeRect(bar.x, bar.y, bar.w, bar.h);
    g.fillStyle = this.c.muted; g.textAlign = "left";
    for (const [t, y] of [[hi, bar.y + 6], [(lo + hi) / 2, bar.y + bar.h / 2], [lo, bar.y + bar.h - 6]]) g.fillText((10 ** t).toExponential(1), bar.x + bar.w + 3, y);
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
    const labels = {
      boundary: `Decision boundary at epoch ${epoch}: the network's output over the input plane, blue near 0 and orange near 1, with the boundary where it is one half, the first hidden layer's lines as dashes, and ${P} training points${Pt ? ` and ${Pt} test points (rings)` : ""}. Training accuracy ${Math.round(100 * accTrain)}%.`,
      network: `The ${sizes} network at epoch ${epoch}: each weight drawn as a line whose width is its size, orange when positive and blue when negative; each unit shows its output over the input plane.`,
      errors: `Error per pattern against epoch on a log scale, up to epoch ${this.epoch}: now ${formatNumber(eTrain / P)} for training${test ? " and " + formatNumber(this.history[this.history.length - 1]?.test) + " for test" : ""}.`,
      landscape: this.land ? `Error landscape: the error per pattern${this.landData.T.length < P ? ` (on ${this.landData.T.length} of the ${P} training points)` : ""} over a plane through the weights (${this.land.labels.join(" and ")}), as filled contours from ${formatNumber(Math.min(...this.land.E))} to ${formatNumber(Math.max(...this.land.E))}, with the training path of ${this.snaps.length} snapshots drawn on it.` : "Error landscape: being computed.",
    };
    for (const [name, c] of Object.entries(this.canvases)) c.setAttribute("aria-label", labels[name]);
  }
}

// The theme's colours, from the CSS custom properties of playground.css (light and dark).
function themeColours(el) {
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
function drawAxes(g, c, box, [x0, x1], [y0, y1], xl, yl, { logY = false } = {}) {
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


function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw || 1)), m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function extentOf(d, name) {
  if (name === "xor" || name === "noisy-xor") return [-0.5, 1.5, -0.5, 1.5];
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  const all = [d.X, d.Xt];
  for (const X of all) for (let i = 0; i < X.length; i += 2) { x0 = Math.min(x0, X[i]); x1 = Math.max(x1, X[i]); y0 = Math.min(y0, X[i + 1]); y1 = Math.max(y1, X[i + 1]); }
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, r = Math.max(x1 - x0, y1 - y0) / 2 + 0.3;
  return [cx - r, cx + r, cy - r, cy + r];
}

// The segment of the line a1 x + a2 y + c = 0 inside the box, or null.
function lineInBox(a1, a2, c, [x0, x1, y0, y1]) {
  const pts = [];
  if (Math.abs(a2) > 1e-12) for (const x of [x0, x1]) { const y = -(a1 * x + c) / a2; if (y >= y0 && y <= y1) pts.push([x, y]); }
  if (Math.abs(a1) > 1e-12) for (const y of [y0, y1]) { const x = -(a2 * y + c) / a1; if (x >= x0 && x <= x1) pts.push([x, y]); }
  return pts.length >= 2 ? [pts[0], pts[pts.length - 1]] : null;
}

// ====================================================================== the perceptron
// The player of Why one layer is not enough (book/perceptron): one threshold unit learning a
// logic gate by Rosenblatt's rule, pattern by pattern. The run is a weight history, computed
// by the port below in the static book and by backprop.perceptron.train_perceptron in the
// kernel (backprop.playground.PerceptronPlayground); the player shows it step by step.

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

export class PerceptronPlayer {
  constructor(el, spec, driver) {
    this.el = el;
    this.spec = spec;
    this.driver = driver;
    this.id = `bp-pp-${++counter}`;
    this.s = { ...PERCEPTRON_DEFAULTS, ...(spec.defaults || {}) };
    this.step = 0;
    this.playing = false;
    this.run = null;
    this.build();
    this.c = themeColours(this.root);
    this.themeObserver = new MutationObserver(() => { this.c = themeColours(this.root); this.draw(); });
    for (const node of [document.documentElement, document.body]) this.themeObserver.observe(node, { attributes: true, attributeFilter: ["data-theme", "data-jp-theme-light", "class"] });
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(this.root);
    driver.on("run", (r) => this.onRun(r));
    driver.on("error", (m) => { this.pause(); this.say(m, "error"); });
    this.restart();
  }

  build() {
    const root = document.createElement("div");
    root.className = "bp-root";
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", this.spec.label || "Perceptron rule player");
    const bar = document.createElement("div");
    bar.className = "bp-bar";
    const button = (text, title, f) => {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = text; b.title = title; b.className = "bp-button";
      b.addEventListener("click", f);
      bar.append(b);
      return b;
    };
    this.playButton = button("▶ play", "Play or pause the presentations", () => (this.playing ? this.pause() : this.play()));
    this.playButton.setAttribute("aria-pressed", "false");
    button("◀ back", "Show the previous presentation", () => { this.pause(); this.show(this.step - 1); });
    button("step ▶", "Present the next pattern", () => { this.pause(); this.show(this.step + 1); });
    button("start", "Back to the start weights", () => { this.pause(); this.show(0); });
    this.stepText = document.createElement("span");
    this.stepText.className = "bp-epoch";
    bar.append(this.stepText);
    root.append(bar);
    this.message = document.createElement("p");
    this.message.className = "bp-message";
    this.message.setAttribute("role", "status");
    root.append(this.message);
    const panels = document.createElement("div");
    panels.className = "bp-panels";
    this.canvases = {};
    for (const [name, title] of [["unit", "The threshold unit's line (shaded: where it answers 1)"], ["mistakes", "Mistakes per epoch"]]) {
      const fig = document.createElement("figure");
      fig.className = `bp-panel bp-panel-${name}`;
      const cap = document.createElement("figcaption");
      cap.textContent = title;
      const c = document.createElement("canvas");
      c.setAttribute("role", "img");
      fig.append(cap, c);
      panels.append(fig);
      this.canvases[name] = c;
    }
    root.append(panels);
    const scrub = document.createElement("label");
    scrub.className = "bp-inspect";
    scrub.textContent = "presentation ";
    this.scrub = document.createElement("input");
    this.scrub.type = "range"; this.scrub.min = "0"; this.scrub.max = "0"; this.scrub.value = "0";
    this.scrub.addEventListener("input", () => { this.pause(); this.show(Number(this.scrub.value)); });
    scrub.append(this.scrub);
    root.append(scrub);
    this.summary = document.createElement("p");
    this.summary.className = "bp-summary";
    this.summary.setAttribute("aria-live", "polite");
    root.append(this.summary);
    const form = document.createElement("div");
    form.className = "bp-controls";
    const set = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = "Settings (a change starts again from the start weights)";
    set.append(legend);
    this.inputs = {};
    for (const [key, def] of Object.entries(PERCEPTRON_CONTROLS)) {
      const wrap = document.createElement("div");
      wrap.className = "bp-field";
      const label = document.createElement("label");
      label.htmlFor = `${this.id}-${key}`;
      label.textContent = def.label;
      let input;
      if (def.kind === "select") {
        input = document.createElement("select");
        for (const g of Object.keys(this.spec.gates)) input.add(new Option(g, g));
      } else {
        input = document.createElement("input");
        input.type = "range"; input.min = String(def.min); input.max = String(def.max); input.step = String(def.step);
      }
      input.id = label.htmlFor;
      input.dataset.key = key;
      const out = document.createElement("output");
      out.className = "bp-value";
      out.htmlFor = input.id;
      input.addEventListener("input", () => this.set(key, def.kind === "select" ? input.value : Number(input.value)));
      wrap.append(label, input, out);
      set.append(wrap);
      this.inputs[key] = { input, out };
    }
    form.append(set);
    root.append(form);
    this.note = document.createElement("p");
    this.note.className = "bp-note";
    root.append(this.note);
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

  say(text, kind) {
    this.message.textContent = text;
    this.message.className = `bp-message ${kind ? "bp-" + kind : ""}`;
    this.message.setAttribute("role", kind === "error" ? "alert" : "status");
  }

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

  sized(name, aspect) {
    const c = this.canvases[name];
    const w = Math.max(120, Math.floor(c.parentElement.clientWidth)), h = Math.round(w * aspect);
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); c.style.height = `${h}px`;
    }
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    g.font = this.c.font;
    g.textBaseline = "middle";
    return { g, w, h };
  }

  draw() {
    if (!this.run) return;
    this.drawUnit();
    this.drawMistakes();
    this.root.dataset.frames = String((Number(this.root.dataset.frames) || 0) + 1);
  }

  drawUnit() {
    const { g, w, h } = this.sized("unit", 0.8);
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
    const { g, w, h } = this.sized("mistakes", 0.45);
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
    this.themeObserver.disconnect();
    this.resizeObserver.disconnect();
    this.driver.dispose?.();
  }
}

// ====================================================================== mounting
/** The static book: mount every <div class="bp-playground"> holding a JSON spec (a
 *  playground, or the perceptron player when its kind says so). */
export function mountAll(root = document) {
  const out = [];
  for (const el of root.querySelectorAll(".bp-playground:not([data-bp-mounted])")) {
    const script = el.querySelector("script.bp-spec");
    let spec;
    try {
      spec = JSON.parse(script.textContent);
    } catch (err) {
      el.textContent = `The playground could not start: its settings are not valid JSON (${err.message}).`;
      continue;
    }
    el.dataset.bpMounted = "true";
    const pg = spec.kind === "perceptron" ? new PerceptronPlayer(el, spec, new LocalPerceptron(spec))
      : new Playground(el, spec, new LocalDriver(spec), { useHash: true });
    el.bpPlayground = pg;
    out.push(pg);
  }
  return out;
}

/** Jupyter: anywidget's entry point; the kernel trains, this draws. */
function render({ model, el }) {
  const spec = model.get("spec");
  const box = document.createElement("div");
  box.className = "bp-playground";
  el.append(box);
  const pg = spec.kind === "perceptron" ? new PerceptronPlayer(box, spec, new KernelPerceptron(model))
    : new Playground(box, spec, new KernelDriver(model), { useHash: false });
  box.bpPlayground = pg;
  return () => pg.dispose();
}

export default { render };
