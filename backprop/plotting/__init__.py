"""Figures the chapters share, drawn with matplotlib, one module per figure family.

* :mod:`~backprop.plotting.style` - the colours every figure shares
* :mod:`~backprop.plotting.diagrams` - network diagrams: a derivative's paths, the error
  flowing back (``book/output-layer``, ``book/hidden-layer``, ``book/any-depth``)
* :mod:`~backprop.plotting.checks` - typeset SymPy steps and the agreement of the gradient
  routes (the derivation chapters); a finite difference's error against its step and the
  relative errors of a gradient check (``book/gradient-checking``)
* :mod:`~backprop.plotting.single_layer` - threshold units and error surfaces over two
  weights (``book/perceptron``, ``book/gradient-descent``, ``book/delta-rule``)
* :mod:`~backprop.plotting.boundaries` - decision boundaries, hidden units' lines and error
  curves (``book/training-xor``, ``book/beyond-xor``)
* :mod:`~backprop.plotting.landscapes` - error-landscape slices with a trajectory
  (``book/error-landscapes``)
* :mod:`~backprop.plotting.graphs` - computational graphs with values and gradients, and
  the cost of the routes to a gradient (``book/computational-graphs``)

Interaction is not here: it is drawn in the browser by :mod:`backprop.playground`.
Functions take an optional ``ax`` so that a chapter can place a figure in its own layout,
and return what they drew on. Nothing here computes anything a chapter needs to check: the
numbers come from :mod:`backprop.network`, :mod:`backprop.symbolic`, :mod:`backprop.training`
and :mod:`backprop.gradcheck`. Every name below is importable from ``backprop.plotting``.
"""

from .boundaries import (
    boundary_colorbar,
    data_extent,
    draw_decision_boundary,
    draw_error_curve,
    draw_stall_sweep,
    hidden_unit_line,
)
from .checks import (
    SCHEME_COLOURS,
    plot_entry_errors,
    plot_route_agreement,
    plot_step_errors,
    show_equation,
)
from .diagrams import (
    Highlight,
    draw_error_flow,
    draw_network,
    hidden_weight_paths,
    output_weight_path,
)
from .graphs import draw_graph, plot_gradient_costs
from .landscapes import draw_landscape_contours, draw_landscape_surface
from .single_layer import draw_error_surface, draw_threshold_unit
from .style import (
    BOUNDARY_CMAP,
    CLASS_COLOURS,
    ERROR_AXIS_MAX,
    HIDDEN_LINE_COLOURS,
    MEDIAN_COLOUR,
    PATH_COLOUR,
    PATH_FILL,
    QUIET_COLOUR,
    WEIGHT_COLOUR,
    XOR_EXTENT,
)

__all__ = [
    "BOUNDARY_CMAP", "CLASS_COLOURS", "ERROR_AXIS_MAX", "HIDDEN_LINE_COLOURS", "MEDIAN_COLOUR",
    "PATH_COLOUR", "PATH_FILL", "QUIET_COLOUR", "SCHEME_COLOURS", "WEIGHT_COLOUR",
    "XOR_EXTENT", "Highlight", "boundary_colorbar", "data_extent", "draw_decision_boundary",
    "draw_error_curve", "draw_error_flow", "draw_error_surface", "draw_graph",
    "draw_landscape_contours", "draw_landscape_surface", "draw_network", "draw_stall_sweep",
    "draw_threshold_unit",
    "hidden_unit_line", "hidden_weight_paths", "output_weight_path",
    "plot_entry_errors", "plot_gradient_costs",
    "plot_route_agreement", "plot_step_errors", "show_equation",
]
