"""Exact piece counts against an independent exact rational counter.

The counter below shares no code with approxlab: it propagates the knots of a univariate
ReLU network in :class:`fractions.Fraction` arithmetic (every float64 weight is an exact
rational), inserting every strict sign change of every unit, and counts regions, node
pieces and output pieces by exact slope comparison.  approxlab's counts — certified float64
with an exact fallback (:mod:`approxlab.theory.core.certified`) — must equal it on every
network, including ill-conditioned ones: huge and tiny weights, nearly cancelling units,
duplicated and proportional units, zero weights, exactly cancelling outputs.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approxlab.theory.core import certified, networks
from approxlab.theory.core.networks import layer
from approxlab.theory.depth import pieces as ap
from approxlab.theory.depth import sawtooth

# ---------------------------------------------------------------- the independent counter


def _breaks(t: list[Fraction], y: list[Fraction]) -> list[Fraction]:
    """Interior knots where the slope of the interpolant of (t, y) changes."""
    return [
        t[k]
        for k in range(1, len(t) - 1)
        if (y[k] - y[k - 1]) * (t[k + 1] - t[k]) != (y[k + 1] - y[k]) * (t[k] - t[k - 1])
    ]


def rational_count(net, domain):
    """(regions per hidden layer, max node pieces per hidden layer, output pieces,
    output knots, output values, output breakpoints) in exact arithmetic."""
    layers = [
        ([[Fraction(float(w)) for w in row] for row in np.asarray(W).tolist()],
         [Fraction(float(v)) for v in np.asarray(b).tolist()])
        for W, b in net
    ]  # fmt: skip
    knots = [Fraction(float(domain[0])), Fraction(float(domain[1]))]
    inputs = [[k] for k in knots]
    regions, node_pieces = [], []
    for li, (W, b) in enumerate(layers):
        pre = [
            [sum((w * z for w, z in zip(row, zk, strict=True)), Fraction(0)) + bi
             for row, bi in zip(W, b, strict=True)]
            for zk in inputs
        ]  # fmt: skip
        if li == len(layers) - 1:
            y = [p[0] for p in pre]
            bps = _breaks(knots, y)
            return regions, node_pieces, 1 + len(bps), knots, y, bps
        new_knots, new_pre = [knots[0]], [pre[0]]
        for k in range(len(knots) - 1):
            t0, t1, p0, p1 = knots[k], knots[k + 1], pre[k], pre[k + 1]
            crossings = sorted(
                {
                    t0 + (t1 - t0) * p0[i] / (p0[i] - p1[i])
                    for i in range(len(W))
                    if p0[i] * p1[i] < 0
                }
            )
            for c in crossings:
                lam = (c - t0) / (t1 - t0)
                new_knots.append(c)
                new_pre.append([a + lam * (e - a) for a, e in zip(p0, p1, strict=True)])
            new_knots.append(t1)
            new_pre.append(p1)
        knots, pre = new_knots, new_pre
        regions.append(len(knots) - 1)
        inputs = [[max(v, Fraction(0)) for v in p] for p in pre]
        node_pieces.append(
            max(1 + len(_breaks(knots, [z[j] for z in inputs])) for j in range(len(W)))
        )
    raise AssertionError("unreachable")


def assert_matches(net, domain):
    regions, node_pieces, n_pieces, knots, values, bps = rational_count(net, domain)
    prof = ap.profile(net, domain)
    assert prof.regions == regions
    assert prof.node_pieces == node_pieces
    assert prof.pieces == n_pieces
    f = networks.breakpoints(net, domain)
    assert f.pieces() == n_pieces
    # the breakpoints: same number, each within its certified bound of the exact one
    got = prof.knots[1:-1][prof.breaks]
    err = prof.knot_error[1:-1][prof.breaks]
    if len(got) == len(bps):  # unless exact knots closer than float64 merged
        for x, e, exact in zip(got, err, bps, strict=True):
            assert abs(Fraction(float(x)) - exact) <= Fraction(float(e))
    else:
        assert len(got) < len(bps) and prof.knots.size < len(knots)
    if prof.knots.size == len(knots):
        for x, e, exact in zip(prof.knots, prof.knot_error, knots, strict=True):
            assert abs(Fraction(float(x)) - exact) <= Fraction(float(e))
        for y, e, exact in zip(prof.values, prof.value_error, values, strict=True):
            assert abs(Fraction(float(y)) - exact) <= Fraction(float(e))
    return prof


# ---------------------------------------------------------------- the three cases


def test_nearly_cancelling_units_make_a_constant():
    """10⁸x + 10⁸/3 and 10⁸x + 10⁸/3 + 0.1, subtracted, plus zero-weighted units that
    switch: a constant on [0, 1] (float64 rounding made it 3 pieces)."""
    net = [
        layer([[1e8], [1e8], [1.0], [1.0]], [1e8 / 3, 1e8 / 3 + 0.1, -0.3, -0.6]),
        layer([[1.0, -1.0, 0.0, 0.0]], [0.0]),
    ]
    assert networks.pieces(net, (0.0, 1.0)) == 1
    prof = assert_matches(net, (0.0, 1.0))
    assert prof.regions == [3]  # the zero-weighted units still cut the interval


def test_a_tiny_kink_is_a_kink():
    """x + 10⁻¹⁰·σ(x − ½) has 2 pieces (a relative slope tolerance made it 1)."""
    net = [layer([[1.0], [1.0]], [0.0, -0.5]), layer([[1.0, 1e-10]], [0.0])]
    f = networks.breakpoints(net, (0.0, 1.0))
    assert f.pieces() == 2
    np.testing.assert_array_equal(f.breakpoints(), [0.5])
    assert_matches(net, (0.0, 1.0))


def test_underflowing_chain_keeps_its_kink():
    """σ(x) through a chain of 10⁻²⁰⁰ weights underflows float64 to 0, silently; the
    exact count is 2."""
    net = [layer([[1.0]], [0.0]), *[layer([[1e-200]], [0.0])] * 3, layer([[1.0]], [0.0])]
    assert networks.pieces(net, (-1.0, 1.0)) == 2
    prof = assert_matches(net, (-1.0, 1.0))
    assert prof.recounted == [(-1.0, 1.0)]


# ---------------------------------------------------------------- property tests

SCALES = [1e-250, 1e-30, 1e-8, 1.0, 1e8, 1e30, 1e150]


@st.composite
def ill_conditioned_networks(draw):
    widths = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    dims = [1, *widths, 1]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    net = []
    for i in range(len(dims) - 1):
        m, n = dims[i + 1], dims[i]
        kind = draw(st.sampled_from(["normal", "scaled", "dyadic", "zeros", "mixed"]))
        W, b = rng.normal(size=(m, n)), rng.normal(size=m) * draw(st.sampled_from([0, 0.1, 1]))
        if kind == "scaled":
            W = W * draw(st.sampled_from(SCALES))
            b = b * draw(st.sampled_from(SCALES))
        elif kind == "dyadic":
            W, b = np.round(W * 4) / 4, np.round(b * 4) / 4
        elif kind == "zeros":
            W = np.where(rng.random(W.shape) < 0.4, 0.0, W)
            b = np.where(rng.random(b.shape) < 0.4, 0.0, b)
        elif kind == "mixed":
            W = W * 10.0 ** rng.integers(-12, 13, size=W.shape)
        if m > 1 and draw(st.booleans()):  # a duplicated, proportional or nearly equal unit
            j = draw(st.integers(1, m - 1))
            c = draw(st.sampled_from([1.0, 2.0, -0.5, 1 + 2**-40]))
            W[j], b[j] = c * W[0], c * b[0]
        net.append(layer(W, b))
    if len(net) > 1 and net[-2][0].shape[0] > 1 and draw(st.booleans()):
        W, b = net[-1]  # an output in which two units cancel exactly
        W = W.copy()
        W[0, 1] = -W[0, 0]
        net[-2][0][1], net[-2][1][1] = net[-2][0][0], net[-2][1][0]
        net[-1] = (W, b)
    lo = draw(st.sampled_from([-2.0, -1.0, 0.0, -1e-6, 0.25]))
    span = draw(st.sampled_from([1.0, 2.0, 3.5, 1e-6]))
    return net, (lo, lo + span)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ill_conditioned_networks())
def test_counts_equal_the_exact_rational_counter(case):
    net, domain = case
    try:
        assert_matches(net, domain)
    except ap.WorkLimitError as e:  # values beyond float64's range: refused, not miscounted
        assert "overflow" in str(e)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    widths=st.lists(st.integers(1, 8), min_size=1, max_size=4),
    bias=st.sampled_from([0.0, 0.1, 1.0]),
)
def test_he_networks_are_certified_in_float64(seed, widths, bias):
    """Well-conditioned networks never need the exact fallback (which is what keeps the
    scenes fast), and their counts are exact."""
    net = ap.he_network(widths, np.random.default_rng(seed), bias)
    prof = assert_matches(net, (-1.0, 1.0))
    assert prof.recounted == []


@settings(max_examples=40, deadline=None)
@given(case=ill_conditioned_networks())
def test_the_exact_pass_alone_equals_the_counter(case):
    """The integer fallback on its own (no float64 at all) on the whole domain."""
    net, domain = case
    regions, node_pieces, n_pieces, knots, _, bps = rational_count(net, domain)
    try:
        c = certified._exact_count(net, domain, None, True, certified.Budget(10**9))
    except networks.FloatRangeError:  # exact values beyond float64's range: not rounded
        return
    assert [n + 1 for n in c.interior] == regions
    assert [1 + int(max(nb)) for nb in c.node_breaks] == node_pieces
    assert c.pieces == n_pieces
    assert list(c.knots) == [float(k) for k in knots]  # correctly rounded
    assert list(c.knots[1:-1][c.breaks]) == [float(x) for x in bps]


@settings(max_examples=40, deadline=None)
@given(case=ill_conditioned_networks())
def test_propagate_yields_the_exact_knots(case):
    """Every layer's knots, float64 or — after a decision within rounding — exact."""
    net, domain = case
    _, _, _, knots, _, _ = rational_count(net, domain)
    try:
        *_, (_, t, _) = networks.propagate(net, domain)
    except networks.FloatRangeError:
        return
    assert t.size == len(knots)
    assert np.all(np.diff(t) >= 0)
    scale = max(abs(domain[0]), abs(domain[1]))
    assert np.allclose(t, [float(k) for k in knots], rtol=1e-9, atol=1e-9 * scale)


@settings(max_examples=25, deadline=None)
@given(cases=st.lists(st.integers(0, 2**31), min_size=2, max_size=6))
def test_profiles_equal_profile_one_by_one(cases):
    """Networks of one architecture counted together (one of them ill-conditioned)."""
    nets = []
    for k, seed in enumerate(cases):
        net = ap.he_network([4, 3], np.random.default_rng(seed), 0.1)
        if k == 1:  # exactly cancelling output: recounted exactly inside the batch
            (W1, b1), (W2, b2), (W3, b3) = net
            W2, b2, W3 = W2.copy(), b2.copy(), W3.copy()
            W2[1], b2[1] = W2[0], b2[0]
            W3[0, 1] = -W3[0, 0]
            net = [(W1, b1), (W2, b2), (W3, b3)]
        nets.append(net)
    batch = ap.profiles(nets, (-1.0, 1.0))
    for net, pr in zip(nets, batch, strict=True):
        one = ap.profile(net, (-1.0, 1.0))
        assert (pr.regions, pr.node_pieces, pr.pieces) == (one.regions, one.node_pieces, one.pieces)
        np.testing.assert_array_equal(pr.knots, one.knots)
        assert_matches(net, (-1.0, 1.0))


# ---------------------------------------------------------------- constructions and limits


@pytest.mark.parametrize("L", [1, 2, 5, 9])
def test_sawtooth_stays_in_the_exact_lane(L):
    """Δ^L's knots and values are dyadic: float64 computes them exactly, and the counts
    need no bound at all (this is what keeps Δ^20 fast)."""
    net = sawtooth.sawtooth(L)
    *_, last = certified.float_layers([net], [(0.0, 1.0)], nodes=True, output=True)
    assert last.exact and last.taint is None
    assert_matches(net, (0.0, 1.0))


def test_scaled_sawtooth_leaves_the_lane_and_stays_exact():
    """Δ³ with its weights scaled by 3 and ⅓ (not dyadic): the valleys of Δ stay exact
    zeros only in exact arithmetic."""
    net = [(W.copy(), b.copy()) for W, b in sawtooth.sawtooth(3)]
    for i in range(len(net) - 1):
        net[i] = (net[i][0] * 3.0, net[i][1] * 3.0)
        net[i + 1] = (net[i + 1][0] / 3.0, net[i + 1][1])
    assert_matches(net, (0.0, 1.0))


def test_cut_points_keep_the_recount_local():
    """A zigzag with one ill-conditioned spot — two switches one float64 step apart near
    x = 0.3, carried to the output — is recounted exactly only around that spot.  (Near
    0.61 the float pass now decides the order itself: ``1 − 0.61`` is computed exactly —
    Sterbenz — and certified so, which makes both switch points exact; ``1 − 0.3`` is not.)"""
    (W, b), (W2, b2), (W3, b3) = ap.zigzag_network(5, 2, (0.0, 1.0))
    a = -0.3
    W = np.vstack([W, [[1.0], [1.0]]])
    b = np.concatenate([b, [a, np.nextafter(a, -1.0)]])
    W2 = np.block([[W2, np.zeros((W2.shape[0], 2))], [np.zeros((2, W2.shape[1])), np.eye(2)]])
    b2 = np.concatenate([b2, [0.0, 0.0]])
    W3 = np.hstack([W3, [[7.0, -7.0]]])
    net = [(W, b), (W2, b2), (W3, b3)]
    prof = assert_matches(net, (0.0, 1.0))
    assert prof.pieces == 25 + 2
    assert prof.recounted and sum(hi - lo for lo, hi in prof.recounted) < 0.4


def test_exact_budget_is_a_limit_not_a_wrong_count(monkeypatch):
    net = [layer([[1.0]], [0.0]), *[layer([[1e-200]], [0.0])] * 3, layer([[1.0]], [0.0])]
    with pytest.raises(certified.ExactBudgetError, match="too ill-conditioned"):
        certified.count([net], [(-1.0, 1.0)], budget=certified.Budget(10))
    monkeypatch.setattr(certified, "EXACT_BUDGET", 10)
    with pytest.raises(ap.WorkLimitError, match="too ill-conditioned"):
        ap.profile(net, (-1.0, 1.0))
    with pytest.raises(networks.ExactBudgetError):
        networks.pieces(net, (-1.0, 1.0))


def test_knot_limit_counts_exact_knots():
    net = sawtooth.sawtooth(10)
    with pytest.raises(networks.KnotLimitError, match="layer"):
        ap.profile(net, (0.0, 1.0), max_knots=1024)
    assert ap.profile(net, (0.0, 1.0), max_knots=1025).pieces == 1024


def test_overflow_is_refused():
    net = [layer([[1e300]], [0.0]), layer([[1e300]], [0.0])]
    with pytest.raises(ap.WorkLimitError, match="overflow"):
        ap.profile(net, (0.0, 1.0))
    with pytest.raises(networks.FloatRangeError):
        list(networks.propagate(net, (0.0, 1.0)))


def test_quanta():
    x = np.array([1.0, 0.5, 3.0, 0.0, 2.0**-1074, 6.0, -0.75])
    np.testing.assert_array_equal(certified.quanta(x)[[0, 1, 2, 4, 5, 6]], [0, -1, 0, -1074, 1, -2])
    assert certified.quantum(x) == -1074
    assert certified.quantum(np.zeros(3)) > 10**5
