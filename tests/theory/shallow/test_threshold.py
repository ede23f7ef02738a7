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
    evaluate,
    evaluate_dense,
    step_form,
)
from approxlab.theory.shallow.threshold import (
    error_with_jumps,
    proposition_2_1,
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


def test_error_with_jumps_has_both_one_sided_values():
    g = targets.get("square")
    c = proposition_2_1(g, 0.1)
    grid = np.linspace(0.001, 0.999, 101)  # no grid point on a knot
    x, y = error_with_jumps(g, c.net, c.error, grid)
    assert np.all(np.diff(x) >= 0) and x.size == grid.size + 2 * (c.error.knots.size - 2)
    # at each inner knot t: first |f(t⁻) − g(t)| (the cell to the left), then |f(t) − g(t)|
    for j, t in enumerate(c.error.knots[1:-1]):
        at = np.flatnonzero(x == t)
        assert y[at[0]] == pytest.approx(abs(c.error.values[j] - g(t)))
        assert y[at[-1]] == pytest.approx(abs(c.error.values[j + 1] - g(t)))
    assert np.max(y) <= c.error.sup + 1e-15  # the jumps reach it, the grid may not
