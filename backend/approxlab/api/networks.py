"""``GET /api/v1/scenes/{id}/networks`` — the networks a scene builds, samples or trains,
in the body format of ``POST /api/v1/pieces``.  Thin: parse the scene's params, call its
``networks`` function in the compute pool, serialize and cache like a scene result."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from approxlab.api import params as params_mod
from approxlab.api.cache import Representations
from approxlab.api.compute import BusyError, OverBudgetError
from approxlab.api.cost import estimate
from approxlab.api.responses import dumps, error_json, represent
from approxlab.api.routes import (
    ERRORS,
    SceneRenderer,
    add_head_routes,
    openapi_parameters,
    registered,
)
from approxlab.scenes.base import Scene, SceneParams
from approxlab.scenes.export import NetworkTooLargeError, checked, numpy_snippet, torch_snippet
from approxlab.settings import Settings

SNIPPETS = {"numpy": numpy_snippet, "torch": torch_snippet}


def _slug(params: dict[str, Any]) -> str:
    text = "-".join(f"{k}{v}" for k, v in params.items())
    return "".join(c if (c.isascii() and c.isalnum()) or c in "-." else "_" for c in text)[:80]


def networks_body(scene: Scene, params: SceneParams, flavour: str | None) -> Representations:
    """The networks as JSON (``flavour`` None) or as a NumPy/PyTorch snippet, serialized and
    compressed (runs in the compute pool).  Raises NetworkTooLargeError."""
    assert scene.networks is not None
    nets = checked(scene.networks(params))
    dumped = params.model_dump()
    if flavour is None:
        return Representations.of(dumps({"scene": scene.id, "params": dumped, "networks": nets}))
    query = "&".join(f"{k}={v}" for k, v in dumped.items())
    code = SNIPPETS[flavour](nets, f"approxlab scene {scene.id}?{query} ({scene.source})")
    return Representations.of(code.encode())


def networks_registered(scene_id: str, params: dict[str, Any], flavour: str | None) -> Any:
    """:func:`networks_body` for a registered scene, by name (picklable: a child process)."""
    from approxlab.scenes.registry import SCENES

    scene = SCENES[scene_id]
    return networks_body(scene, scene.params(**params), flavour)


def build_networks_router(
    scenes: dict[str, Scene], settings: Settings, renderer: SceneRenderer
) -> APIRouter:
    """Like the scene routes: results cached per worker (the network panel asks again at
    every slider step), misses computed once per URL in the bounded compute pool — heavy
    ones (the scene's cost estimate) in the low-priority child process."""
    router = APIRouter(prefix="/api/v1")
    cache_control = f"public, max-age={settings.result_max_age}"

    def make_handler(scene: Scene, flavour: str | None) -> Any:
        async def handler(request: Request) -> Response:
            try:
                p = params_mod.parse(scene, request.query_params)
            except params_mod.ParamError as e:
                return error_json(422, e.message, e.items)
            key = f"networks/{flavour or 'json'}:{renderer.key(scene, p)}"
            reps = renderer.cache.get(key)
            if reps is None:
                cost = estimate(scene.id, p)
                if cost.heavy and renderer.pool.heavy_in_process and registered(scene):
                    job: Any = functools.partial(
                        networks_registered, scene.id, p.model_dump(), flavour
                    )
                else:
                    job = functools.partial(networks_body, scene, p, flavour)
                try:
                    flight = await renderer.pool.run(key, cost.mb, job, heavy=cost.heavy)
                except NetworkTooLargeError as e:
                    return error_json(422, str(e), "too large")
                except BusyError as e:
                    headers = {"Retry-After": str(e.retry_after)}
                    return error_json(503, e.message, "busy", headers=headers)
                except OverBudgetError as e:
                    item = {"loc": ["query"], "msg": e.message, "type": "over_budget"}
                    return error_json(422, e.message, [item])
                reps = flight.value
                if flight.leader:
                    renderer.cache.put(key, reps)
            if flavour is None:
                return represent(request, reps, cache_control)
            name = f"{scene.id}-networks-{_slug(p.model_dump())}-{flavour}.py"
            return represent(
                request,
                reps,
                cache_control,
                media_type="text/x-python; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )

        return handler

    for scene in scenes.values():
        if scene.networks is None:
            continue
        router.add_api_route(
            f"/scenes/{scene.id}/networks",
            make_handler(scene, None),
            methods=["GET"],
            tags=["networks"],
            name=f"networks_{scene.id}",
            summary=f"The networks of {scene.title} ({scene.source})",
            responses=ERRORS,
            openapi_extra={"parameters": openapi_parameters(scene)},
        )
        for flavour in SNIPPETS:
            router.add_api_route(
                f"/scenes/{scene.id}/networks/{flavour}",
                make_handler(scene, flavour),
                methods=["GET"],
                tags=["networks"],
                name=f"networks_{scene.id}_{flavour}",
                summary=f"The networks of {scene.id} as a {flavour} snippet",
                response_class=Response,
                responses={
                    **ERRORS,
                    200: {
                        "description": "A Python snippet",
                        "content": {"text/x-python": {"schema": {"type": "string"}}},
                    },
                },
                openapi_extra={"parameters": openapi_parameters(scene)},
            )
    add_head_routes(router)
    return router
