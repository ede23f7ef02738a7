"""Cost of one scene computation, estimated from its validated parameters.

Measured cold on one core (CPU time of ``scene.run`` with every functools cache cleared, at
the costliest corner of ``tests/bench/bench_scenes.py``; peak memory with tracemalloc; the
figures are in ``docs/perf.md``).  Above ~100 ms at their worst parameters: the training
scenes (``lazy`` ~0.4 s, ``spectral-bias`` ~0.35 s, ``learnability`` ~1 s), ``sobolev``
(exact sup for d = 1, up to ~0.5 s), ``separation`` (~0.3 s), ``universal``, ``maurey``,
``radial``, ``transport``, ``linearization``, ``reciprocal`` (~0.1–0.3 s) and ``sawtooth``
(Δ^20 ∘ f: 2^20 pieces carried exactly, ~290 MB and ~1 s).  The estimate is deliberately coarse and
pessimistic: it only decides which requests are *heavy* (at most ``threads - 1`` of them
run at once per process, so a cheap slider request always finds a thread) and how much of
the per-process memory budget a request takes while it runs (see
:mod:`approxlab.api.compute`).
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
    return Cost(4 + 300 * scale, 5 + (1000 if plain else 2000) * scale)


def _lazy(p: SceneParams) -> Cost:
    """Training (a few hundred steps of a width-m network on n points), measured 0.2–0.4 s."""
    return Cost(16, 150 + 300 * _p(p, "m", 4096) / 4096)


def _spectral_bias(p: SceneParams) -> Cost:
    return Cost(24, 120 + 250 * _p(p, "m", 2048) / 2048)


def _learnability(p: SceneParams) -> Cost:
    """Restarts × depth trainings: ~0.6 s at the defaults (L = 4, 5 restarts), ~1 s at most."""
    return Cost(8, 250 + 1000 * _p(p, "L", 6) * _p(p, "restarts", 8) / 48)


def _sobolev(p: SceneParams) -> Cost:
    """d = 1: the exact sup (certified breakpoint propagation through (s + 1) branches of
    depth ~3k; ~0.15 s at the defaults, up to ~0.5 s); d = 2: a grid evaluation."""
    k = _p(p, "k", 10)
    if _p(p, "d", 1) == 1:
        return Cost(32, 40 + 600 * k / 10)
    return Cost(48, 40 + 300 * k / 10)


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
    "separation": lambda p: Cost(8 + 60 * _p(p, "L", 2) / 4, 100 + 200 * _p(p, "L", 2) / 4),
    "lazy": _lazy,
    "spectral-bias": _spectral_bias,
    "learnability": _learnability,
    "radial": lambda p: Cost(48, 160),
    "sobolev": _sobolev,
    "squaring": lambda p: Cost(16, 70),
    "deep-kernels": lambda p: Cost(24, 60),
    "product": lambda p: Cost(16, 60),
    "parity": lambda p: Cost(32, 40),
    "pieces": lambda p: Cost(24, 40 + 60 * _p(p, "width", 16) * _p(p, "depth", 10) / 160),
    # exact propagation through n stages of i layers: ~30 ms at (n, i) = (4, 4), ~0.2–0.3 s
    # at (7, 5)
    "reciprocal": lambda p: Cost(16, 10 + 0.045 * _p(p, "n", 7) ** 3 * 2 ** _p(p, "i", 5)),
}


def estimate(scene_id: str, params: SceneParams) -> Cost:
    fn = ESTIMATES.get(scene_id)
    return fn(params) if fn is not None else DEFAULT
