"""Networks of the chapter 4 scenes sawtooth, squaring, product, parity, separation
(issue 14, point 1): each exported network, evaluated with plain numpy here, reproduces the
scene's plotted f; univariate ReLU networks posted back to ``POST /api/v1/pieces`` give the
piece count the scene shows."""

from __future__ import annotations

import numpy as np
import pytest


def forward(net: dict, X: np.ndarray) -> np.ndarray:
    """The exported network with plain numpy: ReLU after every layer but the last."""
    assert net["activation"] == "relu"
    z = np.asarray(X, dtype=float).reshape(len(X), -1).T
    for k, lay in enumerate(net["layers"]):
        z = (
            np.asarray(lay["weight"], dtype=float) @ z
            + np.asarray(lay["bias"], dtype=float)[:, None]
        )
        if k < len(net["layers"]) - 1:
            z = np.maximum(z, 0.0)
    return z[0]


def scene(client, sid: str, **params) -> tuple[dict, list[dict]]:
    body = client.get(f"/api/v1/scenes/{sid}", params=params)
    nets = client.get(f"/api/v1/scenes/{sid}/networks", params=params)
    assert body.status_code == 200 and nets.status_code == 200, nets.text
    return body.json(), nets.json()["networks"]


def plot(body: dict, pid: str) -> dict:
    return next(p for p in body["plots"] if p["id"] == pid)


def pieces(client, net: dict, domain=(0.0, 1.0)) -> int:
    r = client.post("/api/v1/pieces", json={"layers": net["layers"], "domain": list(domain)})
    assert r.status_code == 200, r.text
    return r.json()["pieces"]


@pytest.mark.parametrize(("L", "f"), [(3, "bump"), (6, "tent"), (5, "trapezoid")])
def test_sawtooth_networks(client, L, f):
    body, nets = scene(client, "sawtooth", L=L, f=f)
    assert [n["name"][:4] for n in nets] == [f"Δ^{L}"[:4], f"f∘Δ^{L}"[:4]]
    for net, pid, metric in ((nets[0], "sawtooth", "pieces"), (nets[1], "viral", "viral_pieces")):
        tr = plot(body, pid)["traces"][0]
        assert tr["kind"] == "line"  # every knot at these L
        x, y = np.array(tr["x"], dtype=float), np.array(tr["y"], dtype=float)
        np.testing.assert_allclose(forward(net, x), y, atol=1e-6)  # plot data are float32
        assert pieces(client, net) == body["metrics"][metric]


def test_sawtooth_networks_at_depth_20_in_a_window(client):
    body, nets = scene(client, "sawtooth", L=20, f="tent", x_lo=0.5, x_hi=0.5005)
    for net, pid in ((nets[0], "sawtooth"), (nets[1], "viral")):
        tr = plot(body, pid)["traces"][0]
        x = np.array(tr["x"], dtype=np.float32).astype(float)  # dyadic: exact in float32
        np.testing.assert_array_equal(forward(net, x), np.array(tr["y"], dtype=float))
    assert body["metrics"]["viral_pieces"] == 2**21  # f = Δ: f∘Δ^20 = Δ^21
    r = client.post("/api/v1/pieces", json={"layers": nets[1]["layers"], "domain": [0, 1]})
    assert r.status_code == 422 and "limit" in r.json()["message"]  # too many knots to post


@pytest.mark.parametrize("i", [0, 2, 5])
def test_squaring_networks_three_ways(client, i):
    body, nets = scene(client, "squaring", i=i)
    assert len(nets) == 3
    assert "compiled into plain layers" in nets[0]["name"] and nets[0]["notes"]
    h = plot(body, "squaring")["traces"][1]
    x, y = np.array(h["x"], dtype=float), np.array(h["y"], dtype=float)
    nodes = []
    for net in nets:
        np.testing.assert_allclose(forward(net, x), y, atol=1e-6)
        assert pieces(client, net) == body["metrics"]["pieces"] == 2**i
        nodes.append(sum(len(lay["bias"]) for lay in net["layers"][:-1]))
    m = body["metrics"]
    assert nodes == [3 * i + i * (i + 1), m["nodes_pure"], m["nodes_pure_nonneg"]]


@pytest.mark.parametrize("i", [1, 3])
def test_product_networks(client, i):
    body, nets = scene(client, "product", i=i)
    g, printed, *chains = nets
    hm = plot(body, "error")["traces"][0]
    u, v, z = (np.array(hm[k], dtype=float) for k in ("x", "y", "z"))
    X, Y = np.meshgrid(u, v)
    P = np.stack([X.ravel(), Y.ravel()], 1)
    np.testing.assert_allclose(forward(g, P) - P[:, 0] * P[:, 1], z.ravel(), atol=1e-6)
    axes = plot(body, "axes")
    t = np.array(axes["traces"][0]["x"], dtype=float)
    on_x = np.stack([t, np.zeros_like(t)], 1)
    np.testing.assert_allclose(forward(printed, on_x), axes["traces"][2]["y"], atol=1e-6)
    assert sum(len(lay["bias"]) for lay in g["layers"][:-1]) == body["metrics"]["nodes"]
    m = body["metrics"]
    for k, net in zip((3, 4), chains, strict=True):
        assert sum(len(lay["bias"]) for lay in net["layers"][:-1]) == m[f"nodes_{k}_factors"]
        X = np.random.default_rng(k).uniform(0, 1, (500, k))
        assert np.max(np.abs(forward(net, X) - X.prod(axis=1))) <= k * 4.0**-i


@pytest.mark.parametrize("L", [1, 2, 3])
def test_parity_networks(client, L):
    body, nets = scene(client, "parity", L=L)
    d = 2**L
    cube = 1.0 - 2.0 * ((np.arange(2**d)[:, None] >> np.arange(d)[None, :]) & 1)
    k = np.count_nonzero(cube < 0, axis=1)
    by_k = plot(body, "by_k")["traces"]
    for net, tr in zip(nets, by_k[1:], strict=True):
        assert net["input_dim"] == d
        out = forward(net, cube)
        plotted = dict(
            zip(np.array(tr["x"], dtype=int), np.array(tr["y"], dtype=float), strict=True)
        )
        for kk in range(d + 1):  # one value per k: the networks see Σx only
            assert set(np.round(out[k == kk], 6)) == {round(plotted[kk], 6)}
    assert np.array_equal(forward(nets[0], cube), cube.prod(axis=1))
    assert sum(len(lay["bias"]) for lay in nets[0]["layers"][:-1]) == 3 * L


@pytest.mark.parametrize("L", [2, 3])
def test_separation_networks(client, L):
    body, nets = scene(client, "separation", L=L)
    target, competitor = nets
    detail = plot(body, "zoom")["traces"]
    f = next(t for t in detail if t["style"] == "target")
    g = next(t for t in detail if t["style"] == "construction")
    for net, tr in ((target, f), (competitor, g)):
        x = np.array(tr["x"], dtype=float)
        np.testing.assert_allclose(forward(net, x), tr["y"], atol=1e-6)
    m = body["metrics"]
    assert pieces(client, target) == m["target_pieces"] == 2 ** (L * L + 2)
    assert pieces(client, competitor) == m["competitor_pieces"]
    assert sum(len(lay["bias"]) for lay in competitor["layers"]) == m["competitor_nodes"]
