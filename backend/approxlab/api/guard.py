"""Pure ASGI middleware: request-body limit and read timeout, security headers.

Both wrap the whole application (API, docs, static files) and never buffer a response.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from approxlab.api.responses import dumps

#: Everything a page loads comes from this server.  No ``frame-ancestors``: any slide deck
#: may embed a view, including reveal.js decks opened from ``file://`` (which
#: ``frame-ancestors *`` would block).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'"
)
#: JSON and other non-HTML responses: nothing may run or load in their context.
CSP_NONE = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


async def _send_error(send: Send, status: int, message: str, extra: Iterable = ()) -> None:
    body = dumps({"message": message, "detail": message})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` (413) and bodies that trickle in (408).

    The limit is enforced while reading: a declared ``Content-Length`` over it is refused
    before a byte is read, and a chunked body is counted as it arrives.  Bodies within the
    limit are read here, each chunk within ``chunk_timeout`` seconds and the whole within
    ``body_timeout`` (a slowloris upload cannot hold a connection), then handed on.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        chunk_timeout: float = 10.0,
        body_timeout: float = 30.0,
    ):
        self.app = app
        self.max_bytes = max_bytes
        self.chunk_timeout = chunk_timeout
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        too_large = f"request body larger than the limit of {self.max_bytes:,} bytes"
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_error(send, 400, "invalid Content-Length")
                    return
                if declared > self.max_bytes:
                    await _send_error(send, 413, too_large)
                    return
        chunks: list[bytes] = []
        size = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout
        more = True
        while more:
            wait = min(self.chunk_timeout, deadline - loop.time())
            try:
                message = await asyncio.wait_for(receive(), max(wait, 0.0))
            except asyncio.TimeoutError:
                await _send_error(send, 408, "request body not received in time")
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _send_error(send, 413, too_large)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeaders:
    """``X-Content-Type-Options``, ``Referrer-Policy`` and a Content-Security-Policy on
    every response: a deny-all CSP on API data, the page's CSP on everything else — also
    on a ``304 Not Modified`` of the page, which carries no content type but whose headers
    the browser merges into the cached page (a deny-all CSP there blocks the page's own
    scripts on reload).  A response that sets its own CSP (the API docs, with hashes of
    their inline scripts) keeps it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        api = scope.get("path", "").startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                html = any(
                    k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers
                )
                page = html or not api
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", (CSP if page else CSP_NONE)))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if b"referrer-policy" not in names:
                    headers.append((b"referrer-policy", b"no-referrer"))
                headers = [(k, v.encode() if isinstance(v, str) else v) for k, v in headers]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
