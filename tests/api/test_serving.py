"""Serving: body limit, encodings and ETags, HEAD, security headers, bounded compute,
single flight, the segmented LRU, offline docs."""

from __future__ import annotations

import asyncio
import gzip
import os
import subprocess
import sys
import threading
import time

import pytest
from fastapi.testclient import TestClient

from approxlab.api.cache import Representations, SegmentedLRU
from approxlab.api.compute import BusyError, ComputePool, OverBudgetError
from approxlab.app import create_app
from approxlab.settings import Settings

URL = "/api/v1/scenes/threshold?eps=0.07"


@pytest.fixture(scope="module")
def small() -> TestClient:
    with TestClient(create_app(Settings(warm_up=False, max_body_bytes=4096))) as c:
        yield c


def test_body_over_the_limit_is_refused_before_parsing(small):
    r = small.post(
        "/api/v1/pieces", content=b"[" * 5000, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and "4,096 bytes" in r.json()["message"]

    def chunks():  # no Content-Length: counted while reading
        for _ in range(10):
            yield b" " * 1000

    r = small.post("/api/v1/pieces", content=chunks())
    assert r.status_code == 413
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pieces_still_parses_and_names_errors(small):
    r = small.post("/api/v1/pieces", content=b"{not json")
    assert r.status_code == 422 and r.json()["message"].startswith("body: invalid JSON")
    r = small.post("/api/v1/pieces", content=b"")
    assert r.status_code == 422 and "body" in r.json()["message"]


def test_encodings_have_their_own_etags_and_bytes(client):
    plain = client.get(URL, headers={"Accept-Encoding": "identity"})
    gz = client.get(URL, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == gz.status_code == 200
    assert "content-encoding" not in plain.headers
    assert gz.headers["content-encoding"] == "gzip"
    assert plain.headers["etag"] != gz.headers["etag"]
    assert gz.headers["etag"].endswith('-gz"')
    assert plain.headers["vary"] == gz.headers["vary"] == "Accept-Encoding"
    assert gz.content == plain.content  # httpx decodes: the same body
    again = client.get(
        URL, headers={"Accept-Encoding": "gzip", "If-None-Match": gz.headers["etag"]}
    )
    assert again.status_code == 304 and again.headers["etag"] == gz.headers["etag"]


def test_stored_gzip_bytes_are_sent_as_they_are():
    reps = Representations.of(b'{"a": "' + b"x" * 4000 + b'"}')
    body, etag, enc = reps.select("gzip;q=1, br;q=0")
    assert enc == "gzip" and gzip.decompress(body) == reps.identity and etag.endswith('-gz"')
    assert reps.select("gzip;q=0")[2] is None
    assert reps.select("*")[2] in {"gzip", "br"}
    assert reps.select("")[0] is reps.identity


def test_head_where_get_exists(client):
    for path in [URL, "/api/v1/health", "/api/v1/scenes", "/", "/vendor/plotly.min.js", "/docs"]:
        get, head = client.get(path), client.head(path)
        assert head.status_code == 200, path
        assert head.content == b""
        assert head.headers.get("etag") == get.headers.get("etag"), path


def test_security_headers_on_every_response(client):
    for path in [URL, "/api/v1/health", "/", "/api/v1/scenes/nope", "/docs", "/openapi.json"]:
        h = client.get(path).headers
        assert h["x-content-type-options"] == "nosniff", path
        assert h["referrer-policy"] == "no-referrer", path
        assert "content-security-policy" in h, path
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


def test_clean_422_messages(client):
    r = client.get("/api/v1/scenes/threshold?target=custom&expr=import os")
    assert r.status_code == 422
    assert "Value error" not in r.text


def test_constant_targets_and_overflowing_powers_are_not_500s(client):
    for q in [
        "threshold?target=custom&expr=1",
        "threshold?target=custom&expr=0*x",
        "threshold?target=custom&expr=x-x",
        "adaptive?target=custom&expr=1",
        "adaptive?target=custom&expr=x-x",
        "maurey?target=custom&expr=x^1000000",
    ]:
        r = client.get(f"/api/v1/scenes/{q}")
        assert r.status_code in (200, 422), (q, r.text)
    body = client.get("/api/v1/scenes/threshold?target=custom&expr=1").json()
    assert body["metrics"]["width"] == 0 and body["metrics"]["sup_error"] == 0.0
    assert all(c["holds"] for c in body["checks"])


def test_docs_are_served_locally(client):
    for path in ["/docs", "/redoc"]:
        html = client.get(path).text
        assert "cdn" not in html.lower() and "fonts.googleapis" not in html
        assert "/static/docs/" in html
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/docs/redoc.standalone.js").status_code == 200


def test_segmented_lru_keeps_the_warm_set_through_a_sweep():
    reps = [Representations.of(bytes([i % 256]) * 1000, compress=False) for i in range(400)]
    cache = SegmentedLRU(50_000)
    for i in range(20):  # the warm set: used twice → protected
        cache.put(f"w{i}", reps[i])
        assert cache.get(f"w{i}") is not None
    for i in range(20, 400):  # a sweep of one-off requests
        cache.put(f"o{i}", reps[i])
    assert all(f"w{i}" in cache for i in range(20))
    assert cache.nbytes <= 50_000


def test_single_flight_and_bounded_queue():
    async def scenario() -> None:
        pool = ComputePool(threads=2, queue=1, budget_mb=100, queue_timeout=5)
        calls = []

        def slow() -> int:
            calls.append(1)
            time.sleep(0.5)
            return 42

        flights = await asyncio.gather(*[pool.run("same", 1, slow) for _ in range(40)])
        assert len(calls) == 1 and {f.value for f in flights} == {42}
        assert sum(f.leader for f in flights) == 1
        with pytest.raises(OverBudgetError):
            await pool.run("big", 101, slow)
        # 2 threads busy, 1 waiting: the next distinct job is refused with 503
        busy = [asyncio.ensure_future(pool.run(f"k{i}", 1, slow, heavy=False)) for i in range(3)]
        for _ in range(200):  # until both threads run and one job waits (no fixed sleep)
            if pool._running == 2 and pool.queued >= 1:
                break
            await asyncio.sleep(0.005)
        with pytest.raises(BusyError):
            await pool.run("k-extra", 1, slow, heavy=False)
        await asyncio.gather(*busy)
        pool.shutdown()

    asyncio.run(scenario())


def test_health_does_not_wait_behind_computation():
    app = create_app(Settings(warm_up=False, compute_threads=1))
    with TestClient(app) as c:
        done = threading.Event()

        def heavy() -> None:
            c.get("/api/v1/scenes/sawtooth?L=20&f=tent")
            done.set()

        t = threading.Thread(target=heavy)
        t.start()
        time.sleep(0.2)
        t0 = time.perf_counter()
        assert c.get("/api/v1/health").status_code == 200
        assert time.perf_counter() - t0 < 0.5
        t.join(timeout=60)
        assert done.is_set()


_ORPHAN_SCRIPT = """
import asyncio, os, sys, time
from approxlab.api.compute import ComputePool

async def main():
    pool = ComputePool(threads=2)
    await pool.run("k", 1.0, os.getpid, heavy=True)  # starts the heavy-job process
    print(" ".join(str(p.pid) for p in pool._heavy_executor._processes.values()), flush=True)
    time.sleep(60)

asyncio.run(main())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_the_heavy_job_process_dies_with_the_server():
    """A server killed by SIGKILL (an OOM kill, a container runtime's timeout) leaves no
    heavy-job process behind holding memory."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    try:
        children = [int(p) for p in proc.stdout.readline().split()]
        assert children
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        alive = children
        while alive and time.monotonic() < deadline:
            alive = [c for c in alive if os.path.exists(f"/proc/{c}") and not _zombie(c)]
            time.sleep(0.05)
        assert not alive, f"heavy-job processes outlived the server: {alive}"
    finally:
        if proc.poll() is None:
            proc.kill()


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
