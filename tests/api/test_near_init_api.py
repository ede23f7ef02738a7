"""API of the chapter 3 scenes (issue 6): contract metrics, formulas, defaults, 422s."""

from __future__ import annotations

import math
import re

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


# --- issue 12: what the independent recomputation found --------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "m=100000&tau=0.5&network=two&delta=0.2",
        "m=80000&tau=0.4&network=two&delta=0.2",
        "m=64000&tau=0.5&network=two&delta=0.2",
        "m=100000&network=two&delta=0.2",
    ],
)
def test_transport_equality_cases_hold(client, query):
    """(1) The planted rows move by exactly the bound when mτ_d is an integer: ✓, with an
    allowance derived from the computation."""
    body = client.get(f"/api/v1/scenes/transport?{query}").json()
    met = body["metrics"]
    assert met["needed_per_unit"] == met["planted_per_unit"]
    for c in body["checks"]:
        assert c["holds"], c
    row = next(c for c in body["checks"] if c["name"].startswith("maxⱼ ‖vⱼ − v₀,ⱼ‖"))
    assert 0 < row["rounding"] < 1e-14 and abs(row["measured"] - row["bound"]) <= row["rounding"]


def test_linearization_worst_case_is_the_maximum(client):
    """(5) m = 1000, B = 1, seed = 4: the worst case at x₀ is 4.814 (the −1 class)."""
    met = client.get("/api/v1/scenes/linearization?m=1000&B=1&seed=4").json()["metrics"]
    assert met["gap_at_x0"] == pytest.approx(4.814, abs=1e-3)
    assert met["worst_case_sign"] == -1


def test_transport_note_says_what_fails(client):
    """(6) The printed statement holds trivially at the defaults; the construction misses it."""
    body = client.get("/api/v1/scenes/transport").json()
    met = body["metrics"]
    assert met["printed_unplanted_error"] <= met["printed_allowance"]
    note = next(n for n in body["notes"] if n.startswith("Printed statement"))
    assert "holds trivially" in note and "does not reach the printed constants" in note
    assert "cannot hold" not in note


@pytest.mark.parametrize(
    "query", ["activation=softplus", "activation=softplus&perturbation=random&m=20000"]
)
def test_softplus_sup_is_certified_and_labelled(client, query):
    """(8) The softplus sup: the largest value found and a certified upper bound; the check
    uses the certified one and says so."""
    body = client.get(f"/api/v1/scenes/linearization?{query}").json()
    met = body["metrics"]
    assert met["sup_gap"] <= met["sup_gap_upper"] <= met["bound"]
    check = next(c for c in body["checks"] if "Prop. 3.4" in c["name"])
    assert check["measured"] == met["sup_gap_upper"] and "certified" in check["note"]
    assert any("largest value found" in t["name"] for p in body["plots"] for t in p["traces"])


def test_init_scale_grid_estimate_is_labelled(client):
    """(8) For d ≥ 3 the sup is a lower estimate and every label says so."""
    body = client.get("/api/v1/scenes/init-scale?d=4").json()
    check = body["checks"][1]
    assert check["name"].startswith("largest |F(x; w₀)| found") and "from below" in check["note"]


# --- issue 11: presentation ------------------------------------------------------------------

SNAKE = re.compile(r"\b[a-z]+_[a-z]{2,}\b")
TEX = re.compile(r"\\[a-zA-Z]+|\$")


@pytest.mark.parametrize("scene", SCENES)
@pytest.mark.parametrize("variant", ["", "alt"])
def test_plots_have_captions_roles_and_few_legend_entries(client, scene, variant):
    alt = {
        "init-scale": "d=3",
        "linearization": "activation=softplus&perturbation=random",
        "transport": "m=300",
        "ntk": "m=50",
        "kernel-fit": "inputs=unpadded",
    }
    body = client.get(f"/api/v1/scenes/{scene}?{alt[scene] if variant else ''}").json()
    info = next(s for s in client.get("/api/v1/scenes").json() if s["id"] == scene)
    assert body["plots"][0]["id"] == info["primary_plot"]
    texts = [*body["notes"], *(c["name"] for c in body["checks"])]
    for plot in body["plots"]:
        assert plot["caption"], plot["id"]
        assert all(t.get("style") for t in plot["traces"]), plot["id"]
        legend = {t.get("group") or t["name"] for t in plot["traces"] if t.get("legend", True)}
        assert len(legend) <= 5, (plot["id"], legend)
        texts += [plot["title"], plot["caption"], plot["x"]["label"], plot["y"]["label"]]
        texts += [t["name"] for t in plot["traces"]]
    texts += list(info["metric_labels"].values())
    for text in texts:
        assert not SNAKE.search(text), text
        assert not TEX.search(text), text
