// The error-landscape panel of the training playground (view.js): the error per pattern over a
// plane through the current weights (two random orthonormal directions, or two chosen
// weights), as filled contours with a colour bar, and the training path projected on it. A
// slice is computed a few milliseconds per display frame, so a large setting never stalls
// the page, and drawn once into an image; the path on top is drawn every frame.
import { Generator } from "./rng.js";
import { parameterNames } from "./network.js";
import { VIRIDIS, drawAxes, ramp } from "./ui.js";

const LAND = 41;   // points per side of a slice
const LEVELS = 12; // filled-contour bands

export class Landscape {
  constructor() { this.reset(); }

  reset() {
    this.slice = null;  // the slice being shown
    this.job = null;    // the slice being computed
    this.due = 0;       // when to start the next slice (0: none asked for)
    this.drawn = null;  // the slice whose image is in this.canvas
    this.toPx = null;
  }

  get busy() { return Boolean(this.job) || this.due > 0; }

  schedule(delay) { this.due = performance.now() + delay; }

  /** Compute for at most `budget` ms: a new slice through net's weights when one is due, one
   *  grid point at a time with `probe` (a second network). True when a slice is finished. */
  work({ net, probe, data, snaps, s, budget }) {
    if (!this.job && this.due > 0 && performance.now() >= this.due) {
      this.due = 0;
      this.job = this.start(net, snaps, s);
    }
    const job = this.job;
    if (!job) return false;
    const t0 = performance.now();
    const { n, u, v, center, d1, d2, E } = job;
    const theta = new Float64Array(center.length);
    const { X, T } = data, P = T.length;
    while (job.cell < n * n && performance.now() - t0 < budget) {
      const r = Math.floor(job.cell / n), c = job.cell % n;
      for (let i = 0; i < theta.length; i++) theta[i] = center[i] + u[c] * d1[i] + v[r] * d2[i];
      probe.setParameters(theta);
      E[job.cell++] = probe.error(X, T, P) / P;
    }
    if (job.cell < n * n) return false;
    this.slice = job;
    this.job = null;
    return true;
  }

  // A plane through net's weights wide enough to hold the path so far (half-width 2 to 30).
  start(net, snaps, s) {
    const center = net.parameters();
    const m = center.length;
    let d1 = new Float64Array(m), d2 = new Float64Array(m), labels;
    if (s.plane === "weights") {
      d1[s.w1] = 1; d2[s.w2] = 1;
      const names = parameterNames(net.sizes);
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
    for (const p of snaps) { const [a, b] = this.project(job, p.theta); half = Math.max(half, Math.abs(a) + 0.5, Math.abs(b) + 0.5); }
    half = Math.min(half, 30);
    job.half = half;
    job.u = Float64Array.from({ length: LAND }, (_, i) => -half + (2 * half * i) / (LAND - 1));
    job.v = job.u;
    job.E = new Float64Array(LAND * LAND);
    return job;
  }

  /** theta's coordinates in the plane of slice `job`. */
  project(job, theta) {
    let a = 0, b = 0;
    for (let i = 0; i < theta.length; i++) { const t = theta[i] - job.center[i]; a += t * job.d1[i]; b += t * job.d2[i]; }
    return [a, b];
  }

  /** The snapshot drawn within 12 px of canvas point (x, y), or -1. */
  nearest(x, y, snaps) {
    if (!this.slice || !this.toPx) return -1;
    let best = -1, dist = 144;
    snaps.forEach((p, i) => {
      const [px, py] = this.toPx(...this.project(this.slice, p.theta));
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < dist) { dist = d; best = i; }
    });
    return best;
  }

  /** The slice, the path of snaps on it (start white, latest orange, inspected red), axes and a
   *  colour bar in the error per pattern; data says how many points the error was taken on. */
  draw({ g, w, h }, { snaps, inspect, data, c }) {
    const land = this.slice;
    const box = { x: 46, y: 8, w: w - 46 - 78, h: h - 8 - 30 };
    if (!land) {
      g.fillStyle = c.muted; g.textAlign = "center";
      g.fillText("computing the slice…", box.x + box.w / 2, box.y + box.h / 2);
      return;
    }
    if (this.drawn !== land) {
      const n = land.n, logs = Array.from(land.E, (e) => Math.log10(Math.max(e, 1e-8)));
      const finite = logs.filter(Number.isFinite);
      let lo = Math.min(...finite), hi = Math.max(...finite);
      if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
      if (!this.canvas || this.canvas.width !== n) {
        this.canvas = document.createElement("canvas");
        this.canvas.width = n; this.canvas.height = n;
      }
      const lg = this.canvas.getContext("2d"), img = lg.createImageData(n, n);
      for (let r = 0; r < n; r++) {
        for (let col = 0; col < n; col++) {
          // Filled contours: the colour of the band the error falls in.
          const t = Math.min(LEVELS - 1, Math.floor(((logs[r * n + col] - lo) / (hi - lo)) * LEVELS)) / (LEVELS - 1);
          const rgb = Number.isFinite(t) ? ramp(VIRIDIS, t) : [128, 128, 128];
          const i = 4 * ((n - 1 - r) * n + col);
          img.data[i] = rgb[0]; img.data[i + 1] = rgb[1]; img.data[i + 2] = rgb[2]; img.data[i + 3] = 255;
        }
      }
      lg.putImageData(img, 0, 0);
      this.drawn = land;
      this.range = [lo, hi];
    }
    const [lo, hi] = this.range;
    g.imageSmoothingEnabled = true;
    g.drawImage(this.canvas, box.x, box.y, box.w, box.h);
    const half = land.half;
    const toPx = (a, b) => [box.x + ((a + half) / (2 * half)) * box.w, box.y + ((half - b) / (2 * half)) * box.h];
    this.toPx = toPx;
    g.save(); g.beginPath(); g.rect(box.x, box.y, box.w, box.h); g.clip();
    g.beginPath();
    snaps.forEach((p, i) => { const [x, y] = toPx(...this.project(land, p.theta)); if (i) g.lineTo(x, y); else g.moveTo(x, y); });
    g.strokeStyle = c.path; g.lineWidth = 2; g.stroke();
    const mark = (i, r, fill) => {
      const p = snaps[i];
      if (!p) return;
      const [x, y] = toPx(...this.project(land, p.theta));
      g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI); g.fillStyle = fill; g.fill(); g.strokeStyle = "#000000"; g.lineWidth = 1.5; g.stroke();
    };
    mark(0, 5, "#ffffff");
    mark(snaps.length - 1, 5, "#e67e22");
    if (inspect !== null) mark(inspect, 7, "#ff2d55");
    g.restore();
    drawAxes(g, c, box, [-half, half], [-half, half], land.labels[0], land.labels[1]);
    if (data.T.length < data.of) {
      g.fillStyle = "#ffffff"; g.textAlign = "left";
      g.fillText(`error on ${data.T.length} of ${data.of} points`, box.x + 4, box.y + 10);
    }
    // The colour bar, in log10 of the error per pattern.
    const bar = { x: box.x + box.w + 10, y: box.y, w: 12, h: box.h };
    for (let k = 0; k < LEVELS; k++) {
      g.fillStyle = `rgb(${ramp(VIRIDIS, k / (LEVELS - 1)).join(",")})`;
      g.fillRect(bar.x, bar.y + bar.h - ((k + 1) / LEVELS) * bar.h, bar.w, bar.h / LEVELS + 0.5);
    }
    g.strokeStyle = c.muted; g.strokeRect(bar.x, bar.y, bar.w, bar.h);
    g.fillStyle = c.muted; g.textAlign = "left";
    for (const [t, y] of [[hi, bar.y + 6], [(lo + hi) / 2, bar.y + bar.h / 2], [lo, bar.y + bar.h - 6]]) g.fillText((10 ** t).toExponential(1), bar.x + bar.w + 3, y);
  }
}
