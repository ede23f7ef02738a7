"""Sparse averaging with one softmax attention layer (seed 000, "Sparse averaging task" and
"Model comparison of representability"; Sanford, Hsu and Telgarsky 2023).

**The task.**  ``N`` tokens ``x_i = (z_i; y_i; i)`` with values ``z_i`` in the unit ball of
``ℝ^{d′}`` and index sets ``y_i ⊂ [N]`` of size ``q``;
``qSA(X)_i = (1/q) Σ_{j ∈ y_i} z_j``.  ``f`` ε-approximates qSA if
``max_i ‖f(X)_i − qSA(X)_i‖₂ ≤ ε`` for every ``X``.

**The construction (embedding dimension m).**  Position codes ``u_1, …, u_N ∈ ℝ^m``: rows
of random signs scaled by ``1/√m`` (unit norm), coherence ``δ = max_{j≠k} |⟨u_j, u_k⟩|``.
Token ``i`` is embedded (a tokenwise map, like the paper's input MLP) as
``(z_i; w_{y_i}; u_i) ∈ ℝ^{d′+2m}``, where the *dual query* of a set ``S`` is
``w_S = U_S (U_Sᵀ U_S)^{−1} 1`` (``U_S`` the codes of ``S`` as columns): the vector with
``⟨w_S, u_k⟩ = 1`` for every ``k ∈ S``.  The attention layer reads the query ``λ·w_{y_i}``,
the keys ``u_k`` and the values ``z_k``: three selection matrices
(:func:`attention_layer`), so token ``i`` outputs ``Σ_k w_k z_k`` with
``w_k = softmax_k(λ⟨w_{y_i}, u_k⟩)``.

**The bound (derived here).**  Write ``S = y_i``.  For ``k ∈ S`` the score is exactly ``λ``.
For ``k ∉ S``, ``⟨w_S, u_k⟩ = (U_Sᵀu_k)ᵀ G_S^{−1} 1`` with ``G_S = U_SᵀU_S``;
``‖U_Sᵀu_k‖₂ ≤ √q δ``, ``‖G_S^{−1}1‖₂ ≤ √q/λ_min(G_S)`` and ``λ_min(G_S) ≥ 1 − (q − 1)δ``
(Gershgorin), so the score is at most ``λβ`` with

    β = qδ/(1 − (q − 1)δ)        (when (q − 1)δ < 1).

The in-set weights are all equal, ``(1 − W_out)/q``, and the weight outside ``S`` is
``W_out ≤ (N − q)e^{λβ}/(q e^{λ})``.  With ``‖z_k‖ ≤ 1`` the error of token ``i`` is

    ‖Σ_k (w_k − 1_S(k)/q) z_k‖ ≤ Σ_k |w_k − 1_S(k)/q| = 2 W_out
                                  ≤ 2((N − q)/q)·e^{−λ(1 − β)},

and at most 2 (both weight vectors sum to 1): :func:`error_bound`.  The middle equality is
*attained* for the worst values (``z_k = sign(w_k − 1_S(k)/q)·e₁``), so
``sup_z error = 2W_out(S)`` exactly (:func:`worst_errors`): the maximum over all inputs is
a maximum over index sets, and for ``q = 1`` all ``N`` are enumerated.

**The temperature.**  For accuracy ε the construction takes ``λ = 2 ln(2(N − q)/(qε))``: then
``β ≤ ½`` gives error ≤ ε.  The scene uses ε₀ = :data:`TARGET_ACCURACY`.

**Random codes.**  ``⟨u_j, u_k⟩`` is an average of ``m`` independent signs, so by Hoeffding
``P(|⟨u_j, u_k⟩| > t) ≤ 2e^{−mt²/2}``, and over the ``N(N−1)/2`` pairs
``δ ≤ t_p(m) = √(2 ln(N(N−1)/p)/m)`` with probability ≥ ``1 − p``
(:func:`coherence_bound`).  The bound increases with δ, so the error is at most the bound at
``t_p(m)`` with that probability.  ``β ≤ ½`` needs ``δ ≤ 1/(3q − 1)``, which random codes
meet with probability ≥ ½ once ``m ≥ 2(3q − 1)² ln(2N(N − 1))`` — so codes of that
dimension *exist*: :func:`dimension_needed`, ``O(q² log N)`` (the paper's restricted-isometry
codes give ``O(q log N)``); ε enters only through λ, i.e. the precision.

**The other architectures (seed 000).**  An RNN that ε-approximates qSA for ``q = 1``,
``d′ = 1`` needs memory ``m ≥ (N − 1)/2`` bits (000, communication complexity; SHT Thm. 11):
:func:`rnn_memory_bits`.  A fully connected net ``f(x) = g(Wx)`` with ``W ∈ ℝ^{w×N(d′+q+1)}``
that ε-approximates qSA for ``ε < 1/q`` needs width ``w ≥ (N − q + 1)d′`` (proved here): fix
``q − 1`` tokens with ``z = 0`` and give the other ``N − q + 1`` rows the sets ``{i} ∪`` those
tokens, so ``qSA_i = z_i/q``; if ``w < (N − q + 1)d′``, ``W`` has a kernel vector ``v`` in the
free values, scaled so ``max_i ‖v_i‖ = 1``; ``z = ±v`` give the same ``Wx``, hence the same
output, but targets ``±v_i/q`` that differ by ``2/q`` in some row, so one of them has error
``≥ 1/q``.  Its first layer alone then has ``≥ (N − q + 1)d′·N(d′ + q + 1)`` weights:
:func:`fc_first_layer_weights`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.core.errors import UNIT_ROUNDOFF

#: The accuracy the scene's temperature aims at: λ = 2 ln(2(N − q)/(q·ε₀)).
TARGET_ACCURACY = 1e-3


@lru_cache(maxsize=8)
def sign_codes(n: int, m_max: int, seed: int) -> np.ndarray:
    """``(n, m_max)`` random signs ±1 (float64); codes of dimension ``m`` are the first ``m``
    columns over ``√m``."""
    rng = np.random.default_rng([seed, n, m_max])
    words = rng.integers(0, 256, size=(n, (m_max + 7) // 8), dtype=np.uint8)
    bits = np.unpackbits(words, axis=1)[:, :m_max]
    return 2.0 * bits.astype(np.float64) - 1.0


def gram_prefixes(signs: np.ndarray, ms: np.ndarray) -> list[np.ndarray]:
    """``G_m = S[:, :m] S[:, :m]ᵀ / m`` (the codes' Gram matrices) for increasing ``ms``,
    accumulated block by block (one pass over the columns).  The sums of signs are exact
    integers; the division by ``m`` rounds once."""
    out, acc, start = [], np.zeros((signs.shape[0], signs.shape[0])), 0
    for m in ms:
        block = signs[:, start:m]
        acc = acc + block @ block.T
        start = m
        out.append(acc / m)
    return out


def coherence(gram: np.ndarray) -> float:
    """``δ = max_{j≠k} |⟨u_j, u_k⟩|``."""
    off = np.abs(gram - np.diag(np.diag(gram)))
    return float(off.max())


def coherence_bound(n, m, p: float) -> np.ndarray:
    """``t_p(m) = √(2 ln(n(n−1)/p)/m)``: ``δ ≤ t_p(m)`` with probability ≥ ``1 − p``."""
    n = np.asarray(n, dtype=float)
    return np.sqrt(2.0 * np.log(n * (n - 1.0) / p) / np.asarray(m, dtype=float))


def beta(q: int, delta) -> np.ndarray:
    """``β = qδ/(1 − (q − 1)δ)`` (``inf`` when ``(q − 1)δ ≥ 1``): out-of-set scores ≤ λβ."""
    delta = np.asarray(delta, dtype=float)
    den = 1.0 - (q - 1) * delta
    with np.errstate(divide="ignore"):
        return np.where(den > 0, q * delta / np.where(den > 0, den, 1.0), np.inf)


def error_bound(n, q: int, delta, lam) -> np.ndarray:
    """``min(2, 2((n − q)/q)·e^{−λ(1 − β)})`` with ``β = β(q, δ)``."""
    n = np.asarray(n, dtype=float)
    b = beta(q, delta)
    with np.errstate(over="ignore", invalid="ignore"):
        raw = 2.0 * (n - q) / q * np.exp(-np.asarray(lam, dtype=float) * (1.0 - b))
    return np.minimum(2.0, np.nan_to_num(raw, nan=2.0, posinf=2.0))


def temperature(n, q: int, eps: float = TARGET_ACCURACY) -> np.ndarray:
    """``λ = 2 ln(2(n − q)/(qε))``: with ``β ≤ ½`` the error is at most ε."""
    return 2.0 * np.log(2.0 * (np.asarray(n, dtype=float) - q) / (q * eps))


def index_sets(n: int, q: int, rows: int, seed: int) -> np.ndarray:
    """``(rows, q)`` index sets of ``q`` distinct tokens each, uniformly random (the ``q``
    smallest of ``n`` random keys per row)."""
    keys = np.random.default_rng([seed, n, q, rows, 1]).random((rows, n))
    return (
        np.argpartition(keys, q - 1, axis=1)[:, :q] if q < n else np.tile(np.arange(n), (rows, 1))
    )


def dual_queries(gram: np.ndarray, sets: np.ndarray) -> np.ndarray:
    """Coefficients ``c_S = G_S^{−1} 1`` of the dual queries ``w_S = U_S c_S`` per row, shape
    ``(rows, q)`` (the pseudo-inverse where codes repeat, which tiny m allows)."""
    ones = np.ones(sets.shape)
    if sets.shape[1] == 1:
        return ones / gram[sets[:, 0], sets[:, 0]][:, None]
    gs = gram[sets[:, :, None], sets[:, None, :]]  # (rows, q, q)
    try:
        return np.linalg.solve(gs, ones[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        return np.einsum("rij,rj->ri", np.linalg.pinv(gs, rcond=1e-12), ones)


def attention_weights(gram: np.ndarray, sets: np.ndarray, lam: float) -> np.ndarray:
    """Softmax weights ``w_k = softmax_k(λ⟨w_S, u_k⟩)`` for every row's set ``S``."""
    c = dual_queries(gram, sets)
    s = lam * np.einsum("rjk,rj->rk", gram[sets], c)
    s -= s.max(axis=1, keepdims=True)
    w = np.exp(s)
    return w / w.sum(axis=1, keepdims=True)


def set_indicator(sets: np.ndarray, n: int) -> np.ndarray:
    """``1_y/q`` per row: the weights of exact sparse averaging."""
    ind = np.zeros((sets.shape[0], n))
    np.put_along_axis(ind, sets, 1.0 / sets.shape[1], axis=1)
    return ind


def worst_errors(weights: np.ndarray, sets: np.ndarray) -> np.ndarray:
    """``sup_z ‖Σ_k w_k z_k − qSA_i‖ = Σ_k |w_k − 1_y(k)/q|`` per row (exact over the values)."""
    return np.abs(weights - set_indicator(sets, weights.shape[1])).sum(axis=1)


def random_values(n: int, d_value: int, seed: int) -> np.ndarray:
    """``n`` values uniform in the unit ball of ``ℝ^{d_value}``."""
    rng = np.random.default_rng([seed, n, d_value, 2])
    g = rng.standard_normal((n, d_value))
    r = rng.random(n) ** (1.0 / d_value)
    return g / np.linalg.norm(g, axis=1, keepdims=True) * r[:, None]


# ------------------------------------------------------------------ the layer, literally


@dataclass(frozen=True)
class AttentionLayer:
    """Query, key and value maps on embedded tokens ``(z_i; w_{y_i}; u_i) ∈ ℝ^{d′+2m}``."""

    query: np.ndarray  # (m, d′ + 2m)
    key: np.ndarray  # (m, d′ + 2m)
    value: np.ndarray  # (d′, d′ + 2m)

    def __call__(self, tokens: np.ndarray) -> np.ndarray:
        s = (tokens @ self.query.T) @ (tokens @ self.key.T).T
        s -= s.max(axis=1, keepdims=True)
        w = np.exp(s)
        return (w / w.sum(axis=1, keepdims=True)) @ (tokens @ self.value.T)

    def parameters(self) -> int:
        return int(self.query.size + self.key.size + self.value.size)


def attention_layer(m: int, lam: float, d_value: int) -> AttentionLayer:
    """``Q = λ[0 | I | 0]``, ``K = [0 | 0 | I]``, ``V = [I | 0 | 0]`` on ``(z; w; u)``."""
    zv, zm, eye = np.zeros((m, d_value)), np.zeros((m, m)), np.eye(m)
    return AttentionLayer(
        lam * np.hstack([zv, eye, zm]),
        np.hstack([zv, zm, eye]),
        np.hstack([np.eye(d_value), np.zeros((d_value, 2 * m))]),
    )


def embed_tokens(z: np.ndarray, sets: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Rows ``(z_i; w_{y_i}; u_i)``: the tokenwise embedding (codes ``(N, m)``, unit rows)."""
    gram = codes @ codes.T
    c = dual_queries(gram, sets)
    queries = np.einsum("rj,rjk->rk", c, codes[sets])
    return np.hstack([z, queries, codes])


def qsa(z: np.ndarray, sets: np.ndarray) -> np.ndarray:
    """``qSA(X)_i = (1/q) Σ_{j∈y_i} z_j``."""
    return z[sets].mean(axis=1)


# ------------------------------------------------------------------------ the sizes


def rnn_memory_bits(n) -> np.ndarray:
    """Seed 000: an RNN ε-approximating qSA (q = 1, d′ = 1) needs memory ≥ (N − 1)/2."""
    return (np.asarray(n, dtype=float) - 1.0) / 2.0


def fc_first_layer_weights(n, q: int, d_value: int) -> np.ndarray:
    """``(N − q + 1)d′ · N(d′ + q + 1)``: first-layer weights of any fully connected net that
    ε-approximates qSA with ε < 1/q (width bound proved in the module docstring)."""
    n = np.asarray(n, dtype=float)
    return (n - q + 1.0) * d_value * n * (d_value + q + 1.0)


def attention_parameters(m, d_value: int) -> np.ndarray:
    """Weights of the query, key and value maps on embedded tokens of dimension
    ``d′ + 2m``: ``2m(d′ + 2m) + d′(d′ + 2m)``."""
    m = np.asarray(m, dtype=float)
    dim = d_value + 2.0 * m
    return 2.0 * m * dim + d_value * dim


def dimension_needed(n, q: int, p: float = 0.5) -> np.ndarray:
    """``⌈2(3q − 1)² ln(N(N − 1)/p)⌉``: random codes of this dimension have ``δ ≤ 1/(3q − 1)``
    (so ``β ≤ ½``) with probability ≥ ``1 − p``; for ``p < 1`` such codes exist."""
    n = np.asarray(n, dtype=float)
    return np.ceil(2.0 * (3 * q - 1) ** 2 * np.log(n * (n - 1.0) / p))


# --------------------------------------------------------------- what the scene measures

#: Embedding dimensions of the sweep (the codes of dimension m are the first m columns).
MAX_DIM = 2048
SWEEP_DIMS = np.unique(np.round(np.geomspace(2, MAX_DIM, 16)).astype(np.int64))
#: Index sets per dimension in the sweep (q ≥ 2; q = 1 enumerates all N).
SWEEP_ROWS = 128
#: Index sets at the scene's own m (q ≥ 2): random instances of N rows each, ≤ this many rows.
ROWS = 512
#: Tokens of the instance on which the exported (dense) layer is applied literally.
LITERAL_TOKENS = 16
#: The literal check (and the export) only for layers with at most this many weights.
LITERAL_MAX_PARAMETERS = 250_000
#: Failure probability of the a-priori coherence bound.
P_FAIL = 0.05


def row_sets(n: int, q: int, rows: int, seed: int) -> np.ndarray:
    """Every singleton for ``q = 1`` (the maximum is then the sup over all inputs); else
    ``rows`` random sets."""
    if q == 1:
        return np.arange(n)[:, None]
    return index_sets(n, q, rows, seed)


@lru_cache(maxsize=16)
def error_sweep(n: int, q: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dims, largest error, coherence)`` over :data:`SWEEP_DIMS` for one draw of codes."""
    signs = sign_codes(n, MAX_DIM, seed)
    sets = row_sets(n, q, SWEEP_ROWS, seed)
    lam = float(temperature(n, q))
    errs, coh = [], []
    for g in gram_prefixes(signs, SWEEP_DIMS):
        errs.append(worst_errors(attention_weights(g, sets, lam), sets).max())
        coh.append(coherence(g))
    return SWEEP_DIMS, np.array(errs), np.array(coh)


@dataclass(frozen=True)
class Measurement:
    n: int
    q: int
    m: int
    d_value: int
    lam: float
    coherence: float
    sets: np.ndarray
    errors: np.ndarray  # sup over values, per set
    typical: np.ndarray  # random values, per row of the first instance
    #: |layer output − Σ w z| on a LITERAL_TOKENS-token instance (None: layer too large).
    layer_gap: float | None
    score_gap: float  # max |in-set score − λ| over the sets with independent codes
    independent: int  # sets whose codes are linearly independent (the dual query exists)
    score_rounding: float  # rounding allowance of score_gap

    @property
    def max_error(self) -> float:
        return float(self.errors.max())

    @property
    def bound(self) -> float:
        return float(error_bound(self.n, self.q, self.coherence, self.lam))

    @property
    def bound_a_priori(self) -> float:
        t = coherence_bound(self.n, self.m, P_FAIL)
        return float(error_bound(self.n, self.q, t, self.lam))


def codes(n: int, m: int, seed: int) -> np.ndarray:
    """Unit-norm position codes of dimension ``m``: the first ``m`` sign columns over √m."""
    return sign_codes(n, MAX_DIM, seed)[:, :m] / np.sqrt(m)


@lru_cache(maxsize=32)
def measure(n: int, q: int, m: int, d_value: int, seed: int) -> Measurement:
    """The construction at ``m``: errors over index sets (exact over the values), typical
    errors on a random instance, and the literal layer on that instance."""
    u = codes(n, m, seed)
    signs = sign_codes(n, MAX_DIM, seed)[:, :m]
    gram = (signs @ signs.T) / m  # exact integer sums, one rounding
    lam = float(temperature(n, q))
    sets = row_sets(n, q, max(n, (ROWS // n) * n), seed)
    w = attention_weights(gram, sets, lam)
    errors = worst_errors(w, sets)
    # the first instance: N rows (random sets for q ≥ 2, a random permutation for q = 1)
    first = sets[:n] if q > 1 else np.random.default_rng([seed, n, 3]).permutation(n)[:, None]
    z = random_values(n, d_value, seed)
    fast = attention_weights(gram, first, lam) @ z
    typical = np.linalg.norm(fast - qsa(z, first), axis=1)
    # the exported layer, literally (dense maps), on an instance of its first few tokens
    gap = None
    if attention_parameters(m, d_value) <= LITERAL_MAX_PARAMETERS:
        k = min(n, LITERAL_TOKENS)
        small = index_sets(k, min(q, k - 1), k, seed)
        literal = attention_layer(m, lam, d_value)(embed_tokens(z[:k], small, u[:k]))
        gap = float(np.max(np.abs(literal - attention_weights(gram[:k, :k], small, lam) @ z[:k])))
    c = dual_queries(gram, sets)
    gs = gram[sets[:, :, None], sets[:, None, :]]
    s_in = lam * np.einsum("rij,rj->ri", gs, c)
    sv = np.linalg.svd(gs, compute_uv=False)
    ok = sv[:, -1] > 1e-9  # independent codes: the dual query exists
    score_gap = float(np.max(np.abs(s_in[ok] - lam))) if ok.any() else 0.0
    # solving G_S c = 1 loses cond(G_S) ulps; λ·G_S c a few more per term
    cond = float(np.max(sv[ok, 0] / sv[ok, -1])) if ok.any() else 0.0
    score_rounding = 8.0 * q * q * UNIT_ROUNDOFF * lam * cond
    return Measurement(
        n,
        q,
        m,
        d_value,
        lam,
        coherence(gram),
        sets,
        errors,
        typical,
        gap,
        score_gap,
        int(ok.sum()),
        score_rounding,
    )
