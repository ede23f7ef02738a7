"""Command line: ``approxlab serve``, ``approxlab scenes`` and ``approxlab export``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

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
    add_export_parser(sub)
    args = parser.parse_args(argv)

    if args.command == "export":
        return export(args)
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


def add_export_parser(sub: Any) -> None:
    from approxlab.standalone import CHOICE_NOTE, DEFAULT_VALUES, MAX_BYTES, MAX_VALUES

    export = sub.add_parser(
        "export",
        help="write one scene as a standalone offline demo (one HTML file)",
        description="Write one self-contained HTML file: the scene at these parameters, with "
        "Plotly and every value of one slider precomputed, so its slider works from file:// "
        "with no server and no network. "
        + CHOICE_NOTE.format(max_values=f"--values, default {DEFAULT_VALUES}")
        + f" The file is at most {MAX_BYTES // 1_000_000} MB.",
    )
    export.add_argument("scene", help="scene id (see `approxlab scenes`)")
    export.add_argument(
        "params", nargs="*", metavar="name=value", help="parameters (others: the defaults)"
    )
    export.add_argument(
        "--sweep", metavar="NAME", help="the slider to precompute (default: the first visible one)"
    )
    export.add_argument(
        "--values",
        type=int,
        metavar="N",
        help=f"at most N of its values (2 … {MAX_VALUES}, default {DEFAULT_VALUES}); chosen "
        "evenly on the slider's own scale (log for a log slider), with both ends and the "
        "current value",
    )
    export.add_argument("-o", "--output", required=True, metavar="FILE.html", help="output file")


def export(args: Any) -> int:
    from pathlib import Path

    from approxlab.scenes.registry import SCENES
    from approxlab.standalone import ExportError, build, parse_assignments, validate

    scene = SCENES.get(args.scene)
    if scene is None:
        print(
            f"approxlab export: unknown scene '{args.scene}'; available: {', '.join(SCENES)}",
            file=sys.stderr,
        )
        return 2

    def progress(done: int, total: int) -> None:
        print(f"\r  computing {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        params = validate(scene, parse_assignments(scene, args.params))
        result = build(scene, params, args.sweep, args.values, progress=progress)
    except ExportError as e:
        print(f"\napproxlab export: {e.field}: {e.message}", file=sys.stderr)
        return 2
    Path(args.output).write_bytes(result.html)
    info = result.info()
    print(
        f"\rwrote {args.output}: {info['bytes'] / 1e6:.1f} MB, {info['values']} of the "
        f"{info['slider_values']} values of '{info['sweep']}', in {info['seconds']:.1f} s",
        file=sys.stderr,
    )
    if result.skipped:
        print(f"  left out (the scene refuses them): {result.skipped}", file=sys.stderr)
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
