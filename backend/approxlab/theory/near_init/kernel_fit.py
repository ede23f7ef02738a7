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
