// The port of backprop.Network (backprop/network.py) and of backprop.training's step: the
// forward and backward pass operation by operation, samples as rows, in Float64Arrays. A test
// in Chromium (tests/test_playground_browser.py) checks the weights after 1,000 epochs against
// NumPy's to 1e-9.
import { Generator } from "./rng.js";

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
