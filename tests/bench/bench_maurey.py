"""Benchmark: Maurey sampling, all trials at once vs the dense trials × k × n evaluation.

Run: ``python tests/bench/bench_maurey.py [--trials 1000 --k 4096 --n 2048 --repeat 15]``.
A report, not a test.  It draws ``trials`` networks of ``k`` threshold units for
``g(x) = sin(2πx)`` and measures ``‖g − ĝ‖²_{L2(P)}`` (P uniform on ``n`` midpoints) of each:

* fast — :func:`approxlab.theory.shallow.maurey.maurey_errors`: sampling + histogram of the pieces
  + cumulative sums over the grid, O(trials·(k + n)) (timed end to end, p50/p95);
* fast (eval) — the evaluation alone, on explicit samples (:func:`sq_errors`,
  :func:`sq_errors_from_biases`);
* dense — :func:`sq_errors_dense` on the very same samples: every unit at every grid point.

Goal (issue 4): fast ≥ 30× faster than dense, fast ≤ 150 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from approxlab.theory.core import targets
from approxlab.theory.shallow.maurey import (
    bias_measure,
    maurey_errors,
    maurey_sample,
    sq_errors,
    sq_errors_dense,
    sq_errors_from_biases,
)

GOAL_RATIO, GOAL_MS = 30.0, 150.0


def timed(fn, repeat: int) -> tuple[float, float, float, object]:
    """p50 and p95 wall time and median CPU time (all threads) of ``fn``, in ms."""
    fn()  # warm-up
    wall, cpu, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    p50, p95 = np.percentile(wall, [50, 95])
    return float(p50), float(p95), float(np.median(cpu)), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--k", type=int, default=4096)
    ap.add_argument("--n", type=int, default=2048)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    print(f"Maurey sampling benchmark — {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"trials = {a.trials}, k = {a.k}, n = {a.n}  (g = sin 2πx)")

    t = targets.get("sin")
    m = bias_measure(t.f, t.df, targets.critical_points("sin"), a.n)

    p50, p95, cpu, run = timed(lambda: maurey_errors(m, a.k, a.trials, a.seed), a.repeat)
    print(
        f"fast (sample + evaluate)      p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   cpu {cpu:6.1f} ms"
    )

    s = maurey_sample(m, a.k, a.trials, a.seed)  # the very same samples, made explicit
    e50, e95, ecpu, fast = timed(lambda: sq_errors(m, s.pieces), a.repeat)
    print(
        f"fast (evaluate, pieces)       p50 {e50:8.1f} ms   p95 {e95:8.1f} ms   cpu {ecpu:6.1f} ms"
    )
    b50, b95, bcpu, fast_b = timed(lambda: sq_errors_from_biases(m, s.biases, s.signs), a.repeat)
    print(
        f"fast (evaluate, biases)       p50 {b50:8.1f} ms   p95 {b95:8.1f} ms   cpu {bcpu:6.1f} ms"
    )

    t0, c0 = time.perf_counter(), time.process_time()
    dense = sq_errors_dense(m, s.biases, s.signs)
    dense_ms = (time.perf_counter() - t0) * 1e3
    dense_cpu = (time.process_time() - c0) * 1e3
    print(
        f"dense (trials × k × n)        {dense_ms:8.1f} ms (one run)"
        f"         cpu {dense_cpu:6.0f} ms"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} (wall times grow with it; cpu times less so)")

    agree = max(
        float(np.max(np.abs(x - dense) / np.maximum(dense, 1e-300)))
        for x in (run.sq_errors, fast, fast_b)
    )
    print(f"max relative difference fast vs dense: {agree:.2e}")
    ratio = dense_ms / p50
    ratio_eval = dense_ms / e50
    print(f"speed-up: {ratio:.0f}× end to end, {ratio_eval:.0f}× evaluation alone")
    ok = ratio >= GOAL_RATIO and p50 <= GOAL_MS and agree < 1e-9
    print(f"goal ≥ {GOAL_RATIO:.0f}× and ≤ {GOAL_MS:.0f} ms: " + ("met" if ok else "NOT MET"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
