"""The scene registry: adding a theorem is one module plus one line here."""

from __future__ import annotations

import approxlab.scenes.adaptive as adaptive
import approxlab.scenes.barron as barron
import approxlab.scenes.barron_norm as barron_norm
import approxlab.scenes.grid as grid
import approxlab.scenes.init_scale as init_scale
import approxlab.scenes.kernel_fit as kernel_fit
import approxlab.scenes.linearization as linearization
import approxlab.scenes.maurey as maurey
import approxlab.scenes.ntk as ntk
import approxlab.scenes.transport as transport
import approxlab.scenes.universal as universal
from approxlab.scenes import parity, pieces, product, sawtooth, separation, squaring, threshold
from approxlab.scenes import cpwl, sobolev
from approxlab.scenes.base import Scene

SCENES: dict[str, Scene] = {
    s.id: s
    for s in (
        threshold.SCENE,
        adaptive.SCENE,
        grid.SCENE,
        universal.SCENE,
        sawtooth.SCENE,
        squaring.SCENE,
        pieces.SCENE,
        cpwl.SCENE,
        sobolev.SCENE,
        product.SCENE,
        parity.SCENE,
        separation.SCENE,
        maurey.SCENE,
        barron.SCENE,
        barron_norm.SCENE,
        init_scale.SCENE,
        linearization.SCENE,
        transport.SCENE,
        ntk.SCENE,
        kernel_fit.SCENE,
    )
}
