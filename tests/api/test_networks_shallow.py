"""Chapter 2's networks (``GET /api/v1/scenes/{id}/networks``), evaluated with plain numpy by
their ``activation`` field and compared with the f each scene plots; univariate ReLU networks
round-trip through ``POST /api/v1/pieces``."""

from __future__ import annotations

import numpy as np
import pytest

#: The activations by name, written out here (independent of the app's table).
SIGMA = {
    "relu": lambda z: np.maximum(z, 0.0),
    "threshold": lambda z: (z >= 0).astype(float),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "exp": np.exp,
    "cos": np.cos,
    "identity": lambda z: z,
    "square": lambda z: z**2,
    "cube": lambda z: z**3,
}


def forward(net: dict, x: np.ndarray) -> np.ndarray:
    """The exported network on inputs ``x`` (shape (n,) or (n, d)): activation after every
    layer but the last."""
    z = np.asarray(x, dtype=float).reshape(len(x), -1).T
    layers = net["layers"]
    for i, lay in enumerate(layers):
        z = np.asarray(lay["weight"], dtype=float) @ z + np.asarray(lay["bias"])[:, None]
        if i < len(layers) - 1:
            z = SIGMA[net["activation"]](z)
    return z[0]


def networks(client, scene: str, **params) -> list[dict]:
    r = client.get(f"/api/v1/scenes/{scene}/networks", params=params)
    assert r.status_code == 200, r.text
    return r.json()["networks"]


def plot(client, scene: str, plot_id: str, **params) -> dict:
    body = client.get(f"/api/v1/scenes/{scene}", params=params).json()
    return next(p for p in body["plots"] if p["id"] == plot_id)


def trace(p: dict, prefix: str) -> dict:
    return next(t for t in p["traces"] if t["name"].startswith(prefix))


def assert_step_matches(net: dict, t: dict) -> None:
    """A plotted step trace (value from each x to the next) against the network at the
    middle of every step."""
    x, y = np.asarray(t["x"], float), np.asarray(t["y"], float)
    assert t["kind"] == "step"
    keep = np.diff(x) > 1e-6  # steps wider than the float32 resolution of the plot data
    mid = 0.5 * (x[:-1] + x[1:])[keep]
    np.testing.assert_allclose(forward(net, mid), y[:-1][keep], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "params",
    [{}, {"target": "abs", "eps": 0.1}, {"target": "nielsen", "eps": 0.01}],
)
def test_threshold_network_is_the_plotted_f(client, params):
    (net,) = networks(client, "threshold", **params)
    assert net["activation"] == "threshold" and net["input_dim"] == net["output_dim"] == 1
    width = client.get("/api/v1/scenes/threshold", params=params).json()["metrics"]["width"]
    assert len(net["layers"][0]["bias"]) == width and f"{width:,} threshold units" in net["name"]
    f = trace(plot(client, "threshold", "approximation", **params), "f:")
    assert_step_matches(net, f)


def test_adaptive_networks_are_the_plotted_ones(client):
    params = {"target": "plateau", "eps": 0.02}
    nets = networks(client, "adaptive", **params)
    m = client.get("/api/v1/scenes/adaptive", params=params).json()["metrics"]
    p = plot(client, "adaptive", "approximation", **params)
    for net, prefix, width in (
        (nets[0], "uniform", m["width_uniform"]),
        (nets[1], "adaptive", m["width_adaptive"]),
    ):
        assert net["name"].startswith(prefix) and net["activation"] == "threshold"
        assert len(net["layers"][0]["bias"]) == width
        assert_step_matches(net, trace(p, prefix))


def _count_pieces(net: dict, candidates: np.ndarray) -> int:
    """Affine pieces on [0, 1] of a univariate ReLU network whose knots lie in
    ``candidates``: slopes between consecutive candidates, merged where equal."""
    x = np.unique(np.clip(candidates, 0.0, 1.0))
    y = forward(net, x)
    slopes = np.diff(y) / np.diff(x)
    return 1 + int(np.sum(~np.isclose(slopes[1:], slopes[:-1], rtol=1e-9, atol=1e-9)))


def test_grid_network_in_one_dimension_posts_back(client):
    params = {"d": 1, "eps": 0.2, "gamma": 0.5}
    (net,) = networks(client, "grid", **params)
    assert net["activation"] == "relu" and net["input_dim"] == 1 and len(net["layers"]) == 3
    s = plot(client, "grid", "slice", **params)
    f = trace(s, "f:")
    np.testing.assert_allclose(forward(net, np.asarray(f["x"], float)), f["y"], atol=1e-5)
    m = client.get("/api/v1/scenes/grid", params=params).json()["metrics"]
    k, gam = m["k"], m["gamma"]
    e = np.arange(k + 1) / k
    expected = _count_pieces(net, np.concatenate([e, e - gam, e + gam]))
    counted = client.post("/api/v1/pieces", json={"layers": net["layers"], "domain": [0, 1]})
    assert counted.status_code == 200, counted.text
    assert counted.json()["pieces"] == expected


def test_grid_network_in_two_dimensions_is_the_heatmap(client):
    (net,) = networks(client, "grid")
    assert net["input_dim"] == 2
    h = trace(plot(client, "grid", "heat_f"), "f")
    x, y, z = np.asarray(h["x"], float), np.asarray(h["y"], float), np.asarray(h["z"], float)
    X1, X2 = np.meshgrid(x, y)  # rows along y
    fx = forward(net, np.stack([X1.ravel(), X2.ravel()], axis=1)).reshape(X1.shape)
    np.testing.assert_allclose(fx, z, atol=1e-5)


@pytest.mark.parametrize(
    ("activation", "name"),
    [
        ("relu", "relu"),
        ("threshold", "threshold"),
        ("sigmoid", "sigmoid"),
        ("tanh", "tanh"),
        ("cos", "cos"),
        ("poly2", "square"),
    ],
)
def test_universal_network_is_the_fitted_f(client, activation, name):
    params = {"activation": activation, "width": 30, "seed": 4}
    (net,) = networks(client, "universal", **params)
    assert net["activation"] == name and net["seed"] == 4
    f = trace(plot(client, "universal", "fit", **params), "f:")
    x = np.asarray(f["x"], float)
    if activation == "threshold":
        assert_step_matches(net, f)
    else:
        scale = max(1.0, float(np.max(np.abs(f["y"]))))
        np.testing.assert_allclose(forward(net, x), f["y"], atol=2e-6 * scale)


def test_universal_relu_network_posts_back_with_its_knots(client):
    params = {"activation": "relu", "width": 40, "seed": 2}
    (net,) = networks(client, "universal", **params)
    w = np.asarray(net["layers"][0]["weight"], float)[:, 0]
    b = np.asarray(net["layers"][0]["bias"], float)
    a = np.asarray(net["layers"][1]["weight"], float)[0]
    t = -b / w
    inside = (t > 0) & (t < 1) & (a != 0)
    counted = client.post("/api/v1/pieces", json={"layers": net["layers"], "domain": [0, 1]})
    assert counted.status_code == 200, counted.text
    assert counted.json()["pieces"] == 1 + np.unique(t[inside]).size  # a slope change per knot


@pytest.mark.parametrize("trials", [1, 2, 7])
def test_maurey_networks_are_the_plotted_draws(client, trials):
    params = {"k": 40, "trials": trials, "seed": 3}
    nets = networks(client, "maurey", **params)
    assert 1 <= len(nets) <= 3
    p = plot(client, "maurey", "networks", **params)
    for net in nets:
        assert net["activation"] == "threshold" and net["seed"] == 3
        assert len(net["layers"][0]["bias"]) == 40
        label = net["name"].split(":")[0]  # "ĝ, draw 1" …
        assert_step_matches(net, trace(p, label))
    assert any("best" in n["name"] for n in nets)


def test_barron_network_is_the_plotted_f(client):
    params = {"k": 60, "trials": 3, "seed": 5, "target": "offset"}
    (net,) = networks(client, "barron", **params)
    assert net["activation"] == "threshold" and net["input_dim"] == 2 and net["seed"] == 5
    h = trace(plot(client, "barron", "network", **params), "f")
    c = np.asarray(h["x"], float)
    z = np.array(h["z"], dtype=float)  # NaN outside the disc
    X1, X2 = np.meshgrid(c, c)
    fx = forward(net, np.stack([X1.ravel(), X2.ravel()], axis=1)).reshape(X1.shape)
    inside = ~np.isnan(z)
    # a lattice point on a unit's line may round differently in float32 plot coordinates
    agree = np.isclose(fx[inside], z[inside], atol=1e-5)
    assert agree.mean() > 0.995


def test_barron_norm_builds_no_network(client):
    assert client.get("/api/v1/scenes/barron-norm/networks").status_code == 404


@pytest.mark.parametrize("flavour", ["numpy", "torch"])
def test_snippets_of_a_non_ascii_expression_are_served(client, flavour):
    """The file name is ASCII whatever the (ignored) custom expression holds."""
    r = client.get(
        f"/api/v1/scenes/threshold/networks/{flavour}", params={"target": "abs", "expr": "Āx"}
    )
    assert r.status_code == 200
    r.headers["content-disposition"].encode("ascii")
