"""``GET /api/v1/scenes/{id}/networks`` — the networks a scene builds, samples or trains,
in the body format of ``POST /api/v1/pieces``.  Thin: parse the scene's params, call its
``networks`` function, serialize."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from approxlab.api import params as params_mod
from approxlab.api.responses import cached_json, dumps, error_json, etag_for
from approxlab.api.routes import ERRORS, openapi_parameters
from approxlab.scenes.base import Scene
from approxlab.scenes.export import NetworkTooLargeError, checked
from approxlab.settings import Settings


def build_networks_router(scenes: dict[str, Scene], settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    def make_handler(scene: Scene) -> Any:
        def handler(request: Request) -> Response:
            try:
                p = params_mod.parse(scene, request.query_params)
            except params_mod.ParamError as e:
                return error_json(422, e.message, e.items)
            assert scene.networks is not None
            try:
                nets = checked(scene.networks(p))
            except NetworkTooLargeError as e:
                return error_json(422, str(e), "too large")
            body = dumps({"scene": scene.id, "params": p.model_dump(), "networks": nets})
            return cached_json(request, body, etag_for(body), settings.result_max_age)

        return handler

    for scene in scenes.values():
        if scene.networks is None:
            continue
        router.add_api_route(
            f"/scenes/{scene.id}/networks",
            make_handler(scene),
            methods=["GET"],
            tags=["networks"],
            name=f"networks_{scene.id}",
            summary=f"The networks of {scene.title} ({scene.source})",
            responses=ERRORS,
            openapi_extra={"parameters": openapi_parameters(scene)},
        )
    return router
