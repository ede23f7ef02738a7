"""The scene registry: adding a theorem is one module in ``scenes/`` plus one line here.

Scenes are listed in reading order; each names its chapter (:mod:`approxlab.scenes.chapters`),
by which the frontend groups them.  Modules are imported when the registry is first read.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from approxlab.scenes.base import Scene

SCENE_MODULES: tuple[str, ...] = (
    "threshold",
    "adaptive",
    "rates",
    "grid",
    "universal",
    "maurey",
    "barron",
    "barron_norm",
    "init_scale",
    "linearization",
    "transport",
    "ntk",
    "deep_kernels",
    "kernel_fit",
    "lazy",
    "spectral_bias",
    "sawtooth",
    "squaring",
    "product",
    "polynomials",
    "reciprocal",
    "parity",
    "separation",
    "learnability",
    "radial",
    "pieces",
    "regions",
    "cpwl",
    "sobolev",
    "attention",
)


def build_registry(modules: Iterable[str], package: str = "approxlab.scenes") -> dict[str, Scene]:
    """``{scene id: Scene}`` from module names, each defining ``SCENE``; ids must be unique."""
    scenes: dict[str, Scene] = {}
    for name in modules:
        scene: Scene = import_module(f"{package}.{name}").SCENE
        if scene.id in scenes:
            raise ValueError(f"two scenes are called {scene.id!r}")
        scenes[scene.id] = scene
    return scenes


SCENES: dict[str, Scene] = build_registry(SCENE_MODULES)
