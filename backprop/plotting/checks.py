"""The derivation chapters' displays: each SymPy step typeset, and how far the SymPy and
finite-difference gradients are from the NumPy backward pass (``book/output-layer``,
``book/hidden-layer``, ``book/any-depth``); the error of a finite difference against its
step and the relative errors of a gradient check (``book/gradient-checking``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


#: Line colours of the finite-difference schemes (``book/gradient-checking``).
SCHEME_COLOURS = {"central": "#2c7fb8", "forward": "#c0392b"}


def plot_step_errors(
    steps: Sequence[float], measured: Mapping[str, Sequence[float]],
    model: Mapping[str, Sequence[float]] | None = None, *,
    mark: float | None = None, ax: Axes | None = None,
) -> Axes:
    """The largest difference between finite differences and the backward pass against the
    step ``h``, log-log, one line per scheme (``measured["central"]``, ...), each with its
    model of truncation plus rounding (``model``, dashed); ``mark`` draws a vertical line at
    one step (the default of ``numerical_gradient``). ``book/gradient-checking``."""
    steps = np.asarray(steps, dtype=float)
    if not len(measured):
        raise ValueError("nothing to plot: pass at least one scheme's measured errors")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    for name, errors in measured.items():
        errors = np.asarray(errors, dtype=float)
        if errors.shape != steps.shape:
            raise ValueError(f"{name}: {errors.size} errors for {steps.size} steps")
        colour = SCHEME_COLOURS.get(name, "#4d4d4d")
        ax.loglog(steps, errors, "o-", color=colour, ms=5, label=f"{name}, measured",
                  gid=f"measured-{name}")
        if model is not None and name in model:
            ax.loglog(steps, model[name], "--", color=colour, lw=1.2,
                      label=f"{name}, truncation + rounding", gid=f"model-{name}")
    low, high = ax.get_ylim()
    ax.set_ylim(low, high * 1e3)              # room for the legend above the curves
    if mark is not None:
        ax.axvline(mark, color="#555555", ls=":", lw=1)
        ax.text(mark, ax.get_ylim()[0], f" h = {mark:g}", va="bottom", fontsize=10)
    ax.invert_xaxis()                         # h shrinks to the right, as one tries it
    ax.set_xlabel("step h")
    ax.set_ylabel("largest |finite difference - backprop|")
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=10, frameon=False, loc="upper right")
    return ax


def plot_entry_errors(
    magnitudes: Mapping[str, np.ndarray], errors: Mapping[str, np.ndarray], *,
    noise: float | None = None, ax: Axes | None = None,
) -> Axes:
    """Each gradient entry's relative error against its size, log-log, one group of points
    per label (a correct backward pass, a buggy one); ``noise`` draws the relative error
    that a finite difference's rounding noise of that size gives, ``noise / (2 |g|)``.
    ``book/gradient-checking``."""
    if set(magnitudes) != set(errors) or not magnitudes:
        raise ValueError("give the same labels, at least one, for magnitudes and errors")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    colours = ("#2c7fb8", "#c0392b", "#e67e22", "#1b7837")
    tiny = 1e-18                                  # an exact agreement needs a place too
    lows, highs = [], []
    for (label, g), colour in zip(magnitudes.items(), colours):
        g = np.abs(np.asarray(g, dtype=float))
        r = np.maximum(np.asarray(errors[label], dtype=float), tiny)
        ax.loglog(g, r, "o", ms=4, alpha=0.6, color=colour, label=label,
                  gid=f"entries-{label}")
        lows.append(g[g > 0].min())
        highs.append(g.max())
    if noise is not None:
        g_line = np.geomspace(min(lows), max(highs), 50)
        ax.loglog(g_line, noise / (2 * g_line), "k--", lw=1,
                  label="rounding noise / (2 |g|)", gid="noise")
    ax.set_xlabel("|gradient entry|")
    ax.set_ylabel("relative error of the entry")
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=10, frameon=False, loc="lower left")
    return ax
