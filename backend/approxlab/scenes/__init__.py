"""Declarative scenes: one module per theorem, listed in :mod:`approxlab.scenes.registry`."""
