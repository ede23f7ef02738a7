"""The standalone offline demo: ``approxlab export`` and ``GET /scenes/{id}/export.html``
(approxlab/standalone.py) — one self-contained HTML file, every value of one slider
precomputed, within 20 MB; 422s that name the field; the same input, the same bytes."""

from __future__ import annotations

import itertools
import json
import math
import re

import pytest

from approxlab import standalone
from approxlab.cli import main
from approxlab.scenes.registry import SCENES
from approxlab.scenes.vocabulary import ROLES

DATA = re.compile(rb'<script type="application/json" id="demo-data">(.*?)</script>', re.S)


def demo_data(html: bytes) -> dict:
    m = DATA.search(html)
    assert m, "no inlined results"
    return json.loads(m.group(1))


def scripts_and_links(html: bytes) -> list[bytes]:
    return re.findall(rb"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=", html)


# ------------------------------------------------------------------ the file


def test_api_file_is_self_contained_and_holds_every_value(client):
    r = client.get("/api/v1/scenes/rates/export.html?sweep=alpha")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert 'attachment; filename="rates-alpha-offline' in r.headers["content-disposition"]
    assert "default-src 'none'" in r.headers["content-security-policy"]
    html = r.content
    assert len(html) <= standalone.MAX_BYTES
    # nothing loaded from anywhere: Plotly, CSS and data are inline, the CSP forbids network
    assert not scripts_and_links(html)
    assert b'http-equiv="Content-Security-Policy"' in html
    assert b"default-src 'none'" in html
    assert b"plotly.js" in html  # the vendored bundle, inlined
    data = demo_data(html)
    grid = standalone.sweep_grid(SCENES["rates"], SCENES["rates"].params().model_dump(), "alpha")
    assert data["sweep"]["values"] == list(grid.values)
    assert r.headers["x-approxlab-values"] == str(len(grid.values))
    assert len(data["results"]) == len(grid.values)
    for value, result in zip(data["sweep"]["values"], data["results"], strict=True):
        assert result["params"]["alpha"] == value
    # the role colours are the vocabulary's, not a copy
    assert data["roles"] == ROLES
    # title, source, statement, captions and metric labels are in the file
    scene = SCENES["rates"]
    assert scene.source.encode() in html
    assert b"<math" in html  # the statement, typeset
    assert data["scene"]["metric_labels"] == scene.metric_labels
    assert "holds all" in data["sweep"]["choice"]


def test_default_sweep_is_the_first_visible_slider():
    for scene in SCENES.values():
        schema = scene.params.model_json_schema()["properties"]
        base = scene.params().model_dump()
        try:
            name = standalone.default_sweep(scene, base)
        except standalone.ExportError:
            assert all(p.get("hidden") or "minimum" not in p for p in schema.values()), scene.id
            continue
        prop = schema[name]
        assert not prop.get("hidden"), scene.id
        first = next(
            n
            for n, p in schema.items()
            if standalone._visible(p, base)
            and (g := standalone.grid_of(n, p)) is not None
            and g.kind == "slider"
            and len(g.values) > 1
        )
        assert name == first, scene.id


def test_log_slider_values_are_chosen_evenly_on_its_scale_with_ends_and_current():
    scene = SCENES["threshold"]
    grid = standalone.sweep_grid(scene, scene.params().model_dump(), "eps")
    assert grid.log and len(grid.values) > 100
    current = 0.0123  # typed, not on the slider's grid
    chosen = standalone.choose(grid, current, 12)
    values = [v for _, v in chosen]
    assert len(values) <= 12
    assert values[0] == grid.values[0] and values[-1] == grid.values[-1]
    assert current in values
    assert values == sorted(values)
    # the current value splits the slider; each side is evenly spaced in log10 (up to the
    # grid's step of 0.05 decades), and the two sides' spacings are alike
    i = values.index(current)
    for side in (values[: i + 1], values[i:]):
        gaps = [math.log10(b / a) for a, b in itertools.pairwise(side)]
        assert max(gaps) - min(gaps) <= 0.051, gaps
    gaps = [math.log10(b / a) for a, b in itertools.pairwise(values)]
    assert max(gaps) < 1.6 * min(gaps), gaps


def test_size_bound_keeps_fewer_values_and_says_so():
    scene = SCENES["threshold"]
    shell = len(standalone.page_shell())
    one = standalone.build(scene, scene.params(), values=2)
    per_value = (one.size - shell) / 2
    limit = int(shell + 10.5 * per_value)
    out = standalone.build(scene, scene.params(), max_bytes=limit)
    assert out.size <= limit
    grid = standalone.sweep_grid(scene, scene.params().model_dump(), None)
    # fewer than all, but the room is used (arrays repeated across values are stored once)
    assert 10 <= len(out.values) < len(grid.values) / 2
    data = demo_data(out.html)
    assert data["sweep"]["values"][0] == grid.values[0]
    assert data["sweep"]["values"][-1] == grid.values[-1]
    assert scene.params().model_dump()[grid.name] in data["sweep"]["values"]
    assert (
        f"holds {len(out.values)} of the slider's {len(grid.values)} values"
        in (data["sweep"]["choice"])
    )
    assert "logarithmic scale" in data["sweep"]["choice"]


def test_same_input_same_bytes():
    scene = SCENES["rates"]
    a = standalone.build(scene, scene.params(N=32), "alpha", 5)
    b = standalone.build(scene, scene.params(N=32), "alpha", 5)
    assert a.html == b.html
    assert len(a.values) == 5


# ------------------------------------------------------------------ 422s name the field


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sweep=nope", "sweep"),
        ("sweep=alpha&sweep=N", "sweep"),
        ("sweep_values=1", "sweep_values"),
        ("sweep_values=1000", "sweep_values"),
        ("sweep_values=many", "sweep_values"),
        ("alpha=99", "alpha"),
        ("gamma=1", "gamma"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, query, field):
    r = client.get(f"/api/v1/scenes/rates/export.html?{query}")
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["message"].startswith(f"{field}:"), body
    assert body["detail"][0]["loc"] == ["query", field]


def test_hidden_params_and_sceneless_are_refused(client):
    hidden = next(
        (s.id, n)
        for s in SCENES.values()
        for n, p in s.params.model_json_schema()["properties"].items()
        if p.get("hidden")
    )
    r = client.get(f"/api/v1/scenes/{hidden[0]}/export.html?sweep={hidden[1]}")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "sweep"]
    assert client.get("/api/v1/scenes/cpwl/export.html").status_code == 422
    assert client.get("/api/v1/scenes/nope/export.html").status_code == 404


def test_a_file_too_costly_to_compute_is_refused(client, monkeypatch):
    from approxlab.api import standalone as route

    # universal: ~0.3 s per value estimated, 56 values: ~18 s, over a budget of 5 s
    monkeypatch.setattr(route, "BUDGET_SECONDS", 5.0)
    r = client.get("/api/v1/scenes/universal/export.html")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "sweep_values"]
    assert "at most" in r.json()["message"]


# ------------------------------------------------------------------ the command line


def test_cli_writes_the_file(tmp_path, capsys):
    out = tmp_path / "demo.html"
    assert main(["export", "rates", "N=32", "--values", "4", "-o", str(out)]) == 0
    data = demo_data(out.read_bytes())
    assert len(data["results"]) == 4
    assert all(r["params"]["N"] == 32 for r in data["results"])
    err = capsys.readouterr().err
    assert "4 of the 18 values of 'alpha'" in err


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["alpha=99"], "alpha"),
        (["nope=1"], "nope"),
        (["--sweep", "nope"], "sweep"),
        (["--values", "1"], "values"),
    ],
)
def test_cli_errors_name_the_field(tmp_path, capsys, args, field):
    out = tmp_path / "demo.html"
    assert main(["export", "rates", *args, "-o", str(out)]) == 2
    assert f"approxlab export: {field}:" in capsys.readouterr().err
    assert not out.exists()


def test_cli_help_says_how_values_are_chosen(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "chosen evenly on the slider's own scale" in text
    assert "20 MB" in text
