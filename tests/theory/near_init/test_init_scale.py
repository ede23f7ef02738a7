"""The size of a random network at initialization (seed 003, Lemma 3.15):
theory/near_init/init_scale.py.

Probabilistic statements are tested statistically: over many independent draws the
failure frequency must be consistent with δ (below δ plus four binomial standard
deviations).
"""

import numpy as np
import pytest

from approxlab.theory.near_init import circle
from approxlab.theory.near_init import init_scale as scale
from approxlab.theory.near_init import two_layer as ni


def allowed_failures(trials: int, delta: float) -> float:
    return trials * delta + 4.0 * np.sqrt(trials * delta * (1 - delta)) + 1


def test_lemma_3_15_uniform_constant_from_its_proof():
    """The proof's estimate (slips fixed) is below 16d√m ln(m/δ) ≤ 32d√m ln(m/δ)."""
    m = np.unique(np.geomspace(1, 100_000, 300).astype(int))
    for d in range(2, 11):
        for delta in np.geomspace(1e-8, 0.5, 40):
            proof = scale.lemma_3_15_proof_bound(m, d, delta)
            assert np.all(proof <= scale.lemma_3_15_uniform_bound(m, d, delta))
            assert np.all(
                scale.lemma_3_15_uniform_bound(m, d, delta)
                <= scale.lemma_3_15_uniform_bound_printed(m, d, delta)
            )


def test_lemma_3_15_fixed_x_survives_the_two_sided_hoeffding_step():
    """|Σ qⱼ| needs ln(4/δ) where the proof has ln(2/δ); the bound still follows."""
    m = np.unique(np.geomspace(1, 100_000, 300).astype(int)).astype(float)
    for delta in np.geomspace(1e-8, 0.5, 60):
        R = 1 + np.sqrt(2 * np.log(2 * m / delta))
        hoeffding = R * np.sqrt(2 * m * np.log(4 / delta))
        assert np.all(hoeffding <= scale.lemma_3_15_fixed_bound(m, 1.0, delta))


@pytest.mark.parametrize(("m", "d"), [(1, 2), (30, 2), (400, 2), (50, 4)])
def test_lemma_3_15_statistically(m, d):
    delta, trials = 0.25, 200
    fails_fixed = fails_uniform = 0
    x0 = np.zeros(d)
    x0[0] = 1.0
    for seed in range(trials):
        net = ni.initialization(m, d, seed)
        fails_fixed += abs(ni.prediction(x0, net.V0, net.a)[0]) > scale.lemma_3_15_fixed_bound(
            m, 1.0, delta
        )
        sup = scale.sup_on_sphere(net, seed).value
        fails_uniform += sup > scale.lemma_3_15_uniform_bound(m, d, delta)
    assert fails_fixed <= allowed_failures(trials, delta)
    assert fails_uniform <= allowed_failures(trials, 2 * delta)


def test_sup_on_sphere_is_exact_in_2d_and_a_good_lower_estimate_in_3d():
    net = ni.initialization(300, 2, 4)
    s = scale.sup_on_sphere(net, 4)
    dense = circle.circle_points(np.linspace(0, 2 * np.pi, 40_001))
    assert s.exact and s.value >= np.max(np.abs(ni.prediction(dense, net.V0, net.a))) - 1e-12
    net3 = ni.initialization(300, 3, 4)
    s3 = scale.sup_on_sphere(net3, 4)
    P = np.random.default_rng(0).standard_normal((30_000, 3))
    P /= np.linalg.norm(P, axis=1, keepdims=True)
    brute = np.max(np.abs(ni.prediction(P, net3.V0, net3.a)))
    assert s3.value >= 0.99 * brute
    assert abs(np.abs(ni.prediction(s3.where, net3.V0, net3.a)[0]) - s3.value) < 1e-9
    widths = np.array([1, 10, 300])
    np.testing.assert_allclose(
        scale.prefix_sups(net, widths), [scale.sup_on_circle(net.prefix(w))[0] for w in widths]
    )


@pytest.mark.parametrize("d", [2, 3])
def test_measure_and_its_prefixes(d):
    m, seed = 700, 2
    sc = scale.measure(m, d, seed, 12)
    net = ni.initialization(m, d, seed)
    assert sc.widths[0] == 1 and sc.widths[-1] == m and np.all(np.diff(sc.widths) > 0)
    assert sc.f_x0 == pytest.approx(abs(ni.prediction(sc.x0, net.V0, net.a)[0]))
    assert sc.sups[-1] == pytest.approx(sc.sphere.value)
    for i, w in enumerate(sc.widths):
        sub = net.prefix(int(w))
        assert sc.x0_prefix[i] == pytest.approx(abs(ni.prediction(sc.x0, sub.V0, sub.a)[0]))
        if d == 2:
            assert sc.sups[i] == pytest.approx(scale.sup_on_circle(sub)[0])
        else:
            direct = np.max(np.abs(ni.prediction(sc.probes, sub.V0, sub.a)))
            assert sc.sups[i] == pytest.approx(direct)
