"""Parity from Δ (seed 003, Proposition 4.1, application 2): the corrected identity."""

import numpy as np
import pytest

from approxlab.theory.core import networks
from approxlab.theory.depth import parity, sawtooth


@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_parity_network_is_exact_on_the_whole_hypercube(L):
    d = 2**L
    X = parity.hypercube(d)
    assert X.shape == (2**d, d) and np.unique(X, axis=0).shape[0] == 2**d
    net = parity.parity_network(L)
    assert networks.hidden_nodes(net) == 3 * L and len(net) == L + 1
    np.testing.assert_array_equal(networks.evaluate(net, X), np.prod(X, axis=1))


@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_printed_formula_fails(L):
    """Δ^{L−1}((d + Σx)/(2d)) = Δ(⟨k/4⟩) ∈ {0, ½, 1} for k entries equal to −1: right only
    when k ≡ 2 (mod 4), never −1 (and 0 at x = (1, …, 1))."""
    d = 2**L
    X = parity.hypercube(d)
    got = networks.evaluate(parity.printed_parity_network(L), X)
    k = np.count_nonzero(X < 0, axis=1)
    # Δ^0 is the identity; for L ≥ 2, Δ^{L−1}(j/2^L) = Δ(⟨j/4⟩) and Δ is symmetric
    quarter = sawtooth.triangle_closed_form(sawtooth.fractional_part(k / 4))
    want = 1 - k / d if L == 1 else quarter
    np.testing.assert_allclose(got, want, atol=1e-15)
    right = got == np.prod(X, axis=1)
    if L > 1:
        np.testing.assert_array_equal(right, k % 4 == 2)
    assert np.all(got >= 0)  # never −1
    # the brief's counterexample: d = 2, x = (1, −1) gives ½
    if L == 1:
        assert networks.evaluate(parity.printed_parity_network(1), np.array([[1.0, -1.0]]))[
            0
        ] == pytest.approx(0.5)


@pytest.mark.parametrize("L", [1, 2, 3])
def test_evaluate_all_summarises_by_the_number_of_minus_ones(L):
    d = 2**L
    ev = parity.evaluate_all(L)
    assert ev.points == 2**d and ev.max_error == 0.0
    np.testing.assert_array_equal(ev.at_k, (-1.0) ** np.arange(d + 1))
    k, v = ev.by_k
    np.testing.assert_array_equal(v, (-1.0) ** k)  # one value per k: the network sees Σx only
    assert ev.printed_wrong > 0 and ev.printed_max_error > 0


def test_distinct_pairs():
    k, v = parity.distinct(np.array([2, 0, 2, 1]), np.array([0.5, 1.0, 0.5, -1.0]))
    np.testing.assert_array_equal(k, [0, 1, 2])
    np.testing.assert_array_equal(v, [1.0, -1.0, 0.5])
