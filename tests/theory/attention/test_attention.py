"""Sparse averaging by one softmax attention layer (seed 000; Sanford, Hsu and Telgarsky 2023):
theory/attention/attention.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from approxlab.theory.attention import attention as sa


def gram_of(n, m, seed):
    u = sa.codes(n, m, seed)
    return u, u @ u.T


def test_codes_are_unit_sign_vectors_and_prefix_grams_are_exact():
    u, g = gram_of(40, 64, 1)
    np.testing.assert_allclose(np.linalg.norm(u, axis=1), 1.0, atol=1e-15)
    assert set(np.unique(u * 8)) <= {-1.0, 1.0}
    signs = sa.sign_codes(40, sa.MAX_DIM, 1)
    grams = sa.gram_prefixes(signs, np.array([8, 64, 100]))
    np.testing.assert_allclose(grams[1], g, atol=1e-15)
    np.testing.assert_allclose(grams[2] * 100, np.round(grams[2] * 100), atol=1e-12)  # k/m
    off = np.abs(g - np.eye(40))
    assert sa.coherence(g) == pytest.approx(off.max(), abs=1e-15)


def test_index_sets_hold_q_distinct_tokens():
    sets = sa.index_sets(50, 6, 300, 2)
    assert sets.shape == (300, 6)
    assert all(len(set(r)) == 6 for r in sets) and sets.min() >= 0 and sets.max() < 50


@pytest.mark.parametrize("q", [1, 2, 4])
def test_in_set_scores_are_exactly_lambda_and_worst_values_attain_two_w_out(q):
    n, m = 64, 256
    u, g = gram_of(n, m, 3)
    sets = sa.index_sets(n, q, 50, 3)
    lam = float(sa.temperature(n, q))
    w = sa.attention_weights(g, sets, lam)
    c = sa.dual_queries(g, sets)
    queries = np.einsum("rj,rjk->rk", c, u[sets])
    inside = np.take_along_axis(queries @ u.T, sets, axis=1)
    np.testing.assert_allclose(inside, 1.0, atol=1e-12)
    err = sa.worst_errors(w, sets)
    w_out = 1.0 - np.take_along_axis(w, sets, axis=1).sum(axis=1)
    np.testing.assert_allclose(err, 2 * w_out, atol=1e-13)
    # the worst values z_k = sign(w_k − 1_S(k)/q) (d′ = 1) attain it
    ind = sa.set_indicator(sets, n)
    z = np.sign(w - ind)
    attained = np.abs(np.sum((w - ind) * z, axis=1))
    np.testing.assert_allclose(attained, err, atol=1e-13)
    # and random values never exceed it
    rng = np.random.default_rng(0)
    for _ in range(20):
        zz = rng.uniform(-1, 1, n)
        assert np.all(np.abs((w - ind) @ zz) <= err + 1e-13)


@pytest.mark.parametrize("n, q, m", [(32, 1, 16), (64, 2, 300), (128, 3, 900), (50, 4, 2048)])
def test_errors_respect_the_coherence_bound(n, q, m):
    for seed in range(5):
        meas = sa.measure(n, q, m, 2, seed)
        assert meas.max_error <= meas.bound + 1e-12
        assert meas.typical.max() <= meas.max_error + 1e-12


def test_a_priori_bound_and_hoeffding_fail_rarely():
    """δ ≤ t_{0.05}(m) with probability ≥ 95 % (Hoeffding + union): count misses over seeds."""
    n, q, m = 64, 2, 400
    t = float(sa.coherence_bound(n, m, sa.P_FAIL))
    misses = bound_misses = 0
    for seed in range(100):
        meas = sa.measure(n, q, m, 1, seed)
        misses += meas.coherence > t
        bound_misses += meas.max_error > meas.bound_a_priori
    assert misses <= 10 and bound_misses <= 10  # ≤ 5 % expected (the union bound is loose)


def test_dimension_needed_gives_beta_at_most_half_in_at_least_half_the_draws():
    n, q = 64, 2
    m = int(sa.dimension_needed(n, q))
    assert m == math.ceil(2 * (3 * q - 1) ** 2 * math.log(2 * n * (n - 1)))
    good = sum(
        sa.beta(q, sa.coherence(sa.codes(n, m, s) @ sa.codes(n, m, s).T)) <= 0.5 for s in range(30)
    )
    assert good >= 15
    # with β ≤ ½ the temperature guarantees the target accuracy
    assert sa.error_bound(n, q, 1 / (3 * q - 1), sa.temperature(n, q)) <= sa.TARGET_ACCURACY * (
        1 + 1e-12
    )


def test_the_dense_layer_is_the_fast_computation_and_approximates_qsa():
    n, q, m, dv = 24, 2, 200, 3
    u, g = gram_of(n, m, 5)
    sets = sa.index_sets(n, q, n, 5)
    z = sa.random_values(n, dv, 5)
    lam = float(sa.temperature(n, q))
    layer = sa.attention_layer(m, lam, dv)
    out = layer(sa.embed_tokens(z, sets, u))
    np.testing.assert_allclose(out, sa.attention_weights(g, sets, lam) @ z, atol=1e-13)
    err = np.linalg.norm(out - sa.qsa(z, sets), axis=1)
    assert np.all(err <= sa.worst_errors(sa.attention_weights(g, sets, lam), sets) + 1e-13)
    assert layer.parameters() == sa.attention_parameters(m, dv)


def test_fully_connected_width_bound_proof():
    """Width (N − q + 1)d′ − 1: a kernel vector in the free values gives two inputs with one
    first-layer image whose targets are 2/q apart (the argument of the module docstring)."""
    n, q, dv = 10, 3, 2
    d = dv + q + 1
    width = (n - q + 1) * dv - 1
    rng = np.random.default_rng(0)
    W = rng.standard_normal((width, n * d))
    free = np.arange(q - 1, n)  # tokens 0 … q−2 carry z = 0
    cols = np.array([t * d + j for t in free for j in range(dv)])
    _, _, vt = np.linalg.svd(W[:, cols])
    v = vt[-1].reshape(free.size, dv)
    v /= np.linalg.norm(v, axis=1).max()
    x_plus, x_minus = np.zeros(n * d), np.zeros(n * d)
    x_plus[cols], x_minus[cols] = v.ravel(), -v.ravel()
    np.testing.assert_allclose(W @ x_plus, W @ x_minus, atol=1e-12)
    # targets qSA_i = z_i/q on the free rows: ±v/q, 2/q apart in the row where ‖v_i‖ = 1
    assert np.max(np.linalg.norm(2 * v / q, axis=1)) == pytest.approx(2 / q)


def test_sizes():
    assert sa.rnn_memory_bits(101) == 50.0
    assert sa.fc_first_layer_weights(10, 2, 1) == 9 * 1 * 10 * 4
    assert sa.attention_parameters(4, 1) == 2 * 4 * 9 + 9
    big = 2.0**20
    assert sa.attention_parameters(sa.dimension_needed(big, 2), 1) < sa.fc_first_layer_weights(
        big, 2, 1
    )
