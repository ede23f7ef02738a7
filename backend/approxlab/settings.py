"""Runtime settings (environment variables prefixed ``APPROXLAB_``).

Every bound the server enforces is here, with its default; ``docs/serving.md`` explains
how they were chosen (measured on 2 cores).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_frontend_dir() -> Path:
    packaged = Path(__file__).parent / "frontend"  # wheel: frontend/ is force-included here
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "frontend"  # source checkout / editable


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APPROXLAB_")

    frontend_dir: Path = Field(default_factory=_default_frontend_dir)
    #: Scene results kept in memory per worker process (bytes of serialized JSON, all
    #: encodings counted), shared by all clients: a segmented LRU (api/cache.py).
    result_cache_bytes: int = Field(64 * 1024 * 1024, ge=0)
    #: ``Cache-Control: max-age`` for scene results (they only change with the version).
    result_max_age: int = Field(3600, ge=0)
    #: Compute every scene once at startup (in a background thread) to fill shared tables.
    warm_up: bool = True

    # -- the server process (approxlab serve) ---------------------------------------------
    #: Worker processes (each with its own cache and compute pool).
    workers: int = Field(1, ge=1, le=64)
    #: Connections (and so requests) a worker holds at once; beyond it uvicorn answers 503.
    limit_concurrency: int = Field(256, ge=8)
    #: Seconds an idle keep-alive connection is kept, and the time a client has to send a
    #: request's headers after connecting (or after the previous response).
    timeout_keep_alive: float = Field(5.0, gt=0, le=300)
    header_timeout: float = Field(10.0, gt=0, le=300)

    # -- bounded work (api/guard.py, api/compute.py) ---------------------------------------
    #: Largest request body (POST /api/v1/pieces: 20,000 parameters fit in ~0.5 MB).
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    #: Seconds to wait for each chunk of a request body, and for the whole body.
    body_chunk_timeout: float = Field(10.0, gt=0)
    body_timeout: float = Field(30.0, gt=0)
    #: Threads computing cache misses per worker; heavy requests use at most threads − 1.
    compute_threads: int = Field(2, ge=1, le=64)
    #: Computations waiting for a thread per worker; beyond it (or after queue_timeout
    #: seconds of waiting) a request is answered 503 with Retry-After.
    compute_queue: int = Field(16, ge=0)
    queue_timeout: float = Field(20.0, gt=0)
    #: Estimated peak memory (MB) of the computations running at once per worker; one
    #: request estimated above it is refused with a 422 (api/cost.py).
    compute_budget_mb: float = Field(768.0, gt=0)
