"""Kernel regression with k_∞ (seed 003, eq. (3.20), Remark 3.24, Prop. 3.25)."""

import math

import numpy as np
import pytest

from approxlab.theory.near_init import kernel_fit as kf
from approxlab.theory.near_init import ntk

KINDS = ("padded", "unpadded")


@pytest.mark.parametrize("kind", KINDS)
def test_kernel_on_the_circle_is_k_inf_of_the_actual_inputs(kind):
    t = np.random.default_rng(0).uniform(0, 2 * np.pi, 60)
    X = kf.inputs(t, kind)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0)
    if kind == "padded":  # 𝒳 of Proposition 3.25: ‖x‖ = 1 and x_d = 1/√2
        np.testing.assert_allclose(X[:, -1], 1 / math.sqrt(2))
    np.testing.assert_allclose(kf.gram(t, t, kind), ntk.k_inf(X, X), atol=5e-16)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [1, 2, 3, 8, 31, 64, 255, 256])
def test_fft_interpolation_equals_the_dense_pseudo_inverse(kind, n):
    g = kf.TARGETS["bump"].f
    fit = kf.fit(g, n, kind)
    K = kf.gram(fit.t, fit.t, kind)
    w, U = np.linalg.eigh(K)
    keep = w > w[-1] * n * np.finfo(float).eps * 4
    dense = U[:, keep] @ ((U[:, keep].T @ g(fit.t)) / w[keep])
    np.testing.assert_allclose(fit.alpha, dense, atol=1e-9 * max(1.0, np.abs(dense).max()))
    np.testing.assert_allclose(fit.eigenvalues, w, atol=1e-12 * n)
    t, h = fit.on_grid(kf.grid_size(n, 2048))
    assert t.size % (2 * n) == 0 and t.size >= 2048
    np.testing.assert_allclose(h, fit(t), atol=1e-12 * max(1.0, np.abs(fit.alpha).sum()))
    if kind == "padded":  # eq. (3.20) reproduces the data at the centres
        np.testing.assert_allclose(fit(fit.t), g(fit.t), atol=1e-11)


def test_fourier_coefficients_by_quadrature_closed_form_and_fft():
    q = kf.fourier_coefficients("unpadded", 256)
    np.testing.assert_allclose(q, kf.fourier_coefficients_unpadded_exact(256), atol=1e-14)
    assert np.all(kf.fourier_coefficients_unpadded_exact(256)[3::2] == 0.0)
    N = 1 << 16
    s = 2 * np.pi * np.arange(N) / N
    for kind in KINDS:
        fft = np.fft.rfft(kf.kappa(s, kind)).real / N
        np.testing.assert_allclose(fft[:200], kf.fourier_coefficients(kind, 199), atol=1e-9)
    padded = kf.fourier_coefficients("padded", 256)
    assert np.all(padded > 0)
    # λ_k ≍ 1/k²: k²λ_k levels off
    k = np.arange(64, 257)
    assert np.ptp(k**2 * padded[64:]) < 0.05 * np.mean(k**2 * padded[64:])


def test_unpadded_kernel_identity_and_the_maclaurin_claim():
    """κ(cos s) = cos(s)/4 + cos(s) arcsin(cos s)/(2π): only harmonic 1 and even ones.  With
    padding, z = uᵀu′ ↦ k_∞ = w/4 + w arcsin(w)/(2π), w = z + 1/2, has positive Maclaurin
    coefficients in z (the proof of Prop. 3.25)."""
    s = np.linspace(-np.pi, np.pi, 1001)
    c = np.cos(s)
    np.testing.assert_allclose(
        kf.kappa(s, "unpadded"), c / 4 + c * np.arcsin(c) / (2 * np.pi), atol=1e-15
    )
    # arcsin(w) = Σ_k (2k)!/(4^k (k!)² (2k+1)) w^{2k+1}; compose with w = z + 1/2
    N = 40
    arcsin = np.zeros(N + 2)
    for j in range(N // 2):
        arcsin[2 * j + 1] = math.comb(2 * j, j) / (4**j * (2 * j + 1))
    f_w = np.zeros(N + 3)
    f_w[1] += 0.25
    f_w[1 : N + 3] += arcsin / (2 * np.pi)  # w · arcsin(w)
    coef_z = np.zeros(N + 3)
    for p, a in enumerate(f_w):  # (z + 1/2)^p = Σ_j C(p, j) z^j 2^{j−p}
        for j in range(p + 1):
            coef_z[j] += a * math.comb(p, j) * 0.5 ** (p - j)
    assert np.all(coef_z[: N // 2] > 0)
    z = np.linspace(-0.3, 0.3, 7)
    w = z + 0.5
    np.testing.assert_allclose(
        np.polynomial.polynomial.polyval(z, coef_z),
        ntk.k_inf_theta(np.arccos(w)),
        atol=1e-6,
    )
    # the printed kernel xᵀx′/π − xᵀx′ arccos(xᵀx′)/(2π) is not k_∞; xᵀx′/2 − … is
    u = np.linspace(-1, 1, 11)
    printed = u / np.pi - u * np.arccos(u) / (2 * np.pi)
    corrected = u / 2 - u * np.arccos(u) / (2 * np.pi)
    np.testing.assert_allclose(corrected, ntk.k_inf_theta(np.arccos(u)), atol=1e-15)
    assert np.max(np.abs(printed - corrected)) > 0.1


@pytest.mark.parametrize("name", list(kf.TARGETS))
def test_proposition_3_25_padded_kernel_approximates_every_target(name):
    g = kf.TARGETS[name]
    errors = []
    for n in (4, 16, 64, 256):
        t, h = kf.fit(g.f, n, "padded").on_grid(kf.grid_size(n, 2048))
        errors.append(np.max(np.abs(h - g.f(t))))
    assert errors[-1] < 1e-3 and errors[-1] < errors[1] / 10


@pytest.mark.parametrize("name", list(kf.TARGETS))
def test_unpadded_kernel_misses_odd_harmonics(name):
    g = kf.TARGETS[name]
    for n in (1, 2, 3, 16, 63, 64, 255, 256):
        t, h = kf.fit(g.f, n, "unpadded").on_grid(kf.grid_size(n, 2048))
        floor = kf.odd_harmonic_rms(g.f(t))
        assert np.max(np.abs(h - g.f(t))) >= floor
        # h itself has no odd harmonics ≥ 3 (to rounding)
        assert kf.odd_harmonic_rms(h) < 1e-12 * max(1.0, np.abs(h).max())
    floor = kf.odd_harmonic_rms(g.f(2 * np.pi * np.arange(2048) / 2048))
    if name in ("cos3", "triangle", "bump"):
        assert floor > 0.03
    else:  # |sin t| has only even harmonics
        assert floor < 1e-12
