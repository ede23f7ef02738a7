"""API of the chapter 3 scenes (issue 6): contract metrics, formulas, defaults, 422s."""

from __future__ import annotations

import math

import pytest

SCENES = ("init-scale", "linearization", "transport", "ntk", "kernel-fit")


@pytest.mark.parametrize("scene", SCENES)
def test_defaults_show_every_check_holding(client, scene):
    """Fixed default seeds: the probabilistic checks hold too (they carry a confidence)."""
    body = client.get(f"/api/v1/scenes/{scene}").json()
    assert body["checks"]
    for c in body["checks"]:
        assert c["holds"], c
        if c["confidence"] is not None:
            assert 0.0 <= c["confidence"] < 1.0


@pytest.mark.parametrize("scene", SCENES)
def test_equal_parameters_give_equal_bodies(client, scene):
    a = client.get(f"/api/v1/scenes/{scene}", params={"seed": 3} if scene != "kernel-fit" else {})
    b = client.get(f"/api/v1/scenes/{scene}", params={"seed": 3} if scene != "kernel-fit" else {})
    assert a.content == b.content


def test_init_scale_metrics_are_the_lemma_formulas(client):
    m, d, delta = 5000, 3, 0.01
    body = client.get("/api/v1/scenes/init-scale", params={"m": m, "d": d, "delta": delta})
    met = body.json()["metrics"]
    assert met["bound_fixed_x"] == pytest.approx(4 * math.sqrt(m) * math.log(2 * m / delta))
    assert met["bound_uniform"] == pytest.approx(16 * d * math.sqrt(m) * math.log(m / delta))
    assert met["bound_uniform_printed"] == pytest.approx(2 * met["bound_uniform"])
    assert met["sup_abs_F"] >= met["abs_F_at_x0"]
    assert met["bound_uniform_proof"] <= met["bound_uniform"]


def test_linearization_bounds_are_the_propositions(client):
    m, B, delta = 2000, 3.0, 0.1
    relu = client.get(
        "/api/v1/scenes/linearization", params={"m": m, "B": B, "delta": delta}
    ).json()["metrics"]
    expect = m ** (1 / 3) * (4 * B ** (4 / 3) + 2 * B * math.log(1 / delta) ** 0.25)
    assert relu["bound"] == pytest.approx(expect)
    assert relu["gap_at_x0"] <= relu["sup_gap"] + 1e-9
    smooth = client.get(
        "/api/v1/scenes/linearization",
        params={"m": m, "B": B, "activation": "softplus", "beta": 2.0},
    ).json()["metrics"]
    assert smooth["bound"] == pytest.approx(2.0 * B**2 / 2)
    assert smooth["sup_gap"] <= smooth["bound"]


def test_ntk_metrics(client):
    body = client.get("/api/v1/scenes/ntk", params={"m": 20000, "theta": 45, "seed": 2}).json()
    th = math.radians(45)
    met = body["metrics"]
    assert met["k_inf"] == pytest.approx(math.cos(th) * (math.pi - th) / (2 * math.pi))
    assert abs(met["k_m"] - met["k_inf"]) <= met["max_abs_dev"] + 1e-12
    assert met["max_abs_dev"] <= met["dkw_bound"]


def test_kernel_fit_padding_matters(client):
    padded = client.get("/api/v1/scenes/kernel-fit", params={"target": "cos3", "n": 128}).json()[
        "metrics"
    ]
    bare = client.get(
        "/api/v1/scenes/kernel-fit", params={"target": "cos3", "n": 128, "inputs": "unpadded"}
    ).json()["metrics"]
    assert padded["sup_error"] < 1e-2 < 0.7 < bare["sup_error"]
    assert bare["odd_harmonic_floor"] == pytest.approx(math.sqrt(0.5))


def test_transport_metrics_against_bounds(client):
    met = client.get("/api/v1/scenes/transport").json()["metrics"]
    assert met["hypothesis_met"] == 1
    assert met["rho"] == pytest.approx(0.4)
    assert met["frobenius_distance"] <= met["frobenius_bound"] * (1 + 1e-12)
    assert met["max_row_distance"] <= met["row_bound"] * (1 + 1e-12)
    assert met["sup_error"] <= met["error_bound"]


@pytest.mark.parametrize(
    ("scene", "query", "param", "limit"),
    [
        ("init-scale", "m=0", "m", "1"),
        ("init-scale", "m=100001", "m", "100000"),
        ("init-scale", "d=1", "d", "2"),
        ("init-scale", "delta=0.3", "delta", "0.25"),
        ("linearization", "activation=tanh", "activation", "softplus"),
        ("linearization", "B=0", "B", "0.01"),
        ("linearization", "perturbation=adversarial", "perturbation", "worst"),
        ("ntk", "theta=181", "theta", "180"),
        ("ntk", "m=2.5", "m", "integer"),
        ("kernel-fit", "n=257", "n", "256"),
        ("kernel-fit", "inputs=sphere", "inputs", "padded"),
        ("transport", "tau=0.6", "tau", "0.5"),
        ("transport", "network=seven", "network", "three"),
    ],
)
def test_bad_parameters_are_422_naming_the_limit(client, scene, query, param, limit):
    r = client.get(f"/api/v1/scenes/{scene}?{query}")
    assert r.status_code == 422
    msg = r.json()["message"]
    assert msg.startswith(f"{param}:") and limit in msg, msg
