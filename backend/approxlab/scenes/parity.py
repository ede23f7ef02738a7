"""Scene ``parity`` — Proposition 4.1, application 2 (seed 003): parity from Δ^L."""

from __future__ import annotations

import numpy as np

from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, Trace, param
from approxlab.scenes.chapters import DEPTH
from approxlab.theory.core import networks
from approxlab.theory.depth import parity
from approxlab.theory.depth import sawtooth as depth


class Params(SceneParams):
    L: int = param(
        2,
        ge=1,
        le=4,
        step=1,
        label="L (d = 2^L inputs)",
        description="Depth parameter: the network reads d = 2^L inputs in {±1}.",
    )


def compute(p: Params) -> SceneResult:
    L = p.L
    d = 2**L
    net = parity.parity_network(L)
    ev = parity.evaluate_all(L)
    return SceneResult(
        metrics={
            "points": ev.points,
            "max_error": ev.max_error,
            "dimension": d,
            "nodes": networks.hidden_nodes(net),
            "layers": depth.sawtooth_layers_notes(L),
            "printed_max_error": ev.printed_max_error,
            "printed_wrong_points": ev.printed_wrong,
        },
        checks=[
            Check("points evaluated = 2^d", ev.points, 2**d, "=="),
            Check("max |network − ∏xᵢ| over {±1}^d = 0", ev.max_error, 0.0, "=="),
        ],
        plots=make_plots(L, ev),
        notes=make_notes(L, net, ev),
    )


def make_plots(L: int, ev: parity.Evaluation) -> list[Plot]:
    d = 2**L
    ks = np.arange(d + 1)
    u_k = (d - ks) / d  # (d + Σx)/(2d) = 1 − k/d
    saw = networks.breakpoints(depth.sawtooth(L)).simplified()
    curves = [
        Trace(f"Δ^{L} (network)", "line", saw.x, saw.y, style="construction"),
        Trace("Δ^L at u = (d + Σx)/(2d)", "markers", u_k, (1 - ev.at_k) / 2, style="highlight"),
    ]
    if L >= 2:
        sp = networks.breakpoints(depth.sawtooth(L - 1)).simplified()
        curves.append(Trace(f"Δ^{L - 1} (printed)", "line", sp.x, sp.y, style="reference"))
    else:
        curves.append(Trace("Δ^0 = identity (printed)", "line", [0, 1], [0, 1], style="reference"))
    return [
        Plot(
            "by_k",
            f"∏xᵢ on all {ev.points:,} points of {{±1}}^{d}, grouped by the number k of −1 entries",
            Axis("k (entries equal to −1)"),
            Axis("value"),
            [
                Trace("∏ xᵢ = (−1)^k", "line", ks, (-1.0) ** ks, style="target"),
                Trace("1 − 2Δ^L(u) (network)", "markers", *ev.by_k, style="construction"),
                Trace("printed Δ^(L−1)(u)", "markers", *ev.by_k_printed, style="reference"),
            ],
        ),
        Plot(
            "sawtooth",
            "Why it works: u = 1 − k/d lands on the knots of Δ^L, alternately 0 and 1",
            Axis("u = (d + Σxᵢ)/(2d)"),
            Axis("value"),
            curves,
        ),
        Plot(
            "errors",
            "Errors on {±1}^d, grouped by k (distinct values)",
            Axis("k"),
            Axis("|output − ∏xᵢ|"),
            [
                Trace(
                    "corrected network",
                    "markers",
                    *ev.err_by_k,
                    style="construction",
                ),
                Trace("printed formula", "markers", *ev.err_by_k_printed, style="error"),
            ],
        ),
    ]


def make_notes(L: int, net: networks.ReLUNetwork, ev: parity.Evaluation) -> list[str]:
    d = 2**L
    printed_wrong = ev.printed_wrong
    return [
        "Corrected (003, §4.1, application 2 of Prop. 4.1): printed "
        "∏xᵢ = Δ^(L−1)((d + Σxᵢ)/(2d)); corrected ∏xᵢ = 1 − 2Δ^L((d + Σxᵢ)/(2d)). "
        "With k entries equal to −1, (d + Σxᵢ)/(2d) = (d − k)/2^L, and "
        "Δ^L(j/2^L) = Δ(⟨j/2⟩) is 1 for odd j and 0 for even j — the parity of k — "
        "so one more Δ and the ±1 encoding 1 − 2(·) are needed. The printed "
        "Δ^(L−1)(j/2^L) = Δ(⟨j/4⟩) ∈ {0, ½, 1} sees k mod 4 and is never −1: "
        f"it is wrong on {printed_wrong:,} of the {ev.points:,} points here "
        "(d = 2, x = (1, −1) gives ½).",
        f"The network: the average (d + Σxᵢ)/(2d) merged into Δ^L's first layer, "
        f"1 − 2(·) merged into its last: {networks.hidden_nodes(net)} nodes, "
        f"{len(net)} affine maps ({2 * L} layers in the notes' count), for d = {d} "
        "inputs. All 2^d points are evaluated; dyadic arithmetic makes the result exact.",
    ]


SCENE = Scene(
    id="parity",
    title="Parity on the hypercube with 3L nodes",
    chapter=DEPTH,
    summary=(
        "The product ∏xᵢ on all 2^d points of {±1}^d from 3L nodes, by the corrected "
        "sawtooth identity."
    ),
    primary_plot="by_k",
    source="003, Proposition 4.1 (application 2)",
    statement=(
        r"For $d = 2^L$ and $x\in\{\pm1\}^d$: "
        r"$\prod_{i=1}^d x_i = 1 - 2\,\Delta^{L}\!\left(\frac{d+\sum_i x_i}{2d}\right)$, "
        r"a ReLU network with $3L$ nodes and $2L$ layers "
        r"(printed: $\prod_i x_i = \Delta^{L-1}\left(\frac{d+\sum_i x_i}{2d}\right)$, "
        r"which fails, e.g. $d=2$, $x=(1,-1)$)."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "points": "points of {±1}^d evaluated (2^d)",
        "max_error": "max |network − ∏xᵢ|",
        "dimension": "dimension d = 2^L",
        "nodes": "ReLU nodes (3L)",
        "layers": "layers (notes' count, 2L)",
        "printed_max_error": "printed formula: max error",
        "printed_wrong_points": "printed formula: points where it is wrong",
    },
)
