"""The colours and sizes every figure of the book shares, defined once.

Used by every module of :mod:`backprop.plotting` (and so by every chapter with a figure).
"""

from __future__ import annotations

from matplotlib.colors import LinearSegmentedColormap

#: Network diagrams: the weight being differentiated, the rest of its path, the rest.
WEIGHT_COLOUR = "#c0392b"
PATH_COLOUR = "#e67e22"
PATH_FILL = "#fbe3c8"
QUIET_COLOUR = "#b9bec4"

#: A network's output over the input plane: 0 is blue, 1 is orange, 0.5 (the decision
#: boundary) white. Light, so that the data points drawn over it stand out.
BOUNDARY_CMAP = LinearSegmentedColormap.from_list("xor", ["#2c7fb8", "#ffffff", "#e67e22"])
#: The two classes (target 0, target 1) in every figure: darker than any colour of
#: :data:`BOUNDARY_CMAP`, so a point never has the colour of the background it sits on.
CLASS_COLOURS = ("#08519c", "#a63603")
#: The lines net_j = 0 of the hidden units, one colour each.
HIDDEN_LINE_COLOURS = ("#7b3294", "#1b7837", "#c51b7d", "#8c510a", "#01665e", "#762a83",
                       "#b35806", "#4d4d4d")
#: The input plane around XOR's unit square.
XOR_EXTENT = (-0.5, 1.5, -0.5, 1.5)
#: Error curves are drawn up to this value; a diverging run's larger errors are clipped.
ERROR_AXIS_MAX = 1e8
