"""Seed 004, Theorem 2.2: the same piecewise-linear function, width N or width 5."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import cpwl


@st.composite
def pl_functions(draw):
    n = draw(st.integers(2, 64))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    x = np.sort(rng.choice(np.linspace(0, 1, 4097), n, replace=False))
    y = rng.uniform(-10, 10, n)
    return x, y


@settings(max_examples=60, deadline=None)
@given(pl_functions())
def test_both_networks_are_the_interpolant_everywhere(xy):
    x, y = xy
    n = x.size
    shallow, deep = cpwl.shallow_network(x, y), cpwl.deep_network(x, y)
    # sizes, from the built networks
    assert [W.shape[0] for W, _ in shallow[:-1]] == [n]
    widths = [W.shape[0] for W, _ in deep[:-1]]
    assert max(widths) == 5 and len(widths) == n + 1 and len(deep) + 1 == n + 3
    # exact sup over [-1, 2]: all functions are PL with kinks among these knots
    c = cpwl.hinge_coefficients(x, y)
    tol = rounding_allowance(abs(y[0]) + np.abs(c).sum() * 2.0, ops=4 * (n + 2))
    for net in (shallow, deep):
        t = np.union1d(networks.breakpoints(net, (-1.0, 2.0)).x, x)
        dev = np.max(np.abs(networks.evaluate(net, t) - cpwl.interpolant(x, y, t)))
        assert dev <= tol
    # the inner layers carry the partial sums; the last one is f
    S = cpwl.partial_sums(x, y, x)
    np.testing.assert_allclose(S[-1], y, atol=tol)
    for k in range(1, n + 1):  # S_k agrees with f up to knot k − 1
        np.testing.assert_allclose(S[k - 1][:k], y[:k], atol=tol)


def test_hinge_coefficients_sum_to_zero_and_give_the_slopes():
    x = np.array([0.0, 0.25, 0.5, 1.0])
    y = np.array([0.0, 1.0, 0.0, 2.0])
    c = cpwl.hinge_coefficients(x, y)
    np.testing.assert_allclose(c, [4.0, -8.0, 8.0, -4.0])
    assert c.sum() == 0.0  # constant beyond the last knot


def test_exact_on_dyadic_data():
    """With dyadic knots and values every operation is exact: deviation exactly 0."""
    x = np.arange(9) / 8
    y = np.array([0, 1, 0.5, 0.25, 1, -1, 0, 0.5, 0.75])
    for net in (cpwl.shallow_network(x, y), cpwl.deep_network(x, y)):
        t = np.union1d(networks.breakpoints(net, (-1.0, 2.0)).x, x)
        assert np.array_equal(networks.evaluate(net, t), cpwl.interpolant(x, y, t))


@pytest.mark.parametrize(
    ("x", "y"), [([0.0], [1.0]), ([0.0, 0.0], [1.0, 2.0]), ([0.5, 0.2], [1.0, 2.0])]
)
def test_invalid_knots(x, y):
    with pytest.raises(ValueError):
        cpwl.shallow_network(np.array(x), np.array(y))


def test_realisations_measured_on_a_wider_domain():
    x = np.array([0.0, 0.3, 0.7, 1.0])
    y = np.array([1.0, -2.0, 0.5, 0.25])
    dom = (-0.25, 1.25)
    tol = cpwl.exactness_allowance(x, y, dom)
    c = cpwl.hinge_coefficients(x, y)
    assert tol == rounding_allowance(1.0 + np.abs(c).sum() * 1.25, ops=4 * 6)
    for net, width, depth in ((cpwl.shallow_network(x, y), 4, 3), (cpwl.deep_network(x, y), 5, 7)):
        rz = cpwl.realise(net, x, y, dom)
        assert max(rz.widths) == width and rz.depth == depth
        assert rz.deviation <= tol
        assert set(x) <= set(rz.knots) and rz.knots.min() == dom[0] and rz.knots.max() == dom[1]
        dev, t = cpwl.sup_deviation(net, x, y, dom)
        assert dev == rz.deviation and np.array_equal(t, rz.knots)
    assert cpwl.pieces(x, y) == 3
    assert cpwl.pieces(np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0, 2.0])) == 1  # collinear
