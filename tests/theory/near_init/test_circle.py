"""Exact ReLU sums on the unit circle (theory/circle.py)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.near_init import circle


def direct(p, q, c, phi):
    X = circle.circle_points(phi)
    return ((X @ p.T >= 0.0) * (X @ q.T)) @ c


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 40), same=st.booleans())
def test_relu_sum_equals_direct_evaluation_and_its_sup_is_exact(seed, n, same):
    rng = np.random.default_rng(seed)
    p = rng.standard_normal((n, 2))
    q = p if same else rng.standard_normal((n, 2))
    c = rng.choice([-1.0, 1.0], n) * rng.uniform(0.1, 2.0, n)
    cs = circle.relu_sum(p, q, c)
    phi = rng.uniform(0, 2 * np.pi, 3000)
    np.testing.assert_allclose(cs(phi), direct(p, q, c, phi), atol=1e-12)
    sup, where = cs.sup_abs()
    dense = np.linspace(0, 2 * np.pi, 20001)
    values = np.abs(direct(p, q, c, dense))
    assert sup >= values.max() - 1e-12
    # attained: at `where` itself, or (for the jumps of F₀-type sums) as a one-sided limit
    near = np.abs(direct(p, q, c, where + np.array([-1e-9, 0.0, 1e-9])))
    assert np.min(np.abs(near - sup)) < 1e-6


def test_zero_rows_are_active_everywhere_and_no_rows_give_zero():
    p = np.zeros((1, 2))
    q = np.array([[1.0, 2.0]])
    cs = circle.relu_sum(p, q, np.array([3.0]))
    phi = np.linspace(0, 2 * np.pi, 7)
    np.testing.assert_allclose(cs(phi), 3 * (np.cos(phi) + 2 * np.sin(phi)))
    assert abs(cs.sup_abs()[0] - 3 * np.sqrt(5)) < 1e-12
    empty = circle.relu_sum(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0))
    assert empty.sup_abs()[0] == 0.0


def test_single_unit_sup_is_its_norm():
    v = np.array([[3.0, -4.0]])
    sup, where = circle.network_sum(v, np.array([1.0])).sup_abs()
    assert abs(sup - 5.0) < 1e-12
    np.testing.assert_allclose(circle.circle_points(where), v[0] / 5.0, atol=1e-12)


def test_rows_on_the_axes_switch_exactly_at_zero():
    """Rows whose switching angle rounds to 0 (e.g. (6e-17, 1)) must not be counted twice."""
    rows = np.array([[1.0, 0.0], [6.123234e-17, 1.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    c = np.array([1.0, 2.0, -3.0, 0.5, 1.5])
    cs = circle.relu_sum(rows, rows, c)
    phi = np.linspace(0, 2 * np.pi, 100_001)
    np.testing.assert_allclose(cs(phi), direct(rows, rows, c, phi), atol=1e-12)
    assert abs(cs.sup_abs()[0] - np.max(np.abs(direct(rows, rows, c, phi)))) < 1e-8


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), n1=st.integers(1, 30), n2=st.integers(1, 30))
def test_shared_patterns_and_differences(seed, n1, n2):
    rng = np.random.default_rng(seed)
    p, q1, q2 = rng.standard_normal((3, n1, 2))
    c = rng.choice([-1.0, 1.0], n1)
    pat = circle.pattern(p)
    s1, s2 = circle.sum_over(pat, q1, c), circle.sum_over(pat, q2, c)
    s3 = circle.relu_sum(*rng.standard_normal((2, n2, 2)), rng.choice([-1.0, 1.0], n2))
    phi = rng.uniform(0, 2 * np.pi, 2000)
    np.testing.assert_allclose(s1(phi), direct(p, q1, c, phi), atol=1e-12)
    for a, b in ((s1, s2), (s1, s3), (s3, s2)):
        diff = circle.difference(a, b)
        np.testing.assert_allclose(diff(phi), a(phi) - b(phi), atol=1e-12)
        dense = np.linspace(0, 2 * np.pi, 20001)
        assert diff.sup_abs()[0] >= np.max(np.abs(a(dense) - b(dense))) - 1e-12
