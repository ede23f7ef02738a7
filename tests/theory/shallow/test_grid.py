"""Theorem 2.3 (seed 003): cubes, bumps, the leak, the corrected k, and the curse of d."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks, targets_nd
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.expressions import ExpressionError
from approxlab.theory.shallow.grid import (
    GridNetwork,
    axis_rule,
    axis_rule_size,
    cells_per_axis,
    cells_per_axis_printed,
    dense_deviation,
    gamma_star,
    grid_network,
    grid_relu_network,
    l1_errors,
    largest_k,
    leak_bound,
    leak_curves,
    leak_exact,
    lower_corners,
    node_counts,
    relu_nodes,
    sup_h_error,
    sup_piecewise_error,
    sup_with_k,
    tensor_rule,
    theorem_2_3,
)

LIB = [(name, d) for name in targets_nd.NAMES for d in (1, 2, 3) if d >= targets_nd.MIN_D[name]]


def bump(k: int, d: int, gamma: float, j: int) -> GridNetwork:
    """The single bump f_γ of cube j (outer weights e_j)."""
    a = np.zeros(k**d)
    a[j] = 1.0
    return GridNetwork(k, d, gamma, a)


# --------------------------------------------------------------------------- the bump


def test_trapezoid_from_the_first_layer():
    """f_{γ,i} = σ((z−u+γ)/γ) − σ((z−u)/γ) − σ((z−v)/γ) + σ((z−v−γ)/γ): 1 on [u, v], 0 off
    [u − γ, v + γ], linear in between — built from the network's real first layer."""
    k, gam = 4, 0.05
    net = grid_relu_network(bump(k, 1, gam, 2))
    (W1, b1), (W2, _), _ = net
    z = np.linspace(0, 1, 4001)
    first = np.maximum(W1 @ z[None, :] + b1[:, None], 0)
    trap = (W2 @ first)[2]  # cube 2: [0.5, 0.75)
    u, v = 0.5, 0.75
    want = np.clip(np.minimum((z - u + gam) / gam, (v + gam - z) / gam), 0, 1)
    np.testing.assert_allclose(trap, want, atol=1e-12)


@pytest.mark.parametrize(("k", "d"), [(3, 1), (3, 2), (2, 3)])
def test_bump_is_one_on_the_cube_zero_outside(k, d):
    gam = 0.3 / k
    j = k**d // 2
    f = bump(k, d, gam, j)
    u = lower_corners(k, d)[j]
    rng = np.random.default_rng(0)
    inside = u + rng.random((2000, d)) / k
    np.testing.assert_allclose(f(inside), 1.0)
    pts = rng.random((20000, d))
    out = np.any((pts < u - gam) | (pts > u + 1 / k + gam), axis=1)
    assert np.all(f(pts[out]) == 0.0)
    vals = f(pts)
    assert vals.min() >= 0.0 and vals.max() <= 1.0 + 1e-12


@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("frac", [1.0, 0.3, 0.01])
def test_leak_of_an_interior_bump(d, frac):
    """∫|f_γ − 1_R| equals the exact formula and is at most the proof's bound."""
    k = 5
    gam = frac * 0.5 / k
    j = sum(2 * k**i for i in range(d))  # interior cube (2, …, 2)
    f = bump(k, d, gam, j)
    x, w = axis_rule(k, gam, nodes=4000)
    if d == 1:
        pts, wts = x[:, None], w
    else:
        pts = np.stack(np.meshgrid(x, x, indexing="ij"), -1).reshape(-1, 2)
        wts = np.outer(w, w).ravel()
    u = lower_corners(k, d)[j]
    ind = np.all((pts >= u) & (pts < u + 1 / k), axis=1)
    leak = float(np.sum(wts * np.abs(f(pts) - ind)))
    exact = leak_exact(k, d, gam)
    assert leak == pytest.approx(exact, rel=1e-6 if d == 1 else 2e-3)
    assert exact <= leak_bound(k, d, gam)


@settings(max_examples=60, deadline=None)
@given(k=st.integers(1, 50), d=st.integers(1, 8), frac=st.floats(1e-6, 1.0))
def test_exact_leak_is_at_most_the_bound_and_about_half(k, d, frac):
    gam = frac * 0.5 / k
    exact, bound = leak_exact(k, d, gam), leak_bound(k, d, gam)
    assert exact <= bound * (1 + 1e-12)
    # leading terms: d·2γ·k^{1−d}/2 against d·2γ·k^{1−d}
    if frac < 1e-3:
        assert exact / bound == pytest.approx(0.5, rel=1e-2)


@settings(max_examples=40, deadline=None)
@given(
    k=st.integers(1, 5),
    d=st.integers(1, 3),
    frac=st.floats(0.01, 1.0),
    seed=st.integers(0, 2**31),
)
def test_sparse_evaluation_equals_the_weight_matrices(k, d, frac, seed):
    """f evaluated through its real 3-layer weight matrices equals the sparse evaluation."""
    gam = frac * 0.5 / k
    rng = np.random.default_rng(seed)
    net = GridNetwork(k, d, gam, rng.normal(size=k**d))
    X = rng.random((600, d))
    X[:300] = np.clip(np.round(X[:300] * k) / k + rng.normal(scale=gam, size=(300, d)), 0, 1)
    dense = grid_relu_network(net)
    assert len(dense) == 3 and networks.hidden_nodes(dense) == relu_nodes(k, d) == net.nodes
    np.testing.assert_allclose(net(X), networks.evaluate(dense, X), atol=1e-11)


# --------------------------------------------------------------------------- Theorem 2.3


@pytest.mark.parametrize(("name", "d"), LIB)
def test_lipschitz_constants(name, d):
    g = targets_nd.get(name, d)
    X = targets_nd.sample_points(d)
    h = 1e-6
    grads = np.stack(
        [(g(X + h * e) - g(X - h * e)) / (2 * h) for e in np.eye(d)], axis=1
    )  # central differences
    norms = np.linalg.norm(grads, axis=1)
    assert norms.max() <= g.lipschitz * (1 + 1e-6)
    assert norms.max() >= 0.9 * g.lipschitz  # attained (up to the sample)


@pytest.mark.parametrize(("name", "d"), LIB)
def test_box_ranges_are_exact(name, d):
    g = targets_nd.get(name, d)
    rng = np.random.default_rng(1)
    lo = rng.random((200, d)) * 0.8
    hi = lo + rng.random((200, d)) * 0.2
    mn, mx = g.box_range(lo, hi)
    pts = lo[:, None, :] + (hi - lo)[:, None, :] * rng.random((200, 3000, d))
    corners = ((np.arange(1 << d)[:, None] >> np.arange(d)) & 1).astype(float)
    pts = np.concatenate([pts, lo[:, None, :] + (hi - lo)[:, None, :] * corners], axis=1)
    vals = g(pts.reshape(-1, d)).reshape(200, -1)
    assert np.all(vals.min(axis=1) >= mn - 1e-12) and np.all(vals.max(axis=1) <= mx + 1e-12)
    # attained: the sampled extremes come close
    assert np.max(mx - vals.max(axis=1)) < 0.05 and np.max(vals.min(axis=1) - mn) < 0.05


def integrals(g, net, d):
    X, w = tensor_rule(net.k, d, net.gamma)
    f, h, gx = net(X), net.h(X), g(X)
    return float(np.sum(w * np.abs(f - gx))), float(np.sum(w * np.abs(f - h)))


@pytest.mark.parametrize(("name", "d"), [c for c in LIB if c[1] <= 2])
@pytest.mark.parametrize("eps", [0.05, 0.2, 0.6, 1.5])
def test_theorem_2_3_corrected(name, d, eps):
    g = targets_nd.get(name, d)
    k = cells_per_axis(g.lipschitz, eps, d)
    assert k == math.ceil(g.lipschitz * math.sqrt(d) / eps)
    a = g(lower_corners(k, d))
    total = float(np.abs(a).sum())
    gam = gamma_star(k, d, eps, total)
    net = grid_network(g, k, d, gam)
    np.testing.assert_array_equal(net.a, a)
    sup, _ = sup_piecewise_error(g.box_range, net)
    assert sup <= eps + rounding_allowance(float(np.abs(a).max()), eps, ops=2 * g.roundings + 4)
    l1, leak = integrals(g, net, d)
    leak_b = total * leak_bound(k, d, gam)
    assert leak_b <= eps * (1 + 1e-12)
    assert leak <= leak_b
    assert l1 <= 2 * eps
    # the piecewise-constant h is within ε everywhere: check on random points too
    X = np.random.default_rng(2).random((20000, d))
    assert np.max(np.abs(net.h(X) - g(X))) <= sup + 1e-12


@pytest.mark.parametrize("d", [2, 3, 4, 8])
@pytest.mark.parametrize("eps", [0.3, 0.6, 1.0])
def test_printed_k_fails_for_the_ridge(d, eps):
    """The printed k = ⌈ρ/(ε√d)⌉ leaves sup |h − g| = √d/k ≈ dε > ε for the ridge."""
    g = targets_nd.get("ridge", d)
    kp = cells_per_axis_printed(1.0, eps, d)
    if kp**d > 400_000:
        pytest.skip("too many cubes")
    net = GridNetwork(kp, d, 0.5 / kp, g(lower_corners(kp, d)))
    sup, _ = sup_piecewise_error(g.box_range, net)
    assert sup == pytest.approx(math.sqrt(d) / kp, rel=1e-12)
    assert sup > eps
    k = cells_per_axis(1.0, eps, d)
    if k**d <= 400_000:
        net = GridNetwork(k, d, 0.5 / k, g(lower_corners(k, d)))
        assert sup_piecewise_error(g.box_range, net)[0] <= eps + 1e-15


@pytest.mark.parametrize("d", [1, 2, 3])
def test_ridge_attains_the_bound(d):
    """√d/ε an integer: sup |h − g| = ε exactly (up to rounding) — why the check allows
    rounding."""
    eps = math.sqrt(d) / 8
    g = targets_nd.get("ridge", d)
    k = cells_per_axis(1.0, eps, d)
    assert k == 8
    net = GridNetwork(k, d, 0.5 / k, g(lower_corners(k, d)))
    sup, _ = sup_piecewise_error(g.box_range, net)
    assert sup == pytest.approx(eps, rel=1e-14)


def test_gamma_star_spends_exactly_epsilon():
    g = targets_nd.get("gaussian", 2)
    for eps in (0.05, 0.3):
        k = cells_per_axis(g.lipschitz, eps, 2)
        total = float(np.abs(g(lower_corners(k, 2))).sum())
        gam = gamma_star(k, 2, eps, total)
        if gam < 0.5 / k:
            assert total * leak_bound(k, 2, gam) == pytest.approx(eps, rel=1e-12)
        assert total * leak_bound(k, 2, gam) <= eps * (1 + 1e-12)
    assert gamma_star(4, 2, 0.1, 0.0) == 0.125


@pytest.mark.parametrize(("name", "d", "eps"), [("ridge", 3, 0.6), ("gaussian", 3, 1.5)])
def test_monte_carlo_check_statistically(name, d, eps):
    """For d > 2 the scene checks a Monte Carlo mean (confidence 0.99): over many seeds the
    estimate of ∫|f − g| exceeds 2ε in far fewer than 1% of draws."""
    g = targets_nd.get(name, d)
    k = cells_per_axis(g.lipschitz, eps, d)
    a = g(lower_corners(k, d))
    net = GridNetwork(k, d, gamma_star(k, d, eps, float(np.abs(a).sum())), a)
    rng = np.random.default_rng(3)
    X = rng.random((200, 4096, d))
    est = np.abs(net(X.reshape(-1, d)) - g(X.reshape(-1, d))).reshape(200, -1).mean(axis=1)
    failures = int(np.sum(est > 2 * eps))
    assert failures <= 6  # P[Bin(200, 0.01) > 6] < 0.5%


def test_curse_of_dimensionality():
    """Nodes (4d + 1)·⌈ρ√d/ε⌉^d grow exponentially in d (ridge, ε = 0.1)."""
    counts = [relu_nodes(cells_per_axis(1.0, 0.1, d), d) for d in range(1, 9)]
    assert counts[0] == 5 * 10 and counts[1] == 9 * 15**2
    assert all(b / a > 10 for a, b in itertools.pairwise(counts))


def test_custom_multivariate_targets():
    c = targets_nd.custom("(x1 + x2)/sqrt(2)", 2)
    r = targets_nd.get("ridge", 2)
    X = targets_nd.sample_points(2)
    np.testing.assert_allclose(c(X), r(X), atol=1e-15)
    assert c.lipschitz == pytest.approx(1.0, rel=1e-9) and c.estimated
    with pytest.raises(ExpressionError, match="unknown name 'x3'"):
        targets_nd.custom("x3", 2)
    with pytest.raises(ExpressionError, match="jumps"):
        targets_nd.custom("(x1 > 0.5)", 2)
    with pytest.raises(ExpressionError, match="not finite"):
        targets_nd.custom("sqrt(x1)", 2)


# --- the scene's measurements, moved into theory ---------------------------------------


@pytest.mark.parametrize("d", range(1, 9))
def test_largest_k_is_the_largest_that_fits(d):
    k = largest_k(d, 400_000, 1 << 18)
    assert k**d <= 400_000
    if d <= 2:
        assert axis_rule_size(k) ** d <= 1 << 18
        assert (k + 1) ** d > 400_000 or axis_rule_size(k + 1) ** d > 1 << 18
    else:
        assert (k + 1) ** d > 400_000


@pytest.mark.parametrize(("name", "d"), [("ridge", 1), ("gaussian", 2), ("saddle", 2)])
def test_theorem_2_3_and_its_integrals(name, d):
    g = targets_nd.get(name, d)
    c = theorem_2_3(g, g.lipschitz, 0.3, d, 0.5)
    assert c.k == cells_per_axis(g.lipschitz, 0.3, d)
    np.testing.assert_array_equal(c.net.a, g(lower_corners(c.k, d)))
    assert c.total == pytest.approx(float(np.abs(c.net.a).sum()))
    assert c.net.gamma == 0.5 * gamma_star(c.k, d, 0.3, c.total)
    assert c.tau == 0.3 / c.total
    ints = l1_errors(g, c.net, 1000, 1)
    l1, leak = integrals(g, c.net, d)
    assert ints.fg == (l1, 0.0) and ints.fh == (leak, 0.0)
    assert ints.fh[0] <= c.leak_bound() <= 0.3 * (1 + 1e-12)
    exact = sup_h_error(g, g.box_range, c.net, ints)
    assert exact == sup_piecewise_error(g.box_range, c.net)[0]
    # without the closed-form ranges, the estimate is a lower bound on the exact supremum
    assert sup_h_error(g, None, c.net, ints) <= exact + 1e-15


def test_monte_carlo_integrals_for_d_above_2():
    g = targets_nd.get("ridge", 3)
    c = theorem_2_3(g, g.lipschitz, 0.6, 3, 1.0)
    ints = l1_errors(g, c.net, 4096, 7)
    X = np.random.default_rng(7).random((4096, 3))
    e = np.abs(c.net(X) - g(X))
    assert ints.fg[0] == pytest.approx(e.mean()) and ints.fg[1] == pytest.approx(e.std(ddof=1) / 64)


def test_node_counts_leak_curves_and_dense_deviation():
    corrected, printed, omega = node_counts(np.array([1.0, 1.0]), 0.5, np.array([1, 2]))
    assert corrected == [5 * 2, 9 * 3**2] and printed == [5 * 2, 9 * 2**2] and omega == [2, 4]
    gs_ = np.array([1e-3, 1e-2])
    bound, exact = leak_curves(3, 2, gs_)
    assert bound == [leak_bound(3, 2, x) for x in gs_] and exact == [
        leak_exact(3, 2, x) for x in gs_
    ]
    g = targets_nd.get("gaussian", 2)
    c = theorem_2_3(g, g.lipschitz, 1.5, 2, 1.0)
    X = np.random.default_rng(0).random((300, 2))
    assert dense_deviation(c.net, X) < 1e-12
    assert sup_with_k(g, g.box_range, c.k, 2) == sup_piecewise_error(g.box_range, c.net)[0]


@pytest.mark.parametrize("k", [3, 5, 7, 10])
def test_shared_faces_give_one_knot_not_two(k):
    """Adjacent cubes share a face: the weight matrices put both ramps' kinks at the same
    float, so the exported network has exactly the construction's knots."""
    g = targets_nd.get("ridge", 1)
    net = grid_network(g, k, 1, 0.25 / k)
    (W1, b1), _, _ = grid_relu_network(net)
    kinks = np.unique(-b1 / W1[:, 0])
    e = np.arange(k + 1) / k  # cube j has kinks at u − γ, u, v, v + γ (u = j/k, v = u + 1/k)
    exact = np.unique(np.round(np.concatenate([e[:-1] - 0.25 / k, e, e[1:] + 0.25 / k]), 12))
    assert kinks.size == exact.size
    np.testing.assert_allclose(kinks, exact, atol=1e-12)
