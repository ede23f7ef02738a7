"""Benchmark: exact piece counting — the sawtooth, the pieces scene, the endpoint's limits.

Run: ``python tests/bench/bench_pieces.py [--repeat N]``.  A report, not a test: it prints
the best and median wall time of each case (single-threaded BLAS, as the server runs).

Cases
-----
* ``Δ^20``: ``networks.breakpoints(sawtooth(20))`` and its piece count (2^20 pieces).
* ``pieces scene``: :func:`approxlab.theory.depth.pieces.profiles` of the scene's random
  He networks at width 16, depth 10 (24 and 32 networks), and the scene's whole compute at
  those parameters.
* ``endpoint``: ``POST /api/v1/pieces``'s counting function on networks at its limits —
  ~30,000 knots with ~4,000,000 (unit, knot) evaluations (a zigzag T_31^3 followed by wide
  random layers), Δ^14 (16,384 pieces, 15 layers), and a deep narrow random network.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from approxlab.theory.core import networks
from approxlab.theory.core.networks import layer
from approxlab.theory.depth import pieces as ap
from approxlab.theory.depth import sawtooth


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return min(times), statistics.median(times), out


def endpoint_networks() -> dict[str, networks.ReLUNetwork]:
    rng = np.random.default_rng(0)
    zig = ap.zigzag_network(31, 3, (0.0, 1.0))  # 31^3 = 29,791 pieces
    w = 64
    # wide tails: every unit a random combination of the zigzag's value (few new crossings)
    W_last, _ = zig[-1]
    tail = [
        (np.vstack([W_last] * w) * rng.uniform(0.5, 1.5, size=(w, 1)), rng.uniform(2, 3, w)),
        (np.abs(rng.normal(size=(w, w))) / w, rng.uniform(0.1, 0.2, w)),
        (rng.normal(size=(1, w)), np.zeros(1)),
    ]
    at_limits = [*zig[:-1], *tail]
    deep = ap.he_network([16] * 31, np.random.default_rng(1), 0.1)
    return {
        "zigzag 31^3 + width-64 tail (limits)": at_limits,
        "Δ^14 (16,384 pieces, 15 layers)": sawtooth.sawtooth(14),
        "He network 31 × width 16": deep,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    r = args.repeat
    rows: list[tuple[str, float, float, str]] = []

    saw = sawtooth.sawtooth(20)
    best, med, pl = timed(lambda: networks.breakpoints(saw), r)
    rows.append(("Δ^20 breakpoints", best, med, f"{len(pl.x):,} knots"))
    best, med, n = timed(lambda: networks.pieces(saw), r)
    rows.append(("Δ^20 pieces", best, med, f"{n:,} pieces"))
    best, med, pr = timed(lambda: ap.profile(saw, (0.0, 1.0)), r)
    rows.append(("Δ^20 profile", best, med, f"{pr.pieces:,} pieces"))

    from approxlab.scenes import sawtooth as saw_scene

    best, med, _ = timed(lambda: saw_scene.compute(saw_scene.Params(L=20)), r)
    rows.append(("sawtooth scene compute, L = 20", best, med, ""))

    from approxlab.scenes import pieces as scene

    for samples in (24, 32):
        p = scene.Params(width=16, depth=10, samples=samples, bias_std=0.1, seed=0)
        nets = scene.random_networks(p)
        best, med, prs = timed(lambda nets=nets: ap.profiles(nets, scene.DOMAIN), r)
        total = sum(x.pieces for x in prs)
        rows.append((f"pieces scene profiles ({samples} nets)", best, med, f"{total} pieces"))
        best, med, _ = timed(
            lambda nets=nets: [ap.profile(n, scene.DOMAIN) for n in nets], max(1, r // 2)
        )
        rows.append((f"  one by one ({samples} nets)", best, med, ""))

        def run(p=p):
            scene.construction.cache_clear()
            return scene.compute(p)

        best, med, _ = timed(run, r)
        rows.append((f"pieces scene compute ({samples} nets)", best, med, ""))

    from approxlab.api import pieces as api

    for name, net in endpoint_networks().items():
        body = {
            "layers": [{"weight": W.tolist(), "bias": b.tolist()} for W, b in net],
            "domain": [0.0, 1.0],
        }
        req = api.PiecesRequest.model_validate(body)
        try:
            best, med, out = timed(lambda req=req: api.count_pieces(req), r)
            rows.append((f"endpoint: {name}", best, med, f"{out['pieces']:,} pieces"))
        except ValueError as e:
            rows.append((f"endpoint: {name}", float("nan"), float("nan"), f"refused: {e}"))

    # a mild ill-conditioned network (nearly cancelling units)
    ill = [
        layer([[1e8], [1e8], [0.0]], [1e8 / 3, 1e8 / 3 + 0.1, 0.0]),
        layer([[1.0, -1.0, 5.0]], [0.0]),
    ]
    best, med, n = timed(lambda: networks.pieces(ill), r)
    rows.append(("ill-conditioned 3-unit network", best, med, f"{n} pieces"))

    width = max(len(x[0]) for x in rows)
    print(f"{'case':<{width}}  {'best ms':>9}  {'median ms':>9}  result")
    for name, best, med, note in rows:
        print(f"{name:<{width}}  {best:9.1f}  {med:9.1f}  {note}")


if __name__ == "__main__":
    main()
