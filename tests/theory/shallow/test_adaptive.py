"""Proposition 2.8 and Remark 2.2 (seed 003): the integral form and adaptive widths."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import targets
from approxlab.theory.core.errors import rounding_allowance, sup_error_step
from approxlab.theory.shallow.adaptive import (
    adaptive_allowance,
    adaptive_threshold_network,
    adaptive_width,
    adaptive_widths,
    cumulative_variation,
    equal_variation_breakpoints,
    telescoping_network,
    uniform_allowance,
    uniform_and_adaptive,
)
from approxlab.theory.shallow.threshold import threshold_network

EPS = np.geomspace(1e-3, 0.5, 13).tolist()
CUSTOM = ["x*sin(8*x)", "abs(x - 0.3) + clip(2*x, 0.2, 0.7)", "exp(-20*(x - 0.6)^2)", "2*x"]


def all_targets() -> list[targets.Target]:
    return [targets.get(n) for n in targets.TARGET_NAMES] + [targets.custom(e) for e in CUSTOM]


def gauss_integral(f, a: np.ndarray, b: np.ndarray, panels: int = 400, order: int = 8):
    """∫_a^b f for arrays of intervals: composite Gauss–Legendre (independent of the code)."""
    t, w = np.polynomial.legendre.leggauss(order)
    edges = a[:, None] + (b - a)[:, None] * np.linspace(0, 1, panels + 1)[None, :]
    lo, hi = edges[:, :-1], edges[:, 1:]
    x = 0.5 * (lo + hi)[..., None] + 0.5 * (hi - lo)[..., None] * t
    return np.sum(0.5 * (hi - lo)[..., None] * w * f(x), axis=(1, 2))


@pytest.mark.parametrize("name", targets.TARGET_NAMES)
def test_proposition_2_8_integral_form(name):
    """g(x) = g(0) + ∫₀¹ g′(b)·1[x ≥ b] db, by quadrature of the exact derivative."""
    g = targets.get(name)
    x = np.linspace(0.0, 1.0, 41)
    x = x[np.abs(x - 0.5) > 1e-9]  # |x − 1/2|: integrate up to the kink, not across it
    integral = gauss_integral(g.df, np.zeros_like(x), x)
    if name == "abs":  # g′ jumps at 1/2: split the integral there
        left = np.minimum(x, 0.5)
        integral = gauss_integral(g.df, np.zeros_like(x), left) + gauss_integral(g.df, left, x)
    np.testing.assert_allclose(g(0.0) + integral, g(x), atol=1e-12)


@pytest.mark.parametrize("g", all_targets(), ids=lambda g: g.label)
def test_variation_is_the_integral_of_the_derivative(g):
    if g.label.startswith("abs(x - 0.3)"):  # kinks at 0.1, 0.3, 0.35: 0.1 + 0.2 + 0.15 + 0.65
        assert targets.variation(g) == pytest.approx(1.1, abs=1e-12)
        return
    tv = targets.variation(g)
    crit = targets.critical_points(g)
    edges = np.unique(np.concatenate([[0.0], crit, [1.0]]))
    by_quadrature = float(np.sum(gauss_integral(lambda t: np.abs(g.df(t)), edges[:-1], edges[1:])))
    assert tv == pytest.approx(by_quadrature, rel=1e-10, abs=1e-12)
    assert tv <= targets.lipschitz(g) * (1 + 1e-12)


@pytest.mark.parametrize("g", all_targets(), ids=lambda g: g.label)
@pytest.mark.parametrize("eps", EPS)
def test_adaptive_network(g, eps):
    rho, tv = targets.lipschitz(g), targets.variation(g)
    crit = targets.critical_points(g)
    net = adaptive_threshold_network(g, crit, eps)
    b = -net.b
    assert net.width == adaptive_width(tv, eps) == math.ceil(tv / eps)
    assert net.width <= threshold_network(g, rho, eps).width
    assert b[0] == 0.0 and np.all(np.diff(b) > 0) and b[-1] < 1.0

    # every cell carries variation ε (the last at most ε): on a partition that contains the
    # critical points g is monotone on each segment, so Σ|Δg| per cell is its exact variation
    edges = np.concatenate([b, [1.0]])
    pts = np.unique(np.concatenate([edges, crit, np.linspace(0, 1, 101)]))
    seg = np.abs(np.diff(g(pts)))
    cells = np.add.reduceat(seg, np.searchsorted(pts, b))
    assert np.all(cells <= eps * (1 + 1e-10))
    np.testing.assert_allclose(cells[:-1], eps, rtol=1e-10)

    # sup |f − g| ≤ ε, exact; |f − g| attains ε wherever g is monotone on a cell
    gmax = float(np.max(np.abs(g(np.linspace(0, 1, 1001)))))
    sup, _ = sup_error_step(g, edges, net(b), crit)
    allowance = rounding_allowance(gmax, tv, eps, ops=4 * targets.roundings(g) + crit.size + 8)
    assert sup <= eps + allowance
    inside = np.searchsorted(crit, edges[1:-1]) - np.searchsorted(crit, edges[:-2], side="right")
    if np.any(inside == 0):  # some full cell is monotone: there |f − g| reaches ε
        assert sup >= eps - allowance
    # the exact supremum dominates a fine grid, which gets close to it
    x = np.linspace(0, 1, 200_001)
    grid_sup = float(np.max(np.abs(net(x) - g(x))))
    assert grid_sup <= sup + 1e-15
    assert sup - grid_sup <= 2 * rho * 5e-6


def test_cumulative_variation_nodes():
    g = targets.get("sin")
    nodes, c = cumulative_variation(g, targets.critical_points("sin"))
    np.testing.assert_allclose(nodes, [0, 0.25, 0.75, 1], atol=1e-12)
    np.testing.assert_allclose(c, [0, 1, 3, 4], atol=1e-12)


def test_uniform_breakpoints_give_proposition_2_1():
    """The telescoping network on bᵢ = (i − 1)ε/ρ is exactly the network of Prop. 2.1."""
    g = targets.get("nielsen")
    rho, eps = targets.lipschitz("nielsen"), 0.01
    ref = threshold_network(g, rho, eps)
    net = telescoping_network(g, -ref.b)
    np.testing.assert_array_equal(net.a, ref.a)
    np.testing.assert_array_equal(net.b, ref.b)


def test_flat_regions_are_free():
    """Remark 2.2: the plateau has ρ = 15 but V ≈ 1, so it needs ~15× fewer nodes."""
    eps = 0.01
    g = targets.get("plateau")
    net = adaptive_threshold_network(g, targets.critical_points("plateau"), eps)
    assert net.width == 100
    assert threshold_network(g, targets.lipschitz("plateau"), eps).width == 1500
    assert equal_variation_breakpoints(g, targets.critical_points("plateau"), 2.0).size == 1


@settings(max_examples=25, deadline=None)
@given(
    a=st.floats(-2, 2),
    k=st.integers(1, 25),
    c=st.floats(-3, 3),
    eps=st.floats(1e-3, 0.5),
)
def test_adaptive_bound_on_random_custom_targets(a, k, c, eps):
    g = targets.custom(f"{a!r}*sin({k}*x) + {c!r}*x^2")
    r = uniform_and_adaptive(g, eps)
    assert r.adaptive_error.sup <= eps + adaptive_allowance(g, r, eps)
    assert r.uniform_error.sup <= eps + uniform_allowance(g, r, eps)
    assert r.adaptive.width == adaptive_width(r.variation, eps)


@settings(max_examples=120, deadline=None)
@given(
    eps=st.floats(1e-3, 0.5),
    slope=st.sampled_from([1.0, -1.0, 2.0, 0.5, 3.0, -7.0, 1 / 3, 0.1]),
    shift=st.floats(-3, 3),
)
def test_equality_cases_hold_up_to_the_derived_rounding(eps, slope, shift):
    """A linear g is monotone on every cell, so every full adaptive cell carries variation
    exactly ε and attains it: the checks hold with the derived allowances, and the
    measurement reaches ε within them."""
    g = targets.custom(f"{slope!r}*x + {shift!r}")
    r = uniform_and_adaptive(g, eps)
    for sup, allowance, width in (
        (r.adaptive_error.sup, adaptive_allowance(g, r, eps), r.adaptive.width),
        (r.uniform_error.sup, uniform_allowance(g, r, eps), r.uniform.width),
    ):
        assert allowance < 1e-10
        assert sup <= eps + allowance
        if width >= 2:
            assert sup >= eps - allowance


@pytest.mark.parametrize("expr", ["1", "0*x", "x-x"])
def test_a_constant_needs_no_unit(expr):
    g = targets.custom(expr)
    r = uniform_and_adaptive(g, 0.05)
    assert r.uniform.width == r.adaptive.width == 0
    assert r.uniform.c == r.adaptive.c == float(g(0.0))
    assert r.uniform_error.sup == r.adaptive_error.sup == 0.0


@pytest.mark.parametrize("name", targets.TARGET_NAMES)
def test_uniform_and_adaptive_measures_both_networks(name):
    g = targets.get(name)
    c = uniform_and_adaptive(g, 0.03)
    assert c.uniform.width == threshold_network(g, c.rho, 0.03).width
    assert c.adaptive.width == adaptive_width(c.variation, 0.03) <= c.uniform.width
    for net, err in ((c.uniform, c.uniform_error), (c.adaptive, c.adaptive_error)):
        ref, _ = sup_error_step(g, err.knots, net(err.knots[:-1]), c.critical)
        assert err.sup == ref
    eps = np.geomspace(1e-3, 0.5, 40)
    np.testing.assert_array_equal(
        adaptive_widths(c.variation, eps), [adaptive_width(c.variation, e) for e in eps]
    )
