// Three panels of the training playground (view.js), drawn from numbers: the decision boundary
// over the input plane with the data, the network as a graph (weights as width and colour,
// each unit a thumbnail of its output over the plane), and the error curves. The fourth, the
// error landscape, is landscape.js.
import { FUNCTIONS } from "./network.js";
import { drawAxes, hexToRgb, lineInBox } from "./ui.js";

// Decision-boundary resolution (points per side): finer for small networks, coarser when a
// forward pass over the grid costs more (networks with more than GRID_SMALL_UNTIL parameters).
const GRID_FINE = 56, GRID_COARSE = 40, GRID_SMALL_UNTIL = 60;

/**
 * A G x G lattice over the input plane and the network's activations on it: one forward pass
 * a frame gives the output for the boundary and every hidden unit's output for the network's
 * thumbnails. Values become images through a 256-colour table, blue (low) to orange (high).
 */
export class PlaneGrid {
  constructor() { this.G = 0; this.X = null; this.extent = null; this.a = null; this.imageCanvas = null; }

  /** The colour table, from the theme's colours c (neg, mid, pos). */
  setColours(c) {
    const neg = hexToRgb(c.neg), pos = hexToRgb(c.pos), mid = hexToRgb(c.mid);
    this.lut = new Uint8ClampedArray(256 * 3);
    for (let k = 0; k < 256; k++) {
      const t = k / 255, [from, to, f] = t < 0.5 ? [neg, mid, t * 2] : [mid, pos, (t - 0.5) * 2];
      for (let i = 0; i < 3; i++) this.lut[3 * k + i] = from[i] + f * (to[i] - from[i]);
    }
  }

  /** One forward pass of net over the lattice of extent [x0, x1, y0, y1]: this.a[l] is layer
   *  l's activations, row by row from the top. */
  evaluate(net, extent) {
    const [x0, x1, y0, y1] = extent;
    const G = net.nParameters <= GRID_SMALL_UNTIL ? GRID_FINE : GRID_COARSE;
    if (!this.X || this.extent !== extent || this.G !== G) {
      this.G = G;
      this.imageCanvas = null;
      this.X = new Float64Array(G * G * 2);
      for (let r = 0; r < G; r++) {
        for (let c = 0; c < G; c++) {
          this.X[2 * (r * G + c)] = x0 + ((c + 0.5) * (x1 - x0)) / G;
          this.X[2 * (r * G + c) + 1] = y1 - ((r + 0.5) * (y1 - y0)) / G;
        }
      }
      this.extent = extent;
    }
    this.a = net.forward(this.X, G * G).a;
  }

  // values[i * stride + unit] over the grid as an image (no allocation per pixel: this runs
  // for every unit, every frame).
  image(values, stride, unit, lo, hi) {
    const G = this.G;
    if (!this.imageCanvas) {
      this.imageCanvas = document.createElement("canvas");
      this.imageCanvas.width = G; this.imageCanvas.height = G;
      this.imageData = this.imageCanvas.getContext("2d").createImageData(G, G);
    }
    const d = this.imageData.data, lut = this.lut, scale = hi > lo ? 255 / (hi - lo) : 0;
    for (let i = 0; i < G * G; i++) {
      const v = values[i * stride + unit];
      const finite = Number.isFinite(v);
      const k = finite ? Math.min(255, Math.max(0, Math.round(scale ? (v - lo) * scale : 127.5))) : 128;
      d[4 * i] = lut[3 * k]; d[4 * i + 1] = lut[3 * k + 1]; d[4 * i + 2] = lut[3 * k + 2];
      d[4 * i + 3] = finite ? 255 : 60;
    }
    this.imageCanvas.getContext("2d").putImageData(this.imageData, 0, 0);
    return this.imageCanvas;
  }

  // The path where values cross level, by marching squares, in the box's pixels.
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
}

/** The colour range of unit k of layer l (l >= 1) on the grid: its function's range, or,
 *  for an unbounded unit (ReLU, linear), the range it takes on the plane. */
export function unitRange(grid, net, l, k) {
  let [lo, hi] = FUNCTIONS[net.names[l - 1]].range;
  if (lo === null || hi === null) {
    const a = grid.a[l], n = net.sizes[l];
    let mn = Infinity, mx = -Infinity;
    for (let i = 0; i < grid.G * grid.G; i++) { const v = a[i * n + k]; if (v < mn) mn = v; if (v > mx) mx = v; }
    lo = lo ?? mn; hi = hi ?? mx;
  }
  return [lo, hi];
}

/** The output over the plane, the boundary a_k = 1/2, the first hidden layer's lines
 *  net_j = 0 (dashed), training points filled and test points as rings, and the epoch. With
 *  `focus` {l, k} (a hidden unit the pointer is on in the network panel), that unit's output
 *  over the plane instead, and its line net_j = 0 if it is in the first hidden layer. */
export function drawBoundary({ g, w, h }, { net, epoch, grid, extent, data, c, focus = null }) {
  const pad = { l: 44, r: 8, t: 8, b: 28 };
  const box = { x: pad.l, y: pad.t, w: w - pad.l - pad.r, h: h - pad.t - pad.b };
  const [x0, x1, y0, y1] = extent;
  const toPx = (x, y) => [box.x + ((x - x0) / (x1 - x0)) * box.w, box.y + ((y1 - y) / (y1 - y0)) * box.h];
  const L = net.W.length;
  const hidden = focus && focus.l >= 1 && focus.l < L && focus.k < net.sizes[focus.l] ? focus : null;
  const line = (j, dashed) => {
    const W = net.W[0], b = net.b[0];
    const pts = lineInBox(W[2 * j], W[2 * j + 1], b[j], extent);
    if (!pts) return;
    g.setLineDash(dashed ? [5, 4] : []); g.lineWidth = dashed ? 1.5 : 2; g.strokeStyle = dashed ? c.fg : "#000000";
    g.beginPath(); g.moveTo(...toPx(...pts[0])); g.lineTo(...toPx(...pts[1])); g.stroke();
    g.setLineDash([]);
  };
  g.imageSmoothingEnabled = true;
  if (hidden) {
    const [lo, hi] = unitRange(grid, net, hidden.l, hidden.k);
    g.drawImage(grid.image(grid.a[hidden.l], net.sizes[hidden.l], hidden.k, lo, hi), box.x, box.y, box.w, box.h);
  } else {
    const range = FUNCTIONS[net.names[L - 1]].range;
    g.drawImage(grid.image(grid.a[L], 1, 0, range[0] ?? 0, range[1] ?? 1), box.x, box.y, box.w, box.h);
  }
  g.save();
  g.beginPath(); g.rect(box.x, box.y, box.w, box.h); g.clip();
  if (hidden) {
    if (hidden.l === 1) line(hidden.k, false);
  } else {
    grid.contour(g, grid.a[L], 0.5, box);
    g.strokeStyle = "#000000"; g.lineWidth = 2; g.stroke();
    if (L > 1) for (let j = 0; j < net.sizes[1]; j++) line(j, true);
  }
  // One path per class and kind (a path per point costs a large data set a frame).
  const dot = (X, T, filled) => {
    const r = T.length > 100 ? 3 : 5;
    for (const cls of [0, 1]) {
      g.beginPath();
      for (let p = 0; p < T.length; p++) {
        if ((T[p] > 0.5 ? 1 : 0) !== cls) continue;
        const [px, py] = toPx(X[2 * p], X[2 * p + 1]);
        g.moveTo(px + r, py); g.arc(px, py, r, 0, 2 * Math.PI);
      }
      const col = cls ? c.class1 : c.class0;
      if (filled) { g.fillStyle = col; g.fill(); g.strokeStyle = "#ffffff"; g.lineWidth = 1; g.stroke(); } else { g.strokeStyle = col; g.lineWidth = 2; g.stroke(); }
    }
  };
  dot(data.X, data.T, true);
  dot(data.Xt, data.Tt, false);
  g.restore();
  drawAxes(g, c, box, [x0, x1], [y0, y1], "x₁", "x₂");
  g.fillStyle = c.fg; g.textAlign = "right";
  g.fillText(`epoch ${epoch}`, box.x + box.w - 4, box.y + 10);
  if (hidden) { g.textAlign = "left"; g.fillText(unitName(hidden, L), box.x + 4, box.y + 10); }
}

/** "hidden 1, unit 2": unit k of layer l, as the network panel labels its columns. */
export function unitName({ l, k }, L) { return l === L ? "output" : `hidden ${l}, unit ${k + 1}`; }

/** The network as a graph: each weight a line whose width is its size and whose colour is its
 *  sign (orange positive, blue negative); the inputs labelled, every other unit a thumbnail of
 *  its output over the plane (`focus` {l, k} outlined). Returns where the thumbnails are,
 *  [{l, k, x, y, size}] in CSS pixels, for pointing at them. */
export function drawNetwork({ g, w, h }, { net, grid, c, focus = null }) {
  const units = [];
  const sizes = net.sizes, L = sizes.length - 1;
  const maxUnits = Math.max(...sizes);
  const cell = Math.max(14, Math.min(40, (h - 24) / maxUnits - 6));
  const colX = (l) => 20 + (l * (w - 40 - cell)) / L;
  const rowY = (l, k) => h / 2 + (k - (sizes[l] - 1) / 2) * (cell + 6);
  let maxW = 1e-9;
  for (const W of net.W) for (const v of W) maxW = Math.max(maxW, Math.abs(v));
  for (let l = 0; l < L; l++) {
    const W = net.W[l];
    for (let k = 0; k < sizes[l + 1]; k++) {
      for (let j = 0; j < sizes[l]; j++) {
        const v = W[k * sizes[l] + j];
        g.beginPath();
        g.moveTo(colX(l) + cell, rowY(l, j));
        g.lineTo(colX(l + 1), rowY(l + 1, k));
        g.strokeStyle = v >= 0 ? c.pos : c.neg;
        g.lineWidth = Number.isFinite(v) ? 0.5 + 5 * Math.sqrt(Math.abs(v) / maxW) : 1;
        g.stroke();
      }
    }
  }
  g.imageSmoothingEnabled = true;
  for (let l = 0; l <= L; l++) {
    for (let k = 0; k < sizes[l]; k++) {
      const x = colX(l), y = rowY(l, k) - cell / 2;
      if (l === 0) {
        g.fillStyle = c.bg; g.fillRect(x, y, cell, cell);
        g.fillStyle = c.fg; g.textAlign = "center"; g.fillText(`x${k === 0 ? "₁" : "₂"}`, x + cell / 2, y + cell / 2);
      } else {
        const [lo, hi] = unitRange(grid, net, l, k);
        g.drawImage(grid.image(grid.a[l], sizes[l], k, lo, hi), x, y, cell, cell);
        units.push({ l, k, x, y, size: cell });
      }
      const focused = focus && focus.l === l && focus.k === k;
      g.strokeStyle = focused ? c.fg : c.muted; g.lineWidth = focused ? 3 : 1; g.strokeRect(x, y, cell, cell);
    }
  }
  g.fillStyle = c.muted; g.textAlign = "center";
  for (let l = 0; l <= L; l++) g.fillText(l === 0 ? "input" : l === L ? "output" : `hidden ${l}`, colX(l) + cell / 2, 10);
  return units;
}

/** Training and test error per pattern against epoch, on a log scale; history holds
 *  {epoch, train, test}. */
export function drawErrors({ g, w, h }, { history, c }) {
  const box = { x: 42, y: 10, w: w - 52, h: h - 40 };
  const H = history;
  const vals = H.flatMap((p) => [p.train, p.test]).filter((v) => Number.isFinite(v) && v > 0);
  const lo = vals.length ? Math.floor(Math.log10(Math.max(1e-12, Math.min(...vals)))) : -3;
  const hi = vals.length ? Math.ceil(Math.log10(Math.max(...vals)) + 1e-9) : 0;
  const y0 = Math.min(lo, hi - 1), y1 = Math.max(hi, lo + 1);
  const e1 = Math.max(10, H.length ? H[H.length - 1].epoch : 10);
  const toPx = (e, v) => [box.x + (e / e1) * box.w, box.y + ((y1 - Math.log10(v)) / (y1 - y0)) * box.h];
  g.strokeStyle = c.grid; g.lineWidth = 1;
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
  line("train", c.fg, []);
  const hasTest = H.some((p) => Number.isFinite(p.test));
  if (hasTest) line("test", c.pos, [6, 4]);
  drawAxes(g, c, box, [0, e1], [y0, y1], "epoch", "E / P", { logY: true });
  g.textAlign = "left"; g.fillStyle = c.fg;
  g.fillText("— training", box.x + 8, box.y + 10);
  if (hasTest) { g.fillStyle = c.pos; g.fillText("- - test", box.x + 90, box.y + 10); }
}
