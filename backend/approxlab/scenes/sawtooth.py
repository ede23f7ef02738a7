"""Scene ``sawtooth`` — the triangle map Δ and Proposition 4.1 (seed 003; also 000, 004)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, Trace, param
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.decimate import m4
from approxlab.scenes.export import network_export
from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import PiecewiseLinear
from approxlab.theory.depth import fractal
from approxlab.theory.depth import sawtooth as depth

#: Up to this many knots the network is also evaluated directly at every knot; beyond it,
#: at an evenly spread subset of this size (the exact propagation covers all knots).
DIRECT_EVAL_KNOTS = 1 << 16
#: The viral property's composition f∘Δ^ℓ is carried exactly (all knots) for ℓ = min(L, this);
#: beyond it the 2^ℓ copies are narrower than a pixel.  The full f∘Δ^L network is evaluated
#: directly at every L.
VIRAL_EXACT_MAX = 14
#: Bit extraction is checked on every x = k/2^L up to this many points (else an even spread).
BIT_POINTS = 4096
#: Columns of the bit heatmap.
BIT_COLUMNS = 64

SymmetricName = Literal["bump", "trapezoid", "vee", "tent"]


class Params(SceneParams):
    L: int = param(
        4,
        ge=1,
        le=20,
        step=1,
        label="L (compositions)",
        description="Number of compositions: the network computes Δ^L.",
    )
    f: SymmetricName = param(
        "bump",
        label="f (symmetric about ½)",
        description="A function symmetric about ½, composed with Δ^L (viral fractal property).",
        options={k: v[0] for k, v in fractal.SYMMETRIC.items()},
    )


def exported_networks(p: Params) -> list:
    return [
        network_export(
            f"Δ^{p.L}",
            depth.sawtooth(p.L),
            notes=[f"Δ composed {p.L} times: {3 * p.L} ReLU nodes, {p.L + 1} affine maps."],
        )
    ]


def compute(p: Params) -> SceneResult:
    L = p.L
    net = depth.sawtooth(L)
    ms = depth.measure(L, DIRECT_EVAL_KNOTS)
    final, pieces = ms.exact, ms.pieces_by_power[-1]
    dev = max(ms.dev_propagated, ms.dev_direct)
    viral = viral_property(p.f, L, final)
    bits = bit_extraction(L)
    return SceneResult(
        metrics={
            "pieces": pieces,
            "nodes": networks.hidden_nodes(net),
            "layers": depth.sawtooth_layers_notes(L),
            "affine_maps": len(net),
            "fractal_max_dev": dev,
            **viral.metrics,
            **bits.metrics,
        },
        checks=[
            Check("pieces of Δ^L = 2^L", pieces, 2**L, "=="),
            Check("max |Δ^L(x) − Δ(⟨2^{L−1}x⟩)| = 0", dev, 0.0, "=="),
            *viral.checks,
            *bits.checks,
        ],
        plots=make_plots(L, ms) + viral.plots + bits.plots,
        notes=[
            f"Counts: nodes = hidden ReLU units of the built network (3 per Δ); layers in "
            f"the notes' count, 2 per Δ (003, Thm 4.4: Δ^(L²+2) has 2L²+4 layers). Composing "
            f"merges each Δ's output map into the next Δ's input map, so the built network "
            f"has {len(net)} affine maps.",
            "Pieces are counted exactly by pushing breakpoints through the network layer by "
            "layer — no grid. The curve is drawn from the exact knots (M4-decimated to the "
            "screen's pixel columns when there are more than 6,400).",
            "The fractal identity is checked at every knot of the exact propagation and, "
            f"by direct evaluation of the network, at {ms.direct_points:,} of them.",
            *viral.notes,
            *bits.notes,
        ],
    )


def make_plots(L: int, ms: depth.Measured) -> list[Plot]:
    final, pieces = ms.exact, ms.pieces_by_power[-1]
    rhs = depth.sawtooth_fractal_form(final.x, L)
    xs, ys = m4(final.x, final.y)
    fine = np.linspace(0.0, 1.0, 4001)
    powers = np.arange(1, L + 1)
    curve = [
        Trace(f"Δ^{L} (network, exact knots)", "line", xs, ys, style="construction"),
    ]
    if final.x.size <= 4001:
        curve.append(Trace(f"Δ(⟨2^{L - 1}x⟩) (Prop. 4.1)", "line", final.x, rhs, style="reference"))
    if L <= 6:
        bp = final.simplified()
        curve.append(Trace("breakpoints", "markers", bp.x, bp.y, style="highlight"))
    return [
        Plot(
            "sawtooth",
            f"Δ^{L} on [0, 1]: {pieces:,} affine pieces",
            Axis("x"),
            Axis("Δ^L(x)"),
            curve,
        ),
        Plot(
            "pieces",
            "Affine pieces of Δ^ℓ (exact count) against 2^ℓ",
            Axis("ℓ"),
            Axis("pieces", log=True),
            [
                Trace("2^ℓ", "line", powers, 2.0**powers, style="bound"),
                Trace(
                    "counted (breakpoint propagation)",
                    "markers",
                    powers,
                    np.array(ms.pieces_by_power),
                    style="construction",
                ),
            ],
        ),
        Plot(
            "triangle",
            "Δ(x) = 2σ(x) − 4σ(x − ½) + 2σ(x − 1)",
            Axis("x"),
            Axis("Δ(x)"),
            [
                Trace(
                    "Δ (network)",
                    "line",
                    fine,
                    networks.evaluate(depth.triangle(), fine),
                    style="construction",
                ),
            ],
        ),
    ]


@dataclass
class Part:
    """Metrics, checks, plots and notes of one consequence of Proposition 4.1."""

    metrics: dict[str, float | int]
    checks: list[Check]
    plots: list[Plot]
    notes: list[str]


def viral_property(name: str, L: int, saw: PiecewiseLinear) -> Part:
    """003, §4.1 application 3: f∘Δ^L = f(⟨2^L x⟩) for f symmetric about ½ — 2^L copies
    (measured by :func:`fractal.viral`)."""
    v = fractal.viral(name, L, saw, VIRAL_EXACT_MAX)
    ell, comp, rhs, f = v.ell, v.comp, v.rhs, v.f
    tol = rounding_allowance(8.0)
    cx, cy = m4(comp.x, comp.y)
    traces = [Trace(f"f∘Δ^{ell} (network, exact knots)", "line", cx, cy, style="construction")]
    if comp.x.size <= 4001:
        traces.append(
            Trace(f"f(⟨2^{ell}x⟩)", "line", comp.x, rhs, style="reference"),
        )
    fine = np.linspace(0.0, 1.0, 401)
    traces.append(Trace(f"f = {v.label}", "line", fine, networks.evaluate(f, fine), style="target"))
    shown = "" if ell == L else f" (shown for ℓ = {ell}; the network f∘Δ^{L} is checked directly)"
    return Part(
        metrics={
            "viral_pieces": v.pieces,
            "viral_max_dev": max(v.dev_exact, v.dev_direct),
        },
        checks=[
            Check(f"max |f(Δ^{ell}(x)) − f(⟨2^{ell}x⟩)| at every knot = 0", v.dev_exact, 0.0, "=="),
            Check(
                f"max |(f∘Δ^{L})(x) − f(⟨2^{L}x⟩)|, network, {v.direct_points:,} points = 0",
                v.dev_direct,
                0.0,
                "==",
                rounding=tol,
            ),
            Check(
                f"pieces of f∘Δ^{ell} = 2^ℓ·N_A(f) − (2^ℓ − 1)·[f′(0) = 0]",
                v.pieces,
                v.formula,
                "==",
            ),
        ],
        plots=[
            Plot(
                "viral",
                f"Viral fractal property: f∘Δ^{ell} is 2^{ell} copies of f{shown}",
                Axis("x"),
                Axis("f(Δ^ℓ(x))"),
                traces,
            )
        ],
        notes=[
            "Viral fractal property (003, §4.1, application 3): Δ^ℓ maps each of its 2^ℓ "
            "pieces onto [0, 1], increasing or decreasing; for f symmetric about ½ the "
            "direction does not matter, so f(Δ^ℓ(x)) = f(⟨2^ℓ x⟩). The composition is built "
            "as a network (f's first layer merged into Δ^ℓ's last) and its exact knots are "
            "Δ^ℓ's knots plus the preimages of f's kinks on every piece (Lemma 4.11(3)). "
            f"Pieces: 2^ℓ·N_A(f) = 2^{ell}·{v.f_pieces}, minus 2^ℓ − 1 when f is flat at "
            f"0 (adjacent copies then merge): {v.pieces:,} counted.",
        ],
    )


def bit_extraction(L: int) -> Part:
    """003, §4.1 application 4: the ℓ-th binary digit of x from the slope of Δ^ℓ at x
    (measured by :func:`fractal.bit_check`)."""
    b = fractal.bit_check(L, BIT_POINTS)
    k, x, got, errors = b.k, b.x, b.got, b.errors
    # columns of the heatmap: every point, or a sorted random sample (all digits vary)
    cols = np.arange(k.size)
    if k.size > BIT_COLUMNS:
        cols = np.sort(np.random.default_rng(L).choice(k.size, BIT_COLUMNS, replace=False))
    ells = np.arange(1, L + 1)
    return Part(
        metrics={"bits_checked": int(got.size), "bit_errors": errors},
        checks=[
            Check(f"bits of {k.size:,} points x = k/2^L, all L digits: errors = 0", errors, 0, "==")
        ],
        plots=[
            Plot(
                "bits",
                f"Bits read off Δ^ℓ: b_ℓ(x) = ½ − slope of Δ^ℓ at x / 2^(ℓ+1), x = k/2^{L}",
                Axis("x = k/2^L"),
                Axis("bit ℓ"),
                [
                    Trace(
                        "b_ℓ(x) from Δ^ℓ",
                        "heatmap",
                        x[cols],
                        ells,
                        z=np.ascontiguousarray(got[:, cols]),
                        style="construction",
                    )
                ],
            )
        ],
        notes=[
            "Bit extraction (003, §4.1, application 4): on its k-th piece Δ^ℓ has slope "
            "+2^ℓ for even k and −2^ℓ for odd k, and k = ⌊2^ℓ x⌋ has the ℓ-th binary digit "
            "of x as its parity. For x = k/2^L and δ = 2^(−L−1), "
            "b_ℓ(x) = ½ − (Δ^ℓ(x + δ) − Δ^ℓ(x))/(2^(ℓ+1)δ): two copies of the Δ^ℓ network "
            f"and an affine read-out. Checked against integer arithmetic on {k.size:,} "
            f"points × {L} digits.",
        ],
    )


SCENE = Scene(
    id="sawtooth",
    title="The sawtooth Δ^L: exponentially many pieces",
    chapter=DEPTH,
    summary=(
        "Δ^L as a ReLU network of 3L nodes, its 2^L pieces counted exactly, the fractal "
        "identity and bit extraction."
    ),
    primary_plot="sawtooth",
    source="003, Proposition 4.1",
    statement=(
        r"Let $\Delta(x) = 2\sigma_r(x) - 4\sigma_r(x-1/2) + 2\sigma_r(x-1)$ and let "
        r"$\langle x\rangle := x - \lfloor x\rfloor$. Then "
        r"$\Delta^L(x) = \Delta(\langle 2^{L-1}x\rangle)$ on $[0,1]$; "
        r"in particular $\Delta^L$ has $2^L$ affine pieces, from $3L$ nodes and $2L$ layers. "
        r"Consequences: if $f$ is symmetric about $1/2$, $f\circ\Delta^L(x) = "
        r"f(\langle 2^L x\rangle)$ ($2^L$ copies of $f$); and the $\ell$-th binary digit of "
        r"$x$ is the sign of the slope of $\Delta^\ell$ at $x$."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "pieces": "affine pieces on [0, 1] (exact)",
        "nodes": "ReLU nodes",
        "layers": "layers (notes' count, 2 per Δ)",
        "affine_maps": "affine maps in the built network",
        "fractal_max_dev": "max |Δ^L(x) − Δ(⟨2^{L−1}x⟩)|",
        "viral_pieces": "pieces of f∘Δ^ℓ (exact)",
        "viral_max_dev": "max |f(Δ^L(x)) − f(⟨2^L x⟩)|",
        "bits_checked": "bits extracted and checked",
        "bit_errors": "wrong bits",
    },
)
