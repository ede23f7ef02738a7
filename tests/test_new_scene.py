"""Adding a theorem is one scene module plus one registry line — proved with a throwaway
scene in a temporary package: nothing else (API, schema, contract tests, README table,
frontend) needs a second edit."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from approxlab.app import create_app
from approxlab.cli import scene_table
from approxlab.scenes.registry import SCENE_MODULES, build_registry
from approxlab.settings import Settings

SCENE_MODULE = '''
"""Scene ``doubling`` — a throwaway theorem: 2x is 2-Lipschitz."""

import numpy as np

from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, param
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import line


class Params(SceneParams):
    a: float = param(1.0, ge=0.0, le=2.0, step=0.1, label="a", description="Slope a.")


def compute(p: Params) -> SceneResult:
    x = np.linspace(0.0, 1.0, 11)
    return SceneResult(
        metrics={"slope": p.a},
        checks=[Check("slope ≤ 2", p.a, 2.0, "<=")],
        plots=[
            Plot(
                "line",
                "The line ax",
                Axis("x"),
                Axis("value"),
                [line("ax", x, p.a * x)],
                caption="A straight line through the origin.",
            )
        ],
    )


def exported_networks(p: Params) -> list:
    return [network_export("ax", [(np.array([[p.a]]), np.zeros(1))])]


SCENE = Scene(
    id="doubling",
    title="A line",
    chapter=SHALLOW,
    summary="A straight line and its slope, checked against 2.",
    primary_plot="line",
    source="none, Throwaway 0.0",
    statement="$f(x) = ax$.",
    params=Params,
    compute=compute,
    metric_labels={"slope": "slope a"},
    networks=exported_networks,
)
'''


@pytest.fixture()
def throwaway_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    pkg = tmp_path / "throwaway_scenes"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "doubling.py").write_text(textwrap.dedent(SCENE_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "throwaway_scenes"
    for name in [m for m in sys.modules if m.startswith("throwaway_scenes")]:
        del sys.modules[name]


def test_one_module_plus_one_line_is_a_working_scene(throwaway_package: str) -> None:
    # the "one line": the module's name in a registry
    scenes = build_registry(["doubling"], package=throwaway_package)
    client = TestClient(create_app(Settings(warm_up=False), scenes=scenes))

    listing = client.get("/api/v1/scenes").json()
    assert [s["id"] for s in listing] == ["doubling"]
    info = listing[0]
    assert info["chapter_number"] == 2 and info["primary_plot"] == "line"
    assert info["params_schema"]["properties"]["a"]["maximum"] == 2.0

    body = client.get("/api/v1/scenes/doubling", params={"a": 1.5}).json()
    assert body["scene"] == "doubling" and body["params"] == {"a": 1.5}
    assert body["checks"][0]["holds"] and body["plots"][0]["caption"]
    assert set(body["metrics"]) <= set(info["metric_labels"])

    bad = client.get("/api/v1/scenes/doubling", params={"a": 3})
    assert bad.status_code == 422 and "a" in bad.json()["message"]

    nets = client.get("/api/v1/scenes/doubling/networks", params={"a": 1.5}).json()
    counted = client.post("/api/v1/pieces", json={**nets["networks"][0], "domain": [0, 1]})
    assert counted.status_code == 200 and counted.json()["pieces"] == 1

    assert "`doubling`" in scene_table(scenes.values())


def test_the_registry_refuses_two_scenes_with_one_id(throwaway_package: str) -> None:
    with pytest.raises(ValueError, match="doubling"):
        build_registry(["doubling", "doubling"], package=throwaway_package)


def test_the_real_registry_lists_each_module_once() -> None:
    assert len(set(SCENE_MODULES)) == len(SCENE_MODULES)
