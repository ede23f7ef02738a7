"""Counting affine pieces: Lemma 4.9 of seed 003 against random networks (Hanin–Rolnick).

Conventions as everywhere in approxlab: a network has ``L`` layers (affine maps) and
``L − 1`` hidden ReLU layers of widths ``m_1, …, m_{L−1}``; ``m = Σ m_j`` is its number
of nodes.  For a univariate network on an interval:

* **Exact region count.**  The knots that :func:`approxlab.theory.core.networks.propagate`
  produces after hidden layer ``ℓ`` split the interval into the activation regions of
  layers ``1..ℓ``; each unit of layer ``ℓ + 1`` switches at most once inside each region,
  so ``regions_ℓ ≤ ∏_{j≤ℓ} (m_j + 1)`` and ``N_A(f) ≤ ∏_{j<L} (m_j + 1)``
  (:func:`region_bound`, the tightest bound used here).  *Regions* count the intervals
  between switch points (activation patterns along the interval); *pieces* count maximal
  intervals on which the function is affine (collinear neighbours merged) — a node or the
  output can have fewer pieces than regions.  Both are exact
  (:mod:`approxlab.theory.core.certified`: float64 with certified error bounds, exact
  integer arithmetic wherever a decision lies within rounding).
* **Lemma 4.9, first bullet** (valid as printed): a node of hidden layer ``i`` has at most
  ``2^i ∏_{j<i} m_j`` pieces (:func:`node_piece_bound`).
* **Lemma 4.9, second bullet.**  The proof gives ``N_A(f) ≤ 2^{L−1} ∏_{j<L} m_j`` and by
  AM–GM ``≤ (2m/(L−1))^{L−1}`` (:func:`lemma_4_9_corrected`).  The printed
  ``(2m/L)^L`` (:func:`lemma_4_9_printed`) is a valid bound only if ``L`` counts *hidden*
  layers (or ``m`` includes the output unit); with ``L`` = layers and ``m`` = nodes, as the
  notes count them in Theorem 4.4, it fails: one ReLU ``σ(x)`` has 2 layers, 1 node and
  2 pieces ``> (2·1/2)^2 = 1``.  The proof's intermediate ``2^L ∏_{j≤L} m_j`` (with the
  output width ``m_L = 1``) is valid (:func:`lemma_4_9_product`).
* **Constructions.**  :func:`zigzag_network` composes the ``q``-tooth zigzag (``q`` ReLUs,
  ``q`` pieces each mapping onto ``[0, 1]``; ``q = 2`` is Δ on ``[0, 1]``) — ``q^{L−1}``
  pieces from ``L − 1`` hidden layers of width ``q``.
* **Random networks** (:func:`he_network`): He initialisation ``W ~ N(0, 2/fan_in)``,
  biases ``N(0, σ_b²)``; Hanin & Rolnick (2019; seed 001) prove the expected number of
  pieces along a line grows only linearly in the number of nodes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from approxlab.theory.core import certified
from approxlab.theory.core.checks import Check
from approxlab.theory.core.networks import (
    PiecewiseLinear,
    ReLUNetwork,
    compose,
    function_of,
    layer,
)


def hidden_widths(net: ReLUNetwork) -> list[int]:
    """Widths ``m_1, …, m_{L−1}`` of the hidden layers."""
    return [int(W.shape[0]) for W, _ in net[:-1]]


def region_bound(widths: Sequence[int]) -> float:
    """``∏_j (m_j + 1)``: the activation regions of a univariate network on an interval."""
    return float(math.prod(m + 1 for m in widths))


def node_piece_bound(widths: Sequence[int], i: int) -> float:
    """Lemma 4.9, first bullet: a node of hidden layer ``i`` (1-based) has at most
    ``2^i ∏_{j<i} m_j`` affine pieces."""
    return float(2**i * math.prod(widths[: i - 1]))


def lemma_4_9_product(widths: Sequence[int]) -> float:
    """The proof's intermediate bound ``2^L ∏_{j≤L} m_j``, with ``L = len(widths) + 1``
    layers and the output layer's width ``m_L = 1``."""
    return float(2 ** (len(widths) + 1) * math.prod(widths))


def lemma_4_9_proved(widths: Sequence[int]) -> float:
    """``2^{L−1} ∏_{j<L} m_j``: what the induction in the proof of Lemma 4.9 gives for the
    output of a network with ``L − 1 = len(widths)`` hidden layers."""
    return float(2 ** len(widths) * math.prod(widths))


def lemma_4_9_corrected(widths: Sequence[int]) -> float:
    """``(2m/(L−1))^{L−1}`` with ``m = Σ m_j`` nodes and ``L − 1 = len(widths)`` hidden
    layers: what the proof of Lemma 4.9 establishes in the notes' layer count."""
    n = len(widths)
    if n == 0:
        return 1.0
    return float((2.0 * sum(widths) / n) ** n)


def lemma_4_9_printed(nodes: int, layers: int) -> float:
    """The printed ``(2m/L)^L`` with ``m`` nodes and ``L`` layers (not always valid)."""
    return float((2.0 * nodes / layers) ** layers)


def he_network(widths: Sequence[int], rng: np.random.Generator, bias_std: float) -> ReLUNetwork:
    """A random ReLU network ``1 → m_1 → … → m_{L−1} → 1`` with He initialisation:
    ``W ~ N(0, 2/fan_in)`` entrywise, ``b ~ N(0, bias_std²)``."""
    dims = [1, *widths, 1]
    return [
        layer(
            rng.normal(0.0, math.sqrt(2.0 / dims[i]), size=(dims[i + 1], dims[i])),
            rng.normal(0.0, bias_std, size=dims[i + 1]) if bias_std > 0 else np.zeros(dims[i + 1]),
        )
        for i in range(len(dims) - 1)
    ]


def zigzag(q: int) -> ReLUNetwork:
    """The ``q``-tooth zigzag on ``[0, 1]``: ``q`` pieces of slope ``±q``, each mapping onto
    ``[0, 1]``, from ``q`` ReLUs: ``q·σ(x + 1) − q + Σ_{k=1}^{q−1} c_k σ(x − k/q)`` with
    ``c_k = ±2q`` alternating.  On ``[0, 1]``, ``zigzag(2)`` is Δ.

    The first unit is ``σ(x + 1)`` rather than ``σ(x)`` so that no unit switches at the
    valleys ``y = 0`` of the previous zigzag: rounding there would otherwise create
    spurious, float-only pieces when zigzags are composed.
    """
    k = np.arange(q)
    coef = np.where(k == 0, q, 2.0 * q * (-1.0) ** k)
    bias = np.where(k == 0, 1.0, -k / q)
    return [layer(np.ones((q, 1)), bias), layer(coef[None, :], [-float(q)])]


def zigzag_network(q: int, hidden_layers: int, domain: tuple[float, float]) -> ReLUNetwork:
    """``T_q^{n}((x − a)/(b − a))``: ``n`` hidden layers of width ``q`` and ``q^n`` pieces on
    ``domain = [a, b]`` (the affine rescaling is merged into the first layer)."""
    if q < 1 or hidden_layers < 1:
        raise ValueError("need q ≥ 1 and at least one hidden layer")
    a, b = domain
    net = compose(zigzag(q), [layer([[1.0 / (b - a)]], [-a / (b - a)])])
    for _ in range(hidden_layers - 1):
        net = compose(zigzag(q), net)
    return net


@dataclass(frozen=True)
class PieceProfile:
    """Exact counts of one univariate network on an interval.

    ``regions[ℓ]`` — activation regions after hidden layer ``ℓ + 1``; ``node_pieces[ℓ]`` —
    the most pieces of any node (post-ReLU) of hidden layer ``ℓ + 1``; ``pieces`` — maximal
    affine pieces of the output; ``knots``/``values`` — the output's knots (float64, within
    ``knot_error``/``value_error`` of the exact ones; exact knots closer than float64 can
    separate share one entry).  ``breaks`` marks the interior knots that are breakpoints of
    the output; ``recounted`` lists the sub-intervals that were counted in exact arithmetic
    because a float64 decision there lay within rounding.
    """

    regions: list[int]
    node_pieces: list[int]
    pieces: int
    knots: np.ndarray
    values: np.ndarray
    breaks: np.ndarray | None = field(default=None, compare=False, repr=False)
    knot_error: np.ndarray | None = field(default=None, compare=False, repr=False)
    value_error: np.ndarray | None = field(default=None, compare=False, repr=False)
    recounted: list[tuple[float, float]] = field(default_factory=list, compare=False)

    def function(self) -> PiecewiseLinear:
        """The output as a :class:`PiecewiseLinear` with its exact breakpoints."""
        return PiecewiseLinear(self.knots, self.values, self.breaks, self.pieces)


class WorkLimitError(ValueError):
    """Raised by :func:`profile` when propagation would exceed its work or float64 limits."""


def profile(
    net: ReLUNetwork,
    domain: tuple[float, float],
    max_knots: int | None = None,
    max_work: int | None = None,
    max_exact_work: int | None = None,
) -> PieceProfile:
    """Exact region, node-piece and output-piece counts by breakpoint propagation.

    ``max_knots`` bounds the knots of any layer (:class:`KnotLimitError`); ``max_work``
    bounds Σ over layers of knots × width; non-finite values (float64 overflow on the
    domain) are refused, and so is a network whose decisions lie within float64 rounding
    on a part too large to recount in exact arithmetic (more than ``max_exact_work``
    multiply-adds of big integers; default
    :data:`~approxlab.theory.core.certified.EXACT_BUDGET`) — all three with
    :class:`WorkLimitError` naming the reason.
    """
    return profiles([net], domain, max_knots, max_work, max_exact_work)[0]


def profiles(
    nets: Sequence[ReLUNetwork],
    domain: tuple[float, float],
    max_knots: int | None = None,
    max_work: int | None = None,
    max_exact_work: int | None = None,
) -> list[PieceProfile]:
    """:func:`profile` of many networks of one architecture, propagated together (one
    vectorized pass per layer; the same counts as one by one)."""
    domain = (float(domain[0]), float(domain[1]))
    try:
        budget = certified.Budget(max_exact_work)
        counts = certified.count(
            list(nets), [domain] * len(nets), max_knots, max_work, True, budget
        )
    except (certified.WorkLimitError, certified.FloatRangeError, certified.ExactBudgetError) as e:
        raise WorkLimitError(str(e)) from e
    return [_profile_of(c) for c in counts]


def _profile_of(c: certified.Count) -> PieceProfile:
    f = function_of(c)
    kerr, verr = c.knot_err, c.value_err
    if f.x.size != c.knots.size:  # float-equal knots merged: the larger bound
        starts = np.flatnonzero(np.concatenate([[True], np.diff(c.knots) > 0]))
        kerr, verr = np.maximum.reduceat(kerr, starts), np.maximum.reduceat(verr, starts)
    return PieceProfile(
        regions=[n + 1 for n in c.interior],
        node_pieces=[1 + int(np.max(nb)) for nb in c.node_breaks],
        pieces=c.pieces,
        knots=f.x,
        values=f.y,
        breaks=f.breaks,
        knot_error=kerr,
        value_error=verr,
        recounted=list(c.recounted),
    )


@dataclass(frozen=True)
class PieceReport:
    """What ``POST /api/v1/pieces`` answers: the exact count of a network and Lemma 4.9's
    inequalities on it (:func:`report`)."""

    pieces: int
    breakpoints: np.ndarray
    bound: float
    bound_formula: str
    lemma_4_9_bound: float
    knots_x: np.ndarray
    knots_y: np.ndarray
    regions: list[int]
    hidden_widths: list[int]
    layers: int
    nodes: int
    checks: list[Check]


def report(
    net: ReLUNetwork,
    domain: tuple[float, float],
    max_knots: int | None = None,
    max_work: int | None = None,
    max_exact_work: int | None = None,
) -> PieceReport:
    """Exact pieces and breakpoints of ``net`` on ``domain``, the region bound
    ``∏ (m_j + 1)`` and Lemma 4.9's ``2^{L−1} ∏ m_j``, with the two inequalities as checks.
    Limits and errors as in :func:`profile`."""
    widths = hidden_widths(net)
    prof = profile(net, domain, max_knots, max_work, max_exact_work)
    out = prof.function()
    simple = out.simplified()
    bound = region_bound(widths)
    lemma = lemma_4_9_proved(widths)
    return PieceReport(
        pieces=prof.pieces,
        breakpoints=out.breakpoints(),
        bound=bound,
        bound_formula="∏_j (m_j + 1) over the hidden layers' widths m_j",
        lemma_4_9_bound=lemma,
        knots_x=simple.x,
        knots_y=simple.y,
        regions=prof.regions,
        hidden_widths=widths,
        layers=len(net),
        nodes=int(sum(widths)),
        checks=[
            Check("pieces ≤ ∏_j (m_j + 1)", prof.pieces, bound, "<="),
            Check("∏_j (m_j + 1) ≤ 2^(L−1) ∏_j m_j (Lemma 4.9)", bound, lemma, "<="),
        ],
    )


# ----------------------------------------------------------------------------- the scene's
# study: random networks against Lemma 4.9 and the zigzag construction (scene ``pieces``)


def construction_teeth(width: int, hidden_layers: int, max_pieces: int) -> int:
    """Largest ``q ≤ width`` whose zigzag ``T_q^{hidden_layers}`` has ``≤ max_pieces`` pieces
    (``q^{hidden_layers}``, :func:`zigzag_network`); at least 1."""
    q = width
    while q > 1 and q**hidden_layers > max_pieces:
        q -= 1
    return q


def he_networks(
    widths: Sequence[int], samples: int, seed: int, bias_std: float
) -> list[ReLUNetwork]:
    """``samples`` He-initialised networks (:func:`he_network`) drawn from one seeded stream."""
    rng = np.random.default_rng(seed)
    return [he_network(widths, rng, bias_std) for _ in range(samples)]


@dataclass(frozen=True)
class Census:
    """Exact counts of many networks of one architecture (rows: networks).

    ``pieces[i]`` — maximal affine pieces of network ``i``; ``regions[i, ℓ]`` — its
    activation regions after hidden layer ``ℓ + 1``; ``node_pieces[i, ℓ]`` — the most pieces
    of any node of hidden layer ``ℓ + 1``.
    """

    profiles: list[PieceProfile]
    pieces: np.ndarray
    regions: np.ndarray
    node_pieces: np.ndarray


def census(nets: Sequence[ReLUNetwork], domain: tuple[float, float]) -> Census:
    """:func:`profiles` of ``nets`` gathered into arrays."""
    prs = profiles(nets, domain)
    return Census(
        prs,
        np.array([pr.pieces for pr in prs]),
        np.array([pr.regions for pr in prs]),
        np.array([pr.node_pieces for pr in prs]),
    )


@dataclass(frozen=True)
class LayerBounds:
    """Lemma 4.9's bounds after each hidden layer ``ℓ = 1..n`` of widths ``m_j``.

    ``regions`` — ``∏_{j≤ℓ} (m_j + 1)``; ``proved`` — ``(2m/ℓ)^ℓ`` with ``m = Σ_{j≤ℓ} m_j``
    (:func:`lemma_4_9_corrected` of the first ``ℓ`` layers); ``printed`` — the printed
    ``(2m/L)^L`` with ``L = ℓ + 1`` layers (:func:`lemma_4_9_printed`, width ``m_1``
    throughout); ``node`` — the first bullet's ``2^ℓ ∏_{j<ℓ} m_j`` for a node of layer ``ℓ``.
    """

    layers: np.ndarray
    regions: np.ndarray
    proved: np.ndarray
    printed: np.ndarray
    node: np.ndarray


def bounds_by_layer(widths: Sequence[int]) -> LayerBounds:
    """:class:`LayerBounds` of a network with hidden widths ``widths`` (equal widths for
    ``printed``, which the notes state for ``m`` nodes spread over ``L`` layers)."""
    ell = range(1, len(widths) + 1)
    w = widths[0]
    return LayerBounds(
        layers=np.arange(1, len(widths) + 1),
        regions=np.array([region_bound(widths[:i]) for i in ell]),
        proved=np.array([lemma_4_9_corrected(widths[:i]) for i in ell]),
        printed=np.array([lemma_4_9_printed(w * i, i + 1) for i in ell]),
        node=np.array([node_piece_bound(widths, i) for i in ell]),
    )


def node_bound_ratio(node_pieces: np.ndarray, widths: Sequence[int]) -> float:
    """``max_i max_networks node_pieces_i / (2^i ∏_{j<i} m_j)`` — ``≤ 1`` is Lemma 4.9's
    first bullet in every hidden layer ``i`` (``node_pieces`` has one row per network)."""
    return float(np.max(node_pieces.max(axis=0) / bounds_by_layer(widths).node))
