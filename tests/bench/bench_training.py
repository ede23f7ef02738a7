"""Benchmark of the training scenes (issue 15): cold and warm, at defaults and at maxima.

Run: ``python tests/bench/bench_training.py [--repeat N] [--scene ID]``.  A report, not a
test.  Budgets on 2 cores: a scene ≤ 1 s cold at its maximum parameters (the run is trained,
measured and cached) and ≤ 25 ms warm (another value of the ``step`` slider of the same
run: the cached run is only read).

"cold" clears every functools cache in approxlab first; "warm" keeps them and asks for a
different checkpoint each time (so nothing but the trained run is reused).  The "maximum"
case is the slowest of every combination of each numeric parameter's minimum/maximum (and
each enum value), plus hand-picked costly cases, timed cold.  Times are wall-clock, with
the process CPU time beside them (the machine's load average is printed: other processes
on 2 cores inflate wall-clock times).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scenes import clear_caches, corners, percentiles

from approxlab.api.responses import dumps
from approxlab.scenes.registry import SCENES

TRAINING = ("lazy", "spectral-bias", "learnability")
COLD_BUDGET_MS, WARM_BUDGET_MS = 1000.0, 25.0
#: Costly cases the corners miss: a width outside the sweep (one more run to train).
EXTRA = {"lazy": [{"m": 2896, "n": 32}, {"m": 4096, "n": 32}]}


def timed(scene, params: dict) -> tuple[float, float]:
    """(wall ms, CPU ms) of compute + serialization."""
    w, c = time.perf_counter(), time.process_time()
    dumps(scene.run(scene.params(**params)).to_dict())
    return (time.perf_counter() - w) * 1e3, (time.process_time() - c) * 1e3


def cold(scene, params: dict) -> tuple[float, float]:
    clear_caches()
    return timed(scene, params)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--scene", action="append", help="only these scenes (repeatable)")
    args = ap.parse_args()
    print(
        f"approxlab training benchmark — {os.cpu_count()} cores, python "
        f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{'scene':14s} {'case':8s} {'cold p50':>9s} {'cold p95':>9s} {'cpu p50':>8s} "
        f"{'warm p50':>9s} {'warm p95':>9s}  budget  params"
    )
    ok_all = True
    for sid in TRAINING:
        if args.scene and sid not in args.scene:
            continue
        scene = SCENES[sid]
        cases = corners(scene) + EXTRA.get(sid, [])
        slowest = max(cases, key=lambda c: cold(scene, c)[1])
        top = scene.params.model_json_schema()["properties"]["step"]["maximum"]
        for case, params in (("default", {}), ("maximum", slowest)):
            timed(scene, params)  # warm-up (imports, allocator)
            c = [cold(scene, params) for _ in range(args.repeat)]
            base = {k: v for k, v in params.items() if k != "step"}
            timed(scene, base)  # the run of these parameters, trained once
            rng = np.random.default_rng(0)
            steps = rng.permutation(np.arange(top + 1))[: max(args.repeat * 3, 20)]
            w = [timed(scene, {**base, "step": int(s)})[0] for s in steps]
            c50, c95 = percentiles([x[0] for x in c])
            cpu50, _ = percentiles([x[1] for x in c])
            w50, w95 = percentiles(w)
            ok = c95 <= COLD_BUDGET_MS and w95 <= WARM_BUDGET_MS
            ok_all &= ok
            print(
                f"{sid:14s} {case:8s} {c50:9.1f} {c95:9.1f} {cpu50:8.1f} {w50:9.1f} "
                f"{w95:9.1f}  {'✓' if ok else '✗'}      {params or '(defaults)'}"
            )
    print(f"load average now {os.getloadavg()[0]:.2f}")
    print("all within budget" if ok_all else "SOME SCENES OVER BUDGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
