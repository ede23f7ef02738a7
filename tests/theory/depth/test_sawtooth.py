"""The triangle map Δ and Proposition 4.1 (seed 003, §4.1)."""

from fractions import Fraction

import numpy as np
import pytest

from approxlab.scenes.decimate import m4
from approxlab.theory.core import networks
from approxlab.theory.depth import fractal, sawtooth
from tests.theory.depth import exact_rational


def test_triangle_network_is_the_printed_formula():
    x = np.linspace(-1, 2, 3001)
    np.testing.assert_array_equal(
        networks.evaluate(sawtooth.triangle(), x), sawtooth.triangle_closed_form(x)
    )
    net = sawtooth.triangle()
    assert networks.hidden_nodes(net) == 3 and len(net) == 2


@pytest.mark.parametrize("L", range(1, 21))
def test_sawtooth_pieces_are_exactly_two_to_the_depth(L):
    net = sawtooth.sawtooth(L)
    pl = networks.breakpoints(net, (0.0, 1.0))
    assert pl.pieces() == 2**L
    assert networks.hidden_nodes(net) == 3 * L
    assert sawtooth.sawtooth_layers_notes(L) == 2 * L
    # Proposition 4.1 at every exact knot (both sides are piecewise linear on these knots)
    assert np.max(np.abs(pl.y - sawtooth.sawtooth_fractal_form(pl.x, L))) == 0.0


@pytest.mark.parametrize("L", [1, 2, 5, 11])
def test_fractal_property_by_direct_evaluation(L):
    rng = np.random.default_rng(L)
    x = np.concatenate([rng.uniform(0, 1, 5000), np.arange(2**L + 1) / 2**L])
    y = networks.evaluate(sawtooth.sawtooth(L), x)
    np.testing.assert_allclose(y, sawtooth.sawtooth_fractal_form(x, L), atol=1e-12)
    # and it is literally Δ composed L times
    z = x.copy()
    for _ in range(L):
        z = sawtooth.triangle_closed_form(z)
    np.testing.assert_allclose(y, z, atol=1e-12)


def test_m4_keeps_every_columns_extremes():
    net = sawtooth.sawtooth(16)
    pl = networks.breakpoints(net, (0.0, 1.0))
    xs, ys = m4(pl.x, pl.y, columns=1000)
    assert xs.size <= 4000 and xs[0] == 0.0 and xs[-1] == 1.0
    col = np.minimum((pl.x * 1000).astype(int), 999)
    kcol = np.minimum((xs * 1000).astype(int), 999)
    for c in (0, 137, 999):
        assert ys[kcol == c].max() == pl.y[col == c].max()
        assert ys[kcol == c].min() == pl.y[col == c].min()


@pytest.mark.parametrize("L", [1, 4, 12])
def test_measure_counts_every_power_and_checks_proposition_4_1(L):
    ms = sawtooth.measure(L, direct_knots=1 << 16)
    assert ms.pieces_by_power == [2**ell for ell in range(1, L + 1)]
    assert ms.dev_propagated == 0.0 and ms.dev_direct == 0.0
    assert ms.direct_points == min(2**L + 1, 1 << 16)
    np.testing.assert_array_equal(ms.exact.x, np.arange(2**L + 1) / 2**L)


def test_measure_spreads_direct_evaluation_over_the_knots():
    ms = sawtooth.measure(10, direct_knots=100)
    assert ms.direct_points == 100 and ms.dev_direct == 0.0


@pytest.mark.parametrize("L", range(1, 9))
def test_float_propagation_is_exact_for_the_dyadic_sawtooth(L):
    """Dyadic weights and knots: the float64 propagation equals rational arithmetic, knot for
    knot and value for value, so the piece counts (every power on the way) are exact."""
    net = sawtooth.sawtooth(L)
    ours = list(networks.propagate(net, (0.0, 1.0)))
    exact = list(exact_rational.layer_forms(net, (0.0, 1.0)))
    for (li, t, pre), (lj, tq, preq) in zip(ours, exact, strict=True):
        assert li == lj and [Fraction(float(v)) for v in t] == tq
        assert all(
            Fraction(float(pre[u, k])) == preq[k][u]
            for k in range(len(tq))
            for u in range(pre.shape[0])
        )
    ms = sawtooth.measure(L, 1 << 16)
    counts = []
    for ell in range(1, L + 1):
        counts.append(exact_rational.pieces(sawtooth.sawtooth(ell)))
    assert ms.pieces_by_power == counts


@pytest.mark.parametrize("name", list(fractal.SYMMETRIC))
@pytest.mark.parametrize("L", [1, 3, 6])
def test_viral_piece_count_is_exact(name, L):
    """f∘Δ^L: the app's count equals the count in rational arithmetic."""
    _, f = fractal.symmetric(name)
    v = fractal.viral(name, L, networks.breakpoints(sawtooth.sawtooth(L)))
    assert v.pieces == exact_rational.pieces(networks.compose(f, sawtooth.sawtooth(L)))


def test_pieces_in_a_window():
    pl = networks.breakpoints(sawtooth.sawtooth(20))
    # [0.5, 0.5005]: breakpoints k/2^20 strictly inside, plus one
    k = np.arange(2**20 + 1)
    inside = np.count_nonzero((k / 2**20 > 0.5) & (k / 2**20 < 0.5005))
    assert sawtooth.pieces_in(pl, 0.5, 0.5005) == inside + 1 == 525
    assert sawtooth.pieces_in(pl, 0.0, 1.0) == 2**20
