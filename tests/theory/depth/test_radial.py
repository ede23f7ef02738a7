"""Depth 2 against depth 3 for a radial function (003 Remark 4.12; 002 Eldan–Shamir):
theory/depth/radial.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from approxlab.theory.core import networks
from approxlab.theory.depth import radial as rd
from approxlab.theory.depth import squaring


@pytest.mark.parametrize("w, d", [(0.7, 1), (0.4, 8), (1.5, 3)])
def test_ripples_cover_the_cube_and_have_lipschitz_one_over_w_squared(w, d):
    phi = rd.Ripples(w, d)
    assert phi.knots[0] == 0 and phi.knots[-1] >= d
    assert phi.knots[-2] < d
    assert phi.lipschitz == pytest.approx(1 / w**2)
    r = np.linspace(0, math.sqrt(d), 1001)
    vals = phi(r * r)
    assert vals.min() >= 0 and vals.max() <= 1
    np.testing.assert_allclose(phi((np.arange(phi.knots.size) * w) ** 2), phi.values)


@pytest.mark.parametrize("i", range(0, 7))
def test_coordinate_block_is_yarotskys_h_i_of_the_absolute_value(i):
    off, coef, base = rd.coordinate_square(i)
    assert off.size == 2 ** (i + 1)
    t = np.linspace(-1, 1, 4097)
    h = base + np.maximum(t[:, None] - off, 0) @ coef
    np.testing.assert_allclose(h, squaring.interpolant(i, np.abs(t)), atol=1e-13)
    deep = networks.evaluate(squaring.squaring_network(i), np.abs(t))
    np.testing.assert_allclose(h, deep, atol=1e-13)
    err = h - t * t
    assert err.min() >= -1e-15 and err.max() <= squaring.squaring_bound(i) + 1e-15


@pytest.mark.parametrize("d, i, w", [(1, 0, 0.7), (3, 2, 0.7), (8, 4, 0.4), (5, 6, 1.2)])
def test_three_layer_network_is_phi_of_the_squared_norm_estimate_and_within_its_bound(d, i, w):
    phi = rd.Ripples(w, d)
    net = rd.three_layer_network(phi, i)
    assert len(net) == 3
    assert networks.hidden_nodes(net) == rd.three_layer_nodes(d, i, phi.pieces)
    x = np.random.default_rng(d + i).uniform(-1, 1, (3000, d))
    # corners and axes too: the bound is a sup bound
    x = np.vstack([x, np.sign(x[:50]), np.eye(d), -np.eye(d), np.zeros((1, d))])
    f = networks.evaluate(net, x)
    np.testing.assert_allclose(f, phi(rd.squared_norm_estimate(x, i)), atol=1e-12)
    assert np.max(np.abs(f - phi.target(x))) <= rd.three_layer_bound(phi, i) + 1e-12


def test_bound_is_attained_in_one_dimension():
    """d = 1, first ripple: the excess 4^(−i−1) at the first cell's midpoint meets slope 1/w²."""
    phi = rd.Ripples(1.0, 1)
    i = 1
    x = np.array([[0.25]])  # h_1(0.25) = 0.125, x² = 0.0625: excess 1/16 = 4^−2
    f = networks.evaluate(rd.three_layer_network(phi, i), x)
    assert abs(f - phi.target(x))[0] == pytest.approx(rd.three_layer_bound(phi, i))


def test_level_for_is_the_smallest_level_meeting_eps():
    for w in (0.4, 0.7, 1.5):
        for d in range(1, 9):
            for eps in (0.005, 0.05, 0.5):
                phi = rd.Ripples(w, d)
                i = rd.level_for(phi, eps)
                assert rd.three_layer_bound(phi, i) <= eps
                assert i == 0 or rd.three_layer_bound(phi, i - 1) > eps
                assert i <= rd.LEVELS[-1]


def test_estimate_is_rms_with_delta_method_standard_error():
    rng = np.random.default_rng(0)
    r = rng.normal(0, 0.3, 10_000)
    e = rd.Estimate.of(r)
    assert e.rms == pytest.approx(math.sqrt(np.mean(r * r)))
    # for normal residuals Var(r²) = 2σ⁴, so SE(rms) ≈ σ/√(2n)
    assert e.stderr == pytest.approx(0.3 / math.sqrt(2 * 10_000), rel=0.05)


def test_two_layer_fits_use_feature_prefixes_and_improve_with_width():
    phi = rd.Ripples(0.7, 2)
    fit = rd.fit_two_layer(phi, 0, rd.WIDTHS)
    errs = [e.rms for e in fit.errors]
    assert errs[-1] < errs[0]
    for k, net in zip(rd.WIDTHS, fit.networks, strict=True):
        assert net[0][0].shape == (k, 2)
    single = rd.fit_two_layer(phi, 0, [32])
    j = list(rd.WIDTHS).index(32)
    assert single.errors[0].rms == fit.errors[j].rms
    assert single.errors[0].n == rd.TEST_POINTS
    # the chosen fit is the best ridge least-squares solution on the validation points
    tr, va, te = (p[:, :2] for p in rd.sample(0))
    best = (np.inf, None)
    for draw in rd._draws(0.7, 2, 0):
        W, b = draw.W[:32], draw.b[:32]
        F = rd._features(tr, W, b)
        G = F.T @ F / tr.shape[0]
        for ridge in rd.RIDGES:
            A = G + ridge * np.mean(
                np.diag(
                    rd._features(tr, draw.W, draw.b).T
                    @ rd._features(tr, draw.W, draw.b)
                    / tr.shape[0]
                )
            ) * np.eye(33)
            a = np.linalg.solve(A, F.T @ phi.target(tr) / tr.shape[0])
            v = np.mean((rd._features(va, W, b) @ a - phi.target(va)) ** 2)
            if v < best[0]:
                best = (v, rd._features(te, W, b) @ a)
    direct = math.sqrt(np.mean((best[1] - phi.target(te)) ** 2))
    assert direct == pytest.approx(single.errors[0].rms, rel=1e-8)


def test_depth_separation_is_visible_in_the_sweeps():
    s2 = rd.two_layer_sweep(0.7, 0)[0]
    s3 = rd.three_layer_sweep(0.7, 0)[0]
    # one dimension: the two-layer fit with 128 units is excellent
    assert s2[0, -1] < 0.01
    # eight dimensions: it is no better than a third of the best constant's error …
    x = rd.sample(0)[2]
    std8 = np.std(rd.Ripples(0.7, 8).target(x))
    assert s2[7, -1] > 0.5 * std8
    # … while three layers at level 4 (8·32 + pieces nodes) are below 0.01
    assert s3[7, 4] < 0.01


def test_nodes_needed():
    err = np.array([[0.5, 0.1, 0.01], [0.5, 0.4, 0.3]])
    nodes = np.array([[4, 8, 16], [4, 8, 16]])
    got = rd.nodes_needed(err, nodes, 0.1)
    assert got[0] == 8 and np.isnan(got[1])
