"""Near initialization (seed 003, §3.1, Lemma 3.15): theory/near_init.py.

Probabilistic statements are tested statistically: over many independent draws the
failure frequency must be consistent with δ (below δ plus four binomial standard
deviations).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.near_init import circle
from approxlab.theory.near_init import two_layer as ni

X0 = np.array([1.0, 0.0])


def allowed_failures(trials: int, delta: float) -> float:
    return trials * delta + 4.0 * np.sqrt(trials * delta * (1 - delta)) + 1


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


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), m=st.integers(1, 300), B=st.floats(0.01, 5.0))
def test_taylor_expansion_and_its_gap(seed, m, B):
    """Definition 3.1 three ways: F₀ directly, the per-unit remainders, the exact circle sums."""
    net = ni.initialization(m, 2, seed)
    V = net.V0 + B * ni.random_direction(m, 2, seed)
    phi = np.random.default_rng(seed).uniform(0, 2 * np.pi, 200)
    X = circle.circle_points(phi)
    f0 = ni.taylor(X, V, net.V0, net.a)
    gap = ni.taylor_gap(X, V, net.V0, net.a)
    np.testing.assert_allclose(ni.prediction(X, V, net.a) - f0, gap, atol=1e-9)
    np.testing.assert_allclose(ni.relu_gap_on_circle(V, net.V0, net.a)(phi), gap, atol=1e-9)
    dV, _ = ni.worst_case_perturbation(net, X0, B)
    for W in (V, net.V0 + dV):  # all rows moved (merged sums) / few rows moved (their own sum)
        sums = ni.relu_on_circle(W, net.V0, net.a)
        np.testing.assert_allclose(sums.f0(phi), ni.taylor(X, W, net.V0, net.a), atol=1e-9)
        np.testing.assert_allclose(sums.gap(phi), ni.taylor_gap(X, W, net.V0, net.a), atol=1e-9)
        np.testing.assert_allclose(sums.f_v0(phi), ni.prediction(X, net.V0, net.a), atol=1e-9)
        np.testing.assert_allclose(sums.f_v(phi), ni.prediction(X, W, net.a), atol=1e-9)
    table = ni.taylor_table(X, V, net.V0, net.a)
    np.testing.assert_allclose(table[1], f0, atol=1e-9)
    np.testing.assert_allclose(table[3], gap, atol=1e-12)
    # the gradient is the one of the notes: a_j σ′(v_jᵀx) x
    g = ni.gradient(X0, net.V0, net.a)
    eps = 1e-7
    j = 0
    Vp = net.V0.copy()
    Vp[j, 1] += eps
    num = (ni.prediction(X0, Vp, net.a) - ni.prediction(X0, net.V0, net.a))[0] / eps
    assert abs(num - g[j, 1]) < 1e-5


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    m=st.integers(1, 400),
    B=st.floats(0.01, 20.0),
    beta=st.floats(0.25, 64.0),
)
def test_proposition_3_4_holds_for_every_input(seed, m, B, beta):
    net = ni.initialization(m, 2, seed)
    V = net.V0 + B * ni.random_direction(m, 2, seed)
    X = circle.circle_points(np.linspace(0, 2 * np.pi, 361))
    gap = ni.taylor_gap(X, V, net.V0, net.a, "softplus", beta)
    assert np.max(np.abs(gap)) <= ni.prop_3_4_bound(beta, 1.0, B)


def test_worst_case_perturbation_has_radius_b_and_the_rate_of_proposition_3_7():
    rates = []
    for m in (1_000, 10_000, 100_000):
        ratios = []
        for seed in range(6):
            net = ni.initialization(m, 2, seed)
            dV, k = ni.worst_case_perturbation(net, X0, 1.0)
            assert abs(np.linalg.norm(dV) - 1.0) < 1e-12 and k >= 1
            rows = ni.changed_rows(net.V0 + dV, net.V0)
            gap = ni.taylor_gap(X0, net.V0[rows] + dV[rows], net.V0[rows], net.a[rows])[0]
            plan = ni.worst_case_plan(net, X0)
            closed = np.sum(np.maximum(1.0 / np.sqrt(k) - np.abs(plan.z[:k]), 0.0))
            assert abs(abs(gap) - closed) < 1e-9
            ratios.append(abs(gap) / m ** (1 / 3))
        rates.append(np.mean(ratios))
    # |F − F₀| at x₀ grows like m^{1/3} (Proposition 3.7's rate is attained)
    assert max(rates) / min(rates) < 1.5


def test_lemma_3_8_statistically():
    """Corrected Lemma 3.8 over 2000 independent draws (vectorized)."""
    rng = np.random.default_rng(0)
    m, trials = 200, 2000
    for tau, delta in ((0.05, 0.1), (0.2, 0.05), (0.01, 0.3)):
        counts = np.count_nonzero(np.abs(rng.standard_normal((trials, m))) <= tau, axis=1)
        fails = np.count_nonzero(counts > ni.lemma_3_8_bound(m, tau, delta))
        assert fails <= allowed_failures(trials, delta)


def test_lemma_3_8_printed_and_corrected_forms():
    m = np.array([1, 10, 1000])
    # √(m/2)·ln(1/δ) ≥ √((m/2) ln(1/δ)) iff ln(1/δ) ≥ 1: the printed form is weaker for
    # small δ and not implied by Hoeffding for δ > 1/e
    assert np.all(ni.lemma_3_8_bound_printed(m, 0.1, 0.01) >= ni.lemma_3_8_bound(m, 0.1, 0.01))
    assert np.all(ni.lemma_3_8_bound_printed(m, 0.1, 0.9) < ni.lemma_3_8_bound(m, 0.1, 0.9))


@pytest.mark.parametrize("perturbation", ["worst", "random"])
def test_proposition_3_7_and_the_flip_bound_statistically(perturbation):
    delta, trials, m = 0.1, 150, 300
    fails_gap = fails_flip = 0
    for seed in range(trials):
        net = ni.initialization(m, 2, seed)
        for B in (0.05, 1.0, 8.0):
            if perturbation == "worst":
                dV, _ = ni.worst_case_perturbation(net, X0, B)
            else:
                dV = B * ni.random_direction(m, 2, seed)
            V = net.V0 + dV
            gap = abs(ni.taylor_gap(X0, V, net.V0, net.a)[0])
            flips = ni.flipped_units(V, net.V0, X0)
            fails_gap += gap > ni.prop_3_7_bound(m, B, delta)
            fails_flip += flips > ni.flip_bound(m, B, delta)
            # the proof's Cauchy–Schwarz step holds deterministically
            assert gap <= B * np.sqrt(flips) + 1e-12
    assert fails_gap <= allowed_failures(3 * trials, delta)
    assert fails_flip <= allowed_failures(3 * trials, delta)


def test_lemma_3_15_uniform_constant_from_its_proof():
    """The proof's estimate (slips fixed) is below 16d√m ln(m/δ) ≤ 32d√m ln(m/δ)."""
    m = np.unique(np.geomspace(1, 100_000, 300).astype(int))
    for d in range(2, 11):
        for delta in np.geomspace(1e-8, 0.5, 40):
            proof = ni.lemma_3_15_proof_bound(m, d, delta)
            assert np.all(proof <= ni.lemma_3_15_uniform_bound(m, d, delta))
            assert np.all(
                ni.lemma_3_15_uniform_bound(m, d, delta)
                <= ni.lemma_3_15_uniform_bound_printed(m, d, delta)
            )


def test_lemma_3_15_fixed_x_survives_the_two_sided_hoeffding_step():
    """|Σ qⱼ| needs ln(4/δ) where the proof has ln(2/δ); the bound still follows."""
    m = np.unique(np.geomspace(1, 100_000, 300).astype(int)).astype(float)
    for delta in np.geomspace(1e-8, 0.5, 60):
        R = 1 + np.sqrt(2 * np.log(2 * m / delta))
        hoeffding = R * np.sqrt(2 * m * np.log(4 / delta))
        assert np.all(hoeffding <= ni.lemma_3_15_fixed_bound(m, 1.0, delta))


@pytest.mark.parametrize(("m", "d"), [(1, 2), (30, 2), (400, 2), (50, 4)])
def test_lemma_3_15_statistically(m, d):
    delta, trials = 0.25, 200
    fails_fixed = fails_uniform = 0
    x0 = np.zeros(d)
    x0[0] = 1.0
    for seed in range(trials):
        net = ni.initialization(m, d, seed)
        fails_fixed += abs(ni.prediction(x0, net.V0, net.a)[0]) > ni.lemma_3_15_fixed_bound(
            m, 1.0, delta
        )
        sup = ni.sup_on_sphere(net, seed).value
        fails_uniform += sup > ni.lemma_3_15_uniform_bound(m, d, delta)
    assert fails_fixed <= allowed_failures(trials, delta)
    assert fails_uniform <= allowed_failures(trials, 2 * delta)


def test_sup_on_sphere_is_exact_in_2d_and_a_good_lower_estimate_in_3d():
    net = ni.initialization(300, 2, 4)
    s = ni.sup_on_sphere(net, 4)
    dense = circle.circle_points(np.linspace(0, 2 * np.pi, 40_001))
    assert s.exact and s.value >= np.max(np.abs(ni.prediction(dense, net.V0, net.a))) - 1e-12
    net3 = ni.initialization(300, 3, 4)
    s3 = ni.sup_on_sphere(net3, 4)
    P = np.random.default_rng(0).standard_normal((30_000, 3))
    P /= np.linalg.norm(P, axis=1, keepdims=True)
    brute = np.max(np.abs(ni.prediction(P, net3.V0, net3.a)))
    assert s3.value >= 0.99 * brute
    assert abs(np.abs(ni.prediction(s3.where, net3.V0, net3.a)[0]) - s3.value) < 1e-9
    widths = np.array([1, 10, 300])
    np.testing.assert_allclose(
        ni.prefix_sups(net, widths), [ni.sup_on_circle(net.prefix(w))[0] for w in widths]
    )


@pytest.mark.parametrize("m", [1, 50, 3000])
def test_worst_case_sup_gap_and_relu_sweep_match_the_full_computations(m):
    net = ni.initialization(m, 2, 9)
    plan = ni.worst_case_plan(net, X0)
    for B in (0.01, 0.7, 12.0):
        dV, _ = ni.worst_case_perturbation(net, X0, B, plan)
        full = ni.relu_gap_on_circle(net.V0 + dV, net.V0, net.a).sup_abs()[0]
        assert abs(ni.worst_case_sup_gap(net, plan, X0, B) - full) < 1e-12
    z0, g = net.V0 @ X0, ni.random_direction(m, 2, 9) @ X0
    Bs = np.geomspace(0.01, 20, 16)
    gaps, flips = ni.relu_gap_sweep(z0, g, Bs, net.a)
    np.testing.assert_allclose(gaps, ni.gap_sweep(z0, g, Bs, net.a), atol=1e-10)
    shift = Bs[:, None] * g[None, :]
    np.testing.assert_array_equal(
        flips, np.count_nonzero((z0[None, :] + shift >= 0) != (z0 >= 0)[None, :], axis=1)
    )
