"""API v1 routers: health, the scene list, one GET route per scene.

Every scene gets its own route so the OpenAPI document lists its query parameters (with
bounds) and schemathesis can exercise them; the handler is the same generic function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from approxlab import __version__
from approxlab.api import params as params_mod
from approxlab.api.cache import ByteLRU
from approxlab.api.responses import cached_json, dumps, error_json, etag_for
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


class SceneRenderer:
    """Serialized scene results with their ETags, computed once per distinct parameters and
    shared by every client (a projector and thirty laptops ask for the same URLs)."""

    def __init__(self, max_bytes: int):
        self.cache = ByteLRU(max_bytes)

    def render(self, scene: Scene, params: SceneParams) -> tuple[bytes, str]:
        key = f"{scene.id}?{dumps(params.model_dump()).decode()}"
        hit = self.cache.get(key)
        if hit is None:
            body = dumps(scene.run(params).to_dict())
            hit = (body, etag_for(body))
            self.cache.put(key, *hit)
        return hit


def build_router(
    scenes: dict[str, Scene], settings: Settings, renderer: SceneRenderer | None = None
) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    renderer = renderer or SceneRenderer(settings.result_cache_bytes)
    listing: dict[str, Any] = {}

    @router.get("/health", response_model=Health, tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    vocab_body = dumps(vocabulary())
    vocab_etag = etag_for(vocab_body)

    @router.get("/vocabulary", response_model=Vocabulary, tags=["meta"])
    def get_vocabulary(request: Request) -> Response:
        """Trace kinds, check relations and rendering roles (colour and dash per theme)."""
        return cached_json(request, vocab_body, vocab_etag, settings.result_max_age)

    @router.get("/scenes", response_model=list[SceneInfo], tags=["scenes"])
    def list_scenes(request: Request) -> Response:
        if not listing:
            body = dumps([scene_info(s) for s in scenes.values()])
            listing.update(body=body, etag=etag_for(body))
        return cached_json(request, listing["body"], listing["etag"], settings.result_max_age)

    def run_scene(scene: Scene, request: Request) -> Response:
        try:
            p = params_mod.parse(scene, request.query_params)
        except params_mod.ParamError as e:
            return error_json(422, e.message, e.items)
        body, etag = renderer.render(scene, p)
        return cached_json(request, body, etag, settings.result_max_age)

    def make_handler(scene: Scene) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            return run_scene(scene, request)

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
    def unknown_scene(scene_id: str) -> Response:
        return error_json(
            404, f"unknown scene '{scene_id}'; available: {', '.join(scenes)}", "not found"
        )

    return router
