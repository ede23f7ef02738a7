"""The cost estimates (approxlab.api.cost) against measured costs.

``MEASURED`` holds each scene's costliest corner of ``tests/bench/bench_scenes.py`` and what
it cost cold on one core (CPU ms of ``scene.run`` with every functools cache cleared; peak
MB by tracemalloc), measured on the perf branch (docs/perf.md).  Every scene measured above
~100 ms at its worst must be classified heavy there, and no estimate may be more than an
order of magnitude below the measurement (so the per-process memory budget and the heavy
lane mean something)."""

from __future__ import annotations

import pytest

from approxlab.api.cost import estimate
from approxlab.scenes.registry import SCENES

#: scene → (costliest corner, measured ms, measured peak MB)
MEASURED: dict[str, tuple[dict, float, float]] = {
    "universal": ({"activation": "relu", "width": 1, "target": "sin"}, 185, 43.7),
    "maurey": ({"target": "sin", "k": 10000, "trials": 2000}, 201, 10.6),
    "barron": ({"target": "gauss", "k": 1000, "trials": 40}, 91, 8.8),
    "init-scale": ({"m": 100000, "d": 8, "delta": 1e-06}, 82, 29.8),
    "linearization": (
        {"m": 100000, "B": 20.0, "beta": 0.25, "perturbation": "worst", "delta": 0.5},
        108,
        31.7,
    ),
    "transport": ({"m": 100000, "tau": 0.05, "delta": 0.2, "network": "three"}, 138, 53.2),
    "ntk": ({"m": 100000, "theta": 0.0}, 33, 10.8),
    "deep-kernels": ({"L": 20, "m": 256, "theta": 0.0}, 53, 19.6),
    "lazy": ({"m": 4096, "n": 32, "target": "cos2", "step": 40}, 408, 10.4),
    "spectral-bias": (
        {"k1": 8, "k2": 1, "k3": 8, "amplitude": 0.01, "m": 2048, "step": 40},
        326,
        15.8,
    ),
    "sawtooth": ({"L": 20, "f": "bump", "x_lo": 0.0, "x_hi": 0.0}, 978, 288.0),
    "squaring": ({"i": 15, "x_lo": 0.0, "x_hi": 1.0}, 64, 9.1),
    "product": ({"i": 7}, 58, 5.6),
    "parity": ({"L": 4}, 34, 24.5),
    "separation": ({"L": 4, "x_lo": 0.0, "x_hi": 1.0}, 282, 57.0),
    "learnability": ({"L": 6, "restarts": 8, "step": 0}, 960, 1.2),
    "radial": ({"d": 1, "k": 4, "eps": 0.005, "w": 0.4}, 143, 42.8),
    "pieces": ({"width": 16, "depth": 10, "samples": 32, "bias_std": 1.0}, 73, 13.0),
    "sobolev": ({"target": "sin2", "d": 1, "r": 4, "s": 1, "k": 10}, 555, 14.2),
    "reciprocal": ({"a": 0.05, "n": 7, "i": 5}, 296, 1.2),
}


@pytest.mark.parametrize("scene_id", sorted(MEASURED))
def test_estimate_at_the_costliest_corner(scene_id):
    corner, ms, mb = MEASURED[scene_id]
    scene = SCENES[scene_id]
    cost = estimate(scene_id, scene.params(**corner))
    if ms > 100:
        assert cost.heavy, f"{scene_id}: measured {ms} ms at {corner}, estimated {cost}"
    assert cost.ms >= ms / 10, f"{scene_id}: estimate {cost.ms} ms, measured {ms} ms"
    assert cost.mb >= mb / 2, f"{scene_id}: estimate {cost.mb} MB, measured {mb} MB"


def test_every_scene_has_an_estimate_at_its_defaults():
    for scene_id, scene in SCENES.items():
        cost = estimate(scene_id, scene.params())
        assert 0 < cost.ms < 10_000 and 0 < cost.mb < 1_000, scene_id


def test_training_scenes_are_heavy_even_at_their_defaults():
    """They take 0.15–0.6 s cold at the defaults: never on the cheap lane."""
    for scene_id in ("lazy", "spectral-bias", "learnability"):
        assert estimate(scene_id, SCENES[scene_id].params()).heavy, scene_id
