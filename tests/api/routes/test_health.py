"""api/routes/health.py: liveness, readiness and the Prometheus metrics, over the live
server, none of them behind a key."""

from __future__ import annotations

import httpx


def test_health_and_readiness(client: httpx.Client) -> None:
    """/healthz answers; /readyz says the network is loaded and the database reachable."""
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
