// The two drivers of the training playground (view.js). Each trains and hands the playground
// frames of numbers: LocalDriver in the page, with the port in network.js (the static book has
// no kernel); KernelDriver from the frames backprop.playground.Playground (an anywidget)
// trains in the kernel with backprop.training and pushes, paced to the display.
import { Network, Trainer } from "./network.js";
import { DATA_KEYS, functionsOf, makeData, sizesOf } from "./settings.js";

// A driver trains and hands the playground frames: reset(s), live(s), step(epochs) (one
// frame now), and, while the page plays, play(fps) / tick(epochs) each display frame /
// pause(). Listeners: reset, frame, error, and waiting (true while frames are overdue).

/** Trains in the page with the port in network.js: each display frame trains one frame. */
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
