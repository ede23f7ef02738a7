"""Scene ``sawtooth`` — the triangle map Δ and Proposition 4.1 (seed 003; also 000, 004)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
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
    Zoom,
    param,
    window_param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import (
    EXACT_KNOTS,
    band,
    context_curves,
    heatmap,
    line,
    markers,
    pl_view,
    this_value,
    window_band,
    zoom_window,
)
from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import PiecewiseLinear
from approxlab.theory.depth import fractal
from approxlab.theory.depth import sawtooth as depth

DOMAIN = (0.0, 1.0)
#: Up to this many knots the network is also evaluated directly at every knot; beyond it,
#: at an evenly spread subset of this size (the exact propagation covers all knots).
DIRECT_EVAL_KNOTS = 1 << 16
#: Bit extraction is checked on every x = k/2^L up to this many points (else an even spread).
BIT_POINTS = 4096
#: Columns of the bit heatmap.
BIT_COLUMNS = 64
#: The overview of a curve too dense to draw suggests this window (1/64 of the domain, wide
#: enough to see and to drag across).
SUGGESTED = (0.5, 0.5 + 2.0**-6)
#: Breakpoint markers and the Proposition 4.1 reference curve are drawn when at most this
#: many knots are visible.
MARKED_KNOTS = 65
REFERENCE_KNOTS = 4001

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
    x_lo: float = window_param("lo", DOMAIN)
    x_hi: float = window_param("hi", DOMAIN)


def exported_networks(p: Params) -> list:
    label, f = fractal.symmetric(p.f)
    saw = depth.sawtooth(p.L)
    return [
        network_export(
            f"Δ^{p.L}",
            saw,
            notes=[f"Δ composed {p.L} times: {3 * p.L} ReLU nodes, {p.L + 1} affine maps."],
        ),
        network_export(
            f"f∘Δ^{p.L}, f = {label}",
            networks.compose(f, saw),
            notes=[
                f"f's first layer merged into Δ^{p.L}'s last: {2**p.L} copies of f on [0, 1] "
                f"(the viral fractal property), {networks.hidden_nodes(f)} more nodes."
            ],
        ),
    ]


def compute(p: Params) -> SceneResult:
    L = p.L
    window = zoom_window(p.x_lo, p.x_hi, DOMAIN)
    net = depth.sawtooth(L)
    ms = depth.measure(L, DIRECT_EVAL_KNOTS)
    pieces, nodes = ms.pieces_by_power[-1], networks.hidden_nodes(net)
    dev = max(ms.dev_propagated, ms.dev_direct)
    viral = viral_part(p.f, L)
    bits = bit_extraction(L)
    return SceneResult(
        metrics={
            "pieces": pieces,
            "nodes": nodes,
            "layers": depth.sawtooth_layers_notes(L),
            "affine_maps": len(net),
            "fractal_max_dev": dev,
            **viral.metrics,
            **bits.metrics,
        },
        checks=[
            Check("pieces of Δ^L = 2^L (counted exactly)", pieces, 2**L, "=="),
            Check("ReLU nodes of the built network = 3L", nodes, 3 * L, "=="),
            Check(
                f"Δ^L(x) = Δ(⟨2^(L−1)x⟩) at every knot: largest difference = 0 "
                f"(also by evaluating the network at {ms.direct_points:,} knots)",
                dev,
                0.0,
                "==",
            ),
            *viral.checks,
            *bits.checks,
        ],
        plots=[
            saw := sawtooth_plot(L, ms, window),
            pieces_plot(L, ms),
            viral_plot(p.f, L, ms, window, saw.traces[0]),
            *bits.plots,
            triangle_plot(),
        ],
        notes=[
            f"Counts: nodes are the hidden ReLU units of the built network (3 per Δ); layers "
            f"in the notes' count, 2 per Δ (003, Thm 4.4: Δ^(L²+2) has 2L² + 4 layers). "
            f"Composing merges each Δ's output map into the next Δ's input map, so the "
            f"built network has {len(net)} affine maps.",
            "Pieces are counted exactly by pushing the breakpoints through the network layer "
            "by layer — no grid; the weights and knots are dyadic, so the floating-point "
            "arithmetic is exact. The curves are drawn from the exact knots: in a window "
            "with few enough of them, every knot; otherwise the exact envelope (the lowest "
            "and highest value in each pixel column) — zoom in to get every knot.",
            *viral.notes,
            *bits.notes,
        ],
    )


# ------------------------------------------------------------------------------ plots


@lru_cache(maxsize=24)
def saw_overview(L: int) -> tuple[Trace, ...]:
    """The whole-domain traces of Δ^L (cached: the envelope of a million knots)."""
    ms = depth.measure(L, DIRECT_EVAL_KNOTS)
    return tuple(saw_traces(L, ms.exact, DOMAIN, ms.pieces_by_power[-1]))


def saw_traces(
    L: int, final: PiecewiseLinear, window: tuple[float, float], here: int
) -> list[Trace]:
    """Δ^L in ``window`` (``here`` pieces meet it): every knot, or the exact envelope with a
    suggested window on the overview; the Proposition 4.1 form and markers when few."""
    name = f"Δ^{L} (network, exact knots)"
    traces = pl_view(name, final.x, final.y, window, DOMAIN, envelope_name=f"Δ^{L}", pieces=here)
    if traces[0].kind == "band":
        if window == DOMAIN:
            k = depth.pieces_in(final, *SUGGESTED)
            traces.append(
                window_band(f"zoom in here: {k:,} pieces, every knot drawn", *SUGGESTED, 0.0, 1.0)
            )
        return traces
    xs = np.asarray(traces[0].x)
    if xs.size <= REFERENCE_KNOTS:
        rhs = depth.sawtooth_fractal_form(xs, L)
        traces.append(line(f"Δ(⟨2^{L - 1}x⟩) (Proposition 4.1)", xs, rhs, "reference"))
    if xs.size <= MARKED_KNOTS:
        traces.append(markers("breakpoints", xs, np.asarray(traces[0].y)))
    return traces


def sawtooth_plot(L: int, ms: depth.Measured, window: tuple[float, float]) -> Plot:
    final, pieces = ms.exact, ms.pieces_by_power[-1]
    if window == DOMAIN:
        traces, title = list(saw_overview(L)), f"Δ^{L} on [0, 1]: {pieces:,} affine pieces"
    else:
        here = depth.pieces_in(final, *window)
        traces = saw_traces(L, final, window, here)
        title = f"Δ^{L} on [{window[0]:.7g}, {window[1]:.7g}]: {here:,} of its {pieces:,} pieces"
    return Plot(
        "sawtooth",
        title,
        Axis("x"),
        Axis("Δ^L(x)"),
        traces,
        caption=(
            "Every composition with Δ doubles the teeth: 3L nodes make 2^L pieces. Too many "
            "to draw, the curve shows the band its teeth fill; drag to zoom and every knot in "
            "the window is drawn exactly."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


def pieces_plot(L: int, ms: depth.Measured) -> Plot:
    powers = np.arange(1, L + 1)
    counted = np.array(ms.pieces_by_power)
    return Plot(
        "pieces",
        "Affine pieces of Δ^ℓ, counted exactly, against 2^ℓ",
        Axis("ℓ (compositions)", integer=True),
        Axis("affine pieces", log=True),
        [
            line("2^ℓ (Proposition 4.1)", powers, 2.0**powers, "bound"),
            markers("counted by breakpoint propagation", powers, counted, "construction"),
            this_value(L, counted[-1], "this L"),
        ],
        caption=(
            "The counts, read off the network layer by layer, lie exactly on 2^ℓ: depth buys "
            "exponentially many pieces with linearly many nodes."
        ),
    )


def triangle_plot() -> Plot:
    x = np.linspace(-0.25, 1.25, 601)
    (W1, b1), (w2, _) = depth.triangle()
    units = w2[0][:, None] * np.maximum(W1 @ x[None, :] + b1[:, None], 0.0)
    names = ["2σ(x)", "−4σ(x − ½)", "2σ(x − 1)"]
    return Plot(
        "triangle",
        "Δ(x) = 2σ(x) − 4σ(x − ½) + 2σ(x − 1)",
        Axis("x"),
        Axis("value"),
        [
            *context_curves(
                "the three ReLU units, scaled",
                [(n, x, u) for n, u in zip(names, units, strict=True)],
            ),
            line("Δ (network)", x, networks.evaluate(depth.triangle(), x)),
        ],
        caption=(
            "Three ReLU units add up to the tent Δ: 2x on [0, ½], 2 − 2x on [½, 1] and 0 "
            "outside — the building block of every depth construction in this chapter."
        ),
    )


# ---------------------------------------------------------- consequences of Prop. 4.1


@dataclass
class Part:
    """Metrics, checks, plots and notes of one consequence of Proposition 4.1."""

    metrics: dict[str, float | int]
    checks: list[Check]
    plots: list[Plot]
    notes: list[str]


@lru_cache(maxsize=16)
def viral_part(name: str, L: int) -> Part:
    """003, §4.1 application 3: f∘Δ^L = f(⟨2^L x⟩) for f symmetric about ½ — 2^L copies
    (measured by :func:`fractal.viral` at every knot; cached: f∘Δ^20 has up to four
    million knots)."""
    v = fractal.viral(name, L, depth.measure(L, DIRECT_EVAL_KNOTS).exact)
    return Part(
        metrics={
            "viral_pieces": v.pieces,
            "viral_max_dev": max(v.dev_exact, v.dev_direct),
        },
        checks=[
            Check(
                f"f(Δ^{L}(x)) = f(⟨2^{L}x⟩) at every knot: largest difference = 0",
                v.dev_exact,
                0.0,
                "==",
            ),
            Check(
                f"the network f∘Δ^{L} against f(⟨2^{L}x⟩) at {v.direct_points:,} points: "
                "largest difference = 0",
                v.dev_direct,
                0.0,
                "==",
                rounding=rounding_allowance(8.0),
            ),
            Check(
                f"pieces of f∘Δ^{L} = 2^L·N_A(f) − (2^L − 1)·[f′(0) = 0]",
                v.pieces,
                v.formula,
                "==",
            ),
        ],
        plots=[],
        notes=[
            "Viral fractal property (003, §4.1, application 3): Δ^L maps each of its 2^L "
            "pieces onto [0, 1], increasing or decreasing; for f symmetric about ½ the "
            "direction does not matter, so f(Δ^L(x)) = f(⟨2^L x⟩). The composition is built "
            "as a network (f's first layer merged into Δ^L's last) and its exact knots are "
            "Δ^L's knots plus the preimages of f's kinks on every piece (Lemma 4.11(3)). "
            f"Pieces: 2^L·N_A(f) = 2^{L}·{v.f_pieces}, minus 2^L − 1 when f is flat at "
            f"0 (adjacent copies then merge): {v.pieces:,} counted.",
        ],
    )


def viral_traces(
    name: str, L: int, saw: PiecewiseLinear, window: tuple[float, float], saw_band: Trace
) -> list[Trace]:
    """f∘Δ^L in ``window``: its exact knots (composed on the window's pieces of Δ^L), or,
    when Δ^L alone has too many knots there, the exact envelope — f's range over Δ^L's
    exact range in each pixel column (:func:`fractal.image_of_intervals`; ``saw_band`` is
    Δ^L's envelope in the same window, from the sawtooth plot)."""
    label, f = fractal.symmetric(name)
    lo, hi = window
    trace_name = f"f∘Δ^{L} (network, exact knots)"
    i0, i1 = np.searchsorted(saw.x, [lo, hi])
    if i1 - i0 <= EXACT_KNOTS:
        comp = fractal.compose_window(f, saw, lo, hi)
        traces = pl_view(trace_name, comp.x, comp.y, window, DOMAIN, envelope_name=f"f∘Δ^{L}")
    else:
        xs, ys = np.asarray(saw_band.x), np.asarray(saw_band.y)
        c = xs.size // 2
        a, b = ys[c:][::-1], ys[:c]  # the band goes along the upper edge, back along the lower
        f_lo, f_hi = fractal.image_of_intervals(networks.breakpoints(f), a, b)
        total = viral_part(name, L).metrics["viral_pieces"]
        dense = (
            f"{total:,} pieces here, too many to draw"
            if window == DOMAIN
            else "too many pieces here to draw"
        ) + " — zoom in for every knot"
        traces = [band(f"f∘Δ^{L}: {dense}", xs[:c], f_lo, f_hi, "construction")]
    if traces[0].kind == "band":
        if window == DOMAIN:
            traces.append(window_band("zoom in here", *SUGGESTED, 0.0, 1.0))
    elif np.size(traces[0].x) <= REFERENCE_KNOTS:
        xs = np.asarray(traces[0].x)
        traces.append(line(f"f(⟨2^{L}x⟩)", xs, fractal.copies_form(f, xs, L), "reference"))
    if window == DOMAIN:
        fine = np.linspace(0.0, 1.0, 401)
        traces.append(line(f"f = {label}", fine, networks.evaluate(f, fine), "target"))
    return traces


@lru_cache(maxsize=24)
def viral_overview(name: str, L: int) -> tuple[Trace, ...]:
    """The whole-domain traces of f∘Δ^L (cached)."""
    saw = depth.measure(L, DIRECT_EVAL_KNOTS).exact
    return tuple(viral_traces(name, L, saw, DOMAIN, saw_overview(L)[0]))


def viral_plot(
    name: str, L: int, ms: depth.Measured, window: tuple[float, float], saw_band: Trace
) -> Plot:
    if window == DOMAIN:
        traces = list(viral_overview(name, L))
    else:
        traces = viral_traces(name, L, ms.exact, window, saw_band)
    return Plot(
        "viral",
        f"Viral fractal property: f∘Δ^{L} is 2^{L} copies of f",
        Axis("x"),
        Axis("f(Δ^L(x))"),
        traces,
        caption=(
            "Composing a function symmetric about ½ with Δ^L squeezes 2^L copies of it into "
            "[0, 1] — the fractal property is inherited. Zoom in to see single copies."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


@lru_cache(maxsize=24)
def bit_extraction(L: int) -> Part:
    """003, §4.1 application 4: the ℓ-th binary digit of x from the slope of Δ^ℓ at x
    (measured by :func:`fractal.bit_check`)."""
    b = fractal.bit_check(L, BIT_POINTS)
    k, x, got = b.k, b.x, b.got
    # columns of the heatmap: every point, or a sorted random sample (all digits vary)
    cols = np.arange(k.size)
    if k.size > BIT_COLUMNS:
        cols = np.sort(np.random.default_rng(L).choice(k.size, BIT_COLUMNS, replace=False))
    sample = "" if cols.size == 2**L else f" ({cols.size} of the {2**L:,} points, at random)"
    return Part(
        metrics={"bits_checked": int(got.size), "bit_errors": b.errors},
        checks=[
            Check(
                f"all L digits of {k.size:,} points x = k/2^L read off the slopes: wrong = 0",
                b.errors,
                0,
                "==",
            )
        ],
        plots=[
            Plot(
                "bits",
                "Bits read off Δ^ℓ: digit ℓ of x = ½ − (slope of Δ^ℓ at x)/2^(ℓ+1)",
                Axis(f"x = k/2^{L}{sample}"),
                Axis("digit ℓ", integer=True),
                [
                    heatmap(
                        "digit ℓ of x, from Δ^ℓ",
                        x[cols],
                        np.arange(1, L + 1),
                        np.ascontiguousarray(got[:, cols]),
                    )
                ],
                caption=(
                    "Row ℓ holds the ℓ-th binary digit of each x, read off the sign of the "
                    "slope of Δ^ℓ there; every digit agrees with integer arithmetic."
                ),
            )
        ],
        notes=[
            "Bit extraction (003, §4.1, application 4): on its k-th piece Δ^ℓ has slope "
            "+2^ℓ for even k and −2^ℓ for odd k, and k = ⌊2^ℓ x⌋ has the ℓ-th binary digit "
            "of x as its parity. For x = k/2^L and δ = 2^(−L−1), "
            "digit ℓ = ½ − (Δ^ℓ(x + δ) − Δ^ℓ(x))/(2^(ℓ+1)δ): two copies of the Δ^ℓ network "
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
        "viral_pieces": "pieces of f∘Δ^L (exact)",
        "viral_max_dev": "max |f(Δ^L(x)) − f(⟨2^L x⟩)|",
        "bits_checked": "bits extracted and checked",
        "bit_errors": "wrong bits",
    },
)
