"""Plan jobs (`/v1/plans`) and webhook secrets (`/v1/webhook-secret`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.problems import ProblemDetails

State = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class Stage(BaseModel):
    name: str = Field(description="load, aggregate, routes, model, refine, solve, ...")
    state: Literal["pending", "running", "done"]
    seconds: float | None = None


class Progress(BaseModel):
    stage: str | None = Field(description="The stage running now (while running).")
    done: int
    total: int
    stages: list[Stage]


class Timings(BaseModel):
    queued_seconds: float | None
    running_seconds: float | None
    stage_seconds: dict[str, float]


class Callback(BaseModel):
    url: str
    state: Literal["pending", "delivered", "failed"] | None = Field(
        description="null until the job ends."
    )
    attempts: int
    last_error: str | None


class InputFile(BaseModel):
    format: Literal["csv", "parquet"]
    bytes: int


class Outcome(BaseModel):
    model_config = ConfigDict(extra="allow")

    orders: dict[str, int]
    currency: str
    cost: float
    objective: float
    greedy_objective: float
    plan_source: str
    gap_to_lp_bound: float | None
    blocks: int


class PlanJobOut(BaseModel):
    """A plan job: its state, progress by stage, timings, and once ended its outcome (or
    the problem that failed it)."""

    job_id: str
    state: State
    created_at: str
    started_at: str | None
    finished_at: str | None
    timings: Timings
    attempts: int = Field(description="Runs started (a server restart runs a job again).")
    cancel_requested: bool
    progress: Progress
    options: dict[str, Any]
    input: InputFile
    outcome: Outcome | None = Field(description="Headline figures of a succeeded plan.")
    error: ProblemDetails | None = Field(description="Why a job failed or was cancelled.")
    callback: Callback | None
    links: dict[str, str]


class WebhookSecret(BaseModel):
    secret: str = Field(description="HMAC-SHA256 key of this API key's webhooks.")
