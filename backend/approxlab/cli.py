"""Command line: ``approxlab serve`` (and ``approxlab scenes``)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from approxlab.scenes.base import Scene


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="approxlab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve the app (API + frontend)",
        description="Serve the app. Bounds and limits come from APPROXLAB_* environment "
        "variables (see approxlab/settings.py and docs/serving.md).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: APPROXLAB_WORKERS, else 1)",
    )
    serve.add_argument("--log-level", default="info")
    scenes = sub.add_parser("scenes", help="list the scenes")
    scenes.add_argument(
        "--markdown", action="store_true", help="as the README's scene table (Markdown)"
    )
    args = parser.parse_args(argv)

    if args.command == "serve":
        import uvicorn

        from approxlab.settings import Settings

        settings = Settings()
        workers = args.workers or settings.workers
        os.environ["APPROXLAB_HEADER_TIMEOUT"] = str(settings.header_timeout)
        print(f"approxlab: http://{args.host}:{args.port}/ ({workers} worker(s))", file=sys.stderr)
        uvicorn.run(
            "approxlab.app:app",
            host=args.host,
            port=args.port,
            workers=workers,
            log_level=args.log_level,
            http="approxlab.api.protocol:DeadlineH11Protocol",
            limit_concurrency=settings.limit_concurrency,
            timeout_keep_alive=int(settings.timeout_keep_alive),
            h11_max_incomplete_event_size=16 * 1024,
            timeout_graceful_shutdown=10,
        )
        return 0
    from approxlab.scenes.registry import SCENES

    if args.markdown:
        print(scene_table(SCENES.values()))
        return 0
    for s in SCENES.values():
        print(f"{s.id:12s} {s.source:28s} {s.title}")
    return 0


def scene_table(scenes: Iterable[Scene]) -> str:
    """The README's scene table, generated from the registry (``approxlab scenes --markdown``)."""
    rows = ["| scene | chapter | theorem | what you see |", "|---|---|---|---|"]
    for s in scenes:
        summary = s.summary.replace("|", "\\|")
        rows.append(f"| `{s.id}` | {s.chapter.number} | {s.source} | {summary} |")
    return "\n".join(rows)


if __name__ == "__main__":
    raise SystemExit(main())
