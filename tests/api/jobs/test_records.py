"""api/jobs/records.py: plan jobs in the store, each change one guarded transaction, on
a real SQLite file and a real PostgreSQL when one is configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from api.jobs.records import JobRecords, new_job_id, reason_problem
from api.store import Store
from tests.api.jobs.conftest import a_job


def test_job_records_move_one_way_for_one_owner(database_url: str) -> None:
    """On SQLite and PostgreSQL: an idempotency key holds one job per API key; a queued
    job is claimed once; only its owner finishes or re-queues it; a stale one is taken
    back; the v2 -> v3 upgrade makes the same tables as a fresh database."""
    store = Store(database_url)
    store.upgrade()
    records = JobRecords(store)
    _, new = records.create(a_job("plan_a", idempotency_key="k"))
    assert new
    again, new = records.create(a_job("plan_b", idempotency_key="k"))
    assert not new and again.job_id == "plan_a"
    assert records.create(a_job("plan_c", "k2", idempotency_key="k"))[1]  # another key
    claimed = records.claim_next("runner-1")
    assert claimed is not None and claimed.job_id == "plan_a" and claimed.attempts == 1
    assert not records.finish("plan_a", "runner-2", "succeeded")
    assert records.report("plan_a", "runner-1", [{"stage": "load", "state": "running"}])
    records.cancel("plan_a")
    assert not records.report("plan_a", "runner-1", [])  # asked to stop
    assert records.finish("plan_a", "runner-1", "cancelled")
    assert not records.requeue("plan_a", "runner-1")
    other = records.claim_next("runner-2")
    assert other is not None and other.job_id == "plan_c"
    later = datetime.now(UTC) + timedelta(minutes=5)
    taken = records.reclaim_stale(timedelta(seconds=30), max_attempts=3, now=later)
    assert [j.job_id for j in taken] == ["plan_c"]
    assert records.get("plan_c").state == "queued"  # type: ignore[union-attr]
    assert records.webhook_secret("k1") == records.webhook_secret("k1")
    assert records.webhook_secret("k1", rotate=True) != records.webhook_secret("k2")
    fresh = {c["name"] for c in sa.inspect(store.engine).get_columns("plan_jobs")}
    store.dispose()
    assert "callback_next_at" in fresh and "cancel_requested" in fresh


T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_a_job_reads_back_as_written(records: JobRecords) -> None:
    """Every field, its JSON parts (options, progress, error, outcome) included, reads
    back equal, times aware in UTC."""
    job = a_job(
        "plan_rt", idempotency_key="week-46", created_at=T0, options={"close": ["é"], "n": 1.5},
        progress=[{"stage": "load", "state": "done", "seconds": 0.25}],
        error={"code": "x", "errors": [{"field": "orders.csv:3: weight_kg"}]},
        outcome={"orders": {"input": 3}}, callback_url="https://shop.example/hook",
    )  # fmt: skip
    assert records.create(job) == (job, True)
    assert records.get("plan_rt") == job
    assert records.get("plan_none") is None


def test_a_keys_jobs_are_listed_by_kind_newest_first(records: JobRecords) -> None:
    """The plans of a key are its plan jobs only, its designs its design jobs only; a job
    written without a kind is a plan (so are the rows made before kinds)."""
    for i, kind in enumerate(("plan", "design", "plan", "design")):
        records.create(a_job(f"{kind}_{i}", kind=kind, created_at=T0 + timedelta(minutes=i)))
    records.create(a_job("plan_other", "k2"))
    assert [j.job_id for j in records.of_key("k1")] == ["plan_2", "plan_0"]
    assert [j.job_id for j in records.of_key("k1", 50, "design")] == ["design_3", "design_1"]
    assert [j.job_id for j in records.of_key("k1", 1, "design")] == ["design_3"]
    found = records.get("design_1")
    assert found is not None and found.kind == "design"
    assert new_job_id("design").startswith("design_") and new_job_id().startswith("plan_")


def test_a_second_job_of_the_same_id_is_an_error_not_a_replay(records: JobRecords) -> None:
    """Without an idempotency key, a clash is not taken for a retry: it raises."""
    records.create(a_job("plan_same"))
    with pytest.raises(IntegrityError):
        records.create(a_job("plan_same"))


def test_the_oldest_queued_job_is_claimed_first(records: JobRecords) -> None:
    """Queued at 10:02, 10:00, 10:01: claimed 10:00, 10:01, 10:02, then none; each
    claimed job is running under its owner, started now, attempt 1, progress cleared."""
    for name, minutes in (("c", 2), ("a", 0), ("b", 1)):
        records.create(a_job(f"plan_{name}", created_at=T0 + timedelta(minutes=minutes),
                             progress=[{"stage": "old", "state": "done"}]))  # fmt: skip
    now = T0 + timedelta(hours=1)
    claimed = [records.claim_next("runner-1", now=now) for _ in range(4)]
    assert [j.job_id if j else None for j in claimed] == ["plan_a", "plan_b", "plan_c", None]
    first = claimed[0]
    assert first is not None
    assert (first.state, first.owner, first.attempts, first.progress) == (
        "running",
        "runner-1",
        1,
        [],
    )
    assert first.started_at == first.heartbeat_at == now


def test_cancel_stops_a_queued_job_asks_a_running_one_and_leaves_an_ended_one(
    records: JobRecords,
) -> None:
    """Queued: cancelled at once (409 problem, finished now). Running: still running,
    cancel_requested. Succeeded: unchanged. Unknown: None."""
    for name in ("r", "s"):  # claimed in this order: both running, then r succeeds
        records.create(a_job(f"plan_{name}", created_at=T0))
        records.claim_next("runner", now=T0)
    records.finish("plan_r", "runner", "succeeded", now=T0)
    records.create(a_job("plan_w", created_at=T0))
    now = T0 + timedelta(minutes=1)
    queued = records.cancel("plan_w", now=now)
    assert queued is not None and queued.state == "cancelled" and queued.finished_at == now
    assert queued.error is not None
    assert (queued.error["code"], queued.error["status"]) == ("cancelled", 409)
    running = records.cancel("plan_s")
    assert running is not None and (running.state, running.cancel_requested) == ("running", True)
    ended = records.get("plan_r")
    assert records.cancel("plan_r") == ended
    assert records.cancel("plan_nope") is None


def test_a_finished_job_owes_a_webhook_only_if_it_asked_for_one(records: JobRecords) -> None:
    """On finishing, callback_state becomes pending (due now) with a callback URL, and
    stays empty without one; the owner is cleared."""
    records.create(a_job("plan_a", created_at=T0, callback_url="https://shop.example/hook"))
    records.create(a_job("plan_b", created_at=T0 + timedelta(seconds=1)))
    for _ in range(2):
        records.claim_next("runner", now=T0)
    assert records.finish("plan_a", "runner", "succeeded", outcome={"cost": 1}, now=T0)
    assert records.finish("plan_b", "runner", "failed", error={"code": "x"}, now=T0)
    a, b = records.get("plan_a"), records.get("plan_b")
    assert a is not None and b is not None
    assert (a.callback_state, a.callback_next_at, a.owner) == ("pending", T0, None)
    assert a.outcome == {"cost": 1}
    assert (b.callback_state, b.error) == (None, {"code": "x"})
    assert not records.finish("plan_a", "runner", "failed")  # already ended


def test_a_heartbeat_renews_only_the_owners_running_jobs(records: JobRecords) -> None:
    """runner-1's heartbeat at 10:05 moves its job's heartbeat, not runner-2's."""
    records.create(a_job("plan_1", created_at=T0))
    records.create(a_job("plan_2", created_at=T0 + timedelta(seconds=1)))
    records.claim_next("runner-1", now=T0)
    records.claim_next("runner-2", now=T0)
    later = T0 + timedelta(minutes=5)
    records.heartbeat("runner-1", ["plan_1", "plan_2"], now=later)
    one, two = records.get("plan_1"), records.get("plan_2")
    assert one is not None and two is not None
    assert (one.heartbeat_at, two.heartbeat_at) == (later, T0)


def test_a_stale_job_is_requeued_until_it_was_tried_too_often(records: JobRecords) -> None:
    """Lease 30 s, at most 2 attempts: a job silent for 31 s on its first attempt goes
    back to the queue; on its second it fails as interrupted, saying how often; one heard
    of 10 s ago is left alone."""
    for name in ("a", "b", "c"):
        records.create(a_job(f"plan_{name}", created_at=T0))
    for _ in range(3):
        records.claim_next("dead", now=T0)
    records.requeue("plan_b", "dead")
    records.claim_next("dead", now=T0)  # plan_b: attempt 2
    records.heartbeat("dead", ["plan_c"], now=T0 + timedelta(seconds=21))
    taken = records.reclaim_stale(timedelta(seconds=30), 2, now=T0 + timedelta(seconds=31))
    assert sorted(j.job_id for j in taken) == ["plan_a", "plan_b"]
    a, b, c = (records.get(f"plan_{n}") for n in "abc")
    assert a is not None and (a.state, a.owner, a.heartbeat_at) == ("queued", None, None)
    assert b is not None and b.state == "failed" and b.error is not None
    assert b.error["code"] == "interrupted" and "stopped 2 times" in b.error["detail"]
    assert c is not None and c.state == "running"


def test_a_due_webhook_is_held_by_one_sender_and_its_attempts_counted(
    records: JobRecords,
) -> None:
    """A pending webhook due now is listed; the first hold takes it (no longer due), a
    second hold fails; a failed try counts an attempt and sets the next one."""
    records.create(a_job("plan_h", created_at=T0, callback_url="https://shop.example/hook"))
    records.claim_next("runner", now=T0)
    records.finish("plan_h", "runner", "succeeded", now=T0)
    now = T0 + timedelta(seconds=1)
    assert [j.job_id for j in records.due_callbacks(now)] == ["plan_h"]
    assert records.due_callbacks(T0 - timedelta(seconds=1)) == []
    hold = now + timedelta(seconds=25)
    assert records.hold_callback("plan_h", hold, now)
    assert not records.hold_callback("plan_h", hold, now)
    assert records.due_callbacks(now) == []
    retry = now + timedelta(seconds=2)
    records.callback_tried("plan_h", "pending", "HTTP 500", retry)
    job = records.get("plan_h")
    assert job is not None
    assert (job.callback_attempts, job.callback_error, job.callback_next_at) == (
        1,
        "HTTP 500",
        retry,
    )
    assert [j.job_id for j in records.due_callbacks(retry)] == ["plan_h"]


def test_a_keys_webhook_secret_is_made_once_and_rotated_on_demand(records: JobRecords) -> None:
    """The first read makes a whsec_ secret; reads return it; rotation replaces it; keys
    have secrets of their own."""
    first = records.webhook_secret("k1")
    assert first.startswith("whsec_") and len(first) > 40
    assert records.webhook_secret("k1") == first
    rotated = records.webhook_secret("k1", rotate=True)
    assert rotated != first and records.webhook_secret("k1") == rotated
    assert records.webhook_secret("k2") not in (first, rotated)


def test_a_jobs_problem_document_is_rfc_9457_shaped() -> None:
    """reason_problem gives type, title, status, detail and code."""
    assert reason_problem("input_lost", "gone") == {
        "type": "urn:glocal:problem:input_lost",
        "title": "Input lost",
        "status": 500,
        "detail": "gone",
        "code": "input_lost",
    }
