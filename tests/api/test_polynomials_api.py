"""Scene polynomials over HTTP: the coefficients parameter and its 422s, the cost limit, the
checks, exact zoom, and the exported network (numpy and POST /api/v1/pieces round trip)."""

from __future__ import annotations

import numpy as np
import pytest

from approxlab.theory.depth import polynomials as poly


def forward(net: dict, x: np.ndarray) -> np.ndarray:
    """The exported network with plain numpy: ReLU after every layer but the last."""
    assert net["activation"] == "relu" and net["input_dim"] == 1 and net["output_dim"] == 1
    z = np.asarray(x, dtype=float)[None, :]
    for k, lay in enumerate(net["layers"]):
        z = np.asarray(lay["weight"], dtype=float) @ z + np.asarray(lay["bias"])[:, None]
        if k < len(net["layers"]) - 1:
            z = np.maximum(z, 0.0)
    return z[0]


def get(client, **params) -> dict:
    r = client.get("/api/v1/scenes/polynomials", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def plot(body: dict, pid: str) -> dict:
    return next(p for p in body["plots"] if p["id"] == pid)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"polynomial": "square", "i": 5},
        {"polynomial": "chebyshev4", "i": 4},
        {"polynomial": "power8", "i": 3},
        {"polynomial": "custom", "coefficients": "2, -3, 1", "i": 4},
        {"polynomial": "custom", "coefficients": "−0.5, 1", "i": 2},  # degree 1: exact
    ],
)
def test_checks_hold_and_metrics_agree(client, params):
    body = get(client, **params)
    m = body["metrics"]
    assert all(c["holds"] for c in body["checks"]), body["checks"]
    assert m["sup_error"] <= m["bound"] + 1e-12
    n, i = m["degree"], body["params"]["i"]
    assert m["nodes"] == 11 * i * max(n - 1, 0)
    assert [p["id"] for p in body["plots"]] == ["polynomial", "error", "bound", "nodes"]
    assert body["plots"][0]["id"] == "polynomial"


def test_default_is_the_cubic_at_i_3(client):
    body = get(client)
    m = body["metrics"]
    assert body["params"]["polynomial"] == "cubic" and body["params"]["i"] == 3
    assert m["degree"] == 3 and m["products"] == 2 and m["nodes"] == 66
    assert 0 < m["sup_error"] <= m["bound"]


@pytest.mark.parametrize(
    ("params", "name", "words"),
    [
        ({"polynomial": "custom", "coefficients": "1, x"}, "coefficients", ["not a number"]),
        ({"polynomial": "custom", "coefficients": "1e4"}, "coefficients", ["larger than 1000"]),
        (
            {"polynomial": "custom", "coefficients": ",".join(["1"] * 10)},
            "coefficients",
            ["at most 9"],
        ),
        ({"polynomial": "custom", "coefficients": "eval('1')"}, "coefficients", ["not a number"]),
        ({"polynomial": "power8", "i": 4}, "i", ["cost limit", "choose i ≤ 3"]),
        ({"polynomial": "cubic", "i": 6}, "i", ["5"]),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(client, params, name, words):
    r = client.get("/api/v1/scenes/polynomials", params=params)
    assert r.status_code == 422
    msg = r.json()["message"]
    assert msg.startswith(f"{name}:"), msg
    for w in words:
        assert w in msg, msg


def test_coefficients_are_ignored_unless_custom(client):
    body = get(client, polynomial="square", coefficients="not numbers")
    assert body["metrics"]["degree"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"polynomial": "chebyshev4", "i": 3},
        {"polynomial": "custom", "coefficients": "0.3, -1.7, 2.1, 0.9, -0.33", "i": 4},
    ],
)
def test_exported_network_is_the_plotted_f_and_round_trips(client, params):
    body = get(client, **params)
    r = client.get("/api/v1/scenes/polynomials/networks", params=params)
    assert r.status_code == 200, r.text
    [net] = r.json()["networks"]
    assert net["notes"] and "Horner" in net["name"]
    f = plot(body, "polynomial")["traces"][1]
    assert f["kind"] == "line"  # every knot at these sizes
    x, y = np.array(f["x"], dtype=float), np.array(f["y"], dtype=float)
    np.testing.assert_allclose(forward(net, x), y, rtol=1e-6, atol=1e-6)  # float32 plot data
    assert sum(len(lay["bias"]) for lay in net["layers"][:-1]) == body["metrics"]["nodes"]
    assert len(net["layers"]) == body["metrics"]["affine_maps"]
    r = client.post("/api/v1/pieces", json={"layers": net["layers"], "domain": [0, 1]})
    assert r.status_code == 200, r.text
    assert r.json()["pieces"] == body["metrics"]["pieces"]


def test_exact_zoom_draws_every_knot_and_the_error(client):
    whole = get(client, polynomial="square", i=5)
    zoom = get(client, polynomial="square", i=5, x_lo=0.25, x_hi=0.3)
    f = plot(zoom, "polynomial")["traces"][1]
    x = np.array(f["x"], dtype=float)
    assert f["kind"] == "line" and x.min() <= 0.25 and x.max() >= 0.3
    err = plot(zoom, "error")
    assert err["zoom"] == {"lo": "x_lo", "hi": "x_hi"}
    e = next(t for t in err["traces"] if t["style"] == "error")
    ex = np.array(e["x"], dtype=float)
    assert ex.min() >= 0.25 - 1e-9 and ex.max() <= 0.3 + 1e-9
    assert np.max(np.abs(np.array(e["y"], dtype=float))) <= whole["metrics"]["bound"]
    assert zoom["metrics"] == whole["metrics"]


def test_bound_plot_marks_this_i_and_nodes_plot_follows_the_formula(client):
    body = get(client, polynomial="cubic", i=4)
    b = plot(body, "bound")
    assert b["y"]["log"] and b["x"].get("integer")
    roles = [t["style"] for t in b["traces"]]
    assert "this-value" in roles
    meas = next(t for t in b["traces"] if t["style"] == "construction")
    assert list(meas["x"]) == [0, 1, 2, 3, 4]
    bound = next(t for t in b["traces"] if t["style"] == "bound")
    assert np.all(np.array(meas["y"]) <= np.array(bound["y"])[: len(meas["y"])] * (1 + 1e-6))
    nd = plot(body, "nodes")
    built = next(t for t in nd["traces"] if t["style"] == "construction")
    assert list(built["y"]) == [poly.nodes_formula(3, k) for k in built["x"]]
