"""What a client may ask of a plan job: the options of `POST /v1/plans` (query
parameters), checked before the job is queued, and turned into the planner's
`PlanParams` and `Scenario` when it runs."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from api.jobs.records import PLAN
from routing.plan import COLUMNS, PlanParams, Scenario, parse_scale

# Content types of an orders upload (and of a plan result), by format.
MEDIA_TYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
FORMATS = {
    "text/csv": "csv",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
    "application/parquet": "parquet",
}


class PlanOptions(BaseModel):
    """How to plan the uploaded orders (the `glocal plan` options of the same names)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: ClassVar[str] = PLAN
    columns: ClassVar[tuple[str, ...]] = COLUMNS  # the upload's header holds them
    upload: ClassVar[str] = "orders table"  # what the upload is, in a message

    horizon_days: int = Field(default=14, ge=1, le=90, description="Departures considered.")
    time_limit_s: float = Field(
        default=60,
        gt=0,
        le=3600,
        description="Seconds for the whole job from its start: every stage (load, plan, "
        "write), not only the solver. Past it the job fails naming the stage.",
    )
    hard_deadlines: bool = Field(default=False, description="Never plan a late route.")
    skip_invalid: bool = Field(default=False, description="Plan the valid rows, list the rest.")
    close: list[str] = Field(default=[], max_length=200, description="Service ids to close.")
    scale_capacity: list[str] = Field(
        default=[], max_length=200, description="SERVICE_ID=FACTOR, capacity scaled."
    )
    demand: float = Field(default=1.0, gt=0, le=100, description="Resample orders by a factor.")
    callback_url: HttpUrl | None = Field(
        default=None, description="Where to POST the signed webhook when the job ends."
    )

    def canonical(self) -> dict[str, Any]:
        """The options as stored with the job (JSON), in a fixed form."""
        data = self.model_dump(mode="json")
        data["close"] = sorted(set(self.close))
        return data

    def fingerprint(self) -> str:
        return json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))

    def params(self) -> PlanParams:
        return PlanParams(
            horizon_days=self.horizon_days,
            time_limit_s=self.time_limit_s,
            hard_deadlines=self.hard_deadlines,
        )

    def scenario(self) -> Scenario:
        return Scenario(frozenset(self.close), parse_scale(self.scale_capacity), self.demand)
