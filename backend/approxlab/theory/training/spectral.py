"""Spectral bias: low frequencies are learned first (seed 001; Rahaman et al. 2019), as the
NTK of seed 003 predicts.

Inputs are the padded circle of Remark 3.24 / Proposition 3.25,
``x(t) = (cos t/√2, sin t/√2, 1/√2)``, on which every Fourier coefficient ``λ_k`` of
``k_∞`` is positive (:mod:`approxlab.theory.near_init.kernel_fit`; without the padding the
odd ones ≥ 3 vanish and those frequencies would never be learned).  The network is chapter
3's ``F(x; V) = (1/√m) Σ_j a_j σ(v_jᵀx)``, ``a_j = ±1`` fixed, only ``V`` trained by gradient
descent with step ``η`` on ``(1/2n) Σ_i (F(x_i) − y_i)²`` at the ``n`` points ``t_i = 2πi/n``,
for the target ``y = A (sin k₁t + sin k₂t + sin k₃t)``.

Initialization: Remark 3.2's draw (``a_j ~ Discrete(±1)``, ``v_{0,j} ~ N(0, I₃)``) for
``m/2`` units, each copied with the opposite outer sign (the "doubling trick" of the lazy
training literature), so that ``F(·; V₀) = 0``: the residual starts as the target itself,
and the empirical kernel is that of ``m/2`` Gaussian units — still ``→ k_∞``.  The
amplitude ``A`` sets how far the weights must move: the kernel picture is a statement
about weights that barely move (chapter 3), so it is accurate for small ``A/√m``.

Kernel prediction.  Gradient descent on the linearization with the limiting kernel moves
the training residual by ``r ← (I − ηK/n) r``, ``K = [k_∞(x_i, x_j)]``.  On equally spaced
points ``K`` is circulant, so the discrete Fourier transform diagonalizes it *exactly*: the
residual's component at frequency ``k`` is multiplied by ``1 − ημ_k`` every step, where
``μ_k = (1/n) Σ_j κ(2πj/n) cos(2πjk/n) = Σ_{l ≡ ±k (mod n)} λ_l`` is ``λ_k`` plus its
aliases.  Its half-life is ``ln 2 / (−ln(1 − ημ_k))`` steps.  With small steps and many
points this is the gradient flow ``exp(−ηλ_k t)`` of half-life ``ln 2/(ηλ_k)``.

Measured.  The residual of the trained network at frequency ``k`` is the modulus of its
DFT coefficient, ``|(2/n) Σ_i r_i e^{−ikt_i}|``; its half-life is the first step at which it
is at most half its initial value, interpolated geometrically between the two steps
around the crossing (exact for a geometric decay).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.near_init import kernel_fit
from approxlab.theory.near_init.two_layer import initialization
from approxlab.theory.training import engine

#: Training points ``t_i = 2πi/n``.
POINTS = 32
#: Largest frequency (Nyquist of the grid is 16; the aliases are in μ_k exactly).
K_MAX = 8
#: Gradient-descent step size η: η·μ₀ ≈ 0.8 for the padded k_∞ (stable below 2).
ETA = 4.0
#: A run lasts until the kernel predicts the slowest frequency's residual at 1/16:
#: four of its half-lives, within these limits.
HALF_LIVES = 4
MIN_STEPS, MAX_STEPS = 64, 2048
CHECKPOINTS = 40
#: Relative tolerance of "the measured half-lives match the kernel's".
TOLERANCE = 0.25


def angles(n: int = POINTS) -> np.ndarray:
    return 2.0 * np.pi * np.arange(n) / n


def target(freqs: tuple[int, ...], amplitude: float, t: np.ndarray) -> np.ndarray:
    """``A Σ_k sin(kt)``."""
    return amplitude * np.sum(np.sin(np.outer(np.asarray(t, dtype=float), freqs)), axis=1)


def eigenvalues(K: int = K_MAX) -> np.ndarray:
    """``λ_k`` of the padded ``k_∞`` (its Fourier coefficients), k = 0 … K."""
    return kernel_fit.fourier_coefficients("padded", K)


def grid_eigenvalues(n: int = POINTS) -> np.ndarray:
    """``μ_k``, k = 0 … n − 1: the eigenvalues of ``[k_∞(x_i, x_j)]/n`` on the n equally
    spaced points (the DFT of the circulant Gram matrix's first row, divided by n)."""
    return np.fft.fft(kernel_fit.kappa(angles(n), "padded")).real / n


def predicted_half_life(mu, eta: float = ETA):
    """Steps for ``(1 − ημ)^t`` to reach 1/2 (kernel gradient descent, exact)."""
    return np.log(2.0) / -np.log1p(-eta * np.asarray(mu, dtype=float))


def flow_half_life(lam, eta: float = ETA):
    """``ln 2/(ηλ)``: the half-life of the gradient flow ``exp(−ηλt)``."""
    return np.log(2.0) / (eta * np.asarray(lam, dtype=float))


def steps_for(freqs: tuple[int, ...]) -> int:
    """Length of a run: :data:`HALF_LIVES` predicted half-lives of the slowest frequency."""
    slowest = float(np.max(predicted_half_life(grid_eigenvalues()[list(freqs)])))
    return int(np.clip(math.ceil(HALF_LIVES * slowest), MIN_STEPS, MAX_STEPS))


def doubled_initialization(m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(V₀, a)`` of width ``m`` (even): ``m/2`` units of Remark 3.2's draw and their
    copies with the opposite outer sign, so ``F(·; V₀) = 0``."""
    half = initialization(m // 2, 3, seed)
    return np.vstack([half.V0, half.V0]), np.concatenate([half.a, -half.a])


def frequency_residuals(residuals: np.ndarray, freqs: tuple[int, ...]) -> np.ndarray:
    """``|(2/n) Σ_i r_i e^{−ikt_i}|`` for each row of ``residuals`` (…, n) and each k."""
    n = residuals.shape[-1]
    waves = np.exp(-1j * np.outer(angles(n), freqs))  # (n, 3)
    return np.abs(residuals @ waves) * (2.0 / n)


def half_life(ratio: np.ndarray) -> float:
    """First ``t`` with ``ratio[t] ≤ 1/2``, geometrically interpolated between the steps
    around the crossing; ``nan`` if the ratio never halves."""
    below = np.flatnonzero(ratio <= 0.5)
    if below.size == 0:
        return float("nan")
    t = int(below[0])
    if t == 0:
        return 0.0
    hi, lo = float(ratio[t - 1]), float(ratio[t])
    if lo <= 0.0:
        return float(t)
    return (t - 1) + math.log(hi / 0.5) / math.log(hi / lo)


@dataclass(frozen=True)
class SpectralRun:
    freqs: tuple[int, ...]
    amplitude: float
    m: int
    a: np.ndarray
    run: engine.Run
    ratios: np.ndarray  # (T + 1, 3): residual at each frequency over its initial value
    measured: np.ndarray  # (3,) half-lives, interpolated (nan: never halved)
    lam: np.ndarray  # (3,) λ_k
    mu: np.ndarray  # (3,) μ_k
    predicted: np.ndarray  # (3,) kernel gradient descent half-lives, exact
    residual0: np.ndarray  # (n,) initial residuals on the training points

    @property
    def total_steps(self) -> int:
        return self.run.total_steps

    def predicted_ratios(self, t) -> np.ndarray:
        """``(1 − ημ_k)^t`` (rows: the steps ``t``)."""
        t = np.asarray(t, dtype=float)[:, None]
        return np.power(1.0 - ETA * self.mu[None, :], t)

    def kernel_outputs(self, t: int) -> np.ndarray:
        """The training-point outputs of kernel gradient descent with ``k_∞`` after ``t``
        steps, from the network's initial outputs: ``y + (I − ηK/n)^t r₀``, by FFT."""
        y = target(self.freqs, self.amplitude, angles())
        mu_all = grid_eigenvalues()
        return y + np.fft.ifft(np.fft.fft(self.residual0) * (1.0 - ETA * mu_all) ** t).real


@lru_cache(maxsize=12)
def spectral_run(freqs: tuple[int, ...], amplitude: float, m: int, seed: int) -> SpectralRun:
    """Train once per parameter set; the step slider reads checkpoints."""
    V0, a = doubled_initialization(m, seed)
    t = angles()
    X = kernel_fit.inputs(t, "padded")
    y = target(freqs, amplitude, t)
    run = engine.train(
        engine.two_layer(V0, a),
        X,
        y,
        optimizer="gd",
        lr=ETA,
        steps=steps_for(freqs),
        checkpoints=CHECKPOINTS,
        trainable=engine.TWO_LAYER_TRAINABLE,
        record_outputs=True,
    )
    assert run.outputs is not None
    resid = run.outputs[:, 0, 0, :] - y[None, :]  # (T + 1, n)
    per_k = frequency_residuals(resid, freqs)
    ratios = per_k / per_k[0][None, :]
    mu = grid_eigenvalues()[list(freqs)]
    return SpectralRun(
        freqs=freqs,
        amplitude=amplitude,
        m=m,
        a=a,
        run=run,
        ratios=ratios,
        measured=np.array([half_life(ratios[:, i]) for i in range(len(freqs))]),
        lam=eigenvalues()[list(freqs)],
        mu=mu,
        predicted=predicted_half_life(mu),
        residual0=resid[0],
    )


def out_of_order(half_lives: np.ndarray, lam: np.ndarray) -> int:
    """Pairs of frequencies learned out of the order of their eigenvalues: ``λ_i > λ_j``
    but half-life ``i ≥`` half-life ``j`` (a frequency that never halved counts as ∞)."""
    h = np.where(np.isnan(half_lives), np.inf, half_lives)
    bigger = lam[:, None] > lam[None, :]
    return int(np.count_nonzero(bigger & (h[:, None] >= h[None, :])))


def relative_deviation(measured: np.ndarray, predicted: np.ndarray) -> float:
    """``max_k |measured − predicted| / predicted`` (∞ if a frequency never halved)."""
    m = np.where(np.isnan(measured), np.inf, measured)
    return float(np.max(np.abs(m - predicted) / predicted))
