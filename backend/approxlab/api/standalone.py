"""``GET /api/v1/scenes/{id}/export.html`` — the scene as a standalone offline demo (one
HTML file, :mod:`approxlab.standalone`).  Thin: parse the scene's params plus ``sweep``
and ``sweep_values``, build the file through the bounded compute pool (as heavy work: in the
pool's separate process, at most ``threads - 1`` at once), send it as a download."""

from __future__ import annotations

import contextlib
import functools
import math
import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import Response

from approxlab.api import params as params_mod
from approxlab.api.compute import BusyError, OverBudgetError
from approxlab.api.cost import estimate
from approxlab.api.responses import dumps, error_json
from approxlab.api.routes import ERRORS, SceneRenderer, openapi_parameters, registered
from approxlab.scenes.base import Scene, SceneParams
from approxlab.settings import Settings
from approxlab.standalone import CSP, ExportError, build, choose, sweep_grid

#: The most slider values one request may ask for.
API_MAX_VALUES = 101
#: The estimated compute time one file may take (cold, one core).
BUDGET_SECONDS = 90.0
#: The route's own query parameters (a scene's own ``values``, e.g. cpwl's, stays its own).
OWN = ("sweep", "sweep_values")


def build_registered(
    scene_id: str, params: dict[str, Any], sweep: str, values: int, frontend: str
) -> tuple[bytes, dict[str, Any]]:
    """Build a registered scene's file (picklable: runs in the heavy process pool)."""
    from approxlab.scenes.registry import SCENES

    scene = SCENES[scene_id]
    return build_scene(scene, scene.params(**params), sweep, values, frontend)


def build_scene(
    scene: Scene, params: SceneParams, sweep: str, values: int, frontend: str
) -> tuple[bytes, dict[str, Any]]:
    out = build(scene, params, sweep, values, frontend_dir=Path(frontend))
    return out.html, out.info()


def _filename(scene: Scene, params: dict[str, Any], sweep: str) -> str:
    props = scene.params.model_json_schema()["properties"]
    text = "-".join(
        f"{k}{v}" for k, v in params.items() if k != sweep and not props[k].get("hidden")
    )
    slug = re.sub(r"[^A-Za-z0-9.-]+", "_", text)[:60].strip("_")
    return f"{scene.id}-{sweep}-offline{'-' + slug if slug else ''}.html"


def _item(field: str, msg: str, kind: str = "value_error") -> dict[str, Any]:
    return {"loc": ["query", field], "param": field, "msg": msg, "type": kind}


def plan(
    scene: Scene, base: dict[str, Any], sweep: str | None, raw_values: str | None
) -> tuple[str, int, float]:
    """(the swept parameter, how many values, estimated MB of one computation), within
    the request bounds; :class:`ExportError` (naming the field) otherwise."""
    grid = sweep_grid(scene, base, sweep or None)
    values = min(API_MAX_VALUES, len(grid.values) + 1)
    if raw_values is not None:
        try:
            values = int(raw_values)
        except ValueError:
            raise ExportError("sweep_values", f"a whole number; got {raw_values[:40]!r}") from None
        if not 2 <= values <= API_MAX_VALUES:
            raise ExportError(
                "sweep_values", f"between 2 and {API_MAX_VALUES} (allowed); got {values}"
            )
    chosen = [v for _, v in choose(grid, base[grid.name], values)]
    costs = []
    for v in (chosen[0], chosen[-1], base[grid.name]):
        with contextlib.suppress(ValueError):
            costs.append(estimate(scene.id, scene.params(**{**base, grid.name: v})))
    ms = max((c.ms for c in costs), default=20.0)
    seconds = ms * len(chosen) / 1000
    if seconds > BUDGET_SECONDS:
        fit = max(2, math.floor(BUDGET_SECONDS * 1000 / ms))
        raise ExportError(
            "sweep_values",
            f"{len(chosen)} values would take about {seconds:.0f} s to compute, more than the "
            f"{BUDGET_SECONDS:.0f} s allowed; ask for at most {fit} values",
        )
    return grid.name, values, max((c.mb for c in costs), default=16.0)


def build_standalone_router(
    scenes: dict[str, Scene], settings: Settings, renderer: SceneRenderer
) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    frontend = str(settings.frontend_dir)

    def make_handler(scene: Scene) -> Any:
        async def handler(request: Request) -> Response:
            query = request.query_params
            try:
                p = params_mod.parse(
                    scene, QueryParams([(k, v) for k, v in query.multi_items() if k not in OWN])
                )
            except params_mod.ParamError as e:
                return error_json(422, e.message, e.items)
            for name in OWN:
                if len(query.getlist(name)) > 1:
                    msg = "given more than once"
                    return error_json(422, f"{name}: {msg}", [_item(name, msg, "repeated")])
            base = p.model_dump()
            try:
                sweep, values, mb = plan(scene, base, query.get("sweep"), query.get("sweep_values"))
            except ExportError as e:
                return error_json(422, f"{e.field}: {e.message}", [_item(e.field, e.message)])
            if renderer.pool.heavy_in_process and registered(scene):
                job: Any = functools.partial(
                    build_registered, scene.id, base, sweep, values, frontend
                )
            else:
                job = functools.partial(build_scene, scene, p, sweep, values, frontend)
            key = f"export.html:{scene.id}?{dumps([base, sweep, values]).decode()}"
            try:
                flight = await renderer.pool.run(key, mb + 24, job, heavy=True)
            except BusyError as e:
                return error_json(
                    503, e.message, "busy", headers={"Retry-After": str(e.retry_after)}
                )
            except OverBudgetError as e:
                return error_json(422, e.message, [_item("query", e.message, "over_budget")])
            except ExportError as e:
                return error_json(422, f"{e.field}: {e.message}", [_item(e.field, e.message)])
            body, info = flight.value
            return Response(
                body,
                media_type="text/html; charset=utf-8",
                headers={
                    "Content-Disposition": (
                        f'attachment; filename="{_filename(scene, base, sweep)}"'
                    ),
                    "Content-Security-Policy": CSP,
                    "Cache-Control": "no-store",
                    "X-Approxlab-Values": str(info["values"]),
                    "X-Approxlab-Slider-Values": str(info["slider_values"]),
                    "X-Approxlab-Sweep": sweep,
                    "Server-Timing": f"build;dur={flight.seconds * 1000:.0f}",
                },
            )

        return handler

    extra = [
        {
            "name": "sweep",
            "in": "query",
            "required": False,
            "description": "The parameter whose slider the file precomputes (default: the "
            "scene's first visible slider).",
            "schema": {"type": "string"},
        },
        {
            "name": "sweep_values",
            "in": "query",
            "required": False,
            "description": "At most this many of its values, chosen evenly on the slider's own "
            "scale (log for a log slider) with both ends and the current value (default: all, "
            f"up to {API_MAX_VALUES}). The file stays under 20 MB: fewer values when they do "
            "not fit.",
            "schema": {"type": "integer", "minimum": 2, "maximum": API_MAX_VALUES},
        },
    ]
    for scene in scenes.values():
        router.add_api_route(
            f"/scenes/{scene.id}/export.html",
            make_handler(scene),
            methods=["GET"],
            tags=["export"],
            name=f"export_{scene.id}",
            summary=f"{scene.title} as a standalone offline demo (one HTML file)",
            response_class=Response,
            responses={
                **ERRORS,
                200: {
                    "description": "One self-contained HTML file",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
            },
            openapi_extra={"parameters": [*openapi_parameters(scene), *extra]},
        )
    return router
