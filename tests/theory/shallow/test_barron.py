"""Barron's theorem with threshold units (seed 003, Theorem 2.12, Example 2.18.2)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.shallow import halfplanes
from approxlab.theory.shallow.barron import (
    TARGETS,
    FFTTarget,
    GaussianBump,
    abs_sin_integral,
    abs_sin_integral_inv,
    abs_sin_mass,
    disc_test_points,
    representation_errors,
    sample_units,
    sampled_sq_errors,
    summarize,
    target_on_lattice,
    weight_density,
)
from approxlab.theory.shallow.halfplanes import lattice

NAMES = list(TARGETS)
GAUSSIANS = [n for n in NAMES if isinstance(TARGETS[n], GaussianBump)]


# --- ∫|sin| in closed form ---------------------------------------------------------------


def test_abs_sin_integral_and_inverse():
    t = np.linspace(-3.3, 3.3, 20_001)
    a = abs_sin_integral(t)
    h = 1e-6
    deriv = (abs_sin_integral(t + h) - abs_sin_integral(t - h)) / (2 * h)
    np.testing.assert_allclose(deriv, np.abs(np.sin(2 * np.pi * t)), atol=1e-5)
    assert abs_sin_integral(np.array(0.5)) == pytest.approx(1 / np.pi)
    np.testing.assert_allclose(abs_sin_integral(-t), -a)
    np.testing.assert_allclose(abs_sin_integral_inv(a), t, atol=1e-7)
    np.testing.assert_allclose(abs_sin_integral(abs_sin_integral_inv(a)), a, atol=1e-14)


def test_abs_sin_mass_against_quadrature():
    rng = np.random.default_rng(0)
    r, th = rng.uniform(0, 3, 20), rng.uniform(-2, 2, 20)
    b = np.linspace(0, 1, 100_001)
    quad = [
        np.trapezoid(np.abs(np.sin(2 * np.pi * (ri * b + ti))), b) * ri
        for ri, ti in zip(r, th, strict=True)
    ]
    np.testing.assert_allclose(abs_sin_mass(r, th), quad, rtol=1e-8, atol=1e-10)


# --- the Fourier transforms ------------------------------------------------------------


@pytest.mark.parametrize("name", GAUSSIANS)
def test_gaussian_transform_modulus_and_phase(name):
    t = TARGETS[name]
    x = np.linspace(-4, 4, 801)
    X, Y = np.meshgrid(x, x)
    vals = t(np.stack([X, Y], axis=-1))
    h = x[1] - x[0]
    for w in ([0.0, 0.0], [0.4, -0.3], [1.1, 0.7], [-0.8, 1.6]):
        ft = np.sum(vals * np.exp(-2j * np.pi * (w[0] * X + w[1] * Y))) * h * h
        assert abs(ft) == pytest.approx(float(t.ghat_abs(np.array(w))), abs=1e-12)
        if abs(ft) > 1e-8:
            phase = np.angle(ft) / (2 * np.pi) - float(t.theta(np.array(w)))
            assert abs(phase - round(phase)) < 1e-9


@pytest.mark.parametrize("name", NAMES)
def test_printed_q_equals_the_symmetrized_form(name):
    t = TARGETS[name]
    rng = np.random.default_rng(1)
    if isinstance(t, FFTTarget):
        w = rng.integers(-20, 21, (500, 2)) / t.box  # atoms of the frequency grid
        np.testing.assert_allclose(t.theta(-w), -t.theta(w), atol=1e-12)  # θ(−w) = −θ(w)
    else:
        w = rng.normal(size=(500, 2))
    b = rng.random(500) * np.linalg.norm(w, axis=1)
    simplified = -4 * np.pi * t.ghat_abs(w) * np.sin(2 * np.pi * (b + t.theta(w)))
    np.testing.assert_allclose(t.q(w, b), simplified, atol=1e-12)


def test_equation_2_11_is_not_pointwise_in_w():
    """The last line of (2.11) for a fixed w differs from the line before; equality needs
    the w ↔ −w symmetrization (true for the integrals, tested by the representation)."""
    t = TARGETS["offset"]
    w, x = np.array([1.3, -0.4]), np.array([-0.5, 0.3])  # wᵀx < 0
    r, th, thm = np.linalg.norm(w), float(t.theta(w)), float(t.theta(-w))
    b = np.linspace(0, r, 200_001)
    s = lambda v: np.sin(2 * np.pi * v)  # noqa: E731
    line2 = -2 * np.pi * np.trapezoid(s(b + th) * (w @ x >= b), b) + 2 * np.pi * np.trapezoid(
        s(-b + th) * (w @ x <= -b), b
    )
    line3 = 2 * np.pi * np.trapezoid((s(-b + thm) - s(b + th)) * (w @ x >= b), b)
    lhs = np.cos(2 * np.pi * (w @ x + th)) - np.cos(2 * np.pi * th)
    assert line2 == pytest.approx(lhs, abs=1e-4)  # trapezoid across the indicator's jump
    assert abs(line3 - lhs) > 0.1


# --- Theorem 2.12 ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_theorem_2_12_representation_inside_the_disc(name):
    t = TARGETS[name]
    pts = disc_test_points(40)
    err = np.abs(t(pts) - t.g0 - t.representation(pts))
    assert err.max() < 1e-11


@pytest.mark.parametrize("name", NAMES)
def test_theorem_2_12_fails_outside_the_disc(name):
    """The printed statement has no ‖x‖ ≤ 1: the identity really fails beyond the disc."""
    t = TARGETS[name]
    phi = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    out = 1.6 * np.stack([np.cos(phi), np.sin(phi)], axis=-1)
    assert np.abs(t(out) - t.g0 - t.representation(out)).max() > 1e-3


@pytest.mark.parametrize("name", GAUSSIANS)
def test_theorem_2_12_as_a_double_integral_of_the_printed_q(name):
    """∬ q(w, b) 1[wᵀx ≥ b] db dw with the printed q and no closed form: Gauss–Legendre in
    b on [0, ‖w‖], polar Gauss–Legendre in w split where wᵀx changes sign."""
    t = TARGETS[name]
    xg, wg = np.polynomial.legendre.leggauss(80)
    u01, w01 = 0.5 * (xg + 1), 0.5 * wg
    rmax = 12 * t.s
    r, dr = rmax * u01, rmax * w01
    for x in disc_test_points(5):
        base = math.atan2(x[1], x[0]) + math.pi / 2
        phi = np.concatenate([base + math.pi * u01, base + math.pi + math.pi * u01])
        dphi = np.concatenate([math.pi * w01, math.pi * w01])
        u = np.stack([np.cos(phi), np.sin(phi)], axis=-1)
        w = r[:, None, None] * u[None, :, :]  # (r, φ, 2)
        top = np.clip(w @ x, 0, r[:, None])  # 1[wᵀx ≥ b] on [0, ‖w‖] is b ≤ top
        bb = top[..., None] * u01  # (r, φ, nodes)
        ww = np.broadcast_to(w[:, :, None, :], (*bb.shape, 2))
        inner = (t.q(ww, bb) * w01).sum(-1) * top
        total = np.einsum("ra,r,a,r->", inner, dr, dphi, r)
        assert total == pytest.approx(float(t(x) - t.g0), abs=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_mass_is_at_most_twice_the_barron_norm(name):
    t = TARGETS[name]
    assert t.mass <= 2 * t.barron_norm


@pytest.mark.parametrize("name", GAUSSIANS)
def test_gaussian_barron_norm_and_mass_quadrature(name):
    t = TARGETS[name]
    assert t.barron_norm == pytest.approx(math.sqrt(math.pi / 2) / t.sigma, rel=1e-14)
    # 2π∫‖w‖|ĝ| by Cartesian quadrature
    w = np.linspace(-8 * t.s, 8 * t.s, 1601)
    W = np.stack(np.meshgrid(w, w), axis=-1)
    h = w[1] - w[0]
    cart = 2 * np.pi * np.sum(np.linalg.norm(W, axis=-1) * t.ghat_abs(W)) * h * h
    assert t.barron_norm == pytest.approx(cart, rel=1e-6)
    # the mass: the split polar rule agrees with a much finer one and with Cartesian sums
    phi, u, r, dr = t._polar(n_angle=1024, n_gl=40, radius_sd=11.0)
    fine = float(
        (t.marginal(r[..., None] * u[:, None, None, :]) * r * dr).sum() * 2 * np.pi / phi.size
    )
    assert t.mass == pytest.approx(fine, rel=1e-11)
    assert t.mass == pytest.approx(float(np.sum(t.marginal(W)) * h * h), rel=1e-5)


def test_fft_target_accuracy_and_riemann_sum_of_the_barron_norm():
    t = TARGETS["plateau"]
    assert isinstance(t, FFTTarget)
    assert t.accuracy < 1e-13
    finer = FFTTarget("fine", "", fn=t.fn, box=2 * t.box, points=2 * t.points - 1)
    assert finer.accuracy < 1e-13
    assert t.barron_norm == pytest.approx(finer.barron_norm, rel=5e-4)
    assert t.mass == pytest.approx(finer.mass, rel=5e-4)


# --- sampling ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_units_are_drawn_from_q(name):
    t = TARGETS[name]
    rng = np.random.default_rng(3)
    n = 200_000
    u = sample_units(t, (n,), rng)
    r = np.linalg.norm(u.w, axis=1)
    assert np.all((u.b >= 0) & (u.b <= r))
    assert np.all(
        np.sign(t.q(u.w, u.b))[np.abs(t.q(u.w, u.b)) > 1e-12] == u.s[np.abs(t.q(u.w, u.b)) > 1e-12]
    )
    # unbiasedness of one unit ‖μ‖₁·s·1[wᵀx ≥ b] for g − g(0) at points of the disc
    x = disc_test_points(8)
    v = t.mass * (u.w @ x.T >= u.b[:, None]) * u.s[:, None]
    z = (v.mean(0) - (t(x) - t.g0)) / (v.std(0) / np.sqrt(n))
    assert np.max(np.abs(z)) < 4.5


@pytest.mark.parametrize("name", GAUSSIANS)
def test_weight_marginal_by_moments(name):
    """E φ(w) under the sampler against quadrature of φ·∫|q| db / ∬|q|."""
    t = TARGETS[name]
    u = sample_units(t, (200_000,), np.random.default_rng(4))
    w = np.linspace(-9 * t.s, 9 * t.s, 1201)
    W = np.stack(np.meshgrid(w, w), axis=-1)
    dens = t.marginal(W) / t.mass * (w[1] - w[0]) ** 2
    for phi in (lambda v: np.linalg.norm(v, axis=-1), lambda v: np.cos(3 * v[..., 0] + v[..., 1])):
        vals = phi(u.w)
        se = vals.std() / np.sqrt(vals.size)
        assert abs(vals.mean() - np.sum(phi(W) * dens)) < 4.5 * se


# --- the lattice evaluation ---------------------------------------------------------------


def test_sup_of_halfplane_norm_by_brute_force():
    lat = halfplanes.lattice(31)
    ang = np.linspace(0, 2 * np.pi, 40_001)
    frac = ((np.stack([np.cos(ang), np.sin(ang)], 1) @ lat.points.T) >= 0).mean(1)
    assert lat.sup_halfplane_sq_norm() == pytest.approx(frac.max(), rel=1e-15)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 60), trials=st.integers(1, 4))
def test_row_by_row_field_equals_dense(seed, k, trials):
    rng = np.random.default_rng(seed)
    lat = halfplanes.lattice(int(rng.choice([5, 17, 31])))
    w = rng.normal(size=(trials, k, 2)) * rng.choice([0.1, 1, 10])
    w[..., 0] *= rng.random((trials, k)) > 0.2  # some units with w₁ = 0
    w = np.where(rng.random((trials, k, 1)) < 0.2, np.round(w), w)
    x = lat.coords
    # biases through lattice points (ties, where rounding decides)
    b = (
        w[..., 0] * x[rng.integers(lat.n, size=(trials, k))]
        + w[..., 1] * x[rng.integers(lat.n, size=(trials, k))]
    )
    b = np.where(rng.random((trials, k)) < 0.5, b, rng.normal(size=(trials, k)))
    a = rng.normal(size=(trials, k))
    ks = np.unique([*rng.integers(1, k + 1, 3).tolist(), k])
    f = halfplanes.field(lat, w, b, a, ks)
    for j, kk in enumerate(ks):
        dense = halfplanes.field_dense(lat, w[:, :kk], b[:, :kk], a[:, :kk])
        np.testing.assert_allclose(f[:, j], dense, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_sampled_errors_equal_dense_evaluation(name):
    t = TARGETS[name]
    lat = halfplanes.lattice(21)
    u = sample_units(t, (3, 40), np.random.default_rng(5))
    ks = np.array([1, 7, 40])
    run = sampled_sq_errors(t, lat, u, ks)
    xy = np.stack(np.meshgrid(lat.coords, lat.coords), axis=-1)
    resid = t(xy) - t.g0
    for j, k in enumerate(ks):
        f = halfplanes.field_dense(lat, u.w[:, :k], u.b[:, :k], u.s[:, :k]) * t.mass / k
        e = ((resid - f) ** 2)[:, lat.inside].mean(axis=1)
        np.testing.assert_allclose(run.sq_errors[:, j], e, rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_example_2_18_2_bound_statistically(name):
    """E‖g − f‖² ≤ ‖μ‖₁²·sup‖1[wᵀ· ≥ b]‖²/k ≤ 4(∫‖∇̃g‖)²/k: the mean over many trials is
    below the Lemma 2.17 bound, and single trials exceed the printed bound no more often
    than Markov's inequality allows."""
    t = TARGETS[name]
    lat = halfplanes.lattice(31)
    k, trials = 8, 600
    u = sample_units(t, (trials, k), np.random.default_rng(6))
    e = sampled_sq_errors(t, lat, u, np.array([k])).sq_errors[:, 0]
    lemma = t.mass**2 * lat.sup_halfplane_sq_norm() / k
    bound = 4 * t.barron_norm**2 / k
    assert lemma <= bound
    assert e.mean() + 3 * e.std() / np.sqrt(trials) <= lemma
    delta = lemma / bound
    assert np.mean(e > bound) <= delta + 3 * np.sqrt(delta * (1 - delta) / trials)


@pytest.mark.parametrize("name", GAUSSIANS)
def test_lemma_2_9_gradient_transform_and_equation_2_10(name):
    """‖∇̃g(w)‖ = 2π‖w‖·|ĝ(w)| (Lemma 2.9.2) and g(x) = ∫|ĝ(w)| cos 2π(wᵀx + θ(w)) dw
    (eq. 2.10), both by quadrature."""
    t = TARGETS[name]
    x = np.linspace(-4, 4, 801)
    X, Y = np.meshgrid(x, x)
    xy = np.stack([X, Y], axis=-1)
    h = x[1] - x[0]
    c = np.asarray(t.center)
    grad = -(xy - c) / t.sigma**2 * t(xy)[..., None]  # ∇g in closed form
    for w in ([0.3, -0.2], [1.0, 0.9], [-1.4, 0.1]):
        e = np.exp(-2j * np.pi * (w[0] * X + w[1] * Y))
        ft = np.array([np.sum(grad[..., i] * e) * h * h for i in range(2)])
        want = 2 * np.pi * np.linalg.norm(w) * float(t.ghat_abs(np.array(w)))
        assert np.linalg.norm(ft) == pytest.approx(want, abs=1e-12)
    wv = np.linspace(-10 * t.s, 10 * t.s, 801)
    W = np.stack(np.meshgrid(wv, wv), axis=-1)
    dw = (wv[1] - wv[0]) ** 2
    for p in disc_test_points(6):
        val = np.sum(t.ghat_abs(W) * np.cos(2 * np.pi * (W @ p + t.theta(W)))) * dw
        assert val == pytest.approx(float(t(p)), abs=1e-12)


# --- the scene's measurements, moved into theory ---------------------------------------


def test_target_on_the_lattice_has_rows_along_y():
    """Orientation with an asymmetric target: the offset bump's centre (0.35, −0.2)."""
    z = target_on_lattice("offset", 63)
    lat = lattice(63)
    r, c = np.unravel_index(np.nanargmax(z), z.shape)
    assert lat.coords[c] == pytest.approx(0.35, abs=0.02)
    assert lat.coords[r] == pytest.approx(-0.2, abs=0.02)
    assert np.isnan(z[0, 0]) and not np.isnan(z[31, 31])


@pytest.mark.parametrize("name", list(TARGETS))
def test_weight_density_and_representation_errors(name):
    ax, dens = weight_density(name)
    assert dens.shape == (ax.size, ax.size) and np.all(dens >= 0)
    inside, outside = representation_errors(name)
    assert inside < 1e-6 < 1e-3 < outside


def test_summary_of_a_run():
    t = TARGETS["gauss"]
    lat = lattice(21)
    units = sample_units(t, (3, 40), np.random.default_rng(0))
    run = sampled_sq_errors(t, lat, units, np.array([1, 10, 40]))
    s = summarize(t, lat, run, 40)
    assert s.bound == 4 * t.barron_norm**2 / 40
    assert s.lemma_bound == t.mass**2 * lat.sup_halfplane_sq_norm() / 40 <= s.bound
    assert s.mean_sq_error == pytest.approx(run.sq_errors[:, -1].mean())
    assert s.best_sq_error == run.sq_errors[:, -1].min()


@pytest.mark.parametrize("name", list(TARGETS))
def test_weight_density_is_a_density_of_the_mass(name):
    """Its Riemann sum over the plotted window is (nearly) the mass ∬|q| — for the FFT target
    too, whose atoms' masses are |ĝ(w_m)|·Δw² (it was drawn Δw⁻² = 64 times too large)."""
    ax, dens = weight_density(name)
    h = ax[1] - ax[0]
    assert float(dens.sum() * h * h) == pytest.approx(TARGETS[name].mass, rel=2e-2)
