"""API v1 routers: health, the scene list, one GET route per scene.

Every scene gets its own route so the OpenAPI document lists its query parameters (with
bounds) and schemathesis can exercise them; the handler is the same generic function.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from approxlab import __version__
from approxlab.api import params as params_mod
from approxlab.api.cache import Representations, SegmentedLRU
from approxlab.api.compute import BusyError, ComputePool, OverBudgetError
from approxlab.api.cost import estimate
from approxlab.api.responses import dumps, error_json, represent
from approxlab.api.schema import ErrorResponse, Health, SceneInfo, SceneResultOut, Vocabulary
from approxlab.api.typeset import to_html
from approxlab.scenes.base import Scene, SceneParams
from approxlab.scenes.vocabulary import vocabulary
from approxlab.settings import Settings

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Unknown scene"},
    422: {
        "model": ErrorResponse,
        "description": "A parameter is out of range, of the wrong "
        "type, repeated or unknown; the message names it and its limit",
    },
}


HEALTH = dumps({"status": "ok", "version": __version__})
NO_STORE = {"Cache-Control": "no-store"}


def scene_info(scene: Scene) -> dict[str, Any]:
    return {
        "id": scene.id,
        "title": scene.title,
        "chapter": scene.chapter.heading,
        "chapter_id": scene.chapter.id,
        "chapter_number": scene.chapter.number,
        "summary": scene.summary,
        "primary_plot": scene.primary_plot,
        "has_networks": scene.networks is not None,
        "source": scene.source,
        "statement": scene.statement,
        "statement_html": to_html(scene.statement),
        "params_schema": scene.params.model_json_schema(),
        "metric_labels": scene.metric_labels,
        "widgets": list(scene.widgets),
    }


def openapi_parameters(scene: Scene) -> list[dict[str, Any]]:
    schema = scene.params.model_json_schema()
    out = []
    for name, prop in schema["properties"].items():
        prop = {
            k: v for k, v in prop.items() if k not in ("title", "label", "scale", "step", "options")
        }
        out.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": prop.pop("description", ""),
                "schema": prop,
            }
        )
    return out


def compute_registered(scene_id: str, params: dict[str, Any]) -> Representations:
    """A registered scene's result from its validated (dumped) params, in a child process."""
    from approxlab.scenes.registry import SCENES

    scene = SCENES[scene_id]
    return SceneRenderer.compute(scene, scene.params(**params))


def registered(scene: Scene) -> bool:
    from approxlab.scenes.registry import SCENES

    return SCENES.get(scene.id) is scene


class SceneRenderer:
    """Serialized, precompressed scene results, computed once per distinct parameters and
    shared by every client (a projector and thirty laptops ask for the same URLs): cache
    hits are answered on the event loop from stored bytes; misses go through the bounded
    compute pool, identical ones in flight computed once."""

    def __init__(self, max_bytes: int, pool: ComputePool | None = None):
        self.cache = SegmentedLRU(max_bytes)
        self.pool = pool or ComputePool()

    @staticmethod
    def key(scene: Scene, params: SceneParams) -> str:
        return f"{scene.id}?{dumps(params.model_dump()).decode()}"

    @staticmethod
    def compute(scene: Scene, params: SceneParams) -> Representations:
        """Compute, serialize and compress (runs in a worker thread)."""
        return Representations.of(dumps(scene.run(params).to_dict()))

    def render(self, scene: Scene, params: SceneParams, protected: bool = False) -> Representations:
        """Synchronous (warm-up thread, notebooks, tests): cache or compute inline."""
        key = self.key(scene, params)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.compute(scene, params)
            self.cache.put(key, hit, protected=protected)
        return hit

    async def render_async(self, scene: Scene, params: SceneParams) -> tuple[Representations, str]:
        """(result, Server-Timing) — a hit, or one bounded computation shared by every
        identical request in flight.  Raises BusyError / OverBudgetError / ValueError."""
        key = self.key(scene, params)
        hit = self.cache.get(key)
        if hit is not None:
            return hit, "hit"
        cost = estimate(scene.id, params)
        if cost.heavy and self.pool.heavy_in_process and registered(scene):  # picklable
            job: Callable[[], Representations] = functools.partial(
                compute_registered, scene.id, params.model_dump()
            )
        else:
            job = functools.partial(self.compute, scene, params)
        flight = await self.pool.run(key, cost.mb, job, heavy=cost.heavy)
        if flight.leader:
            self.cache.put(key, flight.value)
        kind = "miss" if flight.leader else "coalesced"
        return flight.value, f"{kind};dur={flight.seconds * 1000:.1f}"


def build_router(
    scenes: dict[str, Scene], settings: Settings, renderer: SceneRenderer | None = None
) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    renderer = renderer or SceneRenderer(settings.result_cache_bytes)
    listing: dict[str, Any] = {}

    cache_control = f"public, max-age={settings.result_max_age}"

    @router.get("/health", response_model=Health, tags=["meta"])
    async def health() -> Response:
        # on the event loop: never waits behind a computation or a thread
        return Response(HEALTH, media_type="application/json", headers=NO_STORE)

    vocab = Representations.of(dumps(vocabulary()))

    @router.get("/vocabulary", response_model=Vocabulary, tags=["meta"])
    async def get_vocabulary(request: Request) -> Response:
        """Trace kinds, check relations and rendering roles (colour and dash per theme)."""
        return represent(request, vocab, cache_control)

    @router.get("/scenes", response_model=list[SceneInfo], tags=["scenes"])
    async def list_scenes(request: Request) -> Response:
        if not listing:
            body = await run_in_threadpool(lambda: dumps([scene_info(s) for s in scenes.values()]))
            listing["reps"] = await run_in_threadpool(Representations.of, body)
        return represent(request, listing["reps"], cache_control)

    async def run_scene(scene: Scene, request: Request) -> Response:
        try:
            p = params_mod.parse(scene, request.query_params)
        except params_mod.ParamError as e:
            return error_json(422, e.message, e.items)
        try:
            reps, timing = await renderer.render_async(scene, p)
        except BusyError as e:
            return error_json(503, e.message, "busy", headers={"Retry-After": str(e.retry_after)})
        except OverBudgetError as e:
            item = {"loc": ["query"], "msg": e.message, "type": "over_budget"}
            return error_json(422, e.message, [item])
        return represent(request, reps, cache_control, headers={"Server-Timing": timing})

    def make_handler(scene: Scene) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        async def handler(request: Request) -> Response:
            return await run_scene(scene, request)

        return handler

    for scene in scenes.values():
        router.add_api_route(
            f"/scenes/{scene.id}",
            make_handler(scene),
            methods=["GET"],
            tags=["scenes"],
            name=f"scene_{scene.id}",
            summary=f"{scene.title} ({scene.source})",
            response_model=SceneResultOut,
            responses={**ERRORS, 304: {"description": "Not modified (If-None-Match)"}},
            openapi_extra={"parameters": openapi_parameters(scene)},
        )

    @router.get(
        "/scenes/{scene_id}", responses=ERRORS, tags=["scenes"], response_model=SceneResultOut
    )
    async def unknown_scene(scene_id: str) -> Response:
        return error_json(
            404, f"unknown scene '{scene_id}'; available: {', '.join(scenes)}", "not found"
        )

    add_head_routes(router)
    return router


def add_head_routes(router: APIRouter) -> None:
    """HEAD wherever GET exists (FastAPI's routes answer only the methods they list); the
    handlers' responses to HEAD carry the headers only (uvicorn drops the body)."""
    for route in list(router.routes):
        if isinstance(route, APIRoute) and "GET" in route.methods:
            router.add_api_route(
                route.path.removeprefix(router.prefix),
                route.endpoint,
                methods=["HEAD"],
                include_in_schema=False,
                name=f"{route.name}_head",
            )
