"""Real-browser tests: the app under uvicorn on a free localhost port, driven by headless
Chromium through pytest-playwright.

Chromium is Debian's (/usr/bin/chromium, or $APPROXLAB_CHROMIUM); ``playwright install`` is
never needed. Every test here is marked ``e2e``; every test's page is watched for requests
that leave the server, uncaught page errors and CSP violations.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import pytest
import uvicorn

CHROMIUM = os.environ.get("APPROXLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server() -> Iterator[str]:
    """``approxlab.app:create_app()`` served by uvicorn in a background thread."""
    from approxlab.app import create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="approxlab-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the approxlab test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(app_server: str) -> str:
    """pytest-playwright passes this to every browser context, so ``page.goto("/")`` works."""
    return app_server


class _SlidesHandler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        body = self.pages.get(self.path.split("?")[0])
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((body or "not found").encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def slides_server() -> Iterator[tuple[str, dict[str, str]]]:
    """A second web server on another port (another origin), standing in for a slide deck
    that embeds approxlab demos. Tests put HTML into the returned dict by path."""
    pages: dict[str, str] = {}
    handler = type("Handler", (_SlidesHandler,), {"pages": pages})
    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, name="slides-e2e", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", pages
    server.shutdown()
    server.server_close()


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (set APPROXLAB_CHROMIUM)")
    args = list(browser_type_launch_args.get("args", []))
    args += [a for a in CHROMIUM_ARGS if a not in args]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(autouse=True)
def page_guard(page: Any, base_url: str) -> Iterator[dict]:
    """Record every request and every page error; fail the test if a request left the
    server (other than data:/blob: and prefixes a test adds to ``page_guard["allowed"]``),
    if the page threw, or if the browser reported a CSP violation."""
    allowed = [base_url, "data:", "blob:"]
    log: dict[str, list[str]] = {"requests": [], "errors": [], "console": [], "allowed": allowed}
    page.set_default_timeout(15_000)
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on(
        "console",
        lambda m: log["console"].append(m.text) if m.type in ("error", "warning") else None,
    )
    yield log
    external = [u for u in log["requests"] if not u.startswith(tuple(allowed))]
    assert not external, f"requests left the server: {external}"
    assert not log["errors"], f"uncaught errors in the page: {log['errors']}"
    csp = [m for m in log["console"] if "Content Security Policy" in m]
    assert not csp, f"CSP violations: {csp}"


# ---------------------------------------------------------------- page helpers


class AppPage:
    """Small driver for the approxlab page (or an iframe of it)."""

    def __init__(self, page: Any, base_url: str, frame: Any = None):
        self.page = page
        self.base_url = base_url
        self.frame = frame or page

    # navigation -------------------------------------------------------------

    def open(self, hash_: str = "") -> AppPage:
        self.page.goto(f"/{hash_}")
        self.wait_rendered()
        return self

    def render_seq(self) -> int:
        return self.frame.evaluate("() => (window.approxlab && window.approxlab.renderSeq) || 0")

    def wait_rendered(self, after: int = 0, timeout: float | None = None) -> None:
        """Wait until a render newer than `after` has finished and nothing newer is pending."""
        self.frame.wait_for_function(
            """(after) => {
                const a = window.approxlab;
                const p = document.getElementById('plots');
                return a && a.renderSeq > after && a.idle
                    && p && p.dataset.renderSeq === String(a.renderSeq);
            }""",
            arg=after,
            timeout=timeout,
        )

    def wait_for_params(self, scene: str, **params: Any) -> None:
        """Wait until the plots on screen were computed for exactly these parameters."""
        self.frame.wait_for_function(
            """([scene, want]) => {
                const r = window.approxlab && window.approxlab.rendered;
                if (!r || r.scene !== scene) return false;
                return Object.entries(want).every(([k, v]) => r.params[k] === v);
            }""",
            arg=[scene, params],
        )

    # state --------------------------------------------------------------------

    def hash(self) -> str:
        return self.frame.evaluate("() => location.hash")

    def hash_state(self) -> tuple[str, dict[str, str]]:
        h = self.hash().lstrip("#")
        path, _, query = h.partition("?")
        return path.strip("/"), dict(parse_qsl(query, keep_blank_values=True))

    def hooks(self) -> dict:
        """The page's state for failure messages: last render, error, pending work."""
        return self.frame.evaluate(
            """() => { const a = window.approxlab || {};
                return {renderSeq: a.renderSeq, idle: a.idle, error: a.error,
                        rendered: a.rendered && a.rendered.url, hash: location.hash}; }"""
        )

    def rendered(self) -> dict:
        return self.frame.evaluate("() => window.approxlab.rendered")

    def metric(self, name: str) -> str:
        return self.frame.locator(f'.metric[data-metric="{name}"] .metric-value').inner_text()

    def metrics(self) -> dict[str, str]:
        return self.frame.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('.metric')]
                .map(m => [m.dataset.metric, m.querySelector('.metric-value').textContent]))"""
        )

    def plot_data(self, plot_id: str) -> list[dict]:
        """What Plotly holds for a plot: per trace its name, type, point count and ends."""
        return self.frame.evaluate(
            """(id) => {
                const d = document.getElementById('plot-' + id);
                if (!d || !d.data) return null;
                return d.data.map(t => ({
                    name: t.name, type: t.type, mode: t.mode || null,
                    n: t.x ? t.x.length : 0,
                    x0: t.x && t.x.length ? t.x[0] : null,
                    y: t.y && t.y.length <= 8 ? Array.from(t.y) : null,
                }));
            }""",
            plot_id,
        )

    def plot_ids(self) -> list[str]:
        return self.frame.evaluate(
            "() => [...document.querySelectorAll('#plots .plot-card')].map(f => f.dataset.plot)"
        )

    def slider(self, param: str) -> Any:
        return self.frame.locator(f'input[type="range"][data-param="{param}"]')

    def number(self, param: str) -> Any:
        return self.frame.locator(f'input[type="number"][data-param="{param}"]')

    def control_values(self) -> dict[str, str]:
        return self.frame.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll(
                '#control-form input[type=number], #control-form select')]
                .map(e => [e.dataset.param, e.value]))"""
        )

    def press(self, param: str, key: str, times: int = 1) -> None:
        """Focus a slider and press a key; wait for each resulting render."""
        s = self.slider(param)
        s.focus()
        for _ in range(times):
            before = self.render_seq()
            value = self.number(param).input_value()
            s.press(key)
            self.frame.wait_for_function(
                """([param, value]) => document.querySelector(
                    `input[type=number][data-param="${param}"]`).value !== value""",
                arg=[param, value],
            )
            self.wait_rendered(before)

    def assert_hash(self, scene: str, **expected: str) -> dict[str, str]:
        """The hash names `scene` and carries these values (other parameters may follow)."""
        path, params = self.hash_state()
        assert path == scene, self.hash()
        assert {k: params.get(k) for k in expected} == expected, self.hash()
        return params

    def prop(self, scene: str, param: str) -> dict:
        """A parameter's JSON schema, from the live scene list."""
        if not hasattr(self, "_scenes"):
            r = self.page.request.get(f"{self.base_url}/api/v1/scenes")
            self._scenes = {s["id"]: s for s in json.loads(r.text())}
        return self._scenes[scene]["params_schema"]["properties"][param]

    def default(self, scene: str, param: str) -> Any:
        return self.prop(scene, param)["default"]

    def api(self, scene: str, **params: Any) -> dict:
        """The same result straight from the API, to compare the page against."""
        r = self.page.request.get(f"{self.base_url}/api/v1/scenes/{scene}", params=params)
        assert r.ok, r.text()
        return json.loads(r.text())


@pytest.fixture
def app(page: Any, base_url: str) -> AppPage:
    return AppPage(page, base_url)
