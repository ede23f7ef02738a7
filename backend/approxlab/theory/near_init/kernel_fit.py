"""Kernel regression with the NTK ``k_∞`` on a circle (seed 003, eq. (3.20), Remark 3.24,
Proposition 3.25).

eq. (3.20): with the transport ``𝒯(v) = Σ_i α_i x_i σ′(vᵀx_i)``, the infinite-width
network is ``F_∞(x; 𝒯) = Σ_i α_i k_∞(x_i, x)`` — kernel regression with ``k_∞``.
Proposition 3.25: on ``𝒳 = {x ∈ R^d : ‖x‖ = 1, x_d = 1/√2}`` (Remark 3.24's padding: a
point ``u`` with ``‖u‖² = 1/2`` is padded by ``√(1 − ‖u‖²) = 1/√2``) these predictors are
dense in the continuous functions.  Here d = 3, so 𝒳 is the circle
``x(t) = (cos t/√2, sin t/√2, 1/√2)``; without padding the inputs are the unit circle
``(cos t, sin t)``.

On a circle the kernel depends only on ``s = t − t′``: ``κ(s) = k_∞`` at
``⟨x, x′⟩ = (1 + cos s)/2`` (padded) or ``cos s`` (unpadded).  Its Fourier coefficients
``λ_k = (1/π)∫₀^π κ(s) cos(ks) ds`` are the eigenvalues of the kernel's integral operator;
the predictors are dense in C(circle) iff every ``λ_k > 0``.  Padded: all are positive
(the Maclaurin coefficients of ``z ↦ k_∞`` at ``z = uᵀu′`` are positive, as the proof
says).  Unpadded: ``κ(cos s) = cos(s)/4 + cos(s)·arcsin(cos s)/(2π)`` contains only the
first and even harmonics, so ``λ_k = 0`` for every odd ``k ≥ 3`` and no predictor can fit
``cos 3t`` — the reason for the padding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np

Inputs = Literal["padded", "unpadded"]
TWO_PI = 2.0 * np.pi
SQRT_HALF = np.sqrt(0.5)


@dataclass(frozen=True)
class CircleTarget:
    name: str
    label: str
    f: Callable[[np.ndarray], np.ndarray]


TARGETS: dict[str, CircleTarget] = {
    t.name: t
    for t in [
        CircleTarget("cos3", "cos 3t", lambda t: np.cos(3.0 * t)),
        CircleTarget("bump", "exp(2(cos t − 1))", lambda t: np.exp(2.0 * (np.cos(t) - 1.0))),
        CircleTarget("triangle", "|t − π|/π (triangle wave)", lambda t: np.abs(t - np.pi) / np.pi),
        CircleTarget("abs_sin", "|sin t|", lambda t: np.abs(np.sin(t))),
    ]
}


def inputs(t: np.ndarray, kind: Inputs) -> np.ndarray:
    """Rows ``x(t)``: padded ``(cos t/√2, sin t/√2, 1/√2)`` ∈ 𝒳, or ``(cos t, sin t)``."""
    t = np.asarray(t, dtype=float)
    if kind == "padded":
        pad = np.full_like(t, SQRT_HALF)
        return np.stack([SQRT_HALF * np.cos(t), SQRT_HALF * np.sin(t), pad], axis=-1)
    return np.stack([np.cos(t), np.sin(t)], axis=-1)


def kappa(s: np.ndarray, kind: Inputs) -> np.ndarray:
    """``k_∞(x(t), x(t′))`` as a function of ``s = t − t′`` (the inputs are unit vectors).

    Padded: ``‖x − x′‖ = √2 |sin(s/2)|`` and ``‖x − x′‖ = 2 sin(θ/2)`` give the angle
    ``θ = 2 arcsin(|sin(s/2)|/√2)`` and ``⟨x, x′⟩ = 1 − sin²(s/2)``; unpadded: ``θ = |s|``
    wrapped to [0, π] and ``⟨x, x′⟩ = cos s``.  (Both avoid ``arccos`` of an inner product,
    which loses half the digits near θ = 0.)  Then ``k_∞ = ⟨x, x′⟩(π − θ)/(2π)``.
    """
    s = np.asarray(s, dtype=float)
    if kind == "padded":
        h = np.sin(0.5 * s)
        h *= h
        theta = 2.0 * np.arcsin(np.sqrt(0.5 * h))
        return (1.0 - h) * (np.pi - theta) / TWO_PI
    theta = np.abs(np.mod(s + np.pi, TWO_PI) - np.pi)
    return np.cos(s) * (np.pi - theta) / TWO_PI


def gram(t: np.ndarray, tp: np.ndarray, kind: Inputs) -> np.ndarray:
    """``[k_∞(x(t_i), x(t′_j))]_{ij}``."""
    return kappa(np.subtract.outer(np.asarray(t, float), np.asarray(tp, float)), kind)


def grid_size(n: int, at_least: int) -> int:
    """The smallest even multiple of ``n`` that is ≥ ``at_least`` (even, for
    :func:`odd_harmonic_rms`; a multiple of n, for :meth:`KernelFit.on_grid`)."""
    return 2 * n * -(-at_least // (2 * n))


def centres(n: int) -> np.ndarray:
    """``n`` equally spaced centre angles ``2πi/n``."""
    return TWO_PI * np.arange(n) / n


@dataclass(frozen=True)
class KernelFit:
    """``h(x) = Σ_i α_i k_∞(x_i, x)`` interpolating the target at the centres."""

    kind: Inputs
    t: np.ndarray  # centre angles
    alpha: np.ndarray
    eigenvalues: np.ndarray  # of the Gram matrix, ascending

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return gram(t, self.t, self.kind) @ self.alpha

    def on_grid(self, points: int) -> tuple[np.ndarray, np.ndarray]:
        """``(t, h(t))`` on ``points`` equally spaced angles, ``points`` a multiple of n.

        Then every difference ``t_j − t_i`` is a grid step, so
        ``h(t_j) = Σ_i α_i κ(2π(j − r i)/points)`` (r = points/n) is a circular convolution
        of κ on the grid with α spread every r-th point: three FFTs, no n × points matrix.
        """
        n = self.alpha.size
        if points % n:
            raise ValueError("points must be a multiple of the number of centres")
        t = TWO_PI * np.arange(points) / points
        spread = np.zeros(points)
        spread[:: points // n] = self.alpha
        h = np.fft.irfft(np.fft.rfft(kappa(t, self.kind)) * np.fft.rfft(spread), n=points)
        return t, h


def fit(g: Callable[[np.ndarray], np.ndarray], n: int, kind: Inputs) -> KernelFit:
    """Minimum-norm interpolation ``α = K⁺ y`` (the pseudo-inverse of the notes' least
    squares solution; K is singular only without padding).

    With equally spaced centres ``K_{ij} = κ(2π(i − j)/n)`` is circulant, so the discrete
    Fourier transform diagonalizes it exactly: its eigenvalues are the DFT of its first
    column and ``K⁺y`` is two FFTs — O(n log n) instead of an eigendecomposition.
    """
    t = centres(n)
    lam = np.fft.fft(kappa(t, kind)).real  # κ is even, so the DFT is real
    keep = lam > max(float(lam.max()), 0.0) * n * np.finfo(float).eps * 4
    coef = np.fft.fft(g(t))
    coef = np.where(keep, coef / np.where(keep, lam, 1.0), 0.0)
    alpha = np.fft.ifft(coef).real
    return KernelFit(kind=kind, t=t, alpha=alpha, eigenvalues=np.sort(lam))


@cache
def _gauss_legendre(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    s, w = np.polynomial.legendre.leggauss(nodes)
    return 0.5 * np.pi * (s + 1.0), 0.5 * np.pi * w  # on [0, π]


def fourier_coefficients(kind: Inputs, K: int) -> np.ndarray:
    """``λ_k = (1/π)∫₀^π κ(s) cos(ks) ds`` for k = 0..K, by Gauss–Legendre quadrature.

    κ is analytic on [0, π] in both cases (the kink of ``arccos`` at 1 sits at s = 0, an
    end point), so ``2K + 128`` nodes give the coefficients to rounding error.
    """
    k = np.arange(K + 1)
    s, w = _gauss_legendre(2 * K + 128)
    return (np.cos(np.outer(k, s)) * kappa(s, kind)) @ w / np.pi


def fourier_coefficients_unpadded_exact(K: int) -> np.ndarray:
    """Unpadded λ_k in closed form: ``κ = cos s (π − s)/(2π)`` on [0, π] gives
    ``λ_k = (I(k−1) + I(k+1))/(4π²)``, ``I(a) = ∫₀^π (π − s) cos(as) ds = (1 − cos aπ)/a²``
    (``I(0) = π²/2``) — exactly 0 for odd k ≥ 3."""
    k = np.arange(K + 1)

    def integral(a: np.ndarray) -> np.ndarray:
        a = np.abs(a).astype(float)
        safe = np.where(a == 0, 1.0, a)
        return np.where(a == 0, 0.5 * np.pi**2, np.where(a % 2 == 1, 2.0 / safe**2, 0.0))

    return (integral(k - 1) + integral(k + 1)) / (4.0 * np.pi**2)


def odd_harmonic_rms(samples: np.ndarray) -> float:
    """Root-mean-square of the odd harmonics ≥ 3 of equally spaced samples (even count).

    By discrete Parseval, ``max |g − h| ≥ rms(g − h) ≥`` this for every ``h`` whose samples
    have no such harmonics — every unpadded kernel predictor (its harmonics are 1 and even,
    and on an even grid even harmonics alias to even indices, ±1 to ±1).
    """
    G = samples.size
    c = np.fft.rfft(samples) / G
    k = np.arange(c.size)
    odd = (k % 2 == 1) & (k >= 3)
    weight = np.where(k == G // 2, 1.0, 2.0)  # rfft folds ±k together except at Nyquist
    return float(np.sqrt(np.sum(weight[odd] * np.abs(c[odd]) ** 2)))


def sup_error(g: Callable[[np.ndarray], np.ndarray], n: int, kind: Inputs, grid: int) -> float:
    """``max |h − g|`` of the n-centre fit over :func:`grid_size` ``(n, grid)`` equally
    spaced angles (the centres among them)."""
    tn, hn = fit(g, n, kind).on_grid(grid_size(n, grid))
    return float(np.max(np.abs(hn - g(tn))))


def sup_error_sweep(
    g: Callable[[np.ndarray], np.ndarray], ns: np.ndarray, kind: Inputs, grid: int
) -> np.ndarray:
    """:func:`sup_error` for every centre count in ``ns``."""
    return np.array([sup_error(g, int(n), kind, grid) for n in ns])


# --- rounding allowances of the scene's checks ----------------------------------------------

#: Unit roundoff of float64.
UNIT = float(np.finfo(float).eps) / 2


def fft_error(n: int) -> float:
    """Relative 2-norm error of a length-n FFT: ``‖fl(Fx) − Fx‖₂ ≤ ε_F‖Fx‖₂`` with
    ``ε_F = L·η``, ``η = μ + γ₄(√2 + μ) ≤ 7u`` per radix-2 stage (Higham, *Accuracy and
    Stability of Numerical Algorithms*, Thm 24.2), and ``L = ⌈log₂ 4n⌉`` stages — room for
    pocketfft's Bluestein steps, which work on a length ≥ 2n."""
    return 7.0 * UNIT * float(np.ceil(np.log2(4 * n)))


def gram_eigenvalue_rounding(n: int, kind: Inputs) -> float:
    """Allowance of ``λ_min ≥ 0`` for the computed eigenvalues of the circulant Gram matrix.

    The eigenvalues are the DFT of ``κ`` at the n centre angles (:func:`fit`): each is off
    by at most ``‖fl(Fκ) − Fκ‖₂ ≤ ε_F·√n‖κ‖₂`` (Parseval, :func:`fft_error`), plus the
    rounding of the κ values themselves (≤ 8u each, a few operations on arguments ≤ π):
    ``8u·Σ|κ|``.  An eigenvalue that is exactly 0 (the unpadded kernel at an odd frequency)
    then never shows below ``−allowance``.
    """
    k = kappa(centres(n), kind)
    return 1.01 * (
        fft_error(n) * np.sqrt(n) * float(np.linalg.norm(k)) + 8 * UNIT * float(np.sum(np.abs(k)))
    )


def interpolation_rounding(fit_: KernelFit, y: np.ndarray) -> float:
    """Allowance of ``max_j |Σᵢ αᵢ k_∞(xᵢ, xⱼ) − g(xⱼ)| = 0`` for the computed α (padded: K is
    invertible, so the exact α interpolates).

    The residual is evaluated as a dense n-term sum with ``|κ| ≤ ½``: ``(n + 8)u·½Σ|αᵢ|``.
    The computed α is ``F⁻¹(z)``, ``z = fl(F̂y/λ̂)``; with ``λ = Fκ`` exact,
    ``√n·‖Kα − y‖₂ ≤ ‖λ − λ̂‖∞‖z‖₂ + ‖λ‖∞ε_F‖z‖₂ + 2u‖F̂y‖₂ + ε_F‖Fy‖₂`` (the eigenvalues'
    error, the inverse FFT, the complex division, the forward FFT), and
    ``‖z‖₂ ≈ √n‖α‖₂``, ``‖Fy‖₂ = √n‖y‖₂`` (Parseval); the max-norm is at most the 2-norm.
    """
    n = fit_.alpha.size
    eps = fft_error(n)
    lam_err = gram_eigenvalue_rounding(n, fit_.kind)
    lam_max = float(np.max(np.abs(fit_.eigenvalues)))
    a2, y2 = float(np.linalg.norm(fit_.alpha)), float(np.linalg.norm(y))
    dense = (n + 8) * UNIT * 0.5 * float(np.sum(np.abs(fit_.alpha)))
    solve = (lam_err + lam_max * eps) * a2 + (2 * UNIT + eps) * y2
    return 1.01 * (dense + solve)


def fourier_rounding(kind: Inputs, K: int) -> float:
    """Allowance of the computed ``λ_k`` (:func:`fourier_coefficients`, ``k ≤ K``) against the
    exact coefficients, e.g. the zeros at odd ``k ≥ 3`` without padding.

    ``λ̂_k = (1/π) fl(Σᵢ ŵᵢ κ(ŝᵢ) cos(k ŝᵢ))`` with ``N = 2K + 128`` Gauss–Legendre nodes:
    the N-term sum, ``γ_N``; each term's cosine of a rounded argument ``k ŝ ≤ kπ``,
    ``u(kπ + 1)``, κ and the product, ``9u``; nodes and weights as computed by
    ``numpy.polynomial.legendre.leggauss`` (an eigenvalue solve and a Newton step), taken
    to ``8u`` (relative weights, absolute nodes on [−1, 1]; the tests compare the rule
    with the closed-form coefficients), which moves a term by ``8u|f| + 8uπ|f′|``,
    ``|f′| ≤ k·max|κ| + max|κ′|`` with ``max|κ′| ≤ 1``.  All relative to ``max|κ| ≤ ½``,
    over ``Σŵ = π`` and divided by π.  The truncation error of the rule is far below: the
    integrand is analytic in the Bernstein ellipse ρ = e, where it is at most
    ``e^{Kπ sinh(1)/2 + 1}``, so the error is below ``e^{Kπ sinh(1)/2 + 3 − 2N} < 10⁻¹⁵⁰``.
    """
    N = 2 * K + 128
    kmax = 0.5
    per_k = N + (K * np.pi + 1) + 9 + 8 + 8 * np.pi * K
    return 1.01 * UNIT * (per_k * kmax + 8 * np.pi)
