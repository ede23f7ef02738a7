"""Barron norms of Gaussians in dimension d (seed 003, end of §2.3).

The notes print the Fourier pair ``g(x) = (2πσ²)^{d/2} exp(−‖x‖²/(2σ²)) ⟹ ĝ(w) =
exp(−2π²σ²‖w‖²)`` (with ``ĝ(w) = ∫ exp(−2πi wᵀx) g(x) dx``, Lemma 2.9).  The transform of
``exp(−‖x‖²/(2σ²))`` is ``(2πσ²)^{d/2} exp(−2π²σ²‖w‖²)``, so the pair holds for the
*normalized* Gaussian ``g(x) = (2πσ²)^{−d/2} exp(−‖x‖²/(2σ²))`` (the N(0, σ²I) density);
:func:`gaussian` is that function.  Everything below depends on ``ĝ`` only.

``ĝ = Z · φ_s`` with ``φ_s`` the N(0, s²I) density, ``s = 1/(2πσ)`` and ``Z = (2πσ²)^{−d/2}``,
so ``∫‖w‖·ĝ(w) dw = Z·E‖W‖ = Z·s·√2·Γ((d+1)/2)/Γ(d/2)`` exactly (the mean of a chi
distribution), while the notes' Hölder (Cauchy–Schwarz) step bounds it by
``Z·(E‖W‖²)^{1/2} = Z·s·√d = √d / (√(2π)·(2πσ²)^{(d+1)/2})``.

Values reach 10^{±300} for d = 1000, so every quantity is also available as a natural
logarithm (``log_…``), computed with :func:`math.lgamma` — no overflow, no scipy.
"""

from __future__ import annotations

import math

import numpy as np

LOG_2PI = math.log(2.0 * math.pi)


def gaussian(x: np.ndarray, sigma: float) -> np.ndarray:
    """``g(x) = (2πσ²)^{−d/2} exp(−‖x‖²/(2σ²))`` for points ``x`` of shape ``(..., d)``."""
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    return (2 * math.pi * sigma**2) ** (-d / 2) * np.exp(-np.sum(x * x, axis=-1) / (2 * sigma**2))


def gaussian_hat(w: np.ndarray, sigma: float) -> np.ndarray:
    """``ĝ(w) = exp(−2π²σ²‖w‖²)``, the Fourier transform of :func:`gaussian`."""
    w = np.asarray(w, dtype=float)
    return np.exp(-2 * math.pi**2 * sigma**2 * np.sum(w * w, axis=-1))


def log_mass(d: int, sigma: float) -> float:
    """``log Z``, ``Z = ∫ ĝ = (2πσ²)^{−d/2} = g(0)``."""
    return -0.5 * d * math.log(2 * math.pi * sigma**2)


def log_mean_norm(d: int, sigma: float) -> float:
    """``log E‖W‖`` for ``W ~ N(0, s²I_d)``, ``s = 1/(2πσ)``: ``s·√2·Γ((d+1)/2)/Γ(d/2)``."""
    s = 1.0 / (2 * math.pi * sigma)
    return math.log(s) + 0.5 * math.log(2.0) + math.lgamma((d + 1) / 2) - math.lgamma(d / 2)


def log_integral_w_ghat(d: int, sigma: float) -> float:
    """``log ∫‖w‖·|ĝ(w)| dw`` exactly: ``log Z + log E‖W‖``."""
    return log_mass(d, sigma) + log_mean_norm(d, sigma)


def log_integral_w2_ghat(d: int, sigma: float) -> float:
    """``log ∫‖w‖²·|ĝ(w)| dw = log(Z·d/(4π²σ²))`` (the middle line of the notes' estimate)."""
    return log_mass(d, sigma) + math.log(d) - 2 * math.log(2 * math.pi * sigma)


def log_holder_bound(d: int, sigma: float) -> float:
    """The printed bound ``√d / (√(2π)·(2πσ²)^{(d+1)/2})``, as a logarithm."""
    return 0.5 * math.log(d) - 0.5 * LOG_2PI - 0.5 * (d + 1) * math.log(2 * math.pi * sigma**2)


def log_holder_chain(d: int, sigma: float) -> float:
    """The Hölder step before simplification: ``Z·(∫Z^{−1}‖w‖²|ĝ|)^{1/2}``, as a logarithm."""
    lz = log_mass(d, sigma)
    return lz + 0.5 * (log_integral_w2_ghat(d, sigma) - lz)


def ratio(d: int) -> float:
    """``exact / bound = √2·Γ((d+1)/2) / (√d·Γ(d/2))`` — independent of σ, < 1, → 1."""
    return math.exp(
        0.5 * math.log(2.0) + math.lgamma((d + 1) / 2) - math.lgamma(d / 2) - 0.5 * math.log(d)
    )


def lipschitz_on_cube(d: int, sigma: float) -> float:
    """``sup_{x∈[0,1]^d} ‖∇g(x)‖ / g(0)``: ``(r/σ²)·exp(−r²/(2σ²))`` at ``r = min(σ, √d)``."""
    r = min(sigma, math.sqrt(d))
    return r / sigma**2 * math.exp(-(r**2) / (2 * sigma**2))


def log10_maurey_width(d: int, sigma: float, eps_rel: float) -> float:
    """``log₁₀ ⌈4(∫‖∇̃g‖)²/ε²⌉`` for ``ε = eps_rel·g(0)``: the width after which Maurey
    sampling (Example 2.18.2) guarantees ``‖f − g‖_{L2(P)} ≤ ε`` for every P on the ball.

    ``∫‖∇̃g‖ / g(0) = 2π·E‖W‖`` does not depend on ``Z``.
    """
    rel_norm = 2 * math.pi * math.exp(log_mean_norm(d, sigma))
    return math.log10(math.ceil(4 * rel_norm**2 / eps_rel**2))


def log10_grid_nodes(d: int, sigma: float, eps_rel: float) -> float:
    """``log₁₀`` of the ReLU count of the Theorem 2.3 construction for ``ε = eps_rel·g(0)``:
    ``(4d + 1)·⌈ρ√d/ε⌉^d`` (cubes of side ``1/⌈ρ√d/ε⌉``, ``4d + 1`` ReLUs per cube).

    The printed proof takes ``⌈ρ/(ε√d)⌉`` cubes per side; a cube of side ``1/k`` has diameter
    ``√d/k``, so ``|g(u) − g(x)| ≤ ρ√d/k ≤ ε`` needs ``k ≥ ρ√d/ε``.
    """
    per_side = math.ceil(lipschitz_on_cube(d, sigma) * math.sqrt(d) / eps_rel)
    return math.log10(4 * d + 1) + d * math.log10(per_side)


SIGMA_STAR = 1.0 / math.sqrt(2.0 * math.pi)
"""The regime boundary 2πσ² = 1."""


def dimension_grid(d_max: int = 1000, points: int = 60) -> np.ndarray:
    """About ``points`` dimensions ``1 … d_max``, log-spaced integers."""
    return np.unique(np.round(np.geomspace(1, d_max, points)).astype(int))


def dimension_sweep(dims: np.ndarray, sigma: float, eps_rel: float) -> dict[str, np.ndarray]:
    """Every quantity against d at this σ, as natural logarithms (``log_exact``,
    ``log_bound``, ``log_exact_star`` at σ★ = 1/√(2π)), ``log10`` node counts, and the
    σ-free ratio exact/bound."""
    ds = [int(k) for k in dims]
    return {
        "log_exact": np.array([log_integral_w_ghat(k, sigma) for k in ds]),
        "log_bound": np.array([log_holder_bound(k, sigma) for k in ds]),
        "log_exact_star": np.array([log_integral_w_ghat(k, SIGMA_STAR) for k in ds]),
        "log10_maurey": np.array([log10_maurey_width(k, sigma, eps_rel) for k in ds]),
        "log10_grid": np.array([log10_grid_nodes(k, sigma, eps_rel) for k in ds]),
        "ratio": np.array([ratio(k) for k in ds]),
    }


_U = float(np.finfo(float).eps) / 2


def chain_allowance(d: int, sigma: float) -> float:
    """Rounding allowance of ``log_holder_bound = log_holder_chain`` (an identity).

    Both sides are sums of the logarithms ``log d``, ``log 2π``, ``log(2πσ²)`` and
    ``log(2πσ)`` with coefficients up to ``(d + 1)/2``.  Each logarithm is off by at most
    ``u·|log a| + 3u`` (one rounding of the result, and a relative ``3u`` in its argument,
    which is a product of up to three rounded factors), times its coefficient; each side
    adds at most 6 rounded sums of terms no larger than the largest partial sum.
    """
    logs = {
        "d": (1.5, abs(math.log(d))),
        "2pi": (0.5, LOG_2PI),
        "2pi_sigma_sq": (0.5 * (d + 1) + 0.5 * d, abs(math.log(2 * math.pi * sigma**2))),
        "2pi_sigma": (1.0, abs(math.log(2 * math.pi * sigma))),
    }
    terms = sum(c * (_U * a + 3 * _U) for c, a in logs.values())
    largest = max(c * a for c, a in logs.values())
    return terms + 12 * _U * largest


#: |natural logarithm| below which a value is shown as a number (float64 ends at e^±709).
LINEAR_LIMIT = 700.0


def as_number(log_value: float) -> float | None:
    """``exp(log_value)`` when float64 holds it as a normal number, else ``None`` (then only
    the logarithm is shown)."""
    return math.exp(log_value) if abs(log_value) < LINEAR_LIMIT else None
