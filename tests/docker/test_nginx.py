"""deploy/nginx/nginx.conf on loopback: Debian's nginx in front of two app processes.

The repository's config is used as it is, with three things moved for the test: the
upstream servers (two ``approxlab serve`` processes on free ports instead of compose's
``replica`` service), the listen address, and /tmp/nginx (a temporary directory).
Skipped when nginx is not installed (scripts/test.sh installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (OSError, urllib.error.HTTPError):
            assert proc.poll() is None, "process exited"
            assert time.monotonic() < deadline, f"{url} did not come up"
            time.sleep(0.2)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("nginx")
    os.chmod(tmp, 0o755)  # nginx's workers may run as another user when started by root
    replicas = []
    ports = [_free_port(), _free_port()]
    env = {**os.environ, "APPROXLAB_WARM_UP": "false"}
    for port in ports:
        replicas.append(
            subprocess.Popen(
                [sys.executable, "-m", "approxlab.cli", "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    listen = _free_port()
    text = CONF.read_text()
    upstream = "        server replica:8000 max_fails=1 fail_timeout=10s;"
    assert upstream in text and "listen 8080;" in text and "/tmp/nginx/" in text
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports
    )
    text = text.replace(upstream, servers)
    text = text.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    text = text.replace("/tmp/nginx/", f"{tmp}/")
    conf = tmp / "nginx.conf"
    conf.write_text(text)
    extra = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp), "-c", str(conf), "-g", extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for port, proc in zip(ports, replicas, strict=True):
            _wait(f"http://127.0.0.1:{port}/api/v1/health", proc)
        _wait(f"http://127.0.0.1:{listen}/api/v1/health", nginx)
        yield {"url": f"http://127.0.0.1:{listen}", "replicas": replicas, "nginx": nginx}
    finally:
        nginx.terminate()
        for proc in replicas:
            if proc.poll() is None:
                proc.terminate()
        for proc in [nginx, *replicas]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_config_is_valid(stack):
    assert stack["nginx"].poll() is None


def test_scene_results_are_cached_per_encoding(stack):
    url = stack["url"] + "/api/v1/scenes/threshold?eps=0.11"
    status, h1, plain = get(url)
    assert status == 200 and h1["x-cache-status"] == "MISS"
    status, h2, again = get(url)
    assert status == 200 and h2["x-cache-status"] == "HIT" and again == plain
    assert h2["etag"] == h1["etag"]
    status, hz, gz = get(url, **{"Accept-Encoding": "gzip, deflate"})
    assert hz.get("content-encoding") == "gzip" and hz["x-cache-status"] == "MISS"
    assert hz["etag"] != h1["etag"]
    status, hz2, gz2 = get(url, **{"Accept-Encoding": "deflate, gzip;q=0.9"})
    assert hz2["x-cache-status"] == "HIT" and gz2 == gz
    import gzip

    assert gzip.decompress(gz) == plain


def test_errors_and_health_are_not_cached(stack):
    bad = stack["url"] + "/api/v1/scenes/threshold?eps=9"
    for _ in range(2):
        status, h, body = get(bad)
        assert status == 422 and h.get("x-cache-status") != "HIT"
        assert b"eps" in body
    for _ in range(2):
        status, h, _ = get(stack["url"] + "/api/v1/health")
        assert status == 200 and "x-cache-status" not in h


def test_a_replica_going_down_does_not_fail_requests(stack):
    stack["replicas"][0].terminate()
    stack["replicas"][0].wait(timeout=20)
    for i in range(12):  # uncached URLs: every one reaches a replica
        status, h, _ = get(stack["url"] + f"/api/v1/scenes/threshold?eps={0.2 + i / 100:.2f}")
        assert status == 200, h
    status, _, _ = get(stack["url"] + "/api/v1/health")
    assert status == 200
