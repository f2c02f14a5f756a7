"""Signed webhooks: when a plan job ends and its POST named a `callback_url`, the server
POSTs the job (the JSON of `GET /v1/plans/{id}`, plus `event`) there.

Each delivery carries three headers:

    Glocal-Event-Id:   plan_...:succeeded       the same on every retry: deduplicate by it
    Glocal-Timestamp:  1763900000               Unix seconds when this attempt was signed
    Glocal-Signature:  v1=<hex>                 HMAC-SHA256(secret, f"{timestamp}." + body)

The secret is the API key's webhook secret (`GET /v1/webhook-secret`; `POST` rotates it).
A receiver verifies with `verify(secret, body, timestamp, signature)`, or in any language:
compute the HMAC-SHA256 of the timestamp, a dot and the raw body bytes with the secret,
compare its hex digest to the `v1=` value in constant time, and refuse a timestamp more
than five minutes from its clock (a replay). Answer 2xx to acknowledge.

A delivery that fails (no answer within the timeout, or a non-2xx status) is retried
with the wait doubling from `GLOCAL_WEBHOOK_BACKOFF_SECONDS`, up to
`GLOCAL_WEBHOOK_ATTEMPTS` deliveries in all; the job shows where its callback stands.
Deliveries are kept in the store, so a restart of the server does not lose them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy.exc import SQLAlchemyError

from api.jobs.records import DELIVERED, FAILED, JobRecords, PlanJob
from api.jobs.views import job_view

log = logging.getLogger("glocal.webhooks")
TOLERANCE_SECONDS = 300
MAX_WAIT_SECONDS = 3600.0


def signature(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(secret: str, body: bytes, timestamp: str, signed: str, now: float | None = None) -> bool:
    """Whether a delivery is genuine and fresh: what a receiver runs on each one."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - stamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, body, stamp), signed)


def payload(job: PlanJob) -> bytes:
    body = {"event": f"plan.{job.state}", **job_view(job)}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def headers(job: PlanJob, secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    stamp = int(time.time() if now is None else now)
    return {
        "Content-Type": "application/json",
        "User-Agent": "glocal-webhooks/1",
        "Glocal-Event-Id": f"{job.job_id}:{job.state}",
        "Glocal-Timestamp": str(stamp),
        "Glocal-Signature": signature(secret, body, stamp),
    }


def public_address(url: str) -> bool:
    """Whether every address the URL's host resolves to is a public one (no loopback,
    private, link-local or reserved address: the server's neighbours are not targets)."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


@dataclass(frozen=True)
class SenderConfig:
    attempts: int
    backoff_seconds: float
    timeout_seconds: float
    allow_private: bool
    poll_seconds: float


class WebhookSender:
    """A thread delivering the due webhooks of ended jobs, with retries."""

    def __init__(self, records: JobRecords, config: SenderConfig) -> None:
        self.records, self.config = records, config
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="glocal-webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        with httpx.Client(timeout=self.config.timeout_seconds, follow_redirects=False) as http:
            while not self._stop.is_set():
                try:
                    self.deliver_due(http)
                except SQLAlchemyError:  # the store is down: try again next round
                    log.exception("webhook round failed")
                self._stop.wait(self.config.poll_seconds)

    def deliver_due(self, http: httpx.Client) -> None:
        now = datetime.now(UTC)
        hold = now + timedelta(seconds=2 * self.config.timeout_seconds + 5)
        for job in self.records.due_callbacks(now):
            if self._stop.is_set():
                return
            if self.records.hold_callback(job.job_id, hold, now):
                self.deliver(http, job)

    def deliver(self, http: httpx.Client, job: PlanJob) -> None:
        """One delivery attempt; records success, the next try, or giving up."""
        assert job.callback_url is not None
        error = self._send(http, job)
        tried = job.callback_attempts + 1
        if error is None:
            self.records.callback_tried(job.job_id, DELIVERED, None, None)
            log.info("webhook delivered", extra={"job_id": job.job_id, "attempt": tried})
            return
        if tried >= self.config.attempts or error.startswith("refused"):
            self.records.callback_tried(job.job_id, FAILED, error, None)
            log.warning("webhook given up", extra={"job_id": job.job_id, "error": error})
            return
        wait = min(self.config.backoff_seconds * 2 ** (tried - 1), MAX_WAIT_SECONDS)
        next_at = datetime.now(UTC) + timedelta(seconds=wait)
        self.records.callback_tried(job.job_id, "pending", error, next_at)

    def _send(self, http: httpx.Client, job: PlanJob) -> str | None:
        url = job.callback_url or ""
        if not self.config.allow_private and not public_address(url):
            return "refused: the callback URL does not resolve to a public address"
        body = payload(job)
        secret = self.records.webhook_secret(job.key_id)
        try:
            answer = http.post(url, content=body, headers=headers(job, secret, body))
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if not answer.is_success:
            return f"HTTP {answer.status_code}"
        return None
