"""Kernels of deep ReLU networks (seed 002; 003 Theorem 3.19 beyond two layers):
theory/near_init/deep_kernels.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from approxlab.scenes import deep_kernels as scene
from approxlab.theory.core import networks
from approxlab.theory.near_init import deep_kernels as dk
from approxlab.theory.near_init import ntk

THETA = np.linspace(0.0, np.pi, 13)


def test_kappas_are_gaussian_expectations():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((2, 1_000_000))
    for rho in (-0.9, -0.3, 0.0, 0.5, 0.95):
        u, w = z[0], rho * z[0] + math.sqrt(1 - rho * rho) * z[1]
        k1 = 2 * np.maximum(u, 0) * np.maximum(w, 0)
        k0 = 2 * (u > 0) * (w > 0)
        assert abs(k1.mean() - dk.kappa1(rho)) < 5 * k1.std() / 1000
        assert abs(k0.mean() - dk.kappa0(rho)) < 5 * k0.std() / 1000


def test_recursions_keep_the_diagonal_and_flatten():
    sig, theta_k = dk.analytic_kernels(THETA, 60)
    np.testing.assert_allclose(sig[:, 0], 1.0, atol=1e-14)
    np.testing.assert_allclose(theta_k[:, 0], np.arange(61) + 1.0, atol=1e-12)
    assert np.all(np.diff(sig[1:, 1:], axis=0) >= -1e-15)  # Σ rises with depth
    assert np.all(sig[60, 1:] > 0.99)
    _, deep = dk.analytic_kernels(THETA[1:], 5000)
    assert np.all(np.abs(deep[5000] / 5001 - 0.25) < 0.01)  # Θ/(L + 1) → ¼, slowly


def test_two_layer_ntk_is_seed_003_k_inf_with_he_factor_and_outer_layer():
    sig, theta_k = dk.analytic_kernels(THETA, 1)
    np.testing.assert_allclose(
        theta_k[1] - dk.kappa1(np.cos(THETA)), 2 * ntk.k_inf_theta(THETA), atol=1e-13
    )
    e1 = np.array([1.0, 0.0])
    pairs = np.stack([np.cos(THETA), np.sin(THETA)], axis=1)
    np.testing.assert_allclose(sig[1], ntk.arccos_kernel(1, e1, pairs)[0], atol=1e-13)


def test_empirical_ntk_is_the_inner_product_of_finite_difference_gradients():
    net = dk.random_network(3, 16, 5)
    th = np.array([0.7])
    _, t_hat = dk.empirical_kernels(net, th)
    x, xp = dk.circle_pairs(th).T
    params = [net.first, *net.hidden, net.readout[None, :]]
    scales = [1.0] + [math.sqrt(2 / 16)] * 3

    def f(ps, z):
        h = z
        for i, (W, s) in enumerate(zip(ps, scales, strict=True)):
            h = s * (W @ h)
            if i < len(ps) - 1:
                h = np.maximum(h, 0)
        return h[0]

    def grad(z):
        out = []
        for i, W in enumerate(params):
            g = np.zeros_like(W)
            for idx in np.ndindex(W.shape):
                ps = [P.copy() for P in params]
                ps[i][idx] += 1e-6
                up = f(ps, z)
                ps[i][idx] -= 2e-6
                g[idx] = (up - f(ps, z)) / 2e-6
            out.append(g.ravel())
        return np.concatenate(out)

    assert float(grad(x) @ grad(xp)) == pytest.approx(float(t_hat[0]), rel=1e-6)


def test_empirical_nngp_is_the_exported_network_hidden_layer():
    net = dk.random_network(2, 32, 1)
    layers = net.layers()
    th = np.array([0.4, 2.0])
    s_hat, _ = dk.empirical_kernels(net, th)
    X = dk.circle_pairs(th).T
    hidden = networks.evaluate([*layers[:-1], (np.eye(32), np.zeros(32))], X)
    hidden = np.maximum(hidden, 0)  # the identity readout skips the last ReLU
    np.testing.assert_allclose(s_hat[-1], (2 / 32) * hidden[1:] @ hidden[0], rtol=1e-12)


def test_empirical_kernels_average_to_the_recursions():
    sig, theta_k = dk.analytic_kernels(THETA, 2)
    s_mean = np.zeros(THETA.size)
    t_mean = np.zeros(THETA.size)
    n = 60
    for seed in range(n):
        s, t = dk.empirical_kernels(dk.random_network(2, 256, seed, stream=7), THETA)
        s_mean += s[-1] / n
        t_mean += t / n
    assert np.max(np.abs(s_mean - sig[2])) < 0.05
    assert np.max(np.abs(t_mean - theta_k[2])) < 0.15


def test_blocks_are_independent_networks_of_the_same_law():
    big = dk.random_network(2, 64, 3)
    a, b = big.block(0, 32), big.block(1, 32)
    assert a.width == 32 and a.depth == 2
    assert np.array_equal(a.hidden[0], big.hidden[0][:32, :32])
    assert np.array_equal(b.hidden[0], big.hidden[0][32:, 32:])


def test_student_t_quantiles():
    for p, dof, want in ((0.975, 1, 12.7062), (0.975, 5, 2.5706), (0.975, 13, 2.1604)):
        assert dk.student_t_quantile(p, dof) == pytest.approx(want, abs=2e-4)


@pytest.mark.parametrize("L, m", [(3, 128), (1, 32), (5, 256)])
def test_slope_check_fails_no_more_often_than_its_confidence_allows(L, m):
    """The scene states confidence 0.9 for each 1/√m check; over 60 seeds a 10 % failure
    rate gives ≤ 12 failures with probability ≈ 0.95 — the observed rate is about 5 %."""
    fails = {"nngp": 0, "ntk": 0}
    for seed in range(60):
        fits = scene._fits(dk.deviation_sweep(L, m, seed), L)
        assert fits
        for c, key in zip(scene.slope_checks(fits), ("nngp", "ntk"), strict=True):
            assert c.confidence == scene.CONFIDENCE
            fails[key] += not c.holds
    assert max(fails.values()) <= 12, fails


def test_fit_slope_recovers_a_known_slope_and_its_standard_error():
    rng = np.random.default_rng(4)
    w = np.repeat([32, 64, 128, 256], 50)
    y = np.exp(1.0 - 0.5 * np.log(w) + rng.normal(0, 0.3, w.size))
    f = dk.fit_slope(w, y)
    assert abs(f.slope + 0.5) < 4 * f.stderr
    xc = np.log(w) - np.log(w).mean()
    assert f.stderr == pytest.approx(0.3 / math.sqrt(np.sum(xc * xc)), rel=0.2)
