"""Benchmark: compute + serialization per scene, at defaults and at the costliest params.

Run: ``python tests/bench/bench_scenes.py [--repeat N] [--scene ID]``.  A report, not a
test: it prints p50/p95 per scene against the budgets (p95 ≤ 25 ms at defaults, ≤ 300 ms at
maximum params).  The "maximum" case is found generically: every combination of each
numeric parameter's minimum/maximum and each enum value is timed cold, and the slowest is
benchmarked.

"cold" clears every functools cache in approxlab before each run (what the first visitor
of a parameter value waits for); "warm" keeps them (a repeat visit of a parameter value —
the API's response cache then answers without computing at all).  Budgets are judged cold.
The server runs with OPENBLAS_NUM_THREADS=1 (set in approxlab.app); so does this script.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import itertools
import sys
import time

import numpy as np
from pydantic import ValidationError

from approxlab.api.responses import dumps
from approxlab.scenes.registry import SCENES

BUDGET_DEFAULT_MS, BUDGET_MAX_MS = 25.0, 300.0
#: Scenes that train networks once per parameter set (issue 15) have their own budget: ≤ 1 s
#: cold; their warm budget (another step of the same run) is checked by bench_training.py.
TRAINING_BUDGET_MS = {"lazy": 1000.0, "spectral-bias": 1000.0, "learnability": 1000.0}


def clear_caches() -> None:
    """Empty every functools cache of the approxlab modules."""
    for name, mod in list(sys.modules.items()):
        if name.startswith("approxlab"):
            for obj in vars(mod).values():
                if callable(getattr(obj, "cache_clear", None)):
                    obj.cache_clear()


def run_once(scene, params, cold: bool = True) -> float:
    if cold:
        clear_caches()
    t0 = time.perf_counter()
    dumps(scene.run(scene.params(**params)).to_dict())
    return (time.perf_counter() - t0) * 1e3


def corners(scene) -> list[dict]:
    props = scene.params.model_json_schema()["properties"]
    axes = []
    for name, p in props.items():
        values = p["enum"] if "enum" in p else [p.get("minimum"), p.get("maximum")]
        if name == "seed" or "minimum" not in p:  # seeds and text parameters: the default
            values = [p["default"]]
        axes.append([(name, v) for v in values])
    combos = list(itertools.product(*axes))
    if len(combos) > 256:
        rng = np.random.default_rng(0)
        combos = [combos[i] for i in rng.choice(len(combos), 256, replace=False)]
    return [dict(c) for c in combos if valid(scene, dict(c))]


def valid(scene, params) -> bool:
    """Corners a scene refuses (a 422 from a model validator, e.g. a cost limit) are skipped."""
    try:
        scene.params(**params)
    except ValidationError:
        return False
    return True


def percentiles(samples: list[float]) -> tuple[float, float]:
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--scene", action="append", help="only these scenes (repeatable)")
    args = ap.parse_args()
    print(f"approxlab scene benchmark — {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(
        f"{'scene':12s} {'case':8s} {'cold p50':>9s} {'cold p95':>9s} {'warm p50':>9s} "
        f"{'warm p95':>9s} {'budget':>7s}  params"
    )
    worst_ok = True
    for scene in SCENES.values():
        if args.scene and scene.id not in args.scene:
            continue
        slowest = max(corners(scene), key=lambda c: min(run_once(scene, c) for _ in range(2)))
        for case, params, budget in (
            ("default", {}, BUDGET_DEFAULT_MS),
            ("maximum", slowest, BUDGET_MAX_MS),
        ):
            budget = TRAINING_BUDGET_MS.get(scene.id, budget)
            run_once(scene, params)  # warm-up (imports, allocator)
            cold = [run_once(scene, params) for _ in range(args.repeat)]
            warm = [run_once(scene, params, cold=False) for _ in range(args.repeat)]
            c50, c95 = percentiles(cold)
            w50, w95 = percentiles(warm)
            ok = c95 <= budget
            worst_ok &= ok
            print(
                f"{scene.id:12s} {case:8s} {c50:9.1f} {c95:9.1f} {w50:9.1f} {w95:9.1f} "
                f"{budget:6.0f}{'✓' if ok else '✗'}  {params or '(defaults)'}"
            )
    print("all within budget" if worst_ok else "SOME SCENES OVER BUDGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
