"""Chapter 3 of seed 003, near initialization and the NTK: one module per scene.

- ``two_layer`` — the model of Remark 3.2: ``F(x; V) = Σ_j a_j σ(v_jᵀx)``, activations,
  initialization, prediction, gradient, Taylor expansion (Definition 3.1).
- ``linearization`` — scene ``linearization``: gaps ``F − F₀``, flips, the worst case,
  Lemma 3.8, Propositions 3.4 and 3.7, the sweeps over B and m.
- ``init_scale`` — scene ``init-scale``: Lemma 3.15, sups over the circle and sphere.
- ``transport`` — scene ``transport``: Theorem 3.10's planting.
- ``ntk`` — scene ``ntk``: Theorem 3.19, Proposition 3.23.
- ``kernel_fit`` — scene ``kernel-fit``: eq. (3.20), Proposition 3.25.
- ``circle`` — exact sums of ReLU ridges on the unit circle (used by all of the above).
"""
