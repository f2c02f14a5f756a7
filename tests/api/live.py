"""Helpers of the HTTP API's tests: a real uvicorn server in a thread, real keys."""

from __future__ import annotations

import copy
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
import uvicorn

from api.app import create_app
from api.auth import new_key
from api.schemas import SPANISH_ORDER
from api.settings import Settings
from api.store import Store, engine_url, metadata

TINY = Path(__file__).parents[1] / "data" / "tiny"
POSTGRES_URL = os.environ.get("GLOCAL_TEST_POSTGRES_URL")
NO_POSTGRES = "GLOCAL_TEST_POSTGRES_URL is not set (.ci/run sets it after starting PostgreSQL)"


@dataclass
class LiveServer:
    """A uvicorn server running an app in a thread, on a port of its own."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port() -> int:
    """A loopback port free now (for a server started in another process)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(settings: Settings) -> LiveServer:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start; see the log above")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)


def add_key(
    database_url: str, *scopes: str, rate: float | None = None, burst: int | None = None
) -> str:
    """A real key in the store; returns the secret string a client sends."""
    store = Store(database_url)
    store.upgrade()
    made = new_key("test", scopes, rate, burst)
    store.add_key(made.stored)
    store.dispose()
    return made.key


def reset_postgres(url: str) -> None:
    """Drop glocal's tables and the version tables, so a test starts from an empty database."""
    engine = sa.create_engine(engine_url(url))
    with engine.begin() as conn:
        metadata.drop_all(conn)
        for table in ("alembic_version", "glocal_schema"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    engine.dispose()


PROBLEM = "application/problem+json"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def tiny_order(**changes: Any) -> dict[str, Any]:
    """The Spanish example order, shipped from the tiny network's origin."""
    order = copy.deepcopy(SPANISH_ORDER)
    order["origin"] = "CN-YIW-WH"
    order.update(changes)
    return order


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem of this status and code, with its request id."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:glocal:problem:{code}"
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def flushed_usage(
    database: str, key_id: str, done: Callable[[dict[tuple[str, date, str], int]], bool]
) -> dict[tuple[str, date, str], int]:
    """A key's stored usage once `done` holds of it (the server flushes it every second),
    or as it is after five seconds."""
    store = Store(database)
    deadline = time.monotonic() + 5
    while not done(usage := store.usage(key_id)) and time.monotonic() < deadline:
        time.sleep(0.1)
    store.dispose()
    return usage
