"""The speed-ups of the certified counting (docs/perf.md, 2026-12-05) give the same numbers
as the straightforward code they replace."""

import random

import numpy as np
import pytest

from approxlab.theory.core import certified
from approxlab.theory.core.networks import SLOPE_RTOL, PiecewiseLinear


def _objects(rows):
    a = np.empty((len(rows), len(rows[0])), dtype=object)
    a[:] = rows
    return a


@pytest.mark.parametrize("seed", range(6))
def test_int_affine_is_the_dense_integer_product(seed):
    rng = random.Random(seed)
    for _ in range(40):
        m, n, K = rng.randint(1, 7), rng.randint(1, 7), rng.randint(1, 12)
        W = _objects(
            [
                [rng.choice([0, 0, 0, 1, -1, 4, rng.randint(-(10**20), 10**20)]) for _ in range(n)]
                for _ in range(m)
            ]
        )
        Nz = _objects([[rng.randint(-(10**40), 10**40) for _ in range(K)] for _ in range(n)])
        b = _objects([[rng.choice([0, 0, 3, rng.randint(-(10**9), 10**9)]) for _ in range(m)]])[0]
        Q = _objects([[rng.randint(1, 10**30) for _ in range(K)]])[0]
        scale = rng.choice([1, 1, 8, 2**70])
        want = W.dot(Nz) * scale + b[:, None] * Q[None, :]
        got = certified._int_affine(W, Nz, scale, b, Q)
        assert got.shape == want.shape and (got == want).all()
        assert all(type(v) is int for v in got.ravel())


def test_interleave_alternate_is_the_general_layout():
    rng = np.random.default_rng(0)
    for K, N in [(5, 4), (5, 3), (9, 1), (6000, 5999), (6000, 5000)]:
        old, new = rng.standard_normal((3, K)), rng.standard_normal((3, N))
        old_pos = np.arange(K)
        old_pos[1 : N + 1] += np.arange(1, N + 1)
        old_pos[N + 1 :] += N
        new_pos = np.arange(N) + np.arange(1, N + 1)
        want = np.empty((3, K + N))
        want[:, old_pos], want[:, new_pos] = old, new
        for o, nw in [(old, new), (old[0], new[0])]:
            w = want if o.ndim == 2 else want[0]
            np.testing.assert_array_equal(certified._interleave(o, nw, old_pos, new_pos, True), w)
            np.testing.assert_array_equal(certified._interleave(o, nw, old_pos, new_pos), w)


def test_min_digits_decides_as_the_dense_minimum():
    """Equal to ``min_j (q_w + q_z)`` wherever that is a real digit; ≥ 2^19 (the callers'
    tests ``q ≥ −1074``, ``e ≤ 53 + q`` both true) wherever only zeros are read."""
    rng = np.random.default_rng(1)
    shapes = [tuple(rng.integers(1, 9, 3)) for _ in range(40)] + [(16, 16, 200), (9, 30, 400)]
    for m, n, C in shapes:  # small arrays: one broadcast sum; large ones: row by row
        W = np.where(rng.random((m, n)) < 0.5, 0.0, rng.standard_normal((m, n)))
        z = np.where(rng.random((n, C)) < 0.4, 0.0, rng.standard_normal((n, C)))
        qw, qz = certified.quanta(W), certified.quanta(z)
        dense = np.min(qw[:, :, None] + qz[None, :, :], axis=1)
        got = certified._min_digits(qw, qz)
        real = dense < 2**19
        np.testing.assert_array_equal(got[real], dense[real])
        assert (got[~real] >= 2**19).all()


def test_nonzero_products_count_underflow_as_zero():
    class Layer:
        def __init__(self, W):
            self.Ws, self.m = [W], W.shape[0]

    W = np.array([[1.0, 0.0, 2.0**-600], [0.0, 3.0, 1.0]])
    for z in (
        np.array([[1.0, 0.0], [2.0, 5.0], [1.0, 0.0]]),
        np.array([[1.0, 0.0], [2.0, 5.0], [2.0**-600, 0.0]]),  # 2^-600 · 2^-600 underflows
    ):
        want = ((W[None, :, :] * z.T[:, None, :]) != 0).sum(axis=2).T
        got = certified._nonzero_products(Layer(W), z, [(0, 0, z.shape[1])])
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("n", [2, 3, 100, 65537, 65538, 200_003])
def test_breakpoint_mask_in_blocks_is_the_whole_mask(n):
    rng = np.random.default_rng(n)
    x = np.sort(rng.uniform(0, 1, n))
    y = np.where(rng.random(n) < 0.5, 2 * x, np.round(rng.uniform(0, 1, n), 2))
    s = np.diff(y) / np.diff(x)
    want = np.abs(np.diff(s)) > SLOPE_RTOL * np.maximum(np.abs(s[:-1]), np.abs(s[1:]))
    pl = PiecewiseLinear(x, y)
    np.testing.assert_array_equal(pl.breakpoint_mask(), want)
    assert pl.pieces() == 1 + int(want.sum())


def test_row_digits_is_the_rows_finest_digit():
    rng = np.random.default_rng(2)
    for K in (3, 300, 5000):
        x = rng.standard_normal((6, K))
        x[1] = np.round(x[1], 3)
        x[2] = np.ldexp(rng.integers(-50, 50, K).astype(float), -7)
        x[2, K // 2 + 1] = 2.0**-30  # one finer digit off the sample
        x[3] = 0.0
        x[4, ::2] = 0.0
        x[5] = np.ldexp(rng.integers(1, 9, K).astype(float), 40)
        np.testing.assert_array_equal(certified._row_digits(x), certified.quanta(x).min(axis=1))


def test_nonzero_products_of_several_networks_with_one_zero_pattern():
    class Layer:
        def __init__(self, Ws):
            self.Ws, self.m = Ws, Ws[0].shape[0]

    rng = np.random.default_rng(3)
    mask = rng.random((4, 5)) < 0.5
    Ws = [np.where(mask, rng.standard_normal((4, 5)), 0.0) for _ in range(3)]
    z = np.where(rng.random((5, 9)) < 0.5, 0.0, rng.standard_normal((5, 9)))
    runs = [(0, 0, 3), (1, 3, 4), (2, 4, 9)]
    want = np.concatenate(
        [((Ws[k][None] * z[:, lo:hi].T[:, None, :]) != 0).sum(axis=2).T for k, lo, hi in runs],
        axis=1,
    )
    np.testing.assert_array_equal(certified._nonzero_products(Layer(Ws), z, runs), want)
    Ws[1] = Ws[1].copy()
    Ws[1][~mask] = 1.0  # another pattern: network by network
    want[:, 3:4] = ((Ws[1][None] * z[:, 3:4].T[:, None, :]) != 0).sum(axis=2).T
    np.testing.assert_array_equal(certified._nonzero_products(Layer(Ws), z, runs), want)
