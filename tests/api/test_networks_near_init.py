"""Chapter 3's exported networks (issue 14): each evaluated with plain numpy against what the
scene plots, with its seed; widths whose networks exceed the size limit answer 422.

The networks take inputs in R^d (d ≥ 2), so none is univariate: no round trip through
``POST /api/v1/pieces`` (which counts pieces of univariate networks)."""

from __future__ import annotations

import numpy as np
import pytest

ACTIVATIONS = {"relu": lambda z: np.maximum(z, 0.0), "softplus": lambda z: np.logaddexp(0.0, z)}


def forward(net: dict, X: np.ndarray) -> np.ndarray:
    """The exported network at the rows of X, by its ``activation`` field."""
    sigma = ACTIVATIONS[net["activation"]]
    z = np.asarray(X, dtype=float).T
    for i, lay in enumerate(net["layers"]):
        z = np.asarray(lay["weight"]) @ z + np.asarray(lay["bias"])[:, None]
        if i < len(net["layers"]) - 1:
            z = sigma(z)
    return z[0]


def circle(degrees) -> np.ndarray:
    phi = np.radians(np.asarray(degrees, dtype=float))
    return np.stack([np.cos(phi), np.sin(phi)], axis=1)


def trace(body: dict, plot_id: str, name_start: str) -> dict:
    plot = next(p for p in body["plots"] if p["id"] == plot_id)
    return next(t for t in plot["traces"] if t["name"].startswith(name_start))


def close_to_plotted(y: np.ndarray, plotted: dict) -> None:
    """Plot data travels as float32: agreement to float32 resolution of the curve's scale."""
    want = np.asarray(plotted["y"], dtype=float)
    assert np.max(np.abs(y - want)) <= 1e-6 * max(1.0, np.max(np.abs(want)))


def get(client, scene: str, params: dict) -> tuple[dict, list[dict]]:
    body = client.get(f"/api/v1/scenes/{scene}", params=params).json()
    r = client.get(f"/api/v1/scenes/{scene}/networks", params=params)
    assert r.status_code == 200, r.text
    return body, r.json()["networks"]


@pytest.mark.parametrize("seed", [0, 5])
def test_init_scale_network_is_the_plotted_random_network(client, seed):
    body, nets = get(client, "init-scale", {"m": 700, "seed": seed})
    (net,) = nets
    assert net["seed"] == seed and net["activation"] == "relu" and net["input_dim"] == 2
    plotted = trace(body, "F", "|F(x; w₀)|")
    close_to_plotted(np.abs(forward(net, circle(plotted["x"]))), plotted)
    assert abs(forward(net, np.array([[1.0, 0.0]]))[0]) == pytest.approx(
        body["metrics"]["abs_F_at_x0"]
    )


def test_init_scale_network_in_higher_dimension(client):
    body, (net,) = get(client, "init-scale", {"m": 300, "d": 5, "seed": 2})
    assert net["input_dim"] == 5
    x0 = np.zeros((1, 5))
    x0[0, 0] = 1.0
    assert abs(forward(net, x0)[0]) == pytest.approx(body["metrics"]["abs_F_at_x0"])


@pytest.mark.parametrize(
    "params",
    [
        {"m": 800, "seed": 4},
        {"m": 500, "perturbation": "random", "B": 3.0},
        {"m": 400, "activation": "softplus", "beta": 2.0},
    ],
)
def test_linearization_networks_are_f_at_v0_and_at_v(client, params):
    body, nets = get(client, "linearization", params)
    at_v0, at_v = nets
    assert at_v0["seed"] == at_v["seed"] == params.get("seed", 0)
    for net, name in ((at_v0, "F(x; V₀)"), (at_v, "F(x; V)")):
        plotted = trace(body, "functions", name)
        close_to_plotted(forward(net, circle(plotted["x"])), plotted)
        assert any("not a network" in n for n in net["notes"])  # F₀ is described, not sent
    # ‖V − V₀‖_F = B on the exported first layers (softplus: scaled by 4β)
    k = 4.0 * params.get("beta", 4.0) if params.get("activation") == "softplus" else 1.0
    dV = np.asarray(at_v["layers"][0]["weight"]) - np.asarray(at_v0["layers"][0]["weight"])
    assert np.linalg.norm(dV) / k == pytest.approx(params.get("B", 1.0), rel=1e-9)


@pytest.mark.parametrize("network", ["two", "three", "five"])
def test_transport_networks_are_the_planted_network_and_g(client, network):
    body, (planted, g) = get(client, "transport", {"m": 3000, "network": network, "seed": 1})
    assert planted["seed"] == 1 and "seed" not in g
    fx = trace(body, "approximation", "(ρ/√m) F(x; V) (planted)")
    close_to_plotted(forward(planted, circle(fx["x"])), fx)
    gx = trace(body, "approximation", "g(x)")
    close_to_plotted(forward(g, circle(gx["x"])), gx)


def test_ntk_network_gives_the_plotted_empirical_kernel(client):
    body, (net,) = get(client, "ntk", {"m": 900, "seed": 3, "theta": 40})
    assert net["seed"] == 3
    V = np.asarray(net["layers"][0]["weight"])
    plotted = trace(body, "kernel", "k_m (this draw)")
    theta = np.radians(np.asarray(plotted["x"], dtype=float))
    both = (V[:, 0][None, :] >= 0) & (
        (np.outer(np.cos(theta), V[:, 0]) + np.outer(np.sin(theta), V[:, 1])) >= 0
    )
    k_m = np.cos(theta) * np.count_nonzero(both, axis=1) / V.shape[0]
    close_to_plotted(k_m, plotted)
    # the highlighted k_m at θ, from the exported network's gradients ∂F/∂vⱼ = aⱼσ′(vⱼᵀx)x
    a = np.asarray(net["layers"][1]["weight"])[0]
    x, xp = np.array([1.0, 0.0]), circle([40.0])[0]
    gx = (a * (V @ x >= 0))[:, None] * x
    gxp = (a * (V @ xp >= 0))[:, None] * xp
    assert np.sum(gx * gxp) / V.shape[0] == pytest.approx(body["metrics"]["k_m"])


@pytest.mark.parametrize(
    ("scene", "params"),
    [
        ("init-scale", {"m": 100_000}),
        ("init-scale", {"m": 62_500}),  # m(d + 2) + 1 = 250,001
        ("linearization", {"m": 100_000}),
        ("transport", {"m": 100_000}),
        ("ntk", {"m": 100_000}),
    ],
)
def test_too_large_networks_are_422_naming_the_limit(client, scene, params):
    r = client.get(f"/api/v1/scenes/{scene}/networks", params=params)
    assert r.status_code == 422
    assert "250,000" in r.json()["message"]


def test_largest_sendable_width_is_sent(client):
    assert client.get("/api/v1/scenes/init-scale/networks", params={"m": 62_499}).status_code == 200


def test_kernel_fit_has_no_network(client):
    """Kernel regression with k_∞ is not a finite network: nothing to export."""
    assert client.get("/api/v1/scenes/kernel-fit/networks").status_code == 404
