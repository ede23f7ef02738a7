"""Pure-numpy approximation theory, grouped like the notes (seed 003): networks, targets,
constructions, bounds.  Nothing here imports the web layer; use it from a notebook::

    from approxlab.theory.core import networks
    from approxlab.theory.depth import sawtooth
    net = sawtooth.sawtooth(5)           # Δ^5 as [(W, b), ...]
    networks.pieces(net, (0.0, 1.0))    # 32, exact

Packages, one per chapter, and one module per topic (named after the scene it serves):

- :mod:`~approxlab.theory.core` — what every chapter uses: ``networks`` (ReLU networks as
  ``[(W, b), ...]``, evaluation, composition, exact univariate breakpoint propagation and
  piece counts), ``threshold_networks`` (univariate threshold networks in O((n + m) log m)),
  ``targets`` / ``targets_nd`` (the target library with exact derivatives, Lipschitz
  constants, critical points; custom targets), ``expressions`` (the safe whitelist parser for
  user expressions), ``errors`` (exact sup errors, rounding allowances), ``roots``,
  ``minimax`` (discrete Remez).
- :mod:`~approxlab.theory.shallow` — chapter 2, constructive approximation: ``threshold``
  (Proposition 2.1), ``adaptive`` (Proposition 2.8), ``grid`` (Theorem 2.3), ``universal``
  (Theorem 2.5: random features + least squares), ``maurey`` (Lemmas 2.16–2.17),
  ``barron`` (Theorem 2.12) with ``halfplanes`` (bivariate threshold networks),
  ``barron_norm`` (Barron norms of Gaussians in dimension d).
- :mod:`~approxlab.theory.near_init` — chapter 3, near initialization: ``two_layer`` (the
  two-layer model of Remark 3.2, Taylor expansion, gaps, flips, Lemmas 3.8 and 3.15),
  ``circle`` (exact sums of ReLU ridges on the circle), ``transport`` (Theorem 3.10's
  planting), ``ntk`` (Theorem 3.19, Proposition 3.23), ``kernel_fit`` (eq. 3.20,
  Proposition 3.25).
- :mod:`~approxlab.theory.depth` — chapter 4, depth: ``sawtooth`` (Δ, Proposition 4.1),
  ``fractal`` (its consequences), ``squaring`` (Theorem 4.2), ``product`` (Corollary 4.3,
  Lemma 5.3),
  ``parity``, ``separation`` (Theorems 4.4 and 4.6), ``pieces`` (Lemma 4.9, exact counts),
  ``cpwl`` (seed 004, Theorem 2.2), ``sobolev`` (Theorem 5.4).
"""
