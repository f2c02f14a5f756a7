"""`/v1/plans` on a real uvicorn server (loopback), a real SQLite file and the real
planner in its own process: idempotent POSTs, progress, results, cancel, a restart with a
job running, jobs of a dead server taken back, owners only, and a signed webhook checked
by a receiver on loopback."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from api.jobs.files import JobFiles
from api.jobs.records import JobRecords, PlanJob
from api.settings import Settings
from api.store import Store
from api.webhooks import verify
from routing.plan import PLAN_COLUMNS, sample_orders
from tests.api.live import add_key, start_server

FAST = {"time_limit_s": 60, "horizon_days": 14}  # the whole job (start-up too) on a busy machine
DONE = ("succeeded", "failed", "cancelled")


def orders_csv(n: int, seed: int) -> bytes:
    return sample_orders(n, seed=seed).to_csv(index=False).encode()


def settings_for(database: str, root: Path) -> Settings:
    return Settings(
        database_url=database,
        plans_dir=root,
        rate_limit=1000,
        rate_burst=1000,
        key_cache_seconds=0,
        plan_poll_seconds=0.2,
        plan_lease_seconds=5,
        plan_max_upload_bytes=1_000_000,
        webhook_allow_private=True,
        webhook_backoff_seconds=0.2,
        webhook_attempts=3,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server on the default network; its database, plans directory and two keys."""
    base = tmp_path_factory.mktemp("plans")
    database = f"sqlite:///{base / 'glocal.sqlite3'}"
    live = start_server(settings_for(database, base / "plans"))
    yield {
        "live": live,
        "database": database,
        "root": base / "plans",
        "key": add_key(database, "plan"),
        "other": add_key(database, "plan"),
        "quote_only": add_key(database, "quote"),
    }
    live.stop()


def client(world: dict[str, Any], key: str = "key") -> httpx.Client:
    return httpx.Client(
        base_url=world["live"].url,
        timeout=30,
        headers={"Authorization": f"Bearer {world[key]}"},
    )


def post_plan(
    http: httpx.Client, body: bytes, params: dict[str, Any], **headers: str
) -> httpx.Response:
    return http.post(
        "/v1/plans", content=body, params=params, headers={"Content-Type": "text/csv", **headers}
    )


def wait_for(http: httpx.Client, job_id: str, states: tuple[str, ...], seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = http.get(f"/v1/plans/{job_id}").json()
        if job["state"] in states:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not reach {states}: {job}")


def wait_running_stage(http: httpx.Client, job_id: str, seconds: float = 60) -> dict:
    """Wait until the job's planner has started its stages."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = http.get(f"/v1/plans/{job_id}").json()
        if job["state"] == "running" and job["progress"]["stage"] is not None:
            return job
        assert job["state"] in ("queued", "running"), job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not start planning")


def genuine(secret: str, body: bytes, timestamp: str, signature: str) -> bool:
    """The receiver's check, as the README tells a receiver to write it (not the server's
    own `verify`): HMAC-SHA256 of "<timestamp>." + body, fresh within five minutes."""
    if abs(time.time() - int(timestamp)) > 300:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("v1=" + mac.hexdigest(), signature)


class Receiver:
    """A webhook receiver on loopback: refuses the first delivery (500), keeps the rest;
    once given the key's secret, it checks each delivery's signature itself."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes, int]] = []
        self.secret: str | None = None
        self.checked: list[bool] = []
        calls, receiver = self.calls, self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the http.server protocol names it so
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if not calls else 204
                if receiver.secret is not None:
                    receiver.checked.append(
                        genuine(receiver.secret, body, self.headers["Glocal-Timestamp"],
                                self.headers["Glocal-Signature"])
                    )  # fmt: skip
                calls.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/glocal"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_plan_job_is_idempotent_runs_and_calls_back_signed(world: dict[str, Any]) -> None:
    """Same Idempotency-Key twice -> one job; same key, other body -> 409. The job runs
    through every stage to a plan of every order (CSV and Parquet alike), a summary and a
    report; its webhook is retried after a 500 and its signature verifies."""
    receiver = Receiver()
    body = orders_csv(300, seed=3)
    params = {**FAST, "callback_url": receiver.url}
    try:
        with client(world) as http:
            first = post_plan(http, body, params, **{"Idempotency-Key": "week-46"})
            assert first.status_code == 202, first.text
            job = first.json()
            assert job["state"] in ("queued", "running")
            assert first.headers["Location"] == f"/v1/plans/{job['job_id']}"
            again = post_plan(http, body, params, **{"Idempotency-Key": "week-46"})
            assert again.status_code == 202
            assert again.json()["job_id"] == job["job_id"]
            assert again.headers["Idempotent-Replayed"] == "true"
            assert "Idempotent-Replayed" not in first.headers
            other = post_plan(
                http, orders_csv(300, seed=4), params, **{"Idempotency-Key": "week-46"}
            )
            assert other.status_code == 409
            assert other.json()["code"] == "idempotency_key_reused"
            assert job["job_id"] in other.json()["detail"]
            longer = {**params, "horizon_days": 7}
            assert (
                post_plan(http, body, longer, **{"Idempotency-Key": "week-46"}).status_code == 409
            )
            assert jobs_with_idempotency_key(world, "week-46") == [job["job_id"]]
            receiver.secret = http.get("/v1/webhook-secret").json()["secret"]

            done = wait_for(http, job["job_id"], DONE)
            assert done["state"] == "succeeded", done
            assert done["progress"]["done"] == done["progress"]["total"] == 8
            assert done["outcome"]["orders"]["input"] == 300
            assert set(done["timings"]["stage_seconds"]) >= {"load", "solve", "write"}
            assert done["attempts"] == 1

            csv = http.get(f"/v1/plans/{job['job_id']}/result")
            assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
            plan = pd.read_csv(io.BytesIO(csv.content), dtype=str, keep_default_na=False)
            assert list(plan.columns) == list(PLAN_COLUMNS) and len(plan) == 300
            assert set(plan["order_id"]) == set(sample_orders(300, seed=3)["order_id"])
            pq = http.get(
                f"/v1/plans/{job['job_id']}/result",
                headers={"Accept": "application/vnd.apache.parquet"},
            )
            assert pq.headers["content-type"] == "application/vnd.apache.parquet"
            frame = pd.read_parquet(io.BytesIO(pq.content)).astype(str)
            assert frame["order_id"].tolist() == plan["order_id"].tolist()
            assert http.get(f"/v1/plans/{job['job_id']}/result",
                            headers={"Accept": "image/png"}).status_code == 406  # fmt: skip
            summary = http.get(f"/v1/plans/{job['job_id']}/summary").json()
            assert summary["orders"]["input"] == 300
            assert summary["orders"]["planned"] == (plan["status"] == "planned").sum() > 150
            headline = done["outcome"]["orders"]
            assert {k: summary["orders"][k] for k in headline} == headline
            report = http.get(f"/v1/plans/{job['job_id']}/report")
            assert report.headers["content-type"].startswith("text/html")
            assert "<img" in report.text

            secret = http.get("/v1/webhook-secret").json()["secret"]
            deadline = time.monotonic() + 20
            while len(receiver.calls) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            called = wait_callback(http, job["job_id"])
    finally:
        receiver.stop()
    assert [status for _, _, status in receiver.calls] == [500, 204]
    assert receiver.checked == [True, True]
    for headers, raw, _ in receiver.calls:
        assert verify(secret, raw, headers["Glocal-Timestamp"], headers["Glocal-Signature"])
        assert headers["Glocal-Event-Id"] == f"{job['job_id']}:succeeded"
    headers, raw, _ = receiver.calls[-1]
    sent = json.loads(raw)
    assert sent["event"] == "plan.succeeded" and sent["job_id"] == job["job_id"]
    assert not verify(secret, raw.replace(b"succeeded", b"failed"), headers["Glocal-Timestamp"],
                      headers["Glocal-Signature"])  # fmt: skip
    assert not verify("whsec_other", raw, headers["Glocal-Timestamp"], headers["Glocal-Signature"])
    assert called["callback"] == {"url": receiver.url, "state": "delivered", "attempts": 2,
                                  "last_error": None}  # fmt: skip


def jobs_with_idempotency_key(world: dict[str, Any], idempotency_key: str) -> list[str]:
    """The stored jobs that carry this Idempotency-Key, for any API key."""
    import sqlalchemy as sa

    from api.store import plan_jobs

    store = Store(world["database"])
    try:
        with store.engine.connect() as conn:
            found = conn.execute(
                sa.select(plan_jobs.c.job_id).where(plan_jobs.c.idempotency_key == idempotency_key)
            )
            return [row[0] for row in found]
    finally:
        store.dispose()


def wait_callback(http: httpx.Client, job_id: str) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job = http.get(f"/v1/plans/{job_id}").json()
        if job["callback"]["state"] != "pending":
            return job
        time.sleep(0.1)
    raise AssertionError("the webhook was not delivered")


def test_only_the_jobs_key_can_read_it(world: dict[str, Any]) -> None:
    """Another key gets 404 on the job and each of its parts; a key without the plan
    scope gets 403."""
    with client(world) as http:
        job = post_plan(http, orders_csv(300, seed=5), FAST).json()
        job_id = job["job_id"]
        with client(world, "other") as stranger:
            for path in ("", "/result", "/summary", "/report"):
                answer = stranger.get(f"/v1/plans/{job_id}{path}")
                assert answer.status_code == 404, path
                assert answer.headers["content-type"] == "application/problem+json"
            assert stranger.delete(f"/v1/plans/{job_id}").status_code == 404
        with client(world, "quote_only") as quoter:
            assert quoter.get(f"/v1/plans/{job_id}").status_code == 403
        assert http.get(f"/v1/plans/{job_id}/result").status_code in (200, 409)
        assert http.delete(f"/v1/plans/{job_id}").status_code == 202
        assert wait_for(http, job_id, DONE)["state"] in ("cancelled", "succeeded")


def test_cancel_a_running_and_a_queued_job(world: dict[str, Any]) -> None:
    """With one plan at a time: the queued job is cancelled at once; the running one stops
    at its next stage, as cancelled, saying where."""
    with client(world) as http:
        running = post_plan(http, orders_csv(2000, seed=6), FAST).json()["job_id"]
        queued = post_plan(http, orders_csv(300, seed=7), FAST).json()["job_id"]
        wait_running_stage(http, running)
        gone = http.delete(f"/v1/plans/{queued}")
        assert gone.status_code == 202 and gone.json()["state"] == "cancelled"
        asked = http.delete(f"/v1/plans/{running}").json()
        assert asked["cancel_requested"] is True
        ended = wait_for(http, running, DONE, seconds=60)
        assert ended["state"] == "cancelled"
        assert ended["error"]["code"] == "cancelled" and "stage" in ended["error"]["detail"]
        assert http.get(f"/v1/plans/{running}/result").status_code == 409
        assert http.get(f"/v1/plans/{queued}").json()["started_at"] is None


def test_a_bad_table_fails_with_its_problems_and_bad_uploads_are_refused(
    world: dict[str, Any],
) -> None:
    """Rows that do not validate fail the job with every problem (no server path); a wrong
    media type, missing columns, an unknown service and an oversized body never queue."""
    frame = sample_orders(300, seed=8)
    frame.loc[1, "weight_kg"] = -2.0
    with client(world) as http:
        job = post_plan(http, frame.to_csv(index=False).encode(), FAST).json()
        failed = wait_for(http, job["job_id"], DONE)
        assert failed["state"] == "failed"
        assert failed["error"]["code"] == "invalid_plan_input"
        assert failed["error"]["errors"][0]["field"] == "orders.csv:3: weight_kg"
        assert str(world["root"]) not in json.dumps(failed)

        body = orders_csv(300, seed=9)
        wrong_type = http.post("/v1/plans", content=body, headers={"Content-Type": "text/plain"})
        assert wrong_type.status_code == 415
        no_column = post_plan(http, b"order_id,origin\nA,CN-YIW-WH\n", FAST)
        assert no_column.status_code == 422 and "weight_kg" in no_column.json()["detail"]
        unknown = post_plan(http, body, {**FAST, "close": "NO-SUCH-SERVICE"})
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "close"
        assert post_plan(http, body * 40, FAST).status_code == 413


def test_jobs_of_a_dead_server_are_taken_back(world: dict[str, Any]) -> None:
    """A job left running by a server that died (its lease expired) is re-queued and run
    again, or failed with the reason: its input is gone, or it was interrupted too often."""
    store = Store(world["database"])
    records = JobRecords(store)
    key_id = world["key"].split("_")[1]
    long_ago = datetime.now(UTC) - timedelta(hours=1)

    def stale(attempts: int, with_input: bool) -> str:
        job = PlanJob(
            job_id=f"plan_dead{attempts}{int(with_input)}", key_id=key_id, state="running",
            request_hash="x", options=FAST, input_format="csv", input_bytes=1,
            created_at=long_ago, started_at=long_ago, heartbeat_at=long_ago,
            owner="gone-host:1:dead", attempts=attempts,
        )  # fmt: skip
        if with_input:
            files = JobFiles(world["root"], job.job_id)
            files.dir.mkdir(parents=True)
            files.orders("csv").write_bytes(b"order_id\n")
        records.create(job)
        return job.job_id

    tired, lost = stale(3, True), stale(1, False)
    store.dispose()
    with client(world) as http:
        failed = wait_for(http, tired, DONE, seconds=20)
        assert failed["state"] == "failed" and failed["error"]["code"] == "interrupted"
        assert "3 times" in failed["error"]["detail"]
        gone = wait_for(http, lost, DONE, seconds=20)
        assert gone["state"] == "failed" and gone["error"]["code"] == "input_lost"
        assert gone["attempts"] == 2


def test_a_restart_with_a_job_running_completes_it(tmp_path: Path) -> None:
    """The server (two plans at a time) stops while two jobs plan and a third waits: the
    two are queued again, the third stays queued, none is left running, and the next
    server runs all three to the end."""
    database = f"sqlite:///{tmp_path / 'glocal.sqlite3'}"
    settings = settings_for(database, tmp_path / "plans").model_copy(update={"plan_concurrency": 2})
    key = add_key(database, "plan")
    auth = {"Authorization": f"Bearer {key}"}
    live = start_server(settings)
    try:
        with httpx.Client(base_url=live.url, headers=auth, timeout=30) as http:
            first = post_plan(http, orders_csv(300, seed=10), FAST).json()["job_id"]
            second = post_plan(http, orders_csv(300, seed=11), FAST).json()["job_id"]
            third = post_plan(http, orders_csv(300, seed=12), FAST).json()["job_id"]
            wait_running_stage(http, first)
            wait_running_stage(http, second)
            assert http.get(f"/v1/plans/{third}").json()["state"] == "queued"
    finally:
        live.stop()
    store = Store(database)
    records = JobRecords(store)
    left = {j: records.get(j) for j in (first, second, third)}
    store.dispose()
    assert [x.state if x else None for x in left.values()] == ["queued"] * 3
    assert [x.attempts for x in left.values()] == [1, 1, 0]  # type: ignore[union-attr]
    assert all(x.owner is None for x in left.values())  # type: ignore[union-attr]
    live = start_server(settings)
    try:
        with httpx.Client(base_url=live.url, headers=auth, timeout=30) as http:
            for job_id, attempts in ((first, 2), (second, 2), (third, 1)):
                done = wait_for(http, job_id, DONE)
                assert done["state"] == "succeeded" and done["attempts"] == attempts, done
            plan = http.get(f"/v1/plans/{first}/result")
            assert plan.status_code == 200 and plan.text.count("\n") == 301
    finally:
        live.stop()


def test_the_webhook_secret_is_the_keys_own_and_rotates(world: dict[str, Any]) -> None:
    """GET /v1/webhook-secret answers the same secret each time, another key gets
    another; POST rotates it; a key without the plan scope gets 403."""
    with client(world, "other") as http, client(world) as stranger:
        first = http.get("/v1/webhook-secret")
        assert first.status_code == 200 and first.json()["secret"].startswith("whsec_")
        assert http.get("/v1/webhook-secret").json() == first.json()
        assert stranger.get("/v1/webhook-secret").json() != first.json()
        rotated = http.post("/v1/webhook-secret").json()["secret"]
        assert rotated != first.json()["secret"]
        assert http.get("/v1/webhook-secret").json()["secret"] == rotated
    with client(world, "quote_only") as quoter:
        assert quoter.get("/v1/webhook-secret").status_code == 403
