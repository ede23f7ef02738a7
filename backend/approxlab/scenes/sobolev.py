"""Scene ``sobolev`` — Theorem 5.4 with Lemmas 5.3–5.5 (seed 003, §4.2.1; Yarotsky in
001/004) and Yarotsky's lower bound (seed 000)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, param
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.decimate import m4
from approxlab.scenes.export import MAX_EXPORT_PARAMETERS, NetworkTooLargeError, network_export
from approxlab.scenes.plotkit import (
    context_curves,
    heatmap,
    hline,
    line,
    markers,
    subscript,
    this_value,
)
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import sobolev as sb

#: The Lemmas' measurements (and, for d = 2, the grid maximum of |f − g|) use these uniform
#: grids; for d = 1 the sup of |f − g| is exact (knots and critical points, no grid).
GRID_1D = 2049
GRID_2D = 61
#: The 1-D curves drawn from f's exact knots keep, in each of this many pixel columns, the
#: first, last, lowest and highest point (M4: the same picture as every knot).
CURVE_COLUMNS = 800
#: Accuracies for the size-vs-ε chart, and depths for Yarotsky's lower bound.
EPS_CHART = np.logspace(-1, -6, 11)
LOWER_BOUND_DEPTHS = (2, 3, 4, 6, 10)

TargetName = Literal["sin2", "exp", "poly", "tilted"]


class Params(SceneParams):
    target: TargetName = param(
        "sin2",
        label="target g",
        description="A product target g(x) = ∏ φ(xⱼ) with values in [0, 1] and exact "
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
        description="The partition of unity lives on the grid {0, 1/s, …, 1}ᵈ.",
    )
    k: int = param(
        8,
        ge=1,
        le=10,
        step=1,
        label="product accuracy k",
        description="Every approximate product is built from hₖ and is 4⁻ᵏ-accurate.",
    )


def compute(p: Params) -> SceneResult:
    g = sb.TARGETS[p.target]
    d, r, s, k = p.d, p.r, p.s, p.k
    n = GRID_1D if d == 1 else GRID_2D
    axis, X, ms, sup = sb.study(p.target, k, s, d, r, n)
    h = sb.squaring_cost(k)  # Yarotsky's lower bound against the hₖ used inside

    if d == 1:
        plots = [_error_plot_1d(p, ms, sup), _approximation_plot_1d(p, axis, ms, sup)]
        plots.append(_bumps_plot_1d(s, axis, ms))
    else:
        plots = _heatmaps_2d(p, axis, X, ms, sup)
    plots += [_size_chart(g, d, r, s, k, sup.value, ms.nodes), _lower_bound_chart(k, h)]
    metrics = {
        "sup_error": sup.value,
        "sup_error_certified": sup.certified,
        "bound": ms.bound,
        "nodes": ms.nodes,
        "layers": ms.layers,
        "M": ms.M,
        "bound_proof": ms.chain["total"],
        "taylor_term": ms.taylor_bound,
        "taylor_error": ms.approx.taylor_error,
        "partition_error": ms.partition_error,
        "mono_error": ms.approx.mono_error,
        "product_error": ms.product_error,
        "branches": (s + 1) ** d,
        "nodes_per_branch": ms.branch_nodes,
        "grid_points": int(X.shape[0]),
    }
    if sup.form is not None:
        metrics["knots"] = int(sup.form.x.size)
        metrics["pieces"] = sup.form.pieces()
    return SceneResult(
        metrics=metrics,
        checks=_checks(p, n, ms, sup, h),
        plots=plots,
        notes=_notes(p, n, ms, sup, h),
    )


def _grid_words(d: int, n: int) -> str:
    return f"the {n:,}-point grid" if d == 1 else f"the {n} × {n} grid"


def _checks(
    p: Params, n: int, ms: sb.Measurement, sup: sb.SupError, h: sb.SquaringCost
) -> list[Check]:
    d, r, k = p.d, p.r, p.k
    e = 4.0**-k
    grid = _grid_words(d, n)
    chain = ms.chain["total"]
    if sup.exact:
        first = [
            Check(
                "sup |f − g| ≤ Theorem 5.4's bound",
                sup.value,
                ms.bound,
                "<=",
                note="exact sup over [0, 1]: at f's knots and the critical points between them",
            ),
            Check("sup |f − g| ≤ the proof's chain (actual coefficients)", sup.value, chain, "<="),
        ]
    else:
        first = [
            Check(
                "sup |f − g| ≤ Theorem 5.4's bound",
                sup.certified,
                ms.bound,
                "<=",
                note=f"certified upper bound: the maximum on {grid} plus a slack of "
                f"{sup.slack.total:.2g} from the slopes of the network's parts",
            ),
            Check(
                f"max of |f − g| on {grid} ≤ the proof's chain (actual coefficients)",
                sup.value,
                chain,
                "<=",
                note="a grid maximum: a lower bound on the sup",
            ),
        ]
    on_grid = f"max over {grid}"
    return [
        *first,
        Check("the proof's chain ≤ Theorem 5.4's bound", chain, ms.bound, "<="),
        Check(
            "Taylor polynomial of degree r − 1: |pᵥ − g| ≤ M dʳ/(r! sʳ) on the supports",
            ms.approx.taylor_error,
            ms.taylor_bound,
            "<=",
            rounding=ms.approx.taylor_rounding,
            note=on_grid,
        ),
        Check(
            "Lemma 5.5: |Σᵥ partᵥ − 1| ≤ d·2ᵈ·4⁻ᵏ",
            ms.partition_error,
            sb.partition_bound(d, k),
            "<=",
            note=on_grid,
        ),
        Check(
            "Lemma 5.4: every approximate monomial within r·4⁻ᵏ of (x − v)^α",
            ms.approx.mono_error,
            r * e,
            "<=",
            note=on_grid,
        ),
        # attained with equality at a = b = 2^(−k) (Corollary 4.3): a few ulps of rounding
        Check(
            "Lemma 5.3: every approximate product within 4⁻ᵏ",
            ms.product_error,
            e,
            "<=",
            rounding=rounding_allowance(2.0, ops=4 * (k + 3)),
            note=on_grid,
        ),
        Check(
            f"h{subscript(k)} has at least as many nodes as Yarotsky's lower bound at its depth "
            "and error",
            h.nodes,
            h.lower_bound,
            ">=",
        ),
    ]


def _error_plot_1d(p: Params, ms: sb.Measurement, sup: sb.SupError) -> Plot:
    assert sup.curve is not None and sup.form is not None
    x, err = sup.curve.points, sup.curve.error
    floor = max(float(err[err > 0].min(initial=1e-16)), 1e-16)
    ex, ey = m4(x, np.maximum(err, floor), CURVE_COLUMNS)
    chain = ms.chain["total"]
    return Plot(
        "error",
        f"|f − g| on [0, 1]: exact sup {sup.value:.3g} against Theorem 5.4's bound {ms.bound:.3g}",
        Axis("x"),
        Axis("|f − g|", log=True),
        [
            line("|f − g| (at f's knots and critical points)", ex, ey, "error"),
            hline("Theorem 5.4's bound", ms.bound, 0.0, 1.0, "bound"),
            hline("the proof's chain (actual coefficients)", chain, 0.0, 1.0, "reference"),
            markers(f"the sup, at x = {sup.where[0]:.4g}", sup.where, [sup.value], "highlight"),
        ],
        caption=(
            f"The error is computed exactly from f's {sup.form.x.size:,} knots: its sup "
            "(marked) stays below the proof's chain, which stays below Theorem 5.4's bound; "
            "the ripples come from the approximate products."
        ),
    )


def _approximation_plot_1d(
    p: Params, axis: np.ndarray, ms: sb.Measurement, sup: sb.SupError
) -> Plot:
    assert sup.form is not None
    fx, fy = m4(sup.form.x, sup.form.y, CURVE_COLUMNS)
    v = np.arange(p.s + 1) / p.s
    return Plot(
        "approximation",
        "g and the network f of Theorem 5.4",
        Axis("x"),
        Axis("value"),
        [
            line("target g", axis, ms.g, "target"),
            line("network f (exact knots)", fx, fy, "construction"),
            markers("f at the grid points v", v, sup.form(v), "highlight"),
        ],
        caption=(
            "f glues the local Taylor polynomials at the grid points v with the bumps of the "
            "partition of unity; at this scale it lies on top of g."
        ),
    )


def _bumps_plot_1d(s: int, axis: np.ndarray, ms: sb.Measurement) -> Plot:
    bumps = sb.bumps_1d(s)
    mid = s // 2
    others = [(f"bump at v = {v:.3g}", t, y) for i, (v, t, y) in enumerate(bumps) if i != mid]
    v, t, y = bumps[mid]
    return Plot(
        "bumps",
        f"Partition of unity: {s + 1} bumps partᵥ (Lemma 5.5) and their sum",
        Axis("x"),
        Axis("partᵥ(x)"),
        [
            *context_curves("the other bumps", others),
            line(f"one bump, v = {v:.3g}", t, y, "highlight"),
            line("Σᵥ partᵥ", axis, ms.approx.partition, "construction"),
        ],
        caption=(
            "Each bump is a hat of width 2/s built from three ReLUs; in one dimension they "
            "add up to exactly 1, so f is a weighted average of local Taylor polynomials."
        ),
    )


def _heatmaps_2d(
    p: Params, axis: np.ndarray, X: np.ndarray, ms: sb.Measurement, sup: sb.SupError
) -> list[Plot]:
    s, k = p.s, p.k
    n, ax = axis.size, axis

    def grid_of(values: np.ndarray) -> np.ndarray:  # rows along x₂, columns along x₁
        return values.reshape(n, n)

    v = np.full(2, round(s / 2) / s)
    part_v = sb.bump(k, s, v, X)
    x1, x2 = Axis("x₁", range=(0.0, 1.0)), Axis("x₂", range=(0.0, 1.0))
    assert sup.slack is not None
    where = f"({sup.where[0]:.3g}, {sup.where[1]:.3g})"
    return [
        Plot(
            "error",
            f"|f − g| on [0, 1]²: max {sup.value:.3g} on the {n} × {n} grid, certified "
            f"sup ≤ {sup.certified:.3g}; Theorem 5.4's bound {ms.bound:.3g}",
            x1,
            x2,
            [heatmap("|f − g|", ax, ax, grid_of(ms.error))],
            caption=(
                f"The error is largest near {where}; it stays below the certified bound, "
                "which stays below Theorem 5.4's."
            ),
            aspect="equal",
        ),
        Plot(
            "approximation",
            "The network f of Theorem 5.4 on [0, 1]²",
            x1,
            x2,
            [heatmap("network f", ax, ax, grid_of(ms.approx.values))],
            caption=f"f is built from (s + 1)² = {(s + 1) ** 2} branches, one per grid point.",
            aspect="equal",
        ),
        Plot(
            "bumps",
            f"One bump partᵥ = prod(h(x₁ − v₁), h(x₂ − v₂)), v = ({v[0]:.3g}, {v[1]:.3g})",
            x1,
            x2,
            [heatmap("partᵥ", ax, ax, grid_of(part_v))],
            caption="A product of two hats: a pyramid of width 2/s around its grid point.",
            aspect="equal",
        ),
        Plot(
            "partition",
            "Σᵥ partᵥ − 1: the partition of unity is approximate in 2-D (Lemma 5.5)",
            x1,
            x2,
            [heatmap("Σᵥ partᵥ − 1", ax, ax, grid_of(ms.approx.partition - 1))],
            caption="The products of hats miss 1 by at most d·2ᵈ·4⁻ᵏ, in a fine pattern.",
            aspect="equal",
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
        "Nodes for accuracy ε: the built network against Yarotsky's rate ε^(−d/r) ln(1/ε)",
        Axis("ε", log=True),
        Axis("nodes", log=True),
        [
            markers(
                "Theorem 5.4's network (smallest s, k with bound ≤ ε)",
                EPS_CHART,
                sizes,
                "construction",
            ),
            line("c · ε^(−d/r) ln(1/ε) (Yarotsky)", EPS_CHART, rate, "reference"),
            this_value(
                max(sup_error, 1e-300), nodes, f"this network (s = {s}, k = {k}) at its error"
            ),
        ],
        caption=(
            "The built network's size follows Yarotsky's rate: only the constant differs "
            "(Remark 5.15)."
        ),
    )


def _lower_bound_chart(k: int, h: sb.SquaringCost) -> Plot:
    eps = np.logspace(-1, -8, 29)
    depth = h.layers
    others = [
        (f"L = {L} layers", eps, np.maximum(sb.yarotsky_lower_bound(eps, L), 1.0))
        for L in LOWER_BOUND_DEPTHS
        if depth != L
    ]
    ks = np.arange(1, max(k, 12) + 1)
    return Plot(
        "lower_bound",
        "Yarotsky's lower bound (000): nodes ≳ ε^(−1/(2(L−1))) at depth L (g = x²)",
        Axis("sup error ε", log=True),
        Axis("hidden nodes needed", log=True),
        [
            *context_curves("the bound at other depths L", others),
            line(
                f"the bound at h{subscript(k)}'s depth L = {depth}",
                eps,
                np.maximum(sb.yarotsky_lower_bound(eps, depth), 1.0),
                "bound",
            ),
            markers(
                "hₖ (k + 1 layers, 4k nodes): error 4^(−k−1)",
                4.0 ** (-ks - 1),
                sb.squaring_nodes(ks),
                "construction",
            ),
            this_value(h.error, h.nodes, f"h{subscript(k)}, used inside the products"),
        ],
        caption=(
            f"Deeper networks need fewer nodes for the same error; h{subscript(k)} sits above the "
            "bound at its own depth, as every network must."
        ),
    )


def _notes(
    p: Params, n: int, ms: sb.Measurement, sup: sb.SupError, h: sb.SquaringCost
) -> list[str]:
    d, r, s, k = p.d, p.r, p.s, p.k
    if sup.exact:
        assert sup.form is not None
        measured = (
            "The sup of |f − g| is exact: f is a univariate ReLU network, so its "
            f"{sup.form.x.size:,} knots are found by pushing breakpoints through every branch "
            "(on its support); "
            "on each piece f is affine with slope m and f − g is extreme at the piece's ends "
            "or where g′ = m, solved in closed form. "
        )
    else:
        assert sup.slack is not None
        sl = sup.slack
        measured = (
            f"The sup of |f − g| in 2-D: f is piecewise linear on a partition too fine to "
            f"list, so the maximum on the {n} × {n} grid ({sup.value:.3g}, a lower bound) is "
            f"certified from above by adding how far |f − g| can rise within half a grid "
            f"spacing: f − g = Σᵥ partᵥ (fᵥ − g) + (what the clip removes) + g(Σᵥ partᵥ − 1) "
            f"+ (the final products' errors); the first term has slopes ≤ "
            f"{sl.lipschitz.max():.3g} (from the monomial chains, the Taylor remainder and "
            f"the bumps' slopes), the others move by at most {sl.clip:.2g}, "
            f"{sl.partition:.2g} and {sl.products:.2g} (every product of hₖ errs by "
            f"−4⁻ᵏ … 4⁻ᵏ/2 with slopes ≤ 2^(1−k)): sup ≤ {sup.certified:.3g}. "
        )
    return [
        "Corrected and completed from the printed proof (003, §4.2.1): (1) negative inputs — "
        "x − v has either sign, so the monomials use Yarotsky's product for [−1, 1]², "
        "2(hₖ(|a+b|/2) − hₖ(|a|/2) − hₖ(|b|/2)) with |u| = σ(u) + σ(−u), error ≤ 4⁻ᵏ "
        "and exactly 0 when a factor is 0; (2) inputs to the final product above 1 — fᵥ is "
        "clipped to [0, 1] by σ(f) − σ(f − 1); as g ∈ [0, 1] this never increases |fᵥ − g|; "
        "the final product is Corollary 4.3's corrected product, which vanishes where the "
        "bump does (the printed polarization does not, which would break locality).",
        'Printed: "the Taylor expansion of degree r" with remainder M dʳ ‖x − v‖ʳ/r!. '
        "Corrected: degree r − 1, because that remainder involves the order-r derivatives — "
        "the ones bounded by M (degree r would need order r + 1). Printed: N ≤ dʳ monomials. "
        f"Corrected: N = C(d + r − 1, d) = {len(sb.exponents(d, r - 1))} here; the proof's "
        "monomial term is bounded through the sum of the coefficients' sizes (at most M "
        "times the sum of d^q/q! over q < r) instead, and Theorem "
        "5.4's right-hand side still holds (checked: the proof's chain with the actual "
        "coefficients stays below it).",
        'Remark 5.15 ("Yarotsky gets width c(d, r) ln(1/ε)/ε^(d/r), mine is worse"): there '
        "is no gap in the rates. Choosing s ≍ ε^(−1/r) and k ≍ log(1/ε), the theorem's "
        "O((kd + d² + r²dʳ + krdʳ) sᵈ) nodes are O(ε^(−d/r) log(1/ε)) and its O(k(r + d)) "
        "layers are O(log 1/ε) — Yarotsky's rates; only the constant c(d, r) differs. The "
        "size chart shows the built network's node count at the smallest (s, k) that make "
        "the bound ≤ ε, against ε^(−d/r) ln(1/ε).",
        measured
        + f"The Lemmas' quantities (Taylor, monomials, products, partition) are maxima over "
        f"{_grid_words(d, n)}.",
        f"Sizes are read off the built branch network ({ms.branch_nodes:,} nodes, {ms.layers} "
        f"affine maps) × (s + 1)ᵈ = {(s + 1) ** d} branches; each branch is evaluated on its "
        "bump's support (elsewhere it is 0 up to float64 rounding of the hat) — the tests "
        "check this against the assembled network.",
        f"Yarotsky's lower bound (000), with constants for g = x²: a network with L layers "
        f"and N nodes has ≤ (N/(L−1) + 1)^(L−1) pieces, and P pieces miss x² by ≥ 1/(8P²), "
        f"so sup error ε needs N ≥ (L − 1)((8ε)^(−1/(2(L−1))) − 1). The squaring network "
        f"h{subscript(k)} inside ({h.nodes} nodes, {h.layers} layers, error {h.error:.3g}) "
        f"respects it ({h.lower_bound:.3g}).",
    ]


def exported_networks(p: Params) -> list:
    """The network of Theorem 5.4: whole when it fits the export limit, else its branches
    (f is the sum of their outputs); beyond the limit either way, a 422."""
    g = sb.TARGETS[p.target]
    k, s, d, r = p.k, p.s, p.d, p.r
    full = sb.full_network_parameters(k, s, d, r)
    n = (s + 1) ** d
    size = (
        f"{n} branches × {sb.branch_size(k, d, r)[0]:,} ReLUs, {sb.branch_size(k, d, r)[1]} layers"
    )
    if full <= MAX_EXPORT_PARAMETERS:
        return [
            network_export(
                f"f: the network of Theorem 5.4 ({size})",
                sb.full_network(g, k, s, d, r),
                notes=["The branches run side by side; the last layer adds their outputs."],
            )
        ]
    if n * sb.branch_parameters(k, d, r) > MAX_EXPORT_PARAMETERS:
        raise NetworkTooLargeError(
            f"the network of Theorem 5.4 has {n} branches of {sb.branch_parameters(k, d, r):,} "
            f"weights and biases each, more than the limit of {MAX_EXPORT_PARAMETERS:,} that "
            "can be sent; choose smaller s, k or r"
        )
    grid = sb.grid_points(s, d)
    return [
        network_export(
            f"branch {i + 1} of {n}: v = ({', '.join(f'{c:.3g}' for c in v)})",
            net,
            notes=[
                f"f(x) is the sum of the outputs of these {n} branches: side by side, their "
                f"dense weight matrices would hold {full:,} numbers, over the limit of "
                f"{MAX_EXPORT_PARAMETERS:,}."
            ],
        )
        for i, (v, net) in enumerate(zip(grid, sb.branches(g, k, s, d, r), strict=True))
    ]


SCENE = Scene(
    id="sobolev",
    title="Sobolev balls: local Taylor polynomials glued by a partition of unity",
    chapter=DEPTH,
    summary=(
        "Yarotsky's network for a Sobolev ball: bumps, local Taylor polynomials and "
        "products; its sup error (exact in 1-D, certified in 2-D) and size against ε."
    ),
    primary_plot="error",
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
    networks=exported_networks,
    metric_labels={
        "sup_error": "sup |f − g| (d = 1: exact; d = 2: maximum on the evaluation grid)",
        "sup_error_certified": "certified upper bound on sup |f − g| (d = 1: the exact sup)",
        "bound": "Theorem 5.4's bound",
        "nodes": "ReLU nodes",
        "layers": "layers (affine maps)",
        "M": "M = max |∂^α g| over |α| ≤ r",
        "bound_proof": "the proof's chain (actual coefficients)",
        "taylor_term": "M dʳ/(r! sʳ)",
        "taylor_error": "max |pᵥ − g| on the supports (grid)",
        "partition_error": "max |Σᵥ partᵥ − 1| (grid)",
        "mono_error": "max monomial error (grid)",
        "product_error": "max product error (grid)",
        "branches": "branches (s + 1)ᵈ",
        "nodes_per_branch": "nodes per branch",
        "grid_points": "evaluation grid points",
        "knots": "knots of f on [0, 1] (d = 1, exact)",
        "pieces": "affine pieces of f on [0, 1] (d = 1, exact)",
    },
)
