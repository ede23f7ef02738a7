"""Scene ``attention`` — sparse averaging by one softmax attention layer (seed 000; Sanford,
Hsu and Telgarsky 2023)."""

from __future__ import annotations

import numpy as np

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    param,
    seed_param,
)
from approxlab.scenes.chapters import ATTENTION
from approxlab.scenes.export import ATTENTION as SOFTMAX_ATTENTION
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import bars, line, markers
from approxlab.theory.attention import attention as sa
from approxlab.theory.core.errors import UNIT_ROUNDOFF, rounding_allowance

#: Sequence lengths of the sizes plot (formulas only, beyond the slider).
SIZE_N = 2.0 ** np.arange(4, 21)


class Params(SceneParams):
    N: int = param(
        128,
        ge=16,
        le=256,
        step=0.1,
        scale="log",
        label="tokens N",
        description="Length of the input sequence.",
    )
    q: int = param(
        1,
        ge=1,
        le=8,
        step=1,
        label="sparsity q",
        description="Each token averages the values of q tokens (q ≤ 8 ≤ N/2).",
    )
    m: int = param(
        64,
        ge=2,
        le=sa.MAX_DIM,
        step=0.1,
        scale="log",
        label="embedding dimension m",
        description="Dimension of the queries and keys (the position codes).",
    )
    d_prime: int = param(
        1,
        ge=1,
        le=8,
        step=1,
        label="value dimension d′",
        description="Dimension of the values z (the sizes of the other architectures use it).",
    )
    seed: int = seed_param("Seed of the position codes and of the random instances.")


def exported_networks(p: Params) -> list:
    lam = float(sa.temperature(p.N, p.q))
    layer = sa.attention_layer(p.m, lam, p.d_prime)
    zero = np.zeros
    return [
        network_export(
            f"softmax attention, embedding dimension {p.m}",
            [(layer.query, zero(p.m)), (layer.key, zero(p.m)), (layer.value, zero(p.d_prime))],
            activation=SOFTMAX_ATTENTION,
            seed=p.seed,
            notes=[
                "Not a ReLU network: layers are the query, key and value maps (W, b) applied to "
                "every token; token i outputs Σ_k softmax_k(⟨q_i, k_k⟩)·v_k.",
                f"Tokens are embedded as (z_i; w_(y_i); u_i) ∈ ℝ^(d′ + 2m), d′ = {p.d_prime}: "
                "u_i is row i of the position codes (the second network) and w_S = "
                "U_S(U_SᵀU_S)⁻¹1 the dual query of the index set S (⟨w_S, u_k⟩ = 1 for k in S).",
                f"λ = 2 ln(2(N − q)/(q·10⁻³)) = {lam:.4g} sits in the query map.",
            ],
        ),
        network_export(
            f"position codes: token i ↦ u_i ∈ ℝ^{p.m} (random signs over √m)",
            [(sa.codes(p.N, p.m, p.seed).T.copy(), zero(p.m))],
            activation="identity",
            seed=p.seed,
            notes=["One linear map from the one-hot position e_i to its code u_i."],
        ),
    ]


def compute(p: Params) -> SceneResult:
    m = sa.measure(p.N, p.q, p.m, p.d_prime, p.seed)
    dims, sweep_err, sweep_coh = sa.error_sweep(p.N, p.q, p.seed)
    needed = int(sa.dimension_needed(p.N, p.q)[()])
    metrics = {
        "max_error": m.max_error,
        "embedding_dim": p.m,
        "rnn_memory_lower_bound": float(sa.rnn_memory_bits(p.N)),
        "coherence": m.coherence,
        "bound": m.bound,
        "bound_a_priori": m.bound_a_priori,
        "temperature": m.lam,
        "typical_error": float(m.typical.max()),
        "dimension_needed": needed,
        "attention_weights": int(sa.attention_parameters(p.m, p.d_prime)),
        "fc_first_layer_weights": int(sa.fc_first_layer_weights(p.N, p.q, p.d_prime)),
    }
    return SceneResult(
        metrics=metrics,
        checks=checks(m),
        plots=[
            error_plot(p, m, dims, sweep_err, sweep_coh),
            sizes_plot(p),
            weights_plot(p, m),
        ],
        notes=notes(p, m, needed),
    )


def _sets_words(m: sa.Measurement) -> str:
    if m.q == 1:
        return f"all {m.n} index sets"
    return f"{m.sets.shape[0]:,} random index sets"


def checks(m: sa.Measurement) -> list[Check]:
    # errors are sums of N terms ≤ 2 (rounding ~N ulps); the bounds' exponentials a few ulps
    rounding = rounding_allowance(2.0, ops=4 * m.n)
    beta = "2((N − q)/q)·e^(−λ(1 − β)), β = qδ/(1 − (q − 1)δ)"
    out = [
        Check(
            f"largest error over {_sets_words(m)} (exact over the values) ≤ {beta}, "
            f"δ = {m.coherence:.3g} the coherence of these codes",
            m.max_error,
            m.bound,
            "<=",
            rounding=rounding,
        ),
        Check(
            f"largest error ≤ the same bound with δ = √(2 ln(N(N − 1)/{sa.P_FAIL})/m), which "
            "random codes meet with probability ≥ 95 %",
            m.max_error,
            m.bound_a_priori,
            "<=",
            rounding=rounding,
            confidence=1.0 - sa.P_FAIL,
        ),
        Check(
            f"dual queries: every score inside the index set equals λ ({m.independent:,} of "
            f"{m.sets.shape[0]:,} sets have linearly independent codes, so a dual query)",
            m.score_gap,
            0.0,
            "==",
            rounding=m.score_rounding,
        ),
    ]
    if m.layer_gap is not None:
        out.append(
            Check(
                f"the exported layer (dense query, key and value maps) on a "
                f"{min(m.n, sa.LITERAL_TOKENS)}-token instance = Σ_k w_k z_k computed above",
                m.layer_gap,
                0.0,
                "==",
                rounding=64 * UNIT_ROUNDOFF * (2 * m.m + m.d_value) * max(1.0, m.lam),
            )
        )
    return out


def error_plot(p: Params, m: sa.Measurement, dims, sweep_err, sweep_coh) -> Plot:
    lam = m.lam
    bound = sa.error_bound(p.N, p.q, sweep_coh, lam)
    prior = sa.error_bound(p.N, p.q, sa.coherence_bound(p.N, dims, sa.P_FAIL), lam)
    rnn = float(sa.rnn_memory_bits(p.N))
    lo = max(min(float(np.min(sweep_err)), m.max_error) / 10.0, 1e-300)
    return Plot(
        "error",
        f"Largest error against the embedding dimension m (N = {p.N}, q = {p.q})",
        Axis("embedding dimension m", log=True, integer=True),
        Axis("largest error max_i ‖f(X)_i − qSA(X)_i‖", log=True),
        [
            line("largest error (exact over the values)", dims, sweep_err, "construction"),
            line("bound, coherence of these codes", dims, bound, "bound"),
            line("bound holding with probability ≥ 95 %", dims, prior, "reference"),
            line(
                f"RNN memory needed: (N − 1)/2 = {rnn:g} (q = 1)",
                [rnn, rnn],
                [lo, 2.0],
                "highlight",
            ),
            markers(f"m = {p.m}", [p.m], [m.max_error], role="this-value"),
        ],
        caption=(
            "One attention layer averages the right q values once the position codes are "
            "nearly orthogonal — m grows like log N — while an RNN needs memory linear in N."
        ),
    )


def sizes_plot(p: Params) -> Plot:
    need = sa.dimension_needed(SIZE_N, p.q)
    att = sa.attention_parameters(need, p.d_prime)
    return Plot(
        "sizes",
        f"Sizes for error ≤ 1/(2q) against the number of tokens (q = {p.q}, d′ = {p.d_prime})",
        Axis("tokens N", log=True, integer=True),
        Axis("count", log=True),
        [
            line(
                "fully connected: first-layer weights ≥ (N − q + 1)d′·N(d′ + q + 1)",
                SIZE_N,
                sa.fc_first_layer_weights(SIZE_N, p.q, p.d_prime),
                "target",
            ),
            line(
                "RNN: memory ≥ (N − 1)/2 bits (q = 1, d′ = 1)",
                SIZE_N,
                sa.rnn_memory_bits(SIZE_N),
                "highlight",
            ),
            line(
                "attention: query, key, value weights (this construction)",
                SIZE_N,
                att,
                "construction",
            ),
            line(
                "attention with its N × m position codes", SIZE_N, att + SIZE_N * need, "reference"
            ),
            markers(
                f"N = {p.N}",
                [p.N],
                [float(sa.attention_parameters(sa.dimension_needed(p.N, p.q), p.d_prime))],
                role="this-value",
            ),
        ],
        caption=(
            "The fully connected bound grows like N², the RNN's memory like N, the attention "
            "layer's weights like (log N)²: asymptotically the transformer wins."
        ),
    )


def weights_plot(p: Params, m: sa.Measurement) -> Plot:
    gram = sa.codes(p.N, p.m, p.seed)
    gram = gram @ gram.T
    row = m.sets[:1]
    w = sa.attention_weights(gram, row, m.lam)[0]
    k = np.arange(1, p.N + 1)
    member = np.sort(row[0])
    return Plot(
        "weights",
        f"Attention weights of one token over the N = {p.N} tokens (m = {p.m})",
        Axis("token k", integer=True),
        Axis("softmax weight w_k", log=True),
        [
            bars("weight w_k", k, np.maximum(w, 1e-30), role="construction"),
            markers(
                "its index set: weight 1/q wanted", member + 1, np.full(member.size, 1.0 / p.q)
            ),
        ],
        caption=(
            "Almost all weight sits on the q tokens of the index set, split evenly; the rest "
            "shares what the coherence of the codes lets through."
        ),
    )


def notes(p: Params, m: sa.Measurement, needed: int) -> list[str]:
    out = [
        "Sparse averaging (000): tokens x_i = (z_i; y_i; i), ‖z_i‖ ≤ 1, y_i a set of q "
        "indices; qSA(X)_i = (1/q)Σ_{j∈y_i} z_j. Construction: random-sign position codes "
        "u_k ∈ ℝ^m (unit norm, coherence δ), token i embedded as (z_i; w_(y_i); u_i) with the "
        "dual query w_S = U_S(U_SᵀU_S)⁻¹1, and one softmax attention with query λw, keys u, "
        "values z.",
        "Bound (derived in theory/attention/attention.py): scores are exactly λ inside the set "
        "and at most λβ outside, β = qδ/(1 − (q − 1)δ) by Gershgorin, so the weight outside is "
        "W_out ≤ ((N − q)/q)e^(−λ(1−β)) and the error ≤ 2W_out (at most 2). For fixed sets "
        "the worst values make the error exactly Σ_k|w_k − 1_S(k)/q| = 2W_out, so the largest "
        "error shown is exact over the values"
        + (
            " and, with all N sets (q = 1), the sup over every input."
            if p.q == 1
            else "; the "
            f"sets are {m.sets.shape[0]:,} random ones, so it is a maximum over those sets."
        ),
        f"λ = 2 ln(2(N − q)/(q·10⁻³)) = {m.lam:.4g}: with β ≤ ½ the error is ≤ 10⁻³. Hoeffding "
        "and a union bound give δ ≤ √(2 ln(N(N − 1)/p)/m) with probability ≥ 1 − p, hence the "
        f"95 % bound; β ≤ ½ holds with probability ≥ ½ (so such codes exist) from m = "
        f"⌈2(3q − 1)² ln(2N(N − 1))⌉ = {needed:,} — O(q² log N) (the paper's restricted-"
        "isometry codes give O(q log N)).",
        f"RNN (000, stated for q = 1, d′ = 1): any memory-bounded algorithm that ε-approximates "
        f"qSA needs m ≥ (N − 1)/2 = {float(sa.rnn_memory_bits(p.N)):g} bits (communication "
        "complexity). It bounds memory, not parameters.",
        "Fully connected (proved in the theory module): f(x) = g(Wx) ε-approximating qSA with "
        "ε < 1/q needs width ≥ (N − q + 1)d′ — fix q − 1 zero tokens, so qSA_i = z_i/q on the "
        "others, and a kernel vector of W among the free values would give two inputs with one "
        "output but targets 2/q apart — hence ≥ (N − q + 1)d′·N(d′ + q + 1) first-layer weights.",
        "Attention weights count the query, key and value maps on embedded tokens of dimension "
        "d′ + 2m; the N × m table of position codes is the tokenwise embedding (the paper's input "
        "map, not counted there) and is shown added as a second curve.",
    ]
    if m.layer_gap is None:
        out.append(
            f"The layer has {int(sa.attention_parameters(p.m, p.d_prime)):,} weights, more than "
            f"the {sa.LITERAL_MAX_PARAMETERS:,} that can be exported or applied densely here: "
            "the literal check is skipped (the computation above uses the same scores)."
        )
    return out


SCENE = Scene(
    id="attention",
    title="Sparse averaging: one attention layer against RNNs and fully connected nets",
    chapter=ATTENTION,
    summary=(
        "A hand-built softmax attention computes q-sparse averages with m ~ log N; its exact "
        "worst error against m, next to RNN and MLP sizes."
    ),
    primary_plot="error",
    source="000, sparse averaging task (Sanford, Hsu and Telgarsky 2023)",
    statement=(
        r"$q\mathrm{SA}(X)_i = \frac1q \sum_{j=1}^{q} z_{y_{i,j}}$. One self-attention layer "
        r"$\mathrm{softmax}(XQK^\top X^\top)XV$ with embedding dimension "
        r"$m = \mathrm{poly}(q)\log N$ $\epsilon$-approximates qSA, while any memory-bounded "
        r"algorithm (an RNN) that does so for $q = 1$, $d' = 1$ needs memory "
        r"$m \geq (N-1)/2$, and fully connected networks need width polynomial in $N$."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "max_error": "largest error (exact over the values)",
        "embedding_dim": "embedding dimension m",
        "rnn_memory_lower_bound": "RNN memory lower bound (N − 1)/2 (q = 1)",
        "coherence": "coherence δ of the position codes",
        "bound": "error bound at this coherence",
        "bound_a_priori": "error bound with probability ≥ 95 %",
        "temperature": "temperature λ",
        "typical_error": "largest error on one random instance",
        "dimension_needed": "m for β ≤ ½ with probability ≥ ½",
        "attention_weights": "attention weights (query, key, value)",
        "fc_first_layer_weights": "fully connected first-layer weights (lower bound)",
    },
)
