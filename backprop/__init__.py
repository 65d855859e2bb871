"""Shared code of *Backprop, Derived*.

Each module holds one concern and each public function's docstring names the chapter that
derives it: ``symbolic`` (SymPy derivations), ``network`` (the NumPy network), ``gradcheck``
(finite differences), ``datasets`` (XOR and friends).
"""

from .network import ACTIVATIONS, Network, NetworkInputError, get_activation, half_sse

__all__ = ["ACTIVATIONS", "Network", "NetworkInputError", "get_activation", "half_sse"]
__version__ = "0.1.0"
