"""Barron norms of Gaussians in dimension d (seed 003, end of §2.3)."""

import math

import numpy as np
import pytest

from approxlab.theory.shallow import barron_norm as gs

DIMS = [1, 2, 3, 5, 10, 31, 100, 316, 1000]
SIGMAS = [0.2, 0.3, 1 / math.sqrt(2 * math.pi), 0.5, 0.8]


def _ft_1d(f, x, w):
    """∫ exp(−2πi w x) f(x) dx by the trapezoid rule (f decays to 0 at the ends)."""
    h = x[1] - x[0]
    return np.sum(f(x)[None, :] * np.exp(-2j * np.pi * np.multiply.outer(w, x)), axis=1) * h


@pytest.mark.parametrize("sigma", [0.2, 0.5, 0.8])
def test_printed_fourier_pair_is_wrong_and_the_normalized_one_is_right(sigma):
    x = np.linspace(-12 * sigma, 12 * sigma, 6001)
    w = np.linspace(0.0, 2.0 / sigma, 9)
    ghat = np.exp(-2 * math.pi**2 * sigma**2 * w**2)
    one_d = _ft_1d(lambda t: np.exp(-(t**2) / (2 * sigma**2)), x, w)
    corrected_1d = _ft_1d(lambda t: gs.gaussian(t[:, None], sigma), x, w)
    np.testing.assert_allclose(corrected_1d.real, ghat, atol=1e-12)
    for d in (1, 2, 3):
        # at w·(1, …, 1) the d-dimensional transform of a product is a product of 1-D ones
        at_diagonal = np.exp(-2 * math.pi**2 * sigma**2 * d * w**2)
        printed = (2 * math.pi * sigma**2) ** (d / 2) * one_d**d
        assert np.max(np.abs(printed - at_diagonal)) > 0.05  # the printed pair fails …
        normalized = (2 * math.pi * sigma**2) ** (-d / 2) * one_d**d
        np.testing.assert_allclose(normalized.real, at_diagonal, atol=1e-12)  # … this holds
    np.testing.assert_allclose(gs.gaussian_hat(w[:, None], sigma), ghat)


def _radial_log_integral(d: int, sigma: float, power: int) -> float:
    """log ∫‖w‖^power·ĝ(w) dw = log(S_{d−1} ∫₀^∞ r^{d−1+power} e^{−a r²} dr) by quadrature
    around the peak (independent of the chi-distribution formula)."""
    a = 2 * math.pi**2 * sigma**2
    m = d - 1 + power
    peak = math.sqrt(max(m, 1) / (2 * a))
    r = np.linspace(1e-12, peak + 40 / math.sqrt(a), 200_001)
    logf = m * np.log(r) - a * r**2
    top = logf.max()
    integral = np.trapezoid(np.exp(logf - top), r)
    log_sphere = math.log(2) + 0.5 * d * math.log(math.pi) - math.lgamma(d / 2)
    return log_sphere + top + math.log(integral)


@pytest.mark.parametrize("d", [1, 2, 3, 7, 40, 300, 1000])
@pytest.mark.parametrize("sigma", [0.2, 0.5, 0.8])
def test_exact_integral_against_radial_quadrature(d, sigma):
    assert gs.log_integral_w_ghat(d, sigma) == pytest.approx(
        _radial_log_integral(d, sigma, 1), abs=1e-7
    )
    # the Hölder middle line: ∫‖w‖²ĝ = Z·d/(4π²σ²)
    assert gs.log_integral_w2_ghat(d, sigma) == pytest.approx(
        _radial_log_integral(d, sigma, 2), abs=1e-7
    )
    # Z = ∫ĝ
    assert gs.log_mass(d, sigma) == pytest.approx(_radial_log_integral(d, sigma, 0), abs=1e-7)


def test_exact_integral_in_two_dimensions_by_cartesian_quadrature():
    sigma = 0.45
    w = np.linspace(-4, 4, 2001)
    W1, W2 = np.meshgrid(w, w)
    f = np.hypot(W1, W2) * np.exp(-2 * math.pi**2 * sigma**2 * (W1**2 + W2**2))
    h = w[1] - w[0]
    assert math.exp(gs.log_integral_w_ghat(2, sigma)) == pytest.approx(f.sum() * h * h, rel=1e-6)


@pytest.mark.parametrize("d", DIMS)
@pytest.mark.parametrize("sigma", SIGMAS)
def test_exact_is_below_the_printed_bound_and_the_bound_is_the_holder_chain(d, sigma):
    exact = math.exp(gs.log_integral_w_ghat(d, sigma))
    bound = math.exp(gs.log_holder_bound(d, sigma))
    assert math.isfinite(exact) and math.isfinite(bound) and exact > 0
    assert exact <= bound
    # the printed closed form equals Z·(∫ Z⁻¹‖w‖²ĝ)^{1/2}
    assert gs.log_holder_bound(d, sigma) == pytest.approx(gs.log_holder_chain(d, sigma), abs=1e-12)
    assert exact / bound == pytest.approx(gs.ratio(d), rel=1e-12)


def test_ratio_increases_to_one():
    r = np.array([gs.ratio(d) for d in range(1, 1001)])
    assert np.all(r < 1) and np.all(np.diff(r) > 0) and r[-1] > 0.9997
    assert r[0] == pytest.approx(math.sqrt(2 / math.pi))  # d = 1: E|N(0,1)| = √(2/π)


def test_order_sqrt_d_when_two_pi_sigma_sq_at_least_one():
    for sigma in (1 / math.sqrt(2 * math.pi), 0.5, 0.8):
        norms = [2 * math.pi * math.exp(gs.log_integral_w_ghat(d, sigma)) for d in DIMS]
        assert max(n / math.sqrt(d) for n, d in zip(norms, DIMS, strict=True)) <= 1.0 / sigma


def test_lipschitz_constant_on_the_cube():
    for d, sigma in ((1, 0.3), (2, 0.5), (1, 2.0)):
        g0 = (2 * math.pi * sigma**2) ** (-d / 2)
        r = np.linspace(0, math.sqrt(d), 200_001)  # |∇g| depends on ‖x‖ only
        grad = g0 * r / sigma**2 * np.exp(-(r**2) / (2 * sigma**2))
        assert gs.lipschitz_on_cube(d, sigma) * g0 == pytest.approx(grad.max(), rel=1e-9)


@pytest.mark.parametrize("d", [2, 5, 40])
def test_theorem_2_3_cube_side_printed_vs_corrected(d):
    """A cube of side 1/k has diameter √d/k: the corrected k = ⌈ρ√d/ε⌉ gives error ≤ ε,
    the printed ⌈ρ/(ε√d)⌉ does not."""
    rho, eps = 3.0, 0.1
    corrected = math.ceil(rho * math.sqrt(d) / eps)
    printed = math.ceil(rho / (eps * math.sqrt(d)))
    assert rho * math.sqrt(d) / corrected <= eps
    assert rho * math.sqrt(d) / printed > eps
    n = gs.log10_grid_nodes(d, 0.5, 0.1)
    per_side = math.ceil(gs.lipschitz_on_cube(d, 0.5) * math.sqrt(d) / 0.1)
    assert n == pytest.approx(math.log10(4 * d + 1) + d * math.log10(per_side))


def test_maurey_width_reaches_the_accuracy():
    for d in DIMS:
        for sigma in (0.2, 0.5):
            k = 10 ** gs.log10_maurey_width(d, sigma, 0.1)
            rel_norm = 2 * math.pi * math.exp(gs.log_mean_norm(d, sigma))
            assert 4 * rel_norm**2 / round(k) <= 0.1**2 * (1 + 1e-12)


def test_dimension_sweep_is_the_pointwise_functions():
    dims = gs.dimension_grid()
    assert dims[0] == 1 and dims[-1] == 1000 and np.all(np.diff(dims) > 0)
    sw = gs.dimension_sweep(dims, 0.5, 0.1)
    for i in (0, 17, dims.size - 1):
        d = int(dims[i])
        assert sw["log_exact"][i] == gs.log_integral_w_ghat(d, 0.5)
        assert sw["log_bound"][i] == gs.log_holder_bound(d, 0.5)
        assert sw["log_exact_star"][i] == gs.log_integral_w_ghat(d, gs.SIGMA_STAR)
        assert sw["log10_maurey"][i] == gs.log10_maurey_width(d, 0.5, 0.1)
        assert sw["log10_grid"][i] == gs.log10_grid_nodes(d, 0.5, 0.1)
        assert sw["ratio"][i] == gs.ratio(d)


@pytest.mark.parametrize("d", [1, 2, 3, 10, 99, 100, 500, 999, 1000])
@pytest.mark.parametrize("sigma", [0.05, 0.1, 0.2, 1 / math.sqrt(2 * math.pi), 0.5, 1.0, 2.5, 5.0])
def test_the_printed_closed_form_equals_the_holder_step_up_to_the_derived_rounding(d, sigma):
    """An identity (equality in exact arithmetic): the check must never show ✗."""
    diff = abs(gs.log_holder_bound(d, sigma) - gs.log_holder_chain(d, sigma))
    allowance = gs.chain_allowance(d, sigma)
    assert diff <= allowance
    assert allowance <= 1e-9 * max(1.0, abs(gs.log_holder_bound(d, sigma)))


@pytest.mark.parametrize("d", [1, 10, 1000])
def test_the_standard_gaussian_in_logs(d):
    """σ = 1: every log finite; exp only where float64 holds it."""
    log_exact = gs.log_integral_w_ghat(d, 1.0)
    assert math.isfinite(log_exact) and math.isfinite(gs.log_holder_bound(d, 1.0))
    assert (gs.as_number(log_exact) is None) == (d == 1000)
    if d == 1:
        assert gs.as_number(log_exact) == pytest.approx(1 / (2 * math.pi**2), rel=1e-14)
