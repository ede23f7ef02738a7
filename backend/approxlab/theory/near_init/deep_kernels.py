"""NNGP and NTK of deep ReLU networks (seed 002, NNGP/NTK slides; seed 003, Theorem 3.19 beyond
two layers), with the convention of the design document ("Kernels of deep networks").

**Convention.**  ReLU, weights ``N(0, 2/fan_in)``, no biases, unit-norm inputs ``x, x′ ∈ ℝ²``
at angle θ, ``L`` hidden layers of width ``m`` and a linear readout:

    h⁽⁰⁾ = x,   g⁽ˡ⁾ = W⁽ˡ⁾ h⁽ˡ⁻¹⁾,   h⁽ˡ⁾ = σ(g⁽ˡ⁾),   f(x) = v·h⁽ᴸ⁾,

``W⁽¹⁾ ∈ ℝ^{m×2}`` (fan-in 2, so ``N(0, 1)`` entries and standard normal first
pre-activations with correlation cos θ, as ``Σ⁽⁰⁾ = cos θ`` requires), ``W⁽ˡ⁾ ∈ ℝ^{m×m}``
with ``N(0, 2/m)`` entries, ``v ∈ ℝ^m`` with ``N(0, 2/m)`` entries.  Limits as ``m → ∞``:

    Σ⁽⁰⁾ = Θ⁽⁰⁾ = cos θ,   Σ⁽ˡ⁾ = κ₁(Σ⁽ˡ⁻¹⁾),   Θ⁽ˡ⁾ = Σ⁽ˡ⁾ + Θ⁽ˡ⁻¹⁾·κ₀(Σ⁽ˡ⁻¹⁾),

``κ₁(ρ) = (√(1−ρ²) + (π − arccos ρ)ρ)/π = 2E[σ(u)σ(u′)]`` and
``κ₀(ρ) = (π − arccos ρ)/π = 2E[σ′(u)σ′(u′)]`` for standard normals of correlation ρ (the
2 is He's factor; these are Cho and Saul's arc-cosine kernels of degrees 1 and 0).

**Empirical kernels, same scaling.**  The NNGP of the finite network is
``Σ̂⁽ˡ⁾ = (2/m)⟨h⁽ˡ⁾(x), h⁽ˡ⁾(x′)⟩`` — the covariance over the readout of ``v·h⁽ˡ⁾`` — at
every layer of one forward pass.  The NTK is taken in the NTK parametrization: every weight
is ``√(2/fan_in)·ω`` with ``ω ~ N(0, 1)`` (at initialization the same network), and
``Θ̂⁽ᴸ⁾ = ⟨∂f(x)/∂ω, ∂f(x′)/∂ω⟩`` over all layers including the readout, computed by
backpropagation: layer ``l`` contributes ``(2/fan_in)⟨b⁽ˡ⁾(x), b⁽ˡ⁾(x′)⟩⟨h⁽ˡ⁻¹⁾(x),
h⁽ˡ⁻¹⁾(x′)⟩`` with ``b⁽ˡ⁾ = ∂f/∂g⁽ˡ⁾``; the readout contributes ``Σ̂⁽ᴸ⁾``.

**Flattening.**  ``Σ⁽ˡ⁾(0) = 1`` and ``Θ⁽ˡ⁾(0) = l + 1`` at every depth, while for θ > 0
``Σ⁽ˡ⁾(θ) → 1`` and ``Θ⁽ˡ⁾(θ)/(l + 1) → ¼``: deep kernels forget the angle.

**Two layers (L = 1) against seed 003.**  ``Θ⁽¹⁾ = κ₁(cos θ) + cos θ·κ₀(cos θ)``.  The second
term is the inner layer's, ``cos θ (π − θ)/π = 2·k_∞(θ)`` with ``k_∞`` of Proposition 3.23
(:func:`approxlab.theory.near_init.ntk.k_inf_theta`): the notes draw ``v ~ N(0, I)`` and
``a ∈ {±1}`` without He's factor 2, and train only the inner layer, so the outer layer's
``κ₁`` term is absent there.

**1/√m.**  A kernel of width ``m`` averages ``m`` units, so its fluctuation is
``O(1/√m)`` at fixed depth — asymptotically.  The correction terms grow with the depth
(the correlation map ``κ₁`` is not smooth at ρ = 1, where deep layers push every pair), so
for ``L`` comparable to ``m`` the measured slope is flatter than −½:
:func:`deviation_sweep` measures it on independent networks of widths ``m, m/2, m/4, m/8``
cut from one draw (disjoint blocks of one weight draw are independent networks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.core.fits import SlopeFit, log_log_fit
from approxlab.theory.core.networks import ReLUNetwork

#: Fan-in of the first layer (inputs on the unit circle of ℝ²).
INPUT_DIM = 2


def kappa1(rho: np.ndarray) -> np.ndarray:
    """``κ₁(ρ) = (√(1 − ρ²) + (π − arccos ρ)ρ)/π``."""
    r = np.clip(np.asarray(rho, dtype=float), -1.0, 1.0)
    return (np.sqrt(1.0 - r * r) + (np.pi - np.arccos(r)) * r) / np.pi


def kappa0(rho: np.ndarray) -> np.ndarray:
    """``κ₀(ρ) = (π − arccos ρ)/π``."""
    r = np.clip(np.asarray(rho, dtype=float), -1.0, 1.0)
    return (np.pi - np.arccos(r)) / np.pi


def analytic_kernels(theta: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """``(Σ, Θ)`` of shape ``(depth + 1, len(theta))``: row ``l`` is ``Σ⁽ˡ⁾``, ``Θ⁽ˡ⁾``."""
    s = np.cos(np.asarray(theta, dtype=float))
    t = s.copy()
    sig, ntk = [s], [t]
    for _ in range(depth):
        s_next = kappa1(s)
        t = s_next + t * kappa0(s)
        s = s_next
        sig.append(s)
        ntk.append(t)
    return np.array(sig), np.array(ntk)


def circle_pairs(theta: np.ndarray) -> np.ndarray:
    """Columns ``e₁, (cos θ_j, sin θ_j)``: the reference input and its partners."""
    th = np.concatenate([[0.0], np.asarray(theta, dtype=float)])
    return np.vstack([np.cos(th), np.sin(th)])


@dataclass(frozen=True)
class RandomNetwork:
    """Standard normal ``ω``'s of a width-``m``, ``L``-hidden-layer network (scaled on use)."""

    first: np.ndarray  # (m, 2)
    hidden: tuple[np.ndarray, ...]  # L − 1 matrices (m, m)
    readout: np.ndarray  # (m,)

    @property
    def width(self) -> int:
        return int(self.first.shape[0])

    @property
    def depth(self) -> int:
        return len(self.hidden) + 1

    def block(self, i: int, w: int) -> RandomNetwork:
        """The ``i``-th diagonal block of width ``w``: an independent width-``w`` network."""
        sl = slice(i * w, (i + 1) * w)
        return RandomNetwork(
            self.first[sl], tuple(W[sl, sl] for W in self.hidden), self.readout[sl]
        )

    def layers(self) -> ReLUNetwork:
        """The network as ``[(W, b)]`` with the N(0, 2/fan_in) weights and zero biases."""
        m = self.width
        c = math.sqrt(2.0 / m)
        out: ReLUNetwork = [(self.first * math.sqrt(2.0 / INPUT_DIM), np.zeros(m))]
        out += [(c * W, np.zeros(m)) for W in self.hidden]
        out.append((c * self.readout[None, :], np.zeros(1)))
        return out


def draw_network(depth: int, width: int, seed: int, stream: int = 0) -> RandomNetwork:
    """Seeded draw (``stream`` separates independent draws of one seed)."""
    rng = np.random.default_rng([seed, stream, depth, width])
    return RandomNetwork(
        rng.standard_normal((width, INPUT_DIM)),
        tuple(rng.standard_normal((width, width)) for _ in range(depth - 1)),
        rng.standard_normal(width),
    )


#: A few networks are kept (the θ slider redraws the same network); each holds up to
#: ``(L − 1)·m²`` weights (10 MB at L = 20, m = 256), so the cache stays small.
random_network = lru_cache(maxsize=4)(draw_network)


def empirical_kernels(net: RandomNetwork, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Σ̂, Θ̂)`` between ``e₁`` and ``(cos θ, sin θ)``: ``Σ̂`` of shape ``(L, len(θ))``
    (row ``l − 1`` is layer ``l``'s NNGP), ``Θ̂`` of shape ``(len(θ),)`` (depth ``L``)."""
    m = net.width
    c_in, c = math.sqrt(2.0 / INPUT_DIM), math.sqrt(2.0 / m)
    scales = [c_in] + [c] * (net.depth - 1)
    mats = [net.first, *net.hidden]
    h = [circle_pairs(theta)]
    active = []
    for W, s in zip(mats, scales, strict=True):
        g = s * (W @ h[-1])
        active.append(g > 0.0)
        h.append(np.maximum(g, 0.0))
    nngp = np.array([(2.0 / m) * (hl[:, :1] * hl[:, 1:]).sum(axis=0) for hl in h[1:]])
    b = c * net.readout[:, None] * active[-1]
    ntk = nngp[-1].copy()
    for layer in range(net.depth - 1, -1, -1):
        hb = (b[:, :1] * b[:, 1:]).sum(axis=0)
        hh = (h[layer][:, :1] * h[layer][:, 1:]).sum(axis=0)
        ntk += scales[layer] ** 2 * hb * hh
        if layer > 0:
            b = active[layer - 1] * (scales[layer] * (mats[layer].T @ b))
    return nngp, ntk


#: Angles of the deviation maxima (degrees 0, 22.5, …, 180).
SWEEP_ANGLES = 9
#: Narrowest network in the deviation sweep.
MIN_SWEEP_WIDTH = 8


@dataclass(frozen=True)
class Deviations:
    """Max-over-θ deviations of independent networks: their widths and both kernels'."""

    width: np.ndarray
    nngp: np.ndarray
    ntk: np.ndarray


def max_deviations(net: RandomNetwork, theta: np.ndarray) -> tuple[float, float]:
    """``max_θ |Σ̂⁽ᴸ⁾ − Σ⁽ᴸ⁾|`` and ``max_θ |Θ̂⁽ᴸ⁾ − Θ⁽ᴸ⁾|`` over the angles ``theta``."""
    sig, ntk = analytic_kernels(theta, net.depth)
    s_hat, t_hat = empirical_kernels(net, theta)
    return float(np.max(np.abs(s_hat[-1] - sig[-1]))), float(np.max(np.abs(t_hat - ntk[-1])))


@lru_cache(maxsize=16)
def deviation_sweep(depth: int, width: int, seed: int) -> Deviations:
    """Deviations of ``2^k`` independent networks of width ``width/2^k`` (k = 0 … 3, widths
    ≥ :data:`MIN_SWEEP_WIDTH`), all cut as disjoint diagonal blocks from one draw
    (independent of the scene's own network: another stream of the seed)."""
    theta = np.linspace(0.0, np.pi, SWEEP_ANGLES)
    big = draw_network(depth, width, seed, stream=1)  # used once: not kept
    rows = []
    w, k = width, 1
    while w >= MIN_SWEEP_WIDTH and k <= 8:
        for i in range(k):
            rows.append((w, *max_deviations(big.block(i, w), theta)))
        w, k = w // 2, k * 2
    a = np.array(rows)
    return Deviations(a[:, 0].astype(np.int64), a[:, 1], a[:, 2])


def fit_slope(width: np.ndarray, deviation: np.ndarray) -> SlopeFit:
    """Log-log slope of the deviations against the width, with its standard error."""
    return log_log_fit(width, deviation)


@lru_cache(maxsize=1)
def _gauss_legendre() -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(200)


@lru_cache(maxsize=64)
def student_t_quantile(p: float, dof: int) -> float:
    """The ``p``-quantile of Student's t with ``dof`` degrees of freedom: bisection on the CDF,
    itself a Gauss–Legendre integral of the density over ``[0, t]`` (p ≥ ½)."""
    nodes, weights = _gauss_legendre()
    logc = math.lgamma((dof + 1) / 2) - math.lgamma(dof / 2) - 0.5 * math.log(dof * math.pi)

    def cdf(t: float) -> float:
        u = (nodes + 1.0) * t / 2.0
        dens = np.exp(logc - (dof + 1) / 2 * np.log1p(u * u / dof))
        return 0.5 + float(np.sum(weights * dens)) * t / 2.0

    lo, hi = 0.0, 1.0
    while cdf(hi) < p:
        hi *= 2.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return hi
