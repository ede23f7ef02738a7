"""Theorem 3.10 (seed 003): the planting construction of its proof, theory/transport.py."""

import math

import numpy as np
import pytest

from approxlab.theory.near_init import circle, transport
from approxlab.theory.near_init import two_layer as ni

D = 2


def allowed_failures(trials: int, delta: float) -> float:
    return trials * delta + 4.0 * math.sqrt(trials * delta * (1 - delta)) + 1


def test_reference_networks_have_unit_directions_and_room_for_tau():
    for ref in transport.REFERENCE_NETWORKS.values():
        np.testing.assert_allclose(np.linalg.norm(ref.beta, axis=1), 1.0)
        assert ref.separation() / 2 > 0.5  # the scene's largest τ
        assert np.all(ref.alpha != 0)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_cap_estimate_of_the_proof(d):
    """P(‖β − v/‖v‖‖ ≤ τ) ≥ (τ/2)^{d−1}/2 (Ball's cap estimate as used in the proof)."""
    rng = np.random.default_rng(d)
    v = rng.standard_normal((400_000, d))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    beta = np.zeros(d)
    beta[0] = 1.0
    for tau in (0.1, 0.3, 0.5):
        freq = np.mean(np.linalg.norm(v - beta, axis=1) <= tau)
        assert freq >= (tau / 2) ** (d - 1) / 2
        if d == 2:  # exact on the circle: 2 arcsin(τ/2)/π
            assert abs(freq - 2 * math.asin(tau / 2) / math.pi) < 5 * math.sqrt(freq / 4e5)


@pytest.mark.parametrize("name", list(transport.REFERENCE_NETWORKS))
@pytest.mark.parametrize("tau", [0.1, 0.3, 0.5])
def test_the_construction(name, tau):
    ref = transport.REFERENCE_NETWORKS[name]
    m = 20_000
    net = ni.initialization(m, D, 5)
    pl = transport.plant(net, ref, tau)
    assert pl.enough and pl.u == math.ceil(m * transport.tau_d(tau, D))
    dV = pl.V - net.V0
    planted = np.concatenate(pl.U)
    assert np.unique(planted).size == planted.size == ref.k * pl.u  # the Sᵢ are disjoint
    moved = np.flatnonzero(np.any(dV != 0, axis=1))
    np.testing.assert_array_equal(np.sort(moved), np.sort(planted))
    # the directions are unchanged, rows move by exactly c|αᵢ|
    for i, idx in enumerate(pl.U):
        np.testing.assert_allclose(np.linalg.norm(dV[idx], axis=1), pl.c * abs(ref.alpha[i]))
        cosines = np.einsum("ij,ij->i", pl.V[idx], net.V0[idx])
        norms = np.linalg.norm(pl.V[idx], axis=1) * np.linalg.norm(net.V0[idx], axis=1)
        np.testing.assert_allclose(cosines / norms, 1.0, atol=1e-15)
        assert np.all(np.sign(net.a[idx]) == np.sign(ref.alpha[i]))
    assert abs(pl.scale - math.sqrt(m) / tau) < 1e-9 * pl.scale
    # F(x; V) = F₀(x; V): the exact gap over the circle vanishes to rounding
    assert ni.relu_gap_on_circle(pl.V, net.V0, net.a).sup_abs()[0] < 1e-10
    # the deterministic part of the error bound: planted signal vs c·u·g, mismatch ≤ c·u·τ‖α‖₁
    P = np.vstack([pl.V, net.V0, ref.beta])
    c = np.concatenate([net.a, -net.a, -pl.scale * ref.alpha])
    mismatch = circle.relu_sum(P, P, c).sup_abs()[0]
    assert mismatch <= pl.scale * tau * np.sum(np.abs(ref.alpha)) * (1 + 1e-12)
    # the corrected row and Frobenius bounds (equality when mτ_d is an integer)
    row = np.max(np.linalg.norm(dV, axis=1))
    assert row <= transport.row_bound(ref, tau, D, m) * (1 + 1e-12)
    assert np.linalg.norm(dV) <= transport.frobenius_bound(ref, tau, D) * (1 + 1e-12)


def test_printed_constants_cannot_hold_for_the_construction():
    """Printed: rows ≤ 2^{d+1}‖α‖∞/(τ^{d−1}√m), Frobenius ≤ 2^{d+1}‖α‖₂/τ^{d−1} with signal
    scale 2^{d+1}√m/τ^{d−1}.  The construction's rows are 2/τ times the printed bound; and
    any planting on u units per βᵢ with scale s has rows ≥ s/u·|αᵢ|, so the printed scale with
    the printed rows needs u ≥ m units near every βᵢ."""
    ref = transport.REFERENCE_NETWORKS["three"]
    for tau in (0.1, 0.25, 0.5):
        m = 50_000
        pl = transport.plant(ni.initialization(m, D, 1), ref, tau)
        row = pl.c * np.max(np.abs(ref.alpha))
        printed = 2 ** (D + 1) * np.max(np.abs(ref.alpha)) / (tau ** (D - 1) * math.sqrt(m))
        assert row > printed
        printed_scale = 2 ** (D + 1) * math.sqrt(m) / tau ** (D - 1)
        assert printed_scale / (printed / np.max(np.abs(ref.alpha))) == pytest.approx(m)


def test_width_requirement_printed_vs_union_bound():
    for k in (2, 3, 5):
        for tau in (0.05, 0.2, 0.5):
            for delta in (1e-3, 0.05, 1 / k):
                assert transport.min_width(tau, D, delta, k) <= transport.min_width_printed(
                    tau, D, delta
                ) * (1 + 1e-12)
            # with δ > 1/k the printed requirement is too small
            assert transport.min_width(tau, D, 0.9, k) > transport.min_width_printed(tau, D, 0.9)


@pytest.mark.parametrize("name", ["two", "five"])
def test_theorem_3_10_statistically(name):
    """At the smallest width the (corrected) hypothesis allows, over many draws."""
    ref = transport.REFERENCE_NETWORKS[name]
    tau, delta, trials = 0.5, 0.2, 120
    m = math.ceil(transport.min_width(tau, D, delta, ref.k))
    fails_S = fails_err = 0
    for seed in range(trials):
        net = ni.initialization(m, D, seed)
        pl = transport.plant(net, ref, tau)
        fails_S += int(pl.S_sizes.min()) < pl.u_target
        P = np.vstack([pl.V, ref.beta])
        err = circle.relu_sum(
            P, P, np.concatenate([tau * net.a / math.sqrt(m), -ref.alpha])
        ).sup_abs()[0]
        fails_err += err > tau / math.sqrt(m) * transport.error_bound(ref, tau, D, m, delta)
    assert fails_S <= allowed_failures(trials, delta)
    assert fails_err <= allowed_failures(trials, 3 * delta)
