"""Scene ``learnability`` — Δ^L built against Δ^L learned (seeds 001 and 000; seed 003,
Proposition 4.1 and Lemma 4.9)."""

from __future__ import annotations

import numpy as np

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    checkpoint_param,
    param,
    seed_param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import context_curves, hline, line, this_value
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import breakpoints
from approxlab.theory.training import learnability as lb

L_MIN, L_MAX = 1, 6
RESTARTS_MAX = 8
#: Points of the loss curves (log-spaced steps).
LOSS_POINTS = 120


class Params(SceneParams):
    L: int = param(
        4,
        ge=L_MIN,
        le=L_MAX,
        step=1,
        label="L (target Δ^L)",
        description="The target Δ^L has 2^L pieces; the architecture has L hidden layers of 3.",
    )
    restarts: int = param(
        5,
        ge=1,
        le=RESTARTS_MAX,
        step=1,
        label="restarts",
        description="Trainings from independent random initialisations (seeded).",
    )
    step: int = checkpoint_param(lb.CHECKPOINTS, f"{lb.STEPS:,} steps of Adam")
    seed: int = seed_param("Seed of the initialisations.")


def exported_networks(p: Params) -> list:
    e = lb.experiment(p.L, p.restarts, p.seed)
    steps = int(e.steps[p.step])
    trained = f"after {steps:,} steps of Adam from a random initialisation"
    return [
        network_export(
            "construction",
            e.construction,
            notes=[f"Δ^{p.L}: Δ composed {p.L} times (003, Proposition 4.1), exact."],
        ),
        *(
            network_export(
                f"trained, restart {r + 1}",
                e.deep_network(p.step, r),
                seed=p.seed,
                notes=[f"{trained} (restart {r + 1} draws from the seed pair ({p.seed}, {r}))."],
            )
            for r in range(p.restarts)
        ),
        network_export(
            "shallow, trained",
            e.shallow_network(p.step),
            seed=p.seed,
            notes=[f"{trained}; one hidden layer of {lb.shallow_width(p.L)} units."],
        ),
    ]


def best_restart(e: lb.Experiment) -> int:
    """The restart with the lowest final training loss (fixed while the slider moves)."""
    return int(np.argmin(e.deep.loss[-1]))


def compute(p: Params) -> SceneResult:
    e = lb.experiment(p.L, p.restarts, p.seed)
    k = p.step
    pieces, l2 = e.deep_measured.pieces[k], e.deep_measured.l2[k]
    steps = int(e.steps[k])
    checks = [
        Check(
            f"pieces of every trained network, at every checkpoint ≤ 2^L ∏ mⱼ = 6^{p.L} "
            "(Lemma 4.9, as proved)",
            int(e.deep_measured.pieces.max()),
            e.lemma_4_9,
            "<=",
        ),
        Check(
            f"pieces of the shallow network, at every checkpoint ≤ 2·{lb.shallow_width(p.L)} "
            "(Lemma 4.9, one hidden layer)",
            int(e.shallow_measured.pieces.max()),
            e.lemma_4_9_shallow,
            "<=",
        ),
        Check(f"the construction Δ^{p.L} has 2^{p.L} pieces", e.construction_pieces, 2**p.L, "=="),
        Check(
            "the construction's L² error against Δ^L = 0",
            e.construction_l2,
            0.0,
            "==",
            rounding=rounding_allowance(1.0, ops=8 * p.L),
        ),
    ]
    return SceneResult(
        metrics={
            "pieces_construction": e.construction_pieces,
            "pieces_trained": float(np.median(pieces)),
            "l2_error_trained": float(np.median(l2)),
            "l2_error_construction": e.construction_l2,
            "pieces_shallow": int(e.shallow_measured.pieces[k, 0]),
            "l2_error_shallow": float(e.shallow_measured.l2[k, 0]),
            "pieces_trained_max": int(pieces.max()),
            "lemma_4_9_bound": e.lemma_4_9,
            "steps": steps,
        },
        checks=checks,
        plots=[fits_plot(p, e), pieces_plot(p, e), loss_plot(p, e)],
        notes=notes(p, e),
    )


def fits_plot(p: Params, e: lb.Experiment) -> Plot:
    k = p.step
    best = best_restart(e)
    goal = lb.target_pl(p.L)
    pl = [breakpoints(e.deep_network(k, r), (0.0, 1.0)) for r in range(p.restarts)]
    pieces = e.deep_measured.pieces[k]
    others = [
        (f"trained, restart {r + 1}: {pieces[r]} pieces", pl[r].x, pl[r].y)
        for r in range(p.restarts)
        if r != best
    ]
    shallow = breakpoints(e.shallow_network(k), (0.0, 1.0))
    traces = [
        line(f"Δ^{p.L}: target and construction ({2**p.L} pieces)", goal.x, goal.y, "target"),
        *context_curves("other restarts", others),
        line(
            f"trained, restart {best + 1} (lowest final loss): {pieces[best]} pieces",
            pl[best].x,
            pl[best].y,
            "highlight",
        ),
        line(
            f"shallow, trained: {e.shallow_measured.pieces[k, 0]} pieces",
            shallow.x,
            shallow.y,
            "reference",
        ),
    ]
    return Plot(
        "fits",
        f"Δ^{p.L} as built and as learned, after {int(e.steps[k]):,} steps of Adam",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            f"The construction computes Δ^{p.L} exactly with 3L nodes; the same architecture "
            "trained from random starts finds far fewer pieces and often just the mean — "
            "what the weights can express is not what training finds."
        ),
    )


def pieces_plot(p: Params, e: lb.Experiment) -> Plot:
    ks = np.arange(1, e.steps.size)
    s = e.steps[ks]
    P = np.ascontiguousarray(e.deep_measured.pieces[ks].T)  # (restarts, checkpoints)
    med = np.median(P, axis=0)
    traces = [
        *context_curves("each restart", [(f"restart {r + 1}", s, P[r]) for r in range(p.restarts)]),
        line("median of the restarts", s, med, "highlight"),
        hline(f"2^{p.L}: the construction", 2**p.L, float(s[0]), float(s[-1]), "construction"),
        hline(f"Lemma 4.9: 6^{p.L}", e.lemma_4_9, float(s[0]), float(s[-1]), "bound"),
    ]
    if p.step > 0:
        traces.append(this_value(int(e.steps[p.step]), float(med[p.step - 1]), "this step"))
    return Plot(
        "pieces",
        "Affine pieces of the trained networks (exact count) during training",
        Axis("Adam step (log scale)", log=True),
        Axis("affine pieces on [0, 1]", log=True),
        traces,
        caption=(
            "Counted exactly by pushing breakpoints through each network: training stays far "
            f"below the 2^{p.L} pieces of the construction, and every network — trained or "
            "not — below Lemma 4.9's bound."
        ),
    )


def loss_plot(p: Params, e: lb.Experiment) -> Plot:
    T = int(e.steps[-1])
    s = np.unique(np.round(np.geomspace(1, T, LOSS_POINTS)).astype(int))
    loss = np.ascontiguousarray(e.deep.loss[s].T)  # (restarts, steps)
    traces = [
        *context_curves(
            "each restart", [(f"restart {r + 1}", s, loss[r]) for r in range(p.restarts)]
        ),
        line("median of the restarts", s, np.median(loss, axis=0), "highlight"),
        line("shallow network, same parameter count", s, e.shallow.loss[s, 0], "reference"),
    ]
    step = int(e.steps[p.step])
    if step > 0:
        traces.append(this_value(step, float(np.median(e.deep.loss[step])), "this step"))
    return Plot(
        "loss",
        "Training loss against the step (the construction's is 0)",
        Axis("Adam step (log scale)", log=True),
        Axis("training loss (1/2n) Σ (f(xᵢ) − Δ^L(xᵢ))²", log=True),
        traces,
        caption=(
            "Restarts stall on plateaus; the level 1/24 ≈ 0.042 is the loss of the constant "
            "½ — a network that has learned only the mean of Δ^L."
        ),
    )


def notes(p: Params, e: lb.Experiment) -> list[str]:
    L, w = p.L, lb.shallow_width(p.L)
    return [
        f"Architecture: 1 → 3 → … → 3 → 1 with L = {L} hidden layers of 3 ReLU units — "
        f"exactly Δ^{L}'s (3L = {3 * L} nodes; 2L = {2 * L} layers in the notes' count, "
        f"{L + 1} affine maps once each Δ's output map is merged into the next one's input "
        f"map), {lb.parameters(lb.deep_widths(L))} weights and biases. Shallow comparison: "
        f"one hidden layer of 4L − 1 = {w} units, also {lb.parameters([w])} parameters, "
        f"so at most {w + 1} pieces.",
        f"Training: {lb.STEPS:,} steps of full-batch Adam (learning rate {lb.LEARNING_RATE:g}, "
        f"β = (0.9, 0.999)) on (1/2n) Σᵢ (f(xᵢ) − Δ^L(xᵢ))² at the n = {lb.POINTS} midpoints "
        f"of [0, 1]; {p.restarts} restarts, restart r from the seed pair (seed, r). "
        "Initialisation: He (weights N(0, 2/fan-in), biases N(0, 0.1²)), the first layer's "
        "biases drawn so that its kinks fall uniformly in [0, 1].",
        "Pieces are counted exactly by breakpoint propagation, and L² errors are exact "
        "integrals over the union of the knots of the network and of Δ^L — no grid.",
        "Lemma 4.9 bounds every network of an architecture, trained or not: 2^h·∏ mⱼ for h "
        "hidden layers of widths mⱼ, as its proof gives it (6^L here). The region bound "
        f"∏ (mⱼ + 1) = 4^{L} is tighter; the construction reaches 2^{L}.",
        "What this shows is measured, not a theorem: gradient-based training of this "
        "architecture typically falls far short of the 2^L pieces it can express — seed 001, "
        "'expressivity ≠ ease of learning' (Telgarsky 2016; Malach and Shalev-Shwartz 2019), "
        "and seed 000's θ₁ (the best parameter of the class) against θ₃ (the one an "
        "optimiser returns).",
    ]


SCENE = Scene(
    id="learnability",
    title="Expressible is not learnable: Δ^L built against Δ^L trained",
    chapter=DEPTH,
    summary=(
        "The exact 2^L-piece construction against the same architecture trained by Adam and a "
        "shallow net: fits, losses, exact piece counts."
    ),
    primary_plot="fits",
    source="001 (expressivity ≠ ease of learning); 000; 003, Proposition 4.1, Lemma 4.9",
    statement=(
        r"$\Delta^L$ is computed exactly by a network of $3L$ nodes and $2L$ layers with "
        r"$2^L$ affine pieces (Proposition 4.1), and no network of that architecture has more "
        r"than $2^{L}\prod_j m_j$ pieces (Lemma 4.9). Whether gradient-based training finds "
        r"the construction is a different question: expressivity is not learnability."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "pieces_construction": "pieces of the construction Δ^L",
        "pieces_trained": "pieces of the trained networks (median over restarts)",
        "l2_error_trained": "L² error of the trained networks (median over restarts)",
        "l2_error_construction": "L² error of the construction",
        "pieces_shallow": "pieces of the shallow network",
        "l2_error_shallow": "L² error of the shallow network",
        "pieces_trained_max": "pieces of the trained networks (most over restarts)",
        "lemma_4_9_bound": "Lemma 4.9's bound for the architecture",
        "steps": "Adam steps at this checkpoint",
    },
)
