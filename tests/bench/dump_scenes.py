"""Dump the serialised API answer of scenes at their defaults and at given cases.

Run: ``python tests/bench/dump_scenes.py OUTDIR [--scene ID ...]``; then ``diff -r`` two
output directories (e.g. before and after a speed-up) — a byte-identical answer is the
no-behaviour-change check of performance work.  Every run is cold (caches cleared).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import hashlib
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from bench_scenes import clear_caches

from approxlab.api.responses import dumps
from approxlab.scenes.registry import SCENES

#: The bench's maximum corners (the brief's table) plus a few more parameter sets per scene.
CASES: dict[str, list[dict]] = {
    "sobolev": [
        {"target": "sin2", "d": 1, "r": 4, "s": 1, "k": 10},
        {"target": "sin2", "d": 1, "r": 4, "s": 16, "k": 10},
        {"target": "exp", "d": 2, "r": 4, "s": 16, "k": 10},
    ],
    "sawtooth": [{"L": 20, "f": "bump"}, {"L": 20, "f": "bump", "x_lo": 1.0, "x_hi": 1.0}],
    "universal": [
        {"activation": "relu", "width": 1, "seed": 0, "target": "sin", "expr": "x*sin(8*x)"}
    ],
    "separation": [{"L": 4, "x_lo": 1.0, "x_hi": 1.0}],
    "radial": [{"d": 1, "k": 128, "eps": 0.005, "w": 0.4, "seed": 0}],
    "barron": [{"target": "gauss", "k": 1000, "trials": 40, "seed": 0}],
    "squaring": [{"i": 15, "x_lo": 1.0, "x_hi": 1.0}],
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--scene", action="append")
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for sid in args.scene or list(CASES):
        scene = SCENES[sid]
        for i, params in enumerate([{}, *CASES.get(sid, [])]):
            clear_caches()
            text = dumps(scene.run(scene.params(**params)).to_dict())
            data = text if isinstance(text, bytes) else text.encode()
            (out / f"{sid}-{i}.json").write_bytes(data)
            print(sid, i, json.dumps(params), hashlib.sha256(data).hexdigest()[:16])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
