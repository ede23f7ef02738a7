"""Networks handed out by scenes (``GET /api/v1/scenes/{id}/networks``).

A network travels in the body format of ``POST /api/v1/pieces``: layers of ``weight`` (one
row per output unit) and ``bias``, the activation after every layer but the last.  A scene
that builds, samples or trains networks sets ``Scene(networks=fn)`` with
``fn(params) -> [network_export(...), ...]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from approxlab.scenes.base import NetworkExport

#: Most weights and biases, over all networks of one response (422 beyond).
MAX_EXPORT_PARAMETERS = 250_000


class NetworkTooLargeError(ValueError):
    """The networks of these parameters are too large to send."""


def network_export(
    name: str,
    layers: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    activation: str = "relu",
    seed: int | None = None,
    notes: Sequence[str] = (),
    **extra: Any,
) -> NetworkExport:
    """A network ``[(W, b), ...]`` (``W`` of shape ``(out, in)``) in the wire format."""
    out: NetworkExport = {
        "name": name,
        "activation": activation,
        "input_dim": int(np.shape(layers[0][0])[1]),
        "output_dim": int(np.shape(layers[-1][0])[0]),
        "layers": [
            {"weight": np.asarray(W, dtype=float), "bias": np.asarray(b, dtype=float)}
            for W, b in layers
        ],
    }
    if seed is not None:
        out["seed"] = int(seed)
    if notes:
        out["notes"] = list(notes)
    out.update(extra)
    return out


def parameter_count(networks: Sequence[NetworkExport]) -> int:
    return int(
        sum(np.size(lay["weight"]) + np.size(lay["bias"]) for n in networks for lay in n["layers"])
    )


def checked(networks: list[NetworkExport]) -> list[NetworkExport]:
    """The networks, unless together they exceed :data:`MAX_EXPORT_PARAMETERS`."""
    n = parameter_count(networks)
    if n > MAX_EXPORT_PARAMETERS:
        raise NetworkTooLargeError(
            f"these networks have {n:,} weights and biases, more than the limit of "
            f"{MAX_EXPORT_PARAMETERS:,} that can be sent; choose smaller parameters"
        )
    return networks
