"""Activation regions in the plane (003, Lemma 4.9 and Remark 4.12; 001, Hanin–Rolnick):
exact counts against independent counts and the upper bounds."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core.networks import compose, layer
from approxlab.theory.depth import pieces as ap
from approxlab.theory.depth import regions as rg


def arrangement_count(W: np.ndarray, b: np.ndarray, lo: float = -1.0, hi: float = 1.0) -> int:
    """Cells of the lines ``W x + b = 0`` in the open square, exactly (Fractions): 1 + the
    lines meeting the interior + Σ over interior points where m ≥ 2 distinct lines meet of
    (m − 1) — an independent count for one hidden layer."""
    L = lo, hi = Fraction(lo), Fraction(hi)
    lines = []
    for (w1, w2), c in zip(W.tolist(), b.tolist(), strict=True):
        a = (Fraction(w1), Fraction(w2), Fraction(c))
        if a[0] == 0 and a[1] == 0:
            continue
        vals = [a[0] * x + a[1] * y + a[2] for x in L for y in L]
        if min(vals) < 0 < max(vals):  # meets the open square
            lines.append(a)

    # identical lines (up to a factor) are one line
    def normal(a):
        k = a[0] if a[0] != 0 else a[1]
        return (a[0] / k, a[1] / k, a[2] / k)

    lines = sorted(set(map(normal, lines)))
    points: dict[tuple[Fraction, Fraction], set[int]] = {}
    for (i, p), (j, q) in itertools.combinations(enumerate(lines), 2):
        det = p[0] * q[1] - p[1] * q[0]
        if det == 0:
            continue
        x = (-p[2] * q[1] + q[2] * p[1]) / det
        y = (-p[0] * q[2] + q[0] * p[2]) / det
        if lo < x < hi and lo < y < hi:
            points.setdefault((x, y), set()).update((i, j))
    return 1 + len(lines) + sum(len(s) - 1 for s in points.values())


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 12))
def test_one_layer_equals_the_exact_arrangement_count(seed, n):
    net = rg.he_network([n], seed)
    part = rg.partition(net)
    assert part.count == arrangement_count(*net[0])
    assert part.count <= rg.upper_bound([n]) == rg.one_layer_bound(n)


def test_concurrent_lines_are_decided_exactly():
    """Three lines through one point (6 cells) and the same with the third moved by one
    ulp (7 cells: a tiny triangle) — float64 alone cannot tell them apart."""
    t = 0.1
    for c, want in ((2 * t, 6), (np.nextafter(2 * t, 1.0), 7)):
        W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        b = np.array([-t, -t, -c])
        net = [layer(W, b), layer([[1.0, 1.0, 1.0]], [0.0])]
        part = rg.partition(net)
        assert part.count == want == arrangement_count(W, b)
        assert part.exact_vertices > 0


def test_ill_conditioned_deep_network():
    """Second-layer units that vanish on whole first-layer regions and switch exactly on
    first-layer lines, and the same moved by 2⁻⁶⁰ (below float64's resolution at 0.1).

    Layer 1 cuts the square into quadrants at x₁ = t, x₂ = t; z = (σ(x₁ − t), σ(x₂ − t)).
    Unit z₁ − z₂ cuts only the upper-right quadrant (its diagonal): 5 regions; z₁ + z₂
    is 0 or positive everywhere and cuts nothing.  With z₁ + z₂ − ε it cuts the two side
    quadrants (slivers of width ε) and both halves of the upper-right one (tiny triangles
    at the corner): 9 regions."""
    t = 0.1
    W1 = np.array([[1.0, 0.0], [0.0, 1.0]])
    b1 = np.array([-t, -t])
    for eps, want in ((0.0, 5), (2.0**-60, 9)):
        net = [
            layer(W1, b1),
            layer([[1.0, -1.0], [1.0, 1.0]], [0.0, -eps]),
            layer([[1.0, 1.0]], [0.0]),
        ]
        part = rg.partition(net)
        assert part.count == want
        assert part.exact_vertices > 0
        assert rg.grid_patterns(net).shape[0] <= part.count


@pytest.mark.parametrize("L", range(1, 9))
def test_sawtooth_has_two_to_the_power_l_strips(L):
    part = rg.partition(rg.sawtooth_plane(L))
    assert part.count == rg.sawtooth_regions(L) == 2**L
    assert part.by_layer == [2**ell for ell in range(1, L + 1)]
    assert part.count <= rg.upper_bound(part.hidden_widths)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    widths=st.lists(st.integers(1, 6), min_size=1, max_size=4),
)
def test_ridge_networks_match_the_univariate_exact_count(seed, widths):
    """f(x) = g((x₁ + x₂ + 2)/4) for a random univariate g: the plane's regions are strips,
    one per activation region of g on [0, 1] — counted independently by the certified 1-D
    propagation (:mod:`approxlab.theory.depth.pieces`)."""
    g = ap.he_network(widths, np.random.default_rng(seed), 0.3)
    net = compose(g, [layer([[0.25, 0.25]], [0.5])])
    part = rg.partition(net)
    assert part.by_layer == ap.profile(g, (0.0, 1.0)).regions


@pytest.mark.parametrize(("widths", "seed"), [([8, 8], 0), ([5, 5, 5], 1), ([12, 6, 3], 2)])
def test_deep_counts_against_grid_and_bound(widths, seed):
    net = rg.he_network(widths, seed)
    part = rg.partition(net)
    grid = rg.grid_patterns(net, points=301)
    exact = {row.tobytes() for row in part.patterns}
    assert all(row.tobytes() in exact for row in grid)
    assert len(grid) <= part.count <= rg.upper_bound(widths)
    assert len(exact) == part.count  # one pattern per region
    assert part.by_layer[-1] == part.count and part.by_layer == sorted(part.by_layer)


def test_polygons_tile_the_square():
    part = rg.partition(rg.he_network([6, 6], 3))
    area = 0.0
    for q in part.polygons:
        x, y = q[:, 0], q[:, 1]
        a = 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
        assert a > 0  # counter-clockwise, non-degenerate
        area += a
    assert area == pytest.approx(4.0, rel=1e-9)
    assert part.vertex_error < 1e-6


def test_product_network_and_limits():
    part = rg.partition(rg.product_plane(2))
    assert part.count <= rg.upper_bound(part.hidden_widths)
    with pytest.raises(rg.RegionLimitError, match="limit of 50"):
        rg.partition(rg.he_network([16, 16], 0), max_regions=50)
    with pytest.raises(rg.WorkLimitError, match="limit"):
        rg.partition(rg.he_network([16, 16], 0), max_work=100)
    with pytest.raises(ValueError, match="expected 2"):
        rg.partition([layer([[1.0]], [0.0]), layer([[1.0]], [0.0])])


def test_upper_bound_formula():
    assert rg.upper_bound([3]) == 7
    assert rg.upper_bound([1, 5]) == 2 * 6  # the image after a width-1 layer is a line
    assert rg.upper_bound([4, 4]) == 11 * 11
    assert rg.upper_bound([]) == 1
    assert rg.one_layer_bound(10) == 1 + 10 + math.comb(10, 2)


@pytest.mark.parametrize("depth", rg.SWEEP_DEPTHS)
def test_stored_sweep_is_recomputed_exactly(depth):
    np.testing.assert_array_equal(rg.sweep_counts(depth), rg.compute_sweep(depth))
    counts = rg.sweep_counts(depth)
    for k, N in enumerate(rg.SWEEP_NEURONS):
        assert counts[:, k].max() <= rg.upper_bound([N // depth] * depth)


def test_random_counts_do_not_grow_with_depth_like_the_bound():
    """Hanin–Rolnick in the stored sweep: at equal neurons, three hidden layers give about
    as many regions as one (within 1.5×), while the worst-case bound grows by orders of
    magnitude; and the counts grow like N² (slope of log count against log N near 2)."""
    N = np.array(rg.SWEEP_NEURONS, dtype=float)
    one, three = rg.sweep_counts(1).mean(axis=0), rg.sweep_counts(3).mean(axis=0)
    big = N >= 18
    assert np.all(three[big] <= 1.5 * one[big])
    b1 = np.array([rg.upper_bound([int(n)]) for n in N])
    b3 = np.array([rg.upper_bound([int(n) // 3] * 3) for n in N])
    assert np.all(b3[N >= 24] >= 100 * b1[N >= 24])
    slope = np.polyfit(np.log(N[big]), np.log(one[big]), 1)[0]
    assert 1.6 <= slope <= 2.2
