"""Scene ``pieces`` — Lemma 4.9 (seed 003) against random networks (Hanin–Rolnick, seed 001)."""

from __future__ import annotations

from functools import cache

import numpy as np

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    Zoom,
    param,
    seed_param,
    window_param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import (
    EXACT_KNOTS,
    OVERVIEW_KNOTS,
    band,
    bars,
    line,
    markers,
    pl_view,
    subscript,
    superscript,
    zoom_window,
)
from approxlab.theory.depth import pieces as ap

DOMAIN = (-1.0, 1.0)
#: The zigzag construction is counted exactly by propagation; its teeth per layer are the
#: largest q ≤ width with q^(L−1) ≤ this many pieces.
CONSTRUCTION_MAX_PIECES = 1 << 16


class Params(SceneParams):
    width: int = param(
        8, ge=1, le=16, step=1, label="width mⱼ", description="Units in every hidden layer."
    )
    depth: int = param(
        5,
        ge=2,
        le=10,
        step=1,
        label="layers L",
        description="Layers (affine maps, the notes' count): L − 1 hidden ReLU layers.",
    )
    samples: int = param(
        24, ge=1, le=32, step=1, label="networks", description="Random networks drawn."
    )
    bias_std: float = param(
        0.1,
        ge=0.0,
        le=1.0,
        step=0.01,
        label="bias spread σ",
        description="Biases ~ N(0, σ²); weights He-initialised, N(0, 2/fan-in).",
    )
    seed: int = seed_param("Random seed.")
    x_lo: float = window_param("lo", DOMAIN)
    x_hi: float = window_param("hi", DOMAIN)


def _pieces(n: int) -> str:
    return f"{n:,} piece" + ("" if n == 1 else "s")


def zigzag_name(q: int, n: int) -> str:
    """``T₈⁴``: the zigzag with q teeth composed n times."""
    return f"T{subscript(q)}{superscript(n)}"


@cache
def construction(q: int, n: int) -> ap.PieceProfile:
    """Exact profile of the zigzag T_q^n on the domain (counted by propagation)."""
    return ap.profile(ap.zigzag_network(q, n, DOMAIN), DOMAIN)


def random_networks(p: Params) -> list:
    """The ``samples`` He-initialised networks of these parameters (seeded)."""
    return ap.he_networks([p.width] * (p.depth - 1), p.samples, p.seed, p.bias_std)


def exported_networks(p: Params) -> list:
    n = p.depth - 1
    q = ap.construction_teeth(p.width, n, CONSTRUCTION_MAX_PIECES)
    zig = [
        network_export(
            f"zigzag {zigzag_name(q, n)}: {_pieces(q**n)} on [−1, 1]",
            ap.zigzag_network(q, n, DOMAIN),
            notes=[
                f"The {q}-tooth zigzag composed {n} times after rescaling [−1, 1] to [0, 1] "
                f"(merged into the first layer): {n} hidden layers of width {q}."
            ],
        )
    ]
    return zig + [
        network_export(
            f"random network {i + 1} of {p.samples}",
            net,
            seed=p.seed,
            notes=["He initialisation: weights N(0, 2/fan-in), biases N(0, bias spread²)."],
        )
        for i, net in enumerate(random_networks(p))
    ]


def compute(p: Params) -> SceneResult:
    w, L = p.width, p.depth
    n = L - 1
    widths = [w] * n
    m = w * n
    # measure: exact counts of the random networks and of the zigzag construction
    cen = ap.census(random_networks(p), DOMAIN)
    P = cen.pieces
    q = ap.construction_teeth(w, n, CONSTRUCTION_MAX_PIECES)
    zig = construction(q, n)
    lb = ap.bounds_by_layer(widths)
    b_regions = ap.region_bound(widths)
    b_proved = ap.lemma_4_9_corrected(widths)
    b_printed = ap.lemma_4_9_printed(m, L)
    b_product = ap.lemma_4_9_product(widths)
    node_ratio = ap.node_bound_ratio(cen.node_pieces, widths)
    violations = int(np.count_nonzero(b_printed < P))
    window = zoom_window(p.x_lo, p.x_hi, DOMAIN)

    plots = [
        _depth_plot(cen, lb, zig, q),
        _distribution_plot(p, P, m),
        _example_plot(cen.profiles[0]),
        _construction_plot(zig, q, n, window),
    ]
    zname = zigzag_name(q, n)
    return SceneResult(
        metrics={
            "pieces_mean": float(P.mean()),
            "pieces_median": float(np.median(P)),
            "pieces_min": int(P.min()),
            "pieces_max": int(P.max()),
            "nodes": m,
            "layers": L,
            "bound_regions": b_regions,
            "bound_lemma": b_proved,
            "bound_product": b_product,
            "bound_printed": b_printed,
            "printed_violations": violations,
            "delta_pieces": zig.pieces,
            "delta_teeth": q,
            "pieces_per_node": float(P.mean() / m),
        },
        checks=[
            Check("most pieces of a random network ≤ ∏ⱼ (mⱼ + 1)", int(P.max()), b_regions, "<="),
            Check(
                "most pieces ≤ (2m/(L − 1))^(L−1), Lemma 4.9",
                int(P.max()),
                b_proved,
                "<=",
                note="corrected from the printed (2m/L)^L, which fails when m counts hidden "
                "nodes (see the notes)",
            ),
            Check(
                "most pieces ≤ 2^L ∏ᵢ mᵢ over all L layers, the output width being 1 "
                "(proof of Lemma 4.9)",
                int(P.max()),
                b_product,
                "<=",
            ),
            Check(
                "pieces of every node of layer i ÷ 2ⁱ ∏ (widths before layer i) ≤ 1 "
                "(Lemma 4.9, first bullet)",
                node_ratio,
                1.0,
                "<=",
            ),
            Check(f"pieces of the zigzag {zname} = {q}{superscript(n)}", zig.pieces, q**n, "=="),
            Check(f"pieces of the zigzag {zname} ≤ ∏ⱼ (mⱼ + 1)", zig.pieces, b_regions, "<="),
        ],
        plots=plots,
        notes=_notes(p, P, m, q, zig.pieces, b_printed, b_regions, violations),
    )


def _depth_plot(cen: ap.Census, lb: ap.LayerBounds, zig: ap.PieceProfile, q: int) -> Plot:
    ell, R = lb.layers, cen.regions
    group = "random networks: median and range"
    return Plot(
        "depth",
        "Activation regions after each hidden layer: the bounds, a construction, practice",
        Axis("hidden layers ℓ", integer=True),
        Axis("regions (exact count)", log=True),
        [
            line("∏ⱼ (mⱼ + 1): every network", ell, lb.regions, "bound"),
            line("(2m/ℓ)^ℓ: Lemma 4.9, corrected", ell, lb.proved, "reference"),
            line("(2m/L)^L as printed, L = ℓ + 1", ell, lb.printed, "error"),
            markers(
                f"zigzag T{subscript(q)}^ℓ: q^ℓ regions (construction)",
                ell,
                np.array(zig.regions, dtype=float),
                "construction",
            ),
            band(group, ell, R.min(axis=0), R.max(axis=0), "context", group=group, legend=False),
            line(group, ell, np.median(R, axis=0), "highlight", group=group),
        ],
        caption=(
            "The zigzag reaches the bound's exponential growth with depth; random networks "
            "stay orders of magnitude below, growing roughly linearly (Hanin–Rolnick). The "
            "printed bound is not a bound: it can lie below counts that occur."
        ),
    )


def _distribution_plot(p: Params, P: np.ndarray, m: int) -> Plot:
    values, counts = np.unique(P, return_counts=True)
    return Plot(
        "distribution",
        f"Exact pieces on [−1, 1] of {p.samples} random networks "
        f"(width {p.width}, {p.depth} layers, {m} nodes)",
        Axis("affine pieces", integer=True),
        Axis("networks", integer=True),
        [bars("random He-initialised networks", values, counts, "construction")],
        caption=(
            f"Most random networks have a few dozen pieces — about {P.mean() / m:.2g} per "
            "node — far from the worst case of the bounds."
        ),
    )


def _example_plot(ex: ap.PieceProfile) -> Plot:
    return Plot(
        "example",
        f"Random network 1 on [−1, 1]: {_pieces(ex.pieces)} (every knot)",
        Axis("x"),
        Axis("f(x)"),
        [
            line("random network 1", ex.knots, ex.values, "construction"),
            markers("its breakpoints", ex.knots[1:-1], ex.values[1:-1], "highlight"),
        ],
        caption="Each marker is a breakpoint found exactly by propagation; between them f is "
        "affine.",
    )


def _construction_plot(zig: ap.PieceProfile, q: int, n: int, window: tuple[float, float]) -> Plot:
    name = zigzag_name(q, n)
    traces = pl_view(f"zigzag {name}", zig.knots, zig.values, window, DOMAIN, "construction")
    return Plot(
        "construction",
        f"The zigzag {name} of the same width and depth: {_pieces(zig.pieces)}",
        Axis("x", range=window),
        Axis("T(x)"),
        traces,
        caption=(
            f"{q} teeth per layer, composed {n} times: {q}{superscript(n)} pieces, each onto "
            "[0, 1]. Zoom in to see every knot; too many to draw at once show as their exact "
            "envelope."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


def _notes(
    p: Params,
    P: np.ndarray,
    m: int,
    q: int,
    zig_pieces: int,
    b_printed: float,
    b_regions: float,
    violations: int,
) -> list[str]:
    return [
        "Lemma 4.9 and the node count — printed: N(f) ≤ (2m/L)^L pieces for L layers of "
        "widths mᵢ and m = Σ mᵢ. Read literally, the last width is the output's (1), and "
        "then the bound is valid (it is AM–GM applied to the proof's 2^L ∏ᵢ mᵢ). But "
        "the notes count nodes as hidden ReLU units (Δ has 3 nodes; Theorem 4.4's '≤ 2^L "
        "nodes'), and with m = hidden nodes the printed form fails: σ(x) has 2 layers, 1 "
        "node and 2 pieces > (2·1/2)² = 1. With hidden nodes, the valid bound is "
        "N(f) ≤ 2^(L−1) ∏ (hidden widths) ≤ (2m/(L−1))^(L−1) (the last layer has no ReLU, so "
        "only L − 1 layers double the count); this is what the scene checks, with m = hidden "
        "nodes. The first bullet (a node of layer i has ≤ 2ⁱ times the product of the widths "
        "before it pieces) is valid. Theorem 4.4 survives either way: with ≤ 2^L nodes, "
        "(2m/(L−1))^(L−1) ≤ 2^(L²).",
        f"Here: printed (2m/L)^L = {b_printed:.4g}; {violations} of {p.samples} networks "
        "exceed it" + (" — try width 1 with 2 or 3 layers." if violations == 0 else "."),
        "The checked bound ∏ⱼ (mⱼ + 1) is tighter: after each hidden layer the knots cut the "
        "interval into regions on which every unit so far is affine; a unit of the next layer "
        "switches at most once per region.",
        f"Construction: the zigzag T (q ReLUs, q pieces each onto [0, 1]; q = 2 is Δ) composed "
        f"L − 1 times after rescaling [−1, 1] to [0, 1] has q^(L−1) pieces; q = {q} is the "
        f"largest q ≤ width with q^(L−1) ≤ {CONSTRUCTION_MAX_PIECES:,} (counted exactly). Its "
        f"overview shows every knot up to {OVERVIEW_KNOTS} of them and otherwise the band "
        "between the lowest and highest value in each pixel column, computed from the exact "
        f"knots; a zoomed window shows every knot (up to {EXACT_KNOTS:,}).",
        f"Random networks: weights N(0, 2/fan-in) (He), biases N(0, {p.bias_std:g}²). Hanin "
        "and Rolnick (2019; seed 001) prove that the expected number of pieces along a line "
        f"grows linearly in the number of nodes, not exponentially in depth: here the mean is "
        f"{P.mean():.1f} pieces for {m} nodes ({P.mean() / m:.2f} per node), against "
        f"{zig_pieces:,} for the construction and {b_regions:.4g} possible.",
        "Every count is exact: knots are pushed through each network layer by layer "
        "(no grid); pieces are maximal affine pieces of the output.",
    ]


SCENE = Scene(
    id="pieces",
    title="Counting affine pieces: worst case vs random networks",
    chapter=DEPTH,
    summary=(
        "Exact piece counts of random He-initialised networks against ∏(mⱼ + 1) and Lemma "
        "4.9, beside a zigzag construction that reaches exponential growth with depth."
    ),
    primary_plot="depth",
    source="003, Lemma 4.9; 001 (Hanin–Rolnick)",
    statement=(
        r"Lemma 4.9 (corrected): a node in hidden layer $i$ has at most "
        r"$2^i\prod_{j<i} m_j$ affine pieces, and a network with $L$ layers and "
        r"$m=\sum_j m_j$ nodes has $N_A(f) \le \prod_{j<L}(m_j+1) \le 2^{L-1}\prod_{j<L} m_j "
        r"\le (2m/(L-1))^{L-1}$ with $m$ counting hidden nodes (printed: $(2m/L)^L$, valid only "
        r"when $m$ also counts the output unit). "
        r"Deep constructions reach $q^{L-1}$ pieces; random networks (Hanin–Rolnick) have "
        r"about as many pieces as nodes."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "pieces_mean": "mean pieces (random networks)",
        "pieces_median": "median pieces",
        "pieces_min": "fewest pieces",
        "pieces_max": "most pieces",
        "nodes": "nodes m = (L − 1) · width",
        "layers": "layers L",
        "bound_regions": "∏ⱼ (mⱼ + 1)",
        "bound_lemma": "(2m/(L − 1))^(L−1) (Lemma 4.9, corrected)",
        "bound_product": "2^L ∏ᵢ mᵢ over all L layers (proof of Lemma 4.9)",
        "bound_printed": "(2m/L)^L as printed, with m = hidden nodes",
        "printed_violations": "networks above the printed bound",
        "delta_pieces": "pieces of the zigzag construction",
        "delta_teeth": "teeth q of the construction",
        "pieces_per_node": "mean pieces per node",
    },
    widgets=({"type": "pieces-json", "endpoint": "/api/v1/pieces"},),
)
