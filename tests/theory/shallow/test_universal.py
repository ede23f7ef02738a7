"""Theorem 2.5 and Remark 2.6 (seed 003): random-feature networks fitted by least squares,
and the polynomial obstruction, measured against minimax polynomials."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks, targets
from approxlab.theory.core.minimax import best_polynomial
from approxlab.theory.shallow.universal import (
    ACTIVATIONS,
    CHART_WIDTHS,
    EVAL_POINTS,
    KNOT_GAUSS,
    MAX_WIDTH,
    QUAD_NODES,
    RCOND,
    _tridiagonal_solve,
    best_polynomials,
    draw_units,
    error_chart,
    eval_grid,
    features,
    fit,
    legendre_rank,
    measure_fit,
    polynomial_degree,
    relu_sorted_evaluate,
)

X = np.linspace(0.0, 1.0, 513)


def knot_rule(units):
    """8-point Gauss–Legendre on every knot interval (independent of the code under test)."""
    tau = np.concatenate([[0.0], np.sort(units.t), [1.0]])
    xi, om = np.polynomial.legendre.leggauss(KNOT_GAUSS)
    h = np.diff(tau)
    x = (tau[:-1, None] + h[:, None] * 0.5 * (xi + 1)).ravel()
    return x, (h[:, None] * 0.5 * om).ravel()


def dense_fit(activation, g, units, x, w):
    A = features(activation, units, x) * np.sqrt(w)[:, None]
    return np.linalg.lstsq(A, g(x) * np.sqrt(w), rcond=RCOND)[0]


def test_units_are_seeded_nested_and_cover_the_domain():
    for act in ACTIVATIONS:
        u = draw_units(act, 3, MAX_WIDTH)
        v = draw_units(act, 3, 17)
        np.testing.assert_array_equal(u.w[:17], v.w)
        np.testing.assert_array_equal(u.b[:17], v.b)
        assert np.all((u.t > 0) & (u.t < 1))
        hist = np.histogram(u.t, bins=10, range=(0, 1))[0]
        assert hist.min() > 150  # ~200 transitions per tenth of [0, 1]
        assert not np.array_equal(draw_units(act, 4, 17).w, v.w)


@pytest.mark.parametrize("activation", ["relu", "threshold"])
@pytest.mark.parametrize("name", ["sin", "abs", "nielsen"])
@pytest.mark.parametrize("n", [1, 2, 7, 60, 300])
def test_spline_projection_equals_dense_least_squares(activation, name, n):
    """The structured solver (splines + constraints) gives the same network as lstsq on the
    knot-aligned Gauss grid, where the quadrature is exact for products of features."""
    g = targets.get(name)
    units = draw_units(activation, 1, n)
    net = fit(activation, g, n, 1)
    x, w = knot_rule(units)
    a = dense_fit(activation, g, units, x, w)
    ref = features(activation, units, X) @ a
    np.testing.assert_allclose(net(X), ref, atol=1e-9)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "exp", "cos", "poly1", "poly3"])
@pytest.mark.parametrize("n", [3, 40, 400])
def test_legendre_compression_is_exact(activation, n):
    """Least squares in the truncated Legendre frame has the same fitted values at the
    quadrature nodes as lstsq on the full weighted Gauss–Legendre system."""
    g = targets.get("nielsen")
    t, w = np.polynomial.legendre.leggauss(QUAD_NODES)
    x, w = 0.5 * (t + 1), 0.5 * w
    units = draw_units(activation, 2, n)
    net = fit(activation, g, n, 2)
    a = dense_fit(activation, g, units, x, w)
    r_net = np.sqrt(np.sum(w * (net(x) - g(x)) ** 2))
    r_ref = np.sqrt(np.sum(w * (features(activation, units, x) @ a - g(x)) ** 2))
    assert r_net == pytest.approx(r_ref, rel=1e-6, abs=1e-12)
    assert legendre_rank(activation, 2) <= QUAD_NODES


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_least_squares_residual_is_orthogonal_to_the_units(activation):
    """Normal equations hold at the optimum: ⟨f − g, σ(wⱼ·+bⱼ)⟩ ≈ 0 for every unit."""
    n = 12
    g = targets.get("sin")
    units = draw_units(activation, 5, n)
    net = fit(activation, g, n, 5)
    if activation in ("relu", "threshold"):
        x, w = knot_rule(units)
    else:
        t, w = np.polynomial.legendre.leggauss(QUAD_NODES)
        x, w = 0.5 * (t + 1), 0.5 * w
    F = features(activation, units, x)
    inner = (F * (w * (net(x) - g(x)))[:, None]).sum(axis=0)
    scale = np.sqrt((F**2 * w[:, None]).sum(axis=0))
    # rounding of f = Σ aⱼφⱼ is ~u·Σ|aⱼ|: ill-conditioned units (exp) need large weights
    assert np.max(np.abs(inner) / scale) < 1e-12 * max(1.0, float(np.abs(net.a).sum()))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 400), seed=st.integers(0, 1000))
def test_sorted_relu_evaluation_is_the_network(n, seed):
    units = draw_units("relu", seed, n)
    a = np.random.default_rng(seed).normal(size=n)
    x = np.concatenate([X, units.t, [0.0, 1.0]])
    net = fit("relu", targets.get("sin"), n, seed)
    dense = networks.evaluate(
        [networks.layer(units.w[:, None], units.b), networks.layer(a[None, :], [0.0])], x
    )
    np.testing.assert_allclose(relu_sorted_evaluate(units, a, x), dense, atol=1e-12 * n)
    np.testing.assert_allclose(
        net(x), networks.evaluate(net.relu_network(), x), atol=1e-12 * max(1, n)
    )


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 300), r=st.integers(1, 3), seed=st.integers(0, 2**31))
def test_tridiagonal_solver(n, r, seed):
    rng = np.random.default_rng(seed)
    lo, up = rng.normal(size=n), rng.normal(size=n)
    diag = np.abs(lo) + np.abs(up) + rng.random(n) + 0.1  # diagonally dominant
    rhs = rng.normal(size=(n, r))
    A = np.diag(diag) + np.diag(lo[1:], -1) + np.diag(up[:-1], 1)
    np.testing.assert_allclose(
        _tridiagonal_solve(lo, diag, up, rhs), np.linalg.solve(A, rhs), atol=1e-10
    )


# --------------------------------------------------------------------------- Remark 2.6


def test_minimax_known_values():
    x = np.linspace(0, 1, 2049)
    assert best_polynomial(x, x**2, 1).lower == pytest.approx(1 / 8, rel=1e-12)
    assert best_polynomial(x, np.abs(x - 0.5), 1).lower == pytest.approx(1 / 4, rel=1e-12)
    assert best_polynomial(x, np.abs(x - 0.5), 2).lower == pytest.approx(1 / 16, rel=1e-12)
    e = math.e  # convex f: E₁ = (f(0) − m·0 − f(ξ) + mξ)/2, f′(ξ) = m = e − 1
    assert best_polynomial(x, np.exp(x), 1).lower == pytest.approx(
        (2 - e + (e - 1) * math.log(e - 1)) / 2, rel=1e-6
    )  # the grid misses the tangent point by < 1/4096
    assert best_polynomial(x, x**3 - x, 3).upper < 1e-14


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), k=st.integers(0, 3))
def test_minimax_equioscillates_and_brackets(seed, k):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.random(300))
    y = np.cumsum(rng.normal(size=300))  # a rough random walk
    m = best_polynomial(x, y, k)
    assert m.lower <= m.upper <= m.lower * (1 + 1e-9) + 1e-12
    err = y - m(x)
    # Chebyshev alternation: k + 2 points of maximal error with alternating signs
    big = np.flatnonzero(np.abs(err) >= m.upper * (1 - 1e-9))
    signs = np.sign(err[big])
    changes = 1 + np.count_nonzero(np.diff(signs) != 0)
    assert changes >= k + 2
    # no polynomial of degree k does better than the lower bound (e.g. least squares)
    ls = np.polynomial.polynomial.polyfit(x, y, k)
    assert np.max(np.abs(np.polynomial.polynomial.polyval(x, ls) - y)) >= m.lower * (1 - 1e-12)


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("name", targets.TARGET_NAMES)
@pytest.mark.parametrize("n", [1, 5, 200, 2000])
def test_polynomial_activation_is_a_polynomial(k, name, n):
    """σ(z) = z^k: the network is a polynomial of degree ≤ k, so its error on the grid is at
    least the best degree-k error there (the scene's check), whatever the width."""
    g = targets.get(name)
    net = fit(f"poly{k}", g, n, 0)
    f = net(X)
    coef = np.polynomial.polynomial.polyfit(X, f, k)
    np.testing.assert_allclose(np.polynomial.polynomial.polyval(X, coef), f, atol=1e-9)
    best = best_polynomial(X, g(X), k)
    err = float(np.max(np.abs(f - g(X))))
    assert err >= best.lower - 1e-14
    assert polynomial_degree(f"poly{k}") == k


@pytest.mark.parametrize("activation", ["relu", "threshold", "sigmoid", "tanh", "cos"])
def test_non_polynomial_activations_beat_every_cubic(activation):
    """Universality: with enough units the error drops below the best cubic's."""
    g = targets.get("nielsen")
    best3 = best_polynomial(X, g(X), 3).upper
    net = fit(activation, g, 2000, 0)
    assert float(np.max(np.abs(net(X) - g(X)))) < best3 / 10


def test_relu_error_decreases_with_width():
    g = targets.get("sin")
    errs = [float(np.max(np.abs(fit("relu", g, n, 0)(X) - g(X)))) for n in (8, 64, 512)]
    assert errs[0] > 10 * errs[1] > 100 * errs[2]


def test_lemma_2_7_separating_function():
    """f(z) = exp(⟨z − x′, x − x′⟩) = exp(⟨−x′, x − x′⟩)·exp(⟨z, x − x′⟩) is in the class and
    takes f(x′) = 1 and f(x) = exp(‖x − x′‖²) (the printed proof swaps the two)."""
    rng = np.random.default_rng(0)
    for _ in range(20):
        x, xp = rng.random(3), rng.random(3)

        def f(z, x=x, xp=xp):
            return np.exp(-xp @ (x - xp)) * np.exp(z @ (x - xp))

        assert f(xp) == pytest.approx(1.0, rel=1e-14)
        assert f(x) == pytest.approx(np.exp(np.sum((x - xp) ** 2)), rel=1e-14)


# --- the scene's measurements, moved into theory ---------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_measure_fit_sup_error(activation):
    g = targets.get("nielsen")
    m = measure_fit(g, activation, 40, 3, cached=False)
    assert m.net.width == 40
    if activation == "relu":  # every knot inside [0, 1] is an evaluation point
        t = m.net.units.t
        assert np.isin(t[(t > 0) & (t < 1)], m.x).all()
    # measured on the evaluation points: what they show, attained where it says
    err = np.abs(m.fx - g(m.x))
    assert m.sup == float(np.max(err)) and m.where == m.x[np.argmax(err)]


def test_error_chart_is_the_error_of_each_fitted_network():
    g = targets.get("abs")
    chart = error_chart(g, 0)
    assert set(chart) == set(ACTIVATIONS)
    for act in ("relu", "threshold", "sigmoid", "poly2"):
        for i in (0, 5, len(CHART_WIDTHS) - 1):
            ref = measure_fit(g, act, CHART_WIDTHS[i], 0, cached=True).sup
            assert chart[act][i] == pytest.approx(ref, rel=1e-9, abs=1e-15)
    polys = best_polynomials(g)
    for k, m in zip((1, 2, 3), polys, strict=True):
        assert m.lower <= m.upper and m(eval_grid()).shape == (EVAL_POINTS,)
        assert m.upper <= best_polynomial(eval_grid(), g(eval_grid()), k).upper * (1 + 1e-12)


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_threshold_sup_error_is_exact_with_units_that_point_left(seed):
    """Random threshold units point both ways; f is read off on the open cells, so the
    reported sup dominates a fine grid and is reached."""
    g = targets.get("nielsen")
    m = measure_fit(g, "threshold", 40, seed, cached=False)
    assert np.any(m.net.units.w < 0)
    fine = np.linspace(0, 1, 200_001)
    dense = float(np.max(np.abs(m.net(fine) - g(fine))))
    assert dense <= m.sup + 1e-15
    # … and it is reached: at `where` or as a one-sided limit there (cells can be far
    # narrower than any grid: two random thresholds close together make a thin spike)
    x = m.where + np.array([-1e-13, 0.0, 1e-13])
    assert float(np.max(np.abs(m.net(x) - g(x)))) == pytest.approx(m.sup, abs=1e-11)
