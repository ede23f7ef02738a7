"""compose_pl's sort-free layout and the blocked evaluation (docs/perf.md, 2026-12-05)
give the same floats as the general construction."""

import numpy as np
import pytest

from approxlab.theory.core import networks
from approxlab.theory.core.networks import PiecewiseLinear
from approxlab.theory.depth import fractal, sawtooth


def general_compose(outer, inner: PiecewiseLinear) -> PiecewiseLinear:
    """compose_pl as it was: a NaN-padded column per kink, sorted within every piece."""
    lo, hi = float(inner.y.min()), float(inner.y.max())
    kinks = networks.breakpoints(outer, (lo, hi)).breakpoints() if hi > lo else np.array([])
    t0, t1 = inner.x[:-1], inner.x[1:]
    y0, y1 = inner.y[:-1], inner.y[1:]
    cols = [t0]
    for c in kinks:
        s0, s1 = y0 - c, y1 - c
        with np.errstate(invalid="ignore", divide="ignore"):
            pre = t0 + s0 / (s0 - s1) * (t1 - t0)
        cols.append(np.where(s0 * s1 < 0, pre, np.nan))
    grid = np.stack(cols, axis=1)
    if kinks.size:
        grid[:, 1:].sort(axis=1)
    flat = grid.ravel()
    x = np.append(flat[~np.isnan(flat)], inner.x[-1])
    return PiecewiseLinear(x, networks.evaluate(outer, inner(x)))


@pytest.mark.parametrize("name", list(fractal.SYMMETRIC))
@pytest.mark.parametrize("L", [1, 4, 15])
def test_compose_pl_is_the_general_construction_on_sawtooth_powers(name, L):
    _, f = fractal.symmetric(name)
    saw = sawtooth.measure(L, 4097).exact
    got, want = fractal.compose_pl(f, saw), general_compose(f, saw)
    np.testing.assert_array_equal(got.x, want.x)
    np.testing.assert_array_equal(got.y, want.y)


@pytest.mark.parametrize("seed", range(8))
def test_compose_pl_is_the_general_construction_on_other_inner_functions(seed):
    """Pieces that all cross every kink (the fast layout) and pieces that miss some."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 2000))
    x = np.sort(rng.uniform(-1, 2, n))
    if seed % 2:
        y = np.where(np.arange(n) % 2 == 0, -0.1, 1.1) + rng.normal(0, 1e-3, n)
    else:
        y = rng.uniform(-0.2, 1.2, n)
    inner = PiecewiseLinear(x, y)
    for name in fractal.SYMMETRIC:
        _, f = fractal.symmetric(name)
        got, want = fractal.compose_pl(f, inner), general_compose(f, inner)
        np.testing.assert_array_equal(got.x, want.x)
        np.testing.assert_array_equal(got.y, want.y)


def test_evaluate_univariate_in_blocks_at_dyadic_points():
    _, f = fractal.symmetric("trapezoid")
    x = np.ldexp(np.arange(3 * fractal.EVAL_BLOCK + 17, dtype=float), -18)
    np.testing.assert_array_equal(fractal.evaluate_univariate(f, x), networks.evaluate(f, x))
    np.testing.assert_array_equal(
        fractal.copies_form(f, x, 5), networks.evaluate(f, np.ldexp(x, 5) % 1.0)
    )
