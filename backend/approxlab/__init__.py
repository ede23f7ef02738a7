"""approxlab — the constructions from approximation-theory proofs, computed live.

Layers point one way: :mod:`approxlab.theory` (pure numpy) ← :mod:`approxlab.scenes`
← :mod:`approxlab.api`.  Importing this package does no work.
"""

__version__ = "0.1.0"
