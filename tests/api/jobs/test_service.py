"""api/jobs/service.py: what the `/v1/plans` routes do, called as the routes call them
(a real Starlette request streaming its body, a real store, the plan_two_lanes network):
an upload becomes one queued job with its orders file, a retry with the same
Idempotency-Key gets that job back, a forecast becomes a design job apart from the plans,
and a bad upload is refused with its problem and leaves nothing behind; so does an upload
the database or the disk cannot take (StoreUnavailable; the file made unwritable for
real, tests/api/store/readonly.py)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from starlette.requests import Request

from api.auth import new_key
from api.jobs import service
from api.jobs.design_options import DesignOptions
from api.jobs.files import JobFiles
from api.jobs.options import PlanOptions
from api.jobs.records import JobRecords
from api.jobs.service import PlanJobs
from api.problems import ProblemError
from api.store import Store, StoredKey
from carriers.errors import StoreUnavailable
from routing.network import load_network
from routing.plan import COLUMNS
from tests.api.store.readonly import unwritable
from tests.helpers import DATA

ROW = "T1,CN-YIW-WH,ES,28001,1,10,10,10,10.00,EUR,apparel,610910,none,false,2026-11-09,"
ORDERS = (",".join(COLUMNS) + "\n" + ROW + "\n").encode()


@pytest.fixture(scope="module")
def two_lanes() -> Any:
    return load_network(DATA / "plan_two_lanes")


@pytest.fixture
def jobs(database_url: str, tmp_path: Path, two_lanes: Any) -> Iterator[PlanJobs]:
    """The plan jobs' state of an app without a runner: nothing runs what is queued."""
    store = Store(database_url)
    store.upgrade()
    yield PlanJobs(store, JobRecords(store), tmp_path / "plans", two_lanes, 1_000_000)
    store.dispose()


KEY = new_key("shop", ["plan"]).stored
OTHER = new_key("other", ["plan"]).stored


def upload(body: bytes, content_type: str = "text/csv") -> Request:
    """A POST whose body arrives in 7-byte chunks, as a client's stream would."""
    messages = [
        {"type": "http.request", "body": body[i : i + 7], "more_body": True}
        for i in range(0, len(body), 7)
    ] + [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    headers = [(b"content-type", content_type.encode())] if content_type else []
    scope = {"type": "http", "method": "POST", "path": "/v1/plans", "headers": headers,
             "query_string": b""}  # fmt: skip
    return Request(scope, receive)


def create(
    jobs: PlanJobs,
    body: bytes = ORDERS,
    content_type: str = "text/csv",
    options: PlanOptions | None = None,
    idempotency_key: str | None = None,
    key: StoredKey = KEY,
) -> tuple[Any, bool]:
    request = upload(body, content_type)
    return asyncio.run(
        service.create(jobs, key, request, options or PlanOptions(), idempotency_key)
    )


def refused(jobs: PlanJobs, **upload: Any) -> ProblemError:
    """The problem an upload is refused with; nothing of it is left behind."""
    with pytest.raises(ProblemError) as caught:
        create(jobs, **upload)
    assert list((jobs.root / "incoming").iterdir()) == []
    assert [p.name for p in jobs.root.iterdir()] == ["incoming"]
    return caught.value


def test_an_upload_becomes_a_queued_job_with_its_orders_file(jobs: PlanJobs) -> None:
    """The job is queued for the key, with the upload's size, format and canonical
    options; its orders file holds the bytes sent; nothing stays in staging."""
    options = PlanOptions(horizon_days=7, close=["lanes-air", "lanes-air"])
    job, new = create(jobs, options=options)
    assert new and job.state == "queued" and job.key_id == KEY.key_id
    assert (job.input_format, job.input_bytes) == ("csv", len(ORDERS))
    assert job.options == options.canonical() and job.options["close"] == ["lanes-air"]
    assert JobFiles(jobs.root, job.job_id).orders("csv").read_bytes() == ORDERS
    assert list((jobs.root / "incoming").iterdir()) == []
    assert jobs.records.get(job.job_id) == job


def test_a_retry_with_the_same_idempotency_key_gets_the_same_job(jobs: PlanJobs) -> None:
    """Same key, body and options: the first job back (new False) and no second job
    directory; another API key may use the same Idempotency-Key for a job of its own."""
    first, new = create(jobs, idempotency_key="week-46")
    again, again_new = create(jobs, idempotency_key="week-46")
    assert new and not again_new and again.job_id == first.job_id
    assert sorted(p.name for p in jobs.root.iterdir()) == sorted([first.job_id, "incoming"])
    theirs, theirs_new = create(jobs, idempotency_key="week-46", key=OTHER)
    assert theirs_new and theirs.job_id != first.job_id


@pytest.mark.parametrize(
    "changed",
    [{"body": ORDERS + ROW.replace("T1", "T2").encode() + b"\n"},
     {"options": PlanOptions(horizon_days=7)}],
    ids=["other-orders", "other-options"],
)  # fmt: skip
def test_the_same_idempotency_key_with_another_request_is_a_conflict(
    jobs: PlanJobs, changed: dict[str, Any]
) -> None:
    """Other orders, or other options, under a used Idempotency-Key: 409 naming the job
    that holds the key; no second job."""
    first, _ = create(jobs, idempotency_key="week-46")
    with pytest.raises(ProblemError) as caught:
        create(jobs, idempotency_key="week-46", **changed)
    assert (caught.value.status, caught.value.code) == (409, "idempotency_key_reused")
    assert first.job_id in caught.value.detail
    assert sorted(p.name for p in jobs.root.iterdir()) == sorted([first.job_id, "incoming"])


@pytest.mark.parametrize(
    ("upload", "status", "code", "says"),
    [
        ({"content_type": "text/plain"}, 415, "unsupported_media_type", "'text/plain'"),
        ({"content_type": ""}, 415, "unsupported_media_type", "no Content-Type"),
        ({"idempotency_key": "week 46"}, 400, "invalid_idempotency_key", "visible ASCII"),
        ({"body": b""}, 422, "invalid_request", "the orders file is empty"),
        ({"body": b"order_id,origin\nT1,CN-YIW-WH\n"}, 422, "invalid_plan_input",
         "missing column(s) dest_country, dest_postal_code, weight_kg"),
        ({"body": ORDERS, "content_type": "application/vnd.apache.parquet"}, 422,
         "invalid_plan_input", "not a Parquet file"),
        ({"options": PlanOptions(close=["no-such-lane"])}, 422, "invalid_request",
         "close: unknown service 'no-such-lane'"),
        ({"options": PlanOptions(scale_capacity=["lanes-rail"])}, 422, "invalid_request",
         "SERVICE_ID=FACTOR"),
    ],
    ids=["media-type", "no-media-type", "idempotency-key", "empty", "columns", "not-parquet",
         "unknown-service", "bad-factor"],
)  # fmt: skip
def test_a_bad_upload_is_refused_with_its_problem_and_leaves_nothing(
    jobs: PlanJobs, upload: dict[str, Any], status: int, code: str, says: str
) -> None:
    """Each bad upload: its status and code, a detail that says what is wrong, no job,
    no file left in staging or in a job directory."""
    jobs.root.mkdir(parents=True)
    (jobs.root / "incoming").mkdir()
    problem = refused(jobs, **upload)
    assert (problem.status, problem.code) == (status, code)
    assert says in problem.detail


def test_the_header_of_a_spreadsheet_export_is_read(jobs: PlanJobs) -> None:
    """A CSV with a UTF-8 byte-order mark, quoted column names and CRLF line ends has
    its columns found."""
    header = ",".join(f'"{c}"' for c in COLUMNS)
    body = ("\ufeff" + header + "\r\n" + ROW + "\r\n").encode("utf-8")
    job, new = create(jobs, body=body, content_type="text/csv; charset=utf-8")
    assert new and job.input_format == "csv"


def test_a_parquet_upload_is_kept_as_parquet(jobs: PlanJobs) -> None:
    """A Parquet table with the columns is queued as parquet, under orders.parquet."""
    frame = pd.read_csv(io.BytesIO(ORDERS), dtype=str, keep_default_na=False)
    sink = io.BytesIO()
    frame.to_parquet(sink, index=False)
    job, _ = create(jobs, body=sink.getvalue(), content_type="application/x-parquet")
    assert job.input_format == "parquet"
    assert JobFiles(jobs.root, job.job_id).orders("parquet").read_bytes() == sink.getvalue()


def test_a_job_is_there_only_for_its_own_key(jobs: PlanJobs) -> None:
    """Its key reads and cancels it; another key gets 404 as for a job that does not
    exist, and cannot cancel it."""
    job, _ = create(jobs)
    assert asyncio.run(service.owned(jobs, KEY, job.job_id)) == job
    for key, job_id in ((OTHER, job.job_id), (KEY, "plan_missing")):
        with pytest.raises(ProblemError) as caught:
            asyncio.run(service.owned(jobs, key, job_id))
        assert (caught.value.status, caught.value.code) == (404, "unknown_plan")
    with pytest.raises(ProblemError):
        asyncio.run(service.cancel(jobs, OTHER, job.job_id))
    assert jobs.records.get(job.job_id).state == "queued"  # type: ignore[union-attr]
    cancelled = asyncio.run(service.cancel(jobs, KEY, job.job_id))
    assert cancelled.state == "cancelled"


def test_results_are_served_only_once_the_plan_succeeded(jobs: PlanJobs) -> None:
    """A queued job's result is 409 naming its state; a succeeded job's file is served,
    and 404 result_gone once its files were removed."""
    job, _ = create(jobs)
    with pytest.raises(ProblemError) as caught:
        asyncio.run(service.result_file(jobs, KEY, job.job_id, "plan_csv"))
    assert (caught.value.status, caught.value.code) == (409, "plan_not_ready")
    assert caught.value.extensions == {"state": "queued"}
    jobs.records.claim_next("runner")
    jobs.records.finish(job.job_id, "runner", "succeeded")
    files = JobFiles(jobs.root, job.job_id)
    files.plan_csv.write_text("order_id\nT1\n")
    assert asyncio.run(service.result_file(jobs, KEY, job.job_id, "plan_csv")) == files.plan_csv
    files.remove()
    with pytest.raises(ProblemError) as caught:
        asyncio.run(service.result_file(jobs, KEY, job.job_id, "summary"))
    assert (caught.value.status, caught.value.code) == (404, "result_gone")


FORECAST = (DATA / "design_season" / "forecast.csv").read_bytes()


def test_a_forecast_becomes_a_queued_design_job_apart_from_the_plans(jobs: PlanJobs) -> None:
    """A forecast with design options: a queued job of kind design, its forecast kept as
    forecast.csv, its options canonical; it is no plan (404 as a plan), and its files are
    asked for as a design's."""
    options = DesignOptions(weeks=1, time_limit_s=30, scenarios=2)
    job = asyncio.run(service.create_from_bytes(jobs, KEY, FORECAST, "csv", options))
    assert (job.kind, job.state, job.options) == ("design", "queued", options.canonical())
    assert job.job_id.startswith("design_") and job.callback_url is None
    assert JobFiles(jobs.root, job.job_id).upload("design", "csv").read_bytes() == FORECAST
    assert asyncio.run(service.owned(jobs, KEY, job.job_id, "design")) == job
    with pytest.raises(ProblemError) as caught:
        asyncio.run(service.owned(jobs, KEY, job.job_id))
    assert (caught.value.status, caught.value.code) == (404, "unknown_plan")
    plan, _ = create(jobs)
    with pytest.raises(ProblemError) as caught:
        asyncio.run(service.owned(jobs, KEY, plan.job_id, "design"))
    assert (caught.value.status, caught.value.code) == (404, "unknown_design")
    with pytest.raises(ProblemError) as caught:
        asyncio.run(service.result_file(jobs, KEY, job.job_id, "bookings", "design"))
    assert (caught.value.status, caught.value.code) == (409, "design_not_ready")


@pytest.mark.parametrize(
    ("body", "input_format", "status", "detail"),
    [
        (ORDERS, "csv", 422, "the forecast: missing column(s) zone, week, restriction, "
         "deadline_class, value_class, kg, m3, parcels"),
        (b"", "csv", 422, "the forecast file is empty"),
        (FORECAST, "xlsx", 415, "the forecast must be CSV or Parquet"),
    ],
    ids=["orders-not-a-forecast", "empty", "a-spreadsheet"],
)  # fmt: skip
def test_an_upload_that_is_no_forecast_is_refused_saying_so(
    jobs: PlanJobs, body: bytes, input_format: str, status: int, detail: str
) -> None:
    with pytest.raises(ProblemError) as caught:
        asyncio.run(service.create_from_bytes(jobs, KEY, body, input_format, DesignOptions()))
    assert (caught.value.status, caught.value.detail) == (status, detail)
    assert jobs.records.of_key(KEY.key_id, 5, "design") == []


def sqlite_jobs(tmp_path: Path, network: Any) -> PlanJobs:
    """Plan jobs on a SQLite file of their own, the plans directory beside it."""
    store = Store(f"sqlite:///{tmp_path / 'db' / 'jobs.sqlite3'}")
    store.upgrade()
    return PlanJobs(store, JobRecords(store), tmp_path / "plans", network, 1_000_000)


def test_an_upload_the_database_cannot_store_is_unavailable_and_leaves_nothing(
    tmp_path: Path, two_lanes: Any
) -> None:
    """The database file cannot be written: the upload (with an Idempotency-Key, so the
    key is looked up first) raises StoreUnavailable, and neither its staged file nor its
    job directory is left; once the file can be written, the same upload is queued."""
    (tmp_path / "db").mkdir()
    jobs = sqlite_jobs(tmp_path, two_lanes)
    with unwritable(tmp_path / "db" / "jobs.sqlite3"), pytest.raises(StoreUnavailable):
        create(jobs, idempotency_key="week-46")
    assert [p.name for p in jobs.root.iterdir()] == ["incoming"]
    assert list((jobs.root / "incoming").iterdir()) == []
    job, new = create(jobs, idempotency_key="week-46")
    assert new and JobFiles(jobs.root, job.job_id).orders("csv").read_bytes() == ORDERS
    jobs.store.dispose()


def test_an_upload_the_disk_cannot_take_is_unavailable_and_leaves_nothing(
    tmp_path: Path, two_lanes: Any
) -> None:
    """The plans directory cannot be written (its staging directory made immutable):
    StoreUnavailable naming the reason but not the path, no job, nothing left."""
    (tmp_path / "db").mkdir()
    jobs = sqlite_jobs(tmp_path, two_lanes)
    (jobs.root / "incoming").mkdir(parents=True)
    with unwritable(jobs.root / "incoming" / "none"), pytest.raises(StoreUnavailable) as caught:
        create(jobs)
    assert caught.value.message.startswith("the plans directory cannot be written: ")
    assert str(tmp_path) not in caught.value.message
    assert [p.name for p in jobs.root.iterdir()] == ["incoming"]
    assert list((jobs.root / "incoming").iterdir()) == []
    with jobs.store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM plan_jobs")).scalar() == 0
    jobs.store.dispose()
