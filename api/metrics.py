"""Prometheus metrics of the service, served at `GET /metrics`.

- `glocal_http_requests_total{method, route, status}`: requests answered;
- `glocal_http_request_duration_seconds{method, route, status}`: latency histogram;
- `glocal_quotes_total{market}`: quotes served, by destination country;
- `glocal_promise_destinations_total{market}`: promise answers, by destination country.

`route` is the route's template (`/v1/quotes/{quote_id}`), never the raw path, so the
label set stays small. With several worker processes (`glocal serve --workers N`), each
writes to `PROMETHEUS_MULTIPROC_DIR` and `/metrics` adds them up (prometheus-client's
multiprocess mode), whichever worker answers.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4


class Metrics:
    """One app's metrics, in a registry of its own (so several apps can share a process)."""

    def __init__(self) -> None:
        self._registry = CollectorRegistry()
        labels = ("method", "route", "status")
        self.requests = Counter(
            "glocal_http_requests", "HTTP requests answered.", labels, registry=self._registry
        )
        self.latency = Histogram(
            "glocal_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer.",
            labels,
            buckets=LATENCY_BUCKETS,
            registry=self._registry,
        )
        self.quotes = Counter(
            "glocal_quotes",
            "Quotes served, by destination market.",
            ("market",),
            registry=self._registry,
        )
        self.promises = Counter(
            "glocal_promise_destinations",
            "Delivery promises served, by destination market.",
            ("market",),
            registry=self._registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route, str(status)).observe(seconds)

    def exposition(self) -> bytes:
        """The text format of every metric (all workers' in multiprocess mode)."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self._registry)
