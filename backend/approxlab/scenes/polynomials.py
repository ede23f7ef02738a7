"""Scene ``polynomials`` — seed 003, §4.3 ("multiplication gives polynomials"): Horner's rule
with the product networks of Corollary 4.3."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    Trace,
    Zoom,
    param,
    window_param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import exact_form_check, network_export
from approxlab.scenes.plotkit import (
    ENVELOPE_COLUMNS,
    band,
    line,
    markers,
    pl_view,
    this_value,
    zoom_window,
)
from approxlab.theory.core import networks
from approxlab.theory.depth import polynomials as poly

DOMAIN = (0.0, 1.0)
I_MAX = 5
#: Cost limit: (products) · 2^i — the exact breakpoint propagation of every i′ ≤ i grows
#: with the number of products and with 2^i (the pieces each product adds).
MAX_WORK = 64
#: The error is drawn piece by piece up to this many pieces in the window; beyond, its
#: exact range per pixel column.
ARCHES = 256
#: The polynomial p is drawn at this many points of the window.
CURVE_POINTS = 1001

PresetName = Literal["square", "cubic", "chebyshev4", "bernstein", "power8", "custom"]
CUSTOM = "custom"


def coefficients_of(preset: str, text: str) -> tuple[float, ...]:
    """The coefficients in use: the preset's, or the typed ones when ``preset == custom``."""
    return poly.parse_coefficients(text if preset == CUSTOM else poly.PRESETS[preset][1])


def max_i(a: tuple[float, ...]) -> int:
    """The largest resolution i within the cost limit for these coefficients."""
    products = max(len(a) - 2, 0)
    i = I_MAX
    while products and i > 0 and products * 2**i > MAX_WORK:
        i -= 1
    return i


class Params(SceneParams):
    polynomial: PresetName = param(
        "cubic",
        label="polynomial p",
        description="A preset polynomial on [0, 1], or custom coefficients.",
        options={**{k: v[0] for k, v in poly.PRESETS.items()}, CUSTOM: "custom coefficients…"},
    )
    coefficients: str = Field(
        "1, -1.5, 0.5, 0.25",
        min_length=1,
        max_length=poly.MAX_TEXT,
        description=(
            "Coefficients a_n, …, a_1, a_0 of p, highest degree first, separated by commas "
            f"(degree ≤ {poly.MAX_DEGREE}, each at most {poly.MAX_COEFFICIENT:g} in "
            "magnitude); used when polynomial = custom."
        ),
        json_schema_extra={
            "label": "coefficients aₙ, …, a₀",
            "scale": "linear",
            "visible_when": {"polynomial": CUSTOM},
        },
    )
    i: int = param(
        3,
        ge=0,
        le=I_MAX,
        step=1,
        label="i (resolution of each product)",
        description=(
            "Each multiplication uses the product network g_i, error ≤ 4^(−i). Cost limit: "
            f"(number of products)·2^i ≤ {MAX_WORK}."
        ),
    )
    x_lo: float = window_param("lo", DOMAIN)
    x_hi: float = window_param("hi", DOMAIN)

    @field_validator("coefficients")
    @classmethod
    def _coefficients(cls, v: str, info: ValidationInfo) -> str:
        if info.data.get("polynomial") == CUSTOM:
            try:
                poly.parse_coefficients(v)
            except poly.CoefficientError as e:
                raise ValueError(str(e)) from None
        return v

    @field_validator("i")
    @classmethod
    def _within_cost(cls, i: int, info: ValidationInfo) -> int:
        if "polynomial" in info.data and "coefficients" in info.data:
            a = coefficients_of(info.data["polynomial"], info.data["coefficients"])
            top = max_i(a)
            if i > top:
                raise ValueError(
                    f"a degree-{len(a) - 1} polynomial needs {len(a) - 2} products; with "
                    f"i = {i} that exceeds the cost limit ((products)·2^i ≤ {MAX_WORK}); "
                    f"choose i ≤ {top}"
                )
        return i


def exported_networks(p: Params) -> list:
    a = coefficients_of(p.polynomial, p.coefficients)
    pl_ = poly.plan(a, p.i)
    net = poly.horner_network(a, p.i)
    scales = ", ".join(f"{s:.6g}" for s in pl_.scales) or "none"
    return [
        network_export(
            f"f ≈ {poly.format_polynomial(a)} by Horner's rule with g_{p.i}",
            net,
            notes=[
                f"{pl_.products} products, each the shared-carry product network g_{p.i} "
                f"(10i nodes) with x carried alongside (i nodes): "
                f"{networks.hidden_nodes(net)} nodes, {len(net)} affine maps. Each product "
                "multiplies v by x after rescaling u = (v + S)/(2S) into [0, 1]: "
                f"v·x ≈ 2S·g(u, x) − S·x, scales S = {scales}.",
            ],
        )
    ]


def compute(p: Params) -> SceneResult:
    a = coefficients_of(p.polynomial, p.coefficients)
    i = p.i
    window = zoom_window(p.x_lo, p.x_hi, DOMAIN)
    m = poly.measure(a, i)
    net = poly.horner_network(a, i)
    formula = poly.nodes_formula(len(a) - 1, i)
    checks = [
        Check(
            "sup |f − p| ≤ the bound from error propagation through Horner's rule",
            m.sup,
            m.plan.bound,
            "<=",
            rounding=m.tolerance,
        ),
        Check("nodes = 11i·(n − 1) (n − 1 products of 11i nodes)", m.nodes, formula, "=="),
        exact_form_check(net, m.pl, m.tolerance),
    ]
    return SceneResult(
        metrics={
            "sup_error": m.sup,
            "bound": m.plan.bound,
            "nodes": m.nodes,
            "degree": len(a) - 1,
            "products": m.plan.products,
            "affine_maps": m.affine_maps,
            "pieces": m.pieces,
            "monomial_bound": poly.monomial_bound(a, i),
        },
        checks=checks,
        plots=[
            polynomial_plot(a, m, window),
            error_plot(a, m, window),
            bound_plot(a, i, m.sup),
            nodes_plot(a, i, m.nodes),
        ],
        notes=make_notes(a, m),
    )


# ------------------------------------------------------------------------------ plots


def polynomial_plot(a: tuple[float, ...], m: poly.Measured, window: tuple[float, float]) -> Plot:
    lo, hi = window
    t = np.linspace(lo, hi, CURVE_POINTS)
    i = m.plan.i
    traces = [
        line(f"p(x) = {poly.format_polynomial(a)}", t, np.polyval(np.array(a), t), "target"),
        *pl_view(
            f"f, the network (exact knots, g_{i})",
            m.pl.x,
            m.pl.y,
            window,
            DOMAIN,
            envelope_name="f",
            pieces=None,
        ),
    ]
    return Plot(
        "polynomial",
        f"p and the network f with products g_{i} ({m.nodes:,} nodes, {m.pieces:,} pieces)",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            "Horner's rule with approximate products: each multiplication by x is the "
            "product network g_i on rescaled inputs. Raise i and f closes in on p; zoom in to "
            "see f's straight pieces."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


def error_traces(a: tuple[float, ...], m: poly.Measured, window: tuple[float, float]) -> list:
    lo, hi = window
    pl, bound = m.pl, m.plan.bound
    traces: list[Trace] = [
        band("± the bound (error propagation)", [lo, hi], [-bound, -bound], [bound, bound])
    ]
    inside = int(np.searchsorted(pl.x, hi, side="left") - np.searchsorted(pl.x, lo, side="right"))
    if inside + 1 <= ARCHES:
        x, e = poly.error_curve(a, pl, m.crit, lo, hi, per=16)
        traces.append(line("f − p (from the network's exact form)", x, e, "error"))
    else:
        edges = np.linspace(lo, hi, ENVELOPE_COLUMNS + 1)
        e_lo, e_hi = poly.error_range(a, pl, m.crit, edges)
        traces.append(
            band(
                f"f − p: {inside + 1:,} pieces here — its exact range per pixel column; zoom "
                "in for the curve",
                (edges[:-1] + edges[1:]) / 2,
                e_lo,
                e_hi,
                "error",
            )
        )
    if lo <= m.argsup <= hi:
        e = float(poly.error_at(a, pl, np.array([m.argsup]))[0])
        traces.append(markers("largest error (exact)", [m.argsup], [e]))
    return traces


def error_plot(a: tuple[float, ...], m: poly.Measured, window: tuple[float, float]) -> Plot:
    return Plot(
        "error",
        f"f − p against the bound ±{m.plan.bound:.3g} (sup |f − p| = {m.sup:.3g}, exact)",
        Axis("x"),
        Axis("f(x) − p(x)"),
        error_traces(a, m, window),
        caption=(
            "The error stays inside the band: every product adds at most 2S·4^(−i) and "
            "later multiplications by x ≤ 1 never enlarge it."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


def bound_plot(a: tuple[float, ...], i: int, sup: float) -> Plot:
    top = max_i(a)
    ii = np.arange(0, top + 1)
    bounds = np.array([poly.plan(a, int(k)).bound for k in ii])
    mono = np.array([poly.monomial_bound(a, int(k)) for k in ii])
    upto = ii[: i + 1]
    sups = np.array([poly.measure(a, int(k)).sup for k in upto])
    traces = []
    pos = bounds > 0
    if pos.any():
        traces += [
            line("bound (error propagation through Horner)", ii[pos], bounds[pos], "bound"),
            line("Lemma 5.4 summed (separate monomial chains)", ii[pos], mono[pos], "reference"),
        ]
    ok = sups > 0
    if ok.any():
        traces.append(markers("sup |f − p|, measured (exact)", upto[ok], sups[ok], "construction"))
    if sup > 0:
        traces.append(this_value(i, sup, "this i"))
    return Plot(
        "bound",
        "sup |f − p| (exact) and the bound against i",
        Axis("i", integer=True),
        Axis("sup |f − p|", log=True),
        traces,
        caption=(
            "Each step of i quarters every product's error, so the sup error and the bound "
            "fall by 4 per step, the measured error close under the bound. Measured up to "
            "the current i."
        ),
    )


def nodes_plot(a: tuple[float, ...], i: int, nodes: int) -> Plot:
    n = len(a) - 1
    top = max_i(a)
    ii = np.arange(0, top + 1)
    built = np.array([networks.hidden_nodes(poly.horner_network(a, int(k))) for k in ii])
    return Plot(
        "nodes",
        f"Nodes against i for degree {n}: 11i·(n − 1)",
        Axis("i", integer=True),
        Axis("nodes"),
        [
            line("formula 11i·(n − 1)", ii, [poly.nodes_formula(n, int(k)) for k in ii], "bound"),
            markers("built networks", ii, built, "construction"),
            this_value(i, nodes, "this i"),
        ],
        caption=(
            "Nodes grow linearly in i while the error falls like 4^(−i): accuracy ε costs "
            "O(n·ln(1/ε)) nodes."
        ),
    )


def make_notes(a: tuple[float, ...], m: poly.Measured) -> list[str]:
    pl_ = m.plan
    n, i = pl_.degree, pl_.i
    scales = ", ".join(f"{s:.4g}" for s in pl_.scales)
    notes = [
        "Horner's rule p(x) = (…(aₙx + aₙ₋₁)x + …)x + a₀: the first step aₙx + aₙ₋₁ is "
        f"affine, each of the other n − 1 = {pl_.products} multiplications by x is the "
        f"product network g_{i} of Corollary 4.3 (corrected form 2(h_i((u+x)/2) − h_i(u/2) "
        "− h_i(x/2)), one shared running sum, 10i nodes) with x carried alongside its "
        "hidden layers as σ(x) = x (i nodes), all in one plain ReLU network: "
        f"11i·(n − 1) = {m.nodes} nodes, {m.affine_maps} affine maps.",
        "Rescaling: g_i multiplies numbers in [0, 1], the Horner value v has any sign. With "
        "a scale S ≥ |v| the network feeds u = (v + S)/(2S) ∈ [0, 1] and uses "
        "v·x = 2S·(u·x) − S·x. The scales are S = sup|v| + (error so far), with a margin "
        f"of 2^(−20): here S = {scales or 'none (no products)'}.",
        "The bound (derived here; the notes print no statement for polynomials): with "
        "e = (network's v) − v, each product turns e into e′ = 2S·(g_i(u, x) − ux) + e·x, so "
        "|e′| ≤ 2S·4^(−i) + |e| — a later multiplication by x ≤ 1 never enlarges an "
        f"earlier error — and sup |f − p| ≤ 2·4^(−i)·Σ S = {pl_.bound:.4g}. Lemma 5.4 "
        "(monomials within r·4^(−k)) summed over the coefficients would give "
        f"Σ j·|a_j|·4^(−i) = {poly.monomial_bound(a, i):.4g} for separate monomial chains.",
        "sup |f − p| is exact: the network's breakpoints are propagated exactly "
        f"({m.pieces:,} pieces), and on each piece the error p − (affine) peaks at a piece "
        "end or where p′ equals the piece's slope — found on every sub-interval where p′ is "
        f"monotone — all evaluated: sup = {m.sup:.4g} at x = {m.argsup:.4g}.",
    ]
    if n <= 1:
        notes.append("Degree ≤ 1: no multiplication is needed; the network is p itself.")
    return notes


SCENE = Scene(
    id="polynomials",
    title="Multiplication gives polynomials: Horner's rule with product networks",
    chapter=DEPTH,
    summary=(
        "A polynomial of degree ≤ 8 on [0, 1] by Horner's rule with the product networks "
        "g_i: exact sup error against the propagated bound, nodes 11i·(n − 1)."
    ),
    primary_plot="polynomial",
    source="003, §4.3 (multiplication gives polynomials)",
    statement=(
        r"Let $p(x)=\sum_{j=0}^{n} a_j x^j$ with $n\le 8$, and let $g_i$ be the product network "
        r"of Corollary 4.3. Horner's rule $v_{m-1} = v_m x + a_{m-1}$ with each product "
        r"computed as $2S_m\,g_i\!\left(\tfrac{v_m+S_m}{2S_m}, x\right) - S_m x$ "
        r"($S_m \ge \sup|v_m|$ plus the error so far) is a ReLU network with $11i(n-1)$ nodes "
        r"and $\sup_{x\in[0,1]}\lvert f(x)-p(x)\rvert \le 2\cdot 4^{-i}\sum_{m=1}^{n-1} S_m$."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "sup_error": "sup |f − p| on [0, 1] (exact)",
        "bound": "bound 2·4^(−i)·Σ S (error propagation)",
        "nodes": "nodes, 11i·(n − 1)",
        "degree": "degree n of p",
        "products": "products n − 1",
        "affine_maps": "affine maps in the built network",
        "pieces": "affine pieces of f (exact)",
        "monomial_bound": "Lemma 5.4 summed: Σ j·|a_j|·4^(−i)",
    },
)
