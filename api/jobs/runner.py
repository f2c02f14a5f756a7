"""The server's job runner: a thread, started and stopped with the app, that takes queued
jobs from the store and runs each in a process of its own (`python -m api.jobs.work` for
a plan, `api.jobs.design_work` for a design), so a job's minutes of CPU never stall the
requests.

Every poll it: reaps planning processes that ended (a crash fails its job, naming the
exit); ends the process of a job that was cancelled (`cancel_requested`) or that ran past
its `time_limit_s` by `overrun_seconds` (a stage the process itself cannot stop, a process
that hangs): SIGTERM, SIGKILL after `kill_grace_seconds`, the job recorded as cancelled or
failed naming the stage and the limit; renews the lease (`heartbeat_at`) of the jobs it
runs; takes back the jobs of runners that died (`JobRecords.reclaim_stale`); starts
queued jobs up to its concurrency, so a slot freed by a job ended this round is taken at
once. When the app stops it ends its planning processes and puts their jobs back in the
queue, so the next server start runs them again: a job is never lost and never stuck
running.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from api.jobs.design_options import DesignOptions
from api.jobs.files import JobFiles
from api.jobs.options import PlanOptions
from api.jobs.records import (
    CANCELLED,
    DESIGN,
    FAILED,
    PLAN,
    RUNNING,
    JobRecords,
    PlanJob,
    reason_problem,
)
from api.jobs.views import cancelled_problem, error_problem, progress
from routing.plan import time_limit_error

log = logging.getLogger("glocal.jobs")
PROCESSES = {PLAN: "api.jobs.work", DESIGN: "api.jobs.design_work"}  # by job kind
OPTIONS: dict[str, type[PlanOptions | DesignOptions]] = {PLAN: PlanOptions, DESIGN: DesignOptions}


@dataclass(frozen=True)
class RunnerConfig:
    root: Path  # the plans directory
    database_url: str
    network_dir: Path | None
    scheduler: str | None
    concurrency: int
    lease_seconds: float
    max_attempts: int
    poll_seconds: float
    overrun_seconds: float = 30.0  # past its time limit, a job's process is ended
    kill_grace_seconds: float = 5.0  # from SIGTERM to SIGKILL
    dates_back_days: int | None = None  # the window of created_at (None: date_window's)
    dates_ahead_days: int | None = None


@dataclass
class _Running:
    job: PlanJob
    process: subprocess.Popen[bytes]
    limit: float  # the job's time_limit_s
    ends: float  # time.monotonic() when its process is ended: the limit, and the overrun


class JobRunner:
    def __init__(self, records: JobRecords, config: RunnerConfig) -> None:
        self.records, self.config = records, config
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._running: dict[str, _Running] = {}
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._loop, name="glocal-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Look for queued jobs now (a job was just posted)."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                self.tick()
                self._wake.wait(self.config.poll_seconds)
                self._wake.clear()
        finally:
            self._shutdown()

    def tick(self) -> None:
        """One round: reap, end cancelled and overdue jobs, renew leases, take back stale
        jobs, start queued ones."""
        try:
            self._reap()
            self._enforce()
            self.records.heartbeat(self.owner, list(self._running))
            lease = timedelta(seconds=self.config.lease_seconds)
            for stale in self.records.reclaim_stale(lease, self.config.max_attempts):
                log.warning(
                    "took back a job of a runner that stopped",
                    extra={"job_id": stale.job_id, "owner": stale.owner},
                )
            while len(self._running) < self.config.concurrency and not self._stop.is_set():
                job = self.records.claim_next(self.owner)
                if job is None:
                    break
                self._launch(job)
        except (SQLAlchemyError, OSError):  # the store is down, the disk full: next round
            log.exception("job runner round failed")

    def _launch(self, job: PlanJob) -> None:
        files = JobFiles(self.config.root, job.job_id)
        if not files.upload(job.kind, job.input_format).exists():
            detail = "the uploaded table of this job is gone from the plans directory"
            self.records.finish(
                job.job_id, self.owner, FAILED, error=reason_problem("input_lost", detail)
            )
            return
        command = [
            sys.executable,
            "-m",
            PROCESSES[job.kind],
            job.job_id,
            self.owner,
            "--root",
            str(self.config.root),
        ]
        if self.config.network_dir is not None:
            command += ["--network", str(self.config.network_dir)]
        if self.config.scheduler and job.kind == PLAN:
            command += ["--scheduler", self.config.scheduler]
        for flag, days in (
            ("--dates-back-days", self.config.dates_back_days),
            ("--dates-ahead-days", self.config.dates_ahead_days),
        ):
            if days is not None and job.kind == PLAN:
                command += [flag, str(days)]
        env = {**os.environ, "GLOCAL_DATABASE_URL": absolute(self.config.database_url)}
        with files.log.open("ab") as sink:  # cwd: the job's files go by their names only
            process = subprocess.Popen(
                command,
                env=env,
                cwd=files.dir,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        limit = _time_limit(job)
        ends = time.monotonic() + limit + self.config.overrun_seconds
        self._running[job.job_id] = _Running(job, process, limit, ends)
        log.info("plan job started", extra={"job_id": job.job_id, "attempt": job.attempts})

    def _reap(self) -> None:
        for job_id, run in list(self._running.items()):
            code = run.process.poll()
            if code is None:
                continue
            del self._running[job_id]
            found = self.records.get(job_id)
            if found is not None and found.state == RUNNING and found.owner == self.owner:
                self.records.finish(job_id, self.owner, FAILED, error=_crashed(code))
                log.error("planning process failed", extra={"job_id": job_id, "code": code})
            else:
                log.info(
                    "plan job ended",
                    extra={"job_id": job_id, "state": found.state if found else None},
                )

    def _enforce(self) -> None:
        """End the process of a job cancelled by its client, or of one past its time limit
        and the overrun; record why, and free its slot."""
        now = time.monotonic()
        for job_id, run in list(self._running.items()):
            found = self.records.get(job_id)
            if found is None or found.state != RUNNING or found.owner != self.owner:
                continue  # recorded by its process (reaped next round), or taken back
            stage = progress(found)["stage"] or "start-up"
            if found.cancel_requested:
                self._end(run, CANCELLED, cancelled_problem(stage))
            elif now >= run.ends:
                self._end(run, FAILED, self._overran(run, stage))

    def _overran(self, run: _Running, stage: str) -> dict[str, Any]:
        problem = error_problem(time_limit_error(run.limit, stage))
        problem["detail"] += (
            f" (its planning process was ended {self.config.overrun_seconds:g} s past it)"
        )
        return problem

    def _end(self, run: _Running, state: str, error: dict[str, Any]) -> None:
        job_id = run.job.job_id
        stop_process(run.process, self.config.kill_grace_seconds)
        del self._running[job_id]
        recorded = self.records.finish(job_id, self.owner, state, error=error)
        log.warning(
            "plan job's process ended by the runner",
            extra={"job_id": job_id, "state": state, "recorded": recorded},
        )

    def _shutdown(self) -> None:
        """End the planning processes and give their jobs back to the queue."""
        for run in self._running.values():
            run.process.terminate()
        for job_id, run in self._running.items():
            try:
                run.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                run.process.kill()
                run.process.wait()
            if self.records.requeue(job_id, self.owner):
                log.info("plan job re-queued at shutdown", extra={"job_id": job_id})
        self._running.clear()


def stop_process(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _time_limit(job: PlanJob) -> float:
    options = OPTIONS[job.kind]
    try:
        return options.model_validate(job.options).time_limit_s
    except ValidationError:  # its process fails on these options, saying why
        return options().time_limit_s


def absolute(url: str) -> str:
    """A SQLite URL with a relative path, made absolute (the planning process runs in the
    job's directory)."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(Path(url.removeprefix(prefix)).resolve())
    return url


def _crashed(code: int) -> dict[str, object]:
    if code < 0:
        how = f"was ended by signal {signal.Signals(-code).name}"
        if code == -signal.SIGKILL:
            how += " (out of memory?)"
    else:
        how = f"exited with code {code}"
    detail = f"the planning process {how}; its log is planner.log in the job's directory"
    return reason_problem("internal_error", detail)
