"""The training scenes over HTTP (issue 15): contract metrics, checks, the presentation
standard, the step slider, and the networks they hand out."""

from __future__ import annotations

import re

import numpy as np
import pytest

from approxlab.scenes.registry import SCENES
from approxlab.theory.near_init import kernel_fit
from approxlab.theory.training import learnability as lb

TRAINING = ["lazy", "spectral-bias", "learnability"]

CONTRACT = {
    "lazy": [
        "final_loss",
        "frobenius_distance",
        "relative_change",
        "flipped_units",
        "sup_gap_to_linearized",
    ],
    "spectral-bias": [
        "eigenvalue_1",
        "eigenvalue_2",
        "eigenvalue_3",
        "steps_to_half_1",
        "steps_to_half_2",
        "steps_to_half_3",
    ],
    "learnability": [
        "pieces_construction",
        "pieces_trained",
        "l2_error_trained",
        "l2_error_construction",
    ],
}

#: Small, quick parameters for tests that need several requests.
QUICK = {
    "lazy": {"m": 64, "n": 8},
    "spectral-bias": {"m": 128, "k1": 1, "k2": 2, "k3": 4},
    "learnability": {"L": 3, "restarts": 3},
}

IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


def get(client, scene, **params):
    r = client.get(f"/api/v1/scenes/{scene}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def legend_entries(plot: dict) -> int:
    groups: set[str] = set()
    n = 0
    for t in plot["traces"]:
        if t.get("legend") is False:
            continue
        if t.get("group"):
            groups.add(t["group"])
        else:
            n += 1
    return n + len(groups)


@pytest.mark.parametrize("scene", TRAINING)
def test_contract_metrics_and_presentation(client, scene):
    body = get(client, scene, **QUICK[scene])
    info = next(s for s in client.get("/api/v1/scenes").json() if s["id"] == scene)
    assert set(CONTRACT[scene]) <= set(body["metrics"])
    assert body["checks"], "a scene never returns an empty checks list"
    assert body["plots"][0]["id"] == info["primary_plot"]
    for plot in body["plots"]:
        assert plot.get("caption"), plot["id"]
        assert legend_entries(plot) <= 5, plot["id"]
        for t in plot["traces"]:
            assert t.get("style"), (plot["id"], t["name"])
        styles = [(t["style"], t["kind"]) for t in plot["traces"] if t.get("legend") is not False]
        assert len(styles) == len(set(styles)), plot["id"]
        words = [plot["title"], plot["x"]["label"], plot["y"]["label"], plot["caption"]]
        words += [t["name"] for t in plot["traces"]]
        for w in words:
            assert not IDENTIFIER.search(w), w
    for c in body["checks"]:
        assert not IDENTIFIER.search(c["name"]), c["name"]
    for n in body["notes"]:
        assert "$" not in n and "\\frac" not in n
    props = info["params_schema"]["properties"]
    assert props["step"]["animate"] is True
    assert props["step"]["minimum"] == 0 and props["step"]["type"] == "integer"


def test_lazy_checks_and_log_axes(client):
    body = get(client, "lazy")
    checks = {c["name"]: c for c in body["checks"]}
    prob = [c for c in checks.values() if c["confidence"] is not None]
    assert len(prob) == 2 and all(c["confidence"] == pytest.approx(0.95) for c in prob)
    for c in checks.values():
        assert c["holds"], c
    gap = next(p for p in body["plots"] if p["id"] == "gap")
    assert gap["y"]["log"] and gap["x"]["log"]  # bound and gap orders of magnitude apart
    bound = next(t for t in gap["traces"] if t["style"] == "bound")
    measured = next(t for t in gap["traces"] if t["style"] == "error")
    assert min(bound["y"]) > 10 * max(measured["y"])
    m = body["metrics"]
    assert m["relative_change"] == pytest.approx(
        m["frobenius_distance"] / np.linalg.norm(_initial_weights(client)), rel=1e-6
    )


def _initial_weights(client):
    nets = client.get("/api/v1/scenes/lazy/networks").json()["networks"]
    init = next(n for n in nets if n["name"].startswith("initialization"))
    return np.asarray(init["layers"][0]["weight"])


def test_the_step_slider_scrubs_one_run(client):
    start = get(client, "lazy", **QUICK["lazy"], step=0)
    mid = get(client, "lazy", **QUICK["lazy"], step=20)
    end = get(client, "lazy", **QUICK["lazy"])
    assert start["metrics"]["steps"] == 0 and start["metrics"]["frobenius_distance"] == 0.0
    assert 0 < mid["metrics"]["steps"] < end["metrics"]["steps"] == 400
    assert start["metrics"]["final_loss"] == mid["metrics"]["final_loss"]  # one run
    assert start["metrics"]["loss"] > mid["metrics"]["loss"] > end["metrics"]["loss"]
    r = client.get("/api/v1/scenes/lazy", params={"step": 41})
    assert r.status_code == 422 and r.json()["message"].startswith("step:")
    assert "40" in r.json()["message"]


def test_lazy_network_is_the_plotted_network(client):
    params = {**QUICK["lazy"], "step": 30}
    body = get(client, "lazy", **params)
    nets = client.get("/api/v1/scenes/lazy/networks", params=params).json()["networks"]
    assert nets[0]["name"].startswith("trained network after") and nets[0]["seed"] == 0
    plot = body["plots"][0]
    curve = next(t for t in plot["traces"] if t["name"].startswith("trained network"))
    phi = np.radians(np.asarray(curve["x"], dtype=float))
    X = np.stack([np.cos(phi), np.sin(phi)], axis=1)
    y = _forward(nets[0], X)
    np.testing.assert_allclose(y, curve["y"], atol=1e-5)  # float32 on the wire


def test_spectral_network_is_the_plotted_network(client):
    params = {**QUICK["spectral-bias"], "step": 25}
    body = get(client, "spectral-bias", **params)
    net = client.get("/api/v1/scenes/spectral-bias/networks", params=params).json()["networks"][0]
    assert net["input_dim"] == 3
    fit = next(p for p in body["plots"] if p["id"] == "fit")
    curve = next(t for t in fit["traces"] if t["name"] == "trained network")
    t = np.radians(np.asarray(curve["x"], dtype=float))
    y = _forward(net, kernel_fit.inputs(t, "padded"))
    np.testing.assert_allclose(y, curve["y"], atol=1e-5)


def test_spectral_checks_and_validation(client):
    body = get(client, "spectral-bias")
    assert all(c["holds"] and c["confidence"] == pytest.approx(0.95) for c in body["checks"])
    m = body["metrics"]
    assert m["eigenvalue_1"] > m["eigenvalue_2"] > m["eigenvalue_3"] > 0
    assert m["steps_to_half_1"] < m["steps_to_half_2"] < m["steps_to_half_3"]
    r = client.get("/api/v1/scenes/spectral-bias", params={"m": 101})
    assert r.status_code == 422 and r.json()["message"].startswith("m:")
    r = client.get("/api/v1/scenes/spectral-bias", params={"k3": 9})
    assert r.status_code == 422 and "8" in r.json()["message"]


def test_learnability_networks_post_back_with_the_pieces_the_scene_shows(client):
    params = {**QUICK["learnability"], "step": 32}
    body = get(client, "learnability", **params)
    nets = client.get("/api/v1/scenes/learnability/networks", params=params).json()["networks"]
    R = params["restarts"]
    assert [n["name"] for n in nets] == [
        "construction",
        *(f"trained, restart {r + 1}" for r in range(R)),
        "shallow, trained",
    ]
    e = lb.experiment(params["L"], R, 0)
    shown = [
        body["metrics"]["pieces_construction"],
        *e.deep_measured.pieces[32],
        body["metrics"]["pieces_shallow"],
    ]
    for net, want in zip(nets, shown, strict=True):
        assert net["activation"] == "relu" and net["input_dim"] == 1
        r = client.post("/api/v1/pieces", json={"layers": net["layers"], "domain": [0.0, 1.0]})
        assert r.status_code == 200, r.text
        assert r.json()["pieces"] == want, net["name"]
    assert body["metrics"]["pieces_trained"] == float(np.median(e.deep_measured.pieces[32]))
    # the plotted curves are the exported networks
    fits = body["plots"][0]
    for net in nets[1:-1]:
        trace = next(t for t in fits["traces"] if t["name"].startswith(net["name"]))
        x = np.asarray(trace["x"], dtype=float)
        np.testing.assert_allclose(_forward(net, x[:, None]), trace["y"], atol=1e-5)


def test_learnability_checks(client):
    body = get(client, "learnability", **QUICK["learnability"])
    for c in body["checks"]:
        assert c["holds"] and c["confidence"] is None, c  # all deterministic
    m = body["metrics"]
    assert m["pieces_construction"] == 8 and m["l2_error_construction"] == 0.0
    assert m["pieces_trained_max"] <= m["lemma_4_9_bound"] == 6**3
    pieces = next(p for p in body["plots"] if p["id"] == "pieces")
    assert pieces["y"]["log"]


def _forward(net: dict, X: np.ndarray) -> np.ndarray:
    z = np.asarray(X, dtype=float).T
    for i, lay in enumerate(net["layers"]):
        z = np.asarray(lay["weight"]) @ z + np.asarray(lay["bias"])[:, None]
        if i < len(net["layers"]) - 1:
            z = np.maximum(z, 0.0)
    return z[0]


def test_training_scenes_are_registered_where_the_issue_says():
    ids = list(SCENES)
    assert ids.index("lazy") == ids.index("kernel-fit") + 1
    assert ids.index("spectral-bias") == ids.index("lazy") + 1
    assert ids.index("learnability") == ids.index("separation") + 1
    assert SCENES["lazy"].chapter.id == SCENES["spectral-bias"].chapter.id == "near-init"
    assert SCENES["learnability"].chapter.id == "depth"
