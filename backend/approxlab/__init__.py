"""approxlab — the constructions from approximation-theory proofs, computed live.

Layers point one way: :mod:`approxlab.theory` (pure numpy) ← :mod:`approxlab.scenes`
← :mod:`approxlab.api`.  Importing this package does no work.
"""

from typing import Any

__version__ = "0.1.0"

#: The notebook API (:mod:`approxlab.notebook`), imported on first use.
__all__ = ["figures", "network", "networks", "result", "scenes"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from approxlab import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'approxlab' has no attribute {name!r}")
