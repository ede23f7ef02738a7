"""The two-layer model of chapter 3 (seed 003, Remark 3.2, Definition 3.1).

Convention (Remark 3.2, "in this chapter"): ``F(x; V) = Σ_j a_j σ(v_jᵀx)`` with
``a_j ∈ {±1}`` uniform and ``v_{0,j} ~ N(0, I_d)``; only ``V`` (``m × d``) is trained and
``F`` is *not* scaled by ``1/√m`` (§3.2 introduces the scaling ``ρ/√m``; scenes say which
one they plot).  Draws are prefix-consistent: the first ``m′`` units of a width-``m`` draw
are the width-``m′`` draw with the same seed, so sliding ``m`` adds units.

Definition 3.1: ``F₀(x; V) = F(x; V₀) + ⟨∂F(x; V₀), V − V₀⟩`` with
``∂F/∂v_j = a_j σ′(v_{0,j}ᵀx) x`` (``σ′(0) = 1`` for the ReLU, as in the notes' 1[z ≥ 0]).
The gap ``F − F₀`` is a sum of per-unit Taylor remainders
``a_j (σ(v_jᵀx) − σ(v_{0,j}ᵀx) − σ′(v_{0,j}ᵀx)(v_j − v_{0,j})ᵀx)``; :func:`taylor_gap`
sums them directly (no cancellation between two large sums).

This module is the model: activations, initialization, prediction, gradient, Taylor
expansion and remainders.  The bounds and measurements of the scenes that use it live in
:mod:`~approxlab.theory.near_init.linearization` (Propositions 3.4 and 3.7, Lemma 3.8),
:mod:`~approxlab.theory.near_init.init_scale` (Lemma 3.15) and
:mod:`~approxlab.theory.near_init.transport` (Theorem 3.10).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Activation = Literal["relu", "softplus"]

#: Random streams of a draw (seed, stream): independent, each prefix-consistent in m.
STREAM_SIGNS, STREAM_WEIGHTS, STREAM_DIRECTION, STREAM_PROBES = 0, 1, 2, 3


@dataclass(frozen=True)
class TwoLayer:
    """Outer signs ``a`` (m,) in {±1} and initial inner weights ``V0`` (m, d)."""

    a: np.ndarray
    V0: np.ndarray

    @property
    def m(self) -> int:
        return int(self.a.size)

    @property
    def d(self) -> int:
        return int(self.V0.shape[1])

    def prefix(self, width: int) -> TwoLayer:
        """The first ``width`` units (the width-``width`` draw with the same seed)."""
        return TwoLayer(self.a[:width], self.V0[:width])


def rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(stream)])


def initialization(m: int, d: int, seed: int) -> TwoLayer:
    """Remark 3.2's convention: ``a_j ~ Discrete(±1)``, ``v_{0,j} ~ N(0, I_d)``."""
    a = np.where(rng(seed, STREAM_SIGNS).random(m) < 0.5, -1.0, 1.0)
    V0 = rng(seed, STREAM_WEIGHTS).standard_normal((m, d))
    return TwoLayer(a=a, V0=V0)


# --- activations ------------------------------------------------------------------------


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """The notes' selection σ′(z) = 1[z ≥ 0]."""
    return (z >= 0.0).astype(float)


def softplus(z: np.ndarray, beta: float) -> np.ndarray:
    """``ln(1 + e^{4βz}) / (4β)``: β-smooth, since ``sup |σ″| = 4β · ¼ = β`` (at z = 0).

    Computed as ``max(kz, 0) + ln(1 + e^{−min(|kz|, 40)})``, k = 4β, to absolute accuracy
    ``1e-16/k``: cutting ``|kz|`` at 40 changes the logarithm by less than ``e^{−40} < 5e-18``
    and keeps ``exp`` away from its slow subnormal range.
    """
    k = 4.0 * beta
    kz = k * np.asarray(z, dtype=float)
    out = np.abs(kz)
    np.minimum(out, 40.0, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.log(out, out=out)
    out += np.maximum(kz, 0.0)
    out /= k
    return out


def softplus_prime(z: np.ndarray, beta: float) -> np.ndarray:
    k = 4.0 * beta
    return 0.5 * (1.0 + np.tanh(0.5 * k * z))  # logistic(kz), overflow-free


def activation(name: Activation, beta: float = 1.0):
    """``(σ, σ′)`` for ``name``."""
    if name == "relu":
        return relu, relu_prime
    return (lambda z: softplus(z, beta)), (lambda z: softplus_prime(z, beta))


# --- the network, its gradient and its Taylor expansion --------------------------------


def prediction(X: np.ndarray, V: np.ndarray, a: np.ndarray, name: Activation = "relu", beta=1.0):
    """``F(x; V) = Σ_j a_j σ(v_jᵀx)`` at the rows of ``X`` (n, d) → (n,)."""
    sigma, _ = activation(name, beta)
    return sigma(np.atleast_2d(X) @ V.T) @ a


def gradient(x: np.ndarray, V: np.ndarray, a: np.ndarray, name: Activation = "relu", beta=1.0):
    """``∂F(x; V)/∂V``: row ``j`` is ``a_j σ′(v_jᵀx) x`` (m, d)."""
    _, dsigma = activation(name, beta)
    return (a * dsigma(V @ x))[:, None] * x[None, :]


def taylor(X, V, V0, a, name: Activation = "relu", beta=1.0) -> np.ndarray:
    """Definition 3.1: ``F₀(x; V) = F(x; V₀) + ⟨∂F(x; V₀), V − V₀⟩`` at the rows of ``X``."""
    _, dsigma = activation(name, beta)
    X = np.atleast_2d(X)
    Z0 = X @ V0.T
    return prediction(X, V0, a, name, beta) + (dsigma(Z0) * (X @ (V - V0).T)) @ a


def taylor_gap(X, V, V0, a, name: Activation = "relu", beta=1.0) -> np.ndarray:
    """``F(x; V) − F₀(x; V)`` as the sum of per-unit Taylor remainders (rows of ``X``)."""
    sigma, dsigma = activation(name, beta)
    X = np.atleast_2d(X)
    Z0 = X @ V0.T
    D = X @ (V - V0).T
    return (sigma(Z0 + D) - sigma(Z0) - dsigma(Z0) * D) @ a


def taylor_table(X, V, V0, a, name: Activation = "relu", beta=1.0):
    """``(F(x; V₀), F₀(x; V), F(x; V), F − F₀)`` at the rows of ``X``, sharing the work
    (the gap is summed from per-unit remainders, as in :func:`taylor_gap`)."""
    sigma, dsigma = activation(name, beta)
    X = np.atleast_2d(X)
    Z0 = X @ V0.T
    D = X @ (V - V0).T
    s0 = sigma(Z0)
    lin = dsigma(Z0) * D
    s1 = sigma(Z0 + D)
    f_v0 = s0 @ a
    return f_v0, f_v0 + lin @ a, s1 @ a, (s1 - s0 - lin) @ a


def remainders(z0: np.ndarray, delta: np.ndarray, name: Activation = "relu", beta=1.0):
    """Per-unit Taylor remainders ``σ(z₀ + Δ) − σ(z₀) − σ′(z₀)Δ`` (elementwise), where
    ``z₀ = v_{0,j}ᵀx`` and ``Δ = (v_j − v_{0,j})ᵀx``; ``F − F₀ = Σ_j a_j ·`` these."""
    sigma, dsigma = activation(name, beta)
    return sigma(z0 + delta) - sigma(z0) - dsigma(z0) * delta


def random_direction(m: int, d: int, seed: int) -> np.ndarray:
    """A Gaussian direction ``G/‖G‖_F`` (prefix-consistent draw, then normalized)."""
    G = rng(seed, STREAM_DIRECTION).standard_normal((m, d))
    return G / np.linalg.norm(G)


def as_layers(
    V: np.ndarray, a: np.ndarray, inner: float = 1.0, outer: float = 1.0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``x ↦ outer·Σ_j a_j σ(inner·v_jᵀx)`` as ``[(W, b), ...]`` layers (no biases), the
    form networks are exported in (``inner`` folds a scaled activation into the weights)."""
    m = V.shape[0]
    return [(inner * V, np.zeros(m)), (outer * np.asarray(a)[None, :], np.zeros(1))]
