"""api/routes/health.py: liveness, readiness and the Prometheus metrics, over the live
server, none of them behind a key; readiness false while the database file cannot be
written (made so for real: tests/api/store/readonly.py), true again once it can."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.settings import Settings
from tests.api.live import PROBLEM, TINY, start_server
from tests.api.store.readonly import unwritable


def test_health_and_readiness(client: httpx.Client) -> None:
    """/healthz answers; /readyz says the network is loaded and the database writable."""
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "network": True, "database": True}


def test_metrics_are_prometheus_text_without_a_key(client: httpx.Client) -> None:
    """`/metrics` answers in the Prometheus text format, with the request counters."""
    client.get("/healthz")
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    healthz = 'glocal_http_requests_total{method="GET",route="/healthz",status="200"}'
    assert any(line.startswith(healthz) for line in metrics.text.splitlines())


def test_not_ready_while_the_database_cannot_be_written(tmp_path: Path) -> None:
    """A server whose database file is made unwritable: /readyz is a 503 saying
    `database: False` (the file still reads: only a write tells); /healthz still
    answers; once the file can be written, /readyz is ready at the first asking."""
    path = tmp_path / "ready.sqlite3"
    live = start_server(Settings(network=TINY, database_url=f"sqlite:///{path}"))
    try:
        with httpx.Client(base_url=live.url, timeout=30) as client:
            assert client.get("/readyz").status_code == 200
            with unwritable(path):
                answer = client.get("/readyz")
                assert answer.status_code == 503, answer.text
                assert answer.headers["content-type"] == PROBLEM
                assert answer.json()["code"] == "not_ready"
                assert answer.json()["detail"] == "network loaded: True, database: False"
                assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").json()["database"] is True
    finally:
        live.stop()
