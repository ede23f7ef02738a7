"""Threshold networks and Proposition 2.1 (seed 003)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import targets
from approxlab.theory.core.errors import rounding_allowance, sup_error_step
from approxlab.theory.core.threshold_networks import ThresholdNetwork, evaluate, evaluate_dense
from approxlab.theory.shallow.threshold import threshold_network, threshold_width


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
