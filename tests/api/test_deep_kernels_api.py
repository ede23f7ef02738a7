"""Scene ``deep-kernels`` (seed 002; 003 Theorem 3.19 beyond two layers): contract, networks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from approxlab.theory.near_init import deep_kernels as dk
from tests.api.test_networks_api import numpy_forward


def test_defaults_hold_and_metrics_are_the_recursions(client):
    body = client.get("/api/v1/scenes/deep-kernels").json()
    assert all(c["holds"] for c in body["checks"]), body["checks"]
    assert sum(c["confidence"] is not None for c in body["checks"]) == 2
    p, met = body["params"], body["metrics"]
    sig, ntk = dk.analytic_kernels(np.array([math.radians(p["theta"])]), p["L"])
    assert met["nngp_inf"] == pytest.approx(sig[-1, 0]) and met["ntk_inf"] == pytest.approx(
        ntk[-1, 0]
    )
    assert abs(met["nngp_m"] - met["nngp_inf"]) <= met["max_abs_dev_nngp"] + 1e-12
    assert abs(met["ntk_m"] - met["ntk_inf"]) <= met["max_abs_dev_ntk"] + 1e-12
    assert body["plots"][0]["id"] == "kernels"
    for plot in body["plots"]:
        assert plot["caption"] and sum(t.get("legend", True) for t in plot["traces"]) <= 5


def test_deep_narrow_networks_say_why_the_rate_check_is_absent(client):
    body = client.get("/api/v1/scenes/deep-kernels", params={"L": 20, "m": 64}).json()
    assert len(body["checks"]) == 3 and all(c["holds"] for c in body["checks"])
    assert any("too small next to depth" in n for n in body["notes"])
    assert "slope_nngp" not in body["metrics"]


def test_exported_network_has_the_plotted_nngp(client):
    params = {"L": 2, "m": 64, "seed": 4}
    body = client.get("/api/v1/scenes/deep-kernels", params=params).json()
    nets = client.get("/api/v1/scenes/deep-kernels/networks", params=params).json()["networks"]
    (net,) = nets
    assert net["seed"] == 4 and net["input_dim"] == 2 and net["output_dim"] == 1
    assert len(net["layers"]) == 3
    kernels = next(p for p in body["plots"] if p["id"] == "kernels")
    emp = next(t for t in kernels["traces"] if t["name"].startswith("Σ̂"))
    deg = np.asarray(emp["x"], dtype=float)
    X = np.stack([np.cos(np.radians(np.r_[0.0, deg])), np.sin(np.radians(np.r_[0.0, deg]))], 1)
    hidden = {"layers": [*net["layers"][:-1], {"weight": np.eye(64), "bias": np.zeros(64)}]}
    h = np.maximum(numpy_forward(hidden, X), 0.0)  # (64, points)
    nngp = (2 / 64) * h[:, 1:].T @ h[:, 0]
    np.testing.assert_allclose(nngp, emp["y"], rtol=1e-5, atol=1e-6)  # float32 plot data
    out = numpy_forward(net, X)
    assert out.shape == (1, X.shape[0]) and np.all(np.isfinite(out))


@pytest.mark.parametrize(
    "query, field", [({"m": 512}, "m"), ({"L": 21}, "L"), ({"theta": 181}, "theta")]
)
def test_out_of_range_is_422(client, query, field):
    r = client.get("/api/v1/scenes/deep-kernels", params=query)
    assert r.status_code == 422 and field in r.text
