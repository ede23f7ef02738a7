"""1/x on [a, 1] by repeated squaring (seed 003, §4.3 bibliographic notes; Theorem 4.2 and
Corollary 4.3): the identity, the scales, every step of the propagated bound, the exact sup
and the node count — all asserted from computed values."""

from fractions import Fraction

import numpy as np
import pytest

from approxlab.theory.core import networks
from approxlab.theory.depth import product, squaring
from approxlab.theory.depth import reciprocal as rc

#: (a, n, i) over the scene's ranges, extremes included (a ∈ [0.05, 0.9], n ≤ 7, i ≤ 5).
CASES = [
    (a, n, i)
    for a in (0.05, 0.25, 0.9)
    for n, i in ((1, 1), (2, 1), (2, 5), (3, 3), (4, 4), (5, 2), (7, 1))
] + [(0.05, 7, 5), (0.9, 7, 5), (0.5, 6, 4), (0.123, 5, 5)]


def dense(a, pl, points=2**14 + 1):
    """Largest |f − 1/x| on a uniform grid of [a, 1] plus the exact form's knots."""
    x = np.concatenate([np.linspace(a, 1.0, points), pl.x])
    return float(np.max(np.abs(pl(x) - 1.0 / x)))


# ----------------------------------------------------------------------- the identity


@pytest.mark.parametrize("n", range(1, 9))
def test_factorisation_identity(n):
    """Π_{k<n} (1 + t^(2^k)) = Σ_{j<2^n} t^j: integer coefficients, all ones."""
    c = rc.factor_coefficients(n)
    assert c.dtype.kind == "i" and c.tolist() == [1] * 2**n


@pytest.mark.parametrize("n", [1, 3, 6])
def test_truncation_is_exact_and_attained_at_a(n):
    """1/x − Σ_{j<2^n} t^j = t^(2^n)/x ∈ [0, (1 − a)^(2^n)/a], checked in exact rationals at
    a few points, and the sup of the rest is its value at x = a."""
    a = Fraction(1, 4)
    for x in (a, Fraction(1, 3), Fraction(7, 8), Fraction(1)):
        t = 1 - x
        rest = 1 / x - sum(t**j for j in range(2**n))
        assert rest == t ** (2**n) / x
        assert 0 <= rest <= (1 - a) ** (2**n) / a
    x = np.linspace(0.25, 1.0, 4097)
    rest = 1.0 / x - rc.truncated_series(0.25, n, x)
    assert rest.min() >= -1e-15
    assert rest.max() == pytest.approx(rc.truncation_bound(0.25, n), rel=1e-12)
    assert np.argmax(rest) == 0


# ----------------------------------------------------------------- the construction


@pytest.mark.parametrize(("a", "n", "i"), CASES)
def test_network_size_and_stagewise_reference(a, n, i):
    """One ReLU network with i(17n − 16) nodes and ni + 1 affine maps that equals the
    stage-by-stage computation (one squaring or product network call per step)."""
    net = rc.reciprocal_network(a, n, i)
    assert networks.hidden_nodes(net) == rc.nodes_formula(n, i)
    assert rc.nodes_formula(n, i) == (i * (17 * n - 16) if n >= 2 else 0)
    assert len(net) == rc.affine_maps_formula(n, i) == (n * i + 1 if n >= 2 else 1)
    x = np.linspace(a, 1.0, 4097)
    tr = rc.reciprocal_trace(a, n, i, x)
    np.testing.assert_allclose(networks.evaluate(net, x), tr.f, rtol=0, atol=1e-12)


def test_node_count_by_stage():
    """The formula's parts: a squaring stage 5i (4i for h_i with its running sum, i for the
    carried P), a product stage 13i (12i for g_i's three chains, i for P), both 17i."""
    for i in (1, 3, 5):
        sizes = {
            (sq, mu): networks.hidden_nodes(rc.stage_block(i, sq, mu))
            for sq, mu in ((True, False), (False, True), (True, True))
        }
        assert sizes == {(True, False): 5 * i, (False, True): 13 * i, (True, True): 17 * i}
        assert networks.hidden_nodes(squaring.squaring_network(i, carry="nonneg")) == 4 * i
        assert networks.hidden_nodes(product.product_network(i, carry="nonneg")) == 12 * i


@pytest.mark.parametrize(("a", "n", "i"), CASES)
def test_scales_dominate_the_network_values(a, n, i):
    """Every squaring sees ŝ/R ∈ [0, 1] and every product u, v ∈ [0, 1]: the scales dominate
    the network's values (not only the exact ones), on a grid and at the exact knots."""
    pl = rc.measure(a, n, i).pl
    x = np.concatenate([np.linspace(a, 1.0, 8193), pl.x])
    p = rc.plan(a, n, i)
    tr = rc.reciprocal_trace(a, n, i, x)
    for k in range(n):
        assert tr.s[k].min() >= 0.0 and tr.s[k].max() <= p.R[k]
        assert tr.P[k].min() >= 1.0 and tr.P[k].max() <= p.Q[k]
        assert p.A[k] <= p.R[k] and p.B[k] <= p.Q[k]
    for k in range(1, n):
        for w in (tr.y[k], tr.u[k], tr.v[k]):
            assert w.min() >= 0.0 and w.max() <= 1.0


@pytest.mark.parametrize(("a", "n", "i"), CASES)
def test_every_step_of_the_error_derivation(a, n, i):
    """Each squaring errs by at most R²·4^(−i−1) and each product by QV·4^(−i) (Theorem 4.2
    and Corollary 4.3, rescaled); |ŝ_k − s_k| ≤ E_k and |P̂_k − P_k| ≤ F_k at every stage;
    the network within F_{n−1} of the truncated series and within the bound of 1/x."""
    p = rc.plan(a, n, i)
    x = np.concatenate([np.linspace(a, 1.0, 8193), rc.measure(a, n, i).pl.x])
    tr = rc.reciprocal_trace(a, n, i, x)
    tol = rc.allowance(a, n, i)
    for k in range(1, n):
        e_sq, e_pr = tr.square_error[k], tr.product_error[k]
        assert e_sq.min() >= -tol  # h_i ≥ y²: a squaring never undershoots
        assert e_sq.max() <= p.R[k - 1] ** 2 * squaring.squaring_bound(i) + tol
        assert np.abs(e_pr).max() <= p.Q[k - 1] * p.V[k] * product.product_bound(i) + tol
    for k in range(n):
        assert np.abs(tr.s[k] - tr.s_exact[k]).max() <= p.E[k] + tol
        assert np.abs(tr.P[k] - tr.P_exact[k]).max() <= p.F[k] + tol
    assert np.abs(tr.f - rc.truncated_series(a, n, x)).max() <= p.network_bound + tol
    assert np.abs(tr.f - 1.0 / x).max() <= p.bound + tol


def test_bound_recursions():
    """The scales and bounds follow the documented recursions (m = 2^(−20))."""
    a, n, i = 0.25, 5, 3
    p = rc.plan(a, n, i)
    m1, T = 1.0 + rc.SCALE_MARGIN, 0.75
    es, ep = 4.0 ** -(i + 1), 4.0**-i
    assert p.R[0] == T * m1 and p.Q[0] == (1.0 + T) * m1 and p.E[0] == p.F[0] == 0.0
    for k in range(1, n):
        assert p.R[k] == p.R[k - 1] ** 2 * m1
        assert p.V[k] == p.R[k] * m1
        assert p.A[k] == pytest.approx(T ** (2**k), rel=1e-14)
        assert p.E[k] == pytest.approx(p.R[k - 1] ** 2 * es + 2 * p.R[k - 1] * p.E[k - 1])
        assert p.F[k] == pytest.approx(
            p.F[k - 1] * (1 + p.A[k]) + p.Q[k - 1] * (p.E[k] + p.V[k] * ep)
        )
        assert p.Q[k] == pytest.approx(p.Q[k - 1] * (1 + p.V[k]) * m1)
    assert p.degree == 31 and p.bound == p.truncation + p.network_bound
    assert p.truncation == pytest.approx(T**32 / a)


def test_one_factor_is_the_affine_map():
    """n = 1: f = 1 + t = 2 − x exactly, no nodes, and the bound is the truncation."""
    for a in (0.05, 0.5):
        m = rc.measure(a, 1, 3)
        assert m.nodes == 0 and m.pieces == 1 and m.plan.network_bound == 0.0
        assert m.sup == pytest.approx(1.0 / a - (2.0 - a), rel=1e-15)
        assert m.sup == pytest.approx(m.plan.truncation, rel=1e-14)


# ----------------------------------------------------------------------- exact sup


@pytest.mark.parametrize(("a", "n", "i"), CASES)
def test_exact_sup_below_the_bound_and_above_any_grid(a, n, i):
    m = rc.measure(a, n, i)
    assert m.sup <= m.plan.bound + m.tolerance
    grid = dense(a, m.pl)
    assert grid <= m.sup + m.tolerance  # no point exceeds the exact sup
    # and the exact sup is not far above the grid: |(f − 1/x)′| ≤ 1/a² + max|slope of f|
    L = 1.0 / a**2 + np.max(np.abs(m.pl.slopes()))
    assert m.sup <= grid + L * (1.0 - a) / 2**15


def test_critical_points_are_the_minima_of_the_convex_error():
    """On a piece with slope s < 0, 1/x − f is smallest at x* = 1/√(−s): checked against a
    fine grid of that piece."""
    m = rc.measure(0.25, 3, 2)
    pl = m.pl
    assert m.crit.size > 0
    for xs in m.crit[:20]:
        k = int(np.searchsorted(pl.x, xs)) - 1
        t = np.linspace(pl.x[k], pl.x[k + 1], 2001)
        e = 1.0 / t - pl(t)
        assert 1.0 / xs - pl(np.array([xs]))[0] <= e.min() + 1e-12


@pytest.mark.parametrize(("a", "n", "i"), [(0.25, 4, 4), (0.05, 7, 5), (0.9, 3, 2)])
def test_network_equals_its_exact_form_at_the_knots(a, n, i):
    m = rc.measure(a, n, i)
    net = rc.reciprocal_network(a, n, i)
    assert np.max(np.abs(networks.evaluate(net, m.pl.x) - m.pl.y)) <= m.tolerance
    assert m.pl.x[0] == a and m.pl.x[-1] == 1.0


def test_grid_sup_is_a_lower_estimate():
    for a, n, i in [(0.25, 4, 4), (0.05, 5, 3)]:
        assert rc.grid_sup(a, n, i, 2049) <= rc.measure(a, n, i).sup + rc.allowance(a, n, i)


def test_error_range_brackets_the_error():
    """The per-column range holds the error at every point of the column."""
    m = rc.measure(0.25, 4, 4)
    edges = np.linspace(0.25, 1.0, 301)
    lo, hi = rc.error_range(m.pl, m.crit, edges)
    x = np.linspace(0.25, 1.0, 30001)
    col = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 299)
    e = rc.error_at(m.pl, x)
    assert np.all(e >= lo[col] - 1e-12) and np.all(e <= hi[col] + 1e-12)
