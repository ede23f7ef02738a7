"""The ASGI application: ``approxlab.app:app`` serves the API and the static frontend."""

from __future__ import annotations

import os

# The server's matrix products are small; OpenBLAS worker threads only fight each other and
# the request threads on a 2-core machine (up to 10x slower under load).  Must be set before
# numpy is first imported; a deployment can still override it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import base64
import hashlib
import logging
import re
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from approxlab import __version__
from approxlab.api import pieces as pieces_api
from approxlab.api import regions as regions_api
from approxlab.api.cache import Representations
from approxlab.api.compute import ComputePool, lower_priority
from approxlab.api.guard import CSP, BodyLimit, SecurityHeaders
from approxlab.api.networks import build_networks_router
from approxlab.api.responses import dumps, error_json, represent
from approxlab.api.routes import SceneRenderer, build_router
from approxlab.api.standalone import build_standalone_router
from approxlab.api.static import StaticAssets
from approxlab.scenes.base import Scene
from approxlab.scenes.registry import SCENES
from approxlab.settings import Settings

__all__ = ["CSP", "app", "create_app", "plotly_js_path", "warm_up"]

#: Swagger UI and ReDoc, vendored from the npm registry (see static/docs/README).
DOCS_ASSETS = Path(__file__).parent / "static" / "docs"


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
    response cache's protected segment — filling the per-process tables (quadrature rules,
    bias measures, minimax polynomials, error charts per target, …) on the way.  Runs in a
    background thread at startup (a few seconds of CPU); the server answers meanwhile."""
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
                renderer.render(scene, scene.params(**variant), protected=True)
            except ValueError:
                pass  # a combination the scene refuses (e.g. a dimension limit)
            except Exception:  # a failing scene must not take the server down
                log.exception("warm-up of scene %s with %s failed", scene.id, variant)


def _inline_script_hashes(html: str) -> str:
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    )


def docs_pages(openapi_url: str) -> dict[str, tuple[Representations, str]]:
    """/docs (Swagger UI) and /redoc from the vendored files, each with a CSP that allows
    exactly its inline initialisation script (by hash) and nothing from elsewhere."""
    base = "/static/docs"
    swagger = get_swagger_ui_html(
        openapi_url=openapi_url,
        title="approxlab API",
        swagger_js_url=f"{base}/swagger-ui-bundle.js",
        swagger_css_url=f"{base}/swagger-ui.css",
        swagger_favicon_url=f"{base}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    ).body.decode()
    redoc = get_redoc_html(
        openapi_url=openapi_url,
        title="approxlab API",
        redoc_js_url=f"{base}/redoc.standalone.js",
        redoc_favicon_url=f"{base}/favicon-32x32.png",
        with_google_fonts=False,
    ).body.decode()
    pages = {}
    for path, html in (("/docs", swagger), ("/redoc", redoc)):
        csp = (
            f"default-src 'self'; script-src 'self' {_inline_script_hashes(html)}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'"
        )
        pages[path] = (
            Representations.of(html.encode()),
            csp.replace("script-src 'self' ;", "script-src 'self';"),
        )
    return pages


def create_app(settings: Settings | None = None, scenes: dict[str, Scene] | None = None) -> FastAPI:
    """The app serving ``scenes`` (default: the registry's) and the frontend."""
    settings = settings or Settings()
    scenes = SCENES if scenes is None else scenes
    pool = ComputePool(
        threads=settings.compute_threads,
        queue=settings.compute_queue,
        budget_mb=settings.compute_budget_mb,
        queue_timeout=settings.queue_timeout,
    )
    renderer = SceneRenderer(settings.result_cache_bytes, pool)
    static = StaticAssets(
        settings.frontend_dir,
        extra={"/vendor/plotly.min.js": plotly_js_path(settings.frontend_dir)},
    )
    docs_static = StaticAssets(DOCS_ASSETS, cache_control="public, max-age=86400")

    def warm() -> None:
        lower_priority()  # a background job: requests go first
        static.preload()
        warm_up(scenes, renderer)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # hand the GIL to the event loop sooner (5 ms by default) while a computation runs
        sys.setswitchinterval(0.001)
        if settings.warm_up:
            threading.Thread(target=warm, name="approxlab-warm-up", daemon=True).start()
        yield
        pool.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="approxlab",
        version=__version__,
        description="The constructions from approximation-theory proofs, computed live. "
        "Every scene is `GET /api/v1/scenes/{id}?<params>`.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.compute_pool = pool
    app.state.renderer = renderer
    app.include_router(build_networks_router(scenes, settings, renderer))
    app.include_router(build_standalone_router(scenes, settings, renderer))
    app.include_router(build_router(scenes, settings, renderer))
    app.include_router(pieces_api.router)
    app.include_router(regions_api.router)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> Response:
        items = [
            {
                "loc": list(e["loc"]),
                "msg": str(e["msg"]).removeprefix("Value error, "),
                "type": e["type"],
            }
            for e in exc.errors()
        ]
        return error_json(422, "; ".join(i["msg"] for i in items), items)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(pieces_api.REQUEST_SCHEMAS)
            components.update(regions_api.REQUEST_SCHEMAS)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    held: dict[str, Any] = {}

    @app.api_route("/openapi.json", methods=["GET", "HEAD"], include_in_schema=False)
    async def openapi_json(request: Request) -> Response:
        if "openapi" not in held:
            held["openapi"] = await run_in_threadpool(lambda: Representations.of(dumps(openapi())))
        return represent(request, held["openapi"], "no-cache")

    @app.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
    @app.api_route("/redoc", methods=["GET", "HEAD"], include_in_schema=False)
    async def docs(request: Request) -> Response:
        if "docs" not in held:
            held["docs"] = docs_pages("/openapi.json")
        reps, csp = held["docs"][request.url.path]
        return represent(
            request,
            reps,
            "no-cache",
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": csp},
        )

    app.mount("/static/docs", docs_static, name="docs-assets")
    app.mount("/", static, name="frontend")
    # pure ASGI, outermost last: headers on every response (413s included)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        chunk_timeout=settings.body_chunk_timeout,
        body_timeout=settings.body_timeout,
    )
    app.add_middleware(SecurityHeaders)
    return app


app = create_app()
