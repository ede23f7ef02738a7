"""Scenes maurey, barron and barron-norm through the API: metrics follow the formulas, the
lemma's inequalities hold on the computed values, bad parameters are 422s."""

from __future__ import annotations

import math

import numpy as np
import pytest

from approxlab.theory.core import targets
from approxlab.theory.shallow import barron_norm as gs
from approxlab.theory.shallow.barron import TARGETS


def checks(body) -> dict[str, dict]:
    return {c["name"]: c for c in body["checks"]}


@pytest.mark.parametrize("target", ["sin", "abs", "square", "nielsen", "plateau"])
@pytest.mark.parametrize("k", [1, 37, 2000])
def test_maurey_metrics_follow_the_lemma(client, target, k):
    body = client.get("/api/v1/scenes/maurey", params={"target": target, "k": k}).json()
    m = body["metrics"]
    assert m["mass"] == pytest.approx(targets.variation(target), rel=1e-12)
    assert m["bound"] == pytest.approx(m["mass"] ** 2 / k, rel=1e-12)  # sup_b ‖1[·≥b]‖² = 1
    assert m["expected_sq_error"] <= m["second_moment_bound"] <= m["bound"]
    assert m["best_sq_error"] <= m["mean_sq_error"]
    c = body["checks"][0]
    assert c["name"].startswith("mean of ‖g − ĝ‖² over the 200 draws ≤")
    assert c["measured"] == m["mean_sq_error"] and c["bound"] == m["bound"]
    assert c["confidence"] == pytest.approx(1 - m["expected_sq_error"] / m["bound"])
    assert c["holds"]  # the default seed shows ✓
    assert all(c["holds"] for c in body["checks"])


def test_maurey_curve_and_plots(client):
    body = client.get("/api/v1/scenes/maurey", params={"k": 500, "trials": 300}).json()
    plots = {p["id"]: p for p in body["plots"]}
    assert [p["id"] for p in body["plots"]] == ["error_vs_k", "networks", "density"]
    curve = plots["error_vs_k"]
    assert sum(t.get("legend", True) for t in curve["traces"]) <= 5
    assert all(p.get("caption") for p in body["plots"])
    assert curve["x"]["log"] and curve["y"]["log"]
    mean = next(t for t in curve["traces"] if t["name"].startswith("mean over"))
    assert mean["x"][-1] == 500 and len(mean["x"]) >= 8
    for p in body["plots"]:
        for t in p["traces"]:
            assert len(t["x"]) <= 5000


def test_maurey_custom_expression(client):
    r = client.get("/api/v1/scenes/maurey", params={"target": "custom", "expr": "x^3 - x/2"})
    assert r.status_code == 200
    m = r.json()["metrics"]
    assert m["mass"] == pytest.approx(targets.variation(targets.custom("x^3 - x/2")), rel=1e-9)
    for expr, word in [("2", "constant"), ("x>0.5", "jumps"), ("sqrt(x)", "not finite")]:
        r = client.get("/api/v1/scenes/maurey", params={"target": "custom", "expr": expr})
        assert r.status_code == 422 and r.json()["message"].startswith("expr:")
        assert word in r.json()["message"]


@pytest.mark.parametrize(
    ("query", "param", "limit"),
    [("k=0", "k", "1"), ("k=10001", "k", "10000"), ("trials=2001", "trials", "2000")],
)
def test_maurey_bad_params_are_422(client, query, param, limit):
    r = client.get(f"/api/v1/scenes/maurey?{query}")
    assert r.status_code == 422
    assert r.json()["message"].startswith(f"{param}:") and limit in r.json()["message"]


def test_maurey_seed_determinism(client):
    a = client.get("/api/v1/scenes/maurey?seed=3&k=50").content
    b = client.get("/api/v1/scenes/maurey?k=50&seed=3").content
    c = client.get("/api/v1/scenes/maurey?k=50&seed=4").content
    assert a == b and a != c


@pytest.mark.parametrize("target", list(TARGETS))
def test_barron_metrics_and_checks(client, target):
    body = client.get("/api/v1/scenes/barron", params={"target": target, "k": 200}).json()
    m = body["metrics"]
    t = TARGETS[target]
    assert m["barron_norm"] == pytest.approx(t.barron_norm) and m["mass"] == pytest.approx(t.mass)
    assert m["bound"] == pytest.approx(4 * m["barron_norm"] ** 2 / 200)
    assert m["mass"] <= 2 * m["barron_norm"]
    assert m["lemma_bound"] <= m["bound"]
    assert m["representation_error"] < 1e-11 < 1e-3 < m["representation_error_outside"]
    assert all(c["holds"] for c in body["checks"])
    ids = {p["id"] for p in body["plots"]}
    assert {"target", "network", "error", "error_vs_k", "weights"} <= ids


@pytest.mark.parametrize("d", [1, 2, 17, 1000])
@pytest.mark.parametrize("sigma", [0.2, 0.399, 0.8])
def test_barron_norm_metrics(client, d, sigma):
    body = client.get("/api/v1/scenes/barron-norm", params={"d": d, "sigma": sigma}).json()
    m = body["metrics"]
    assert m["integral_w_ghat"] == pytest.approx(math.exp(gs.log_integral_w_ghat(d, sigma)))
    assert m["holder_bound"] == pytest.approx(
        math.sqrt(d) / (math.sqrt(2 * math.pi) * (2 * math.pi * sigma**2) ** ((d + 1) / 2))
    )
    assert m["ratio"] == pytest.approx(m["integral_w_ghat"] / m["holder_bound"], rel=1e-9)
    assert m["integral_w_ghat"] <= m["holder_bound"]
    assert all(c["holds"] for c in body["checks"])


@pytest.mark.parametrize("d", [1, 3, 10, 100, 1000])
@pytest.mark.parametrize("sigma", [0.05, 0.1, 0.2, 1 / math.sqrt(2 * math.pi), 1.0, 2.0, 5.0])
def test_barron_norm_at_every_sigma_up_to_d_1000(client, d, sigma):
    """Issue 12, point 7: σ as a user types it, d up to 1000: logarithms where the values
    leave float64, every metric finite, every check ✓."""
    body = client.get("/api/v1/scenes/barron-norm", params={"d": d, "sigma": sigma}).json()
    m = body["metrics"]
    assert all(math.isfinite(v) for v in m.values())
    log_exact = gs.log_integral_w_ghat(d, sigma)
    assert m["log10_integral_w_ghat"] == pytest.approx(log_exact / math.log(10), rel=1e-12)
    assert ("integral_w_ghat" in m) == (abs(log_exact) < 700)
    assert m["log10_integral_w_ghat"] < m["log10_holder_bound"]
    assert all(c["holds"] for c in body["checks"])
    norm = next(p for p in body["plots"] if p["id"] == "norm_vs_d")
    assert all(math.isfinite(v) for t in norm["traces"] for v in t["y"])


def _log_gamma_ratio_half(n: int) -> float:
    """log Γ(n + ½)/Γ(n) = log(√π·n·Π_{j≤n} (2j − 1)/(2j)), by a plain sum (no lgamma)."""
    j = np.arange(1, n + 1)
    return 0.5 * math.log(math.pi) + math.log(n) + float(np.sum(np.log((2 * j - 1) / (2 * j))))


@pytest.mark.parametrize("d", [1, 10, 1000])
def test_the_standard_gaussian(client, d):
    """σ = 1 at d = 1, 10, 1000 against closed forms computed independently of the scene:
    ∫‖w‖ĝ = (2π)^{−d/2}·(1/(2π))·√2·Γ((d+1)/2)/Γ(d/2); for d = 1 it is 1/(2π²)."""
    body = client.get("/api/v1/scenes/barron-norm", params={"d": d, "sigma": 1.0}).json()
    m = body["metrics"]
    assert all(math.isfinite(v) for v in m.values())
    if d == 1:
        expected = math.log(1 / (2 * math.pi**2))
    elif d == 10:  # Γ(11/2)/Γ(5) = (945/32)·√π / 24
        expected = -5 * math.log(2 * math.pi) - math.log(2 * math.pi) + 0.5 * math.log(2)
        expected += math.log(945 / 32 * math.sqrt(math.pi) / 24)
    else:  # Γ(500.5)/Γ(500) by a product
        expected = -500 * math.log(2 * math.pi) - math.log(2 * math.pi) + 0.5 * math.log(2)
        expected += _log_gamma_ratio_half(500)
    assert m["log10_integral_w_ghat"] == pytest.approx(expected / math.log(10), rel=1e-12)
    bound = 0.5 * math.log(d) - 0.5 * math.log(2 * math.pi) - 0.5 * (d + 1) * math.log(2 * math.pi)
    assert m["log10_holder_bound"] == pytest.approx(bound / math.log(10), rel=1e-12)
    assert m["log10_barron_norm"] == pytest.approx(
        (math.log(2 * math.pi) + expected) / math.log(10), rel=1e-12
    )
    if d == 1000:  # e^{−918}: beyond float64, shown as log₁₀ only
        assert "integral_w_ghat" not in m and "holder_bound" not in m
    else:
        assert m["integral_w_ghat"] == pytest.approx(math.exp(expected), rel=1e-12)
    assert all(c["holds"] for c in body["checks"])


@pytest.mark.parametrize(
    ("query", "param", "limit"),
    [
        ("d=0", "d", "1"),
        ("d=1001", "d", "1000"),
        ("sigma=0.01", "sigma", "0.05"),
        ("sigma=6", "sigma", "5"),
    ],
)
def test_barron_norm_bad_params_are_422(client, query, param, limit):
    r = client.get(f"/api/v1/scenes/barron-norm?{query}")
    assert r.status_code == 422 and r.json()["message"].startswith(f"{param}:")
    assert limit in r.json()["message"]
