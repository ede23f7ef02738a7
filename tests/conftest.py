"""Shared fixtures: the ASGI app and an HTTP client for it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from approxlab.app import create_app


@pytest.fixture(scope="session")
def app():
    return create_app()


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app) as c:
        yield c
