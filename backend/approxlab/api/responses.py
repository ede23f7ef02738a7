"""JSON responses with strong ETags, ``Cache-Control`` and ``304 Not Modified``."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from approxlab import __version__

JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=JSON_OPTIONS)


def etag_for(body: bytes) -> str:
    digest = hashlib.blake2b(body, digest_size=16, key=__version__.encode()).hexdigest()
    return f'"{digest}"'


def _matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or "*" in tags


def cached_json(request: Request, body: bytes, etag: str, max_age: int) -> Response:
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if _matches(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def error_json(status: int, message: str, detail: Any) -> Response:
    return Response(
        dumps({"message": message, "detail": detail}),
        status_code=status,
        media_type="application/json",
    )
