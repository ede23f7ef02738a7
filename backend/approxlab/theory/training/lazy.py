"""Lazy training: gradient descent near initialization (seed 003, chapter 3).

The model is the notes' two-layer network with the scaling of §3.2 (ρ = 1):

    F(x; V) = (1/√m) Σ_j a_j σ(v_jᵀx),   a_j ∈ {±1} fixed,   v_{0,j} ~ N(0, I₂)

(Remark 3.2's draw, :func:`approxlab.theory.near_init.two_layer.initialization`; the
``1/√m`` "absorbed in the initialization of a_j", so ``‖a‖∞ = 1/√m`` in Propositions 3.4
and 3.7).  Only ``V`` is trained, by full-batch gradient descent with step ``η`` on
``(1/2n) Σ_i (F(x_i; V) − y_i)²`` over ``n`` equally spaced points ``x_i`` of the unit
circle (:mod:`approxlab.theory.training.engine`).

Next to the trained network ``F(·; V_t)`` this module computes

- its Taylor expansion at the *same* weights, ``F₀(·; V_t) = F(·; V₀) + ⟨∂F(·; V₀),
  V_t − V₀⟩`` (Definition 3.1), and the gap ``F − F₀`` — exactly over the circle
  (:mod:`approxlab.theory.near_init.circle`: both are piecewise sinusoids);
- *kernel gradient descent with k_m*: the linearization ``F₀(·; Ṽ)`` trained by the same
  gradient descent.  Its gradient is the constant ``∂F(x; V₀)``, so on the training inputs
  the residual evolves as ``r̃_t = (I − ηK/n)^t r₀`` with the Gram matrix
  ``K_{ik} = ⟨∂F(x_i; V₀), ∂F(x_k; V₀)⟩ = k_m(x_i, x_k)`` (Theorem 3.19's empirical
  kernel), in closed form from one eigendecomposition;
- how far the weights moved, ``B_t = ‖V_t − V₀‖_F``, and the units whose activation at a
  training input flipped, against Lemma 3.8 / eq. (3.9) and Proposition 3.7 at ``B_t``.

Proposition 3.7 and Lemma 3.8 are stated for one fixed input and a radius ``B`` chosen
before the draw of ``V₀``; here they are applied at the ``n`` training inputs and at the
radius the training produced.  So the statements are used with a union bound over the
``n`` inputs and over the dyadic radii ``2^k`` (``k ∈ ℤ``): with ``B̄ = 2^⌈log₂ B⌉ < 2B`` and
``δ′ = δ / (n · c · (|k| + 1)²)``, ``c = Σ_{k∈ℤ} (|k| + 1)^{−2} = π²/3 − 1``, the failure
probabilities add up to at most ``δ`` (:func:`union_radius`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.near_init import circle
from approxlab.theory.near_init.two_layer import initialization
from approxlab.theory.training import engine

#: Gradient-descent step size η (stable: η·λ_max(K/n) ≈ 0.5 for the unpadded k_m).
ETA = 4.0
#: Gradient-descent steps per run, and checkpoints (log-spaced).
STEPS = 400
CHECKPOINTS = 40
#: Failure probability δ of the probabilistic statements (Lemma 3.8, Proposition 3.7).
DELTA = 0.05
#: Widths of the "against m" curves (the current m is added).
SWEEP_WIDTHS = (16, 64, 256, 1024, 4096)
#: ``Σ_{k∈ℤ} (|k| + 1)^{−2}``: normalizes the union bound over the dyadic radii.
RADIUS_UNION = np.pi**2 / 3.0 - 1.0

TARGETS: dict[str, tuple[str, object]] = {
    "cos2": ("cos 2t", lambda t: np.cos(2.0 * t)),
    "abs_sin": ("|sin t|", lambda t: np.abs(np.sin(t))),
    "mixed": ("sin t − cos 2t / 2", lambda t: np.sin(t) - 0.5 * np.cos(2.0 * t)),
}


def target(name: str, t: np.ndarray) -> np.ndarray:
    return TARGETS[name][1](np.asarray(t, dtype=float))  # type: ignore[operator]


def training_angles(n: int) -> np.ndarray:
    """``t_i = 2πi/n``: the training inputs ``x_i = (cos t_i, sin t_i)``."""
    return 2.0 * np.pi * np.arange(n) / n


@dataclass(frozen=True)
class LazyRun:
    """One training run and what every checkpoint needs cheaply."""

    m: int
    n: int
    a: np.ndarray  # outer signs (m,)
    V0: np.ndarray  # (m, 2)
    run: engine.Run
    distance: np.ndarray  # ‖V_t − V₀‖_F per checkpoint
    relative: np.ndarray  # ‖V_t − V₀‖_F / ‖V₀‖_F per checkpoint
    flips: np.ndarray  # (checkpoints, n): units flipped at each training input

    def weights(self, k: int) -> np.ndarray:
        return self.run.at(k)[0][0][0]


@lru_cache(maxsize=20)
def lazy_run(m: int, n: int, target_name: str, seed: int) -> LazyRun:
    """Train the width-``m`` network on ``n`` points (cached: the step slider only reads)."""
    init = initialization(m, 2, seed)
    t = training_angles(n)
    X = circle.circle_points(t)
    run = engine.train(
        engine.two_layer(init.V0, init.a),
        X,
        target(target_name, t),
        optimizer="gd",
        lr=ETA,
        steps=STEPS,
        checkpoints=CHECKPOINTS,
        trainable=engine.TWO_LAYER_TRAINABLE,
    )
    Vs = [w[0][0][0] for w in run.weights]
    distance = np.array([np.linalg.norm(V - init.V0) for V in Vs])
    active0 = X @ init.V0.T >= 0.0  # (n, m)
    flips = np.array([np.count_nonzero((X @ V.T >= 0.0) != active0, axis=1) for V in Vs])
    return LazyRun(
        m=m,
        n=n,
        a=init.a,
        V0=init.V0,
        run=run,
        distance=distance,
        relative=distance / np.linalg.norm(init.V0),
        flips=flips,
    )


# --- bounds ------------------------------------------------------------------------------


def union_radius(B, n: int, delta: float = DELTA) -> tuple[np.ndarray, np.ndarray]:
    """``(B̄, δ′)``: the dyadic radius ``B̄ = 2^⌈log₂ B⌉`` (0 for B = 0) and the failure
    probability ``δ′ = δ/(n·c·(|k| + 1)²)`` each (input, radius) pair gets in the union
    bound over the ``n`` training inputs and all radii ``2^k``."""
    B = np.asarray(B, dtype=float)
    with np.errstate(divide="ignore"):
        k = np.where(B > 0, np.ceil(np.log2(np.where(B > 0, B, 1.0))), 0.0)
    Bbar = np.where(B > 0, np.exp2(k), 0.0)
    return Bbar, delta / (n * RADIUS_UNION * (np.abs(k) + 1.0) ** 2)


def prop_3_7_bound(m, B, delta, a_inf):
    """Proposition 3.7: ``‖a‖∞ m^{1/3} (4B^{4/3} + 2B ln(1/δ)^{1/4})``."""
    B = np.asarray(B, dtype=float)
    m = np.asarray(m, dtype=float)
    return a_inf * np.cbrt(m) * (4.0 * B ** (4.0 / 3.0) + 2.0 * B * np.log(1.0 / delta) ** 0.25)


def flip_bound(m, B, delta):
    """Units that can flip at one input when ``‖V − V₀‖_F ≤ B`` (eq. 3.9 with ``W = V₀``):
    ``|S₁ ∪ S₃| ≤ mτ + √((m/2) ln(1/δ)) + B²/τ²`` with the proof's ``τ = B^{2/3}/m^{1/3}``
    (Lemma 3.8 with the Hoeffding term of its proof)."""
    m = np.asarray(m, dtype=float)
    B = np.asarray(B, dtype=float)
    tau = np.cbrt(B**2 / m)
    with np.errstate(divide="ignore", invalid="ignore"):
        s3 = np.where(tau > 0, B**2 / np.where(tau > 0, tau, 1.0) ** 2, 0.0)
    return m * tau + np.sqrt(0.5 * m * np.log(1.0 / delta)) + s3


def prop_3_7_at_inputs(m: int, n: int, B):
    """Proposition 3.7 at all ``n`` training inputs at once, for the measured radius ``B``
    (union bound, :func:`union_radius`), with ``‖a‖∞ = 1/√m``."""
    Bbar, dprime = union_radius(B, n)
    return prop_3_7_bound(m, Bbar, dprime, 1.0 / np.sqrt(m))


def flips_at_inputs(m: int, n: int, B):
    """eq. (3.9) at all ``n`` training inputs at once, for the measured radius ``B``."""
    Bbar, dprime = union_radius(B, n)
    return flip_bound(m, Bbar, dprime)


# --- the gap between the network and its linearization ----------------------------------


@dataclass(frozen=True)
class GapAtInputs:
    """``F(x_i; V) − F₀(x_i; V)`` at the training inputs, as in eq. (3.6):
    ``Σ_j c_j (1[v_jᵀx ≥ 0] − 1[v₀,ⱼᵀx ≥ 0]) v_jᵀx = Σ_{j flipped at x} c_j |v_jᵀx|`` — only
    the flipped units contribute, each with the per-unit Taylor remainder
    ``σ(z₀ + Δ) − σ(z₀) − 1[z₀ ≥ 0]Δ = |z₀ + Δ|`` (no cancellation between large sums)."""

    gap: np.ndarray  # (n,)
    flipped: np.ndarray  # (n, m) bool: 1[v_jᵀx_i ≥ 0] ≠ 1[v₀,ⱼᵀx_i ≥ 0]
    rounding: float  # allowance: a few ulps of Σ_j |c_j| |v_jᵀx| (the terms summed)


def gap_at_inputs(X: np.ndarray, V0: np.ndarray, V: np.ndarray, c: np.ndarray) -> GapAtInputs:
    Z = X @ V.T
    flipped = (Z >= 0.0) != (X @ V0.T >= 0.0)
    terms = np.abs(Z)
    terms *= flipped
    scale = float(np.max(np.abs(Z), initial=0.0)) * float(np.sum(np.abs(c)))
    return GapAtInputs(terms @ c, flipped, 4.0 * np.finfo(float).eps * scale)


def gap_on_circle(V0: np.ndarray, V: np.ndarray, c: np.ndarray) -> circle.CircleSum:
    """``F(·; V) − F₀(·; V) = Σ_j c_j (1[v_jᵀx ≥ 0] − 1[v₀,ⱼᵀx ≥ 0]) v_jᵀx`` on the circle,
    exactly (a piecewise sinusoid)."""
    return circle.relu_sum(np.vstack([V, V0]), np.vstack([V, V]), np.concatenate([c, -c]))


# --- the analysis of one run -------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """Everything shown at one checkpoint of one run."""

    step: int
    loss: float
    distance: float
    relative: float
    flips: np.ndarray  # (n,) at the training inputs
    gap_inputs: np.ndarray  # (n,) F − F₀ at the training inputs (per-unit remainders)
    proof_bound_inputs: np.ndarray  # (n,) ‖a‖∞ Σ_{flipped j} ‖v_j − v₀,ⱼ‖
    rounding_inputs: float  # rounding allowance of gap_inputs
    network: circle.CircleSum  # F(·; V_t) on the circle
    taylor: circle.CircleSum  # F₀(·; V_t)
    gap: circle.CircleSum  # F(·; V_t) − F₀(·; V_t)
    kernel: circle.CircleSum  # F₀(·; Ṽ_t): kernel gradient descent with k_m
    sup_gap: float
    sup_gap_at: float  # angle (radians)
    sup_to_kernel: float  # sup over the circle of |F(·; V_t) − F₀(·; Ṽ_t)|


@dataclass(frozen=True)
class KernelDescent:
    """Gradient descent on the linearization ``F₀(·; Ṽ)`` (kernel k_m), in closed form."""

    mu: np.ndarray  # eigenvalues of K/n (ascending)
    U: np.ndarray  # eigenvectors
    r0: np.ndarray  # initial residuals F(x_i; V₀) − y_i
    active: np.ndarray  # (n, m) float 1[v₀,ⱼᵀx_i ≥ 0]

    def decay(self, t) -> np.ndarray:
        """``(1 − ημ)^t`` for every eigenvalue (rows: the ``t`` given)."""
        t = np.atleast_1d(np.asarray(t, dtype=float))[:, None]
        return np.power(1.0 - ETA * self.mu[None, :], t)

    def loss(self, t) -> np.ndarray:
        """``(1/2n)‖r̃_t‖²`` after ``t`` steps (array of t)."""
        coef = self.U.T @ self.r0
        return 0.5 * (self.decay(t) ** 2 @ coef**2) / self.r0.size

    def coefficients(self, t: int) -> np.ndarray:
        """``c_t = (η/n) Σ_{s<t} r̃_s = U diag((1 − (1 − ημ)^t)/(nμ)) Uᵀ r₀`` (ηt/n at μ = 0):
        then ``Ṽ_t − V₀ = −Σ_i c_{t,i} ∂F(x_i; V₀)``."""
        n = self.r0.size
        x = ETA * self.mu
        pos = self.mu > 0
        safe = np.where(pos, x, 1.0)
        small = np.abs(safe) < 0.5
        done = np.where(
            small,
            -np.expm1(t * np.log1p(-np.where(small, safe, 0.0))),
            1.0 - np.power(1.0 - safe, t),
        )
        phi = np.where(pos, done / (n * np.where(pos, self.mu, 1.0)), ETA * t / n)
        return self.U @ (phi * (self.U.T @ self.r0))

    def weights(self, t: int, V0: np.ndarray, a: np.ndarray, X: np.ndarray) -> np.ndarray:
        """``Ṽ_t``: row j moves by ``−(a_j/√m) Σ_i c_i 1[v₀,ⱼᵀx_i ≥ 0] x_i``."""
        c = self.coefficients(t)
        return V0 - (a / np.sqrt(a.size))[:, None] * (self.active.T @ (c[:, None] * X))


def kernel_descent(lr: LazyRun, target_name: str) -> KernelDescent:
    """The Gram matrix of ``k_m`` on the training inputs and its eigendecomposition."""
    t = training_angles(lr.n)
    X = circle.circle_points(t)
    S = (X @ lr.V0.T >= 0.0).astype(float)  # σ′ = 1[z ≥ 0], the notes' selection
    K = (X @ X.T) * (S @ S.T) / lr.m  # k_m(x_i, x_k): a_j² = 1, 1/√m twice
    mu, U = np.linalg.eigh(K / lr.n)
    f0 = np.maximum(X @ lr.V0.T, 0.0) @ lr.a / np.sqrt(lr.m)
    return KernelDescent(mu=np.maximum(mu, 0.0), U=U, r0=f0 - target(target_name, t), active=S)


def checkpoint(lr: LazyRun, kd: KernelDescent, k: int) -> Checkpoint:
    """The network, its linearization and kernel gradient descent at checkpoint ``k``."""
    step = int(lr.run.steps[k])
    V, V0 = lr.weights(k), lr.V0
    c = lr.a / np.sqrt(lr.m)
    X = circle.circle_points(training_angles(lr.n))
    at = gap_at_inputs(X, V0, V, c)
    proof = at.flipped @ np.linalg.norm(V - V0, axis=1) / np.sqrt(lr.m)
    pattern0 = circle.pattern(V0)
    net = circle.network_sum(V, c)
    taylor = circle.sum_over(pattern0, V, c)
    gap = gap_on_circle(V0, V, c)
    sup, where = gap.sup_abs()
    kernel = circle.sum_over(pattern0, kd.weights(step, V0, lr.a, X), c)
    to_kernel, _ = circle.difference(net, kernel).sup_abs()
    return Checkpoint(
        step=step,
        loss=float(lr.run.loss[step, 0]),
        distance=float(lr.distance[k]),
        relative=float(lr.relative[k]),
        flips=lr.flips[k],
        gap_inputs=at.gap,
        proof_bound_inputs=proof,
        rounding_inputs=at.rounding,
        network=net,
        taylor=taylor,
        gap=gap,
        kernel=kernel,
        sup_gap=sup,
        sup_gap_at=where,
        sup_to_kernel=to_kernel,
    )


@dataclass(frozen=True)
class Analysis:
    """One run with its kernel descent and the gap at every checkpoint."""

    run: LazyRun
    kernel: KernelDescent
    sup_gaps: np.ndarray  # sup over the circle of |F − F₀| per checkpoint
    max_gaps_inputs: np.ndarray  # max over the training inputs of |F − F₀| per checkpoint


@lru_cache(maxsize=8)
def analysis(m: int, n: int, target_name: str, seed: int) -> Analysis:
    """:func:`lazy_run` with the kernel descent and the gap at every checkpoint (cached)."""
    lr = lazy_run(m, n, target_name, seed)
    kd = kernel_descent(lr, target_name)
    X = circle.circle_points(training_angles(n))
    c = lr.a / np.sqrt(m)
    sups, maxes = [], []
    for k in range(lr.run.steps.size):  # a handful of checkpoints, each O(m log m)
        V = lr.weights(k)
        sups.append(gap_on_circle(lr.V0, V, c).sup_abs()[0])
        maxes.append(float(np.max(np.abs(gap_at_inputs(X, lr.V0, V, c).gap))))
    return Analysis(lr, kd, np.array(sups), np.array(maxes))


def sweep(n: int, target_name: str, seed: int, m: int) -> list[LazyRun]:
    """Runs at :data:`SWEEP_WIDTHS` and at ``m`` (sorted by width; the first units of every
    draw are shared: the initialization is prefix-consistent)."""
    widths = sorted({*SWEEP_WIDTHS, m})
    return [lazy_run(w, n, target_name, seed) for w in widths]
