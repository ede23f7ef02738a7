"""``GET /api/v1/scenes/{id}/networks``: the scene's networks in the body format of
``POST /api/v1/pieces`` (docs/contract.md)."""

from __future__ import annotations

import numpy as np
import pytest

from approxlab.scenes.registry import SCENES

WITH_NETWORKS = [sid for sid, s in SCENES.items() if s.networks is not None]


def numpy_forward(net: dict, x: np.ndarray) -> np.ndarray:
    """The exported network evaluated with plain numpy (ReLU after all but the last)."""
    z = x.reshape(len(x), -1).T
    for i, lay in enumerate(net["layers"]):
        z = np.asarray(lay["weight"]) @ z + np.asarray(lay["bias"])[:, None]
        if i < len(net["layers"]) - 1:
            z = np.maximum(z, 0.0)
    return z


@pytest.mark.parametrize("scene_id", WITH_NETWORKS)
def test_networks_are_in_the_pieces_format_and_post_back(client, scene_id):
    r = client.get(f"/api/v1/scenes/{scene_id}/networks")
    assert r.status_code == 200, r.text
    nets = r.json()["networks"]
    assert nets
    for net in nets:
        assert {"name", "activation", "input_dim", "output_dim", "layers"} <= set(net)
        if net["activation"] != "relu" or net["input_dim"] != 1:
            continue
        counted = client.post(
            "/api/v1/pieces", json={"layers": net["layers"], "domain": [0.0, 1.0]}
        )
        assert counted.status_code == 200, counted.text


def test_sawtooth_network_is_the_lth_power_of_delta(client):
    net = client.get("/api/v1/scenes/sawtooth/networks", params={"L": 4}).json()["networks"][0]
    x = np.linspace(0.0, 1.0, 257)
    y = numpy_forward(net, x)[0]
    tooth = np.abs(((x * 2**4) % 2) - 1)  # Δ^L(x) = 1 − |⟨2^(L−1)x⟩·2 − 1|, on dyadic points
    assert np.allclose(y, 1 - tooth)
    counted = client.post("/api/v1/pieces", json={"layers": net["layers"], "domain": [0, 1]})
    assert counted.json()["pieces"] == 2**4


def test_networks_of_bad_params_are_422_and_unknown_is_404(client):
    assert client.get("/api/v1/scenes/sawtooth/networks", params={"L": 0}).status_code == 422
    assert client.get("/api/v1/scenes/no-such/networks").status_code == 404
