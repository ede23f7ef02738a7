"""Scene ``sobolev`` — Theorem 5.4 with Lemmas 5.3–5.5 (seed 003, §4.2.1; Yarotsky in
001/004) and Yarotsky's lower bound (seed 000)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    Trace,
    param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import sobolev as sb

#: Evaluation grids: the sup error is taken over these points.
GRID_1D = 2049
GRID_2D = 41
#: Accuracies for the size-vs-ε chart, and depths for Yarotsky's lower bound.
EPS_CHART = np.logspace(-1, -6, 11)
LOWER_BOUND_DEPTHS = (2, 3, 4, 6, 10)

TargetName = Literal["sin2", "exp", "poly"]


class Params(SceneParams):
    target: TargetName = param(
        "sin2",
        label="target g",
        description="A product target g(x) = ∏ φ(x_j) with values in [0, 1] and exact "
        "derivatives of every order.",
        options={name: t.label for name, t in sb.TARGETS.items()},
    )
    d: int = param(1, ge=1, le=2, step=1, label="dimension d", description="Input dimension.")
    r: int = param(
        3,
        ge=1,
        le=4,
        step=1,
        label="smoothness r",
        description="Derivatives up to order r are bounded by M; local Taylor polynomials "
        "have degree r − 1.",
    )
    s: int = param(
        16,
        ge=1,
        le=16,
        step=1,
        label="grid s",
        description="The partition of unity lives on the grid {0, 1/s, …, 1}^d.",
    )
    k: int = param(
        8,
        ge=1,
        le=10,
        step=1,
        label="product accuracy k",
        description="Every approximate product is built from h_k and is 4^(−k)-accurate.",
    )


def points(d: int) -> np.ndarray:
    if d == 1:
        return np.linspace(0.0, 1.0, GRID_1D)[:, None]
    g = np.linspace(0.0, 1.0, GRID_2D)
    return np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)


def compute(p: Params) -> SceneResult:
    g = sb.TARGETS[p.target]
    d, r, s, k = p.d, p.r, p.s, p.k
    X = points(d)
    ms = sb.measure(g, k, s, d, r, X)
    approx = ms.approx
    h = sb.squaring_cost(k)  # Yarotsky's lower bound against the h_k used inside
    e = 4.0**-k

    plots = _main_plots(p, X, ms)
    plots += [_size_chart(g, d, r, s, k, ms.max_error, ms.nodes), _lower_bound_chart(k)]
    checks = [
        Check("sup |f − g| ≤ Theorem 5.4's bound", ms.max_error, ms.bound, "<="),
        Check(
            "sup |f − g| ≤ the proof's chain (actual coefficients)",
            ms.max_error,
            ms.chain["total"],
            "<=",
        ),
        Check("the proof's chain ≤ Theorem 5.4's bound", ms.chain["total"], ms.bound, "<="),
        Check(
            "Taylor (degree r − 1): max |p_v − g| ≤ M d^r/(r! s^r)",
            approx.taylor_error,
            ms.taylor_bound,
            "<=",
            rounding=approx.taylor_rounding,
        ),
        Check(
            "Lemma 5.5: max |Σ_v part_v − 1| ≤ d 2^d 4^(−k)",
            ms.partition_error,
            sb.partition_bound(d, k),
            "<=",
        ),
        Check(
            "Lemma 5.4: max |mono_α(x − v) − (x − v)^α| ≤ r 4^(−k)", approx.mono_error, r * e, "<="
        ),
        # attained with equality at a = b = 2^(−k) (Corollary 4.3): a few ulps of rounding
        Check(
            "Lemma 5.3: every product within 4^(−k)",
            ms.product_error,
            e,
            "<=",
            rounding=rounding_allowance(2.0, ops=4 * (k + 3)),
        ),
        Check(
            "h_k's nodes ≥ Yarotsky's lower bound at its depth and error",
            h.nodes,
            h.lower_bound,
            ">=",
        ),
    ]
    return SceneResult(
        metrics={
            "sup_error": ms.max_error,
            "bound": ms.bound,
            "nodes": ms.nodes,
            "layers": ms.layers,
            "M": ms.M,
            "bound_proof": ms.chain["total"],
            "taylor_term": ms.taylor_bound,
            "taylor_error": approx.taylor_error,
            "partition_error": ms.partition_error,
            "mono_error": approx.mono_error,
            "product_error": ms.product_error,
            "branches": (s + 1) ** d,
            "nodes_per_branch": ms.branch_nodes,
            "grid_points": int(X.shape[0]),
        },
        checks=checks,
        plots=plots,
        notes=_notes(p, ms, h),
    )


def _notes(p: Params, ms: sb.Measurement, h: sb.SquaringCost) -> list[str]:
    d, r, s, k = p.d, p.r, p.s, p.k
    return [
        "Corrected and completed from the printed proof (003, §4.2.1): (1) negative inputs — "
        "x − v has either sign, so the monomials use Yarotsky's product for [−1, 1]², "
        "2(h_k(|a+b|/2) − h_k(|a|/2) − h_k(|b|/2)) with |u| = σ(u) + σ(−u), error ≤ 4^(−k) "
        "and exactly 0 when a factor is 0; (2) inputs to prod_{k,2} above 1 — f_v is clipped "
        "to [0, 1] by σ(f) − σ(f − 1); as g ∈ [0, 1] this never increases |f_v − g|; the "
        "final product is Corollary 4.3's corrected g_k, which vanishes where the bump does "
        "(the printed polarization does not, which would break locality).",
        'Printed: "the Taylor expansion of degree r" with remainder M d^r ‖x − v‖^r/r!. '
        "Corrected: degree r − 1, because that remainder involves the order-r derivatives — "
        "the ones bounded by M (degree r would need order r + 1). Printed: N ≤ d^r monomials. "
        f"Corrected: N = C(d + r − 1, d) = {len(sb.exponents(d, r - 1))} here; the proof's "
        "monomial term is bounded through Σ_α |w_α| ≤ M Σ_q d^q/q! instead, and Theorem "
        "5.4's right-hand side still holds (checked: the proof's chain with the actual "
        "coefficients stays below it).",
        'Remark 5.15 ("Yarotsky gets width c(d, r) ln(1/ε)/ε^(d/r), mine is worse"): there '
        "is no gap in the rates. Choosing s ≍ ε^(−1/r) and k ≍ log(1/ε), the theorem's "
        "O((kd + d² + r²d^r + krd^r) s^d) nodes are O(ε^(−d/r) log(1/ε)) and its O(k(r + d)) "
        "layers are O(log 1/ε) — Yarotsky's rates; only the constant c(d, r) differs. The "
        "size chart shows the built network's node count at the smallest (s, k) that make "
        "the bound ≤ ε, against ε^(−d/r) ln(1/ε).",
        f"Sizes are read off the built branch network ({ms.branch_nodes:,} nodes, {ms.layers} "
        f"affine maps) × (s + 1)^d = {(s + 1) ** d} branches. The sup error is over a "
        + (f"grid of {GRID_1D} points" if d == 1 else f"{GRID_2D} × {GRID_2D} grid")
        + "; each branch is evaluated on its bump's support (elsewhere it is 0 up to "
        "float64 rounding of the hat) — the tests check this against the assembled network.",
        f"Yarotsky's lower bound (000), with constants for g = x²: a network with L layers "
        f"and N nodes has ≤ (N/(L−1) + 1)^(L−1) pieces, and P pieces miss x² by ≥ 1/(8P²), "
        f"so sup error ε needs N ≥ (L − 1)((8ε)^(−1/(2(L−1))) − 1). The squaring network "
        f"h_{k} inside ({h.nodes} nodes, {h.layers} layers, error {h.error:.3g}) respects it "
        f"({h.lower_bound:.3g}).",
    ]


def _main_plots(p: Params, X: np.ndarray, ms: sb.Measurement) -> list[Plot]:
    d, s, k = p.d, p.s, p.k
    approx, gx, err = ms.approx, ms.g, ms.error
    bound, chain, taylor_bound = ms.bound, ms.chain["total"], ms.taylor_bound
    if d == 1:
        x = X[:, 0]
        v = np.arange(s + 1) / s
        bumps = [  # each bump is piecewise linear with knots v, v ± 1/s: drawn exactly
            Trace(f"part_v, v = {vi:.3g}", "line", t, y, style=None) for vi, t, y in sb.bumps_1d(s)
        ]
        floor = max(float(err[err > 0].min(initial=1e-16)), 1e-16)
        return [
            Plot(
                "approximation",
                "g and the network f of Theorem 5.4",
                Axis("x"),
                Axis("value"),
                [
                    Trace("g", "line", x, gx, style="target"),
                    Trace("f (network)", "line", x, approx.values, style="construction"),
                    Trace(
                        "grid v", "markers", v, np.interp(v, x, approx.values), style="highlight"
                    ),
                ],
            ),
            Plot(
                "bumps",
                f"Partition of unity part_{{k,s}}: {s + 1} bumps and their sum",
                Axis("x"),
                Axis("part_v(x)"),
                [*bumps, Trace("Σ_v part_v", "line", x, approx.partition, style="reference")],
            ),
            Plot(
                "error",
                "|f − g| against the bounds",
                Axis("x"),
                Axis("error", log=True),
                [
                    Trace("|f − g|", "line", x, np.maximum(err, floor), style="error"),
                    Trace("Theorem 5.4", "line", [0.0, 1.0], [bound, bound], style="bound"),
                    Trace("proof's chain", "line", [0.0, 1.0], [chain, chain], style="bound"),
                    Trace(
                        "Taylor term M d^r/(r! s^r)",
                        "line",
                        [0.0, 1.0],
                        [taylor_bound, taylor_bound],
                        style="reference",
                    ),
                ],
            ),
        ]
    g1 = X[::GRID_2D, 0]
    shape = (GRID_2D, GRID_2D)
    centre = np.full(2, round(s / 2) / s)
    part_v = sb.bump(k, s, centre, X)
    return [
        Plot(
            "approximation",
            "The network f of Theorem 5.4 on [0, 1]²",
            Axis("x₂"),
            Axis("x₁"),
            [Trace("f (network)", "heatmap", g1, g1, approx.values.reshape(shape))],
        ),
        Plot(
            "error",
            f"|f − g| (max {err.max():.3g}; Theorem 5.4 bound {bound:.3g})",
            Axis("x₂"),
            Axis("x₁"),
            [Trace("|f − g|", "heatmap", g1, g1, err.reshape(shape))],
        ),
        Plot(
            "bumps",
            f"One bump part_v = prod_k,2(h(x₁ − v₁), h(x₂ − v₂)), v = ({centre[0]:.3g}, "
            f"{centre[1]:.3g})",
            Axis("x₂"),
            Axis("x₁"),
            [Trace("part_v", "heatmap", g1, g1, part_v.reshape(shape))],
        ),
        Plot(
            "partition",
            "Σ_v part_v − 1: the partition of unity is approximate in 2-D (Lemma 5.5)",
            Axis("x₂"),
            Axis("x₁"),
            [Trace("Σ_v part_v − 1", "heatmap", g1, g1, (approx.partition - 1).reshape(shape))],
        ),
    ]


def _size_chart(
    g: sb.SmoothTarget, d: int, r: int, s: int, k: int, sup_error: float, nodes: int
) -> Plot:
    sizes = sb.sizes_for_accuracies(g, d, r, EPS_CHART)
    rate = sb.yarotsky_rate(EPS_CHART, d, r)
    rate *= sizes[-1] / rate[-1]
    return Plot(
        "size",
        "Nodes for accuracy ε: the built network vs Yarotsky's rate ε^(−d/r) ln(1/ε)",
        Axis("ε", log=True),
        Axis("nodes", log=True),
        [
            Trace(
                "Theorem 5.4 network (smallest s, k with bound ≤ ε)",
                "markers",
                EPS_CHART,
                sizes,
                style="construction",
            ),
            Trace("c · ε^(−d/r) ln(1/ε) (Yarotsky)", "line", EPS_CHART, rate, style="reference"),
            Trace(
                f"this network (s = {s}, k = {k}) at its measured error",
                "markers",
                [max(sup_error, 1e-300)],
                [nodes],
                style="highlight",
            ),
        ],
    )


def _lower_bound_chart(k: int) -> Plot:
    eps = np.logspace(-1, -8, 29)
    traces = [
        Trace(
            f"L = {L} layers",
            "line",
            eps,
            np.maximum(sb.yarotsky_lower_bound(eps, L), 1.0),
            style=None,
        )
        for L in LOWER_BOUND_DEPTHS
    ]
    ks = np.arange(1, max(k, 12) + 1)
    traces.append(
        Trace(
            "h_k (k + 1 layers, 4k nodes): error 4^(−k−1)",
            "markers",
            4.0 ** (-ks - 1),
            sb.squaring_nodes(ks),
            style="construction",
        )
    )
    return Plot(
        "lower_bound",
        "Yarotsky's lower bound (000): nodes ≳ ε^(−1/(2(L−1))) for depth L (g = x²)",
        Axis("sup error ε", log=True),
        Axis("hidden nodes needed", log=True),
        traces,
    )


SCENE = Scene(
    id="sobolev",
    title="Sobolev balls: local Taylor polynomials glued by a partition of unity",
    chapter=DEPTH,
    summary=(
        "Yarotsky's network for a Sobolev ball: bumps, local Taylor polynomials and "
        "products; sup error and size against ε."
    ),
    primary_plot="approximation",
    source="003, Theorem 5.4 (Lemmas 5.3–5.5); 000, Yarotsky's lower bound",
    statement=(
        r"If $g:[0,1]^d\to[0,1]$ has all partial derivatives of order $\le r$ bounded by $M$, "
        r"the network $f=\sum_{v}\mathrm{prod}_{k,2}(f_v, \mathrm{part}_{k,s}(\cdot)_v)$ with "
        r"$O(k(r+d))$ layers and $O((kd+d^2+r^2d^r+krd^r)s^d)$ nodes satisfies "
        r"$|f-g| \le Mrd^r(s^{-r}+4d2^d4^{-k})+3d2^d4^{-k}$ on $[0,1]^d$ "
        r"($f_v$: Taylor polynomial of degree $r-1$ at $v$ — printed: degree $r$). "
        r"Conversely (Yarotsky), depth $L$ needs size $\gtrsim \varepsilon^{-1/(2(L-1))}$."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "sup_error": "sup |f − g| (grid)",
        "bound": "Theorem 5.4's bound",
        "nodes": "ReLU nodes",
        "layers": "layers (affine maps)",
        "M": "M = max |∂^α g|, |α| ≤ r",
        "bound_proof": "the proof's chain (actual coefficients)",
        "taylor_term": "M d^r/(r! s^r)",
        "taylor_error": "max |p_v − g| on the supports",
        "partition_error": "max |Σ part_v − 1|",
        "mono_error": "max monomial error",
        "product_error": "max product error",
        "branches": "branches (s + 1)^d",
        "nodes_per_branch": "nodes per branch",
        "grid_points": "evaluation points",
    },
)
