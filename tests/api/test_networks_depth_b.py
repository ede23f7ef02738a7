"""Chapter 4, second half (pieces, cpwl, sobolev): the exported networks against what the
scenes draw and count, and the figures' presentation rules (issues 11, 12, 14)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from approxlab.scenes.registry import SCENES

SNAKE = re.compile(r"\b[a-z]+_[a-z]+\b")  # an identifier, not the notes' words
TEX = re.compile(r"\\[a-zA-Z]+|\$|_\{|\^\{")


def forward(net: dict, x: np.ndarray) -> np.ndarray:
    """The exported network evaluated with plain numpy (ReLU after all but the last)."""
    z = np.asarray(x, dtype=float).reshape(len(x), -1).T
    for i, lay in enumerate(net["layers"]):
        z = np.asarray(lay["weight"]) @ z + np.asarray(lay["bias"])[:, None]
        if i < len(net["layers"]) - 1:
            z = np.maximum(z, 0.0)
    return z[0]


def get(client, path: str, **params) -> dict:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def plot(body: dict, pid: str) -> dict:
    return next(p for p in body["plots"] if p["id"] == pid)


def trace(p: dict, prefix: str) -> dict:
    return next(t for t in p["traces"] if t["name"].startswith(prefix))


def count(client, net: dict, domain) -> int:
    r = client.post("/api/v1/pieces", json={"layers": net["layers"], "domain": list(domain)})
    assert r.status_code == 200, r.text
    return r.json()["pieces"]


def visible_text(scene_id: str, body: dict) -> list[str]:
    """Everything a user reads: titles, captions, labels, trace names, checks, notes,
    metric labels, param labels and descriptions."""
    scene = SCENES[scene_id]
    out = [scene.title, scene.summary, *scene.metric_labels.values(), *body["notes"]]
    for c in body["checks"]:
        out += [c["name"], c.get("note") or ""]
    for p in body["plots"]:
        out += [p["title"], p["caption"], p["x"]["label"], p["y"]["label"]]
        out += [t["name"] for t in p["traces"]]
    for f in scene.params.model_json_schema()["properties"].values():
        out += [f.get("label", ""), f.get("description", "")]
    return out


def assert_presentable(scene_id: str, body: dict) -> None:
    """Issue 11: words not identifiers, a caption and roles everywhere, ≤ 5 legend entries,
    equal aspect for heatmaps of the unit square, a check card that is never empty."""
    for text in visible_text(scene_id, body):
        assert not SNAKE.search(text), text
        assert not TEX.search(text), text
    assert body["checks"]
    for p in body["plots"]:
        assert p["caption"], p["id"]
        entries = set()
        for t in p["traces"]:
            if t["kind"] == "heatmap":
                assert p.get("aspect") == "equal"
                continue
            assert t.get("style"), (p["id"], t["name"])
            if t.get("legend", True):
                entries.add(t.get("group") or t["name"])
        assert len(entries) <= 5, (p["id"], entries)
        looks = [  # no two series drawn alike (context curves are alike on purpose)
            (t["style"], t["kind"])
            for t in p["traces"]
            if t["kind"] != "heatmap" and t["style"] != "context"
        ]
        assert len(set(looks)) == len(looks), (p["id"], looks)


# ------------------------------------------------------------------------------ pieces


@pytest.mark.parametrize("params", [{}, {"width": 3, "depth": 4, "bias_std": 0.5, "seed": 7}])
def test_pieces_exports_the_zigzag_and_the_random_networks(client, params):
    body = get(client, "/api/v1/scenes/pieces", **params)
    nets = get(client, "/api/v1/scenes/pieces/networks", **params)["networks"]
    zig, randoms = nets[0], nets[1:]
    assert zig["name"].startswith("zigzag") and "seed" not in zig
    assert len(randoms) == body["params"]["samples"]
    assert all(n["seed"] == body["params"]["seed"] for n in randoms)
    # the zigzag: same piece count as the scene, and the curve it draws when zoomed in
    assert count(client, zig, (-1.0, 1.0)) == body["metrics"]["delta_pieces"]
    zoomed = get(client, "/api/v1/scenes/pieces", **params, x_lo=0.0, x_hi=0.05)
    t = trace(plot(zoomed, "construction"), "zigzag")
    assert t["kind"] == "line"
    np.testing.assert_allclose(forward(zig, np.array(t["x"])), t["y"], atol=1e-5)
    # random network 1 is the example drawn, with the pieces its title states
    ex = plot(body, "example")
    t = trace(ex, "random network 1")
    np.testing.assert_allclose(forward(randoms[0], np.array(t["x"])), t["y"], atol=1e-5)
    stated = int(re.search(r": ([\d,]+) pieces?", ex["title"]).group(1).replace(",", ""))
    assert count(client, randoms[0], (-1.0, 1.0)) == stated


def test_pieces_construction_is_never_a_solid_block(client):
    """Issue 11: the default zigzag (4,096 teeth) is an envelope, labelled; zoomed in, every
    knot; the window lives in hidden params and a reversed window means the whole domain."""
    body = get(client, "/api/v1/scenes/pieces")
    p = plot(body, "construction")
    assert p["zoom"] == {"lo": "x_lo", "hi": "x_hi"}
    (t,) = p["traces"]
    assert t["kind"] == "band" and "4,096 pieces here" in t["name"]
    assert len(t["x"]) <= 2 * 1200
    zoomed = get(client, "/api/v1/scenes/pieces", x_lo=0.25, x_hi=0.3)
    (t,) = plot(zoomed, "construction")["traces"]
    assert t["kind"] == "line" and plot(zoomed, "construction")["x"]["range"] == [0.25, 0.3]
    x = np.array(t["x"])
    assert x[0] <= 0.25 and x[-1] >= 0.3 and 100 < x.size < 600  # 4,096 · 0.05/2 teeth ≈ 102
    reset = get(client, "/api/v1/scenes/pieces", x_lo=0.5, x_hi=0.2)
    assert plot(reset, "construction")["traces"][0]["kind"] == "band"
    schema = SCENES["pieces"].params.model_json_schema()["properties"]
    assert schema["x_lo"]["hidden"] and schema["x_hi"]["hidden"]
    r = client.get("/api/v1/scenes/pieces", params={"x_lo": -2})
    assert r.status_code == 422 and r.json()["message"].startswith("x_lo:")


def test_pieces_figures(client):
    body = get(client, "/api/v1/scenes/pieces")
    assert SCENES["pieces"].primary_plot == "depth" == body["plots"][0]["id"]
    assert plot(body, "depth")["x"]["integer"] and plot(body, "distribution")["x"]["integer"]
    assert_presentable("pieces", body)


# ------------------------------------------------------------------------------ cpwl


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"values": "1, -2, 3.5, 0.25, 0.5, 7", "knots": "0, 0.1, 0.15, 0.5, 0.9, 1"},
        {"values": "1, -2, 3.5, 0, 0, 7", "knots": "0, 0.1, 0.15, 0.5, 0.9, 1"},
    ],
)
def test_cpwl_networks_are_f_and_count_its_pieces(client, params):
    body = get(client, "/api/v1/scenes/cpwl", **params)
    shallow, deep = get(client, "/api/v1/scenes/cpwl/networks", **params)["networks"]
    n = body["metrics"]["knots"]
    assert len(shallow["layers"][0]["bias"]) == n and len(shallow["layers"]) == 2
    assert {len(lay["bias"]) for lay in deep["layers"][:-2]} == {5}
    f = plot(body, "function")
    target = trace(f, "f, the linear interpolant")
    x = np.linspace(-0.25, 1.25, 301)
    want = np.interp(x, target["x"], target["y"])
    for net in (shallow, deep):
        np.testing.assert_allclose(forward(net, x), want, atol=1e-5)
        assert count(client, net, (0.0, 1.0)) == body["metrics"]["pieces"]


def test_cpwl_figures(client):
    assert_presentable("cpwl", get(client, "/api/v1/scenes/cpwl"))


# ------------------------------------------------------------------------------ sobolev


def test_sobolev_small_networks_are_exported_whole(client):
    params = {"d": 1, "s": 2, "k": 3, "r": 3, "target": "exp"}
    body = get(client, "/api/v1/scenes/sobolev", **params)
    (net,) = get(client, "/api/v1/scenes/sobolev/networks", **params)["networks"]
    assert net["name"].startswith("f: the network of Theorem 5.4")
    t = trace(plot(body, "approximation"), "network f")
    np.testing.assert_allclose(forward(net, np.array(t["x"])), t["y"], atol=1e-6)
    assert count(client, net, (0.0, 1.0)) == body["metrics"]["pieces"]


def test_sobolev_default_network_comes_as_its_branches(client):
    body = get(client, "/api/v1/scenes/sobolev")
    nets = get(client, "/api/v1/scenes/sobolev/networks")["networks"]
    assert len(nets) == body["metrics"]["branches"] == 17
    t = trace(plot(body, "approximation"), "network f")
    x = np.array(t["x"])
    total = sum(forward(net, x) for net in nets)
    np.testing.assert_allclose(total, t["y"], atol=1e-6)
    assert all("sum of the outputs" in n["notes"][0] for n in nets)


def test_sobolev_two_dimensional_network_against_the_heatmap(client):
    params = {"d": 2, "s": 1, "k": 2, "r": 2, "target": "tilted"}
    body = get(client, "/api/v1/scenes/sobolev", **params)
    (net,) = get(client, "/api/v1/scenes/sobolev/networks", **params)["networks"]
    (hm,) = plot(body, "approximation")["traces"]
    x, y, z = np.array(hm["x"]), np.array(hm["y"]), np.array(hm["z"])
    X1, X2 = np.meshgrid(x, y)  # z[i][j] is at (x₁ = x[j], x₂ = y[i])
    f = forward(net, np.stack([X1.ravel(), X2.ravel()], axis=1)).reshape(z.shape)
    np.testing.assert_allclose(f, z, atol=1e-6)


def test_sobolev_network_beyond_the_export_limit_is_422(client):
    r = client.get(
        "/api/v1/scenes/sobolev/networks",
        params={"d": 2, "s": 10, "k": 6, "r": 3, "target": "exp"},
    )
    assert r.status_code == 422
    assert "250,000" in r.json()["message"] and "branches" in r.json()["message"]
