"""API v1: contract, validation messages, caching headers, determinism."""

from __future__ import annotations

import math

import pytest

from approxlab import __version__
from approxlab.app import create_app
from approxlab.scenes.registry import SCENES
from approxlab.scenes.vocabulary import RELATIONS, ROLES, TRACE_KINDS
from approxlab.settings import Settings

RESULT_KEYS = {"scene", "params", "metrics", "checks", "plots", "notes"}


def extremes(scene_id: str) -> list[dict]:
    """Default, minimum and maximum of every numeric parameter, every enum value."""
    props = SCENES[scene_id].params.model_json_schema()["properties"]
    cases: list[dict] = [{}]
    for name, p in props.items():
        if "enum" in p:
            cases += [{name: v} for v in p["enum"]]
        elif "minimum" in p:  # text parameters (custom expressions) keep their default
            cases += [{name: p["minimum"]}, {name: p["maximum"]}]
    big = {n: (p["maximum"] if "maximum" in p else p["default"]) for n, p in props.items()}
    small = {n: (p["minimum"] if "minimum" in p else p["default"]) for n, p in props.items()}
    return [*cases, big, small]


def test_health(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": __version__}


def test_scene_list(client):
    r = client.get("/api/v1/scenes")
    assert r.status_code == 200
    scenes = r.json()
    assert [s["id"] for s in scenes] == list(SCENES)
    for s in scenes:
        assert {"id", "title", "chapter", "source", "statement", "params_schema"} <= set(s)
        assert s["source"].startswith("00")
        assert "<math" in s["statement_html"]
        for name, prop in s["params_schema"]["properties"].items():
            assert "default" in prop and "label" in prop and "scale" in prop, name
            assert (
                ("minimum" in prop and "maximum" in prop)
                or "enum" in prop
                or (prop.get("type") == "string" and "maxLength" in prop)
            ), name


@pytest.mark.parametrize("scene_id", list(SCENES))
def test_every_scene_at_its_extremes(client, scene_id):
    """Every case answers with the contract; the scene's declared metrics (its
    ``metric_labels``, which the UI shows and users script against) label every metric it
    returns, and each declared metric is returned by some case."""
    declared = set(SCENES[scene_id].metric_labels)
    seen: set[str] = set()
    for params in extremes(scene_id):
        r = client.get(f"/api/v1/scenes/{scene_id}", params=params)
        assert r.status_code == 200, (params, r.text)
        body = r.json()
        assert set(body) == RESULT_KEYS
        assert body["scene"] == scene_id
        assert set(body["metrics"]) <= declared, set(body["metrics"]) - declared
        seen |= set(body["metrics"])
        assert all(math.isfinite(v) for v in body["metrics"].values())
        for k, v in params.items():
            assert body["params"][k] == v
        for c in body["checks"]:
            # deterministic statements hold for every parameter value; probabilistic
            # ones (confidence < 1) are tested statistically in the theory tests
            assert c["holds"] or c["confidence"] is not None, (params, c)
            assert c["relation"] in RELATIONS
        for plot in body["plots"]:
            assert {"id", "title", "x", "y", "traces"} <= set(plot)
            for t in plot["traces"]:
                assert t["kind"] in TRACE_KINDS
                assert t.get("style") is None or t["style"] in ROLES
                assert len(t["x"]) == len(t["y"]) or t["kind"] == "heatmap"
    assert seen == declared, declared - seen


def test_metrics_match_the_formulas(client):
    body = client.get("/api/v1/scenes/threshold", params={"eps": 0.01, "target": "square"}).json()
    m = body["metrics"]
    assert m["width"] == math.ceil(m["lipschitz"] / 0.01)
    assert m["sup_error"] <= 0.01
    body = client.get("/api/v1/scenes/sawtooth", params={"L": 7}).json()
    assert body["metrics"]["pieces"] == 2**7
    assert body["metrics"]["nodes"] == 3 * 7 and body["metrics"]["layers"] == 2 * 7


def test_unknown_scene_is_404(client):
    r = client.get("/api/v1/scenes/no-such-scene")
    assert r.status_code == 404
    assert "no-such-scene" in r.json()["message"]


@pytest.mark.parametrize(
    ("query", "param", "words"),
    [
        ("eps=0.6", "eps", ["0.5"]),
        ("eps=0.0001", "eps", ["0.001"]),
        ("eps=abc", "eps", ["number"]),
        ("eps=nan", "eps", ["eps"]),
        ("eps=inf", "eps", ["eps"]),
        ("eps=", "eps", ["eps"]),
        ("target=cube", "target", ["sin", "nielsen"]),
        ("colour=red", "colour", ["unknown", "eps"]),
        ("eps=0.1&eps=0.2", "eps", ["more than once"]),
    ],
)
def test_bad_threshold_params_are_422(client, query, param, words):
    r = client.get(f"/api/v1/scenes/threshold?{query}")
    assert r.status_code == 422
    body = r.json()
    assert body["message"].startswith(f"{param}:")
    for w in words:
        assert w in body["message"], body["message"]
    assert body["detail"][0]["param"] == param


@pytest.mark.parametrize(("query", "limit"), [("L=0", "1"), ("L=21", "20"), ("L=2.5", "integer")])
def test_bad_sawtooth_params_are_422(client, query, limit):
    r = client.get(f"/api/v1/scenes/sawtooth?{query}")
    assert r.status_code == 422
    assert r.json()["message"].startswith("L:") and limit in r.json()["message"]


def test_etag_cache_control_and_304(client):
    url = "/api/v1/scenes/threshold?eps=0.02&target=nielsen"
    r = client.get(url)
    etag = r.headers["etag"]
    assert etag.startswith('"') and "max-age" in r.headers["cache-control"]
    r2 = client.get(url, headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.headers["etag"] == etag and not r2.content
    r3 = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert r3.status_code == 200
    lst = client.get("/api/v1/scenes")
    assert (
        client.get("/api/v1/scenes", headers={"If-None-Match": lst.headers["etag"]}).status_code
        == 304
    )


def test_equal_parameters_give_byte_identical_bodies(client):
    """Same params (in any order / spelling) → same bytes, also from a fresh, uncached app."""
    from fastapi.testclient import TestClient

    a = client.get("/api/v1/scenes/threshold?eps=0.03&target=abs")
    b = client.get("/api/v1/scenes/threshold?target=abs&eps=0.030")
    with TestClient(create_app(Settings(result_cache_bytes=0))) as fresh:
        c = fresh.get("/api/v1/scenes/threshold?target=abs&eps=0.03")
    assert a.content == b.content == c.content
    assert a.headers["etag"] == b.headers["etag"] == c.headers["etag"]


def test_defaults_are_filled_in(client):
    body = client.get("/api/v1/scenes/threshold").json()
    assert body["params"] == {"target": "sin", "eps": 0.05, "expr": "x*sin(8*x)"}


def test_frontend_and_local_plotly_are_served(client):
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200 and len(r.content) > 1_000_000
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    params = spec["paths"]["/api/v1/scenes/threshold"]["get"]["parameters"]
    eps = next(p for p in params if p["name"] == "eps")
    assert eps["schema"]["minimum"] == 0.001 and eps["schema"]["maximum"] == 0.5


def test_vendored_plotly_matches_the_wheel():
    """The vendored cartesian bundle is the same plotly.js release as the plotly wheel's."""
    import re
    from pathlib import Path

    import plotly

    from approxlab.app import plotly_js_path
    from approxlab.settings import Settings

    def version(path: Path) -> str:
        return re.search(r"plotly\.js.*? v(\d+\.\d+\.\d+)", path.read_text()[:400]).group(1)

    wheel = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    served = plotly_js_path(Settings().frontend_dir)
    assert served.name == "plotly-cartesian.min.js"
    assert version(served) == version(wheel)


def test_scene_info_names_chapter_summary_and_a_primary_plot(client):
    from approxlab.scenes.chapters import CHAPTERS

    chapters = {c.id: c for c in CHAPTERS}
    for s in client.get("/api/v1/scenes").json():
        chapter = chapters[s["chapter_id"]]
        assert s["chapter"] == chapter.heading and s["chapter_number"] == chapter.number
        assert 20 <= len(s["summary"]) <= 160, s["id"]
        plots = [p["id"] for p in client.get(f"/api/v1/scenes/{s['id']}").json()["plots"]]
        assert s["primary_plot"] in plots, s["id"]


def test_vocabulary_is_the_plotkit(client):
    body = client.get("/api/v1/vocabulary").json()
    assert body["trace_kinds"] == list(TRACE_KINDS)
    assert body["relations"] == list(RELATIONS)
    assert set(body["roles"]) == set(ROLES)
    for role in body["roles"].values():
        assert set(role["color"]) == set(body["themes"])
