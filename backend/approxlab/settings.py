"""Runtime settings (environment variables prefixed ``APPROXLAB_``)."""

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
    #: Scene results kept in memory (bytes of serialized JSON), shared by all clients.
    result_cache_bytes: int = 64 * 1024 * 1024
    #: ``Cache-Control: max-age`` for scene results (they only change with the version).
    result_max_age: int = 3600
    #: Compute every scene once at startup (in a background thread) to fill shared tables.
    warm_up: bool = True
