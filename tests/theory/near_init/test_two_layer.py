"""The two-layer model of chapter 3 (seed 003, Remark 3.2): theory/near_init/two_layer.py."""

import numpy as np

from approxlab.theory.near_init import two_layer as ni


def test_remark_3_2_convention_and_prefix_consistency():
    big = ni.initialization(500, 3, seed=7)
    small = ni.initialization(120, 3, seed=7)
    assert set(np.unique(big.a)) <= {-1.0, 1.0} and big.V0.shape == (500, 3)
    np.testing.assert_array_equal(big.prefix(120).a, small.a)
    np.testing.assert_array_equal(big.prefix(120).V0, small.V0)
    # the signs are fair and the weights standard normal (loose sanity on a big draw)
    huge = ni.initialization(200_000, 2, seed=1)
    assert abs(huge.a.mean()) < 0.01 and abs(huge.V0.std() - 1.0) < 0.01


def test_softplus_is_beta_smooth_and_matches_logaddexp():
    z = np.linspace(-30, 30, 200_001)
    for beta in (0.25, 1.0, 4.0, 64.0):
        np.testing.assert_allclose(
            ni.softplus(z, beta), np.logaddexp(0.0, 4 * beta * z) / (4 * beta), atol=1e-14
        )
        d1 = ni.softplus_prime(z, beta)
        second = np.gradient(d1, z)
        assert np.max(second) <= beta * (1 + 1e-3) and np.max(second) >= beta * (1 - 1e-2)


def test_as_layers_computes_the_network():
    net = ni.initialization(50, 3, 1)
    X = np.random.default_rng(0).standard_normal((20, 3))
    (W1, b1), (W2, b2) = ni.as_layers(net.V0, net.a, inner=2.0, outer=0.5)
    direct = W2 @ np.maximum(W1 @ X.T + b1[:, None], 0.0) + b2[:, None]
    np.testing.assert_allclose(direct[0], ni.prediction(X, net.V0, net.a), rtol=1e-13)
