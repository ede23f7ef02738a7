"""Uniform against free knots (seed 004, approximation spaces): theory/shallow/rates.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from approxlab.theory.core import networks
from approxlab.theory.shallow import rates
from approxlab.theory.shallow.rates import Kink, Power

ALPHAS = (0.1, 0.25, 0.5, 0.75, 0.95)
TARGETS = [Power(a) for a in ALPHAS] + [Kink()]


def grid_max(g, a: float, b: float, n: int = 20001) -> float:
    """max |g − chord| on a fine grid of [a, b] and the kink (a lower estimate of the sup)."""
    x = np.linspace(a, b, n)
    if isinstance(g, Kink) and a < g.c < b:
        x = np.append(x, g.c)
    chord = g(a) + (g(b) - g(a)) / (b - a) * (x - a)
    return float(np.max(np.abs(g(x) - chord)))


def greedy_error(g, n: int) -> float:
    """E_N by brute force: bisection on err, each greedy step by scalar bisection."""

    def pieces(err: float) -> int:
        t, k = 0.0, 0
        while t < 1.0:
            k += 1
            if k > n:
                return k
            if g.chord_error(np.array([t]), np.array([1.0]))[0] <= err:
                return k
            lo, hi = t, 1.0
            for _ in range(80):
                mid = (lo + hi) / 2
                ok = g.chord_error(np.array([t]), np.array([mid]))[0] <= err
                lo, hi = (mid, hi) if ok else (lo, mid)
            t = lo
        return k

    lo, hi = 0.0, float(g.chord_error(np.array([0.0]), np.array([1.0]))[0])
    for _ in range(70):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if pieces(mid) <= n else (mid, hi)
    return hi


@pytest.mark.parametrize("g", TARGETS, ids=lambda g: g.label)
def test_chord_errors_are_exact_sups(g):
    rng = np.random.default_rng(0)
    a = np.sort(rng.uniform(0.0, 1.0, (40, 2)), axis=1)
    a = np.vstack([a, [[0.0, 1.0], [0.0, 1e-3], [0.3, 0.4]]])
    exact = g.chord_error(a[:, 0], a[:, 1])
    for (lo, hi), e in zip(a, exact, strict=True):
        grid = grid_max(g, lo, hi)
        assert grid <= e + 1e-15
        assert e - grid <= 1e-6 * max(e, 1e-12) + 1e-14  # the grid misses the top by O(h²)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_uniform_error_of_the_power_is_exactly_c_alpha_n_to_minus_alpha(alpha):
    g = Power(alpha)
    for n in (1, 2, 3, 7, 64, 1000):
        e = rates.cell_errors(g, rates.uniform_knots(n))
        assert int(np.argmax(e)) == 0
        assert e.max() == pytest.approx(g.first_cell_constant * n**-alpha, rel=1e-13)
    assert g.first_cell_constant == pytest.approx(grid_max(g, 0.0, 1.0), rel=1e-7)


@pytest.mark.parametrize("g", TARGETS, ids=lambda g: g.label)
def test_free_knots_equidistribute_and_beat_uniform_knots(g):
    ns = [*range(1, 41), 64, 97, 256, 1024]
    for n, t in zip(ns, rates.free_knots(g, ns), strict=True):
        assert t.size == n + 1 and t[0] == 0.0 and t[-1] == 1.0
        assert np.all(np.diff(t) > 0)
        e = rates.cell_errors(g, t)
        assert e.max() - e.min() <= 64 * rates.UNIT_ROUNDOFF * 2.0
        uni = rates.cell_errors(g, rates.uniform_knots(n)).max()
        assert e.max() <= uni + 16 * rates.UNIT_ROUNDOFF * 2.0


@pytest.mark.parametrize("g", [Power(0.3), Power(0.8), Kink()], ids=lambda g: g.label)
def test_free_error_is_the_brute_force_greedy_optimum(g):
    for n in (1, 2, 3, 5, 8):
        err = rates.cell_errors(g, rates.free_knots(g, [n])[0]).max()
        assert err == pytest.approx(greedy_error(g, n), rel=1e-9)


@pytest.mark.parametrize("g", [Power(0.4), Kink()], ids=lambda g: g.label)
def test_no_random_mesh_beats_the_equidistributed_one(g):
    rng = np.random.default_rng(1)
    for n in (2, 5, 12):
        err = rates.cell_errors(g, rates.free_knots(g, [n])[0]).max()
        t0 = rates.free_knots(g, [n])[0]
        for _ in range(200):
            inner = np.sort(np.clip(t0[1:-1] * np.exp(rng.normal(0, 0.05, n - 1)), 1e-300, 1))
            t = np.concatenate([[0.0], inner, [1.0]])
            if np.any(np.diff(t) <= 0):
                continue
            assert rates.cell_errors(g, t).max() >= err * (1 - 1e-12)


def test_half_power_has_the_closed_form_l_over_n_n_plus_one():
    g = Power(0.5)
    ns = np.arange(1, 200)
    err = np.array([rates.cell_errors(g, t).max() for t in rates.free_knots(g, ns)])
    np.testing.assert_allclose(err, g.asymptotic_constant / (ns * (ns + 1.0)), rtol=1e-9)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_power_free_errors_rise_to_de_boors_constant(alpha):
    g = Power(alpha)
    ns = np.arange(1, 1025)
    err = g.first_cell_constant * rates._power_sequence(alpha, 1024)[1:] ** -alpha
    r = ns**2 * err / g.asymptotic_constant
    assert np.all(np.diff(r) > 0) and r[-1] < 1.0 and r[-1] > 0.99
    assert g.asymptotic_constant == pytest.approx(
        (2 * math.sqrt(alpha * (1 - alpha)) / alpha) ** 2 / 8
    )


def test_kink_free_error_is_bracketed_and_multiples_of_three_hit_the_kink():
    g = Kink()
    ns = np.arange(2, 301)
    err = np.array([rates.cell_errors(g, t).max() for t in rates.free_knots(g, ns)])
    lo, hi = rates.kink_free_bounds(ns)
    assert np.all(err >= lo * (1 - 1e-9)) and np.all(err <= hi * (1 + 1e-12))
    for n in (3, 6, 30, 300):
        uni = rates.cell_errors(g, rates.uniform_knots(n)).max()
        free = rates.cell_errors(g, rates.free_knots(g, [n])[0]).max()
        assert free == pytest.approx(uni, rel=1e-9) == pytest.approx(1 / (4 * n * n), rel=1e-9)


def test_kink_uniform_error_on_powers_of_two_is_the_kink_cell_formula():
    g = Kink()
    for n in 2 ** np.arange(0, 11):
        h = 1.0 / n
        e = rates.cell_errors(g, rates.uniform_knots(int(n))).max()
        assert e == pytest.approx(4 / 9 * h + 2 / 9 * h * h, rel=1e-9)


@pytest.mark.parametrize("g", TARGETS, ids=lambda g: g.label)
def test_interpolant_networks_have_one_unit_per_piece(g):
    for n in (1, 3, 16):
        for t in (rates.uniform_knots(n), rates.free_knots(g, [n])[0]):
            net = rates.interpolant_network(g, t)
            assert networks.hidden_nodes(net) == n
            x = np.concatenate([t, np.linspace(0, 1, 513)])
            np.testing.assert_allclose(networks.evaluate(net, x), np.interp(x, t, g(t)), atol=1e-13)
            pl = networks.breakpoints(net, (0.0, 1.0))
            assert pl.pieces() == n


@pytest.mark.parametrize("g", TARGETS, ids=lambda g: g.label)
def test_fitted_rates_lie_where_the_theory_puts_them(g):
    m = rates.measure(g, 16)
    for rate, (lo, hi) in ((m.rate_uniform, m.uniform_interval), (m.rate_free, m.free_interval)):
        assert lo - m.rate_rounding <= rate <= hi + m.rate_rounding
    if isinstance(g, Power):
        assert m.rate_uniform == pytest.approx(-g.alpha, abs=1e-13)


def test_secant_interval_contains_least_squares_slopes_of_bracketed_data():
    rng = np.random.default_rng(2)
    n = 2.0 ** np.arange(3, 9)
    lo, hi = n**-2.0, 1.3 * n**-2.0
    a, b = rates.secant_interval(n, lo, hi)
    for _ in range(200):
        err = lo + rng.uniform(0, 1, n.size) * (hi - lo)
        assert a <= rates.fitted_rate(n, err) <= b


def test_free_rate_tolerance_covers_a_monotone_approach():
    n = 2.0 ** np.arange(6, 11)
    L = 2.0
    r = 1 - 3 / n  # rising to 1
    tol = rates.free_rate_tolerance(n, L * r / n**2, L)
    assert abs(rates.fitted_rate(n, L * r / n**2) + 2) <= tol
