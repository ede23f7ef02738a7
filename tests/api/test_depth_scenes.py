"""Depth scenes (issue 5, part A): contract metrics against the formulas, from the API."""

from __future__ import annotations

import math

import pytest


def get(client, scene: str, **params) -> dict:
    r = client.get(f"/api/v1/scenes/{scene}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("i", [0, 1, 4, 15])
def test_squaring_metrics(client, i):
    m = get(client, "squaring", i=i)["metrics"]
    assert m["bound"] == 4.0 ** (-i - 1)
    assert m["sup_error"] <= m["bound"] * (1 + 1e-12)
    assert m["sup_error"] == pytest.approx(m["bound"], rel=1e-12)  # attained
    assert (m["nodes_skip"], m["nodes_pure"], m["layers"]) == (3 * i, 5 * i, 2 * i)
    assert m["shallow_nodes"] == math.ceil(2 / m["bound"])
    assert m["pieces"] == 2**i


@pytest.mark.parametrize("i", [0, 2, 7])
def test_product_metrics(client, i):
    body = get(client, "product", i=i)
    m = body["metrics"]
    assert m["bound"] == 4.0**-i
    assert m["sup_error"] <= m["bound"] * (1 + 1e-12)
    assert (m["nodes"], m["layers"], m["nodes_skip"]) == (15 * i, 2 * i, 9 * i)
    assert m["printed_axis_max"] == pytest.approx(0.5 * 4.0**-i)
    assert all(c["holds"] for c in body["checks"])
    assert any("16i" in n for n in body["notes"])


@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_parity_metrics(client, L):
    body = get(client, "parity", L=L)
    m = body["metrics"]
    assert m["points"] == 2 ** (2**L) and m["max_error"] == 0.0
    assert m["printed_wrong_points"] > 0
    assert any("printed" in n for n in body["notes"])


@pytest.mark.parametrize("L", [2, 3, 4])
def test_separation_metrics(client, L):
    body = get(client, "separation", L=L)
    m = body["metrics"]
    assert m["target_pieces"] == 2 ** (L * L + 2)
    assert m["piece_bound"] == pytest.approx((2 * 2**L / L) ** L)
    assert m["competitor_pieces"] <= m["piece_bound"]
    assert m["competitor_nodes"] <= 2**L and m["competitor_layers"] <= L
    assert m["l1_lower_bound"] == 1 / 32 and m["l1_error"] >= 1 / 32
    assert m["missed_area"] <= m["l1_error"] + 1e-12
    assert all(c["holds"] for c in body["checks"])


@pytest.mark.parametrize(
    ("scene", "query", "param", "limit"),
    [
        ("squaring", "i=16", "i", "15"),
        ("squaring", "i=-1", "i", "0"),
        ("product", "i=8", "i", "7"),
        ("parity", "L=5", "L", "4"),
        ("parity", "L=0", "L", "1"),
        ("separation", "L=1", "L", "2"),
        ("separation", "L=5", "L", "4"),
    ],
)
def test_out_of_range_is_422(client, scene, query, param, limit):
    r = client.get(f"/api/v1/scenes/{scene}?{query}")
    assert r.status_code == 422
    msg = r.json()["message"]
    assert msg.startswith(f"{param}:") and limit in msg


@pytest.mark.parametrize(
    ("L", "f", "pieces_per_copy", "flat"),
    [(3, "bump", 4, True), (5, "trapezoid", 3, False), (6, "vee", 2, False), (1, "tent", 2, False)],
)
def test_sawtooth_consequences(client, L, f, pieces_per_copy, flat):
    body = get(client, "sawtooth", L=L, f=f)
    m = body["metrics"]
    assert m["pieces"] == 2**L and m["fractal_max_dev"] == 0.0  # existing contract
    assert m["viral_pieces"] == 2**L * pieces_per_copy - (2**L - 1) * flat
    assert m["viral_max_dev"] == 0.0
    assert m["bit_errors"] == 0 and m["bits_checked"] == L * 2**L
    assert {p["id"] for p in body["plots"]} >= {"sawtooth", "pieces", "viral", "bits"}
    assert all(c["holds"] for c in body["checks"])


def test_sawtooth_symmetric_function_must_be_from_the_library(client):
    r = client.get("/api/v1/scenes/sawtooth?f=sin")
    assert r.status_code == 422 and r.json()["message"].startswith("f:")
