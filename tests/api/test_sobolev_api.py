"""Scene sobolev over HTTP: metrics are the formulas with the actual parameters."""

import math

import pytest


@pytest.mark.parametrize("d", [1, 2])
def test_metrics_are_the_theorem_with_actual_parameters(client, d):
    params = {"d": d, "r": 3, "s": 6, "k": 5, "target": "exp"}
    body = client.get("/api/v1/scenes/sobolev", params=params).json()
    m = body["metrics"]
    e = 4.0**-5
    bound = m["M"] * 3 * d**3 * (6**-3 + 4 * d * 2**d * e) + 3 * d * 2**d * e
    assert m["bound"] == pytest.approx(bound, rel=1e-12)
    assert m["sup_error"] <= m["bound_proof"] <= m["bound"]
    assert m["branches"] == 7**d and m["nodes"] == m["branches"] * m["nodes_per_branch"]
    assert m["taylor_term"] == pytest.approx(m["M"] * d**3 / (math.factorial(3) * 6**3))
    assert all(c["holds"] for c in body["checks"])
    kinds = {t["kind"] for p in body["plots"] for t in p["traces"]}
    assert ("heatmap" in kinds) == (d == 2)
    assert {"size", "lower_bound"} <= {p["id"] for p in body["plots"]}
