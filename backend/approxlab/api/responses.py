"""Responses from stored bytes: content negotiation, strong ETags per encoding, 304s.

A stored :class:`~approxlab.api.cache.Representations` is answered without any work: the
identity, gzip or brotli bytes are picked by ``Accept-Encoding`` and sent with their own
ETag, ``Vary: Accept-Encoding`` and ``Cache-Control``; ``If-None-Match`` with any of the
body's tags gives ``304 Not Modified``.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from approxlab.api.cache import Representations, etag_for

__all__ = ["cached_json", "dumps", "error_json", "etag_for", "represent"]

JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=JSON_OPTIONS)


def _matches(request: Request, reps: Representations) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")[:64]}
    return "*" in tags or not tags.isdisjoint(reps.all_etags())


def represent(
    request: Request,
    reps: Representations,
    cache_control: str,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    """The stored body for this request (or a 304); HEAD gets the headers only."""
    body, etag, encoding = reps.select(request.headers.get("accept-encoding", ""))
    out = {"ETag": etag, "Cache-Control": cache_control, **(headers or {})}
    if reps.compressible:
        out["Vary"] = "Accept-Encoding"
    if encoding is not None:
        out["Content-Encoding"] = encoding
    if _matches(request, reps):
        return Response(status_code=304, headers=out)
    if request.method == "HEAD":
        out["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=out, media_type=media_type)
    return Response(body, media_type=media_type, headers=out)


def cached_json(request: Request, body: bytes, etag: str, max_age: int) -> Response:
    """A body computed for this request (not stored): compressed here, so call it off the
    event loop (a sync handler).  ``etag`` is ``etag_for(body)``."""
    reps = Representations.of(body)
    assert reps.etag == etag
    return represent(request, reps, f"public, max-age={max_age}")


def error_json(
    status: int, message: str, detail: Any, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        dumps({"message": message, "detail": detail}),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )
