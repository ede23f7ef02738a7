"""The neural tangent kernel (seed 003, Theorem 3.19, Proposition 3.23): theory/ntk.py."""

import math

import numpy as np
import pytest

from approxlab.theory.near_init import ntk
from approxlab.theory.near_init import two_layer as ni

THETA = np.linspace(0.0, np.pi, 721)
PAIRS = np.stack([np.cos(THETA), np.sin(THETA)], axis=1)
E1 = np.array([1.0, 0.0])


def orthant_by_quadrature(rho: float) -> float:
    """P(g₁ ≥ 0, g₂ ≥ 0), corr ρ, as ∫₀^∞ φ(z) Φ(ρz/√(1−ρ²)) dz (Gauss–Legendre on [0, 12])."""
    s, w = np.polynomial.legendre.leggauss(200)
    z = 6.0 * (s + 1.0)
    if abs(rho) >= 1.0:
        return 0.5 if rho > 0 else 0.0
    arg = rho * z / math.sqrt(1.0 - rho * rho)
    Phi = np.array([0.5 * (1.0 + math.erf(a / math.sqrt(2.0))) for a in arg])
    return float(6.0 * np.sum(w * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) * Phi))


def test_proposition_3_23_equals_the_arc_cosine_kernel_of_degree_0():
    k = ntk.k_inf(E1, PAIRS)[0]
    reference = (PAIRS @ E1) * ntk.arccos_kernel(0, E1, PAIRS)[0] / 2.0
    np.testing.assert_allclose(k, reference, atol=1e-15)
    np.testing.assert_allclose(k, ntk.k_inf_theta(THETA), atol=1e-15)
    assert ntk.k_inf(E1, E1)[0, 0] == 0.5  # the proof's x = x′ case


def test_proposition_3_23_equals_sheppard_and_a_quadrature_over_gaussian_v():
    k = ntk.k_inf_theta(THETA)
    np.testing.assert_allclose(k, np.cos(THETA) * ntk.sheppard(np.cos(THETA)), atol=1e-15)
    for th in THETA[::40]:
        q = orthant_by_quadrature(math.cos(th))
        assert abs(math.cos(th) * q - ntk.k_inf_theta(th)) < 1e-12


def test_k_inf_is_the_gaussian_expectation_in_any_dimension():
    """Monte Carlo over v ~ N(0, I_d): E ⟨x, x′⟩1[vᵀx ≥ 0]1[vᵀx′ ≥ 0] for random pairs."""
    rng = np.random.default_rng(0)
    v = rng.standard_normal((400_000, 5))
    for _ in range(4):
        x, xp = rng.standard_normal((2, 5))
        x, xp = x / np.linalg.norm(x), xp / np.linalg.norm(xp)
        both = np.mean((v @ x >= 0) & (v @ xp >= 0))
        se = math.sqrt(0.25 / v.shape[0])
        assert abs(both - ntk.k_inf(x, xp)[0, 0] / (x @ xp)) < 5 * se


def test_arc_cosine_kernels_are_gaussian_expectations():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((400_000, 3))
    x, y = np.array([1.0, 0.5, -0.2]), np.array([0.3, -1.0, 0.8])
    for n in (0, 1, 2):
        terms = 2.0 * (w @ x >= 0) * (w @ y >= 0) * (w @ x) ** n * (w @ y) ** n
        mc = terms.mean()
        assert abs(mc - ntk.arccos_kernel(n, x, y)[0, 0]) < 5 * terms.std() / np.sqrt(w.shape[0])
    with pytest.raises(ValueError):
        ntk.arccos_kernel(3, x, y)


def test_accurate_angles_near_zero_and_pi():
    th = np.array([1e-9, 1e-6, np.pi - 1e-7])
    pts = np.stack([np.cos(th), np.sin(th)], axis=1)
    np.testing.assert_allclose(ntk.angle(E1, pts)[0], th, rtol=1e-7)


@pytest.mark.parametrize("m", [1, 7, 1000])
def test_empirical_kernel_from_gradients_equals_the_count(m):
    net = ni.initialization(m, 2, 3)
    srt = np.sort(ntk.ntk_angles(net.V0))
    for th in np.linspace(0, np.pi, 37):
        xp = np.array([np.cos(th), np.sin(th)])
        grad = ntk.ntk_gradient_form(E1, xp, net.V0, net.a)
        assert abs(grad - ntk.ntk_on_circle(srt, np.array([th]))[0]) < 1e-12


@pytest.mark.parametrize("m", [1, 5, 200, 5000])
def test_max_deviation_matches_a_dense_evaluation(m):
    net = ni.initialization(m, 2, 11)
    srt = np.sort(ntk.ntk_angles(net.V0))
    dev, _ = ntk.ntk_max_deviation(srt)
    th = np.linspace(0.0, np.pi, 400_001)
    dense = np.max(np.abs(ntk.ntk_on_circle(srt, th) - ntk.k_inf_theta(th)))
    assert dense <= dev + 4e-7 and dev <= dense + 1e-5
    widths = np.array([1, m // 2 + 1, m])
    np.testing.assert_allclose(
        ntk.ntk_max_deviation_prefixes(ntk.ntk_angles(net.V0), widths),
        [ntk.ntk_max_deviation(np.sort(ntk.ntk_angles(net.V0[:w])))[0] for w in widths],
    )


def test_dkw_bound_holds_with_its_stated_probability():
    delta, trials = 0.05, 400
    fails = 0
    for seed in range(trials):
        net = ni.initialization(100, 2, seed)
        dev, _ = ntk.ntk_max_deviation(np.sort(ntk.ntk_angles(net.V0)))
        fails += dev > ntk.dkw_bound(100, delta)
    allowed = trials * delta + 4 * math.sqrt(trials * delta * (1 - delta))
    assert fails <= allowed


def test_max_deviation_shrinks_like_one_over_root_m():
    widths = np.array([100, 1_000, 10_000])
    means = []
    for m in widths:
        devs = [
            ntk.ntk_max_deviation(np.sort(ntk.ntk_angles(ni.initialization(m, 2, s).V0)))[0]
            for s in range(60)
        ]
        means.append(np.mean(devs))
    slope = np.polyfit(np.log(widths), np.log(means), 1)[0]
    assert -0.6 < slope < -0.4
    scaled = np.array(means) * np.sqrt(widths)
    assert scaled.max() / scaled.min() < 1.3
