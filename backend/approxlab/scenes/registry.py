"""The scene registry: adding a theorem is one module plus one line here.

Scenes are listed in reading order (the frontend groups them by chapter).
"""

from __future__ import annotations

from approxlab.scenes import (
    adaptive,
    barron,
    barron_norm,
    cpwl,
    grid,
    init_scale,
    kernel_fit,
    linearization,
    maurey,
    ntk,
    parity,
    pieces,
    product,
    sawtooth,
    separation,
    sobolev,
    squaring,
    threshold,
    transport,
    universal,
)
from approxlab.scenes.base import Scene

SCENES: dict[str, Scene] = {
    s.id: s
    for s in (
        # 2 · Constructive approximation (003 §2.1–2.4)
        threshold.SCENE,
        adaptive.SCENE,
        grid.SCENE,
        universal.SCENE,
        maurey.SCENE,
        barron.SCENE,
        barron_norm.SCENE,
        # 3 · Near initialization and the NTK (003 chapter 3)
        init_scale.SCENE,
        linearization.SCENE,
        transport.SCENE,
        ntk.SCENE,
        kernel_fit.SCENE,
        # 4 · Depth (003 chapter 4; 000, 001, 004)
        sawtooth.SCENE,
        squaring.SCENE,
        product.SCENE,
        parity.SCENE,
        separation.SCENE,
        pieces.SCENE,
        cpwl.SCENE,
        sobolev.SCENE,
    )
}
