"""``GET /api/v1/scenes/{id}/networks`` — the networks a scene builds, samples or trains,
in the body format of ``POST /api/v1/pieces``.  Thin: parse the scene's params, call its
``networks`` function, serialize."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from approxlab.api import params as params_mod
from approxlab.api.responses import cached_json, dumps, error_json, etag_for
from approxlab.api.routes import ERRORS, add_head_routes, openapi_parameters
from approxlab.scenes.base import Scene
from approxlab.scenes.export import NetworkTooLargeError, checked, numpy_snippet, torch_snippet
from approxlab.settings import Settings

SNIPPETS = {"numpy": numpy_snippet, "torch": torch_snippet}


def _slug(params: dict[str, Any]) -> str:
    text = "-".join(f"{k}{v}" for k, v in params.items())
    return "".join(c if c.isalnum() or c in "-." else "_" for c in text)[:80]


def build_networks_router(scenes: dict[str, Scene], settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    def make_handler(scene: Scene, flavour: str | None) -> Any:
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
            params = p.model_dump()
            if flavour is None:
                body = dumps({"scene": scene.id, "params": params, "networks": nets})
                return cached_json(request, body, etag_for(body), settings.result_max_age)
            query = "&".join(f"{k}={v}" for k, v in params.items())
            code = SNIPPETS[flavour](nets, f"approxlab scene {scene.id}?{query} ({scene.source})")
            name = f"{scene.id}-networks-{_slug(params)}-{flavour}.py"
            return Response(
                code,
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
