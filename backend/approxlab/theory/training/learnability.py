"""Expressivity against learnability: Δ^L built, and Δ^L learned (seed 001, "expressivity ≠
ease of learning"; seed 000, θ₁ against θ₃).

The construction (seed 003, Proposition 4.1) is Δ^L itself: ``L`` hidden layers of width
3 (3L nodes; 2L layers in the notes' count, ``L + 1`` affine maps once each Δ's output map
is merged into the next one's input map), ``2^L`` affine pieces, zero error.  The *same
architecture* ``1 → 3 → … → 3 → 1`` is trained from random initialisations by full-batch
Adam on ``(1/2n) Σ_i (f(x_i) − Δ^L(x_i))²`` at ``n`` midpoints of ``[0, 1]``, several seeded
restarts in lockstep (:mod:`approxlab.theory.training.engine`), beside a shallow network
``1 → (4L − 1) → 1`` with exactly the same number of parameters (``12L − 2``).

Initialisation: He (weights ``N(0, 2/fan-in)``, biases ``N(0, 0.1²)``;
:func:`approxlab.theory.depth.pieces.he_network`), except that the first layer's biases
are drawn so that its kinks ``−b/w`` fall uniformly in ``[0, 1]`` — else many would start
outside the domain and the comparison would be with dead units.

Every trained network is measured exactly: its affine pieces on ``[0, 1]`` by breakpoint
propagation (:func:`approxlab.theory.core.networks.breakpoints`) and its ``L²`` error against
Δ^L by integrating the squared difference of two piecewise-linear functions over the union
of their knots (:func:`l2_distance`) — no grid.  Lemma 4.9 bounds the pieces of *every*
network of the architecture: ``2^{L}·∏ m_j = 6^L`` for ``L`` hidden layers of width 3, and
``2m`` for one hidden layer of width ``m``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.core.networks import PiecewiseLinear, ReLUNetwork, breakpoints
from approxlab.theory.depth.pieces import he_network, lemma_4_9_proved, profiles
from approxlab.theory.depth.sawtooth import sawtooth
from approxlab.theory.training import engine

WIDTH = 3
POINTS = 256
STEPS = 1500
LEARNING_RATE = 0.01
CHECKPOINTS = 40
BIAS_STD = 0.1
#: Stream of the shallow network's draw (the restarts use streams 0 … R − 1).
SHALLOW_STREAM = 1_000


def deep_widths(L: int) -> list[int]:
    return [WIDTH] * L


def shallow_width(L: int) -> int:
    """``4L − 1``: one hidden layer with the deep network's ``12L − 2`` parameters."""
    return 4 * L - 1


def parameters(widths: list[int]) -> int:
    dims = [1, *widths, 1]
    return sum(dims[i + 1] * (dims[i] + 1) for i in range(len(dims) - 1))


def training_inputs(n: int = POINTS) -> np.ndarray:
    """The midpoints ``(i + ½)/n`` of ``[0, 1]``."""
    return (np.arange(n) + 0.5) / n


def target_pl(L: int) -> PiecewiseLinear:
    """Δ^L exactly: knots ``k/2^L``, values alternating 0, 1, 0, … (Proposition 4.1)."""
    k = np.arange(2**L + 1)
    return PiecewiseLinear(np.ldexp(k.astype(float), -L), (k % 2).astype(float))


def target(L: int, x: np.ndarray) -> np.ndarray:
    return target_pl(L)(x)


def initial_network(widths: list[int], rng: np.random.Generator) -> ReLUNetwork:
    """He initialisation, first-layer kinks uniform in ``[0, 1]``."""
    net = he_network(widths, rng, BIAS_STD)
    W, _ = net[0]
    net[0] = (W, -W[:, 0] * rng.uniform(0.0, 1.0, W.shape[0]))
    return net


def restart_networks(L: int, restarts: int, seed: int) -> list[ReLUNetwork]:
    """The initial networks of the restarts: restart ``r`` draws from ``(seed, r)``."""
    return [
        initial_network(deep_widths(L), np.random.default_rng([seed, r])) for r in range(restarts)
    ]


def shallow_network(L: int, seed: int) -> ReLUNetwork:
    return initial_network([shallow_width(L)], np.random.default_rng([seed, SHALLOW_STREAM]))


def l2_distance(f: PiecewiseLinear, g: PiecewiseLinear) -> float:
    """``(∫ (f − g)²)^{1/2}`` over the common domain, exactly: on each segment between
    consecutive knots of either function the difference is affine, ``d₀ → d₁`` over a
    length ``h``, and ``∫ = h (d₀² + d₀d₁ + d₁²)/3``."""
    x = np.union1d(f.x, g.x)
    d = f(x) - g(x)
    h = np.diff(x)
    return float(np.sqrt(np.sum(h * (d[:-1] ** 2 + d[:-1] * d[1:] + d[1:] ** 2)) / 3.0))


@dataclass(frozen=True)
class Measured:
    """Exact piece counts and L² errors of networks at every checkpoint."""

    pieces: np.ndarray  # (checkpoints, networks)
    l2: np.ndarray  # (checkpoints, networks)


def measure(run: engine.Run, L: int) -> Measured:
    """Pieces and L² error against Δ^L of every network of the run at every checkpoint.

    The restarts of one checkpoint are propagated together
    (:func:`approxlab.theory.depth.pieces.profiles`: the same exact counts as
    :func:`~approxlab.theory.core.networks.breakpoints`, one vectorized pass per layer)."""
    goal = target_pl(L)
    R = run.loss.shape[1]
    pieces = np.zeros((run.steps.size, R), dtype=np.int64)
    l2 = np.zeros((run.steps.size, R))
    for k in range(run.steps.size):  # a few dozen checkpoints
        nets = [engine.unstack(run.at(k), r) for r in range(R)]
        for r, pr in enumerate(profiles(nets, (0.0, 1.0))):
            pieces[k, r] = pr.pieces
            l2[k, r] = l2_distance(PiecewiseLinear(pr.knots, pr.values), goal)
    return Measured(pieces, l2)


@dataclass(frozen=True)
class Experiment:
    L: int
    restarts: int
    seed: int
    deep: engine.Run
    shallow: engine.Run
    deep_measured: Measured
    shallow_measured: Measured
    construction: ReLUNetwork
    construction_pieces: int
    construction_l2: float

    @property
    def steps(self) -> np.ndarray:
        return self.deep.steps

    def deep_network(self, k: int, r: int) -> ReLUNetwork:
        return engine.unstack(self.deep.at(k), r)

    def shallow_network(self, k: int) -> ReLUNetwork:
        return engine.unstack(self.shallow.at(k), 0)

    @property
    def lemma_4_9(self) -> float:
        """Lemma 4.9 (as proved) for the deep architecture: ``2^L ∏ m_j``."""
        return lemma_4_9_proved(deep_widths(self.L))

    @property
    def lemma_4_9_shallow(self) -> float:
        return lemma_4_9_proved([shallow_width(self.L)])


@lru_cache(maxsize=8)
def experiment(L: int, restarts: int, seed: int) -> Experiment:
    """Train the restarts and the shallow network once; measure every checkpoint (cached:
    the step slider only reads)."""
    x = training_inputs()
    y = target(L, x)

    def fit(nets: list[ReLUNetwork]) -> engine.Run:
        return engine.train(
            engine.stack(nets),
            x,
            y,
            optimizer="adam",
            lr=LEARNING_RATE,
            steps=STEPS,
            checkpoints=CHECKPOINTS,
        )

    deep = fit(restart_networks(L, restarts, seed))
    shallow = fit([shallow_network(L, seed)])
    built = sawtooth(L)
    exact = breakpoints(built, (0.0, 1.0))
    return Experiment(
        L=L,
        restarts=restarts,
        seed=seed,
        deep=deep,
        shallow=shallow,
        deep_measured=measure(deep, L),
        shallow_measured=measure(shallow, L),
        construction=built,
        construction_pieces=exact.pieces(),
        construction_l2=l2_distance(exact, target_pl(L)),
    )
