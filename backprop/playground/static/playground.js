// The book's playground: one front end for the static book and for Jupyter.
//
// Used by Why one layer is not enough (book/perceptron), Training XOR (book/training-xor),
// Error landscapes (book/error-landscapes) and Beyond XOR (book/beyond-xor). Everything on
// screen is drawn on canvases from numbers: the network's weights, its errors and the data.
// This module is the entry point; the rest, by concern:
//
//   rng.js         NumPy's default_rng (SeedSequence + PCG64), ported: same seed, same weights
//   network.js     the port of backprop.Network's forward and backward pass, and one training step
//   settings.js    data sets, the controls and their ranges, settings in the URL fragment
//   drivers.js     who trains: LocalDriver (this page, with network.js) or KernelDriver (the kernel)
//   view.js        the training playground: controls, the run, the redraw loop
//   panels.js      its decision boundary, network graph and error curves
//   landscape.js   its error landscape with the training path
//   perceptron.js  the perceptron player (the rule's port, two drivers, the player)
//   ui.js          what both players build and draw with
//
// The static book imports this file, which imports the others. A Jupyter widget is one module
// text, so backprop.playground.bundle() joins these files into one for the anywidgets.
import { LocalDriver, KernelDriver } from "./drivers.js";
import { Playground } from "./view.js";
import { KernelPerceptron, LocalPerceptron, PerceptronPlayer } from "./perceptron.js";

export { Generator } from "./rng.js";
export { FUNCTIONS, Network, Trainer, parameterNames, trainForTest } from "./network.js";
export { DATASETS, DEFAULTS, makeData, problems, settingsFromHash } from "./settings.js";
export { KernelDriver, LocalDriver } from "./drivers.js";
export { Playground } from "./view.js";
export { KernelPerceptron, LocalPerceptron, PerceptronPlayer, findCycle, trainPerceptron } from "./perceptron.js";

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
