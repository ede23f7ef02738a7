"""Full-batch gradient descent and Adam for ReLU networks in the app's ``[(W, b)]`` form.

A network is a list of affine layers ``(W, b)``, ``W`` of shape ``(out, in)``, with the
ReLU after every layer but the last (:mod:`approxlab.theory.core.networks`).  The engine
trains a *stack* of ``R`` networks of one architecture at once — seeded restarts in
lockstep — as arrays ``W`` of shape ``(R, out, in)`` and ``b`` of shape ``(R, out)``, so that
every step costs one (batched) matrix product per layer forward and two backward, whatever
``R`` is; nothing loops over samples.

Loss (the empirical risk of every restart): ``L(θ) = (1/2n) Σ_i ‖f(x_i; θ) − y_i‖²`` — the
notes' ``R̂₀ = Σ_i ½(F(x_i) − y_i)²`` of §3.3 divided by n, so that a step size means the
same for every n.  Gradients by backpropagation, with the ReLU's derivative taken as
``1[z > 0]`` (any selection of the Clarke differential gives the same gradient off a null
set; seed 003, Definition 3.1, Remark 3.22).  Parameters can be frozen (``trainable``) —
e.g. chapter 3's two-layer model trains only the inner weights ``V`` with the outer signs
fixed (Remark 3.2).

Optimisers (deterministic: the only randomness is the initialisation, seeded by the
caller):

- gradient descent ``θ ← θ − η ∇L(θ)``;
- Adam (Kingma and Ba 2015), ``m ← β₁m + (1 − β₁)g``, ``v ← β₂v + (1 − β₂)g²``,
  ``θ ← θ − η m̂/(√v̂ + ε)`` with the bias corrections ``m̂ = m/(1 − β₁ᵗ)``,
  ``v̂ = v/(1 − β₂ᵗ)``.

A run keeps the loss (and, on request, the outputs on the training inputs) after every
step and the weights at log-spaced checkpoints (:func:`checkpoint_steps`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from approxlab.theory.core.networks import ReLUNetwork

#: Stacked parameters: per layer ``(W, b)`` with ``W`` (R, out, in) and ``b`` (R, out).
Params = list[tuple[np.ndarray, np.ndarray]]
#: Per layer: ``(train W?, train b?)``.
Trainable = Sequence[tuple[bool, bool]]
Optimizer = Literal["gd", "adam"]

ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


# --- stacks of networks --------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where each layer's ``W`` (R, out, in) and ``b`` (R, out) sit in one flat buffer.

    Training keeps all parameters (and their gradients and Adam moments) in single
    contiguous vectors with per-layer views, so an optimiser step is a few vector
    operations however many layers there are.
    """

    shapes: tuple[tuple[int, int], ...]  # (out, in) per layer
    restarts: int

    @property
    def total(self) -> int:
        return self.restarts * sum(o * i + o for o, i in self.shapes)

    def views(self, buf: np.ndarray) -> Params:
        """``[(W, b)]`` views into ``buf`` (writing them writes ``buf``)."""
        out: Params = []
        pos, R = 0, self.restarts
        for o, i in self.shapes:
            W = buf[pos : pos + R * o * i].reshape(R, o, i)
            pos += R * o * i
            b = buf[pos : pos + R * o].reshape(R, o)
            pos += R * o
            out.append((W, b))
        return out

    def flatten(self, params: Params) -> np.ndarray:
        buf = np.empty(self.total)
        for (W, b), (vW, vb) in zip(params, self.views(buf), strict=True):
            vW[...] = W
            vb[...] = b
        return buf


def layout(params: Params) -> Layout:
    return Layout(tuple(W.shape[1:] for W, _ in params), int(params[0][0].shape[0]))


def stack(nets: Sequence[ReLUNetwork]) -> Params:
    """``R`` networks of one architecture as one stack (copies)."""
    return [
        (
            np.stack([np.asarray(n[li][0], dtype=float) for n in nets]),
            np.stack([np.asarray(n[li][1], dtype=float) for n in nets]),
        )
        for li in range(len(nets[0]))
    ]


def unstack(params: Params, r: int) -> ReLUNetwork:
    """Network ``r`` of a stack, as ``[(W, b)]`` (copies)."""
    return [(W[r].copy(), b[r].copy()) for W, b in params]


def copy(params: Params) -> Params:
    return [(W.copy(), b.copy()) for W, b in params]


def size(params: Params) -> int:
    """Number of restarts ``R`` in the stack."""
    return int(params[0][0].shape[0])


#: Chapter 3's two-layer model trains only its inner weights (Remark 3.2: "only the first
#: layer V will vary"): no biases, fixed outer signs.
TWO_LAYER_TRAINABLE = ((True, False), (False, False))


def two_layer(V: np.ndarray, a: np.ndarray) -> Params:
    """Chapter 3's ``F(x; V) = (1/√m) Σ_j a_j σ(v_jᵀx)`` (seed 003, Remark 3.2 with the
    scaling of §3.2, ρ = 1) as a stack of one network ``[(V, 0), (a/√m, 0)]``; train it
    with ``trainable=TWO_LAYER_TRAINABLE``."""
    m = a.size
    return [
        (V[None].copy(), np.zeros((1, m))),
        (a[None, None, :] / np.sqrt(m), np.zeros((1, 1))),
    ]


def parameter_count(net: ReLUNetwork) -> int:
    """Weights and biases of one network."""
    return int(sum(np.size(W) + np.size(b) for W, b in net))


# --- forward and backward ---------------------------------------------------------------


@dataclass
class Workspace:
    """Preallocated arrays for one forward and backward pass, reused every step (fresh
    large temporaries would cost page faults each time).  Activations are feature-major,
    (R, width, n): the samples run along the contiguous axis, so every product is one
    batched matrix product with a long inner loop."""

    hidden: list[np.ndarray]  # (R, width, n) per hidden layer, after the ReLU
    out: np.ndarray  # (R, out, n)
    back: list[np.ndarray]  # (R, width, n): the loss's gradient w.r.t. each hidden layer
    active: list[np.ndarray]  # bool (R, width, n): 1[h > 0]


def workspace(lay: Layout, n: int) -> Workspace:
    R = lay.restarts
    widths = [o for o, _ in lay.shapes]
    return Workspace(
        hidden=[np.empty((R, w, n)) for w in widths[:-1]],
        out=np.empty((R, widths[-1], n)),
        back=[np.empty((R, w, n)) for w in widths[:-1]],
        active=[np.empty((R, w, n), dtype=bool) for w in widths[:-1]],
    )


def inputs(X: np.ndarray) -> np.ndarray:
    """Samples ``X`` (n, d) — or (n,) for one input — as the feature-major (d, n) array."""
    X = np.asarray(X, dtype=float)
    return np.ascontiguousarray((X[:, None] if X.ndim == 1 else X).T)


def forward(
    params: Params, XT: np.ndarray, work: Workspace | None = None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Hidden activations and outputs of a stack on the inputs ``XT`` (d, n)
    (:func:`inputs`): returns ``(hidden, out)`` with ``hidden[l]`` (R, width_l, n) hidden
    layer ``l`` after the ReLU and ``out`` (R, out, n).  With ``work``, written into its
    arrays (and overwritten by the next call)."""
    work = work or workspace(layout(params), XT.shape[1])
    h: np.ndarray = XT  # (d, n), broadcast against the stack in the first product
    last = len(params) - 1
    for li, (W, b) in enumerate(params):
        z = work.out if li == last else work.hidden[li]
        np.matmul(W, h, out=z)
        z += b[:, :, None]
        if li < last:
            np.maximum(z, 0.0, out=z)
        h = z
    return work.hidden, work.out


def evaluate(params: Params, X: np.ndarray) -> np.ndarray:
    """Outputs of every network of the stack at the rows of ``X``: (R, n) for one output,
    else (R, n, out)."""
    _, out = forward(params, inputs(X))
    return out[:, 0, :].copy() if out.shape[1] == 1 else out.transpose(0, 2, 1).copy()


def loss_and_gradients(
    params: Params,
    XT: np.ndarray,
    YT: np.ndarray,
    trainable: Trainable | None = None,
    out: Params | None = None,
    work: Workspace | None = None,
) -> tuple[np.ndarray, list[tuple[np.ndarray | None, np.ndarray | None]], np.ndarray]:
    """``(loss (R,), gradients, outputs (R, out, n))`` of ``(1/2n) Σ_i ‖f(x_i) − y_i‖²``.

    ``XT`` (d, n) and ``YT`` (out, n) are feature-major (:func:`inputs`).  Gradients of
    frozen parameters are ``None`` (not computed); the backward pass stops at the first
    layer that has anything to train.  With ``out`` (arrays shaped like ``params``) the
    gradients are written there; ``work`` holds the intermediate arrays
    (:func:`workspace`).  The outputs are ``work``'s array.
    """
    n = XT.shape[1]
    L = len(params)
    mask = list(trainable) if trainable is not None else [(True, True)] * L
    work = work or workspace(layout(params), n)
    hidden, f = forward(params, XT, work)
    g = f - YT  # (R, out, n): the residuals, then ∂loss/∂(pre-activation), layer by layer
    loss = 0.5 * np.einsum("ron,ron->r", g, g) / n
    g /= n
    grads: list[tuple[np.ndarray | None, np.ndarray | None]] = [(None, None)] * L
    first = next((li for li in range(L) if any(mask[li])), L)
    for li in range(L - 1, first - 1, -1):
        W = params[li][0]
        h = hidden[li - 1] if li > 0 else XT
        dW = db = None
        if mask[li][0]:  # (R, out, n) @ (R or –, n, in)
            hT = h.transpose(0, 2, 1) if h.ndim == 3 else h.T
            dW = np.matmul(g, hT, out=None if out is None else out[li][0])
        if mask[li][1]:
            db = np.sum(g, axis=2, out=None if out is None else out[li][1])
        grads[li] = (dW, db)
        if li > first:
            # ∂/∂(hidden layer li − 1), then through its ReLU: 1[z > 0] = 1[h > 0]
            back = work.back[li - 1]
            if g.shape[1] == 1:  # one output: an outer product, by broadcasting
                np.multiply(W.transpose(0, 2, 1), g, out=back)
            else:
                np.matmul(W.transpose(0, 2, 1), g, out=back)
            np.greater(h, 0.0, out=work.active[li - 1])
            back *= work.active[li - 1]
            g = back
    return loss, grads, f


# --- checkpoints -------------------------------------------------------------------------


def checkpoint_steps(total: int, count: int) -> np.ndarray:
    """``count + 1`` strictly increasing steps from 0 to ``total``, log-spaced.

    ``t_k = k + max_{j ≤ k} (round(total^{j/count}) − j)``: at least ``round(total^{k/count})``
    and at least one more than the previous checkpoint, so early checkpoints are every step
    and later ones geometric; ``t_count = total`` whenever ``total ≥ count + 1``.
    """
    if total < count:
        raise ValueError("need at least as many steps as checkpoints")
    k = np.arange(count + 1)
    geo = np.round(np.power(float(total), k / count)).astype(np.int64)
    geo[0] = 0
    steps = k + np.maximum.accumulate(geo - k)
    return np.minimum(steps, total)


# --- the run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A finished training run: losses after every step, weights at the checkpoints."""

    #: Checkpoint steps (K + 1,), from 0 (the initialisation) to the last step.
    steps: np.ndarray
    #: Weights at each checkpoint (a stack each).
    weights: tuple[Params, ...]
    #: Loss of every restart after ``t`` steps, ``t = 0 … T``: shape (T + 1, R).
    loss: np.ndarray
    #: Outputs on the training inputs after every step, (T + 1, R, out, n), if recorded.
    outputs: np.ndarray | None = None

    @property
    def total_steps(self) -> int:
        return int(self.steps[-1])

    def at(self, checkpoint: int) -> Params:
        return self.weights[checkpoint]


def train(
    init: Params,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    optimizer: Optimizer,
    lr: float,
    steps: int,
    checkpoints: int,
    trainable: Trainable | None = None,
    record_outputs: bool = False,
    betas: tuple[float, float] = ADAM_BETAS,
    eps: float = ADAM_EPS,
) -> Run:
    """Train the stack ``init`` (not modified) on ``(X, Y)`` for ``steps`` full-batch steps.

    Deterministic: equal arguments give bit-identical runs.  The loss is recorded after
    every step (one extra forward pass at the end), the weights at
    :func:`checkpoint_steps` ``(steps, checkpoints)``.  Frozen parameters keep a zero
    gradient, so neither optimiser moves them.
    """
    lay = layout(init)
    mask = list(trainable) if trainable is not None else [(True, True)] * len(init)
    if len(mask) != len(init):
        raise ValueError("trainable needs one (W, b) pair per layer")
    theta = lay.flatten(init)
    params = lay.views(theta)
    grad = np.zeros_like(theta)
    gviews = lay.views(grad)
    XT = inputs(X)
    n = XT.shape[1]
    YT = np.ascontiguousarray(np.asarray(Y, dtype=float).reshape(n, -1).T)
    work = workspace(lay, n)
    at = checkpoint_steps(steps, checkpoints)
    keep = set(at.tolist())
    losses = np.empty((steps + 1, lay.restarts))
    outs: np.ndarray | None = None
    saved: list[np.ndarray] = []
    if optimizer == "adam":
        m1, m2, tmp = np.zeros_like(theta), np.zeros_like(theta), np.empty_like(theta)
        b1, b2 = betas
    for t in range(steps + 1):
        if t in keep:
            saved.append(theta.copy())
        if t == steps:
            loss, f = _loss_only(params, XT, YT, work)
        else:
            loss, _, f = loss_and_gradients(params, XT, YT, mask, gviews, work)
        losses[t] = loss
        if record_outputs:
            if outs is None:
                outs = np.empty((steps + 1, *f.shape))
            outs[t] = f
        if t == steps:
            break
        if optimizer == "gd":
            theta -= lr * grad
            continue
        m1 *= b1
        m1 += (1.0 - b1) * grad
        np.multiply(grad, grad, out=tmp)
        m2 *= b2
        m2 += (1.0 - b2) * tmp
        np.divide(m2, 1.0 - b2 ** (t + 1), out=tmp)
        np.sqrt(tmp, out=tmp)
        tmp += eps
        np.divide(m1, tmp, out=tmp)
        theta -= (lr / (1.0 - b1 ** (t + 1))) * tmp
    return Run(
        steps=at,
        weights=tuple(lay.views(w) for w in saved),
        loss=losses,
        outputs=outs,
    )


def _loss_only(
    params: Params, XT: np.ndarray, YT: np.ndarray, work: Workspace | None = None
) -> tuple[np.ndarray, np.ndarray]:
    _, f = forward(params, XT, work)
    r = f - YT
    return 0.5 * np.einsum("ron,ron->r", r, r) / XT.shape[1], f


# --- verification ----------------------------------------------------------------------


def finite_difference_gradients(
    params: Params, X: np.ndarray, Y: np.ndarray, h: float = 1e-6
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Central differences ``(L(θ + h e) − L(θ − h e))/2h`` of the summed loss over the
    stack, for every weight and bias (float64; for tests on small networks)."""
    work = copy(params)
    XT = inputs(X)
    YT = np.asarray(Y, dtype=float).reshape(XT.shape[1], -1).T
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for li in range(len(work)):
        pair = []
        for pi in range(2):
            p = work[li][pi]
            g = np.zeros_like(p)
            flat, gflat = p.reshape(-1), g.reshape(-1)
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + h
                up = _loss_only(work, XT, YT)[0].sum()
                flat[i] = old - h
                down = _loss_only(work, XT, YT)[0].sum()
                flat[i] = old
                gflat[i] = (up - down) / (2.0 * h)
            pair.append(g)
        out.append((pair[0], pair[1]))
    return out
