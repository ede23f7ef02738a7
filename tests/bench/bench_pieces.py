"""Benchmark: exact piece counting — the sawtooth, the pieces scene, the endpoint's limits.

Run: ``python tests/bench/bench_pieces.py [--repeat N]``.  A report, not a test: it prints
the best and median CPU time of each case (single-threaded BLAS, as the server runs; CPU
time rather than wall time, so that other processes on the machine disturb it less).

Cases
-----
* ``Δ^20``: ``networks.breakpoints(sawtooth(20))`` (2^20 pieces), ``profile`` (regions and
  node pieces too) and the sawtooth scene at L = 20.  Δ^20 stays in the certified pass's
  exact lane (dyadic arithmetic is exact in float64), so no bound is ever needed.
* ``pieces scene``: :func:`approxlab.theory.depth.pieces.profiles` of the scene's random
  He networks at width 16, depth 10 (24 and 32 networks; bias std 0.1 and 0), and the
  scene's whole compute.  Certified in float64 with error bounds.
* ``endpoint``: ``POST /api/v1/pieces``'s counting on networks at its limits — ~30,000 knots
  with ~4,000,000 (unit, knot) evaluations (a zigzag T_31^3 followed by width-64 layers),
  Δ^14, a 32-layer random network of width 16 (deep enough that float64 bounds give up:
  counted in exact arithmetic), and a network refused as too ill-conditioned (422).
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
        t0 = time.process_time()
        out = fn()
        times.append((time.process_time() - t0) * 1e3)
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
    # Δ^14, a width-60 layer, then σ(y/3) twice and 3σ(y/3) − 3σ(y/3) (exactly 0, not
    # provably so in float64, at every knot): the exact recount is over the budget
    saw = sawtooth.sawtooth(14)
    Wl, _ = saw[-1]
    third = 1 / 3
    refused = [
        *saw[:-1],
        (np.vstack([Wl] * 60), np.ones(60)),
        (np.full((2, 60), third / 60), np.zeros(2)),
        (np.array([[3.0, -3.0], [3.0, 0.0]]), np.zeros(2)),
        (np.array([[1.0, 1.0]]), np.zeros(1)),
    ]
    return {
        "zigzag 31^3 + width-64 tail (limits)": at_limits,
        "Δ^14 (16,384 pieces, 15 layers)": saw,
        "He network 31 × width 16": deep,
        "too ill-conditioned (422)": refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    r = args.repeat
    rows: list[tuple[str, float, float, str]] = []

    saw = sawtooth.sawtooth(20)
    best, med, pl = timed(lambda: networks.breakpoints(saw), r)
    rows.append(("Δ^20 breakpoints", best, med, f"{pl.pieces():,} pieces"))
    best, med, pr = timed(lambda: ap.profile(saw, (0.0, 1.0)), r)
    rows.append(("Δ^20 profile", best, med, f"{pr.pieces:,} pieces"))

    from approxlab.scenes import sawtooth as saw_scene

    best, med, _ = timed(lambda: saw_scene.compute(saw_scene.Params(L=20)), r)
    rows.append(("sawtooth scene compute, L = 20", best, med, ""))

    from approxlab.scenes import pieces as scene

    for samples, bias in ((24, 0.1), (32, 0.1), (24, 0.0)):
        p = scene.Params(width=16, depth=10, samples=samples, bias_std=bias, seed=0)
        nets = scene.random_networks(p)
        best, med, prs = timed(lambda nets=nets: ap.profiles(nets, scene.DOMAIN), r)
        total = sum(x.pieces for x in prs)
        label = f"pieces scene profiles ({samples} nets, σ_b {bias:g})"
        rows.append((label, best, med, f"{total} pieces"))

        def run(p=p):
            scene.construction.cache_clear()
            return scene.compute(p)

        best, med, _ = timed(run, r)
        rows.append((f"pieces scene compute ({samples} nets, σ_b {bias:g})", best, med, ""))

    from approxlab.api import pieces as api

    for name, net in endpoint_networks().items():
        body = {
            "layers": [{"weight": W.tolist(), "bias": b.tolist()} for W, b in net],
            "domain": [0.0, 1.0],
        }
        req = api.PiecesRequest.model_validate(body)

        def count(req=req) -> str:
            try:
                return f"{api.count_pieces(req)['pieces']:,} pieces"
            except ValueError as e:
                return f"refused: {str(e)[:60]}…"

        best, med, note = timed(count, r)
        rows.append((f"endpoint: {name}", best, med, str(note)))

    # nearly cancelling units (issue 12): recounted exactly
    ill = [
        layer([[1e8], [1e8], [1.0], [1.0]], [1e8 / 3, 1e8 / 3 + 0.1, -0.3, -0.6]),
        layer([[1.0, -1.0, 0.0, 0.0]], [0.0]),
    ]
    best, med, n = timed(lambda: networks.pieces(ill), r)
    rows.append(("nearly cancelling units (exact recount)", best, med, f"{n} piece"))

    width = max(len(x[0]) for x in rows)
    print(f"{'case':<{width}}  {'best ms':>9}  {'median ms':>9}  result")
    for name, best, med, note in rows:
        print(f"{name:<{width}}  {best:9.1f}  {med:9.1f}  {note}")


if __name__ == "__main__":
    main()
