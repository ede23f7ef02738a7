"""Barron's theorem with threshold units (seed 003, Theorem 2.12 and Example 2.18.2), in 2-D.

For real ``g`` with ``g, ĝ ∈ L₁`` (``ĝ(w) = ∫ exp(−2πi wᵀx) g(x) dx``, polar form
``ĝ = |ĝ|·exp(2πi θ)``), Theorem 2.12 builds the threshold-unit density

    q(w, b) = 2π|ĝ(w)|·(sin(2π(−b + θ(−w))) − sin(2π(b + θ(w))))·1[0 ≤ b ≤ ‖w‖]

with ``g(x) − g(0) = ∬ q(w, b)·1[wᵀx ≥ b] db dw``.  Two corrections to the printed
statement, both verified numerically (tests/theory/test_barron.py):

* the identity holds for ``‖x‖ ≤ 1`` only (the proof replaces ``∫₀^{wᵀx}`` by
  ``∫₀^{‖w‖} 1[wᵀx ≥ b]``, which needs ``wᵀx ≤ ‖w‖``); the printed theorem has no such
  hypothesis;
* the last equality of eq. (2.11) is not an identity for fixed ``w``: it substitutes
  ``w → −w`` in one of the two integrals, so it holds only after integrating against
  ``|ĝ(w)| dw``, using ``|ĝ(−w)| = |ĝ(w)|`` and ``θ(−w) = −θ(w)`` (``g`` real).  The same
  symmetry simplifies ``q(w, b) = −4π|ĝ(w)|·sin(2π(b + θ(w)))``.

Hence ``∫₀^{‖w‖}|q(w, b)| db = 4π|ĝ(w)|·S(‖w‖, θ(w))`` with ``S(r, θ) = ∫₀^r |sin 2π(b + θ)| db``
(closed form via :func:`abs_sin_integral`), and the mass ``∬|q| ≤ 4π∫‖w‖|ĝ| = 2∫‖∇̃g‖``.

Sampling ``(w, b, s)`` from ``|q|/∬|q|``: ``w`` from its marginal ``∝ |ĝ(w)|·S(‖w‖, θ(w))``
(rejection from ``∝ ‖w‖·|ĝ(w)|`` for Gaussians — exact; inverse CDF over the atoms of the
FFT grid otherwise), then ``b | w`` by inverting ``S`` in closed form, ``s = sign q(w, b)``.

Targets: Gaussian bumps (closed-form ``ĝ``; a shifted one has the phase
``θ(w) = −wᵀc``), and a flat-topped bump whose transform is computed by FFT — the
infinite-width network is then the discrete measure on the FFT frequency grid (Lemma 2.17
allows any measure), which represents ``g`` on the disc to the stated accuracy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np

from approxlab.theory.shallow import halfplanes
from approxlab.theory.shallow.halfplanes import Lattice
from approxlab.theory.shallow.maurey import Categorical

TWO_PI = 2.0 * math.pi


# --------------------------------------------------------------------------------------
# ∫ |sin 2πt| dt in closed form


def abs_sin_integral(t: np.ndarray) -> np.ndarray:
    """``A(t) = ∫₀^t |sin 2πs| ds`` (odd; ``1/π`` per half period): ``⌊2t⌋/π + sin²(πf)/π``
    with ``f = t − ⌊2t⌋/2``."""
    t = np.asarray(t, dtype=float)
    a = np.abs(t)
    j = np.floor(2.0 * a)
    f = a - 0.5 * j
    return np.sign(t) * (j + np.sin(math.pi * f) ** 2) / math.pi


def abs_sin_integral_inv(v: np.ndarray) -> np.ndarray:
    """The inverse of :func:`abs_sin_integral` (strictly increasing)."""
    v = np.asarray(v, dtype=float)
    a = np.abs(v) * math.pi
    j = np.floor(a)
    rem = np.clip(a - j, 0.0, 1.0)
    return np.sign(v) * (0.5 * j + np.arcsin(np.sqrt(rem)) / math.pi)


def abs_sin_mass(r: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``S(r, θ) = ∫₀^r |sin 2π(b + θ)| db = A(θ + r) − A(θ)``."""
    return abs_sin_integral(np.asarray(theta) + r) - abs_sin_integral(theta)


# --------------------------------------------------------------------------------------
# Fourier targets


class FourierTarget:
    """A real target on the plane with its Fourier transform in polar form."""

    name: str
    label: str

    def __call__(self, x: np.ndarray) -> np.ndarray:  # x: (..., 2)
        raise NotImplementedError

    @property
    def g0(self) -> float:
        return float(self(np.zeros(2)))

    def ghat_abs(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def theta(self, w: np.ndarray) -> np.ndarray:
        """Phase θ(w) of ``ĝ(w) = |ĝ(w)| exp(2πi θ(w))``."""
        raise NotImplementedError

    def q(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Theorem 2.12's density, exactly as printed (uses ``θ(−w)``)."""
        w = np.asarray(w, dtype=float)
        r = np.linalg.norm(w, axis=-1)
        inside = (b >= 0) & (b <= r)
        val = (
            TWO_PI
            * self.ghat_abs(w)
            * (np.sin(TWO_PI * (-b + self.theta(-w))) - np.sin(TWO_PI * (b + self.theta(w))))
        )
        return np.where(inside, val, 0.0)

    # subclasses provide: barron_norm, mass, sample_w, representation
    barron_norm: float
    mass: float

    def sample_w(self, n: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def representation(self, x: np.ndarray) -> np.ndarray:
        """``∬ q(w, b) 1[wᵀx ≥ b] db dw`` at points ``x`` (inner integral in closed form:
        ``2|ĝ(w)|·(cos 2π(t + θ) − cos 2πθ)``, ``t = clip(wᵀx, 0, ‖w‖)``)."""
        raise NotImplementedError

    def marginal(self, w: np.ndarray) -> np.ndarray:
        """``∫₀^{‖w‖} |q(w, b)| db = 4π|ĝ(w)|·S(‖w‖, θ(w))``."""
        w = np.asarray(w, dtype=float)
        return (
            2 * TWO_PI * self.ghat_abs(w) * abs_sin_mass(np.linalg.norm(w, axis=-1), self.theta(w))
        )


def _inner(ghat: np.ndarray, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``∫₀^t q db`` for the simplified ``q = −4π|ĝ| sin 2π(b + θ)``."""
    return 2.0 * ghat * (np.cos(TWO_PI * (t + theta)) - np.cos(TWO_PI * theta))


def _gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w  # on [0, 1]


@dataclass(frozen=True, eq=False)
class GaussianBump(FourierTarget):
    """``g(x) = exp(−‖x − c‖²/(2σ²))``: ``ĝ(w) = 2πσ²·exp(−2π²σ²‖w‖²)·exp(−2πi wᵀc)``."""

    name: str
    label: str
    sigma: float
    center: tuple[float, float] = (0.0, 0.0)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        d = np.asarray(x, dtype=float) - np.asarray(self.center)
        return np.exp(-np.sum(d * d, axis=-1) / (2 * self.sigma**2))

    @property
    def s(self) -> float:
        """Standard deviation of the Gaussian ``|ĝ|``: ``1/(2πσ)``."""
        return 1.0 / (TWO_PI * self.sigma)

    def ghat_abs(self, w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        return TWO_PI * self.sigma**2 * np.exp(-2 * math.pi**2 * self.sigma**2 * np.sum(w * w, -1))

    def theta(self, w: np.ndarray) -> np.ndarray:
        return -(np.asarray(w, dtype=float) @ np.asarray(self.center))

    @cached_property
    def barron_norm(self) -> float:
        """``2π∫‖w‖|ĝ(w)| dw = 2π·E‖W‖`` (W ~ N(0, s²I₂), ``∫|ĝ| = 1``) ``= √(π/2)/σ``."""
        return TWO_PI * self.s * math.sqrt(math.pi / 2)

    def _polar(self, n_angle: int = 512, n_gl: int = 24, radius_sd: float = 9.0):
        """Angles, panel breakpoints in r per angle, and Gauss–Legendre nodes on each panel.

        Along a ray ``w = r·u``, ``θ = −r·β`` with ``β = uᵀc``, so ``S = A(r(1 − β)) + A(rβ)``
        has kinks where ``r(1 − β)`` or ``rβ`` is a multiple of ½; panels split there, so
        the radial rule is exact to rounding.  The angular trapezoid rule is spectrally
        accurate for the (smooth, periodic) radial integrals.
        """
        phi = TWO_PI * np.arange(n_angle) / n_angle
        u = np.stack([np.cos(phi), np.sin(phi)], axis=-1)
        beta = u @ np.asarray(self.center)
        rmax = radius_sd * self.s
        jmax = math.ceil(2 * rmax * (1 + 2 * float(np.max(np.abs(beta)))))
        j = np.arange(1, jmax + 1) / 2.0
        with np.errstate(divide="ignore"):
            k1 = j[None, :] / np.abs(1 - beta)[:, None]
            k2 = j[None, :] / np.abs(beta)[:, None]
        brk = np.concatenate([np.zeros((n_angle, 1)), k1, k2, np.full((n_angle, 1), rmax)], 1)
        brk = np.sort(np.minimum(brk, rmax), axis=1)
        a, b = brk[:, :-1], brk[:, 1:]
        x, wt = _gauss_legendre(n_gl)
        r = a[..., None] + (b - a)[..., None] * x  # (angles, panels, nodes)
        dr = (b - a)[..., None] * wt
        return phi, u, r, dr

    @cached_property
    def mass(self) -> float:
        """``∬|q| = ∫ 4π|ĝ(w)| S(‖w‖, θ(w)) dw`` by the polar rule of :meth:`_polar`."""
        phi, u, r, dr = self._polar()
        w = r[..., None] * u[:, None, None, :]
        f = self.marginal(w) * r * dr
        return float(f.sum() * TWO_PI / phi.size)

    def sample_w(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` iid draws from ``∝ |ĝ(w)|·S(‖w‖, θ(w))``: propose from ``∝ ‖w‖·|ĝ(w)|`` (radius
        ``s·χ₃``, uniform angle) and accept with probability ``S(‖w‖, θ(w))/‖w‖ ≤ 1``."""
        out = np.empty((0, 2))
        accept = self.mass / (2 * self.barron_norm)
        while out.shape[0] < n:
            m = int(1.2 * (n - out.shape[0]) / accept) + 64
            r = self.s * np.linalg.norm(rng.standard_normal((m, 3)), axis=1)
            phi = TWO_PI * rng.random(m)
            w = r[:, None] * np.stack([np.cos(phi), np.sin(phi)], axis=1)
            keep = rng.random(m) * r < abs_sin_mass(r, self.theta(w))
            out = np.concatenate([out, w[keep]])
        return out[:n]

    def representation(self, x: np.ndarray, n_r: int = 96, n_angle: int = 96) -> np.ndarray:
        """Quadrature of ``∬ q 1[wᵀx ≥ b]``: Gauss–Legendre in r on ``[0, 12s]`` and on each
        half-circle between the two directions ``⊥ x`` (where ``t = max(wᵀx, 0)`` kinks)."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        xr, xw = _gauss_legendre(n_r)
        rmax = 12 * self.s
        r, dr = rmax * xr, rmax * xw
        ar, aw = _gauss_legendre(n_angle)
        out = np.empty(x.shape[0])
        for i, xi in enumerate(x):  # a handful of check points
            base = math.atan2(xi[1], xi[0]) + math.pi / 2
            phi = np.concatenate([base + math.pi * ar, base + math.pi + math.pi * ar])
            dphi = np.concatenate([math.pi * aw, math.pi * aw])
            u = np.stack([np.cos(phi), np.sin(phi)], axis=-1)
            w = r[:, None, None] * u[None, :, :]
            rr = np.broadcast_to(r[:, None], w.shape[:2])
            t = np.clip(w @ xi, 0.0, rr)
            f = _inner(self.ghat_abs(w), self.theta(w), t) * rr
            out[i] = float(np.einsum("ra,r,a->", f, dr, dphi))
        return out


@dataclass(frozen=True, eq=False)
class FFTTarget(FourierTarget):
    """A target whose transform is computed by FFT on ``[−L/2, L/2]²`` with ``N`` (odd)
    points per axis; the infinite-width network is the measure with atoms ``Δw²·q(w_m, b)``
    at the frequencies ``w_m = m/L`` (``|m| ≤ (N−1)/2``).

    By Poisson summation this measure represents the trigonometric interpolant of the
    samples of ``g``; for ``g`` negligible on the box boundary and ``ĝ`` negligible beyond
    the Nyquist frequency ``N/(2L)`` it equals ``g`` on the disc to the accuracy measured
    by :attr:`accuracy`.
    """

    name: str
    label: str
    fn: object = field(repr=False)  # callable on (..., 2)
    box: float = 8.0
    points: int = 193

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.fn(np.asarray(x, dtype=float))  # type: ignore[operator]

    @cached_property
    def _atoms(self):
        L, N = self.box, self.points
        dx = L / N
        c = np.arange(N) - (N - 1) // 2
        xs = c * dx
        X, Y = np.meshgrid(xs, xs)  # rows y, columns x
        vals = self(np.stack([X, Y], axis=-1))
        ft = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(vals))) * dx * dx
        ft = 0.5 * (ft + np.conj(ft[::-1, ::-1]))  # exact conjugate symmetry (g real)
        wx, wy = np.meshgrid(c / L, c / L)
        w = np.stack([wx.ravel(), wy.ravel()], axis=-1)
        dw2 = 1.0 / L**2
        amp = np.abs(ft.ravel()) * dw2  # |ĝ(w_m)|·Δw²
        theta = np.angle(ft.ravel()) / TWO_PI
        keep = amp > 1e-20 * amp.max()
        # keep pairs ±w together (the atom set must stay symmetric)
        keep = keep | keep[::-1]
        w, amp, theta = w[keep], amp[keep], theta[keep]
        r = np.linalg.norm(w, axis=1)
        weight = 2 * TWO_PI * amp * abs_sin_mass(r, theta)
        return w, amp, theta, weight

    @property
    def atoms(self) -> int:
        return int(self._atoms[0].shape[0])

    def ghat_abs(self, w: np.ndarray) -> np.ndarray:
        """|ĝ| at atoms (looked up by frequency index; other frequencies are not charged)."""
        return self._lookup(w, 1) / (1.0 / self.box**2)

    def theta(self, w: np.ndarray) -> np.ndarray:
        return self._lookup(w, 2)

    @cached_property
    def _tables(self) -> tuple[np.ndarray, np.ndarray]:
        half = (self.points - 1) // 2
        w, amp, theta, _ = self._atoms
        idx = np.rint(w * self.box).astype(np.int64) + half
        amp_t = np.zeros((self.points, self.points))
        theta_t = np.zeros((self.points, self.points))
        amp_t[idx[:, 1], idx[:, 0]] = amp
        theta_t[idx[:, 1], idx[:, 0]] = theta
        return amp_t, theta_t

    def _lookup(self, w: np.ndarray, which: int) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        half = (self.points - 1) // 2
        m = np.rint(w * self.box).astype(np.int64) + half
        ok = (m >= 0).all(-1) & (m < self.points).all(-1)
        mm = np.clip(m, 0, self.points - 1)
        table = self._tables[which - 1]
        return np.where(ok, table[mm[..., 1], mm[..., 0]], 0.0)

    @cached_property
    def barron_norm(self) -> float:
        """``2π Σ_m Δw²·‖w_m‖·|ĝ(w_m)|`` — the Barron norm of the discrete measure (a Riemann
        sum of ``∫‖∇̃g‖``)."""
        w, amp, _, _ = self._atoms
        return float(TWO_PI * np.sum(np.linalg.norm(w, axis=1) * amp))

    @cached_property
    def mass(self) -> float:
        """``Σ_m 4πΔw²|ĝ(w_m)|·S(‖w_m‖, θ_m)`` — exact for the discrete measure."""
        return float(self._atoms[3].sum())

    @cached_property
    def _sampler(self) -> Categorical:
        return Categorical.from_weights(self._atoms[3])

    def sample_w(self, n: int, rng: np.random.Generator) -> np.ndarray:
        cat = self._sampler.draw(rng.bit_generator, n)
        return self._atoms[0][cat.astype(np.intp)]

    def representation(self, x: np.ndarray) -> np.ndarray:
        """``Σ_m ∫₀^{‖w_m‖} q(w_m, b) 1[w_mᵀx ≥ b] db`` — an exact finite sum."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        w, amp, theta, _ = self._atoms
        r = np.linalg.norm(w, axis=1)
        t = np.clip(x @ w.T, 0.0, r)
        return _inner(amp, theta, t).sum(axis=1)

    @cached_property
    def accuracy(self) -> float:
        """``max |g(x) − g(0) − representation(x)|`` over 64 fixed points of the unit disc."""
        pts = disc_test_points(64)
        return float(np.max(np.abs(self(pts) - self.g0 - self.representation(pts))))


def disc_test_points(n: int) -> np.ndarray:
    """``n`` fixed, well-spread points of the closed unit disc (sunflower spiral)."""
    i = np.arange(n) + 0.5
    r = np.sqrt(i / n)
    phi = i * math.pi * (3 - math.sqrt(5))
    return np.stack([r * np.cos(phi), r * np.sin(phi)], axis=-1)


def _plateau(x: np.ndarray) -> np.ndarray:
    d = x - np.array([-0.2, 0.15])
    return np.exp(-((np.sum(d * d, axis=-1) / 0.55**2) ** 2))


TARGETS: dict[str, FourierTarget] = {
    t.name: t
    for t in (
        GaussianBump("gauss", "exp(−‖x‖²/(2·0.4²))", sigma=0.4),
        GaussianBump("offset", "exp(−‖x − (0.35, −0.2)‖²/(2·0.3²))", 0.3, (0.35, -0.2)),
        FFTTarget("plateau", "exp(−(‖x − (−0.2, 0.15)‖/0.55)⁴)", fn=_plateau),
    )
}


# --------------------------------------------------------------------------------------
# sampling threshold units


@dataclass(frozen=True)
class Units:
    """Threshold units ``x ↦ s·1[wᵀx ≥ b]``: ``w`` (…, 2), ``b`` (…), ``s`` (…) = ±1."""

    w: np.ndarray
    b: np.ndarray
    s: np.ndarray


def sample_units(target: FourierTarget, shape: tuple[int, ...], rng: np.random.Generator) -> Units:
    """iid ``(w, b, s)`` from ``|q|/∬|q|`` (Theorem 2.12 + Lemma 2.17): ``w`` from its
    marginal, ``b | w`` by inverting ``S`` in closed form, ``s = sign q(w, b)``."""
    n = int(np.prod(shape))
    w = target.sample_w(n, rng)
    r = np.linalg.norm(w, axis=1)
    th = target.theta(w)
    u = 1.0 - rng.random(n)  # (0, 1]
    a0 = abs_sin_integral(th)
    b = abs_sin_integral_inv(a0 + u * abs_sin_mass(r, th)) - th
    b = np.clip(b, 0.0, r)
    s = np.where(np.sin(TWO_PI * (b + th)) > 0, -1.0, 1.0)
    return Units(w=w.reshape(*shape, 2), b=b.reshape(shape), s=s.reshape(shape))


# --------------------------------------------------------------------------------------
# squared L2(P) errors of sampled networks, P uniform on the lattice points of the disc


@dataclass(frozen=True)
class BarronRun:
    ks: np.ndarray  # prefix sizes (ends at k)
    sq_errors: np.ndarray  # (trials, len(ks))
    first: np.ndarray  # (N, N) the first sampled network on the lattice (at k)


def sampled_sq_errors(
    target: FourierTarget, lat: Lattice, units: Units, ks: np.ndarray
) -> BarronRun:
    """‖g − f‖²_{L2(P)} of ``f = g(0) + (∬|q|/k′)·Σ_{j<k′} s_j 1[w_jᵀx ≥ b_j]`` for every
    trial and prefix ``k′`` in ``ks`` (ascending, ending at ``k``)."""
    T = units.b.shape[0]
    inside = lat.inside
    xy = np.stack(np.meshgrid(lat.coords, lat.coords), axis=-1)
    resid = np.where(inside, target(xy) - target.g0, 0.0)
    rr = float(np.sum(resid * resid))
    c = target.mass / ks.astype(float)
    errs = np.empty((T, ks.size))
    lo = np.concatenate([[0], ks[:-1]])
    step = max(1, (1 << 16) // (lat.n * lat.n))
    first = np.zeros((lat.n, lat.n))
    for t in range(0, T, step):
        sl = slice(t, t + step)
        f = np.zeros((min(T, t + step) - t, lat.n, lat.n))
        for g in range(ks.size):  # add the units of each prefix segment, measure
            seg = slice(lo[g], ks[g])
            f += halfplanes.field(lat, units.w[sl, seg], units.b[sl, seg], units.s[sl, seg])[:, 0]
            fm = f * inside  # P lives on the disc
            # Σ_P (r − c·f)² = Σ r² − 2c⟨f, r⟩ + c²‖f‖²
            fr = np.tensordot(fm, resid, axes=([1, 2], [0, 1]))
            ff = np.einsum("tij,tij->t", fm, fm)
            errs[sl, g] = np.maximum(rr - 2 * c[g] * fr + c[g] ** 2 * ff, 0.0) / lat.size
        if t == 0:
            first = target.g0 + c[-1] * f[0]
    return BarronRun(ks=ks, sq_errors=errs, first=first)


# --------------------------------------------------------------------------------------
# the scene's measurements


@cache
def target_on_lattice(name: str, n: int) -> np.ndarray:
    """The target on the ``n × n`` lattice (rows y), NaN outside the unit disc."""
    lat = halfplanes.lattice(n)
    xy = np.stack(np.meshgrid(lat.coords, lat.coords), axis=-1)
    return np.where(lat.inside, TARGETS[name](xy), np.nan)


@cache
def representation_errors(name: str) -> tuple[float, float]:
    """``max |g(x) − g(0) − ∬ q 1[wᵀx ≥ b]|`` over 16 points of the unit disc, and over 8
    points with ‖x‖ = 1.5 (outside the disc, where the printed theorem also claims it)."""
    t = TARGETS[name]
    inside = disc_test_points(16)
    phi = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    outside = 1.5 * np.stack([np.cos(phi), np.sin(phi)], axis=-1)
    ein = np.abs(t(inside) - t.g0 - t.representation(inside))
    eout = np.abs(t(outside) - t.g0 - t.representation(outside))
    return float(ein.max()), float(eout.max())


@cache
def weight_density(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The marginal ``∫|q(w, b)| db`` of the weights on a square grid of w (axis, values with
    rows along w₂)."""
    t = TARGETS[name]
    if isinstance(t, FFTTarget):
        half = 40
        ax = np.arange(-half, half + 1) / t.box
    else:
        reach = 4.5 * t.s  # type: ignore[attr-defined]
        ax = np.linspace(-reach, reach, 81)
    W = np.stack(np.meshgrid(ax, ax), axis=-1)
    # the marginal is a density for both kinds of target: for the FFT measure, ĝ_abs at an
    # atom is its mass |ĝ(w_m)|·Δw² divided by Δw²
    return ax, t.marginal(W)


@dataclass(frozen=True)
class BarronSummary:
    """Example 2.18.2's quantities at width ``k`` and their measured counterparts."""

    barron_norm: float  # ∫‖∇̃g‖ = 2π∫‖w‖|ĝ(w)| dw
    mass: float  # ∬|q|
    bound: float  # 4(∫‖∇̃g‖)²/k
    sup_halfplane: float  # sup_{w,b} ‖1[wᵀ· ≥ b]‖²_{L2(P)}
    lemma_bound: float  # ‖μ‖₁²·sup/k (Lemma 2.17)
    mean_sq_error: float
    best_sq_error: float


def summarize(target: FourierTarget, lat: Lattice, run: BarronRun, k: int) -> BarronSummary:
    B = target.barron_norm
    mass = target.mass
    sup = lat.sup_halfplane_sq_norm()
    errs = run.sq_errors[:, -1]
    return BarronSummary(
        barron_norm=B,
        mass=mass,
        bound=4 * B**2 / k,
        sup_halfplane=sup,
        lemma_bound=mass**2 * sup / k,
        mean_sq_error=float(errs.mean()),
        best_sq_error=float(errs.min()),
    )
