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
    chart = body["plots"][0]
    assert chart["id"] == "width"  # the primary plot
    assert chart["x"]["log"] and chart["y"]["log"]
    names = [t["name"] for t in chart["traces"]]
    assert all(any(n.startswith(LABELS[a]) for n in names) for a in ACTIVATIONS)
    # this activation drawn in colour, the others grey behind it, with one legend entry
    others = [t for t in chart["traces"] if t.get("style") == "context"]
    assert len(others) == len(ACTIVATIONS) - 1
    assert sum(t.get("legend", True) for t in others) == 1
    assert len({t.get("group") for t in others}) == 1
    legend = [t for t in chart["traces"] if t.get("legend", True)]
    assert len(legend) <= 5
    (check,) = body["checks"]  # never an empty card
    assert check["holds"] and check["confidence"] is None
    if activation.startswith("poly"):
        k = int(activation[4:])
        assert check["relation"] == ">="
        assert check["bound"] <= m[f"best_poly{k}_error"] <= check["measured"] + check["rounding"]
    else:  # Theorem 2.5, measured on the sweep: the error falls with width
        assert check["relation"] == "<=" and check["bound"] > 0
        assert "width 1,024" in check["name"] and "½" in check["name"]


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
