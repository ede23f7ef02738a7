"""Command line: ``approxlab serve`` (and ``approxlab scenes``)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="approxlab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the app (API + frontend)")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument("--log-level", default="info")
    sub.add_parser("scenes", help="list the scenes")
    args = parser.parse_args(argv)

    if args.command == "serve":
        import uvicorn

        print(f"approxlab: http://{args.host}:{args.port}/", file=sys.stderr)
        uvicorn.run(
            "approxlab.app:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
        )
        return 0
    from approxlab.scenes.registry import SCENES

    for s in SCENES.values():
        print(f"{s.id:12s} {s.source:28s} {s.title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
