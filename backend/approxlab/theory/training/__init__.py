"""Training meets theory (issue 15): what gradient descent finds, next to what the proofs
build.

- :mod:`~approxlab.theory.training.engine` — full-batch gradient descent and Adam for ReLU
  networks in the ``[(W, b)]`` form, stacks of seeded restarts trained in lockstep,
  log-spaced checkpoints, backpropagation checked against finite differences.
- :mod:`~approxlab.theory.training.lazy` — seed 003, chapter 3: the two-layer network of
  Remark 3.2 trained near initialization, its linearization and kernel gradient descent
  with the empirical NTK k_m (Propositions 3.4 and 3.7, Lemma 3.8, Theorem 3.19).
- :mod:`~approxlab.theory.training.spectral` — seed 001 (spectral bias) with seed 003's
  NTK: per-frequency residuals against the kernel's eigenvalues.
- :mod:`~approxlab.theory.training.learnability` — seeds 001 and 000: Δ^L (seed 003,
  Proposition 4.1) built against Δ^L learned, with exact piece counts (Lemma 4.9).
"""

from approxlab.theory.training.engine import (
    Run,
    checkpoint_steps,
    evaluate,
    finite_difference_gradients,
    forward,
    inputs,
    loss_and_gradients,
    stack,
    train,
    unstack,
)

__all__ = [
    "Run",
    "checkpoint_steps",
    "evaluate",
    "finite_difference_gradients",
    "forward",
    "inputs",
    "loss_and_gradients",
    "stack",
    "train",
    "unstack",
]
