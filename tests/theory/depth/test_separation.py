"""Theorem 4.4, Lemmas 4.9 and 4.11, Theorem 4.6 (seed 003, §4.2), from computed values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.core.networks import PiecewiseLinear, layer
from approxlab.theory.depth import sawtooth, separation, squaring
from tests.theory.depth import exact_rational


def random_pl(rng: np.random.Generator, k: int, lo: float = 0.0, hi: float = 1.0):
    x = np.sort(np.concatenate([[lo, hi], rng.uniform(lo, hi, k)]))
    x = x[np.concatenate([[True], np.diff(x) > 1e-6])]
    return PiecewiseLinear(x, rng.normal(size=x.size))


def random_net(seed: int, widths: list[int]) -> networks.ReLUNetwork:
    rng = np.random.default_rng(seed)
    return [
        layer(rng.normal(size=(widths[i + 1], widths[i])), rng.normal(size=widths[i + 1]))
        for i in range(len(widths) - 1)
    ]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), k1=st.integers(0, 12), k2=st.integers(0, 12))
def test_exact_l1_distance_matches_fine_quadrature(seed, k1, k2):
    rng = np.random.default_rng(seed)
    f, g = random_pl(rng, k1), random_pl(rng, k2)
    exact = separation.l1_distance(f, g, 0.0, 1.0)
    x = np.linspace(0, 1, 400_001)
    approx = np.trapezoid(np.abs(f(x) - g(x)), x)
    assert exact == pytest.approx(approx, abs=1e-6)
    a, b = sorted(rng.uniform(0, 1, 2))
    part = separation.l1_distance(f, g, a, b)
    xs = np.linspace(a, b, 200_001)
    assert part == pytest.approx(np.trapezoid(np.abs(f(xs) - g(xs)), xs), abs=1e-6)


@pytest.mark.parametrize("n", [3, 6, 11])
def test_triangles_of_the_sawtooth(n):
    """2^n − 1 whole triangles of area 2^(−n−2) alternating sides, two halves at the ends."""
    f = networks.breakpoints(sawtooth.sawtooth(n))
    tri = separation.triangles(f)
    assert tri.start.size == 2**n + 1 and tri.full.sum() == 2**n - 1
    np.testing.assert_allclose(tri.area[tri.full], 2.0 ** (-n - 2), rtol=1e-12)
    np.testing.assert_allclose(tri.area[~tri.full], 2.0 ** (-n - 3), rtol=1e-12)
    assert np.all(tri.above[1:] != tri.above[:-1])
    assert tri.area.sum() == pytest.approx(0.25)  # ∫|Δ^n − ½| = ¼


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), k=st.integers(0, 20), n=st.integers(4, 10))
def test_missed_triangles_and_tooth_bound_lower_bound_the_l1_error(seed, k, n):
    """For any PL g: missed area ≤ ∫|f − g|; tooth bound ≤ ∫|f − g|; the proof's count."""
    rng = np.random.default_rng(seed)
    f = networks.breakpoints(sawtooth.sawtooth(n))
    g = random_pl(rng, k)
    g = PiecewiseLinear(g.x, 0.5 + 0.6 * np.tanh(g.y))
    l1 = separation.l1_distance(f, g, 0.0, 1.0)
    tri = separation.triangles(f)
    miss = separation.missed(tri, g)
    assert tri.area[miss].sum() <= l1 + 1e-12
    assert separation.tooth_bound(n, g.breakpoints()) <= l1 + 1e-12
    P = g.pieces()
    assert (miss & tri.full).sum() >= (tri.full.sum() - 2 * P - 1) / 2
    assert l1 >= separation.tooth_bound_any(n, P) - 1e-12


def test_best_affine_l1_fit_of_a_tent_is_the_constant_half():
    """The tooth bound's premise: min over (a, b) of ∫_0^1 |tent − a − b(u − ½)| = ¼."""
    tent = PiecewiseLinear(np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0, 0.0]))
    A, Bs = np.meshgrid(np.linspace(0.3, 0.7, 81), np.linspace(-1.5, 1.5, 121))
    vals = [
        separation.l1_distance(
            tent, PiecewiseLinear(np.array([0.0, 1.0]), np.array([a - b / 2, a + b / 2])), 0, 1
        )
        for a, b in zip(A.ravel(), Bs.ravel(), strict=True)
    ]
    assert min(vals) == pytest.approx(0.25, abs=1e-12)
    assert min(vals) >= 0.25 - 1e-12


@pytest.mark.parametrize("L", [2, 3])
def test_theorem_4_4_competitor(L):
    """The fitted competitor: ≤ 2^L nodes, ≤ L layers, pieces ≤ (2m/L)^L, L1 ≥ 1/32."""
    n = separation.target_depth(L)
    f = networks.breakpoints(sawtooth.sawtooth(n))
    B = 2**L - 1  # hidden nodes; with the output node 2^L nodes
    fit, l1_fit, _ = separation.free_knot_l1_fit(f, separation.following_start(f, B))
    net = separation.relu_from_pl(fit)
    g = networks.breakpoints(net)
    assert networks.hidden_nodes(net) + 1 <= 2**L and len(net) <= L
    assert g.pieces() <= separation.piece_bound(2**L, L)
    l1 = separation.l1_distance(f, g, 0.0, 1.0)
    assert l1 == pytest.approx(l1_fit, abs=1e-12)
    assert l1 >= 1 / 32
    assert l1 >= separation.tooth_bound_any(n, separation.piece_bound(2**L, L))
    assert l1 <= separation.l1_distance(f, separation.following_start(f, B), 0, 1) + 1e-15


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    hidden=st.lists(st.integers(1, 6), min_size=1, max_size=3),
)
def test_lemma_4_9_on_random_networks(seed, hidden):
    """Every node in layer i has ≤ 2^i ∏_{j<i} m_j pieces; the output ≤ (2m/L)^L."""
    net = random_net(seed, [1, *hidden, 1])
    widths = [W.shape[0] for W, _ in net]
    for li, t, pre in networks.propagate(net, (-4.0, 4.0)):
        rows = np.maximum(pre, 0.0) if li < len(net) - 1 else pre
        worst = max(PiecewiseLinear(t, r).pieces() for r in rows)
        assert worst <= separation.layer_piece_bound(widths, li + 1)
    assert networks.pieces(net, (-4.0, 4.0)) <= separation.piece_bound(sum(widths), len(net))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), k1=st.integers(0, 8), k2=st.integers(0, 8))
def test_lemma_4_11_combination_rules(seed, k1, k2):
    rng = np.random.default_rng(seed)
    f, g = random_pl(rng, k1), random_pl(rng, k2)
    t = np.unique(np.concatenate([f.x, g.x]))
    NA = lambda p: p.pieces()  # noqa: E731
    s = PiecewiseLinear(t, f(t) + g(t))
    assert NA(s) <= NA(f) + NA(g) - 1  # (1), as in the proof
    a, b = rng.normal(size=2)
    comb = PiecewiseLinear(t, a * f(t) + b * g(t) + 0.3)
    assert NA(comb) <= NA(f) + NA(g)  # (2) — only ≤, not the proof's "="
    # (3) f ∘ g, exactly: knots of g plus preimages of f's knots (f on [−3, 3] ⊇ range g)
    f = random_pl(rng, k1, -3.0, 3.0)
    g = PiecewiseLinear(g.x, 2.9 * np.tanh(g.y))
    gx = g.x
    pre = [gx]
    for k in f.x:
        s0, s1 = g.y[:-1] - k, g.y[1:] - k
        hit = s0 * s1 < 0
        pre.append(gx[:-1][hit] + s0[hit] / (s0[hit] - s1[hit]) * np.diff(gx)[hit])
    u = np.unique(np.concatenate(pre))
    fog = PiecewiseLinear(u, f(g(u)))
    assert NA(fog) <= NA(f) * NA(g)
    # equality fails in general: g − g has one piece
    zero = PiecewiseLinear(g.x, g.y - g.y)
    assert NA(zero) == 1


@pytest.mark.parametrize("i", range(1, 16))
def test_theorem_4_6_for_the_squaring_networks(i):
    """∫(h_i − x²)² ≥ 1/(5760·N_A⁴) ≥ 1/(5760·(2N/L)^(4L)), and the sharp 1/(180·N_A⁴)."""
    net = squaring.squaring_network(i)
    pl = networks.breakpoints(net)
    err = squaring.squared_l2_error_square(pl)
    n_a = pl.pieces()
    N, L = networks.hidden_nodes(net) + 1, len(net)
    assert n_a <= separation.piece_bound(N, L)
    assert err >= 1 / (180 * n_a**4) >= 1 / (5760 * n_a**4) >= 1 / (5760 * (2 * N / L) ** (4 * L))
    assert err == pytest.approx(1 / (30 * n_a**4), rel=1e-9)


@pytest.mark.parametrize(("a", "b"), [(0.0, 1.0), (0.2, 0.45), (-1.0, 2.5)])
def test_best_affine_l2_fit_of_x_squared(a, b):
    """min over (c, d) of ∫_a^b (x² − cx − d)² = (b − a)^5/180 (Theorem 4.6's proof)."""
    x, w = np.polynomial.legendre.leggauss(8)
    x = (a + b) / 2 + (b - a) / 2 * x
    w = w * (b - a) / 2
    A = np.stack([x, np.ones_like(x)], 1) * np.sqrt(w)[:, None]
    coef, *_ = np.linalg.lstsq(A, x**2 * np.sqrt(w), rcond=None)
    resid = np.sum(w * (x**2 - coef[0] * x - coef[1]) ** 2)
    assert resid == pytest.approx((b - a) ** 5 / 180, rel=1e-10)


def test_piece_bound_is_at_most_two_to_the_l_squared():
    for L in range(2, 7):  # exact in float64 (2^(L²) − 1 representable)
        assert separation.piece_bound(2**L, L) <= 2 ** (L * L)
        assert separation.tooth_bound_any(L * L + 2, 2 ** (L * L)) > 1 / 8
        assert math.isclose(separation.tooth_bound_any(L * L + 2, 1), 0.25)


def test_triangle_peaks():
    f = networks.breakpoints(sawtooth.sawtooth(7))
    tri = separation.triangles(f)
    np.testing.assert_array_equal(tri.peak, np.where(tri.above, 1.0, 0.0))


@pytest.mark.parametrize("L", [2, 3])
def test_analysis_and_certificate_of_theorem_4_4(L):
    a = separation.analysis(L)
    c = separation.certificate(L)
    assert a.n == L * L + 2 and c.target_pieces == 2**a.n
    assert a.target_nodes == 3 * a.n
    assert np.all(a.layer_pieces <= a.layer_bounds)
    assert c.lemma_4_9_ratio <= 1.0
    assert c.competitor_nodes == c.competitor_hidden + 1 <= 2**L
    assert c.competitor_layers <= L and c.competitor_pieces <= c.piece_bound
    assert c.l1 == pytest.approx(separation.l1_distance(a.f, a.g, 0.0, 1.0), abs=1e-14)
    assert c.l1 >= 1 / 32 and c.missed_area <= c.l1 + 1e-12
    assert c.l1 >= c.tooth_bound - 1e-12 and c.l1 >= c.tooth_bound_any - 1e-12
    assert c.constant_half_l1 == pytest.approx(0.25)
    assert c.competitor_pieces <= c.part_pieces
    assert a.cum_y[0] == 0.0 and np.all(np.diff(a.cum_y) >= 0)


def test_part_pieces_sums_the_hidden_nodes():
    """Lemma 4.11(2): each σ(x − k) with 0 < k < 1 has two pieces on [0, 1], else one."""
    g = PiecewiseLinear(np.array([0.0, 0.25, 0.5, 1.0]), np.array([0.0, 1.0, 0.0, 0.5]))
    net = separation.relu_from_pl(g)
    assert separation.part_pieces(net) == 1 + 2 + 2
    assert networks.pieces(net) == 3


def test_theorem_4_6_ratios_hold():
    size, pieces = separation.theorem_4_6_ratios(15)
    assert size >= pieces >= 1.0
    t46 = separation.theorem_4_6(15)
    np.testing.assert_array_equal(t46["pieces"], 2.0 ** t46["i"])


@pytest.mark.parametrize("L", [2, 3, 4])
def test_competitor_piece_count_is_exact(L):
    """The competitor's weights are not dyadic (fitted slopes): its piece count from float
    propagation equals the count in rational arithmetic of the very same weights."""
    a = separation.analysis(L)
    assert a.g.pieces() == exact_rational.pieces(a.g_net)
    assert separation.certificate(L).part_pieces == sum(
        exact_rational.pieces([(W[j : j + 1], b[j : j + 1]), (np.ones((1, 1)), np.zeros(1))])
        for W, b in [a.g_net[0]]
        for j in range(W.shape[0])
    )


def test_target_counts_per_layer_are_exact():
    """Lemma 4.9 on Δ^6 (L = 2): the most pieces of a node in each hidden layer, in rational
    arithmetic, equal the app's counts."""
    a = separation.analysis(2)
    net = sawtooth.sawtooth(a.n)
    most = []
    for li, t, pre in exact_rational.layer_forms(net):
        if li == len(net) - 1:
            break
        rows = [[max(p[u], 0) for p in pre] for u in range(len(pre[0]))]
        most.append(max(len(exact_rational.breakpoints(t, r)) + 1 for r in rows))
    np.testing.assert_array_equal(a.layer_pieces, most)
    assert exact_rational.pieces(net) == a.f.pieces() == 2**a.n
