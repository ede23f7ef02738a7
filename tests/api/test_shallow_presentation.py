"""Chapter 2's figures to the presentation standard (issue 11): the primary plot first, a
caption on every plot, at most five legend entries, no two series drawn alike, equal aspect
for discs and squares, and words — not identifiers or raw TeX — wherever a user reads."""

from __future__ import annotations

import re

import pytest

CASES = [
    ("threshold", {}),
    ("threshold", {"target": "abs", "eps": 0.001}),
    ("threshold", {"target": "custom", "expr": "1"}),
    ("adaptive", {}),
    ("adaptive", {"target": "sin", "eps": 0.001}),
    ("grid", {}),
    ("grid", {"d": 1}),
    ("grid", {"d": 4}),
    ("universal", {}),
    ("universal", {"activation": "poly3", "target": "nielsen"}),
    ("universal", {"activation": "threshold", "width": 2000}),
    ("maurey", {}),
    ("maurey", {"trials": 1, "k": 1}),
    ("barron", {}),
    ("barron", {"target": "plateau", "trials": 1}),
    ("barron-norm", {}),
    ("barron-norm", {"d": 1000, "sigma": 0.05}),
]

#: snake_case identifiers, TeX braces and commands, dollar signs.
IDENTIFIER = re.compile(r"[A-Za-z0-9)]_[A-Za-z0-9{(]|\^\{|_\{|\\[a-zA-Z]|\$")


def visible_text(info: dict, body: dict) -> list[str]:
    texts = [info["title"], info["summary"], *info["metric_labels"].values(), *body["notes"]]
    for prop in info["params_schema"]["properties"].values():
        texts += [prop.get("label", ""), prop.get("description", "")]
        texts += list((prop.get("options") or {}).values())
    for c in body["checks"]:
        texts += [c["name"], c.get("note") or ""]
    for p in body["plots"]:
        texts += [p["title"], p.get("caption", ""), p["x"]["label"], p["y"]["label"]]
        texts += [t["name"] for t in p["traces"]]
    return texts


@pytest.fixture(scope="module")
def infos(client):
    return {s["id"]: s for s in client.get("/api/v1/scenes").json()}


@pytest.mark.parametrize(("scene_id", "params"), CASES)
def test_presentation(client, infos, scene_id, params):
    info = infos[scene_id]
    body = client.get(f"/api/v1/scenes/{scene_id}", params=params).json()
    assert body["plots"][0]["id"] == info["primary_plot"]
    assert body["checks"], "the checks card is never empty"
    for text in visible_text(info, body):
        assert not IDENTIFIER.search(text), text
    for p in body["plots"]:
        assert 20 <= len(p.get("caption", "")) <= 300, p["id"]
        traces = p["traces"]
        legend = [
            t
            for i, t in enumerate(traces)
            if t.get("legend", True)
            and t["kind"] != "heatmap"
            and (
                t.get("group") is None or t.get("group") not in [u.get("group") for u in traces[:i]]
            )
        ]
        assert len(legend) <= 5, (p["id"], [t["name"] for t in legend])
        drawn = [
            (t["kind"], t.get("style"))
            for t in traces
            if t["kind"] != "heatmap" and t.get("style") != "context"
        ]
        assert len(drawn) == len(set(drawn)), (p["id"], drawn)  # no two series alike
        if any(t["kind"] == "heatmap" for t in traces):
            assert p.get("aspect") == "equal", p["id"]  # squares and discs


def test_probabilistic_checks_say_so(client):
    for scene_id, params in [("maurey", {"trials": 1}), ("barron", {"trials": 1})]:
        body = client.get(f"/api/v1/scenes/{scene_id}", params=params).json()
        probabilistic = [c for c in body["checks"] if c["confidence"] is not None]
        assert len(probabilistic) == 1 and 0 < probabilistic[0]["confidence"] < 1
