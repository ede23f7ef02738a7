"""Static files served from memory, precompressed once.

Each file is read and compressed (gzip, and brotli when available) once — by the startup
warm-up, or on its first request in a worker thread — and every request after that sends
the stored bytes with their own strong ETag.  A file that changes on disk (size or mtime)
is read again, so editing the frontend during development needs no restart.
"""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from approxlab.api.cache import Representations
from approxlab.api.responses import represent

#: Compressed types; images other than SVG are already compressed.
COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".svg", ".json", ".map", ".txt", ".md")
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css"}
#: Files larger than this are not kept in memory (the frontend's largest is Plotly, 1.5 MB).
MAX_FILE = 16 * 1024 * 1024


def media_type(path: Path) -> str:
    kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/json", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind


def _route_path(scope: Scope) -> str:
    """The path below the mount point (Starlette keeps the full path in ``path`` and the
    mount prefix in ``root_path``)."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class StaticAssets:
    """An ASGI app: ``root`` (``/`` → ``index.html``) plus ``extra`` URL → file aliases."""

    def __init__(
        self,
        root: Path,
        extra: dict[str, Path] | None = None,
        cache_control: str = "no-cache",
        extra_cache_control: str = "public, max-age=86400",
    ):
        self.root = root
        self.extra = extra or {}
        self.cache_control = cache_control
        self.extra_cache_control = extra_cache_control
        self._store: dict[Path, tuple[tuple[int, int], Representations]] = {}
        self._lock = threading.Lock()

    def resolve(self, url_path: str) -> Path | None:
        if url_path in self.extra:
            return self.extra[url_path]
        rel = url_path.lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        if "\x00" in rel or "\\" in rel:
            return None
        root = self.root.resolve()
        candidate = (root / rel).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def load(self, path: Path) -> Representations | None:
        """The stored representations of ``path`` (read and compressed if new or changed)."""
        try:
            st = path.stat()
        except OSError:
            return None
        stamp = (st.st_size, st.st_mtime_ns)
        held = self._store.get(path)
        if held is not None and held[0] == stamp:
            return held[1]
        if st.st_size > MAX_FILE:
            return None
        data = path.read_bytes()
        reps = Representations.of(data, compress=path.suffix in COMPRESSIBLE)
        with self._lock:
            self._store[path] = (stamp, reps)
        return reps

    def preload(self) -> None:
        """Read and compress every file (the startup warm-up calls this)."""
        files = [p for p in self.root.rglob("*") if p.is_file()]
        for path in [*self.extra.values(), *files]:
            self.load(path)

    def _stored(self, path: Path) -> Representations | None:
        """The stored bytes if still current (a stat, no read): the event-loop fast path."""
        held = self._store.get(path)
        if held is None:
            return None
        try:
            st = path.stat()
        except OSError:
            return None
        return held[1] if held[0] == (st.st_size, st.st_mtime_ns) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        response: Response
        if request.method not in ("GET", "HEAD"):
            response = PlainTextResponse(
                "Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"}
            )
        else:
            route_path = _route_path(scope)
            path = self.resolve(route_path)
            reps = None
            if path is not None:
                reps = self._stored(path) or await run_in_threadpool(self.load, path)
            if path is None or reps is None:
                response = PlainTextResponse("Not Found", status_code=404)
            else:
                control = (
                    self.extra_cache_control if route_path in self.extra else self.cache_control
                )
                response = represent(request, reps, control, media_type=media_type(path))
        await response(scope, receive, send)

    def nbytes(self) -> int:
        return sum(r.nbytes for _, r in self._store.values())
