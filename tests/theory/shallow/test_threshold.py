"""Threshold networks and Proposition 2.1 (seed 003)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import targets
from approxlab.theory.core.errors import rounding_allowance, sup_error_step
from approxlab.theory.core.threshold_networks import (
    ThresholdNetwork,
    as_layers,
    evaluate,
    evaluate_dense,
    step_form,
)
from approxlab.theory.shallow.threshold import (
    cell_sups,
    proposition_2_1,
    proposition_2_1_allowance,
    step_sup,
    telescoping_allowance,
    threshold_network,
    threshold_width,
    threshold_widths,
)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**31), m=st.integers(1, 60))
def test_sorted_evaluation_equals_dense(seed, m):
    rng = np.random.default_rng(seed)
    w = rng.choice([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0], size=m)
    b = rng.normal(size=m)
    b[: m // 3] = np.round(b[: m // 3], 1)  # thresholds that coincide with inputs
    net = ThresholdNetwork(w=w, b=b, a=rng.normal(size=m), c=float(rng.normal()))
    # away from the switching points (where w·x + b ≥ 0 and x ≥ −b/w may round apart) …
    t = -b[w != 0] / w[w != 0]
    x = rng.uniform(-3, 3, 400)
    x = x[np.min(np.abs(x[:, None] - t[None, :]), axis=1, initial=np.inf) > 1e-9]
    np.testing.assert_allclose(evaluate(net, x), evaluate_dense(net, x), atol=1e-12)
    # … and exactly at them for unit weights, as in Proposition 2.1 (x − t rounds to 0 iff x = t)
    unit = ThresholdNetwork(w=np.ones(m), b=b, a=net.a, c=net.c)
    xu = np.concatenate([-b, x])
    np.testing.assert_allclose(evaluate(unit, xu), evaluate_dense(unit, xu), atol=1e-12)


@pytest.mark.parametrize("name", targets.TARGET_NAMES)
def test_derivatives_match_finite_differences(name):
    t = targets.get(name)
    x = np.linspace(0.013, 0.987, 997)
    x = x[np.abs(x - 0.5) > 1e-3]  # |x − 1/2| has a kink at 1/2
    h = 1e-6
    np.testing.assert_allclose(t.df(x), (t.f(x + h) - t.f(x - h)) / (2 * h), atol=1e-6)
    np.testing.assert_allclose(t.d2f(x), (t.df(x + h) - t.df(x - h)) / (2 * h), atol=1e-4)


@pytest.mark.parametrize("name", targets.TARGET_NAMES)
def test_lipschitz_is_the_sup_of_the_derivative(name):
    t = targets.get(name)
    rho = targets.lipschitz(name)
    dense = np.linspace(0, 1, 2_000_001)
    grid_max = float(np.max(np.abs(t.df(dense))))
    assert grid_max <= rho  # nothing on a 2M grid exceeds it …
    assert rho - grid_max <= 1e-9 * max(1.0, rho)  # … and it is attained


@pytest.mark.parametrize("name", targets.TARGET_NAMES)
@pytest.mark.parametrize("eps", np.geomspace(1e-3, 0.5, 17).tolist())
def test_proposition_2_1(name, eps):
    """sup_{[0,1]} |f − g| ≤ ε with ⌈ρ/ε⌉ threshold nodes, measured on the construction."""
    g = targets.get(name)
    rho = targets.lipschitz(name)
    net = threshold_network(g, rho, eps)
    assert net.width == threshold_width(rho, eps) == math.ceil(rho / eps)
    t = net.thresholds()
    knots = np.concatenate([t[t < 1], [1.0]])
    sup, _ = sup_error_step(g, knots, net(knots[:-1]), targets.critical_points(name))
    # |x − 1/2| attains the bound with equality on every cell; allow float64 rounding only
    assert sup <= eps + rounding_allowance(1.0, eps)
    # the exact supremum dominates any grid estimate, and a fine grid gets close to it
    x = np.linspace(0, 1, 400_001)
    grid_sup = float(np.max(np.abs(net(x) - g(x))))
    assert grid_sup <= sup + 1e-15
    assert sup - grid_sup <= 2 * rho * 2.5e-6


def test_proposition_2_1_telescopes_to_g_at_the_biases():
    g = targets.get("nielsen")
    rho = targets.lipschitz("nielsen")
    net = threshold_network(g, rho, 0.01)
    b = -net.b
    np.testing.assert_allclose(net(b), g(b), atol=1e-12)


def test_sup_error_step_sees_interior_extrema():
    # a single cell with value 0 against sin(2πx): sup is 1, attained at x = 1/4
    g = targets.get("sin")
    sup, where = sup_error_step(
        g, np.array([0.0, 1.0]), np.array([0.0]), targets.critical_points("sin")
    )
    assert sup == pytest.approx(1.0, abs=1e-15)
    assert where == pytest.approx(0.25, abs=1e-12)


def test_variation_of_sin_is_four():
    assert targets.variation("sin") == pytest.approx(4.0, abs=1e-12)


@pytest.mark.parametrize("name", targets.TARGET_NAMES)
def test_step_form_reads_the_network(name):
    g = targets.get(name)
    net = threshold_network(g, targets.lipschitz(name), 0.02)
    knots, values = step_form(net)
    assert knots[0] == 0.0 and knots[-1] == 1.0 and np.all(np.diff(knots) > 0)
    mid = 0.5 * (knots[:-1] + knots[1:])
    np.testing.assert_array_equal(net(mid), values)  # constant on every cell
    np.testing.assert_allclose(evaluate_dense(net, knots[:-1]), values, atol=1e-12)


def test_step_sup_is_the_exact_sup_and_the_widths_vectorize():
    g = targets.get("nielsen")
    c = proposition_2_1(g, 0.01)
    assert c.rho == targets.lipschitz("nielsen") and c.net.width == math.ceil(c.rho / 0.01)
    ref, where = sup_error_step(g, c.error.knots, c.error.values, targets.critical_points(g))
    assert (c.error.sup, c.error.where) == (ref, where)
    eps = np.geomspace(1e-3, 0.5, 50)
    np.testing.assert_array_equal(
        threshold_widths(c.rho, eps), [threshold_width(c.rho, e) for e in eps]
    )


@pytest.mark.parametrize("name", targets.TARGET_NAMES)
def test_cell_sups_are_the_exact_suprema_of_every_cell(name):
    g = targets.get(name)
    c = proposition_2_1(g, 0.05)
    cells = cell_sups(g, c.error)
    assert cells.size == c.error.values.size and float(np.max(cells)) == c.error.sup
    # a fine grid inside every cell never exceeds the cell's supremum and comes close to it
    s = np.linspace(0.0, 1.0, 2001)[1:-1]
    t = c.error.knots
    x = t[:-1, None] + np.diff(t)[:, None] * s
    grid = np.max(np.abs(g(x) - c.error.values[:, None]), axis=1)
    assert np.all(grid <= cells + 1e-15)
    assert np.max(cells - grid) <= c.rho * np.max(np.diff(t)) / 1000


def test_step_sup_sees_units_that_point_left():
    """A unit with w < 0 is on up to its switching point: f differs there from both sides."""
    g = targets.get("square")
    net = ThresholdNetwork(
        w=np.array([-1.0, 1.0]), b=np.array([0.5, -0.25]), a=np.array([1.0, 0.5])
    )
    s = step_sup(g, net)
    np.testing.assert_array_equal(s.knots, [0.0, 0.25, 0.5, 1.0])
    np.testing.assert_array_equal(s.values, [1.0, 1.5, 0.5])  # on the open cells
    np.testing.assert_array_equal(s.at_knots, [1.0, 1.5, 1.5, 0.5])  # f(½) = 1.5, not 0.5
    x = np.linspace(0, 1, 100_001)
    dense = float(np.max(np.abs(net(x) - g(x))))
    assert dense <= s.sup + 1e-15 and s.sup - dense < 1e-4
    assert s.sup == 1.5 - 0.25**2  # the limit x → ¼⁺ (and the value at ¼)
    # reading the cells off f at their left ends would take f(½) = 1.5 for the cell (½, 1)
    assert net(s.knots[2:3])[0] != s.values[2]
    assert float(np.max(cell_sups(g, s))) == s.sup


@pytest.mark.parametrize("expr", ["1", "0*x", "x-x", "-2.5"])
def test_a_constant_needs_no_unit(expr):
    """ρ = 0: ⌈0/ε⌉ = 0 units and the output bias g(0) (Proposition 2.1 with m = 0)."""
    g = targets.custom(expr)
    c = proposition_2_1(g, 0.05)
    assert c.rho == 0.0 and c.net.width == 0 and c.net.c == float(g(0.0))
    assert c.error.sup == 0.0 and c.telescoping_error == 0.0
    np.testing.assert_array_equal(c.error.knots, [0.0, 1.0])
    (W1, b1), (W2, b2) = as_layers(c.net)
    x = np.linspace(0, 1, 11)
    f = W2 @ (W1 @ x[None, :] + b1[:, None] >= 0).astype(float) + b2[:, None]
    np.testing.assert_array_equal(f[0], g(x))


# --- equality cases: a bound attained exactly never shows ✗ --------------------------------


@settings(max_examples=150, deadline=None)
@given(
    eps=st.floats(1e-3, 0.5),
    slope=st.sampled_from([1.0, -1.0, 2.0, 0.5, 3.0, -7.0, 1 / 3]),
    shift=st.floats(-3, 3),
)
def test_proposition_2_1_equality_cases_hold_up_to_the_derived_rounding(eps, slope, shift):
    """For a linear g every full cell has error exactly ε at its right end (ρ·ε/ρ): the check
    must hold with the derived allowance, and the measurement must reach ε within it."""
    g = targets.custom(f"{slope!r}*x + {shift!r}")
    c = proposition_2_1(g, eps)
    allowance = proposition_2_1_allowance(g, c, eps)
    assert allowance < 1e-10
    assert c.error.sup <= eps + allowance
    if c.net.width >= 2:  # at least one full cell
        assert c.error.sup >= eps - allowance
    assert c.telescoping_error <= telescoping_allowance(c.net)


@pytest.mark.parametrize("eps", np.geomspace(1e-3, 0.5, 41).tolist())
def test_abs_attains_epsilon_and_shows_a_tick(eps):
    g = targets.get("abs")
    c = proposition_2_1(g, eps)
    allowance = proposition_2_1_allowance(g, c, eps)
    assert eps - allowance <= c.error.sup <= eps + allowance
