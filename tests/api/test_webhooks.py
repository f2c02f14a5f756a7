"""api/webhooks.py: a plan job's webhook, signed so a receiver can tell it is genuine and
fresh, delivered by the sender to a real receiver on loopback from a real store: retried
after a failure with a doubling wait, given up after its attempts or at once for a
private address, and taken by one sender only."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.jobs.records import JobRecords, PlanJob
from api.jobs.views import job_view
from api.store import Store
from api.webhooks import (
    MAX_WAIT_SECONDS,
    SenderConfig,
    WebhookSender,
    headers,
    payload,
    public_address,
    signature,
    verify,
)
from tests.api.jobs.conftest import a_job

SECRET = "whsec_test"
STAMP = 1_763_900_000


def test_the_signature_is_the_documented_hmac() -> None:
    """v1= and the hex HMAC-SHA256, keyed by the secret, of "<timestamp>." + body: what
    the module docstring tells a receiver in another language to compute."""
    body = b'{"event":"plan.succeeded"}'
    mac = hmac.new(SECRET.encode(), b"1763900000." + body, hashlib.sha256).hexdigest()
    assert signature(SECRET, body, STAMP) == f"v1={mac}"


@pytest.mark.parametrize(
    ("now", "genuine"),
    [(STAMP, True), (STAMP + 300, True), (STAMP - 300, True), (STAMP + 301, False),
     (STAMP - 301, False)],
    ids=["at-once", "5-min-late", "5-min-early", "too-late", "too-early"],
)  # fmt: skip
def test_a_delivery_is_fresh_for_five_minutes_either_way(now: int, genuine: bool) -> None:
    """A receiver whose clock is up to 300 s off the signing time accepts; 301 s is a
    replay (or a clock to fix) and is refused."""
    body = b"{}"
    assert verify(SECRET, body, str(STAMP), signature(SECRET, body, STAMP), now=now) is genuine


@pytest.mark.parametrize(
    ("secret", "body", "stamp", "signed"),
    [
        ("whsec_other", b"{}", str(STAMP), None),
        (SECRET, b"{ }", str(STAMP), None),
        (SECRET, b"{}", str(STAMP + 1), None),
        (SECRET, b"{}", "yesterday", None),
        (SECRET, b"{}", str(STAMP), "v2=00"),
    ],
    ids=["other-secret", "other-body", "other-timestamp", "no-timestamp", "other-scheme"],
)
def test_anything_changed_is_not_genuine(
    secret: str, body: bytes, stamp: str, signed: str | None
) -> None:
    """The signature of b"{}" at STAMP with SECRET fails for another secret, body or
    timestamp, a timestamp that is no number, or a made-up signature."""
    real = signature(SECRET, b"{}", STAMP)
    assert not verify(secret, body, stamp, signed or real, now=STAMP)


@given(st.text(min_size=1), st.binary(), st.integers(0, 2**40), st.data())
def test_a_signed_body_verifies_and_any_changed_byte_breaks_it(
    secret: str, body: bytes, stamp: int, data: st.DataObject
) -> None:
    """For any secret, body and time: the signature verifies; flipping one bit of the
    body makes it fail."""
    signed = signature(secret, body, stamp)
    assert verify(secret, body, str(stamp), signed, now=stamp)
    if body:
        i = data.draw(st.integers(0, len(body) - 1))
        changed = body[:i] + bytes([body[i] ^ 1]) + body[i + 1 :]
        assert not verify(secret, changed, str(stamp), signed, now=stamp)


def ended_job(**changes: Any) -> PlanJob:
    at = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    fields: dict[str, Any] = {"state": "succeeded", "created_at": at, "started_at": at,
              "finished_at": at + timedelta(seconds=90), "outcome": {"cost": 12.5}}  # fmt: skip
    return a_job("plan_hook", **(fields | changes))


def test_the_payload_is_the_job_as_the_api_shows_it_plus_its_event() -> None:
    """The body is the JSON of GET /v1/plans/{id} with `event` = plan.<state>, compact."""
    job = ended_job(state="failed", error={"code": "input_lost"})
    body = payload(job)
    assert json.loads(body) == {"event": "plan.failed", **job_view(job)}
    assert b", " not in body and b": " not in body


def test_each_delivery_carries_its_event_id_timestamp_and_signature() -> None:
    """Event id job:state (the same on every retry), the signing time, and a signature of
    this body at that time."""
    job = ended_job()
    body = payload(job)
    sent = headers(job, SECRET, body, now=STAMP + 0.9)
    assert sent["Glocal-Event-Id"] == "plan_hook:succeeded"
    assert sent["Glocal-Timestamp"] == str(STAMP)
    assert verify(SECRET, body, sent["Glocal-Timestamp"], sent["Glocal-Signature"], now=STAMP)
    assert sent["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://8.8.8.8/hooks", True),
        ("https://[2001:4860:4860::8888]/hooks", True),
        ("http://127.0.0.1:8000/hooks", False),
        ("http://[::1]/hooks", False),
        ("http://10.0.0.5/hooks", False),
        ("http://192.168.1.20/hooks", False),
        ("http://169.254.169.254/latest/meta-data", False),
        ("http:///hooks", False),
    ],
)
def test_only_public_addresses_are_callback_targets(url: str, public: bool) -> None:
    """Loopback, private, link-local (a cloud's metadata service) and no host at all are
    not public: the server's neighbours are not reachable through a callback."""
    assert public_address(url) is public


class Receiver:
    """A webhook receiver on loopback answering the given statuses in turn (the last one
    from then on); it keeps every delivery's headers and body."""

    def __init__(self, *statuses: int) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        calls, answers = self.calls, list(statuses)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the http.server protocol names it so
                body = self.rfile.read(int(self.headers["Content-Length"]))
                calls.append((dict(self.headers), body))
                self.send_response(answers.pop(0) if len(answers) > 1 else answers[0])
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/glocal"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver(500, 204)
    yield made
    made.stop()


@pytest.fixture
def records(database_url: str) -> Iterator[JobRecords]:
    store = Store(database_url)
    store.upgrade()
    yield JobRecords(store)
    store.dispose()


def config(**changes: Any) -> SenderConfig:
    fields = {"attempts": 3, "backoff_seconds": 2.0, "timeout_seconds": 5.0,
              "allow_private": True, "poll_seconds": 0.05}  # fmt: skip
    return SenderConfig(**(fields | changes))


def owing(records: JobRecords, url: str, job_id: str = "plan_hook") -> PlanJob:
    """A job that ended just now and owes a webhook to `url`."""
    records.create(a_job(job_id, callback_url=url))
    records.claim_next("runner")
    records.finish(job_id, "runner", "succeeded", outcome={"cost": 12.5})
    job = records.get(job_id)
    assert job is not None and job.callback_state == "pending"
    return job


def test_a_failed_delivery_is_retried_then_delivered_signed(
    records: JobRecords, receiver: Receiver
) -> None:
    """The receiver answers 500, then 204: after the first try the webhook is pending
    again in 2 s (the backoff) with the error kept; the second is delivered. Both carry
    the same event id and a signature by the key's secret."""
    sender = WebhookSender(records, config())
    with httpx.Client() as http:
        before = datetime.now(UTC)
        sender.deliver(http, owing(records, receiver.url))
        after = datetime.now(UTC)
        retry = records.get("plan_hook")
        assert retry is not None
        assert (retry.callback_state, retry.callback_attempts, retry.callback_error) == (
            "pending", 1, "HTTP 500"
        )  # fmt: skip
        assert retry.callback_next_at is not None
        assert (
            before + timedelta(seconds=2) <= retry.callback_next_at <= after + timedelta(seconds=2)
        )
        sender.deliver(http, retry)
    done = records.get("plan_hook")
    assert done is not None
    assert (done.callback_state, done.callback_attempts, done.callback_error) == (
        "delivered", 2, None
    )  # fmt: skip
    secret = records.webhook_secret(done.key_id)
    assert len(receiver.calls) == 2
    for sent, body in receiver.calls:
        assert sent["Glocal-Event-Id"] == "plan_hook:succeeded"
        assert verify(secret, body, sent["Glocal-Timestamp"], sent["Glocal-Signature"])
        assert json.loads(body)["event"] == "plan.succeeded"


def test_a_webhook_is_given_up_after_its_attempts(records: JobRecords) -> None:
    """A receiver that always answers 503, two attempts allowed: failed after the second,
    with the last error."""
    always = Receiver(503)
    try:
        sender = WebhookSender(records, config(attempts=2))
        with httpx.Client() as http:
            sender.deliver(http, owing(records, always.url))
            job = records.get("plan_hook")
            assert job is not None and job.callback_state == "pending"
            sender.deliver(http, job)
    finally:
        always.stop()
    job = records.get("plan_hook")
    assert job is not None
    assert (job.callback_state, job.callback_attempts, job.callback_error) == (
        "failed", 2, "HTTP 503"
    )  # fmt: skip


def test_a_private_callback_is_refused_at_once_and_never_called(
    records: JobRecords, receiver: Receiver
) -> None:
    """Without allow_private, a loopback URL fails on the first attempt, not retried,
    and the receiver hears nothing."""
    sender = WebhookSender(records, config(allow_private=False))
    with httpx.Client() as http:
        sender.deliver(http, owing(records, receiver.url))
    job = records.get("plan_hook")
    assert job is not None and (job.callback_state, job.callback_attempts) == ("failed", 1)
    assert job.callback_error is not None and job.callback_error.startswith("refused")
    assert receiver.calls == []


def test_a_receiver_that_is_down_is_retried_with_the_wait_doubling(records: JobRecords) -> None:
    """Nobody listening: a connection error, pending again; with a backoff of 2000 s the
    third attempt waits 8000 s, capped at an hour."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/hooks"
    sender = WebhookSender(records, config(attempts=5, backoff_seconds=2000))
    job = owing(records, closed)
    with httpx.Client() as http:
        sender.deliver(http, job)
        first = records.get("plan_hook")
        assert first is not None and first.callback_error is not None
        assert first.callback_error.startswith("ConnectError")
        sender.deliver(http, first)
        second = records.get("plan_hook")
        assert second is not None and second.callback_next_at is not None
        before = datetime.now(UTC)
        sender.deliver(http, second)
        after = datetime.now(UTC)
    third = records.get("plan_hook")
    assert third is not None and third.callback_next_at is not None
    hour = timedelta(seconds=MAX_WAIT_SECONDS)
    assert MAX_WAIT_SECONDS == 3600 and before + hour <= third.callback_next_at <= after + hour
    assert (third.callback_state, third.callback_attempts) == ("pending", 3)


def test_two_senders_deliver_a_due_webhook_once(records: JobRecords) -> None:
    """Two servers' senders look for due webhooks one after the other: the first holds
    and sends it; the second finds nothing due."""
    always = Receiver(204)
    try:
        owing(records, always.url)
        one, other = WebhookSender(records, config()), WebhookSender(records, config())
        with httpx.Client() as http:
            one.deliver_due(http)
            other.deliver_due(http)
    finally:
        always.stop()
    assert len(always.calls) == 1
    assert records.get("plan_hook").callback_state == "delivered"  # type: ignore[union-attr]


def test_the_senders_thread_delivers_and_stops(records: JobRecords) -> None:
    """Started, the sender's thread delivers a due webhook on its own; stopped, its
    thread ends."""
    always = Receiver(204)
    sender = WebhookSender(records, config())
    try:
        owing(records, always.url)
        sender.start()
        deadline = time.monotonic() + 20
        while records.get("plan_hook").callback_state != "delivered":  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the webhook was not delivered"
            time.sleep(0.05)
    finally:
        sender.stop()
        always.stop()
    assert not sender._thread.is_alive()
    assert len(always.calls) == 1
