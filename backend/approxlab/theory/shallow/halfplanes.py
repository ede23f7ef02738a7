"""Bivariate threshold networks ``x ↦ Σ_j a_j·1[w_jᵀx ≥ b_j]`` on a lattice (seed 003, §2.3).

``P`` is uniform on the points of an ``N × N`` lattice over ``[−1, 1]²`` that lie in the
closed unit disc.  Along a lattice row ``y``, unit ``j`` is on exactly on a run of columns
(``x ≥ t`` if ``w₁ > 0``, ``x ≤ t`` if ``w₁ < 0``, ``t = (b − w₂y)/w₁``), so every row is a
univariate threshold network: a histogram of run starts and ends plus a cumulative sum
evaluates all units on the whole lattice in O(N·(k + N)) per network, not O(k·N²).  The
run ends are located arithmetically and then fixed by evaluating ``w₁x + w₂y ≥ b`` exactly
as :func:`field_dense` does, so both agree bit for bit on the on/off pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_U = float(np.finfo(float).eps) / 2
#: (unit, row) pairs per chunk of :func:`field`.
CHUNK = 1 << 17


@dataclass(frozen=True)
class Lattice:
    """``coords`` on both axes (spacing ``h``); ``inside[row, col]`` marks ``x² + y² ≤ 1``."""

    coords: np.ndarray
    inside: np.ndarray

    @property
    def n(self) -> int:
        return int(self.coords.size)

    @property
    def points(self) -> np.ndarray:
        """Lattice points in the disc, ``(M, 2)`` as ``(x, y)``, row-major."""
        r, c = np.nonzero(self.inside)
        return np.stack([self.coords[c], self.coords[r]], axis=-1)

    @property
    def size(self) -> int:
        """M, the number of points of P."""
        return int(self.inside.sum())

    def sup_halfplane_sq_norm(self) -> float:
        """``sup_{w, b ≥ 0} ‖1[wᵀ· ≥ b]‖²_{L2(P)}`` for an odd, origin-centred lattice.

        The sup is at ``b = 0``; points off the line ``wᵀx = 0`` pair up as ``±x`` (one on,
        one off), so the fraction is ``(M + Z)/(2M)`` with ``Z`` the points on the line —
        most on a coordinate axis (``N`` of them).
        """
        if self.n % 2 == 0:
            raise ValueError("the formula needs an odd lattice (origin on the lattice)")
        m = self.size
        return (m + self.n) / (2 * m)


def lattice(n: int) -> Lattice:
    """``n`` points per axis, exactly symmetric (``coords[c] = (c − m)/m``, ``m = (n − 1)/2``)."""
    m = (n - 1) / 2
    coords = (np.arange(n) - m) / m
    X, Y = np.meshgrid(coords, coords)
    return Lattice(coords=coords, inside=X * X + Y * Y <= 1.0)


def field(
    lat: Lattice, w: np.ndarray, b: np.ndarray, a: np.ndarray, ks: np.ndarray | None = None
) -> np.ndarray:
    """``Σ_{j < k′} a_j 1[w_jᵀx ≥ b_j]`` on the whole lattice for every network and prefix.

    ``w`` is ``(T, k, 2)``, ``b`` and ``a`` are ``(T, k)``; ``ks`` (ascending, ending at
    ``k``) are the prefix sizes.  Returns ``(T, len(ks), N, N)`` (rows are y).
    """
    T, k = b.shape
    ks = np.array([k]) if ks is None else np.asarray(ks)
    G, N = ks.size, lat.n
    out = np.empty((T, G, N, N))
    step = max(1, CHUNK // (k * N))  # networks per chunk: small arrays stay in cache
    for t in range(0, T, step):
        out[t : t + step] = _field_chunk(lat, w[t : t + step], b[t : t + step], a[t : t + step], ks)
    return out


def _field_chunk(lat: Lattice, w: np.ndarray, b: np.ndarray, a: np.ndarray, ks: np.ndarray):
    T, k = b.shape
    G, N = ks.size, lat.n
    x = lat.coords
    x0, h = float(x[0]), float(x[1] - x[0])
    seg = np.searchsorted(ks, np.arange(1, k + 1), side="left")  # (k,)
    w1, w2 = w[..., 0], w[..., 1]
    pos, neg = w1 > 0, w1 < 0
    tiny = (pos | neg) & (np.abs(w1) < 1e-150)  # decided row by row below
    w2y = w2[..., None] * x  # (T, k, N): w₂·y on every row
    with np.errstate(divide="ignore"):
        inv = np.where((pos | neg) & ~tiny, 1.0 / (h * w1), 0.0)
    # (t − x₀)/h with t = (b − w₂y)/w₁, for every unit and row
    g = b[..., None] - x0 * w1[..., None] - w2y
    g *= inv[..., None]  # finite: |inv| ≤ 1/(h·1e-150)
    # rounding of the predicate w₁x + w₂y ≥ b moves its boundary by at most `slack` columns;
    # guesses farther than that from an integer are decided by the guess itself
    slack = 1e-12 + 16 * _U * (np.abs(w1) + np.abs(w2) + np.abs(b)) * np.abs(inv)
    near = np.rint(g)
    near -= g
    near = np.abs(near, out=near) <= slack[..., None]
    near &= (pos | neg)[..., None]
    near |= tiny[..., None]
    # w₁ > 0: on for columns ≥ ⌈g⌉;  w₁ < 0: on for columns < ⌈g⌉ (g not an integer)
    np.clip(g, -1.0, N + 1.0, out=g)
    c = np.ceil(g, out=g)
    np.clip(c, 0, N, out=c)
    c = c.astype(np.intp)
    if near.any():  # decide these rows by the exact predicate, as field_dense does
        ti, ji, ri = np.nonzero(near)
        row = w1[ti, ji][:, None] * x + w2y[ti, ji, ri][:, None] >= b[ti, ji][:, None]
        on = row.sum(axis=1)
        c[ti, ji, ri] = np.where(pos[ti, ji], N - on, on)
    # w₁ > 0 adds a at column c; w₁ < 0 adds a at column 0 and −a at column c; nothing
    # happens at c = N (past the last column)
    wts = np.where(c < N, np.where(pos, a, np.where(neg, -a, 0.0))[..., None], 0.0)
    cell = ((np.arange(T)[:, None] * G + seg) * N)[..., None] + np.arange(N)  # (T, k, N)
    cell *= N
    cell += np.minimum(c, N - 1)
    d = np.bincount(cell.ravel(), weights=wts.ravel(), minlength=T * G * N * N)
    d = d.reshape(T, G, N, N)
    # w₁ < 0 (column 0, every row) and w₁ = 0 (every column where w₂y ≥ b): by segment
    first = np.bincount(
        (np.arange(T)[:, None] * G + seg).ravel(), weights=(a * neg).ravel(), minlength=T * G
    ).reshape(T, G)
    d[..., 0] += first[..., None]
    zero = ~pos & ~neg
    if zero.any():
        ti, ji = np.nonzero(zero)
        on = w2y[ti, ji] >= b[ti, ji][:, None]  # (z, N) rows
        np.add.at(d, (ti, seg[ji], slice(None), 0), on * a[ti, ji][:, None])
    f = np.cumsum(d, axis=3, out=d)  # per segment
    for g in range(1, G):  # … per prefix (a few contiguous adds; cheaper than a strided cumsum)
        f[:, g] += f[:, g - 1]
    return f


def field_dense(lat: Lattice, w: np.ndarray, b: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Reference: every unit at every lattice point (``(T, N, N)``; O(T·k·N²))."""
    x = lat.coords
    T = b.shape[0]
    out = np.empty((T, lat.n, lat.n))
    for t in range(T):
        w1 = w[t, :, 0][None, None, :]
        w2y = w[t, :, 1][None, None, :] * x[:, None, None]  # rows y
        act = w1 * x[None, :, None] + w2y >= b[t][None, None, :]
        out[t] = act.astype(float) @ a[t]
    return out
