"""Theorem 4.2 (squaring), Corollary 4.3 (products), Lemma 5.3 (seed 003, §4.1, §4.2.1)."""

from fractions import Fraction

import numpy as np
import pytest

from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import sawtooth, squaring
from tests.theory.depth import exact_rational

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


def test_product_names_stay_importable_from_squaring():
    """The products moved to theory/depth/product.py; the old names still resolve."""
    from approxlab.theory.depth import product
    from approxlab.theory.depth.squaring import product_network as old

    assert old is product.product_network
    for name in ("product_chain_network", "carry_alongside", "sup_error_product", "ProductForm"):
        assert getattr(squaring, name) is getattr(product, name)
    with pytest.raises(AttributeError):
        squaring.no_such_name  # noqa: B018


@pytest.mark.parametrize("i", [0, 1, 5, 15])
def test_measure_and_deviation_from_the_interpolant(i):
    sup, _, pieces, n_skip, n_pure, n_lean = squaring.measure(i)
    assert (pieces, n_skip, n_pure, n_lean) == (2**i, 3 * i, 5 * i, 4 * i)
    assert abs(sup - squaring.squaring_bound(i)) <= rounding_allowance(1.0)
    dev, direct = squaring.deviation_from_interpolant(i, 4097)
    assert dev <= rounding_allowance(1.0, ops=4 * i + 8)
    assert direct == min(2 * 2**i + 1, 4097) + 1


def test_sweep_and_shallow_width():
    sw = squaring.sweep(6)
    np.testing.assert_array_equal(sw.i, np.arange(7))
    np.testing.assert_array_equal(sw.bounds, 4.0 ** (-sw.i - 1))
    np.testing.assert_array_equal(sw.deep_pure, 5 * sw.i[1:])
    np.testing.assert_array_equal(sw.deep_skip, 3 * sw.i[1:])
    assert list(sw.shallow) == [int(np.ceil(2 / 4.0 ** (-k - 1))) for k in range(1, 7)]
    assert squaring.shallow_width(3) == 2 * 4**4


@pytest.mark.parametrize("i", [1, 3, 7])
def test_telescoping_deviation_is_zero(i):
    """h_(i−1) − h_i = Δ^i/4^i on S_i, from the networks (printed with 4^(k+1))."""
    assert squaring.telescoping_deviation(i) == 0.0
    with pytest.raises(ValueError):
        squaring.telescoping_deviation(0)


@pytest.mark.parametrize("i", [2, 6, 11])
def test_square_error_range_is_the_exact_envelope(i):
    """Per column, the range of h_i − x² equals the range over a grid fine enough to hold
    every knot, vertex and column edge (the candidates), and contains every grid value."""
    pl = networks.breakpoints(squaring.squaring_network(i))
    for lo, hi in ((0.0, 1.0), (0.3, 0.31)):
        edges = np.linspace(lo, hi, 97)
        lower, upper = squaring.square_error_range(pl, edges)
        for c in (0, 13, 50, 95):
            a, b = edges[c], edges[c + 1]
            t = np.linspace(a, b, 4001)
            v = np.concatenate([np.clip(pl.slopes() / 2, pl.x[:-1], pl.x[1:]), pl.x])
            t = np.concatenate([t, v[(v >= a) & (v <= b)]])
            e = pl(t) - t * t
            assert lower[c] == pytest.approx(e.min(), abs=1e-15)
            assert upper[c] == pytest.approx(e.max(), abs=1e-15)
    _, upper = squaring.square_error_range(pl, np.linspace(0.0, 1.0, 97))
    assert np.max(upper) == pytest.approx(squaring.squaring_bound(i), rel=1e-12)


@pytest.mark.parametrize(("i", "lo", "hi"), [(3, 0.0, 1.0), (10, 0.5, 0.501)])
def test_error_curve_holds_every_knot_and_vertex_of_the_window(i, lo, hi):
    pl = networks.breakpoints(squaring.squaring_network(i))
    x, e = squaring.error_curve(pl, lo, hi)
    assert x[0] == lo and x[-1] == hi and np.all(np.diff(x) > 0)
    knots = pl.x[(pl.x >= lo) & (pl.x <= hi)]
    assert np.isin(knots, x).all()
    np.testing.assert_array_equal(e, pl(x) - x * x)
    assert e.max() == pytest.approx(squaring.squaring_bound(i), rel=1e-12)  # a vertex is in


@pytest.mark.parametrize("i", [0, 1, 4, 9])
def test_compile_skips_is_the_skip_network_in_plain_layers(i):
    sk = squaring.squaring_skip_network(i)
    net = sk.compile_skips()
    assert networks.hidden_nodes(net) == 3 * i + i * (i + 1)
    assert len(net) == sk.affine_maps()
    x = np.linspace(-2.0, 3.0, 5001)
    np.testing.assert_allclose(networks.evaluate(net, x), sk.evaluate(x), atol=1e-14)


@pytest.mark.parametrize("i", range(0, 7))
def test_piece_counts_of_h_i_are_exact(i):
    """Dyadic weights (4^(−j), ½): the float propagation counts exactly what rational
    arithmetic counts, for every build of h_i."""
    pl = networks.breakpoints(squaring.squaring_network(i))
    assert pl.pieces() == exact_rational.pieces(squaring.squaring_network(i)) == 2**i
    t, y = exact_rational.form(squaring.squaring_network(i))
    assert [Fraction(float(v)) for v in pl.x] == t
    assert [Fraction(float(v)) for v in pl.y] == y
    for net in (
        squaring.squaring_network(i, carry="nonneg"),
        squaring.squaring_skip_network(i).compile_skips(),
    ):
        assert networks.pieces(net) == exact_rational.pieces(net) == 2**i
