"""Maurey sampling (seed 003, Proposition 2.8, Lemmas 2.16–2.17, Example 2.18.1)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import targets
from approxlab.theory.core.threshold_networks import evaluate, evaluate_dense
from approxlab.theory.shallow.maurey import (
    Categorical,
    bias_histogram,
    bias_measure,
    chain_allowance,
    custom_measure,
    library_measure,
    maurey_errors,
    maurey_sample,
    mean_allowance,
    prefix_sizes,
    sq_errors,
    sq_errors_dense,
    sq_errors_from_biases,
    summarize,
    unit_interval,
)

NAMES = targets.TARGET_NAMES


def measure(name: str, n: int = 256):
    t = targets.get(name)
    return bias_measure(t.f, t.df, targets.critical_points(name), n)


# --- the exact sampler -----------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(1, 3000))
def test_categorical_guide_table_equals_binary_search(seed, size):
    rng = np.random.default_rng(seed)
    w = rng.random(size) * (rng.random(size) < 0.8)  # some zero weights
    w[rng.integers(size)] += 1.0
    cat = Categorical.from_weights(w)
    # probabilities are the weights, to float64 resolution
    np.testing.assert_allclose(cat.probabilities(), w / w.sum(), atol=size * 2.0**-52)
    a, b = np.random.PCG64(seed), np.random.PCG64(seed)
    drawn = cat.draw(a, 5000).astype(np.intp)
    raw = b.random_raw(5000)
    ref = np.searchsorted(cat.edges, raw >> np.uint64(11), side="right") - 1
    np.testing.assert_array_equal(drawn, ref)
    assert np.all(w[drawn] > 0)  # zero-weight categories are never drawn


def test_categorical_frequencies_match_probabilities():
    w = np.array([0.5, 0.0, 2.0, 1e-3, 1.0, 3.0])
    cat = Categorical.from_weights(w)
    n = 2_000_000
    counts = np.bincount(cat.draw(np.random.PCG64(7), n).astype(np.intp), minlength=w.size)
    p = w / w.sum()
    z = (counts - n * p) / np.sqrt(n * p * (1 - p) + 1e-300)
    assert np.all(np.abs(z[p > 0]) < 5) and counts[1] == 0


def test_unit_interval_is_half_open_at_zero():
    u = unit_interval(np.array([0, 2**64 - 1], dtype=np.uint64))
    assert u[0] > 0 and u[1] == 1.0


# --- the measure μ = g′(b) db -------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_mass_is_the_variation_and_pieces_are_monotone(name):
    m = measure(name, 512)
    assert m.mass == pytest.approx(targets.variation(name), rel=1e-12)
    mid = 0.5 * (m.lo + m.hi)
    g1 = m.df(mid)
    # g′ has one sign on each piece (pieces split at the critical points)
    assert np.all((g1 * m.sign >= 0) | (m.weight == 0))
    # |μ|(piece) = ∫ |g′| over the piece, against Gauss–Legendre on the piece
    x, wq = np.polynomial.legendre.leggauss(12)
    nodes = mid[:, None] + 0.5 * (m.hi - m.lo)[:, None] * x
    quad = (np.abs(m.df(nodes)) * wq).sum(axis=1) * 0.5 * (m.hi - m.lo)
    np.testing.assert_allclose(m.weight, quad, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_cells_count_the_grid_points_below_a_bias(name):
    m = measure(name, 300)
    for b in (0.5 * (m.lo + m.hi), m.hi):
        np.testing.assert_array_equal(np.searchsorted(m.grid, b, side="left"), m.cell)


@pytest.mark.parametrize("name", NAMES)
def test_proposition_2_8_on_the_grid(name):
    """g(x) − g(0) = ∫ 1[x ≥ b] dμ(b): the full measure reproduces g at every grid point."""
    m = measure(name, 512)
    full = np.cumsum(m.sign * m.weight)[m.cell_end]
    np.testing.assert_allclose(full, m.residual, atol=1e-13)


@pytest.mark.parametrize("name", NAMES)
def test_exact_quantities_of_lemma_2_16(name):
    m = measure(name, 512)
    assert m.sup_unit_sq_norm() == 1.0
    # E‖V‖² by brute force over the pieces' grid indicators
    ind = (m.grid[None, :] >= m.hi[:, None]).mean(axis=1)
    assert m.second_moment() == pytest.approx(m.mass * float(m.weight @ ind), rel=1e-13)
    for k in (1, 7, 100, 10_000):
        exact = m.expected_sq_error(k)
        assert exact <= m.second_moment() / k <= m.bound(k)
        assert m.bound(k) == pytest.approx(targets.variation(name) ** 2 / k, rel=1e-12)


# --- samples -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_positions_invert_the_conditional_cdf(name):
    m = measure(name, 128)
    s = maurey_sample(m, 2000, 3, seed=11)
    b, pcs = s.biases.ravel(), s.pieces.ravel().astype(np.intp)
    assert np.all((b > m.lo[pcs]) & (b <= m.hi[pcs]))
    assert np.all(s.signs.ravel() == m.sign[pcs])


@pytest.mark.parametrize("name", NAMES)
def test_biases_follow_the_normalized_variation(name):
    """Kolmogorov–Smirnov against F(b) = ∫₀^b |g′| / ‖μ‖₁ (exact via critical points)."""
    m = measure(name, 64)
    n = 40_000
    b = np.sort(maurey_sample(m, n, 1, seed=5).biases.ravel())
    t = targets.get(name)
    crit = targets.critical_points(name)
    pts = np.sort(np.concatenate([crit, b]))
    # variation of g on [0, x] at every sorted point
    gp = t(pts)
    var = np.concatenate([[abs(gp[0] - t(np.zeros(1))[0])], np.abs(np.diff(gp))]).cumsum()
    cdf = var[np.searchsorted(pts, b)] / m.mass
    ecdf_hi = np.arange(1, n + 1) / n
    ks = max(np.max(ecdf_hi - cdf), np.max(cdf - (ecdf_hi - 1 / n)))
    assert ks < 1.95 / np.sqrt(n)  # α = 0.001


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    k=st.integers(1, 300),
    trials=st.integers(1, 12),
    seed=st.integers(0, 10**6),
)
def test_fast_evaluation_equals_dense_on_the_same_samples(name, k, trials, seed):
    m = measure(name, 200)
    s = maurey_sample(m, k, trials, seed)
    dense = sq_errors_dense(m, s.biases, s.signs)
    np.testing.assert_allclose(sq_errors(m, s.pieces), dense, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(
        sq_errors_from_biases(m, s.biases, s.signs), dense, rtol=1e-12, atol=1e-15
    )
    # the all-trials run draws the very same samples
    run = maurey_errors(m, k, trials, seed, ks=[1, max(1, k // 3)], curve_trials=trials, show=2)
    np.testing.assert_allclose(run.sq_errors, dense, rtol=1e-9, atol=1e-14)
    for j, kk in enumerate(run.ks):
        pref = sq_errors_dense(m, s.biases[:, :kk], s.signs[:, :kk])
        np.testing.assert_allclose(run.prefix_sq_errors[:, j], pref, rtol=1e-9, atol=1e-14)
    assert run.piece_counts.sum() == k * trials
    for r, (b, sg) in run.shown.items():
        np.testing.assert_array_equal(b, s.biases[r])
        np.testing.assert_array_equal(sg, s.signs[r])
    assert run.best_trial in run.shown


def test_sampled_network_is_a_threshold_network():
    m = measure("nielsen", 200)
    s = maurey_sample(m, 150, 1, 3)
    net = m.network(s.biases[0], s.signs[0])
    e_net = np.mean((m.residual + m.g0 - evaluate(net, m.grid)) ** 2)
    e_dense = np.mean((m.residual + m.g0 - evaluate_dense(net, m.grid)) ** 2)
    assert e_net == pytest.approx(sq_errors_dense(m, s.biases, s.signs)[0], rel=1e-12)
    assert e_dense == pytest.approx(e_net, rel=1e-12)


# --- Lemma 2.16 / 2.17, statistically --------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_sampled_network_is_unbiased(name):
    m = measure(name, 64)
    k, trials = 5, 40_000
    s = maurey_sample(m, k, trials, seed=2)
    h = ((m.grid[None, None, :] >= s.biases[..., None]) * s.signs[..., None]).sum(axis=1)
    vals = m.mass / k * h  # ĝ − g(0) at every grid point
    # exact standard error: one unit V(x) = ‖μ‖₁·s·1[x ≥ b] has E V(x)² = ‖μ‖₁·|μ|((0, x])
    below = np.cumsum(m.weight)[m.cell_end]
    sd = np.sqrt(np.maximum(m.mass * below - m.residual**2, 0.0) / (k * trials))
    assert np.all(np.abs(vals.mean(0) - m.residual) <= 4.5 * sd + 1e-13)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("k", [3, 40])
def test_monte_carlo_mean_matches_the_exact_expectation(name, k):
    """The deterministic (E‖V‖² − ‖g − g(0)‖²)/k against the mean of 200k trials."""
    m = measure(name, 256)
    e = maurey_errors(m, k, 200_000, seed=k).sq_errors
    se = e.std() / np.sqrt(e.size)
    assert abs(e.mean() - m.expected_sq_error(k)) < 4.5 * se


@pytest.mark.parametrize("name", NAMES)
def test_mean_below_bound_fails_no_more_often_than_markov_allows(name):
    """`mean_sq_error ≤ bound` holds with probability ≥ 1 − E/bound (Markov); over many
    seeds with a single trial the failure frequency stays below that."""
    m = measure(name, 256)
    k, seeds = 4, 4000
    e = maurey_errors(m, k, seeds, seed=99).sq_errors  # 4000 independent one-trial runs
    fail = float(np.mean(e > m.bound(k)))
    delta = m.expected_sq_error(k) / m.bound(k)
    assert fail <= delta + 3 * np.sqrt(delta * (1 - delta) / seeds)


@pytest.mark.parametrize("name", NAMES)
def test_some_draw_is_at_least_as_good_as_the_mean(name):
    """The probabilistic method (Lemma 2.16, second half): among 50 draws, one is below E."""
    m = measure(name, 256)
    for seed in range(10):
        run = maurey_errors(m, 25, 50, seed)
        assert run.sq_errors.min() <= m.expected_sq_error(25)
        assert run.sq_errors.min() <= run.sq_errors.mean()


# --- the scene's measurements, moved into theory ---------------------------------------


def test_prefix_sizes():
    ks = prefix_sizes(100, 12)
    assert ks[0] == 1 and ks[-1] == 100 and np.all(np.diff(ks) > 0) and 8 <= ks.size <= 12
    assert list(prefix_sizes(1, 12)) == [1]
    assert list(prefix_sizes(3, 12)) == [1, 2, 3]


@pytest.mark.parametrize("name", ["sin", "plateau"])
def test_bias_histogram_and_summary(name):
    measure = library_measure(name, 512)
    assert custom_measure("x^2", 64).mass == pytest.approx(1.0, rel=1e-12)
    run = maurey_errors(measure, 50, 40, 1, ks=prefix_sizes(50, 6), curve_trials=10, show=2)
    centres, heights = bias_histogram(measure, run.piece_counts, 40 * 50)
    # a density of |μ|: its integral over the bins is ‖μ‖₁
    which = np.minimum(measure.cell // 4, (measure.n - 1) // 4)
    starts = np.searchsorted(which, np.arange(centres.size), side="left")
    ends = np.searchsorted(which, np.arange(centres.size), side="right") - 1
    widths = measure.hi[ends] - measure.lo[starts]
    assert float(np.sum(heights * widths)) == pytest.approx(measure.mass, rel=1e-12)
    assert np.all(np.diff(centres) > 0)
    s = summarize(measure, run)
    assert s.mass == measure.mass and s.bound == pytest.approx(measure.mass**2 / 50)
    assert s.expected_sq_error <= s.second_moment_bound <= s.bound
    assert s.mean_sq_error == pytest.approx(float(np.mean(run.sq_errors)))
    assert s.best_sq_error == float(np.min(run.sq_errors)) == run.sq_errors[s.best_trial]


@pytest.mark.parametrize("corner", ["min(x, 0.0005)", "0.3*min(x, 0.0009)", "-min(x, 0.0001)"])
@pytest.mark.parametrize("k", [1, 7, 100, 10_000])
def test_the_chain_equality_case_holds_up_to_the_derived_rounding(corner, k):
    """μ on (0, x₀]: every unit is on at every point of P, ‖1[· ≥ b]‖² = 1 = sup, so
    E‖V‖²/k equals the bound ‖μ‖₁²/k exactly; the check must show ✓ (issue 12, point 1)."""
    measure = custom_measure(corner, 512)
    assert measure.sup_unit_sq_norm() == 1.0
    second = measure.second_moment() / k
    bound = float(measure.bound(k))
    assert abs(second - bound) <= chain_allowance(measure, k)
    assert second <= bound + chain_allowance(measure, k)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(0.0, 1e3), min_size=1, max_size=300))
def test_min_is_at_most_the_mean_up_to_the_derived_rounding(values):
    x = np.array(values)
    assert float(np.min(x)) <= float(np.mean(x)) + mean_allowance(x)
