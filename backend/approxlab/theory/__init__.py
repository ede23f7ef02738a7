"""Pure-numpy approximation theory: networks, targets, constructions, bounds.

Nothing here imports the web layer; use it from a notebook::

    from approxlab.theory import depth, networks
    net = depth.sawtooth(5)
    networks.pieces(net, (0.0, 1.0))   # 32

Modules, one topic each:

- :mod:`~approxlab.theory.networks` — ReLU networks as ``[(W, b), ...]``, evaluation,
  composition, exact univariate breakpoint propagation and piece counts.
- :mod:`~approxlab.theory.threshold` — univariate threshold networks (evaluation in
  O((n + m) log m) by sorting and cumulative sums).
- :mod:`~approxlab.theory.targets` — the target library with exact derivatives,
  Lipschitz constants and critical points; custom targets from expressions.
- :mod:`~approxlab.theory.expressions` — the safe whitelist parser for user expressions
  (hand-written tokenizer and recursive descent, numpy evaluation, exact derivatives).
- :mod:`~approxlab.theory.adaptive` — equal-variation threshold networks (Proposition 2.8,
  Remark 2.2).
- :mod:`~approxlab.theory.targets_nd` — multivariate targets on [0, 1]^d with ℓ2 Lipschitz
  constants and exact ranges on boxes; custom targets in x1, …, xd.
- :mod:`~approxlab.theory.grid` — Theorem 2.3: cubes, 3-layer ReLU bumps (sparse exact
  evaluation and the real weight matrices), the leak, the corrected k.
- :mod:`~approxlab.theory.random_features` — Theorem 2.5: 2-layer networks with random inner
  weights and least-squares outer weights for nine activations (spline projections for
  ReLU / threshold, a truncated Legendre frame for smooth units).
- :mod:`~approxlab.theory.minimax` — best uniform polynomial approximation on a finite set
  (discrete Remez exchange with de la Vallée Poussin bounds).
- :mod:`~approxlab.theory.shallow` — chapter 2 constructions (Proposition 2.1).
- :mod:`~approxlab.theory.sampling` — Maurey sampling of univariate threshold networks
  (Lemmas 2.16–2.17, Example 2.18.1): exact sampler, all trials at once by histogram +
  cumulative sums, dense reference.
- :mod:`~approxlab.theory.barron` — Theorem 2.12's threshold density q(w, b) from ĝ
  (Gaussian bumps in closed form, FFT targets), sampling units (Example 2.18.2).
- :mod:`~approxlab.theory.halfplanes` — bivariate threshold networks on a lattice, row by
  row (histogram + cumulative sums), dense reference.
- :mod:`~approxlab.theory.gaussian` — Barron norms of Gaussians in dimension d (exact via
  log-Gamma, the notes' Hölder bound), node counts vs the Theorem 2.3 grid.
- :mod:`~approxlab.theory.depth` — chapter 4 constructions (Δ, Proposition 4.1).
- :mod:`~approxlab.theory.fractal` — Proposition 4.1's consequences: the viral fractal
  property f∘Δ^L (exact composition of piecewise-linear maps) and bit extraction.
- :mod:`~approxlab.theory.squaring` — Yarotsky's squaring network h_i (Theorem 4.2) with
  and without skip connections, products g_i (Corollary 4.3, corrected) and prod_{k,l}
  (Lemma 5.3), exact sup errors on [0, 1] and [0, 1]².
- :mod:`~approxlab.theory.parity` — parity on {±1}^d from Δ^L (corrected identity).
- :mod:`~approxlab.theory.separation` — Theorem 4.4 / 4.6 machinery: exact L1 distances of
  piecewise-linear functions, the triangles of Δ^n and ½, free-knot L1 fits, tooth bound.
- :mod:`~approxlab.theory.errors` — exact sup errors of step / piecewise-linear
  approximants against smooth targets.
- :mod:`~approxlab.theory.plotting` — faithful decimation of huge piecewise-linear
  curves (M4) for drawing.
- :mod:`~approxlab.theory.affine_pieces` — Lemma 4.9's piece-count bounds (and their
  corrections), random He-initialised networks, zigzag constructions, batched exact counts.
- :mod:`~approxlab.theory.cpwl` — a piecewise-linear function as a width-N one-hidden-layer
  network and as a width-5 deep network (seed 004, Theorem 2.2).
- :mod:`~approxlab.theory.sobolev` — Theorem 5.4's network for Sobolev balls (partition of
  unity, local Taylor polynomials, signed products) and Yarotsky's lower bound.
- :mod:`~approxlab.theory.circle` — exact sums of ReLU ridges on the unit circle
  (piecewise sinusoids; exact sups by sorting the 2n switching angles).
- :mod:`~approxlab.theory.near_init` — two-layer networks near initialization (Remark 3.2's
  convention), Taylor expansion and gaps (Def. 3.1, Props. 3.4/3.7, Lemma 3.8), Lemma 3.15.
- :mod:`~approxlab.theory.planting` — Theorem 3.10's planting construction and its bounds.
- :mod:`~approxlab.theory.kernels` — the NTK: empirical k_m, k_∞ (Prop. 3.23), arc-cosine
  and Sheppard references, the exact deviation and its DKW bound.
- :mod:`~approxlab.theory.kernel_fit` — kernel regression with k_∞ on the padded circle
  (eq. 3.20, Remark 3.24, Prop. 3.25): circulant FFT interpolation, Fourier coefficients.
"""
