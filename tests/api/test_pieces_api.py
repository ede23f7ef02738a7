"""POST /api/v1/pieces: exact pieces of a pasted network, its bound, and its limits."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approxlab.api import pieces as api
from approxlab.theory.core import networks
from approxlab.theory.depth import pieces as affine_pieces
from approxlab.theory.depth import sawtooth

URL = "/api/v1/pieces"


def body_of(net, domain=(0.0, 1.0)) -> dict:
    return {
        "layers": [{"weight": W.tolist(), "bias": b.tolist()} for W, b in net],
        "domain": list(domain),
    }


def test_triangle(client):
    r = client.post(URL, json=body_of(sawtooth.triangle()))
    assert r.status_code == 200
    out = r.json()
    assert out["pieces"] == 2 and out["breakpoints"] == [0.5]
    assert out["bound"] == 4.0 and out["lemma_4_9_bound"] == 6.0
    assert out["knots"] == {"x": [0.0, 0.5, 1.0], "y": [0.0, 1.0, 0.0]}
    assert out["layers"] == 2 and out["nodes"] == 3 and out["hidden_widths"] == [3]


def test_sawtooth_is_counted_exactly(client):
    out = client.post(URL, json=body_of(sawtooth.sawtooth(12))).json()
    assert out["pieces"] == 2**12 and len(out["breakpoints"]) == 2**12 - 1
    assert out["pieces"] <= out["bound"] == 4.0**12
    assert out["regions"] == [2**j for j in range(1, 13)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**31),
    widths=st.lists(st.integers(1, 10), min_size=0, max_size=4),
    lo=st.floats(-5, 4),
    span=st.floats(0.01, 10),
    bias=st.sampled_from([0.0, 0.1, 1.0]),
)
def test_bound_is_a_valid_upper_bound(client, seed, widths, lo, span, bias):
    """The returned bound ∏(m_j + 1) is never below the exact count, which agrees with
    the library's own propagation."""
    rng = np.random.default_rng(seed)
    net = affine_pieces.he_network(widths, rng, bias)
    domain = (lo, lo + span)
    r = client.post(URL, json=body_of(net, domain))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["pieces"] == networks.pieces(net, domain)
    assert 1 <= out["pieces"] <= out["bound"] <= out["lemma_4_9_bound"]
    assert out["bound"] == affine_pieces.region_bound(widths)
    assert len(out["breakpoints"]) == out["pieces"] - 1
    assert out["knots"]["x"][0] == lo and len(out["knots"]["x"]) == out["pieces"] + 1


def msg(client, body) -> str:
    r = client.post(URL, json=body)
    assert r.status_code == 422, r.text
    return r.json()["message"]


def test_shapes_that_do_not_chain_name_the_layer(client):
    tri = body_of(sawtooth.triangle())
    bad = json.loads(json.dumps(tri))
    bad["layers"][1]["weight"] = [[2.0, -4.0]]
    assert msg(client, bad).startswith("layers[1].weight: row 0 has 2 entries, expected 3")
    bad = json.loads(json.dumps(tri))
    bad["layers"][0]["bias"] = [0.0]
    assert msg(client, bad).startswith("layers[0].bias")
    bad = json.loads(json.dumps(tri))
    bad["layers"][0]["weight"] = [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]
    assert "input is 1-dimensional" in msg(client, bad)
    bad = {"layers": [{"weight": [[1.0], [2.0]], "bias": [0.0, 0.0]}]}
    assert msg(client, bad).startswith("layers[0]: the last layer must have 1 output")


def test_non_finite_and_wrong_types(client):
    raw = b'{"layers": [{"weight": [[NaN]], "bias": [0]}]}'
    r = client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["message"].startswith("layers[0].weight[0][0]")
    assert msg(client, {"layers": [{"weight": [["x"]], "bias": [0]}]}).startswith(
        "layers[0].weight[0][0]"
    )
    assert "domain" in msg(client, {"layers": [{"weight": [[1.0]], "bias": [0]}], "domain": [1, 1]})
    big = {"layers": [{"weight": [[1e300]], "bias": [0]}, {"weight": [[1e300]], "bias": [0]}]}
    assert "overflow" in msg(client, big)
    assert "domain" in msg(
        client, {"layers": [{"weight": [[1.0]], "bias": [0]}], "domain": [0, 1e7]}
    )


def test_size_limits(client):
    one = {"weight": [[1.0]], "bias": [0.0]}
    assert "layers" in msg(client, {"layers": [one] * (api.MAX_LAYERS + 1)})
    wide = {"weight": [[1.0]] * (api.MAX_WIDTH + 1), "bias": [0.0] * (api.MAX_WIDTH + 1)}
    assert msg(client, {"layers": [wide]}).startswith("layers[0].weight")
    w = api.MAX_WIDTH
    square = {"weight": [[0.1] * w] * w, "bias": [0.0] * w}
    first = {"weight": [[1.0]] * w, "bias": [0.0] * w}
    last = {"weight": [[1.0] * w], "bias": [0.0]}
    too_many = {"layers": [first, *[square] * 5, last]}
    assert "parameters" in msg(client, too_many)
    # Δ^16 has 2^16 pieces: over the knot limit, reported with its layer
    assert "knots" in msg(client, body_of(sawtooth.sawtooth(16)))


def test_work_limit(client):
    """Many knots early, then wide layers: refused before the expensive part."""
    net = sawtooth.sawtooth(14)  # 2^14 knots after its hidden layers
    W, _ = net[-1]
    w = 60
    tail = [(np.vstack([W] * w), np.full(w, 1.0)), *[(np.eye(w), np.ones(w))] * 5]
    big = [*net[:-1], *tail, (np.ones((1, w)), np.zeros(1))]
    m = msg(client, body_of(big))
    assert "evaluations" in m and m.startswith("layers[")


def test_limits_are_documented(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"][URL]["post"]
    for n in (api.MAX_LAYERS, api.MAX_WIDTH):
        assert f"{n} " in op["description"]
    assert f"{api.MAX_KNOTS:,}" in op["description"]
    assert "requestBody" in op and "422" in op["responses"]


@pytest.mark.parametrize("domain", [(-1.0, 1.0), (0.25, 0.75)])
def test_domain_is_respected(client, domain):
    out = client.post(URL, json=body_of(sawtooth.triangle(), domain)).json()
    assert out["knots"]["x"][0] == domain[0] and out["knots"]["x"][-1] == domain[1]


def test_the_response_keeps_its_fields(client):
    out = client.post(URL, json=body_of(sawtooth.triangle())).json()
    assert set(out) == {
        "pieces", "breakpoints", "bound", "bound_formula", "lemma_4_9_bound", "knots",
        "regions", "hidden_widths", "layers", "nodes", "checks",
    }  # fmt: skip
    assert [c["name"] for c in out["checks"]] == [
        "pieces ≤ ∏_j (m_j + 1)",
        "∏_j (m_j + 1) ≤ 2^(L−1) ∏_j m_j (Lemma 4.9)",
    ]
    assert all(c["holds"] and c["relation"] == "<=" for c in out["checks"])


def test_ill_conditioned_networks_are_counted_exactly(client):
    """The three cases float64 with a slope tolerance got wrong."""
    cancelling = [
        (np.array([[1e8], [1e8], [1.0], [1.0]]), np.array([1e8 / 3, 1e8 / 3 + 0.1, -0.3, -0.6])),
        (np.array([[1.0, -1.0, 0.0, 0.0]]), np.array([0.0])),
    ]
    out = client.post(URL, json=body_of(cancelling)).json()
    assert out["pieces"] == 1 and out["breakpoints"] == [] and out["regions"] == [3]
    assert out["knots"]["x"] == [0.0, 1.0]
    tiny_kink = [
        (np.array([[1.0], [1.0]]), np.array([0.0, -0.5])),
        (np.array([[1.0, 1e-10]]), np.zeros(1)),
    ]
    out = client.post(URL, json=body_of(tiny_kink)).json()
    assert out["pieces"] == 2 and out["breakpoints"] == [0.5]
    chain = [
        (np.eye(1), np.zeros(1)),
        *[(np.array([[1e-200]]), np.zeros(1))] * 3,
        (np.eye(1), np.zeros(1)),
    ]
    out = client.post(URL, json=body_of(chain, (-1.0, 1.0))).json()
    assert out["pieces"] == 2 and out["breakpoints"] == [0.0]


def with_a_hidden_zero(net):
    """``net`` with two more layers: σ(y/3) twice, then 3σ(y/3) − 3σ(y/3) beside 3σ(y/3),
    summed.  The difference is exactly 0, but no float64 bound proves it (y/3 is not
    dyadic), so every sign decision about it lies within rounding — at every knot."""
    *front, (W, b) = net
    k = W.shape[1]
    third = 1 / 3
    return (
        [
            *front,
            (np.vstack([W * third, W * third]), np.r_[b, b] * third),
            (np.array([[3.0, -3.0], [3.0, 0.0]]), np.zeros(2)),
            (np.array([[1.0, 1.0]]), np.zeros(1)),
        ]
        if k
        else net
    )


def test_too_ill_conditioned_for_exact_counting_is_a_422(client):
    """Behind Δ^14 (16,384 knots) and a layer of width 60, a zero no bound can prove: the
    decisions of the last layers lie within rounding everywhere, and recounting it all in
    exact rational arithmetic is over the budget — 422, saying why."""
    net = sawtooth.sawtooth(14)
    W, _ = net[-1]
    w = 60
    wide = [*net[:-1], (np.vstack([W] * w), np.ones(w)), (np.ones((1, w)) / w, np.zeros(1))]
    r = client.post(URL, json=body_of(with_a_hidden_zero(wide)))
    assert r.status_code == 422, r.text[:300]
    m = r.json()["message"]
    assert "too ill-conditioned" in m and "exact rational arithmetic" in m
    # behind Δ³ the same zero is recounted, exactly
    out = client.post(URL, json=body_of(with_a_hidden_zero(sawtooth.sawtooth(3)))).json()
    assert out["pieces"] == 8
