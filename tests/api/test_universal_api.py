"""Scene universal through the API: one chart for every activation, the polynomial check."""

from __future__ import annotations

import pytest

from approxlab.theory.shallow.universal import ACTIVATIONS, LABELS


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation(client, activation):
    body = client.get(
        "/api/v1/scenes/universal", params={"activation": activation, "width": 64}
    ).json()
    m = body["metrics"]
    assert m["sup_error"] >= 0 and m["width"] == 64
    chart = next(p for p in body["plots"] if p["id"] == "width")
    assert chart["x"]["log"] and chart["y"]["log"]
    names = {t["name"] for t in chart["traces"]}
    assert {LABELS[a] for a in ACTIVATIONS} <= names
    if activation.startswith("poly"):
        (check,) = body["checks"]
        k = int(activation[4:])
        assert check["relation"] == ">=" and check["holds"]
        assert check["bound"] <= m[f"best_poly{k}_error"] <= check["measured"] + 1e-12
    else:
        assert body["checks"] == []


def test_polynomial_networks_never_beat_the_best_polynomial(client):
    """Remark 2.6: width does not help a polynomial activation."""
    errs = [
        client.get(
            "/api/v1/scenes/universal",
            params={"activation": "poly3", "width": n, "target": "nielsen"},
        ).json()["metrics"]
        for n in (4, 64, 2000)
    ]
    for m in errs:
        assert m["sup_error"] >= m["best_poly3_error"] * (1 - 1e-9)


def test_relu_beats_every_cubic_at_large_width(client):
    m = client.get("/api/v1/scenes/universal", params={"activation": "relu", "width": 2000}).json()[
        "metrics"
    ]
    assert m["sup_error"] < m["best_poly3_error"] / 100
