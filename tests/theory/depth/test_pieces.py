"""Lemma 4.9 (seed 003) and its corrections, checked on exact piece counts."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.core.networks import KnotLimitError, layer
from approxlab.theory.depth import pieces as ap
from approxlab.theory.depth import sawtooth


def random_net(seed: int, widths: list[int], bias_scale: float, weight_scale: float):
    rng = np.random.default_rng(seed)
    dims = [1, *widths, 1]
    return [
        layer(
            weight_scale * rng.normal(size=(dims[i + 1], dims[i])),
            bias_scale * rng.normal(size=dims[i + 1]),
        )
        for i in range(len(dims) - 1)
    ]


@pytest.mark.parametrize("q", range(1, 9))
@pytest.mark.parametrize("n", range(1, 5))
def test_zigzag_construction_has_q_to_the_n_pieces(q, n):
    net = ap.zigzag_network(q, n, (-1.0, 1.0))
    assert ap.hidden_widths(net) == [q] * n
    pr = ap.profile(net, (-1.0, 1.0))
    assert pr.pieces == q**n
    assert pr.regions == [q**j for j in range(1, n + 1)]
    assert pr.pieces <= ap.region_bound([q] * n)


def test_zigzag_two_is_the_triangle_on_the_unit_interval():
    x = np.linspace(0.0, 1.0, 1001)
    np.testing.assert_allclose(
        networks.evaluate(ap.zigzag(2), x), networks.evaluate(sawtooth.triangle(), x), atol=1e-15
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    widths=st.lists(st.integers(1, 9), min_size=1, max_size=4),
    bias_scale=st.sampled_from([0.0, 0.05, 0.5, 2.0]),
    weight_scale=st.sampled_from([0.5, 1.0, 3.0]),
)
def test_lemma_4_9_bounds_hold_on_random_networks(seed, widths, bias_scale, weight_scale):
    """Every valid form of Lemma 4.9, from the exact counts of arbitrary networks."""
    net = random_net(seed, widths, bias_scale, weight_scale)
    pr = ap.profile(net, (-2.0, 2.0))
    assert pr.pieces == networks.pieces(net, (-2.0, 2.0))
    assert pr.pieces <= ap.region_bound(widths)
    assert ap.region_bound(widths) <= ap.lemma_4_9_proved(widths) <= ap.lemma_4_9_corrected(widths)
    assert ap.lemma_4_9_proved(widths) <= ap.lemma_4_9_product(widths)
    for i, (r, npieces) in enumerate(zip(pr.regions, pr.node_pieces, strict=True), start=1):
        assert r <= ap.region_bound(widths[:i])
        assert npieces <= ap.node_piece_bound(widths, i)  # first bullet, as printed
    # the printed second bullet in its valid readings: L = hidden layers, or the output
    # unit counted in m (then L layers of widths m_1, …, m_{L−1}, 1)
    m, L = sum(widths), len(widths) + 1
    assert pr.pieces <= ap.lemma_4_9_printed(m, L - 1)
    assert pr.pieces <= ap.lemma_4_9_printed(m + 1, L)


def test_printed_lemma_4_9_fails_with_the_notes_layer_count():
    """(2m/L)^L with L layers and m nodes is not an upper bound."""
    relu = [layer([[1.0]], [0.0]), layer([[1.0]], [0.0])]  # σ(x): 2 layers, 1 node
    assert networks.pieces(relu, (-1.0, 1.0)) == 2 > ap.lemma_4_9_printed(1, 2) == 1.0
    # σ(1 − 2σ(x)): 3 layers, 2 nodes, 3 pieces > (4/3)^3 ≈ 2.37
    net = [layer([[1.0]], [0.0]), layer([[-2.0]], [1.0]), layer([[1.0]], [0.0])]
    assert networks.pieces(net, (-1.0, 1.0)) == 3 > ap.lemma_4_9_printed(2, 3)
    # the corrected form holds for both
    assert ap.lemma_4_9_corrected([1]) >= 2 and ap.lemma_4_9_corrected([1, 1]) >= 3


def test_theorem_4_4_still_follows_from_the_corrected_lemma():
    """The separation only needs N_A(g) ≤ 2^(L²) for ≤ 2^L nodes and ≤ L layers."""
    for L in range(2, 12):
        m = 2**L
        assert (2 * m / (L - 1)) ** (L - 1) <= 2 ** (L * L)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    widths=st.lists(st.integers(1, 12), min_size=1, max_size=5),
    samples=st.integers(1, 12),
    bias_std=st.sampled_from([0.0, 0.1, 1.0]),
)
def test_batched_profiles_equal_one_by_one(seed, widths, samples, bias_std):
    rng = np.random.default_rng(seed)
    nets = [ap.he_network(widths, rng, bias_std) for _ in range(samples)]
    batch = ap.profiles(nets, (-1.0, 1.0))
    for net, b in zip(nets, batch, strict=True):
        a = ap.profile(net, (-1.0, 1.0))
        assert (a.regions, a.node_pieces, a.pieces) == (b.regions, b.node_pieces, b.pieces)
        np.testing.assert_allclose(a.knots, b.knots, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(a.values, b.values, rtol=1e-9, atol=1e-12)


def test_he_initialisation_statistics():
    rng = np.random.default_rng(0)
    W = np.concatenate([ap.he_network([50, 50], rng, 0.3)[1][0].ravel() for _ in range(40)])
    b = np.concatenate([ap.he_network([50, 50], rng, 0.3)[1][1] for _ in range(40)])
    assert abs(W.var() / (2 / 50) - 1) < 0.05  # 100,000 draws: sd of the ratio ≈ 0.0045
    assert abs(b.std() / 0.3 - 1) < 0.1
    net = ap.he_network([3, 4], rng, 0.0)
    assert [W.shape for W, _ in net] == [(3, 1), (4, 3), (1, 4)]
    assert all(not bb.any() for _, bb in net)


def test_zero_biases_give_two_pieces():
    """Without biases every unit is positively homogeneous: all kinks sit at 0."""
    rng = np.random.default_rng(3)
    for pr in ap.profiles([ap.he_network([8] * 4, rng, 0.0) for _ in range(20)], (-1.0, 1.0)):
        assert pr.pieces <= 2


def test_counts_are_exact_on_ill_conditioned_networks():
    """Nearly cancelling units and zero-weighted switching units: a constant (float64
    slopes differ by rounding), with the regions the zero-weighted units still cut."""
    net = [
        layer([[1e8], [1e8], [1.0], [1.0]], [1e8 / 3, 1e8 / 3 + 0.1, -0.3, -0.6]),
        layer([[1.0, -1.0, 0.0, 0.0]], [0.0]),
    ]
    pr = ap.profile(net, (0.0, 1.0))
    assert (pr.regions, pr.node_pieces, pr.pieces) == ([3], [2], 1)
    assert not pr.breaks.any()  # exact slopes 10⁸ − 10⁸ = 0: flat, in float64 already
    # regions ≠ pieces: the zero-weighted units cut regions but make no pieces
    assert pr.function().pieces() == 1 and pr.function().simplified().x.tolist() == [0.0, 1.0]


def test_report_is_the_endpoints_body_in_theory():
    rep = ap.report(sawtooth.sawtooth(3), (0.0, 1.0))
    assert rep.pieces == 8 and rep.regions == [2, 4, 8]
    assert rep.bound == 64.0 and rep.lemma_4_9_bound == 2**3 * 27
    assert rep.breakpoints.tolist() == [k / 8 for k in range(1, 8)]
    assert rep.knots_x.tolist() == [k / 8 for k in range(9)]
    assert [c.name for c in rep.checks] == [
        "pieces ≤ ∏_j (m_j + 1)",
        "∏_j (m_j + 1) ≤ 2^(L−1) ∏_j m_j (Lemma 4.9)",
    ]
    assert all(c.holds for c in rep.checks)
    assert (rep.checks[0].measured, rep.checks[0].bound) == (8, 64.0)


def test_work_limit_names_the_layer():
    net = sawtooth.sawtooth(10)
    with pytest.raises(ap.WorkLimitError, match=r"layers\[\d+\].*evaluations"):
        ap.profile(net, (0.0, 1.0), max_work=1000)


def test_knot_limit():
    net = sawtooth.sawtooth(12)
    with pytest.raises(KnotLimitError, match="layer"):
        networks.breakpoints(net, (0.0, 1.0), max_knots=1000)
    assert networks.breakpoints(net, (0.0, 1.0), max_knots=4097).pieces() == 4096
    assert networks.breakpoints(net, (0.0, 1.0)).pieces() == 4096


def test_bound_helpers_are_the_formulas():
    w = [3, 5, 2]
    assert ap.region_bound(w) == 4 * 6 * 3
    assert ap.lemma_4_9_proved(w) == 2**3 * 30
    assert ap.lemma_4_9_product(w) == 2**4 * 30
    assert ap.lemma_4_9_corrected(w) == pytest.approx((2 * 10 / 3) ** 3)
    assert ap.lemma_4_9_printed(10, 4) == pytest.approx(5.0**4)
    assert ap.node_piece_bound(w, 1) == 2 and ap.node_piece_bound(w, 3) == 8 * 15
    assert math.isclose(ap.lemma_4_9_corrected([]), 1.0)


def test_construction_teeth_is_the_largest_q_within_the_cap():
    for width in range(1, 17):
        for n in range(1, 10):
            for cap in (1, 100, 1 << 16):
                q = ap.construction_teeth(width, n, cap)
                assert 1 <= q <= width
                assert q == 1 or q**n <= cap
                assert q == width or (q + 1) ** n > cap


def test_bounds_by_layer_are_the_lemma_on_each_prefix():
    widths = [4, 4, 4, 4]
    lb = ap.bounds_by_layer(widths)
    assert list(lb.layers) == [1, 2, 3, 4]
    for i in range(1, 5):
        assert lb.regions[i - 1] == 5**i
        assert lb.proved[i - 1] == pytest.approx(8.0**i)  # (2·4i/i)^i
        assert lb.printed[i - 1] == pytest.approx((8.0 * i / (i + 1)) ** (i + 1))
        assert lb.node[i - 1] == 2**i * 4 ** (i - 1)


def test_census_and_node_ratio_from_seeded_networks():
    nets = ap.he_networks([5, 5, 5], 6, seed=11, bias_std=0.3)
    again = ap.he_networks([5, 5, 5], 6, seed=11, bias_std=0.3)
    assert all(
        np.array_equal(W, W2) and np.array_equal(b, b2)
        for n1, n2 in zip(nets, again, strict=True)
        for (W, b), (W2, b2) in zip(n1, n2, strict=True)
    )
    cen = ap.census(nets, (-1.0, 1.0))
    for i, net in enumerate(nets):
        pr = ap.profile(net, (-1.0, 1.0))
        assert cen.pieces[i] == pr.pieces
        assert list(cen.regions[i]) == pr.regions and list(cen.node_pieces[i]) == pr.node_pieces
    ratio = ap.node_bound_ratio(cen.node_pieces, [5, 5, 5])
    expected = max(
        pr.node_pieces[i] / ap.node_piece_bound([5, 5, 5], i + 1)
        for pr in cen.profiles
        for i in range(3)
    )
    assert ratio == pytest.approx(expected) and ratio <= 1.0
