"""/docs and /redoc render in Chromium from this server alone: no request leaves 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest


@pytest.mark.parametrize(("path", "ready"), [("/docs", ".swagger-ui .info"), ("/redoc", "h1")])
def test_api_docs_make_no_external_request(page, app_server, path, ready):
    hosts: list[str] = []

    def record(req) -> None:
        url = urlparse(req.url)
        if url.scheme not in ("data", "blob"):
            hosts.append(url.hostname or url.scheme)

    page.on("request", record)
    page.goto(app_server + path)
    page.wait_for_selector(ready, timeout=20_000)
    page.wait_for_load_state("networkidle")
    assert hosts and set(hosts) <= {"127.0.0.1"}, sorted(set(hosts))
    assert "approxlab" in page.content()
