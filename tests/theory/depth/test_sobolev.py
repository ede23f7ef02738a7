"""Theorem 5.4 with Lemmas 5.3–5.5 (seed 003, §4.2.1) and Yarotsky's lower bound (seed 000)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import layer
from approxlab.theory.depth import pieces, squaring
from approxlab.theory.depth import sobolev as sb


def grid(d: int, n: int) -> np.ndarray:
    if d == 1:
        return np.linspace(0.0, 1.0, n)[:, None]
    g = np.linspace(0.0, 1.0, n)
    return np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)


@pytest.mark.parametrize("target", sorted(sb.TARGETS))
@pytest.mark.parametrize(
    ("d", "r", "k", "s"),
    [(1, 1, 2, 3), (1, 3, 3, 4), (1, 4, 2, 5), (2, 2, 2, 2), (2, 4, 2, 2), (2, 3, 1, 3)],
)
def test_stagewise_evaluation_is_the_assembled_network(target, d, r, k, s):
    """The scene's fast evaluation (component networks, branches on their supports) equals
    the whole network built as one weight list, on a grid containing the bumps' edges."""
    g = sb.TARGETS[target]
    X = grid(d, 4 * s * 3 + 1 if d == 1 else 2 * s * 3 + 1)
    full = sb.full_network(g, k, s, d, r)
    y = networks.evaluate(full, X if d > 1 else X[:, 0])
    approx = sb.approximate(g, k, s, d, r, X)
    np.testing.assert_allclose(approx.values, y, rtol=0, atol=1e-12)
    # sizes are those of the assembled network
    assert sb.network_size(k, s, d, r) == (networks.hidden_nodes(full), len(full))


def test_layers_grow_like_k_times_r_plus_d():
    """O(k(r + d)) layers: affine in k with slope (r − 2)⁺ + [d = 2] + 1 product stages."""
    for d in (1, 2):
        for r in (1, 2, 3, 4):
            maps = [sb.branch_size(k, d, r)[1] for k in range(1, 8)]
            stages = max(r - 2, 0) + (d == 2) + 1
            assert np.all(np.diff(maps) == stages)


@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_signed_product(k):
    """Yarotsky's product on [−1, 1]²: error ≤ 4^(−k) (attained), exactly 0 on the axes."""
    net = sb.signed_product_network(k)
    a = np.union1d(np.linspace(-1, 1, 257), [-(2.0**-k), 2.0**-k])
    A, B = np.meshgrid(a, a)
    ab = np.stack([A.ravel(), B.ravel()], axis=1)
    err = np.abs(networks.evaluate(net, ab) - ab[:, 0] * ab[:, 1])
    tol = rounding_allowance(2.0, ops=4 * (k + 3))
    assert err.max() <= 4.0**-k + tol
    assert err.max() >= 4.0**-k - tol  # attained at a = b = ±2^(−k)
    zero = np.stack([a, np.zeros_like(a)], axis=1)
    assert np.max(np.abs(networks.evaluate(net, zero))) <= 1e-15
    assert np.max(np.abs(networks.evaluate(net, zero[:, ::-1]))) <= 1e-15
    sq = networks.evaluate(sb.signed_square_network(k), a)
    assert np.all(sq - a * a >= -1e-15) and np.max(sq - a * a) <= 4.0 ** (-k - 1) + 1e-15


def test_hat_and_partition_of_unity():
    for s in (1, 3, 8):
        x = np.linspace(-1, 2, 3001)
        hat = networks.evaluate(sb.hat_network(s), x)
        np.testing.assert_allclose(hat, np.maximum(1 - s * np.abs(x), 0), atol=1e-14)
        v = np.arange(s + 1) / s
        u = np.linspace(0, 1, 1001)
        total = sum(networks.evaluate(sb.hat_network(s), u - vi) for vi in v)
        np.testing.assert_allclose(total, 1.0, atol=1e-14)  # d = 1: exact (Lemma 5.5)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_lemma_5_5_in_two_dimensions(k):
    g = sb.TARGETS["exp"]
    approx = sb.approximate(g, k, 4, 2, 1, grid(2, 41))
    assert np.max(np.abs(approx.partition - 1)) <= sb.partition_bound(2, k)


def test_branch_vanishes_off_its_support():
    s, k, d, r = 4, 3, 2, 3
    exps = sb.exponents(d, r - 1)
    v = np.array([0.5, 0.25])
    w = sb.taylor_coefficients(sb.TARGETS["sin2"], v[None, :], exps)[0]
    net = sb.branch_network(k, s, d, r, v, w)
    X = grid(2, 81)
    off = np.any(np.abs(X - v) >= 1 / s, axis=1)
    assert np.max(np.abs(networks.evaluate(net, X[off]))) <= 1e-15
    assert np.max(np.abs(networks.evaluate(net, X[~off]))) > 0.1


@settings(max_examples=25, deadline=None)
@given(
    target=st.sampled_from(sorted(sb.TARGETS)),
    d=st.integers(1, 2),
    r=st.integers(1, 4),
    s=st.integers(1, 12),
    k=st.integers(1, 8),
)
def test_theorem_5_4(target, d, r, s, k):
    """sup |f − g| ≤ proof's chain ≤ Theorem 5.4's bound; Lemmas 5.3/5.4; Taylor remainder."""
    g = sb.TARGETS[target]
    X = grid(d, 513 if d == 1 else 33)
    a = sb.approximate(g, k, s, d, r, X)
    err = np.max(np.abs(a.values - g(X)))
    M = sb.smoothness_constant(g, d, r)
    chain = sb.proof_bound(g, k, s, d, r)
    assert err <= chain["total"] <= sb.theorem_bound(M, r, d, s, k)
    # attained with equality by the quadratic "poly" at r = 2: a few ulps of rounding
    assert a.taylor_error <= sb.taylor_remainder_bound(M, r, d, s) + a.taylor_rounding
    assert a.mono_error <= r * 4.0**-k
    tol = rounding_allowance(2.0, ops=4 * (k + 3))
    assert max(a.product_error, a.final_error) <= 4.0**-k + tol


def test_smoothness_constants_are_exact():
    assert sb.smoothness_constant(sb.TARGETS["exp"], 2, 4) == 1.0
    assert sb.smoothness_constant(sb.TARGETS["poly"], 1, 4) == 8.0
    assert sb.smoothness_constant(sb.TARGETS["poly"], 2, 4) == 64.0  # ∂x²∂y² of the product
    assert sb.smoothness_constant(sb.TARGETS["sin2"], 1, 3) == pytest.approx((2 * np.pi) ** 3 / 2)
    # against finite differences of the closed forms
    t = np.linspace(0, 1, 200_001)
    for name, tg in sb.TARGETS.items():
        for n in range(4):
            num = np.gradient(tg.factor(t, n), t)
            np.testing.assert_allclose(
                num[2:-2], tg.factor(t, n + 1)[2:-2], atol=1e-3, err_msg=name
            )
            assert np.max(np.abs(tg.factor(t, n))) <= tg.factor_sup(n) * (1 + 1e-12)
            assert np.max(np.abs(tg.factor(t, n))) >= tg.factor_sup(n) * (1 - 1e-6)


def test_printed_taylor_degree_fails_its_remainder_bound():
    """Degree r (as printed) is not covered by M d^r ‖x − v‖^r / r! when only derivatives up
    to order r are bounded; degree r − 1 is.  g(x) = 1/2 + sin(ωx)/ω has |g|, |g'| ≤ 1
    (r = 1, M = 1)."""
    w = 40.0
    s = 2 * w / (3 * np.pi)  # h = 1/s = 3π/(2ω)
    h = 1 / s
    g = lambda x: 0.5 + np.sin(w * x) / w  # noqa: E731
    bound = 1.0 * h  # M d^r h^r / r!
    degree_1 = abs(g(h) - (g(0) + 1.0 * h))  # g'(0) = 1
    degree_0 = np.max(np.abs(g(np.linspace(0, h, 1001)) - g(0)))
    assert degree_1 > bound  # the printed choice fails
    assert degree_0 <= bound  # the corrected one holds


def test_number_of_monomials_is_not_at_most_d_to_the_r():
    for d in (1, 2, 3):
        for r in (1, 2, 3, 4):
            assert len(sb.exponents(d, r - 1)) == math.comb(d + r - 1, d)
    assert len(sb.exponents(1, 3)) > 1**4 and len(sb.exponents(2, 2)) > 2**2


def test_size_for_accuracy_matches_yarotsky_rate():
    """Remark 5.15: nodes / (ε^(−d/r) ln 1/ε) stays within a constant band over 6 decades."""
    g = sb.TARGETS["exp"]
    eps = np.logspace(-2, -8, 7)
    for d, r in [(1, 2), (1, 3), (2, 2), (2, 4)]:
        M = sb.smoothness_constant(g, d, r)
        sizes = []
        for e in eps:
            s, k, nodes, _ = sb.size_for_accuracy(g, d, r, float(e))
            assert sb.theorem_bound(M, r, d, s, k) <= e
            sizes.append(nodes)
        ratio = np.array(sizes) / (eps ** (-d / r) * np.log(1 / eps))
        assert ratio.max() / ratio.min() < 4, (d, r, ratio)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    widths=st.lists(st.integers(1, 10), min_size=1, max_size=4),
    bias=st.sampled_from([0.1, 0.5, 1.0]),
)
def test_yarotsky_lower_bound_holds_for_random_networks(seed, widths, bias):
    rng = np.random.default_rng(seed)
    net = pieces.he_network(widths, rng, bias)
    pl = networks.breakpoints(net, (0.0, 1.0))
    err, _ = squaring.sup_error_square(pl)
    assert err >= 1 / (8 * pl.pieces() ** 2) * (1 - 1e-12)
    assert networks.hidden_nodes(net) >= sb.yarotsky_lower_bound(np.array(err), len(net)) - 1e-9


def test_squaring_networks_respect_the_lower_bound():
    for k in range(1, 16):
        h = squaring.squaring_network(k, carry="nonneg")
        err, _ = squaring.sup_error_square(networks.breakpoints(h, (0.0, 1.0)))
        assert networks.hidden_nodes(h) >= sb.yarotsky_lower_bound(np.array(err), len(h))


def test_measure_collects_the_bounds_at_the_actual_parameters():
    g = sb.TARGETS["sin2"]
    X = grid(1, 129)
    ms = sb.measure(g, 4, 5, 1, 3, X)
    a = sb.approximate(g, 4, 5, 1, 3, X)
    np.testing.assert_array_equal(ms.approx.values, a.values)
    np.testing.assert_array_equal(ms.error, np.abs(a.values - g(X)))
    assert ms.max_error == ms.error.max()
    assert sb.smoothness_constant(g, 1, 3) == ms.M
    assert ms.bound == sb.theorem_bound(ms.M, 3, 1, 5, 4)
    assert ms.chain == sb.proof_bound(g, 4, 5, 1, 3)
    assert ms.taylor_bound == sb.taylor_remainder_bound(ms.M, 3, 1, 5)
    assert (ms.nodes, ms.layers) == sb.network_size(4, 5, 1, 3)
    assert ms.branch_nodes == sb.branch_size(4, 1, 3)[0]
    assert ms.product_error == max(a.product_error, a.final_error)


@pytest.mark.parametrize("k", [1, 4, 10])
def test_squaring_cost(k):
    h = sb.squaring_cost(k)
    assert h.nodes == 4 * k and h.layers == k + 1
    assert h.error == pytest.approx(4.0 ** (-k - 1), rel=1e-12)
    assert h.nodes >= h.lower_bound
    assert sb.squaring_nodes([k, k + 1]) == [4 * k, 4 * k + 4]


def test_bumps_are_hats_at_their_exact_knots():
    s = 4
    bumps = sb.bumps_1d(s)
    assert [v for v, _, _ in bumps] == [i / s for i in range(s + 1)]
    for v, t, y in bumps:
        np.testing.assert_allclose(y, np.maximum(1 - s * np.abs(t - v), 0.0), atol=1e-15)
    X = grid(2, 33)
    v = np.array([0.5, 0.25])
    b = sb.bump(3, s, v, X)
    h = np.maximum(1 - s * np.abs(X - v), 0.0)
    assert np.max(np.abs(b - h[:, 0] * h[:, 1])) <= 4.0**-3 + 1e-15  # Corollary 4.3


def test_sizes_and_rate():
    g = sb.TARGETS["exp"]
    eps = np.array([1e-2, 1e-4])
    sizes = sb.sizes_for_accuracies(g, 2, 3, eps)
    assert list(sizes) == [sb.size_for_accuracy(g, 2, 3, e)[2] for e in eps]
    np.testing.assert_allclose(sb.yarotsky_rate(eps, 2, 3), eps ** (-2 / 3) * np.log(1 / eps))


# ------------------------------------------------------------------ the sup (issue 12.2)


def forward(net, X: np.ndarray) -> np.ndarray:
    """Plain numpy evaluation of a ReLU network on rows X (independent of the library)."""
    z = X.T
    for i, (W, b) in enumerate(net):
        z = W @ z + b[:, None]
        if i < len(net) - 1:
            z = np.maximum(z, 0.0)
    return z[0]


def network_on(target, k, s, d, r, X: np.ndarray) -> np.ndarray:
    """f at the rows of X: every branch evaluated where its bump can be non-zero, summed."""
    out = np.zeros(X.shape[0])
    for v, net in zip(sb.grid_points(s, d), sb.branches(target, k, s, d, r), strict=True):
        near = np.all(np.abs(X - v) <= 1 / s, axis=1)
        out[near] += forward(net, X[near])
    return out


def test_slope_points_solve_the_derivative():
    m = np.linspace(-12.0, 12.0, 97)
    for part in (sb.SIN2, sb.EXP, sb.POLY):
        t = part.slope_points(m)
        ok = np.isfinite(t) & (t >= 0) & (t <= 1)
        rows = np.nonzero(ok)[0]
        np.testing.assert_allclose(part.fn(t[ok], 1), m[rows], atol=1e-12)
    # every slope φ′ takes on [0, 1] is found: |m| ≤ π for sin², 1/e ≤ m ≤ 1 for exp, |m| ≤ 4
    for part, lo, hi in ((sb.SIN2, -np.pi, np.pi), (sb.EXP, np.exp(-1), 1.0), (sb.POLY, -4, 4)):
        t = part.slope_points(np.linspace(lo, hi, 33))
        assert np.all(np.any(np.isfinite(t) & (t >= -1e-12) & (t <= 1 + 1e-12), axis=1))


@pytest.mark.parametrize(
    ("target", "r", "s", "k"), [("exp", 3, 10, 6), ("sin2", 3, 4, 3), ("poly", 2, 5, 4)]
)
def test_exact_sup_in_one_dimension_recomputed_independently(target, r, s, k):
    """Issue 12.2, d = 1: the scene's sup against the assembled network's own breakpoints
    and a per-piece maximization written here (not the library's)."""
    g = sb.TARGETS[target]
    ours = sb.exact_sup(g, sb.exact_form(target, k, s, r))
    pl = networks.breakpoints(sb.full_network(g, k, s, 1, r), (0.0, 1.0))
    x, y = pl.x, pl.y
    m = np.diff(y) / np.diff(x)
    if target == "exp":  # g′(t) = e^(t−1) = m
        with np.errstate(divide="ignore", invalid="ignore"):
            crit = [np.where(m > 0, 1 + np.log(np.abs(m)), np.nan)]
    elif target == "poly":  # g′(t) = 4 − 8t = m
        crit = [(4 - m) / 8]
    else:  # g′(t) = π sin 2πt = m
        with np.errstate(invalid="ignore"):
            a = np.arcsin(m / np.pi)
        crit = [a / (2 * np.pi), a / (2 * np.pi) + 1, 0.5 - a / (2 * np.pi)]
    pts = [x] + [c[(c > x[:-1]) & (c < x[1:])] for c in crit]
    t = np.concatenate(pts)
    sup = np.max(np.abs(np.interp(t, x, y) - g(t[:, None])))
    assert ours.value == pytest.approx(sup, rel=1e-10, abs=1e-15)
    # and no grid finds more
    u = np.linspace(0.0, 1.0, 20001)
    assert np.max(np.abs(forward(sb.full_network(g, k, s, 1, r), u[:, None]) - g(u[:, None]))) <= (
        ours.value + 1e-12
    )


@pytest.mark.parametrize(("target", "r", "s", "k"), [("sin2", 3, 5, 3), ("exp", 2, 4, 2)])
def test_exact_form_is_the_network_between_its_knots(target, r, s, k):
    g = sb.TARGETS[target]
    f = sb.exact_form(target, k, s, r)
    mid = (f.x[:-1] + f.x[1:]) / 2
    t = np.concatenate([f.x, mid])
    np.testing.assert_allclose(
        f(t), forward(sb.full_network(g, k, s, 1, r), t[:, None]), rtol=0, atol=1e-12
    )


def test_certified_sup_at_the_issue_parameters():
    """Issue 12.2, d = 2 (exp, r = 3, s = 10, k = 6): the 41 × 41 grid said 3.1·10⁻⁴; the
    error reaches 1.2·10⁻³ near (0.984, 0.75).  Recomputed here with independent evaluation
    (every branch network, plain numpy): the certified bound lies above everything found."""
    g, k, s, d, r = sb.TARGETS["exp"], 6, 10, 2, 3
    x = np.linspace(0.95, 1.0, 101)
    y = np.linspace(0.70, 0.80, 101)
    X1, X2 = np.meshgrid(x, y)
    patch = np.stack([X1.ravel(), X2.ravel()], axis=1)
    found = float(np.max(np.abs(network_on(g, k, s, d, r, patch) - g(patch))))
    assert found >= 1.2e-3  # near (0.984, 0.75), as the issue found
    _, X = sb.uniform_grid(d, 81)
    err = np.abs(sb.approximate(g, k, s, d, r, X).values - g(X))
    sup = sb.sup_error(g, k, s, d, r, X, err, 1 / 80)
    assert not sup.exact and sup.value <= found <= sup.certified
    assert sup.certified <= sb.theorem_bound(sb.smoothness_constant(g, d, r), r, d, s, k)


@pytest.mark.parametrize(
    ("target", "r", "s", "k"),
    [("exp", 3, 3, 2), ("sin2", 2, 2, 1), ("tilted", 4, 2, 2), ("poly", 3, 3, 3)],
)
def test_grid_slack_bounds_the_rise_within_every_cell(target, r, s, k):
    """The certificate's claim, tested at 8× finer resolution: within half a spacing of a
    coarse grid point, |f − g| never exceeds its value there plus the slack."""
    g, d = sb.TARGETS[target], 2
    coarse, fine = 9, 65  # spacing 1/8 and 1/64
    slack = sb.grid_slack(g, k, s, d, r, 1 / (coarse - 1)).total
    _, X = sb.uniform_grid(d, fine)
    e = np.abs(network_on(g, k, s, d, r, X) - g(X)).reshape(fine, fine)
    step = (fine - 1) // (coarse - 1)
    for i in range(coarse):
        for j in range(coarse):
            ci, cj = i * step, j * step
            cell = e[
                max(ci - step // 2, 0) : ci + step // 2 + 1,
                max(cj - step // 2, 0) : cj + step // 2 + 1,
            ]
            assert cell.max() <= e[ci, cj] + slack


@pytest.mark.parametrize("k", [1, 3, 6])
def test_product_error_slopes_are_at_most_two_to_the_one_minus_k(k):
    """The certificate's ingredient: along any line, the products' errors change at rate
    ≤ 2^(1−k) per unit of each input (exact slopes from breakpoints)."""
    rng = np.random.default_rng(k)
    for net, lo in ((sb.signed_product_network(k), -1.0), (sb.final_product_network(k), 0.0)):
        for _ in range(20):
            a0, b0 = rng.uniform(lo, 1.0, 2) * 0.5 + (0.25 if lo == 0 else 0.0)
            u = rng.normal(size=2)
            u /= np.abs(u).sum() * 4  # the line stays inside the domain for τ ∈ [−1, 1]
            line = networks.compose(net, [layer([[u[0]], [u[1]]], [a0, b0])])
            pl = networks.breakpoints(line, (-1.0, 1.0))
            tau = pl.x
            a, b = a0 + u[0] * tau, b0 + u[1] * tau
            slope = np.repeat(pl.slopes(), 2)  # each piece's slope, at both its ends
            ends = np.stack([tau[:-1], tau[1:]], axis=1).ravel()
            aa, bb = a0 + u[0] * ends, b0 + u[1] * ends
            exact = u[0] * bb + u[1] * aa  # d/dτ of a·b along the line
            assert np.all(np.abs(slope - exact) <= 2.0 ** (1 - k) * np.abs(u).sum() + 1e-9)
            assert np.all(np.abs(pl.y - a * b) <= 4.0**-k + 1e-12)


@pytest.mark.parametrize(("d", "r", "k", "s"), [(1, 4, 2, 2), (2, 4, 3, 2), (2, 3, 1, 1)])
def test_monomial_slope_bounds(d, r, k, s):
    """The monomial chains (built here from the signed product) change at most at the
    certified rates B, and stay within err of the exact monomials, on |t| ≤ 1/s."""
    G, B, err = sb.monomial_slopes(k, s, d, r)
    exps = sb.exponents(d, r - 1)
    n, h = 257, 2 / s / 256
    u = np.linspace(-1 / s, 1 / s, n)
    T = np.stack(np.meshgrid(*([u] * d)), axis=-1).reshape(-1, d)
    mono = {a: np.prod(T ** np.array(a), axis=1) for a in exps if sum(a) <= 1}
    for stage in sb.mono_plan(d, r):
        for a, par, j in stage:
            mono[a] = forward(sb.signed_product_network(k), np.stack([mono[par], T[:, j]], 1))
    shape = (n,) * d
    for i, a in enumerate(exps):
        dev = (mono[a] - np.prod(T ** np.array(a), axis=1)).reshape(shape)
        assert np.max(np.abs(dev)) <= err[i] + 1e-15
        for axis in range(d):  # difference quotients: averages of the slopes in between
            q = np.abs(np.diff(dev, axis=d - 1 - axis)) / h  # meshgrid: axis 0 of T is along x₂
            assert np.max(q) <= B[i, axis] + 1e-9, (a, axis)
        exact = np.prod(T ** np.array(a), axis=1).reshape(shape)
        for axis in range(d):
            q = np.abs(np.diff(exact, axis=d - 1 - axis)) / h
            assert np.max(q) <= G[i, axis] * (1 + 1e-9) + 1e-12


def test_branch_size_is_affine_in_k():
    for d in (1, 2):
        for r in (1, 2, 3, 4):
            for k in range(1, 13):
                assert sb.branch_size_by_stages(k, d, r) == sb.branch_size(k, d, r)
