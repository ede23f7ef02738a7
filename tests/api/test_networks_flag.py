"""The scene listing's ``has_networks`` (docs/contract.md), on which the frontend's network
panel relies: true exactly for the scenes that serve ``GET /api/v1/scenes/{id}/networks``."""

from __future__ import annotations


def test_has_networks_matches_the_networks_routes(client):
    listing = client.get("/api/v1/scenes").json()
    paths = client.get("/openapi.json").json()["paths"]
    for scene in listing:
        assert isinstance(scene["has_networks"], bool), scene["id"]
        served = f"/api/v1/scenes/{scene['id']}/networks" in paths
        assert scene["has_networks"] == served, scene["id"]
    assert any(s["has_networks"] for s in listing)
    assert not all(s["has_networks"] for s in listing)


def test_a_scene_without_networks_has_no_networks_route(client):
    listing = client.get("/api/v1/scenes").json()
    without = next(s["id"] for s in listing if not s["has_networks"])
    assert client.get(f"/api/v1/scenes/{without}/networks").status_code == 404
