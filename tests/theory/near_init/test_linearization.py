"""Near initialization means near Taylor expansion (seed 003, §3.1: Definition 3.1,
Propositions 3.4 and 3.7, Lemma 3.8): theory/near_init/linearization.py.

Probabilistic statements are tested statistically: over many independent draws the
failure frequency must be consistent with δ (below δ plus four binomial standard
deviations).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.near_init import circle
from approxlab.theory.near_init import linearization as lin
from approxlab.theory.near_init import two_layer as ni

X0 = np.array([1.0, 0.0])


def allowed_failures(trials: int, delta: float) -> float:
    return trials * delta + 4.0 * np.sqrt(trials * delta * (1 - delta)) + 1


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
    np.testing.assert_allclose(lin.relu_gap_on_circle(V, net.V0, net.a)(phi), gap, atol=1e-9)
    dV, _ = lin.worst_case_perturbation(net, X0, B)
    for W in (V, net.V0 + dV):  # all rows moved (merged sums) / few rows moved (their own sum)
        sums = lin.relu_on_circle(W, net.V0, net.a)
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
    assert np.max(np.abs(gap)) <= lin.prop_3_4_bound(beta, 1.0, B)


def test_worst_case_perturbation_has_radius_b_and_the_rate_of_proposition_3_7():
    rates = []
    for m in (1_000, 10_000, 100_000):
        ratios = []
        for seed in range(6):
            net = ni.initialization(m, 2, seed)
            dV, k = lin.worst_case_perturbation(net, X0, 1.0)
            assert abs(np.linalg.norm(dV) - 1.0) < 1e-12 and k >= 1
            rows = lin.changed_rows(net.V0 + dV, net.V0)
            gap = ni.taylor_gap(X0, net.V0[rows] + dV[rows], net.V0[rows], net.a[rows])[0]
            plan = lin.worst_case_plan(net, X0, 1.0)
            closed = np.sum(np.maximum(1.0 / np.sqrt(k) - np.abs(plan.z[:k]), 0.0))
            assert abs(abs(gap) - closed) < 1e-9
            assert abs(abs(gap) - plan.value(1.0)) < 1e-9
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
        fails = np.count_nonzero(counts > lin.lemma_3_8_bound(m, tau, delta))
        assert fails <= allowed_failures(trials, delta)


def test_lemma_3_8_printed_and_corrected_forms():
    m = np.array([1, 10, 1000])
    # √(m/2)·ln(1/δ) ≥ √((m/2) ln(1/δ)) iff ln(1/δ) ≥ 1: the printed form is weaker for
    # small δ and not implied by Hoeffding for δ > 1/e
    assert np.all(lin.lemma_3_8_bound_printed(m, 0.1, 0.01) >= lin.lemma_3_8_bound(m, 0.1, 0.01))
    assert np.all(lin.lemma_3_8_bound_printed(m, 0.1, 0.9) < lin.lemma_3_8_bound(m, 0.1, 0.9))


@pytest.mark.parametrize("perturbation", ["worst", "random"])
def test_proposition_3_7_and_the_flip_bound_statistically(perturbation):
    delta, trials, m = 0.1, 150, 300
    fails_gap = fails_flip = 0
    for seed in range(trials):
        net = ni.initialization(m, 2, seed)
        for B in (0.05, 1.0, 8.0):
            if perturbation == "worst":
                dV, _ = lin.worst_case_perturbation(net, X0, B)
            else:
                dV = B * ni.random_direction(m, 2, seed)
            V = net.V0 + dV
            gap = abs(ni.taylor_gap(X0, V, net.V0, net.a)[0])
            flips = lin.flipped_units(V, net.V0, X0)
            fails_gap += gap > lin.prop_3_7_bound(m, B, delta)
            fails_flip += flips > lin.flip_bound(m, B, delta)
            # the proof's Cauchy–Schwarz step holds deterministically
            assert gap <= B * np.sqrt(flips) + 1e-12
    assert fails_gap <= allowed_failures(3 * trials, delta)
    assert fails_flip <= allowed_failures(3 * trials, delta)


@pytest.mark.parametrize("m", [1, 50, 3000])
def test_worst_case_sup_gap_and_relu_sweep_match_the_full_computations(m):
    net = ni.initialization(m, 2, 9)
    for B in (0.01, 0.7, 12.0):
        plan = lin.worst_case_plan(net, X0, B)
        dV, _ = lin.worst_case_perturbation(net, X0, B, plan)
        full = lin.relu_gap_on_circle(net.V0 + dV, net.V0, net.a).sup_abs()[0]
        assert abs(lin.worst_case_sup_gap(net, plan, X0, B) - full) < 1e-12
    z0, g = net.V0 @ X0, ni.random_direction(m, 2, 9) @ X0
    Bs = np.geomspace(0.01, 20, 16)
    gaps, flips = lin.relu_gap_sweep(z0, g, Bs, net.a)
    np.testing.assert_allclose(gaps, lin.gap_sweep(z0, g, Bs, net.a), atol=1e-10)
    shift = Bs[:, None] * g[None, :]
    np.testing.assert_array_equal(
        flips, np.count_nonzero((z0[None, :] + shift >= 0) != (z0 >= 0)[None, :], axis=1)
    )


@pytest.mark.parametrize("direction", ["worst", "random"])
@pytest.mark.parametrize("act", ["relu", "softplus"])
def test_radius_sweep_rebuilds_the_perturbation_at_every_radius(direction, act):
    m, seed, beta, delta = 400, 3, 2.0, 0.05
    pert = lin.perturbed(m, 1.0, seed, direction)
    Bs = np.geomspace(0.01, 20.0, 7)
    sweep = lin.radius_sweep(pert, Bs, act, beta, delta)
    for i, b in enumerate(Bs):
        at_b = lin.perturbed(m, float(b), seed, direction)
        np.testing.assert_allclose(np.linalg.norm(at_b.V - at_b.net.V0), b, rtol=1e-12)
        assert sweep.gap_x0[i] == pytest.approx(abs(lin.gap_at_x0(at_b, act, beta)), abs=1e-10)
        assert sweep.flips[i] == lin.flipped_units(at_b.V, at_b.net.V0, X0)
        tau = lin.prop_3_7_tau(m, b)
        assert sweep.s1[i] == lin.lemma_3_8_count(at_b.net.V0, X0, tau)
        if sweep.sup is not None:
            exact = lin.relu_on_circle(at_b.V, at_b.net.V0, at_b.net.a).gap.sup_abs()[0]
            assert sweep.sup[i] == pytest.approx(exact, abs=1e-10)
    expect = lin.prop_3_7_bound(m, Bs, delta) if act == "relu" else lin.prop_3_4_bound(beta, 1, Bs)
    np.testing.assert_array_equal(sweep.bound, expect)


@pytest.mark.parametrize("direction", ["worst", "random"])
@pytest.mark.parametrize("act", ["relu", "softplus"])
def test_width_sweep_is_the_scene_at_every_width(direction, act):
    """The first m′ units of a draw are the width-m′ draw: the sweep equals the scene's
    own measurement at width m′."""
    m, B, seed, beta = 600, 1.5, 8, 4.0
    pert = lin.perturbed(m, B, seed, direction)
    widths = np.array([1, 7, 60, 600])
    gaps, sups = lin.width_sweep(pert, widths, act, beta)
    for i, w in enumerate(widths):
        at_w = lin.perturbed(int(w), B, seed, direction)
        assert gaps[i] == pytest.approx(abs(lin.gap_at_x0(at_w, act, beta)), abs=1e-10)
        if sups is not None:
            exact = lin.relu_on_circle(at_w.V, at_w.net.V0, at_w.net.a).gap.sup_abs()[0]
            assert sups[i] == pytest.approx(exact, abs=1e-10)
    assert (sups is not None) == (direction == "worst" and act == "relu")


@pytest.mark.parametrize("direction", ["worst", "random"])
@pytest.mark.parametrize("act", ["relu", "softplus"])
def test_on_circle_matches_direct_evaluation(direction, act):
    pert = lin.perturbed(300, 2.0, 5, direction)
    net, beta = pert.net, 4.0
    view = lin.on_circle(pert, act, beta, 721, 1 << 16, 1 << 16)
    X = circle.circle_points(view.phi)
    f_v0, f0, f_v, _ = ni.taylor_table(X, pert.V, net.V0, net.a, act, beta)
    for got, want in ((view.f_v0, f_v0), (view.f0, f0), (view.f_v, f_v)):
        np.testing.assert_allclose(got, want, atol=1e-9)
    gap = ni.taylor_gap(circle.circle_points(view.phi_gap), pert.V, net.V0, net.a, act, beta)
    np.testing.assert_allclose(view.gap, gap, atol=1e-9)
    assert view.sup >= np.max(np.abs(gap)) - 1e-12
    assert view.sup_upper >= view.sup
    assert view.exact == (act == "relu")
    if view.exact:
        assert view.sup_upper == view.sup


# --- issue 12 (5): the worst case is the maximum over the ball -----------------------------


def brute_force_max_gap(z: np.ndarray, a: np.ndarray, B: float) -> float:
    """max |Σ_j a_j (t_j − |z_j|)₊| over allocations with Σ t_j² ≤ B², by enumerating the sign
    class and the set K of units that flip: Cauchy–Schwarz gives √|K|·B − Σ_K |z_j| for K."""
    best = 0.0
    for sign in (1.0, -1.0):
        cls = np.flatnonzero(a == sign)
        for mask in range(1, 1 << cls.size):
            K = cls[[(mask >> i) & 1 == 1 for i in range(cls.size)]]
            best = max(best, np.sqrt(K.size) * B - np.sum(np.abs(z[K])))
    return best


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), m=st.integers(1, 10), B=st.floats(0.01, 5.0))
def test_worst_case_is_the_maximum_over_both_sign_classes(seed, m, B):
    """Brute force over the sign classes and flipping sets of small draws: the worst case
    at x₀ reaches the maximum of |F − F₀| over the whole ball ‖V − V₀‖_F ≤ B."""
    net = ni.initialization(m, 2, seed)
    dV, _ = lin.worst_case_perturbation(net, X0, B)
    assert np.linalg.norm(dV) == pytest.approx(B, rel=1e-12)
    gap = abs(ni.taylor_gap(X0, net.V0 + dV, net.V0, net.a)[0])
    brute = brute_force_max_gap(net.V0 @ X0, net.a, B)
    assert gap == pytest.approx(brute, abs=1e-12)
    # and no random perturbation of the same norm does better
    G = np.random.default_rng(seed).standard_normal((400, m, 2))
    G *= B / np.linalg.norm(G, axis=(1, 2), keepdims=True)
    others = np.abs([ni.taylor_gap(X0, net.V0 + g, net.V0, net.a)[0] for g in G])
    assert np.max(others) <= gap + 1e-12


def test_majority_class_alone_falls_short():
    """The issue's example (m = 1000, B = 1, seed = 4): 4.814, not the majority class's 4.078."""
    net = ni.initialization(1000, 2, 4)
    pos, neg = lin.worst_case_plans(net, X0)
    majority = pos if np.count_nonzero(net.a > 0) >= np.count_nonzero(net.a < 0) else neg
    assert majority.value(1.0) == pytest.approx(4.078, abs=1e-3)
    assert lin.worst_case_plan(net, X0, 1.0).value(1.0) == pytest.approx(4.814, abs=1e-3)


# --- issue 12 (8): the softplus sup is certified -------------------------------------------


@pytest.mark.parametrize(
    ("m", "B", "beta", "direction"),
    [
        (300, 1.0, 4.0, "worst"),
        (300, 2.0, 4.0, "random"),
        (200, 20.0, 64.0, "worst"),
        (50, 0.01, 0.25, "random"),
        (2000, 3.0, 16.0, "worst"),
    ],
)
def test_softplus_sup_is_certified_against_a_dense_grid(m, B, beta, direction):
    pert = lin.perturbed(m, B, 1, direction)
    view = lin.on_circle(pert, "softplus", beta, 1441, 1 << 16, 1 << 14)
    r = pert.rows
    phi = np.linspace(0, 2 * np.pi, 400_001)
    dense = np.max(
        np.abs(
            ni.taylor_gap(
                circle.circle_points(phi),
                pert.V[r],
                pert.net.V0[r],
                pert.net.a[r],
                "softplus",
                beta,
            )
        )
    )
    assert view.sup <= dense + 1e-12 <= view.sup_upper + 1e-12
    assert view.sup_upper <= lin.prop_3_4_bound(beta, 1.0, B) * (1 + 1e-12)


def test_curvature_bound_holds_numerically():
    pert = lin.perturbed(40, 2.0, 3, "random")
    beta = 8.0
    M, _ = lin.softplus_gap_bounds(pert.V, pert.net.V0, beta)
    phi = np.linspace(0, 2 * np.pi, 200_001)
    g = ni.taylor_gap(circle.circle_points(phi), pert.V, pert.net.V0, pert.net.a, "softplus", beta)
    second = np.diff(g, 2) / (phi[1] - phi[0]) ** 2
    assert np.max(np.abs(second)) <= M


def test_softplus_third_derivative_bound_is_attained():
    beta = 3.0
    z = np.linspace(-2, 2, 400_001)
    s3 = np.gradient(np.gradient(ni.softplus_prime(z, beta), z), z)
    assert np.max(np.abs(s3)) == pytest.approx(lin.softplus_third_derivative_bound(beta), rel=1e-3)


def test_certified_sup_on_a_known_function():
    """sup |sin 3φ + 0.2| = 1.2 exactly; |g″| ≤ 9."""

    def g(phi):
        return np.sin(3 * phi) + 0.2

    start = g(np.linspace(0, 2 * np.pi, 40))
    cert = lin.certified_sup_on_circle(g, start, 9.0, 0.0, budget=4000)
    assert cert.lower <= 1.2 <= cert.upper and cert.upper - cert.lower < 2e-3
