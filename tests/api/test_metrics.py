"""api/metrics.py: the Prometheus metrics: requests counted by route template and status
with a latency histogram, each app's registry its own, and in multiprocess mode every
worker's counts added up; over the live server and directly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.metrics import Metrics
from tests.api.live import LiveServer, add_key, bearer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def keys(tiny_api: tuple[LiveServer, str]) -> dict[str, str]:
    return {"quote": add_key(tiny_api[1], "quote")}


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, by (name, sorted labels)."""
    text = metrics.exposition().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_count_by_route_and_status(client: httpx.Client, keys: dict[str, str]) -> None:
    """Requests are counted by route template and status; latency is a histogram."""
    client.get("/v1/quotes/q_a", headers=bearer(keys["quote"]))
    client.get("/v1/quotes/q_b", headers=bearer(keys["quote"]))
    text = client.get("/metrics").text
    line = 'glocal_http_requests_total{method="GET",route="/v1/quotes/{quote_id}",status="404"}'
    count = next(float(x.split()[-1]) for x in text.splitlines() if x.startswith(line))
    assert count >= 2
    assert "glocal_http_request_duration_seconds_bucket{" in text
    assert "q_a" not in text


def test_an_observation_lands_in_its_counter_and_buckets() -> None:
    """3 ms: one request; not in the 2.5 ms bucket, in the 5 ms one and every one above."""
    metrics = Metrics()
    metrics.observe("GET", "/v1/quotes/{quote_id}", 404, 0.003)
    found = samples(metrics)
    labels = (("method", "GET"), ("route", "/v1/quotes/{quote_id}"), ("status", "404"))
    assert found[("glocal_http_requests_total", labels)] == 1.0
    bucket = "glocal_http_request_duration_seconds_bucket"
    assert found[(bucket, tuple(sorted((*labels, ("le", "0.0025")))))] == 0.0
    assert found[(bucket, tuple(sorted((*labels, ("le", "0.005")))))] == 1.0
    assert found[(bucket, tuple(sorted((*labels, ("le", "+Inf")))))] == 1.0
    assert found[("glocal_http_request_duration_seconds_sum", labels)] == pytest.approx(0.003)


def test_each_app_counts_in_a_registry_of_its_own() -> None:
    """Two apps in one process (as in these tests) do not add to each other's counts."""
    one, other = Metrics(), Metrics()
    one.quotes.labels("ES").inc()
    one.quotes.labels("ES").inc()
    other.quotes.labels("ES").inc()
    market = (("market", "ES"),)
    assert samples(one)[("glocal_quotes_total", market)] == 2.0
    assert samples(other)[("glocal_quotes_total", market)] == 1.0


def test_in_multiprocess_mode_the_workers_counts_are_added_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two worker processes quote one order each to Spain: `/metrics`, whichever worker
    answers, says 2; this process's own registry (3 here) is not what it shows."""
    worker = "from api.metrics import Metrics; Metrics().quotes.labels('ES').inc()"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", worker], env=env, cwd=ROOT, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    answering = Metrics()
    for _ in range(3):
        answering.quotes.labels("ES").inc()
    assert samples(answering)[("glocal_quotes_total", (("market", "ES"),))] == 2.0
