"""Fixtures of the HTTP API's tests: a real uvicorn server on a free loopback port, a real
SQLite file, and a real PostgreSQL when GLOCAL_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from tests.api.live import NO_POSTGRES, POSTGRES_URL, TINY, LiveServer, reset_postgres, start_server


@pytest.fixture(scope="session")
def tiny_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """The API over the tiny network and a fresh SQLite file; (server, database URL)."""
    database = f"sqlite:///{tmp_path_factory.mktemp('api') / 'glocal.sqlite3'}"
    settings = Settings(
        network=TINY,
        database_url=database,
        rate_limit=1000,
        rate_burst=1000,
        key_cache_seconds=0,
        usage_flush_seconds=0.2,
        max_body_bytes=65_536,
    )
    live = start_server(settings)
    yield live, database
    live.stop()


@pytest.fixture
def client(tiny_api: tuple[LiveServer, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tiny_api[0].url, timeout=30) as c:
        yield c


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, and PostgreSQL when configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    if POSTGRES_URL is None:
        pytest.skip(NO_POSTGRES)
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL
