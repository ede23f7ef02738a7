"""Scene ``regions`` — activation regions in the plane (003, Lemma 4.9 and Remark 4.12; 001,
Hanin–Rolnick): the exact partition of [−1, 1]² by a ReLU network with two inputs."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
from pydantic import ValidationInfo, field_validator

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    Trace,
    param,
    seed_param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import line, spread, this_value
from approxlab.theory.core.networks import ReLUNetwork
from approxlab.theory.depth import regions as rg

NetworkName = Literal["random", "sawtooth", "product"]
#: The construction's size L: powers of Δ, or squaring steps of the product network.
MAX_L = {"sawtooth": 8, "product": 4}
GRID = 201
#: Region fills: a small repeating palette (the frontend's colour of each role, tinted).
PALETTE = ("construction", "highlight", "error", "reference", "target")


class Params(SceneParams):
    network: NetworkName = param(
        "random",
        label="network",
        description="Which network cuts the square.",
        options={
            "random": "random, He-initialised",
            "sawtooth": "sawtooth Δ^L((x₁ + x₂ + 2)/4)",
            "product": "product network of Corollary 4.3",
        },
    )
    width: int = param(
        8,
        ge=1,
        le=16,
        step=1,
        label="width",
        description="Units per hidden layer (random; up to 16 × 6 = 96 neurons, ≈ 4,000 "
        "regions, to stay within the latency budget).",
    )
    depth: int = param(
        2, ge=1, le=6, step=1, label="hidden layers", description="Hidden layers (random)."
    )
    L: int = param(
        4,
        ge=1,
        le=8,
        step=1,
        label="construction size L",
        description="Powers of Δ (sawtooth) or squaring steps i (product, up to 4).",
    )
    seed: int = seed_param("Seed of the random network.")

    @field_validator("L")
    @classmethod
    def _size(cls, L: int, info: ValidationInfo) -> int:
        net = info.data.get("network")
        top = MAX_L.get(net) if isinstance(net, str) else None
        if top is not None and top < L:
            raise ValueError(f"L = {L}: at most {top} for the {net} network")
        return L


def network(p: Params) -> tuple[str, ReLUNetwork]:
    """The network of these parameters and its name in words."""
    if p.network == "sawtooth":
        return f"sawtooth Δ^{p.L} of (x₁ + x₂ + 2)/4", rg.sawtooth_plane(p.L)
    if p.network == "product":
        return f"product network g_{p.L}((x₁ + 1)/2, (x₂ + 1)/2)", rg.product_plane(p.L)
    return (
        f"random network, {p.depth} hidden layer{'s' if p.depth > 1 else ''} of width {p.width}",
        rg.he_network([p.width] * p.depth, p.seed),
    )


def exported_networks(p: Params) -> list:
    name, net = network(p)
    notes = {
        "random": "He initialisation: weights N(0, 2/fan-in), biases N(0, 0.1²).",
        "sawtooth": "Depends on t = (x₁ + x₂ + 2)/4 only: 2^L strips.",
        "product": "Corollary 4.3's g_i after mapping [−1, 1]² onto [0, 1]².",
    }[p.network]
    seed = p.seed if p.network == "random" else None
    return [network_export(name, net, seed=seed, notes=[notes, "Domain: the square [−1, 1]²."])]


def compute(p: Params) -> SceneResult:
    name, net = network(p)
    part = rg.partition(net)
    widths = part.hidden_widths
    N = int(sum(widths))
    bound = rg.upper_bound(widths)
    grid = rg.grid_patterns(net, points=GRID)
    exact = {row.tobytes() for row in part.patterns}
    unseen = sum(row.tobytes() not in exact for row in grid)
    checks = [
        Check("activation regions ≤ ∏ₗ Σ_(i ≤ 2) C(nₗ, i)", part.count, bound, "<="),
        Check(
            f"distinct patterns on a {GRID} × {GRID} grid ≤ exact count",
            len(grid),
            part.count,
            "<=",
            note="a grid can only miss regions",
        ),
        Check("grid patterns that are no exact region's", unseen, 0, "=="),
    ]
    if p.network == "sawtooth":
        checks.append(Check(f"regions of the sawtooth = 2^{p.L}", part.count, 2**p.L, "=="))
    return SceneResult(
        metrics={
            "regions": part.count,
            "neurons": N,
            "upper_bound": float(bound),
            "grid_regions": len(grid),
            "exact_decisions": part.exact_vertices,
        },
        checks=checks,
        plots=[_regions_plot(part, name), _sweep_plot(N, part.count)],
        notes=_notes(p, part, N, bound),
    )


def _regions_plot(part: rg.Partition, name: str) -> Plot:
    traces: list[Trace] = []
    group = "activation regions (a colour each)"
    ids = np.arange(part.count)
    for c, role in enumerate(PALETTE):
        mine = ids[c :: len(PALETTE)]
        if not mine.size:
            continue
        xy = part.outlines(mine, closed=False)
        traces.append(
            Trace(group, "band", xy[:, 0], xy[:, 1], style=role, group=group, legend=c == 0)  # type: ignore[arg-type]
        )
    edges = part.outlines()
    traces.append(line("region edges (exact)", edges[:, 0], edges[:, 1], "context"))
    n = part.count
    return Plot(
        "regions",
        f"{name}: {n:,} activation region{'s' if n != 1 else ''} of [−1, 1]²",
        Axis("x₁", range=(-1.0, 1.0)),
        Axis("x₂", range=(-1.0, 1.0)),
        traces,
        caption=(
            "Each polygon is one activation region — one on/off pattern of the hidden units, "
            "on which the network is affine. Edges are exact: every cut was decided with a "
            "certified error bound or in exact arithmetic."
        ),
        aspect="equal",
    )


def _sweep_plot(N: int, count: int) -> Plot:
    x = np.array(rg.SWEEP_NEURONS, dtype=float)
    traces: list[Trace] = []
    roles = {1: "construction", 2: "highlight", 3: "error"}
    means = []
    for d in rg.SWEEP_DEPTHS:
        counts = rg.sweep_counts(d)
        means.append(counts.mean(axis=0))
        group = f"{d} hidden layer{'s' if d > 1 else ''}"
        for t in spread(x, counts, what="seeds", group=group, role=roles[d]):  # type: ignore[arg-type]
            name = f"{group}: mean and 10–90 % of {len(rg.SWEEP_SEEDS)} seeds"
            traces.append(replace(t, name=name) if t.legend else t)
    xs = np.unique(np.r_[x, N]).astype(float)
    bgroup = "upper bounds ∏ₗ Σ_(i ≤ 2) C(nₗ, i), depth 1, 2, 3"
    for k, d in enumerate(rg.SWEEP_DEPTHS):
        nn = x[x % d == 0]
        b = [float(rg.upper_bound([int(v) // d] * d)) for v in nn]
        traces.append(line(bgroup, nn, b, "bound", group=bgroup, legend=k == 0))
    # Hanin–Rolnick: C·N², C fitted to all measured means (least squares in log)
    allm = np.concatenate(means)
    allx = np.tile(x, len(means))
    C = float(np.exp(np.mean(np.log(allm) - 2 * np.log(allx))))
    traces.append(line(f"C·N², C = {C:.2g} fitted (Hanin–Rolnick)", xs, C * xs**2, "reference"))
    tv = this_value(float(N), float(count), f"this network: {count:,} regions")
    traces.append(replace(tv, legend=False))
    return Plot(
        "sweep",
        "Regions against neurons: random networks of depth 1, 2, 3 and the bounds",
        Axis("neurons N", log=True, integer=True),
        Axis("activation regions (exact count)", log=True),
        traces,
        caption=(
            "Random networks of every depth sit on one curve growing like N² (Hanin–Rolnick), "
            "while the worst-case bound grows exponentially with depth. The large marker is "
            "the network drawn above."
        ),
    )


def _notes(p: Params, part: rg.Partition, N: int, bound: int) -> list[str]:
    widths = ", ".join(str(w) for w in part.hidden_widths)
    notes = [
        "Counted: activation regions — the cells of [−1, 1]² on which every hidden unit "
        "keeps its on/off state. Each is a convex polygon on which the network is affine; "
        "linear regions (maximal sets where the function is affine) can be fewer when "
        "neighbouring cells share an affine map, and Hanin and Rolnick note the two counts "
        "agree for generic (random) weights.",
        f"This network: hidden widths {widths} ({N} neurons), {part.count:,} regions; after "
        "each hidden layer: " + ", ".join(f"{r:,}" for r in part.by_layer) + ".",
        "The bound: inside a region of the earlier layers the nₗ units of layer ℓ are nₗ "
        "lines, which cut a convex set into at most Σ_(i ≤ 2) C(nₗ, i) = 1 + nₗ + "
        "nₗ(nₗ − 1)/2 pieces (fewer when an earlier layer has width 1), so regions ≤ "
        f"∏ₗ Σ_(i ≤ 2) C(nₗ, i) = {bound:,} (Serra, Tjandraatmadja and Ramalingam 2018, "
        "Theorem 1 in product form; Montúfar et al. 2014). One hidden layer in general "
        "position reaches 1 + n + C(n, 2) in the whole plane.",
        "Exactness: the square is cut polygon by polygon, one unit at a time. Each sign of "
        "a unit at a vertex is decided in float64 only when a rigorous error bound "
        "certifies it; otherwise the vertex is recomputed in exact rational arithmetic "
        f"(here {part.exact_vertices} vertices needed it). An independent check: the distinct "
        f"patterns at {GRID}² grid points are all exact regions' patterns, and no more than them.",
        "Random networks: weights N(0, 2/fan-in) (He), biases N(0, 0.1²). Lemma 4.9's "
        "exponential count needs constructions; at initialisation (Hanin–Rolnick, seed 001) "
        "the count grows like N² in two dimensions, whatever the depth.",
    ]
    if p.network == "sawtooth":
        notes.append(
            f"The sawtooth Δ^{p.L} depends on t = (x₁ + x₂ + 2)/4 only; each layer of Δ "
            f"doubles the strips (its units switch where Δ^(ℓ−1) = ½ anew): 2^{p.L} = "
            f"{2**p.L:,} strips, with {N} neurons — exponential in depth."
        )
    if p.network == "product":
        notes.append(
            "The product network g_i (Corollary 4.3) combines three squaring networks of "
            "(x + y)/2, x/2 and y/2: its regions are cut by three families of parallel lines."
        )
    return notes


SCENE = Scene(
    id="regions",
    title="Activation regions in the plane",
    chapter=DEPTH,
    summary=(
        "The exact partition of the square by a ReLU network with two inputs: random networks "
        "grow like N², constructions exponentially, against the upper bounds."
    ),
    primary_plot="regions",
    source="003, Lemma 4.9 and Remark 4.12; 001, Hanin–Rolnick",
    statement=(
        r"A ReLU network $f:\mathbb{R}^2\to\mathbb{R}$ with hidden widths $n_1,\dots,n_{L-1}$ "
        r"has at most $\prod_{\ell}\sum_{i\le 2}\binom{n_\ell}{i}$ activation regions "
        r"(Serra et al. 2018); deep constructions such as $\Delta^L$ reach exponentially many "
        r"in depth (Lemma 4.9), while random networks at initialisation have about "
        r"$C\,N^2$ for $N$ neurons (Hanin–Rolnick 2019)."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "regions": "activation regions (exact)",
        "neurons": "neurons N",
        "upper_bound": "upper bound ∏ₗ Σ_(i ≤ 2) C(nₗ, i)",
        "grid_regions": f"distinct patterns on a {GRID} × {GRID} grid",
        "exact_decisions": "vertices decided in exact arithmetic",
    },
    widgets=({"type": "regions-json", "endpoint": "/api/v1/regions"},),
)
