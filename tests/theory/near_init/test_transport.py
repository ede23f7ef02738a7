"""Theorem 3.10 (seed 003): the planting construction of its proof, theory/transport.py."""

import math

import numpy as np
import pytest

from approxlab.theory.near_init import circle, transport
from approxlab.theory.near_init import linearization as lin
from approxlab.theory.near_init import two_layer as ni

D = 2


def allowed_failures(trials: int, delta: float) -> float:
    return trials * delta + 4.0 * math.sqrt(trials * delta * (1 - delta)) + 1


def test_reference_networks_have_unit_directions_and_room_for_tau():
    for ref in transport.REFERENCE_NETWORKS.values():
        np.testing.assert_allclose(np.linalg.norm(ref.beta, axis=1), 1.0)
        assert ref.separation() / 2 > 0.5  # the scene's largest τ
        assert np.all(ref.alpha != 0)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_cap_estimate_of_the_proof(d):
    """P(‖β − v/‖v‖‖ ≤ τ) ≥ (τ/2)^{d−1}/2 (Ball's cap estimate as used in the proof)."""
    rng = np.random.default_rng(d)
    v = rng.standard_normal((400_000, d))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    beta = np.zeros(d)
    beta[0] = 1.0
    for tau in (0.1, 0.3, 0.5):
        freq = np.mean(np.linalg.norm(v - beta, axis=1) <= tau)
        assert freq >= (tau / 2) ** (d - 1) / 2
        if d == 2:  # exact on the circle: 2 arcsin(τ/2)/π
            assert abs(freq - 2 * math.asin(tau / 2) / math.pi) < 5 * math.sqrt(freq / 4e5)


@pytest.mark.parametrize("name", list(transport.REFERENCE_NETWORKS))
@pytest.mark.parametrize("tau", [0.1, 0.3, 0.5])
def test_the_construction(name, tau):
    ref = transport.REFERENCE_NETWORKS[name]
    m = 20_000
    net = ni.initialization(m, D, 5)
    pl = transport.plant(net, ref, tau)
    assert pl.enough and pl.u == math.ceil(m * transport.tau_d(tau, D))
    dV = pl.V - net.V0
    planted = np.concatenate(pl.U)
    assert np.unique(planted).size == planted.size == ref.k * pl.u  # the Sᵢ are disjoint
    moved = np.flatnonzero(np.any(dV != 0, axis=1))
    np.testing.assert_array_equal(np.sort(moved), np.sort(planted))
    # the directions are unchanged, rows move by exactly c|αᵢ|
    for i, idx in enumerate(pl.U):
        np.testing.assert_allclose(np.linalg.norm(dV[idx], axis=1), pl.c * abs(ref.alpha[i]))
        cosines = np.einsum("ij,ij->i", pl.V[idx], net.V0[idx])
        norms = np.linalg.norm(pl.V[idx], axis=1) * np.linalg.norm(net.V0[idx], axis=1)
        np.testing.assert_allclose(cosines / norms, 1.0, atol=1e-15)
        assert np.all(np.sign(net.a[idx]) == np.sign(ref.alpha[i]))
    assert abs(pl.scale - math.sqrt(m) / tau) < 1e-9 * pl.scale
    # F(x; V) = F₀(x; V): the exact gap over the circle vanishes to rounding
    assert lin.relu_gap_on_circle(pl.V, net.V0, net.a).sup_abs()[0] < 1e-10
    # the deterministic part of the error bound: planted signal vs c·u·g, mismatch ≤ c·u·τ‖α‖₁
    P = np.vstack([pl.V, net.V0, ref.beta])
    c = np.concatenate([net.a, -net.a, -pl.scale * ref.alpha])
    mismatch = circle.relu_sum(P, P, c).sup_abs()[0]
    assert mismatch <= pl.scale * tau * np.sum(np.abs(ref.alpha)) * (1 + 1e-12)
    # the corrected row and Frobenius bounds (equality when mτ_d is an integer)
    row = np.max(np.linalg.norm(dV, axis=1))
    assert row <= transport.row_bound(ref, tau, D, m) * (1 + 1e-12)
    assert np.linalg.norm(dV) <= transport.frobenius_bound(ref, tau, D) * (1 + 1e-12)


def test_the_construction_does_not_reach_the_printed_constants():
    """Printed: rows ≤ 2^{d+1}‖α‖∞/(τ^{d−1}√m), Frobenius ≤ 2^{d+1}‖α‖₂/τ^{d−1} with signal
    scale 2^{d+1}√m/τ^{d−1}.  The construction's rows are 2/τ times the printed bound; and
    any planting on u units per βᵢ with scale s has rows ≥ s/u·|αᵢ|, so the printed scale with
    the printed rows needs u ≥ m units near every βᵢ."""
    ref = transport.REFERENCE_NETWORKS["three"]
    for tau in (0.1, 0.25, 0.5):
        m = 50_000
        pl = transport.plant(ni.initialization(m, D, 1), ref, tau)
        row = pl.c * np.max(np.abs(ref.alpha))
        printed = 2 ** (D + 1) * np.max(np.abs(ref.alpha)) / (tau ** (D - 1) * math.sqrt(m))
        assert row > printed
        printed_scale = 2 ** (D + 1) * math.sqrt(m) / tau ** (D - 1)
        assert printed_scale / (printed / np.max(np.abs(ref.alpha))) == pytest.approx(m)


def test_width_requirement_printed_vs_union_bound():
    for k in (2, 3, 5):
        for tau in (0.05, 0.2, 0.5):
            for delta in (1e-3, 0.05, 1 / k):
                assert transport.min_width(tau, D, delta, k) <= transport.min_width_printed(
                    tau, D, delta
                ) * (1 + 1e-12)
            # with δ > 1/k the printed requirement is too small
            assert transport.min_width(tau, D, 0.9, k) > transport.min_width_printed(tau, D, 0.9)


@pytest.mark.parametrize("name", ["two", "five"])
def test_theorem_3_10_statistically(name):
    """At the smallest width the (corrected) hypothesis allows, over many draws."""
    ref = transport.REFERENCE_NETWORKS[name]
    tau, delta, trials = 0.5, 0.2, 120
    m = math.ceil(transport.min_width(tau, D, delta, ref.k))
    fails_S = fails_err = 0
    for seed in range(trials):
        net = ni.initialization(m, D, seed)
        pl = transport.plant(net, ref, tau)
        fails_S += int(pl.S_sizes.min()) < pl.u_target
        P = np.vstack([pl.V, ref.beta])
        err = circle.relu_sum(
            P, P, np.concatenate([tau * net.a / math.sqrt(m), -ref.alpha])
        ).sup_abs()[0]
        fails_err += err > tau / math.sqrt(m) * transport.error_bound(ref, tau, D, m, delta)
    assert fails_S <= allowed_failures(trials, delta)
    assert fails_err <= allowed_failures(trials, 3 * delta)


@pytest.mark.parametrize("name", list(transport.REFERENCE_NETWORKS))
def test_measure_is_the_planting_measured_exactly(name):
    ref = transport.REFERENCE_NETWORKS[name]
    m, tau, seed = 8_000, 0.4, 2
    meas = transport.measure(m, tau, ref, seed)
    net = ni.initialization(m, D, seed)
    pl = transport.plant(net, ref, tau)
    np.testing.assert_array_equal(meas.planting.V, pl.V)
    dV = pl.V - net.V0
    assert meas.frobenius == pytest.approx(np.linalg.norm(dV))
    assert meas.row == pytest.approx(np.max(np.linalg.norm(dV, axis=1)))
    phi = np.linspace(0, 2 * np.pi, 20_001)
    X = circle.circle_points(phi)
    err = tau / math.sqrt(m) * ni.prediction(X, pl.V, net.a) - ref(X)
    np.testing.assert_allclose(meas.error(phi), err, atol=1e-9)
    assert meas.sup_error >= np.max(np.abs(err)) - 1e-12
    signal = tau / math.sqrt(m) * (ni.prediction(X, pl.V, net.a) - ni.prediction(X, net.V0, net.a))
    np.testing.assert_allclose(meas.signal(phi), signal, atol=1e-9)


def test_width_curves_are_the_planting_of_each_prefix():
    ref = transport.REFERENCE_NETWORKS["three"]
    m, tau, seed, delta = 6_000, 0.4, 1, 0.05
    meas = transport.measure(m, tau, ref, seed)
    widths = np.array([64, 900, 6_000])
    tau_min = 16.0 * np.sqrt(np.log(ref.k / delta) / (2.0 * widths))
    curves = transport.width_curves(meas, ref, widths, tau, tau_min)
    for i, w in enumerate(widths):
        for row, t in ((0, tau), (2, tau_min[i])):
            if not t < ref.separation() / 2:
                assert np.isnan(curves[row, i])
                continue
            sub = transport.measure(int(w), float(t), ref, seed)
            if sub.planting.u == 0:
                assert np.isnan(curves[row, i])
                continue
            assert curves[row, i] == pytest.approx(sub.sup_error, rel=1e-9)
            assert curves[row + 1, i] == pytest.approx(sub.frobenius, rel=1e-12)


# --- issue 12 (1): a bound attained with equality never shows ✗ ------------------------------


def equality_cases():
    """(m, τ) with mτ_d = mτ/16 an integer in floating point, the hypothesis met."""
    for tau in (0.05, 0.08, 0.1, 0.16, 0.2, 0.25, 0.32, 0.4, 0.5):
        unit = round(16 / tau)
        for m in sorted({unit * q for q in (1, 7, 64, 250, 1000, 2000, 5000)}):
            if m <= 100_000 and float(m * transport.tau_d(tau, D)).is_integer():
                yield m, tau


@pytest.mark.parametrize("name", list(transport.REFERENCE_NETWORKS))
def test_equality_cases_never_fail_their_rounding_allowance(name):
    """Sweep over m and τ where u = mτ_d exactly: the rows move by exactly the row bound and
    ‖V − V₀‖_F equals the Frobenius bound; measured on the displacement with the derived
    allowances, no check fails (and the allowances are not loose by more than 10×)."""
    ref = transport.REFERENCE_NETWORKS[name]
    cases = 0
    for m, tau in equality_cases():
        meas = transport.measure(m, tau, ref, seed=m % 7)
        if not meas.planting.enough:
            continue
        cases += 1
        rb, fb = transport.row_bound(ref, tau, D, m), transport.frobenius_bound(ref, tau, D)
        r_allow = transport.row_rounding(rb, D)
        f_allow = transport.frobenius_rounding(fb, D, meas.planted.size)
        assert abs(meas.row - rb) <= r_allow, (m, tau)
        assert abs(meas.frobenius - fb) <= f_allow, (m, tau)
        assert meas.gap.sup <= meas.gap.rounding, (m, tau)
    assert cases >= 20


@pytest.mark.parametrize(
    ("m", "tau", "delta"),
    [(100_000, 0.5, 0.2), (80_000, 0.4, 0.2), (64_000, 0.5, 0.2), (100_000, 0.4, 0.2)],
)
def test_the_issues_examples_are_equality_cases_that_hold(m, tau, delta):
    ref = transport.REFERENCE_NETWORKS["two"]
    meas = transport.measure(m, tau, ref, 0)
    rb = transport.row_bound(ref, tau, D, m)
    assert meas.planting.u == m * transport.tau_d(tau, D)  # mτ_d is an integer
    assert meas.row <= rb + transport.row_rounding(rb, D)


def test_direction_gap_is_the_exact_sup_of_the_float_network():
    """The F = F₀ gap from per-unit angles against the exact circle sum of the same rows
    (whose running sums only see rounding noise here), and on a row turned on purpose."""
    ref = transport.REFERENCE_NETWORKS["three"]
    meas = transport.measure(5_000, 0.4, ref, 0)
    rows = meas.planted
    full = lin.relu_gap_on_circle(meas.planting.V, meas.net.V0, meas.net.a, rows).sup_abs()[0]
    assert full < 1e-12 and meas.gap.sup <= meas.gap.rounding
    assert meas.gap.clusters == 2 * rows.size  # the arcs are disjoint
    # a rotated row shows its gap exactly: ‖v‖ sin∠
    V = meas.planting.V.copy()
    j = rows[0]
    c, s_ = np.cos(1e-3), np.sin(1e-3)
    V[j] = np.array([[c, -s_], [s_, c]]) @ V[j]
    gap = transport.direction_gap(V, meas.net.V0, rows)
    exact = lin.relu_gap_on_circle(V, meas.net.V0, meas.net.a, rows).sup_abs()[0]
    assert gap.sup == pytest.approx(np.linalg.norm(V[j]) * np.sin(1e-3), rel=1e-6)
    assert exact == pytest.approx(gap.sup, rel=1e-6)


# --- issue 12 (6): the printed statement holds trivially; the construction misses it ---------


def test_printed_statement_is_met_by_v0_and_missed_by_the_construction():
    ref = transport.REFERENCE_NETWORKS["three"]
    m, tau, delta = 5_000, 0.4, 0.05
    meas = transport.measure(m, tau, ref, 0)
    ps = transport.printed_statement(meas, ref, tau, delta)
    assert ps.scale == pytest.approx(8 * math.sqrt(m) / tau)
    assert ps.allowance == pytest.approx(math.sqrt(m) * (32 * math.log(m / delta) + 2.4))
    # V = V₀ satisfies the printed statement: zero displacement, error within the allowance
    phi = np.linspace(0, 2 * np.pi, 20_001)
    X = circle.circle_points(phi)
    direct = np.max(np.abs(ni.prediction(X, meas.net.V0, meas.net.a) - ps.scale * ref(X)))
    assert direct <= ps.unplanted_error + 1e-9 and ps.unplanted_error <= ps.allowance
    # the construction at the printed scale moves rows far beyond the printed bound
    assert ps.construction_row == pytest.approx(ps.scale * 1.0 / meas.planting.u)
    assert ps.construction_row > 10 * ps.row and ps.construction_frobenius > ps.frobenius
