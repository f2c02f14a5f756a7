"""Plan jobs in the store (`api.store.plan_jobs`): every change of a job is one short
transaction whose WHERE clause says which state it moves from, so that two runners (two
server processes, or a server and the planning process it started) never both win.

A job's life: `queued` -> `running` (claimed by one runner, its `owner`, who renews
`heartbeat_at`) -> `succeeded` | `failed` | `cancelled`. A running job whose owner stops
cleanly goes back to `queued`; one whose owner died (its heartbeat older than the lease)
is taken back by any other runner: re-queued, or failed when it was tried too often.
A job's `kind` says what it runs: a batch plan (`plan`) or a season's design (`design`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from api.store import Store, plan_jobs, webhook_secrets

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = (
    "queued",
    "running",
    "succeeded",
    "failed",
    "cancelled",
)
STATES = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)
FINAL = frozenset({SUCCEEDED, FAILED, CANCELLED})
PLAN, DESIGN = "plan", "design"  # what a job runs: a batch plan, a season's lane design
PENDING, DELIVERED = "pending", "delivered"  # callback states (and FAILED)
_JSON_COLUMNS = ("options", "progress", "error", "outcome")


@dataclass(frozen=True)
class PlanJob:
    job_id: str
    key_id: str
    state: str
    request_hash: str
    options: dict[str, Any]
    input_format: str
    input_bytes: int
    created_at: datetime
    idempotency_key: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    owner: str | None = None
    attempts: int = 0
    cancel_requested: bool = False
    progress: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    outcome: dict[str, Any] | None = None
    callback_url: str | None = None
    callback_state: str | None = None
    callback_attempts: int = 0
    callback_next_at: datetime | None = None
    callback_error: str | None = None
    kind: str = PLAN


def new_job_id(kind: str = PLAN) -> str:
    return f"{kind}_{secrets.token_hex(12)}"


def _row(job: PlanJob) -> dict[str, Any]:
    row = asdict(job)
    for name in _JSON_COLUMNS:
        row[name] = None if row[name] is None else json.dumps(row[name], separators=(",", ":"))
    return row


def _job(row: sa.RowMapping) -> PlanJob:
    values = dict(row)
    for name in _JSON_COLUMNS:
        values[name] = None if values[name] is None else json.loads(values[name])
    values["cancel_requested"] = bool(values["cancel_requested"])
    return PlanJob(**values)


def _now() -> datetime:
    return datetime.now(UTC)


_FINISH_CALLBACK = sa.case((plan_jobs.c.callback_url.is_(None), None), else_=PENDING)


class JobRecords:
    """The plan jobs of a store; every method is one short transaction."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    # -- the client's side ---------------------------------------------------------------

    def create(self, job: PlanJob) -> tuple[PlanJob, bool]:
        """Insert a job; if its idempotency key is taken, (the job holding it, False)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(plan_jobs.insert().values(**_row(job)))
            return job, True
        except IntegrityError:
            if job.idempotency_key is None:
                raise
            found = self.by_idempotency_key(job.key_id, job.idempotency_key)
            if found is None:
                raise
            return found, False

    def by_idempotency_key(self, key_id: str, idempotency_key: str) -> PlanJob | None:
        query = plan_jobs.select().where(
            plan_jobs.c.key_id == key_id, plan_jobs.c.idempotency_key == idempotency_key
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _job(row._mapping)

    def get(self, job_id: str) -> PlanJob | None:
        with self.engine.connect() as conn:
            row = conn.execute(plan_jobs.select().where(plan_jobs.c.job_id == job_id)).first()
        return None if row is None else _job(row._mapping)

    def of_key(self, key_id: str, limit: int = 50, kind: str = PLAN) -> list[PlanJob]:
        """A key's latest jobs of a kind, newest first (the console lists them)."""
        query = (
            plan_jobs.select()
            .where(plan_jobs.c.key_id == key_id, plan_jobs.c.kind == kind)
            .order_by(plan_jobs.c.created_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_job(row._mapping) for row in conn.execute(query)]

    def cancel(self, job_id: str, now: datetime | None = None) -> PlanJob | None:
        """A queued job is cancelled at once; a running one is asked to stop (its planner
        stops at the next stage); a finished one stays as it is."""
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(
                plan_jobs.update()
                .where(plan_jobs.c.job_id == job_id, plan_jobs.c.state == QUEUED)
                .values(
                    state=CANCELLED,
                    finished_at=now,
                    callback_state=_FINISH_CALLBACK,
                    callback_next_at=now,
                    error=_reason("cancelled", "cancelled while queued"),
                )
            )
            conn.execute(
                plan_jobs.update()
                .where(plan_jobs.c.job_id == job_id, plan_jobs.c.state == RUNNING)
                .values(cancel_requested=True)
            )
        return self.get(job_id)

    # -- the runner's side ---------------------------------------------------------------

    def claim_next(self, owner: str, now: datetime | None = None) -> PlanJob | None:
        """The oldest queued job, now running under `owner`; None when none is queued."""
        now = now or _now()
        oldest = (
            sa.select(plan_jobs.c.job_id)
            .where(plan_jobs.c.state == QUEUED)
            .order_by(plan_jobs.c.created_at, plan_jobs.c.job_id)
            .limit(5)
        )
        with self.engine.connect() as conn:
            candidates = list(conn.execute(oldest).scalars())
        for job_id in candidates:
            with self.engine.begin() as conn:
                done = conn.execute(
                    plan_jobs.update()
                    .where(plan_jobs.c.job_id == job_id, plan_jobs.c.state == QUEUED)
                    .values(
                        state=RUNNING,
                        owner=owner,
                        started_at=now,
                        heartbeat_at=now,
                        attempts=plan_jobs.c.attempts + 1,
                        progress="[]",
                    )
                )
            if done.rowcount == 1:
                return self.get(job_id)
        return None

    def heartbeat(self, owner: str, job_ids: list[str], now: datetime | None = None) -> None:
        if not job_ids:
            return
        with self.engine.begin() as conn:
            conn.execute(
                plan_jobs.update()
                .where(
                    plan_jobs.c.job_id.in_(job_ids),
                    plan_jobs.c.owner == owner,
                    plan_jobs.c.state == RUNNING,
                )
                .values(heartbeat_at=now or _now())
            )

    def report(self, job_id: str, owner: str, progress: list[dict[str, Any]]) -> bool:
        """Record progress; returns whether the job should go on (still ours, still
        running, no cancel asked)."""
        with self.engine.begin() as conn:
            conn.execute(
                plan_jobs.update()
                .where(
                    plan_jobs.c.job_id == job_id,
                    plan_jobs.c.owner == owner,
                    plan_jobs.c.state == RUNNING,
                )
                .values(progress=json.dumps(progress, separators=(",", ":")))
            )
            row = conn.execute(
                sa.select(plan_jobs.c.state, plan_jobs.c.owner, plan_jobs.c.cancel_requested).where(
                    plan_jobs.c.job_id == job_id
                )
            ).first()
        return (
            row is not None
            and row.state == RUNNING
            and row.owner == owner
            and (not row.cancel_requested)
        )

    def finish(
        self,
        job_id: str,
        owner: str,
        state: str,
        *,
        error: dict[str, Any] | None = None,
        outcome: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Move a running job of `owner` to a final state; False if it was not theirs."""
        assert state in FINAL
        now = now or _now()
        with self.engine.begin() as conn:
            done = conn.execute(
                plan_jobs.update()
                .where(
                    plan_jobs.c.job_id == job_id,
                    plan_jobs.c.owner == owner,
                    plan_jobs.c.state == RUNNING,
                )
                .values(
                    state=state,
                    finished_at=now,
                    owner=None,
                    error=None if error is None else json.dumps(error),
                    outcome=None if outcome is None else json.dumps(outcome),
                    callback_state=_FINISH_CALLBACK,
                    callback_next_at=now,
                )
            )
        return done.rowcount == 1

    def requeue(self, job_id: str, owner: str) -> bool:
        """Give a running job back to the queue (its runner is stopping)."""
        with self.engine.begin() as conn:
            done = conn.execute(
                plan_jobs.update()
                .where(
                    plan_jobs.c.job_id == job_id,
                    plan_jobs.c.owner == owner,
                    plan_jobs.c.state == RUNNING,
                )
                .values(state=QUEUED, owner=None, heartbeat_at=None)
            )
        return done.rowcount == 1

    def reclaim_stale(
        self, lease: timedelta, max_attempts: int, now: datetime | None = None
    ) -> list[PlanJob]:
        """Running jobs whose runner has not been heard of for `lease`: re-queued, or
        failed with the reason when they were started `max_attempts` times already."""
        now = now or _now()
        stale = plan_jobs.select().where(
            plan_jobs.c.state == RUNNING, plan_jobs.c.heartbeat_at < now - lease
        )
        with self.engine.connect() as conn:
            found = [_job(r._mapping) for r in conn.execute(stale)]
        taken = []
        for job in found:
            if job.attempts >= max_attempts:
                detail = (
                    f"the server running this plan stopped {job.attempts} times before "
                    "it finished; not retried again"
                )
                ok = self.finish(
                    job.job_id,
                    job.owner or "",
                    FAILED,
                    error=reason_problem("interrupted", detail),
                    now=now,
                )
            else:
                ok = self.requeue(job.job_id, job.owner or "")
            if ok:
                taken.append(job)
        return taken

    # -- webhook deliveries --------------------------------------------------------------

    def due_callbacks(self, now: datetime | None = None, limit: int = 20) -> list[PlanJob]:
        query = (
            plan_jobs.select()
            .where(
                plan_jobs.c.callback_state == PENDING,
                plan_jobs.c.callback_next_at <= (now or _now()),
            )
            .order_by(plan_jobs.c.callback_next_at)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_job(r._mapping) for r in conn.execute(query)]

    def hold_callback(self, job_id: str, until: datetime, now: datetime | None = None) -> bool:
        """Take a due delivery for this process until `until` (no other sender takes it)."""
        with self.engine.begin() as conn:
            done = conn.execute(
                plan_jobs.update()
                .where(
                    plan_jobs.c.job_id == job_id,
                    plan_jobs.c.callback_state == PENDING,
                    plan_jobs.c.callback_next_at <= (now or _now()),
                )
                .values(callback_next_at=until)
            )
        return done.rowcount == 1

    def callback_tried(
        self, job_id: str, state: str, error: str | None, next_at: datetime | None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                plan_jobs.update()
                .where(plan_jobs.c.job_id == job_id)
                .values(
                    callback_state=state,
                    callback_error=error,
                    callback_next_at=next_at,
                    callback_attempts=plan_jobs.c.callback_attempts + 1,
                )
            )

    # -- signing secrets -----------------------------------------------------------------

    def webhook_secret(self, key_id: str, rotate: bool = False) -> str:
        """The key's webhook signing secret, made on first use (or anew with `rotate`)."""
        query = sa.select(webhook_secrets.c.secret).where(webhook_secrets.c.key_id == key_id)
        # a read, then a write: take the write lock first (SQLite cannot upgrade a read)
        with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
            found = conn.execute(query).scalar()
            if found is not None and not rotate:
                return str(found)
            secret = f"whsec_{secrets.token_urlsafe(32)}"
            if found is None:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            webhook_secrets.insert().values(
                                key_id=key_id, secret=secret, created_at=_now()
                            )
                        )
                except IntegrityError:  # made meanwhile by another request
                    return str(conn.execute(query).scalar())
            else:
                conn.execute(
                    webhook_secrets.update()
                    .where(webhook_secrets.c.key_id == key_id)
                    .values(secret=secret, created_at=_now())
                )
        return secret


def reason_problem(code: str, detail: str, status: int = 500) -> dict[str, Any]:
    """The problem document of a job that ended without a plan."""
    return {
        "type": f"urn:glocal:problem:{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
    }


def _reason(code: str, detail: str) -> str:
    return json.dumps(reason_problem(code, detail, 409))
