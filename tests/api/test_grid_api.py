"""Scene grid through the API: the corrected construction, refusals with documented limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from approxlab.scenes.grid import MAX_CUBES
from tests.theory.core.test_expressions import HOSTILE


def test_defaults(client):
    body = client.get("/api/v1/scenes/grid").json()
    m = body["metrics"]
    assert m["k"] == math.ceil(1.0 * math.sqrt(2) / 0.6) == 3
    assert m["cubes"] == 9 and m["nodes"] == 9 * 9
    assert all(c["holds"] for c in body["checks"])
    ids = [p["id"] for p in body["plots"]]
    assert ids[0] == "slice"  # the primary plot, present for every d
    assert set(ids) >= {"slice", "heat_g", "heat_h", "heat_f", "heat_error", "nodes", "leak"}
    for p in body["plots"]:
        assert p.get("caption")
        if p["id"].startswith("heat_"):
            assert p["aspect"] == "equal"
    assert any("printed: k = ⌈ρ/(ε√d)⌉" in n for n in body["notes"])
    assert m["sup_error_printed_k"] > 0.6  # the printed k fails at the defaults


@pytest.mark.parametrize(
    ("query", "param", "words"),
    [
        ("d=8&eps=0.1", "eps", ["d = 8", f"{MAX_CUBES:,}", "choose ε ≥"]),
        ("d=2&eps=0.02&target=gaussian", "eps", ["quadrature grid", "choose ε ≥"]),
        ("d=1&target=saddle", "d", ["d ≥ 2"]),
        ("target=custom&expr=x3", "expr", ["unknown name 'x3'"]),
        ("target=custom&expr=x1>0.5", "expr", ["jumps"]),
        ("gamma=2", "gamma", ["1"]),
    ],
)
def test_refusals_name_the_parameter_and_the_limit(client, query, param, words):
    r = client.get(f"/api/v1/scenes/grid?{query}")
    assert r.status_code == 422
    msg = r.json()["message"]
    assert msg.startswith(f"{param}:"), msg
    for w in words:
        assert w in msg, msg


@pytest.mark.parametrize("text", HOSTILE[:40])
def test_hostile_expressions(client, text):
    r = client.get("/api/v1/scenes/grid", params={"target": "custom", "expr": text})
    assert r.status_code == 422 and r.json()["message"].startswith("expr:")


@pytest.mark.parametrize("d", range(1, 9))
def test_every_dimension_at_the_default_accuracy(client, d):
    body = client.get(f"/api/v1/scenes/grid?d={d}").json()
    m = body["metrics"]
    assert m["cubes"] == m["k"] ** d and m["nodes"] == (4 * d + 1) * m["k"] ** d
    assert m["sup_error_piecewise"] <= 0.6 + 1e-12
    assert m["l1_error"] <= 1.2
    if d > 2:
        assert m["l1_error_se"] > 0
        by_name = {c["name"]: c for c in body["checks"]}
        assert by_name["∫|f − g| ≤ 2ε"]["confidence"] == 0.99  # Monte Carlo means
        assert by_name["∫|f − h| ≤ Σⱼ|aⱼ|·((1/k + 2γ)ᵈ − k⁻ᵈ)"]["confidence"] == 0.99
    assert body["plots"][0]["id"] == "slice"


def test_custom_target(client):
    body = client.get(
        "/api/v1/scenes/grid", params={"target": "custom", "expr": "x1*x2", "eps": 0.3}
    ).json()
    assert body["metrics"]["lipschitz"] == pytest.approx(math.sqrt(2), rel=1e-3)
    assert all(c["holds"] for c in body["checks"])
    assert any("estimate" in n for n in body["notes"])


def test_heatmaps_are_not_transposed(client):
    """An asymmetric target, g = x₁: every row of z (fixed x₂) increases along x₁."""
    body = client.get(
        "/api/v1/scenes/grid", params={"target": "custom", "expr": "x1", "eps": 0.5}
    ).json()
    heat = next(p for p in body["plots"] if p["id"] == "heat_g")["traces"][0]
    z = np.array(heat["z"])
    assert z.shape == (len(heat["y"]), len(heat["x"]))
    np.testing.assert_allclose(z, np.broadcast_to(np.array(heat["x"]), z.shape), atol=1e-6)


@pytest.mark.parametrize("d", [1, 2, 3, 4])
@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_ridge_equality_cases_show_a_tick(client, d, k):
    """ε = √d/k: the ridge's h attains sup |h − g| = √d/k = ε exactly (issue 12, point 1)."""
    eps = math.sqrt(d) / k
    if not 0.02 <= eps <= 2.0:
        pytest.skip("ε outside the slider")
    body = client.get("/api/v1/scenes/grid", params={"d": d, "eps": eps}).json()
    check = body["checks"][0]
    assert check["holds"], check
    if body["metrics"]["k"] == k:  # ⌈√d/ε⌉ did not round up: the bound is attained
        assert abs(check["measured"] - eps) <= check["rounding"]


def test_networks_of_a_large_grid_are_422(client):
    r = client.get("/api/v1/scenes/grid/networks", params={"d": 8})
    assert r.status_code == 422
    assert "250,000" in r.json()["message"] and "d = 8" in r.json()["message"]
