"""Scene reciprocal over HTTP: the checks and metrics, the ranges (422s naming the field), the
zoom window that moves with a, exact zoom, the sweep over n, and the exported network (numpy
and a POST /api/v1/pieces round trip on [a, 1])."""

from __future__ import annotations

import numpy as np
import pytest

from approxlab.theory.depth import reciprocal as rc
from tests.api.test_polynomials_api import forward  # the exported network in numpy


def get(client, **params) -> dict:
    r = client.get("/api/v1/scenes/reciprocal", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def plot(body: dict, pid: str) -> dict:
    return next(p for p in body["plots"] if p["id"] == pid)


@pytest.mark.parametrize(
    "params",
    [{}, {"a": 0.05, "n": 7, "i": 5}, {"a": 0.9, "n": 2, "i": 1}, {"a": 0.5, "n": 1}],
)
def test_checks_hold_and_metrics_agree(client, params):
    body = get(client, **params)
    m, p = body["metrics"], body["params"]
    assert all(c["holds"] for c in body["checks"]), body["checks"]
    assert m["sup_error"] <= m["bound"] + 1e-12
    assert m["bound"] == pytest.approx(m["truncation_error"] + m["network_error_bound"])
    assert m["truncation_error"] == pytest.approx((1 - p["a"]) ** (2 ** p["n"]) / p["a"])
    assert m["degree"] == 2 ** p["n"] - 1
    assert m["nodes"] == rc.nodes_formula(p["n"], p["i"])
    assert [q["id"] for q in body["plots"]] == ["reciprocal", "error", "bound", "nodes"]


def test_defaults(client):
    body = get(client)
    p, m = body["params"], body["metrics"]
    assert (p["a"], p["n"], p["i"]) == (0.25, 4, 4)
    assert m["nodes"] == 4 * (17 * 4 - 16) == 208 and m["degree"] == 15
    assert m["truncation_error"] < m["sup_error"] * 1.01 < m["bound"]


@pytest.mark.parametrize(
    ("params", "name", "words"),
    [
        ({"a": 0.01}, "a", ["0.05"]),
        ({"a": 1.0}, "a", ["0.9"]),
        ({"n": 8}, "n", ["7"]),
        ({"i": 6}, "i", ["5"]),
        ({"i": 0}, "i", ["1"]),
        ({"x_lo": 0.0}, "x_lo", ["0.05"]),
    ],
)
def test_out_of_range_is_422_naming_the_parameter(client, params, name, words):
    r = client.get("/api/v1/scenes/reciprocal", params=params)
    assert r.status_code == 422
    msg = r.json()["message"]
    assert msg.startswith(f"{name}:"), msg
    for w in words:
        assert w in msg, msg


def test_the_default_window_is_the_whole_interval_a_to_1(client):
    """The window params default to an empty window: the whole [a, 1], whatever a is."""
    for a in (0.05, 0.25, 0.9):
        body = get(client, a=a)
        for pid in ("reciprocal", "error"):
            q = plot(body, pid)
            assert q["zoom"] == {"lo": "x_lo", "hi": "x_hi"}
            assert "range" not in q["x"]  # autorange: the traces span [a, 1]
            xs = [v for t in q["traces"] for v in t["x"]]
            assert min(xs) == pytest.approx(a) and max(xs) == 1.0
        f = plot(body, "reciprocal")["traces"][2]
        assert min(f["x"]) == pytest.approx(a) and max(f["x"]) == 1.0


def test_exact_zoom_draws_every_knot_and_the_error(client):
    whole = get(client, a=0.05, n=7, i=5)
    zoom = get(client, a=0.05, n=7, i=5, x_lo=0.3, x_hi=0.31)
    f = plot(zoom, "reciprocal")["traces"][2]
    x = np.array(f["x"], dtype=float)
    assert f["kind"] == "line" and x.min() <= 0.3 and x.max() >= 0.31
    pl = rc.measure(0.05, 7, 5).pl
    inside = pl.x[(pl.x > 0.3) & (pl.x < 0.31)]
    assert inside.size and np.isin(np.float32(inside), np.float32(x)).all()  # every knot
    e = next(t for t in plot(zoom, "error")["traces"] if t["style"] == "error")
    assert e["kind"] == "line"
    ex = np.array(e["x"], dtype=float)
    assert ex.min() >= 0.3 - 1e-9 and ex.max() <= 0.31 + 1e-9
    assert np.max(np.abs(np.array(e["y"], dtype=float))) <= whole["metrics"]["bound"]
    assert zoom["metrics"] == whole["metrics"]
    # a window reaching left of a is clipped to [a, 1]
    clipped = plot(get(client, a=0.5, x_lo=0.1, x_hi=0.6), "reciprocal")
    xs = np.array(clipped["traces"][0]["x"], dtype=float)
    assert xs.min() == pytest.approx(0.5) and xs.max() == pytest.approx(0.6)


def test_sweep_over_n_marks_this_n_below_the_bound(client):
    body = get(client, a=0.25, n=3, i=3)
    b = plot(body, "bound")
    assert b["y"]["log"] and b["x"].get("integer")
    bound = next(t for t in b["traces"] if t["style"] == "bound")
    grid = next(t for t in b["traces"] if t["style"] == "error")
    star = next(t for t in b["traces"] if t["style"] == "this-value")
    assert list(bound["x"]) == list(grid["x"]) == list(range(1, 8))
    assert np.all(np.array(grid["y"]) <= np.array(bound["y"]) * (1 + 1e-6))
    assert star["x"] == [3] and star["y"][0] == pytest.approx(body["metrics"]["sup_error"])
    assert grid["y"][2] <= star["y"][0] * (1 + 1e-6)  # the grid is a lower estimate
    nd = plot(body, "nodes")
    built = next(t for t in nd["traces"] if t["style"] == "construction")
    assert list(built["y"]) == [rc.nodes_formula(k, 3) for k in built["x"]]


@pytest.mark.parametrize("params", [{}, {"a": 0.1, "n": 5, "i": 3}, {"a": 0.9, "n": 3, "i": 5}])
def test_exported_network_is_the_plotted_f_and_round_trips(client, params):
    body = get(client, **params)
    a = body["params"]["a"]
    r = client.get("/api/v1/scenes/reciprocal/networks", params=params)
    assert r.status_code == 200, r.text
    [net] = r.json()["networks"]
    assert net["notes"] and net["name"].split(":")[0] == "f, the network"
    f = plot(body, "reciprocal")["traces"][2]
    assert f["name"] == "f, the network" and f["kind"] == "line"
    x, y = np.array(f["x"], dtype=float), np.array(f["y"], dtype=float)
    np.testing.assert_allclose(forward(net, x), y, rtol=1e-6, atol=1e-6)  # float32 plot data
    assert sum(len(lay["bias"]) for lay in net["layers"][:-1]) == body["metrics"]["nodes"]
    assert len(net["layers"]) == body["metrics"]["affine_maps"]
    r = client.post("/api/v1/pieces", json={"layers": net["layers"], "domain": [a, 1]})
    assert r.status_code == 200, r.text
    assert r.json()["pieces"] == body["metrics"]["pieces"]
