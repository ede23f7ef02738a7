"""The ASGI application: ``approxlab.app:app`` serves the API and the static frontend."""

from __future__ import annotations

import os

# The server's matrix products are small; OpenBLAS worker threads only fight each other and
# the request threads on a 2-core machine (up to 10x slower under load).  Must be set before
# numpy is first imported; a deployment can still override it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles

from approxlab import __version__
from approxlab.api import pieces as pieces_api
from approxlab.api.networks import build_networks_router
from approxlab.api.responses import error_json
from approxlab.api.routes import SceneRenderer, build_router
from approxlab.scenes.base import Scene
from approxlab.scenes.registry import SCENES
from approxlab.settings import Settings

#: Everything the page loads comes from this server.  No ``frame-ancestors``: any slide deck
#: may embed a view, including reveal.js decks opened from ``file://`` (which
#: ``frame-ancestors *`` would block).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'"
)


def plotly_js_path(frontend_dir: Path) -> Path:
    """The local Plotly.js (no CDN): the vendored cartesian bundle of the same plotly.js
    release as the plotly wheel (1.5 MB: scatter, bar, heatmap — every trace kind the app
    draws — so a cold page parses a third of the code), else the wheel's full bundle."""
    vendored = frontend_dir / "vendor" / "plotly-cartesian.min.js"
    if vendored.is_file():
        return vendored
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


#: Integer parameters with at most this many values (depths, resolutions) are warmed at
#: every value: stepping their slider then never waits for a computation.
WARM_ALL_INTEGERS = 21


def warm_up(scenes: dict[str, Scene], renderer: SceneRenderer) -> None:
    """Render every scene at its defaults, at each value of every enumerated parameter, and
    at every value of every small integer parameter (others at defaults), into the shared
    response cache — filling the per-process tables (quadrature rules, bias measures,
    minimax polynomials, error charts per target, …) on the way.  Runs in a background
    thread at startup (a few seconds of CPU); the server answers meanwhile."""
    log = logging.getLogger("approxlab")
    for scene in scenes.values():
        variants: list[dict[str, object]] = [{}]
        for name, prop in scene.params.model_json_schema()["properties"].items():
            values = list(prop.get("enum", []))
            lo, hi = prop.get("minimum"), prop.get("maximum")
            small = lo is not None and hi is not None and hi - lo < WARM_ALL_INTEGERS
            if prop.get("type") == "integer" and name != "seed" and small:
                values = list(range(int(lo), int(hi) + 1))
            variants += [{name: v} for v in values if v != prop.get("default")]
        for variant in variants:
            try:
                renderer.render(scene, scene.params(**variant))
            except ValueError:
                pass  # a combination the scene refuses (e.g. a dimension limit)
            except Exception:  # a failing scene must not take the server down
                log.exception("warm-up of scene %s with %s failed", scene.id, variant)


def create_app(settings: Settings | None = None, scenes: dict[str, Scene] | None = None) -> FastAPI:
    """The app serving ``scenes`` (default: the registry's) and the frontend."""
    settings = settings or Settings()
    scenes = SCENES if scenes is None else scenes
    renderer = SceneRenderer(settings.result_cache_bytes)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            threading.Thread(
                target=warm_up, args=(scenes, renderer), name="approxlab-warm-up", daemon=True
            ).start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="approxlab",
        version=__version__,
        description="The constructions from approximation-theory proofs, computed live. "
        "Every scene is `GET /api/v1/scenes/{id}?<params>`.",
    )
    # results are 10–500 kB of JSON and Plotly.js is 4.8 MB: compress for classroom Wi-Fi
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.include_router(build_networks_router(scenes, settings))
    app.include_router(build_router(scenes, settings, renderer))
    app.include_router(pieces_api.router)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> Response:
        items = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return error_json(422, "; ".join(i["msg"] for i in items), items)

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            plotly_js_path(settings.frontend_dir),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        if not request.url.path.startswith(("/api/", "/docs", "/redoc", "/openapi")):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    app.mount(
        "/",
        StaticFiles(directory=settings.frontend_dir, html=True, check_dir=False),
        name="frontend",
    )
    return app


app = create_app()
