"""Scene ``regions`` and POST /api/v1/regions: contract metrics, 422s, JSON round trip,
exactness on an ill-conditioned network."""

from __future__ import annotations

import numpy as np
import pytest

from approxlab.theory.core.networks import layer
from approxlab.theory.depth import regions as rg

URL = "/api/v1/regions"


def body_of(net, domain=(-1.0, 1.0)) -> dict:
    return {
        "layers": [{"weight": W.tolist(), "bias": b.tolist()} for W, b in net],
        "domain": list(domain),
    }


def test_scene_defaults_contract(client):
    r = client.get("/api/v1/scenes/regions")
    assert r.status_code == 200
    out = r.json()
    m = out["metrics"]
    assert {"regions", "neurons", "upper_bound"} <= set(m)
    assert m["neurons"] == 16 and m["regions"] <= m["upper_bound"]
    assert all(c["holds"] for c in out["checks"])
    ids = [p["id"] for p in out["plots"]]
    assert ids == ["regions", "sweep"]
    regions_plot = out["plots"][0]
    assert regions_plot["aspect"] == "equal" and regions_plot["caption"]
    for plot in out["plots"]:
        shown = {t.get("group") or t["name"] for t in plot["traces"] if t.get("legend", True)}
        assert len(shown) <= 5


@pytest.mark.parametrize(
    ("params", "regions"),
    [({"network": "sawtooth", "L": 6}, 64), ({"network": "random", "width": 1, "depth": 1}, 2)],
)
def test_scene_counts(client, params, regions):
    out = client.get("/api/v1/scenes/regions", params=params).json()
    assert out["metrics"]["regions"] == regions
    assert all(c["holds"] for c in out["checks"])


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"width": 17}, "width"),
        ({"network": "product", "L": 5}, "at most 4"),
        ({"network": "nonsense"}, "network"),
    ],
)
def test_scene_limits_are_422(client, params, word):
    r = client.get("/api/v1/scenes/regions", params=params)
    assert r.status_code == 422 and word in r.text


def test_exported_network_round_trips(client):
    params = {"network": "random", "width": 5, "depth": 2, "seed": 7}
    scene = client.get("/api/v1/scenes/regions", params=params).json()
    nets = client.get("/api/v1/scenes/regions/networks", params=params).json()["networks"]
    assert len(nets) == 1 and nets[0]["input_dim"] == 2
    posted = client.post(URL, json=nets[0])  # as handed out, domain defaulting to [−1, 1]²
    assert posted.status_code == 200
    out = posted.json()
    assert out["regions"] == scene["metrics"]["regions"]
    assert out["upper_bound"] == scene["metrics"]["upper_bound"]
    assert len(out["polygons"]) == len(out["patterns"]) == out["regions"]
    assert all(len(p) == out["neurons"] for p in out["patterns"])
    assert all(c["holds"] for c in out["checks"])


def test_ill_conditioned_network_is_exact(client):
    """Three lines through one point (6 cells), and the third moved by one ulp (7)."""
    t = 0.1
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    for c, want in ((2 * t, 6), (float(np.nextafter(2 * t, 1.0)), 7)):
        net = [layer(W, [-t, -t, -c]), layer([[1.0, 1.0, 1.0]], [0.0])]
        out = client.post(URL, json=body_of(net)).json()
        assert out["regions"] == want and out["exact_vertices"] > 0


def test_square_domain(client):
    net = [layer([[1.0, 0.0]], [-0.5]), layer([[1.0]], [0.0])]
    assert client.post(URL, json=body_of(net, (0.0, 1.0))).json()["regions"] == 2
    assert client.post(URL, json=body_of(net, (0.6, 1.0))).json()["regions"] == 1


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"layers": [{"weight": [[1.0]], "bias": [0.0]}]}, "2-dimensional"),
        ({"layers": [{"weight": [[1.0, 1.0]], "bias": [0.0, 1.0]}]}, "bias"),
        ({"layers": [{"weight": [[1.0, 1.0], [1.0, 0.0]], "bias": [0, 0]}]}, "1 output"),
        ({"layers": [{"weight": [[1.0, 1.0]], "bias": [0.0]}], "domain": [1, 0]}, "a < b"),
        ({"layers": [{"weight": [[1.0, 1.0]], "bias": [0.0]}], "input_dim": 1}, "input_dim"),
        ({"layers": []}, "layers"),
    ],
)
def test_invalid_bodies_are_422(client, body, word):
    r = client.post(URL, json=body)
    assert r.status_code == 422 and word in r.text


def test_empty_and_broken_json_are_422(client):
    assert client.post(URL, content=b"").status_code == 422
    assert client.post(URL, content=b"{nope").status_code == 422
    assert client.get(URL).status_code == 405


def test_region_limit_is_422(client):
    net = rg.he_network([64, 64, 64], 0)
    r = client.post(URL, json=body_of(net))
    assert r.status_code == 422
    assert "the limit" in r.json()["message"]
