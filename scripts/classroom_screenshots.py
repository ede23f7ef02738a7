"""Screenshots of a few scenes at classroom sizes (projector, slide embed, phone).

    PYTHONPATH=backend python scripts/classroom_screenshots.py PREFIX [OUTDIR]

Starts the app on a free port, drives Debian's Chromium and writes
OUTDIR/PREFIX-<scene>-<view>.png (OUTDIR defaults to docs/screenshots).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from approxlab.app import create_app

VIEWS = [
    ("1280x720", 1280, 720, ""),
    ("present-1280x720", 1280, 720, "present=1"),
    ("embed-960x540", 960, 540, "embed=1"),
    ("phone-360x740", 360, 740, ""),
]
SCENES = ["sawtooth", "maurey", "linearization"]


def main() -> None:
    prefix = sys.argv[1]
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        for scene in [*SCENES, "landing"]:
            for name, w, h, q in VIEWS:
                if scene == "landing" and q:
                    continue
                page.set_viewport_size({"width": w, "height": h})
                page.goto(f"http://127.0.0.1:{port}/#/blank")
                hash_ = "#/" if scene == "landing" else f"#/{scene}" + (f"?{q}" if q else "")
                page.goto(f"http://127.0.0.1:{port}/{hash_}")
                if scene == "landing":
                    page.wait_for_timeout(800)
                else:
                    page.wait_for_function(
                        "() => window.approxlab && window.approxlab.renderSeq > 0"
                        " && window.approxlab.idle"
                    )
                    page.wait_for_timeout(300)
                page.screenshot(path=str(out / f"{prefix}-{scene}-{name}.png"))
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
