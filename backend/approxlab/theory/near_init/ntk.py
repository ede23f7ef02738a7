"""The neural tangent kernel of a two-layer ReLU network (seed 003, §3.3).

Only the inner layer is trained, ``a_j ∈ {±1}``, ``v_j ~ N(0, I_d)``, temperature ρ = 1:

- empirical kernel (Theorem 3.19): ``k_m(x, x′) = ⟨∂F(x; w₀), ∂F(x′; w₀)⟩ / m
  = (1/m) Σ_j ⟨x, x′⟩ 1[v_jᵀx ≥ 0] 1[v_jᵀx′ ≥ 0]`` (``a_j² = 1``);
- its limit (Proposition 3.23): ``k_∞(x, x′) = ⟨x, x′⟩ (π − θ)/(2π)``, θ the angle
  between ``x`` and ``x′`` (the proof only uses the directions, so any nonzero norms).

Independent references for ``k_∞``: the arc-cosine kernel of degree 0 of Cho and Saul
(2009), ``k₀(x, x′) = 2 E_w[1[wᵀx ≥ 0] 1[wᵀx′ ≥ 0]] = 1 − θ/π``, so
``k_∞ = ⟨x, x′⟩ k₀ / 2``; and Sheppard's orthant formula
``P(g₁ ≥ 0, g₂ ≥ 0) = 1/4 + arcsin(ρ)/(2π)`` for standard normals with correlation ρ.

The deviation ``k_m − k_∞`` on the pair ``x = e₁``, ``x′ = (cos θ, sin θ)`` is an empirical
process of the angles of the ``v_j`` (d = 2 loses nothing: the kernel only sees the
projection of ``v`` on span{x, x′}, which is N(0, I₂)).  With ``ψ′_j = (π/2 − ψ_j) mod 2π``
(``ψ_j`` the angle of ``v_j``), ``#{j : both active} = #{j : ψ′_j ≤ π − θ}``, an empirical
CDF — so the Dvoretzky–Kiefer–Wolfowitz inequality with Massart's constant gives
``max_θ |k_m − k_∞| ≤ √(ln(2/δ)/(2m))`` with probability ≥ 1 − δ.

Kernel regression on the circle (eq. (3.20), Remark 3.24, Proposition 3.25) is in
:mod:`approxlab.theory.near_init.kernel_fit`.
"""

from __future__ import annotations

import numpy as np

TWO_PI = 2.0 * np.pi


def angle(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Angles between all rows of ``X`` and all rows of ``Y`` (nonzero rows), accurately.

    Kahan's ``θ = 2 atan2(‖x̂ − ŷ‖, ‖x̂ + ŷ‖)``: ``arccos(⟨x̂, ŷ⟩)`` would lose half the
    digits near θ = 0 and θ = π (an inner product rounded by 1e-16 moves arccos by 1e-8).
    """
    X, Y = np.atleast_2d(X), np.atleast_2d(Y)
    Xh = X / np.linalg.norm(X, axis=1, keepdims=True)
    Yh = Y / np.linalg.norm(Y, axis=1, keepdims=True)
    diff = np.linalg.norm(Xh[:, None, :] - Yh[None, :, :], axis=-1)
    plus = np.linalg.norm(Xh[:, None, :] + Yh[None, :, :], axis=-1)
    return 2.0 * np.arctan2(diff, plus)


def k_inf_theta(theta: np.ndarray) -> np.ndarray:
    """Proposition 3.23 for unit vectors at angle θ: ``cos θ (π − θ)/(2π)``."""
    theta = np.asarray(theta, dtype=float)
    return np.cos(theta) * (np.pi - theta) / TWO_PI


def k_inf(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``k_∞(x, y) = ⟨x, y⟩ (π − θ)/(2π)`` for all rows of ``X`` against all rows of ``Y``."""
    X, Y = np.atleast_2d(X), np.atleast_2d(Y)
    return (X @ Y.T) * (np.pi - angle(X, Y)) / TWO_PI


def arccos_kernel(n: int, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Cho & Saul's arc-cosine kernel ``k_n(x, y) = (1/π)‖x‖ⁿ‖y‖ⁿ J_n(θ)``, n ∈ {0, 1, 2}.

    ``J₀ = π − θ``, ``J₁ = sin θ + (π − θ) cos θ``,
    ``J₂ = 3 sin θ cos θ + (π − θ)(1 + 2cos²θ)``;
    ``k_n(x, y) = 2 E_{w~N(0,I)}[1[wᵀx ≥ 0] 1[wᵀy ≥ 0] (wᵀx)ⁿ (wᵀy)ⁿ]``.
    """
    X, Y = np.atleast_2d(X), np.atleast_2d(Y)
    th = angle(X, Y)
    sin, cos = np.sin(th), np.cos(th)
    if n == 0:
        J = np.pi - th
    elif n == 1:
        J = sin + (np.pi - th) * cos
    elif n == 2:
        J = 3.0 * sin * cos + (np.pi - th) * (1.0 + 2.0 * cos**2)
    else:
        raise ValueError("arc-cosine kernels are implemented for n = 0, 1, 2")
    scale = (np.linalg.norm(X, axis=1)[:, None] * np.linalg.norm(Y, axis=1)[None, :]) ** n
    return scale * J / np.pi


def sheppard(rho: np.ndarray) -> np.ndarray:
    """Sheppard's formula: ``P(g₁ ≥ 0, g₂ ≥ 0) = 1/4 + arcsin(ρ)/(2π)``."""
    return 0.25 + np.arcsin(np.clip(rho, -1.0, 1.0)) / TWO_PI


def ntk_gradient_form(x: np.ndarray, xp: np.ndarray, V0: np.ndarray, a: np.ndarray) -> float:
    """``k_m(x, x′) = ⟨∂F(x; w₀), ∂F(x′; w₀)⟩ / m`` from the gradients themselves."""
    gx = (a * (V0 @ x >= 0.0))[:, None] * x[None, :]
    gxp = (a * (V0 @ xp >= 0.0))[:, None] * xp[None, :]
    return float(np.sum(gx * gxp) / a.size)


def ntk_angles(V0: np.ndarray) -> np.ndarray:
    """``ψ′_j = (π/2 − ψ_j) mod 2π`` for the rows of ``V0`` (d = 2): unit ``j`` is active at
    both ``e₁`` and ``(cos θ, sin θ)`` iff ``ψ′_j ≤ π − θ`` (θ ∈ [0, π])."""
    return np.mod(0.5 * np.pi - np.arctan2(V0[:, 1], V0[:, 0]), TWO_PI)


def ntk_on_circle(sorted_angles: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``k_m(e₁, (cos θ, sin θ))`` for θ ∈ [0, π], from the sorted :func:`ntk_angles`."""
    theta = np.asarray(theta, dtype=float)
    count = np.searchsorted(sorted_angles, np.pi - theta, side="right")
    return np.cos(theta) * count / sorted_angles.size


#: Grid of the deviation maximum (besides every jump of k_m).
DEVIATION_GRID = 2049


def ntk_max_deviation(sorted_angles: np.ndarray) -> tuple[float, float]:
    """``max_{θ ∈ [0, π]} |k_m(θ) − k_∞(θ)|`` and where it is attained (radians).

    With ``t = π − θ`` the deviation is ``−cos t (Ĥ(t) − t/(2π))``, ``Ĥ`` the empirical CDF
    of the angles: smooth between jumps.  It is evaluated at every jump (both one-sided
    limits) and on a grid of :data:`DEVIATION_GRID` points; between evaluation points
    (≤ π/2048 apart, no jump inside) a maximum can exceed them by at most
    ``sup|f″|·h²/8 ≤ 4·10⁻⁷``.
    """
    m = sorted_angles.size
    jumps = sorted_angles[sorted_angles <= np.pi]
    ranks = np.arange(1, jumps.size + 1)  # Ĥ right after (at) each jump
    grid = np.linspace(0.0, np.pi, DEVIATION_GRID)
    hg = np.searchsorted(sorted_angles, grid, side="right") / m
    t = np.concatenate([jumps, jumps, grid])
    h = np.concatenate([ranks / m, (ranks - 1) / m, hg])
    dev = np.abs(np.cos(t) * (h - t / TWO_PI))
    i = int(np.argmax(dev))
    return float(dev[i]), float(np.pi - t[i])


def ntk_max_deviation_prefixes(angles: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """:func:`ntk_max_deviation` of the first ``m′`` units for every ``m′`` in ``widths``
    (one sort, then an O(m) selection per width)."""
    order = np.argsort(angles, kind="stable")
    srt = angles[order]
    return np.array([ntk_max_deviation(srt[order < w])[0] for w in np.asarray(widths)])


def dkw_bound(m, delta: float):
    """DKW–Massart: ``sup |Ĥ − H| ≤ √(ln(2/δ)/(2m))`` with probability ≥ 1 − δ."""
    return np.sqrt(np.log(2.0 / delta) / (2.0 * np.asarray(m, dtype=float)))
