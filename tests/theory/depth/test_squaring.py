"""Theorem 4.2 (squaring), Corollary 4.3 (products), Lemma 5.3 (seed 003, §4.1, §4.2.1)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import sawtooth, squaring

I_RANGE = range(0, 16)


def grid2(n: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)
    X, Y = np.meshgrid(t, t)
    return np.stack([X.ravel(), Y.ravel()], axis=1)


@pytest.mark.parametrize("i", I_RANGE)
def test_squaring_networks_compute_the_interpolant(i):
    """Skip, pure (signed carry) and pure (nonneg carry) networks all equal h_i on [0, 1]."""
    skip = squaring.squaring_network(i, skip=True)
    pure = squaring.squaring_network(i)
    lean = squaring.squaring_network(i, carry="nonneg")
    # node counts of the *built* networks
    assert skip.hidden_nodes() == 3 * i
    assert networks.hidden_nodes(pure) == 5 * i
    assert networks.hidden_nodes(lean) == 4 * i
    assert len(pure) == len(lean) == skip.affine_maps() == i + 1
    assert squaring.squaring_layers_notes(i) == 2 * i
    # exact forms: 2^i pieces, knots S_i, values = interpolant of x²
    for pl in (networks.breakpoints(pure), networks.breakpoints(lean), skip.breakpoints()):
        simple = pl.simplified()
        assert simple.pieces() == 2**i
        np.testing.assert_array_equal(simple.x, np.linspace(0, 1, 2**i + 1))
        tol = rounding_allowance(1.0, ops=4 * i + 8)
        assert np.max(np.abs(pl.y - squaring.interpolant(i, pl.x))) <= tol


@pytest.mark.parametrize("i", I_RANGE)
def test_theorem_4_2_error_is_attained(i):
    """sup |h_i − x²| = 4^{−i−1} exactly (printed bound, attained at cell midpoints)."""
    pl = networks.breakpoints(squaring.squaring_network(i))
    sup, where = squaring.sup_error_square(pl)
    bound = squaring.squaring_bound(i)
    assert abs(sup - bound) <= rounding_allowance(1.0)
    assert sup <= bound + rounding_allowance(1.0)
    # the maximiser is a cell midpoint (2k+1)/2^{i+1}
    assert (where * 2 ** (i + 1)) % 2 == pytest.approx(1.0)


@pytest.mark.parametrize("i", range(0, 12))
def test_telescoping_identity(i):
    """h_i − h_{i+1} = Δ^{i+1}/4^{i+1} (printed with 4^{k+1}); the per-point difference is
    1/4^{i+1} at the new grid points (printed derivation has 4k²+4k−1 for 4k²+4k+1)."""
    x = np.linspace(0.0, 1.0, 4097)
    lhs = squaring.interpolant(i, x) - squaring.interpolant(i + 1, x)
    rhs = networks.evaluate(sawtooth.sawtooth(i + 1), x) / 4.0 ** (i + 1)
    np.testing.assert_allclose(lhs, rhs, atol=1e-15)
    k = np.arange(2**i)
    new = (2 * k + 1) / 2 ** (i + 1)
    avg = 0.5 * (((2 * k) / 2 ** (i + 1)) ** 2 + ((2 * k + 2) / 2 ** (i + 1)) ** 2)
    np.testing.assert_allclose(avg - new**2, 4.0 ** (-i - 1), rtol=1e-12)
    # the printed bracket 2k² + (2k² + 4k + 2) − (4k² + 4k − 1) is 3, not 1
    assert np.all(2 * k**2 + (2 * k**2 + 4 * k + 2) - (4 * k**2 + 4 * k - 1) == 3)
    assert np.all(2 * k**2 + (2 * k**2 + 4 * k + 2) - (4 * k**2 + 4 * k + 1) == 1)


def test_signed_carry_network_is_exact_on_the_whole_line():
    """The 5i-node network computes x − Σ Δ^j/4^j everywhere (identity outside [0, 1])."""
    x = np.linspace(-3, 4, 7001)
    for i in (1, 4, 9):
        y = networks.evaluate(squaring.squaring_network(i), x)
        want = np.where((x >= 0) & (x <= 1), squaring.interpolant(i, x), x)
        np.testing.assert_allclose(y, want, atol=1e-14)


@pytest.mark.parametrize("i", range(0, 8))
def test_squared_l2_error_matches_the_formula(i):
    """∫(h_i − x²)² = 2^i · (2^{−i})^5/30: each cell contributes w^5/30."""
    pl = networks.breakpoints(squaring.squaring_network(i))
    got = squaring.squared_l2_error_square(pl)
    assert got == pytest.approx(1 / (30 * 16**i), rel=1e-9)


@pytest.mark.parametrize("i", range(0, 8))
def test_corollary_4_3_corrected_product(i):
    """Corrected g_i: |g_i − xx′| ≤ 4^{−i} (attained), zero on the axes, values in [0, 1]."""
    g = squaring.product_network(i)
    n = 2 ** (i + 1) + 1 if i < 7 else 257  # contains every vertex and cell midpoint
    P = grid2(n)
    y = networks.evaluate(g, P)
    err = y - P[:, 0] * P[:, 1]
    tol = rounding_allowance(4.0, ops=8 * i + 8)
    assert np.max(np.abs(err)) <= squaring.product_bound(i) + tol
    assert np.max(np.abs(err)) == pytest.approx(squaring.product_bound(i), abs=tol)
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
    skip = squaring.product_skip_network(i)
    assert skip.hidden_nodes() == 9 * i
    assert networks.hidden_nodes(skip.flatten()) == 11 * i
    assert networks.hidden_nodes(skip.flatten("nonneg")) == 10 * i
    for other in (skip.flatten(), skip.flatten("nonneg")):
        np.testing.assert_allclose(networks.evaluate(other, P), y, atol=1e-13)
    np.testing.assert_allclose(skip.evaluate(P), y, atol=1e-13)


@pytest.mark.parametrize("i", range(0, 8))
def test_printed_product_does_not_vanish_on_the_axes(i):
    """Printed g_i(x, 0) = Δ^i(x)/(2·4^i) (and x/2 for i = 0), not 0."""
    g = squaring.product_network(i, form="printed")
    x = np.linspace(0, 1, 2049)
    y = networks.evaluate(g, np.stack([x, np.zeros_like(x)], 1))
    want = x / 2 if i == 0 else networks.evaluate(sawtooth.sawtooth(i), x) / (2 * 4.0**i)
    np.testing.assert_allclose(y, want, atol=1e-15)
    assert np.max(np.abs(y)) == pytest.approx(0.5 * 4.0**-i)


@settings(max_examples=25, deadline=None)
@given(i=st.integers(1, 6), factors=st.integers(2, 5), seed=st.integers(0, 2**31))
def test_lemma_5_3_chain(i, factors, seed):
    """prod_{i,l}: error ≤ (l − 1)·4^{−i} ≤ l·4^{−i}, zero if a factor is 0, values in [0, 1]."""
    net = squaring.product_chain_network(i, factors)
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
    g = squaring.product_network(i)
    period = 2.0 ** (1 - i)
    rng = np.random.default_rng(i)
    P = rng.uniform(0, 1 - period, size=(4000, 2))
    err = networks.evaluate(g, P) - P[:, 0] * P[:, 1]
    for shift in ([period, 0.0], [0.0, period]):
        Q = P + np.array(shift)
        np.testing.assert_allclose(networks.evaluate(g, Q) - Q[:, 0] * Q[:, 1], err, atol=1e-14)
