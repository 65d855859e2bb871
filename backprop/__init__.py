"""Shared code of *Backprop, Derived*.

Each module holds one concern and each public function's docstring names the chapter that
derives or uses it:

* ``symbolic`` - the notation as SymPy symbols; both routes to every gradient
* ``functions`` - activation functions and losses, and the output delta that joins them
* ``network`` - the vectorized NumPy network (forward, backward in delta form, flat
  parameters); ``Network.train`` calls the training loop
* ``gradcheck`` - central differences and relative error
* ``datasets`` - XOR, noisy XOR and the other 2-D problems, each from an explicit ``rng``
* ``perceptron`` - the perceptron rule, logic gates and the single-layer delta rule
* ``efficiency`` - the cost of the naive derivative against the backward pass
* ``autodiff`` - a scalar reverse-mode engine, forward mode, and what each route to a gradient
  costs
* ``worked_example`` - Mazur's 2-2-2 example, exactly
* ``training`` - the one training loop (momentum, many networks at once, divergence)
* ``runs`` - recorded runs and seed studies, built on the loop
* ``landscapes`` - decision grids and slices of the error through weight space
* ``plotting`` - pure drawing functions, one module per figure family (static figures)
* ``playground`` - the browser playground of the training chapters: one ES module, trained
  in the page (static book) or by the kernel (a Jupyter widget)
* ``exercises`` - automatic feedback (the student edition, the sandboxed grader and the
  nbgrader export are a separate tool, ``tools/coursework``)
"""

from .functions import ACTIVATIONS, get_activation, half_sse
from .network import Network, NetworkInputError

__all__ = ["ACTIVATIONS", "Network", "NetworkInputError", "get_activation", "half_sse"]
__version__ = "0.1.0"
