"""Consequences of Proposition 4.1 (seed 003, §4.1): viral fractal property, bit extraction."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.depth import fractal, sawtooth


@pytest.mark.parametrize("name", list(fractal.SYMMETRIC))
def test_library_functions_are_symmetric_about_one_half(name):
    _, f = fractal.symmetric(name)
    x = np.linspace(0, 1, 4097)
    np.testing.assert_array_equal(networks.evaluate(f, x), networks.evaluate(f, 1 - x))


@pytest.mark.parametrize("name", list(fractal.SYMMETRIC))
@pytest.mark.parametrize("L", [1, 2, 5, 9, 12])
def test_viral_fractal_property(name, L):
    """f∘Δ^L = f(⟨2^L x⟩) at every exact knot; pieces = 2^L N_A(f) − (2^L − 1)[f′(0) = 0]."""
    _, f = fractal.symmetric(name)
    saw = networks.breakpoints(sawtooth.sawtooth(L))
    comp = fractal.compose_pl(f, saw)
    assert np.all(np.diff(comp.x) > 0)
    np.testing.assert_array_equal(comp.y, fractal.copies_form(f, comp.x, L))
    # the exact form is the composed *network*: same knots as its own propagation
    whole = networks.compose(f, sawtooth.sawtooth(L))
    direct = networks.breakpoints(whole)
    assert direct.pieces() == comp.pieces()
    np.testing.assert_allclose(networks.evaluate(whole, comp.x), comp.y, atol=1e-12)
    assert comp.pieces() == fractal.viral_pieces_formula(networks.breakpoints(f), L)


def test_viral_property_needs_symmetry():
    """For an asymmetric f (here x ↦ σ(x − ¼)) the identity fails."""
    f = [(np.array([[1.0]]), np.array([-0.25])), (np.array([[1.0]]), np.array([0.0]))]
    x = np.linspace(0, 1, 1025)
    lhs = networks.evaluate(networks.compose(f, sawtooth.sawtooth(3)), x)
    assert np.max(np.abs(lhs - fractal.copies_form(f, x, 3))) > 0.1


@pytest.mark.parametrize("L", [1, 3, 8, 16, 20])
def test_sawtooth_powers_are_the_network(L):
    x = np.random.default_rng(L).uniform(0, 1, 2000)
    powers = fractal.sawtooth_powers(x, L)
    for ell in {1, L // 2 or 1, L}:
        np.testing.assert_array_equal(powers[ell - 1], networks.evaluate(sawtooth.sawtooth(ell), x))


@settings(max_examples=40, deadline=None)
@given(M=st.integers(1, 40), data=st.data())
def test_bit_extraction_from_slopes(M, data):
    """Every digit b_1 … b_L (L ≤ M) of an M-bit dyadic x, exactly."""
    L = data.draw(st.integers(1, M))
    k = np.array(data.draw(st.lists(st.integers(0, 2**M - 1), min_size=1, max_size=50)))
    x = np.ldexp(k.astype(float), -M)
    got = fractal.extract_bits(x, L, M)
    np.testing.assert_array_equal(got, fractal.binary_digits(k, M, L))


@pytest.mark.parametrize(("name", "L"), [("bump", 3), ("vee", 9), ("tent", 6), ("trapezoid", 12)])
def test_viral_measures_the_composition_and_the_whole_network(name, L):
    saw = networks.breakpoints(sawtooth.sawtooth(L))
    v = fractal.viral(name, L, saw)
    assert v.dev_exact == 0.0 and v.dev_direct <= 1e-14
    assert v.pieces == v.formula == v.comp.pieces()
    assert v.f_pieces == networks.breakpoints(v.f).pieces()
    assert v.direct_points == 4097 + 4096
    # the exact form is the composed network's own: same knots as its propagation
    np.testing.assert_array_equal(
        v.comp.x, networks.breakpoints(networks.compose(v.f, sawtooth.sawtooth(L))).x
    )


@pytest.mark.parametrize("name", list(fractal.SYMMETRIC))
@pytest.mark.parametrize(("lo", "hi"), [(0.5, 0.5005), (0.1, 0.37), (0.0, 1.0), (0.3, 0.3)])
def test_compose_window_is_the_composition_restricted(name, lo, hi):
    _, f = fractal.symmetric(name)
    saw = networks.breakpoints(sawtooth.sawtooth(11))
    whole = fractal.compose_pl(f, saw)
    part = fractal.compose_window(f, saw, lo, hi)
    assert part.x[0] <= lo and part.x[-1] >= hi
    inside = (whole.x >= part.x[0]) & (whole.x <= part.x[-1])
    np.testing.assert_array_equal(part.x, whole.x[inside])
    np.testing.assert_array_equal(part.y, whole.y[inside])


@pytest.mark.parametrize("name", list(fractal.SYMMETRIC))
def test_image_of_intervals_is_exact(name):
    """f([a, b]) from ends and knots equals the range over a fine grid that contains the knots."""
    _, f = fractal.symmetric(name)
    f_pl = networks.breakpoints(f)
    rng = np.random.default_rng(7)
    a = rng.uniform(0, 1, 300)
    b = np.minimum(a + rng.uniform(0, 0.5, 300), 1.0)
    lo, hi = fractal.image_of_intervals(f_pl, a, b)
    for j in range(0, 300, 17):
        t = np.unique(
            np.concatenate(
                [np.linspace(a[j], b[j], 2001), f_pl.x[(f_pl.x >= a[j]) & (f_pl.x <= b[j])]]
            )
        )
        v = networks.evaluate(f, t)
        assert lo[j] == pytest.approx(v.min(), abs=1e-15) and hi[j] == pytest.approx(
            v.max(), abs=1e-15
        )


@pytest.mark.parametrize(("L", "cap"), [(3, 4096), (13, 4096), (20, 1000)])
def test_bit_check_finds_no_wrong_bit(L, cap):
    b = fractal.bit_check(L, cap)
    assert b.errors == 0 and b.got.shape == (L, min(2**L, cap))
    np.testing.assert_array_equal(b.x, b.k / 2**L)


@pytest.mark.parametrize("name", list(fractal.SYMMETRIC))
def test_evaluate_univariate_is_networks_evaluate_bit_for_bit(name):
    _, f = fractal.symmetric(name)
    x = np.random.default_rng(3).uniform(-0.5, 1.5, 10_000)
    np.testing.assert_array_equal(fractal.evaluate_univariate(f, x), networks.evaluate(f, x))
    saw = sawtooth.sawtooth(4)
    np.testing.assert_array_equal(fractal.evaluate_univariate(saw, x), networks.evaluate(saw, x))
