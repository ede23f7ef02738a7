"""Cost of one scene computation, estimated from its validated parameters.

Measured cold on one core (``tests/bench/bench_scenes.py`` corners, peak memory with
tracemalloc): every scene stays under ~60 MB and ~300 ms at its most expensive
parameters except ``sawtooth`` (Δ^20 ∘ f: 2^20 pieces carried exactly, ~260 MB and ~1 s).
The estimate is deliberately coarse and pessimistic: it only decides which requests are
*heavy* (at most ``threads - 1`` of them run at once per process, so a cheap slider
request always finds a thread) and how much of the per-process memory budget a request
takes while it runs (see :mod:`approxlab.api.compute`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from approxlab.scenes.base import SceneParams


@dataclass(frozen=True)
class Cost:
    mb: float  # estimated peak memory of the computation
    ms: float  # estimated cold compute time on one core

    @property
    def heavy(self) -> bool:
        return self.ms > 100 or self.mb > 64


DEFAULT = Cost(16.0, 20.0)


def _p(params: SceneParams, name: str, default: float) -> float:
    value: Any = getattr(params, name, default)
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _sawtooth(p: SceneParams) -> Cost:
    scale = 2.0 ** (_p(p, "L", 4) - 20)
    plain = getattr(p, "f", "bump") == "bump"
    return Cost(4 + 280 * scale, 5 + (450 if plain else 1100) * scale)


def _width(mb: float, ms: float, name: str = "m", full: float = 100_000) -> Callable:
    def cost(p: SceneParams) -> Cost:
        share = _p(p, name, full) / full
        return Cost(4 + mb * share, 5 + ms * share)

    return cost


def _maurey(p: SceneParams) -> Cost:
    share = _p(p, "trials", 200) * (_p(p, "k", 100) + 2048) / (2000 * 12048)
    return Cost(4 + 12 * share, 5 + 320 * share)


def _barron(p: SceneParams) -> Cost:
    share = _p(p, "k", 100) * _p(p, "trials", 10) / (1000 * 40)
    return Cost(24, 70 + 90 * share)


ESTIMATES: dict[str, Callable[[SceneParams], Cost]] = {
    "sawtooth": _sawtooth,
    "maurey": _maurey,
    "barron": _barron,
    "linearization": _width(36, 160),
    "transport": _width(52, 140),
    "init-scale": _width(32, 80),
    "ntk": _width(12, 40),
    "universal": lambda p: Cost(48, 320),
    "separation": lambda p: Cost(8 + 50 * _p(p, "L", 2) / 4, 250),
}


def estimate(scene_id: str, params: SceneParams) -> Cost:
    fn = ESTIMATES.get(scene_id)
    return fn(params) if fn is not None else DEFAULT
