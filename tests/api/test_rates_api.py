"""Scene ``rates``: uniform against free knots (seed 004) — contract, networks, 422s."""

from __future__ import annotations

import numpy as np
import pytest

from tests.api.test_networks_api import numpy_forward


@pytest.mark.parametrize(
    "params", [{}, {"target": "kink"}, {"alpha": 0.1, "N": 1024}, {"target": "kink", "N": 9}]
)
def test_every_check_holds_and_metrics_agree(client, params):
    body = client.get("/api/v1/scenes/rates", params=params).json()
    assert body["checks"] and all(c["holds"] for c in body["checks"]), body["checks"]
    met = body["metrics"]
    assert met["error_free"] <= met["error_uniform"] * (1 + 1e-12)
    assert met["advantage"] == pytest.approx(met["error_uniform"] / met["error_free"])
    assert body["plots"][0]["id"] == "rates"
    for plot in body["plots"]:
        assert plot["caption"]
        assert sum(t.get("legend", True) for t in plot["traces"]) <= 5


def test_power_uniform_error_is_c_alpha_n_to_minus_alpha(client):
    a, n = 0.3, 40
    met = client.get("/api/v1/scenes/rates", params={"alpha": a, "N": n}).json()["metrics"]
    c = a ** (a / (1 - a)) * (1 - a)
    assert met["error_uniform"] == pytest.approx(c * n**-a, rel=1e-12)
    assert met["rate_uniform"] == pytest.approx(-a, abs=1e-12)
    assert abs(met["rate_free"] + 2) < 0.05


@pytest.mark.parametrize("target", ["power", "kink"])
def test_networks_are_the_plotted_interpolants_and_count_n_pieces(client, target):
    params = {"target": target, "N": 12, "alpha": 0.4}
    body = client.get("/api/v1/scenes/rates", params=params).json()
    plot = next(p for p in body["plots"] if p["id"] == "approximants")
    curves = {t["name"]: t for t in plot["traces"]}
    nets = client.get("/api/v1/scenes/rates/networks", params=params).json()["networks"]
    assert len(nets) == 2
    for net, curve in zip(nets, ("uniform knots", "free knots"), strict=True):
        assert net["activation"] == "relu" and net["input_dim"] == 1
        assert len(net["layers"][0]["bias"]) == 12
        knots = np.asarray(curves[curve]["x"], dtype=float)
        values = np.asarray(curves[curve]["y"], dtype=float)
        x = np.linspace(0.0, 1.0, 401)
        got = numpy_forward(net, x)[0]
        np.testing.assert_allclose(got, np.interp(x, knots, values), atol=1e-6)  # float32 plot
        counted = client.post(
            "/api/v1/pieces", json={"layers": net["layers"], "domain": [0.0, 1.0]}
        ).json()
        assert counted["pieces"] == 12


@pytest.mark.parametrize(
    "query, field",
    [({"alpha": 1.0}, "alpha"), ({"alpha": 0.05}, "alpha"), ({"N": 0}, "N"), ({"N": 2000}, "N")],
)
def test_out_of_range_is_422_naming_the_field(client, query, field):
    r = client.get("/api/v1/scenes/rates", params=query)
    assert r.status_code == 422 and field in r.text
