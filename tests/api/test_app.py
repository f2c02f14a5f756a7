"""api/app.py: the app factory and its lifespan: every documented route mounted, the
state built once at start-up (network, store upgraded, summary), expired quotes purged
when the server starts and usage counts written when it stops; directly and over a real
server on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api.app import build_state, create_app
from api.deps import AppState
from api.metrics import Metrics
from api.settings import Settings
from api.store import Store, StoredQuote, head
from routing.network import Network
from tests.api.live import TINY, add_key, start_server

ROUTES = {
    ("POST", "/v1/quotes"), ("GET", "/v1/quotes/{quote_id}"),
    ("POST", "/v1/quotes/{quote_id}/book"),
    ("GET", "/v1/shipments/{shipment_id}"), ("DELETE", "/v1/shipments/{shipment_id}"),
    ("POST", "/v1/promises"),
    ("POST", "/v1/promise-calibrations"), ("GET", "/v1/promise-calibrations/current"),
    ("POST", "/v1/plans"), ("GET", "/v1/plans/{job_id}"), ("DELETE", "/v1/plans/{job_id}"),
    ("GET", "/v1/plans/{job_id}/result"), ("GET", "/v1/plans/{job_id}/summary"),
    ("GET", "/v1/plans/{job_id}/report"),
    ("GET", "/v1/webhook-secret"), ("POST", "/v1/webhook-secret"),
    ("GET", "/v1/network"), ("GET", "/v1/carriers"),
    ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"),
}  # fmt: skip


@pytest.fixture
def built() -> Iterator[list[AppState]]:
    """States built in a test, their stores closed after it."""
    states: list[AppState] = []
    yield states
    for state in states:
        state.store.dispose()


def test_the_app_serves_exactly_the_documented_routes() -> None:
    """The routes of the module's docstring, by method and path, and no others."""
    spec = create_app(Settings(network=TINY)).openapi()
    served = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert served == ROUTES


def test_the_state_is_built_from_the_settings(tmp_path: Path, built: list[AppState]) -> None:
    """The tiny network loaded and compiled, a new database brought to the latest schema,
    the summary naming the network by its directory's name, its three carriers listed."""
    database = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    state = build_state(Settings(network=TINY, database_url=database), Metrics(), None)
    built.append(state)
    assert state.network.compiled is not None
    assert state.store.version() == head()
    assert (state.summary["network"], state.summary["nodes"]) == ("tiny", 5)
    assert [c["id"] for c in state.carriers["carriers"]] == ["feeder", "lastmile", "skyline"]


def test_a_network_given_to_the_app_is_served_as_it_is(
    tmp_path: Path, tiny: Network, built: list[AppState]
) -> None:
    """With a network object given, the settings' network directory (here one that does
    not exist) is never read."""
    settings = Settings(network=tmp_path / "nowhere", database_url=f"sqlite:///{tmp_path}/g.db")
    state = build_state(settings, Metrics(), tiny)
    built.append(state)
    assert state.network is tiny


def stored(quote_id: str, created: datetime, days: int) -> StoredQuote:
    return StoredQuote(quote_id, "k", "o", "ES", created, created + timedelta(days=days), "{}")


def test_start_up_purges_expired_quotes_and_shutdown_writes_the_usage(tmp_path: Path) -> None:
    """A quote that expired ten days ago is gone once the server is up, one still valid
    stays; two requests counted in memory (the flush is an hour away) are in the store
    once the server has stopped."""
    database = f"sqlite:///{tmp_path / 'glocal.sqlite3'}"
    key = add_key(database, "quote")
    store = Store(database)
    now = datetime.now(UTC)
    store.save_quotes([stored("q_old", now - timedelta(days=40), 30), stored("q_new", now, 1)])
    ever = now - timedelta(days=365)  # a `now` before both expire: finds either if stored
    settings = Settings(
        network=TINY, database_url=database, usage_flush_seconds=3600, key_cache_seconds=0
    )
    live = start_server(settings)
    try:
        deadline = time.monotonic() + 10
        while store.quote("q_old", now=ever) is not None:
            assert time.monotonic() < deadline, "the expired quote was not purged"
            time.sleep(0.05)
        assert store.quote("q_new", now=ever) is not None
        with httpx.Client(base_url=live.url) as client:
            for _ in range(2):
                answer = client.get("/v1/carriers", headers={"Authorization": f"Bearer {key}"})
                assert answer.status_code == 200
        assert store.usage() == {}
    finally:
        live.stop()
    assert not live.thread.is_alive()
    assert [(route, n) for (_, _, route), n in store.usage().items()] == [("/v1/carriers", 2)]
    store.dispose()
