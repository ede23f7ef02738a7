"""Scene ``parity`` — Proposition 4.1, application 2 (seed 003): parity from Δ^L."""

from __future__ import annotations

import numpy as np

from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, param
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import line, markers
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


def exported_networks(p: Params) -> list:
    L, d = p.L, 2**p.L
    return [
        network_export(
            f"parity on d = {d} inputs: 1 − 2Δ^{L}((d + Σxᵢ)/(2d))",
            parity.parity_network(L),
            notes=[
                f"{3 * L} nodes: the average (d + Σxᵢ)/(2d) merged into Δ^{L}'s first layer, "
                "1 − 2(·) into its last; equals ∏xᵢ on every point of {±1}^d."
            ],
        ),
        network_export(
            f"the printed formula Δ^{L - 1}((d + Σxᵢ)/(2d))",
            parity.printed_parity_network(L),
            notes=["The printed identity, for comparison: wrong on most of {±1}^d."],
        ),
    ]


def compute(p: Params) -> SceneResult:
    L = p.L
    d = 2**L
    net = parity.parity_network(L)
    ev = parity.evaluate_all(L)
    nodes = networks.hidden_nodes(net)
    return SceneResult(
        metrics={
            "points": ev.points,
            "max_error": ev.max_error,
            "dimension": d,
            "nodes": nodes,
            "layers": depth.sawtooth_layers_notes(L),
            "printed_max_error": ev.printed_max_error,
            "printed_wrong_points": ev.printed_wrong,
        },
        checks=[
            Check(
                "∏xᵢ = 1 − 2Δ^L((d + Σxᵢ)/(2d)) on all of {±1}^d: largest error = 0",
                ev.max_error,
                0.0,
                "==",
                note="corrected from the printed Δ^(L−1)((d + Σxᵢ)/(2d))",
            ),
            Check("points of {±1}^d evaluated = 2^d (all of them)", ev.points, 2**d, "=="),
            Check("ReLU nodes of the network = 3L", nodes, 3 * L, "=="),
            Check("affine maps = L + 1, i.e. 2L layers in the notes' count", len(net), L + 1, "=="),
        ],
        plots=make_plots(L, ev),
        notes=make_notes(L, net, ev),
    )


def make_plots(L: int, ev: parity.Evaluation) -> list[Plot]:
    d = 2**L
    ks = np.arange(d + 1)
    u_k = (d - ks) / d  # (d + Σx)/(2d) = 1 − k/d
    saw = networks.breakpoints(depth.sawtooth(L)).simplified()
    if L >= 2:
        sp = networks.breakpoints(depth.sawtooth(L - 1)).simplified()
        printed = line(f"Δ^{L - 1} (the printed formula)", sp.x, sp.y, "reference")
    else:
        printed = line("Δ^0 = identity (the printed formula)", [0, 1], [0, 1], "reference")
    return [
        Plot(
            "by_k",
            f"∏xᵢ on all {ev.points:,} points of {{±1}}^{d}, grouped by the number k of −1 entries",
            Axis("k (entries equal to −1)", integer=True),
            Axis("∏xᵢ and the networks' outputs"),
            [
                line("∏xᵢ = (−1)^k", ks, (-1.0) ** ks, "target"),
                markers("network 1 − 2Δ^L(u)", *ev.by_k, "construction"),
                markers("printed formula Δ^(L−1)(u)", *ev.by_k_printed, "error"),
            ],
            caption=(
                "The network reads only Σxᵢ = d − 2k and returns (−1)^k at every point of the "
                "hypercube; the printed formula Δ^(L−1) stays in [0, 1] and misses at every odd k."
            ),
        ),
        Plot(
            "sawtooth",
            "Why it works: u = 1 − k/d lands on the knots of Δ^L, alternately 0 and 1",
            Axis("u = (d + Σxᵢ)/(2d)"),
            Axis("value"),
            [
                line(f"Δ^{L} (network)", saw.x, saw.y, "construction"),
                markers("Δ^L at u = 1 − k/d", u_k, (1 - ev.at_k) / 2),
                printed,
            ],
            caption=(
                "Δ^L is 1 at odd multiples of 2^(−L) and 0 at even ones — the parity of k; "
                "Δ^(L−1) at the same points takes the values 0, ½, 1 and is never −1."
            ),
        ),
        Plot(
            "errors",
            "Errors on {±1}^d, grouped by k (distinct values)",
            Axis("k (entries equal to −1)", integer=True),
            Axis("|output − ∏xᵢ|"),
            [
                markers("corrected network", *ev.err_by_k, "construction"),
                markers("printed formula", *ev.err_by_k_printed, "error"),
            ],
            caption=(
                "The corrected network is exact at every point; the printed formula is off at "
                "every odd k at least, where ∏xᵢ = −1 and its values never drop below 0."
            ),
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
    networks=exported_networks,
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
