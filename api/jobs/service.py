"""What the `/v1/plans` routes do, one function per route: take an upload into a job,
read a job back for its owner, cancel it, hand out its files. No planning here: the
planning runs in the job runner's processes (`api.jobs.runner`, `api.jobs.work`). The
console's design jobs are taken and read the same way (their options: `DesignOptions`;
their process: `api.jobs.design_work`).

An upload that is not taken (refused, or the database or the disk failing: a 503
`store_unavailable` then) leaves no file behind."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import Request

from api.jobs.design_options import DesignOptions
from api.jobs.files import JobFiles, disk_faults, staging
from api.jobs.options import FORMATS, MEDIA_TYPES, PlanOptions
from api.jobs.records import PLAN, QUEUED, SUCCEEDED, JobRecords, PlanJob, new_job_id
from api.jobs.runner import JobRunner
from api.problems import ProblemError
from api.store import Store, StoredKey
from carriers.errors import GlocalError, Problem
from routing.network import Network

log = logging.getLogger("glocal.jobs")
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
JobOptions = PlanOptions | DesignOptions


@dataclass
class PlanJobs:
    """The plan jobs' part of the app's state."""

    store: Store
    records: JobRecords
    root: Path
    network: Network
    max_upload: int
    runner: JobRunner | None = None


async def create(
    jobs: PlanJobs,
    key: StoredKey,
    request: Request,
    options: PlanOptions,
    idempotency_key: str | None,
) -> tuple[PlanJob, bool]:
    """A queued job for the uploaded orders (new: True), or the job the same
    `Idempotency-Key` made before (False); 409 if that key came with another request."""
    input_format = _input_format(request.headers.get("content-type", ""))
    _check_options(options, jobs.network)
    if idempotency_key is not None and not _IDEMPOTENCY_KEY.match(idempotency_key):
        raise ProblemError(
            400, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters"
        )
    with disk_faults():
        staged = staging(jobs.root) / f"{new_job_id()}.part"
    try:
        with disk_faults():
            size, digest = await _receive(request, staged)
        return await _create_staged(
            jobs, key, staged, (input_format, size, digest), options, idempotency_key
        )
    finally:
        staged.unlink(missing_ok=True)


async def create_from_bytes(
    jobs: PlanJobs, key: StoredKey, body: bytes, input_format: str, options: JobOptions
) -> PlanJob:
    """A queued job for a table already read (the console's upload, a scenario's copy of
    its baseline's orders, a forecast to design for): checked and stored as a
    `POST /v1/plans` is."""
    if input_format not in MEDIA_TYPES:
        detail = f"the {options.upload} must be CSV or Parquet"
        raise ProblemError(415, "unsupported_media_type", detail)
    if isinstance(options, PlanOptions):
        _check_options(options, jobs.network)
    if not body:
        raise _empty(options.upload)
    with disk_faults():
        staged = staging(jobs.root) / f"{new_job_id()}.part"
    try:
        with disk_faults():
            staged.write_bytes(body)
        digest = hashlib.sha256(body).hexdigest()
        job, _ = await _create_staged(
            jobs, key, staged, (input_format, len(body), digest), options, None
        )
        return job
    finally:
        staged.unlink(missing_ok=True)


async def _create_staged(
    jobs: PlanJobs,
    key: StoredKey,
    staged: Path,
    received: tuple[str, int, str],
    options: JobOptions,
    idempotency_key: str | None,
) -> tuple[PlanJob, bool]:
    """The job of an uploaded table staged in full: (format, bytes, sha256) of it."""
    input_format, size, digest = received
    await asyncio.to_thread(_check_header, staged, input_format, options)
    fingerprint = hashlib.sha256(
        f"{input_format}\n{options.fingerprint()}\n{digest}".encode()
    ).hexdigest()
    if idempotency_key is not None:
        found = await jobs.store.call(jobs.records.by_idempotency_key, key.key_id, idempotency_key)
        if found is not None:
            return _replayed(found, fingerprint), False
    job = PlanJob(
        job_id=new_job_id(options.kind),
        key_id=key.key_id,
        state=QUEUED,
        request_hash=fingerprint,
        options=options.canonical(),
        input_format=input_format,
        input_bytes=size,
        created_at=datetime.now(UTC),
        idempotency_key=idempotency_key,
        callback_url=None if options.callback_url is None else str(options.callback_url),
        kind=options.kind,
    )
    stored, new = await _enqueue(jobs, job, staged)
    if not new:
        return _replayed(stored, fingerprint), False
    if jobs.runner is not None:
        jobs.runner.wake()
    log.info(f"{job.kind} job queued", extra={"job_id": job.job_id, "bytes": size})
    return stored, True


async def _enqueue(jobs: PlanJobs, job: PlanJob, staged: Path) -> tuple[PlanJob, bool]:
    """Store the job, its orders moved into its directory first (a runner that claims it
    finds its input). The directory goes again unless the job is stored as new: when the
    insert fails, or the job of the same idempotency key was there first."""
    files = JobFiles(jobs.root, job.job_id)
    new = False
    try:
        with disk_faults():
            files.adopt(staged, job.input_format, job.kind)
        stored, new = await jobs.store.call(jobs.records.create, job)
    finally:
        if not new:
            files.remove()
    return stored, new


def _replayed(found: PlanJob, fingerprint: str) -> PlanJob:
    if found.request_hash != fingerprint:
        raise ProblemError(
            409,
            "idempotency_key_reused",
            f"this Idempotency-Key was used for another request (job "
            f"{found.job_id}); use a new key for a new plan",
            title="Conflict",
        )
    return found


def _input_format(content_type: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in FORMATS:
        raise ProblemError(
            415,
            "unsupported_media_type",
            "send the orders as text/csv or application/vnd.apache.parquet, "
            f"got {media or 'no Content-Type'!r}",
        )
    return FORMATS[media]


def _check_options(options: PlanOptions, network: Network) -> None:
    try:
        options.params()
        scenario = options.scenario()
    except GlocalError as exc:
        raise ProblemError(
            422, "invalid_request", exc.message, errors=[Problem("request", "options", exc.message)]
        ) from None
    known = {s.id for s in network.services}
    asked = [("close", s) for s in scenario.close] + [
        ("scale_capacity", s) for s, _ in scenario.scale_capacity
    ]
    unknown = [
        Problem("request", field, f"unknown service {s!r}") for field, s in asked if s not in known
    ]
    if unknown:
        detail = "; ".join(f"{p.field}: {p.message}" for p in unknown)
        raise ProblemError(422, "invalid_request", detail, errors=unknown)


async def _receive(request: Request, path: Path) -> tuple[int, str]:
    """Stream the body to a file; (bytes, sha256). The middleware caps its size."""
    digest, size = hashlib.sha256(), 0
    with path.open("wb") as sink:
        async for chunk in request.stream():
            digest.update(chunk)
            size += len(chunk)
            sink.write(chunk)
    if size == 0:
        raise _empty("orders")
    return size, digest.hexdigest()


def _empty(upload: str) -> ProblemError:
    detail = f"the {upload.split()[0]} file is empty"
    return ProblemError(422, "invalid_request", detail, errors=[Problem("request", "body", detail)])


def _check_header(path: Path, input_format: str, options: JobOptions) -> None:
    """The upload's columns are there (the rows are checked when the job runs)."""
    if input_format == "csv":
        with path.open("rb") as source:
            first = source.readline(64 * 1024).decode("utf-8-sig", errors="replace")
        columns = {c.strip().strip('"') for c in first.strip().split(",")}
    else:
        import pyarrow.parquet as pq

        try:
            columns = set(pq.read_schema(path).names)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise _unreadable(options.upload, f"not a Parquet file: {exc}") from None
    missing = [c for c in options.columns if c not in columns]
    if missing:
        raise _unreadable(options.upload, f"missing column(s) {', '.join(missing)}")


def _unreadable(upload: str, message: str) -> ProblemError:
    return ProblemError(
        422,
        "invalid_plan_input",
        f"the {upload}: {message}",
        errors=[Problem("request", "body", message)],
    )


async def owned(jobs: PlanJobs, key: StoredKey, job_id: str, kind: str = PLAN) -> PlanJob:
    """The key's own job of `kind`, or 404 (another key's job is not there for it, nor a
    job of another kind)."""
    job = await jobs.store.call(jobs.records.get, job_id)
    if job is None or job.key_id != key.key_id or job.kind != kind:
        raise ProblemError(404, f"unknown_{kind}", f"no {kind} job {job_id!r} for this key")
    return job


async def cancel(jobs: PlanJobs, key: StoredKey, job_id: str) -> PlanJob:
    await owned(jobs, key, job_id)
    job = await jobs.store.call(jobs.records.cancel, job_id)
    assert job is not None
    if jobs.runner is not None:
        jobs.runner.wake()  # a running job's process is ended now, not at the next poll
    return job


async def result_file(
    jobs: PlanJobs, key: StoredKey, job_id: str, name: str, kind: str = PLAN
) -> Path:
    """A file of a succeeded job: `plan_csv`, `plan_parquet`, `summary` or `report`; of a
    design job: `bookings`, `summary` or `report`."""
    job = await owned(jobs, key, job_id, kind)
    if job.state != SUCCEEDED:
        raise ProblemError(
            409,
            f"{kind}_not_ready",
            f"the {kind} job is {job.state}, not succeeded",
            title="Conflict",
            extensions={"state": job.state},
        )
    path: Path = getattr(JobFiles(jobs.root, job_id), name)
    if not path.exists():
        raise ProblemError(404, "result_gone", f"the files of this {kind} are no longer kept")
    return path
