"""The derivation chapters' displays: each SymPy step typeset, and how far the SymPy and
finite-difference gradients are from the NumPy backward pass (``book/output-layer``,
``book/hidden-layer``, ``book/any-depth``)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes


def plot_route_agreement(
    comparisons: Sequence, indices: np.ndarray | Sequence[np.ndarray] | None = None,
    *, ax: Axes | None = None, what: str = "gradient",
) -> Axes:
    """How far the SymPy and finite-difference gradients are from the NumPy backward pass,
    one column per network, on a log scale (``book/output-layer``, ``book/hidden-layer``).

    ``comparisons`` are :class:`backprop.gradcheck.RouteComparison` results; ``indices``
    selects the parameters compared (one array for all, or one per comparison). The dotted
    line is float64's machine epsilon.
    """
    comparisons = list(comparisons)
    if not comparisons:
        raise ValueError("no comparisons to plot; pass the results of compare_routes")
    if indices is None or isinstance(indices, np.ndarray):
        indices = [indices] * len(comparisons)
    if len(indices) != len(comparisons):
        raise ValueError(f"{len(indices)} index arrays given for {len(comparisons)} networks")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.7, 3.4))
    x = np.arange(len(comparisons))
    tiny = np.finfo(float).tiny  # an exact agreement (difference 0) still needs a place
    for route, marker, colour, name in (("sympy", "o", "#2c7fb8", "SymPy (whole expression)"),
                                        ("numerical", "s", "#e67e22",
                                         "finite differences")):
        diffs = [max(c.max_difference(route, idx), tiny) for c, idx in zip(comparisons, indices)]
        ax.semilogy(x, diffs, marker, color=colour, ms=8, label=name, gid=f"route-{route}")
    ax.axhline(np.finfo(float).eps, color="#555555", ls=":", lw=1)
    ax.text(x[-1] + 0.4, np.finfo(float).eps, "machine\nepsilon", va="center", fontsize=8)
    ax.set_xticks(x, [c.label for c in comparisons], rotation=30, ha="right", fontsize=9)
    ax.set_xlim(-0.5, len(comparisons) + 0.2)
    ax.set_ylabel(f"largest |difference| from\nthe NumPy {what}")
    ax.legend(loc="center right", fontsize=9, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax


def show_equation(lhs: str, rhs: object) -> None:
    """Display ``lhs = rhs`` typeset by MathJax: ``lhs`` is LaTeX, ``rhs`` a SymPy result.

    Used by ``book/output-layer`` and ``book/hidden-layer`` to show each derivation step.
    """
    import sympy as sp
    from IPython.display import display

    display(sp.Eq(sp.Symbol(lhs), sp.sympify(rhs), evaluate=False))
