"""Multiplication from squaring (seed 003, Corollary 4.3 and Lemma 5.3)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import product, sawtooth


def grid2(n: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)
    X, Y = np.meshgrid(t, t)
    return np.stack([X.ravel(), Y.ravel()], axis=1)


@pytest.mark.parametrize("i", range(0, 8))
def test_corollary_4_3_corrected_product(i):
    """Corrected g_i: |g_i − xx′| ≤ 4^{−i} (attained), zero on the axes, values in [0, 1]."""
    g = product.product_network(i)
    n = 2 ** (i + 1) + 1 if i < 7 else 257  # contains every vertex and cell midpoint
    P = grid2(n)
    y = networks.evaluate(g, P)
    err = y - P[:, 0] * P[:, 1]
    tol = rounding_allowance(4.0, ops=8 * i + 8)
    assert np.max(np.abs(err)) <= product.product_bound(i) + tol
    assert np.max(np.abs(err)) == pytest.approx(product.product_bound(i), abs=tol)
    assert y.min() >= -tol and y.max() <= 1 + tol
    t = np.linspace(0, 1, 1001)
    rng = np.random.default_rng(i)
    t = np.concatenate([t, rng.uniform(0, 1, 1000)])
    zero = np.zeros_like(t)
    assert np.max(np.abs(networks.evaluate(g, np.stack([t, zero], 1)))) <= tol
    assert np.max(np.abs(networks.evaluate(g, np.stack([zero, t], 1)))) <= tol
    # sizes of the built networks: 3 × 5i (as the proof builds it), 9i with skips,
    # 11i / 10i with one shared carry; depth of one h_i (parallel, not serial)
    assert networks.hidden_nodes(g) == 15 * i and len(g) == i + 1
    skip = product.product_skip_network(i)
    assert skip.hidden_nodes() == 9 * i
    assert networks.hidden_nodes(skip.flatten()) == 11 * i
    assert networks.hidden_nodes(skip.flatten("nonneg")) == 10 * i
    for other in (skip.flatten(), skip.flatten("nonneg")):
        np.testing.assert_allclose(networks.evaluate(other, P), y, atol=1e-13)
    np.testing.assert_allclose(skip.evaluate(P), y, atol=1e-13)


@pytest.mark.parametrize("i", range(0, 8))
def test_printed_product_does_not_vanish_on_the_axes(i):
    """Printed g_i(x, 0) = Δ^i(x)/(2·4^i) (and x/2 for i = 0), not 0."""
    g = product.product_network(i, form="printed")
    x = np.linspace(0, 1, 2049)
    y = networks.evaluate(g, np.stack([x, np.zeros_like(x)], 1))
    want = x / 2 if i == 0 else networks.evaluate(sawtooth.sawtooth(i), x) / (2 * 4.0**i)
    np.testing.assert_allclose(y, want, atol=1e-15)
    assert np.max(np.abs(y)) == pytest.approx(0.5 * 4.0**-i)


@settings(max_examples=25, deadline=None)
@given(i=st.integers(1, 6), factors=st.integers(2, 5), seed=st.integers(0, 2**31))
def test_lemma_5_3_chain(i, factors, seed):
    """prod_{i,l}: error ≤ (l − 1)·4^{−i} ≤ l·4^{−i}, zero if a factor is 0, values in [0, 1]."""
    net = product.product_chain_network(i, factors)
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, size=(4000, factors))
    X[:50] = rng.integers(0, 2**i + 1, size=(50, factors)) / 2**i
    X[50:100, rng.integers(factors)] = 0.0
    y = networks.evaluate(net, X)
    err = np.abs(y - np.prod(X, axis=1))
    assert err.max() <= (factors - 1) * 4.0**-i + 1e-12
    assert np.all(np.abs(y[50:100]) <= 1e-12)
    assert y.min() >= -1e-12 and y.max() <= 1 + 1e-12


@pytest.mark.parametrize("i", [2, 4, 6, 7])
def test_product_error_is_periodic(i):
    """g_i − xx′ has period 2^{1−i} in each variable (the product scene draws one corner)."""
    g = product.product_network(i)
    period = 2.0 ** (1 - i)
    rng = np.random.default_rng(i)
    P = rng.uniform(0, 1 - period, size=(4000, 2))
    err = networks.evaluate(g, P) - P[:, 0] * P[:, 1]
    for shift in ([period, 0.0], [0.0, period]):
        Q = P + np.array(shift)
        np.testing.assert_allclose(networks.evaluate(g, Q) - Q[:, 0] * Q[:, 1], err, atol=1e-14)


@pytest.mark.parametrize("i", [0, 1, 3, 6])
def test_exact_sup_is_the_bound_attained(i):
    sup, (ax, ay), gmin, gmax = product.exact_sup(i, "corrected")
    tol = rounding_allowance(4.0, ops=8 * i + 8)
    assert abs(sup - product.product_bound(i)) <= tol
    g = product.product_network(i)
    assert abs(networks.evaluate(g, np.array([[ax, ay]]))[0] - ax * ay) == pytest.approx(sup)
    assert gmin >= -tol and gmax <= 1 + tol
    # the printed form is more accurate (½·4^(−i)) but not zero on the axes
    assert product.exact_sup(i, "printed")[0] <= 0.5 * product.product_bound(i) + tol


@pytest.mark.parametrize("i", [1, 4])
def test_exact_sup_beats_a_fine_grid(i):
    """The exact sup is ≥ the maximum over any grid, and a grid through the argsup meets it."""
    sup, *_ = product.exact_sup(i, "corrected")
    P = grid2(257)
    err = np.abs(networks.evaluate(product.product_network(i), P) - P[:, 0] * P[:, 1])
    assert err.max() <= sup + 1e-15


@pytest.mark.parametrize("i", [1, 3])
def test_chain_error_within_lemma_5_3(i):
    for factors in (2, 3, 4):
        err, nodes, maps = product.chain_error(i, factors)
        assert err <= (factors - 1) * product.product_bound(i) + 1e-12
        net = product.product_chain_network(i, factors)
        assert (nodes, maps) == (networks.hidden_nodes(net), len(net))


@pytest.mark.parametrize("i", [0, 2, 5])
def test_on_axes_and_error_tile(i):
    ax = product.on_axes(i, 257)
    assert ax.max_dev <= rounding_allowance(4.0, ops=8 * i + 8)
    assert ax.printed_max == pytest.approx(0.5 * 4.0**-i)
    tile = product.error_tile(i, 33)
    assert min(1.0, 2.0 ** (5 - i)) == tile.W and tile.Z.shape == (33, 33)
    assert tile.variants_dev <= 1e-13
    # orientation: Z[row][col] is the error at (x = u[col], x′ = u[row])
    g = product.product_network(i)
    r, c = 7, 20
    x, xp = tile.u[c], tile.u[r]
    want = networks.evaluate(g, np.array([[x, xp]]))[0] - x * xp
    assert tile.Z[r, c] == want


def test_on_square_orientation_with_an_asymmetric_function():
    """Rows run along x′, columns along x: with g(x, x′) = x − 2x′ (asymmetric) the value at
    row r, column c is u[c] − 2v[r] (issue 12, point 3)."""
    net = [(np.array([[1.0, -2.0]]), np.array([0.0]))]
    u, v = np.linspace(0, 1, 5), np.linspace(0, 0.5, 3)
    Z = product.on_square(net, u, v)
    assert Z.shape == (v.size, u.size)
    np.testing.assert_array_equal(Z, u[None, :] - 2 * v[:, None])


@pytest.mark.parametrize("i", [1, 3])
def test_compiled_skip_product_network(i):
    sk = product.product_skip_network(i)
    P = grid2(33)
    np.testing.assert_allclose(networks.evaluate(sk.compile_skips(), P), sk.evaluate(P), atol=1e-14)
