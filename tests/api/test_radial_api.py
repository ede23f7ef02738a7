"""Scene ``radial`` (003 Remark 4.12; 002 Eldan–Shamir): contract, networks, 422s."""

from __future__ import annotations

import numpy as np
import pytest

from approxlab.theory.depth import radial as rd
from tests.api.test_networks_api import numpy_forward


@pytest.mark.parametrize("params", [{}, {"d": 1}, {"d": 8, "eps": 0.01}])
def test_checks_hold_and_metrics_are_consistent(client, params):
    body = client.get("/api/v1/scenes/radial", params=params).json()
    assert body["checks"] and all(c["holds"] for c in body["checks"]), body["checks"]
    assert all(c["confidence"] is None for c in body["checks"])
    p, met = body["params"], body["metrics"]
    phi = rd.Ripples(p["w"], p["d"])
    i = met["squaring_level"]
    assert met["nodes_3layer"] == p["d"] * 2 ** (i + 1) + phi.pieces
    assert met["sup_bound_3layer"] == pytest.approx(phi.lipschitz * p["d"] * 4.0 ** (-i - 1))
    assert met["sup_bound_3layer"] <= p["eps"]
    assert met["error_3layer"] <= met["sample_max_3layer"] <= met["sup_bound_3layer"] + 1e-12
    assert body["plots"][0]["id"] == "nodes"
    for plot in body["plots"]:
        assert plot["caption"] and sum(t.get("legend", True) for t in plot["traces"]) <= 5
    assert any("Monte Carlo" in n for n in body["notes"])


def test_exported_networks_are_the_plotted_profiles(client):
    params = {"d": 3, "k": 16, "seed": 2}
    body = client.get("/api/v1/scenes/radial", params=params).json()
    nets = client.get("/api/v1/scenes/radial/networks", params=params).json()["networks"]
    three, two = nets
    assert three["input_dim"] == 3 and len(three["layers"]) == 3 and "seed" not in three
    assert two["seed"] == 2 and len(two["layers"]) == 2 and len(two["layers"][0]["bias"]) == 16
    plot = next(p for p in body["plots"] if p["id"] == "profile")
    r = np.asarray(plot["traces"][0]["x"], dtype=float)
    x = np.outer(r, np.ones(3)) / np.sqrt(3)
    for net, trace in ((three, plot["traces"][1]), (two, plot["traces"][2])):
        np.testing.assert_allclose(numpy_forward(net, x)[0], trace["y"], atol=1e-5)


def test_the_two_layer_error_grows_with_the_dimension(client):
    body = client.get("/api/v1/scenes/radial", params={"k": 128}).json()
    dim = next(p for p in body["plots"] if p["id"] == "dimension")
    two = np.asarray(dim["traces"][0]["y"], dtype=float)
    three = np.asarray(dim["traces"][1]["y"], dtype=float)
    assert two[-1] > 10 * two[0] and np.all(three <= body["params"]["eps"])


@pytest.mark.parametrize(
    "query, field",
    [({"d": 9}, "d"), ({"k": 256}, "k"), ({"eps": 0.001}, "eps"), ({"w": 2}, "w")],
)
def test_out_of_range_is_422_naming_the_field(client, query, field):
    r = client.get("/api/v1/scenes/radial", params=query)
    assert r.status_code == 422 and field in r.text
