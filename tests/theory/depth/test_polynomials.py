"""Multiplication gives polynomials (seed 003, §4.3): Horner's rule with the product networks
of Corollary 4.3 — construction, rescaling, the propagated bound and the exact sup."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.depth import polynomials as poly
from approxlab.theory.depth import product

PRESETS = {k: poly.parse_coefficients(v[1]) for k, v in poly.PRESETS.items()}
#: (name, largest i tested) — the exact propagation grows with products · 2^i
CASES = [(k, i) for k in PRESETS for i in range(0, 4)] + [("square", 5), ("cubic", 5)]


def dense(a, pl, n=2**14 + 1):
    """Largest |f − p| on a uniform grid plus the exact form's knots (a lower estimate)."""
    x = np.concatenate([np.linspace(0.0, 1.0, n), pl.x])
    return float(np.max(np.abs(pl(x) - np.polyval(np.array(a), x))))


# ------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("1, 0, 0", (1.0, 0.0, 0.0)),
        ("0, 0, 2, -1", (2.0, -1.0)),  # leading zeros dropped
        ("−0.5, .25, 3e-2", (-0.5, 0.25, 0.03)),  # the minus sign, .25, exponents
        ("0, 0", (0.0,)),
        (" 7 ", (7.0,)),
        (",".join(["1"] * 9), (1.0,) * 9),
        ("-1000, 1000", (-1000.0, 1000.0)),
    ],
)
def test_parse_coefficients(text, want):
    assert poly.parse_coefficients(text) == want


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "type the coefficients"),
        ("1,,2", "coefficient 2"),
        ("1; 2", "not a number"),
        ("x", "not a number"),
        ("__import__('os')", "not a number"),
        ("2**3", "not a number"),
        ("1e999", "larger than"),
        ("1001", "larger than"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        (",".join(["1"] * 10), "at most 9 coefficients"),
        ("1" * 201, "at most 200 characters"),
    ],
)
def test_parse_coefficients_is_strict(text, words):
    with pytest.raises(poly.CoefficientError, match=words):
        poly.parse_coefficients(text)


def test_format_polynomial():
    assert poly.format_polynomial((1.0, 0.0, -0.5, 0.0)) == "x³ − 0.5x"
    assert poly.format_polynomial((-2.0, 1.0)) == "−2x + 1"
    assert poly.format_polynomial((0.0,)) == "0"


# ----------------------------------------------------------------- the construction


@pytest.mark.parametrize(("name", "i"), CASES)
def test_network_size_and_stagewise_reference(name, i):
    """One ReLU network, 11i(n − 1) nodes and i(n − 1) + 1 affine maps; it equals the
    stage-by-stage computation (one product network call per Horner step)."""
    a = PRESETS[name]
    n = len(a) - 1
    net = poly.horner_network(a, i)
    assert networks.hidden_nodes(net) == poly.nodes_formula(n, i) == 11 * i * max(n - 1, 0)
    assert len(net) == (i * (n - 1) + 1 if n >= 2 else 1)
    x = np.linspace(0.0, 1.0, 4097)
    tr = poly.horner_trace(a, i, x)
    np.testing.assert_allclose(networks.evaluate(net, x), tr.f, rtol=0, atol=1e-11)


@pytest.mark.parametrize(("name", "i"), CASES)
def test_rescaled_inputs_stay_in_the_unit_interval(name, i):
    """Every product network sees u = (v̂ + S)/(2S) ∈ [0, 1]: the scales dominate the
    network's Horner values (not only the exact ones)."""
    a = PRESETS[name]
    pl = poly.measure(a, i).pl
    x = np.concatenate([np.linspace(0.0, 1.0, 8193), pl.x])
    for u in poly.horner_trace(a, i, x).u:
        assert u.min() >= 0.0 and u.max() <= 1.0


@pytest.mark.parametrize(("name", "i"), CASES)
def test_every_step_of_the_error_derivation(name, i):
    """Each product errs by ≤ 2S·4^(−i) (Corollary 4.3 rescaled); the Horner value entering
    product k errs by ≤ E_k; the result by ≤ E_0 = the bound."""
    a = PRESETS[name]
    pl_ = poly.plan(a, i)
    x = np.linspace(0.0, 1.0, 8193)
    tr = poly.horner_trace(a, i, x)
    tol = poly.allowance(a, i, pl_.bound)
    for k, S in enumerate(pl_.scales):
        assert np.max(np.abs(tr.product_error[k])) <= 2 * S * product.product_bound(i) + tol
        assert np.max(np.abs(tr.v[k] - tr.v_exact[k])) <= pl_.errs[k] + tol
        assert pl_.sups[k] + pl_.errs[k] <= S  # the scale covers the network's values
    assert np.max(np.abs(tr.f - np.polyval(np.array(a), x))) <= pl_.bound + tol


def test_bound_formula():
    """E_0 = 2·4^(−i)·Σ S_m, with S_m = (sup|v_m| + E_m)(1 + 2^(−20)); x² needs one product
    at scale S = 1 (v_1 = x), so its bound is 2·4^(−i)(1 + 2^(−20))."""
    for i in range(6):
        pl_ = poly.plan(PRESETS["square"], i)
        assert pl_.scales == (1.0 + poly.SCALE_MARGIN,)
        assert pl_.bound == 2 * 4.0**-i * (1.0 + poly.SCALE_MARGIN)
    pl_ = poly.plan(PRESETS["chebyshev4"], 3)
    assert pl_.bound == pytest.approx(2 * 4.0**-3 * sum(pl_.scales), rel=1e-15)
    # v_3 = 128x − 256: sup 256; v_2 = 128x² − 256x + 160: sup 160 (at x = 0)
    assert pl_.sups[:2] == pytest.approx((256.0, 160.0))


@pytest.mark.parametrize("a", [(3.0,), (-2.0, 0.5), (0.0,)])
def test_degree_at_most_one_is_exact(a):
    for i in (0, 3):
        m = poly.measure(a, i)
        assert m.nodes == 0 and m.plan.bound == 0.0 and m.sup == 0.0 and m.pieces == 1


# ----------------------------------------------------------------------- exact sup


@pytest.mark.parametrize(("name", "i"), CASES)
def test_exact_sup_below_the_bound_and_above_any_grid(name, i):
    a = PRESETS[name]
    m = poly.measure(a, i)
    assert m.sup <= m.plan.bound + m.tolerance
    grid = dense(a, m.pl)
    assert grid <= m.sup + m.tolerance  # no point exceeds the exact sup
    # and the exact sup is not far above the grid: p − f has |(p − f)′| ≤ L on each piece
    L = np.max(np.abs(np.polyval(np.polyder(np.array(a)), np.linspace(0, 1, 2049)))) + np.max(
        np.abs(m.pl.slopes())
    )
    assert m.sup <= grid + L / 2**14


@pytest.mark.parametrize(("name", "i"), CASES)
def test_exact_form_is_the_network(name, i):
    """The exact form's knots and values are the network's; the piece count is exact."""
    a = PRESETS[name]
    m = poly.measure(a, i)
    net = poly.horner_network(a, i)
    np.testing.assert_allclose(networks.evaluate(net, m.pl.x), m.pl.y, rtol=0, atol=m.tolerance)
    mid = (m.pl.x[:-1] + m.pl.x[1:]) / 2
    np.testing.assert_allclose(networks.evaluate(net, mid), m.pl(mid), rtol=0, atol=m.tolerance)
    assert m.pieces == networks.pieces(net)


def test_the_bound_is_nearly_attained_for_x_squared():
    """x²: one product at scale 1 — the sup is 8/9 of the bound 2·4^(−i) at every i ≥ 1
    (the corrected g_i's error on the curve u = (x + 1)/2 reaches 8/9 of 4^(−i)); the scale
    margin 2^(−20) shifts u, which moves the ratio by at most 2^(i+2) margins."""
    for i in range(1, 6):
        m = poly.measure(PRESETS["square"], i)
        assert m.sup / m.plan.bound == pytest.approx(8 / 9, abs=2 ** (i + 2) * poly.SCALE_MARGIN)


@pytest.mark.parametrize("i", [1, 2, 3])
def test_critical_points_cover_every_interior_extreme(i):
    """Between candidates (knots and critical points) |f − p| is monotone: its value at
    any point lies between the values at the enclosing candidates."""
    a = PRESETS["chebyshev4"]
    m = poly.measure(a, i)
    cand = np.unique(np.concatenate([m.pl.x, m.crit]))
    e = poly.error_at(a, m.pl, cand)
    x = np.linspace(0.0, 1.0, 20001)
    k = np.clip(np.searchsorted(cand, x, side="right") - 1, 0, cand.size - 2)
    ex = poly.error_at(a, m.pl, x)
    lo = np.minimum(e[k], e[k + 1]) - m.tolerance
    hi = np.maximum(e[k], e[k + 1]) + m.tolerance
    assert np.all((ex >= lo) & (ex <= hi))


def test_error_range_contains_the_curve():
    a = PRESETS["cubic"]
    m = poly.measure(a, 4)
    edges = np.linspace(0.0, 1.0, 101)
    lo, hi = poly.error_range(a, m.pl, m.crit, edges)
    x = np.linspace(0.0, 1.0, 10001)
    col = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 99)
    e = poly.error_at(a, m.pl, x)
    assert np.all(e >= lo[col] - 1e-15) and np.all(e <= hi[col] + 1e-15)


@settings(max_examples=15, deadline=None)
@given(
    coefs=st.lists(
        st.floats(-20, 20, allow_nan=False).map(lambda v: round(v, 3)), min_size=2, max_size=6
    ),
    i=st.integers(0, 2),
)
def test_random_polynomials_within_the_bound(coefs, i):
    a = poly.parse_coefficients(", ".join(f"{c:g}" for c in coefs))
    m = poly.measure(a, i)
    assert m.sup <= m.plan.bound + m.tolerance
    assert dense(a, m.pl, 2049) <= m.sup + m.tolerance
    x = np.linspace(0.0, 1.0, 2049)
    for u in poly.horner_trace(a, i, x).u:
        assert u.min() >= 0.0 and u.max() <= 1.0
