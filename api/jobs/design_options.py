"""What a planner may ask of a design job (the console's designs page): the options of
`glocal design FORECAST` and of its robustness replay (`glocal design evaluate`), checked
before the job is queued."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from api.jobs.records import DESIGN
from routing.design.forecast import COLUMNS


class DesignOptions(BaseModel):
    """How to design a season for the uploaded forecast."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: ClassVar[str] = DESIGN
    columns: ClassVar[tuple[str, ...]] = COLUMNS  # the upload's header holds them
    upload: ClassVar[str] = "forecast"  # what the upload is, in a message
    callback_url: ClassVar[None] = None  # a design job sends no webhook

    weeks: int | None = Field(
        default=None, ge=1, le=60, description="Design the first N weeks only (all: None)."
    )
    time_limit_s: float = Field(
        default=300,
        gt=0,
        le=3600,
        description="Seconds for the whole job: building, solving, the robustness replay "
        "and writing. Past it the job fails naming the stage.",
    )
    scenarios: int = Field(
        default=5, ge=0, le=50, description="Demand scenarios replayed over the booking."
    )
    seed: int = Field(default=1, ge=0, le=2**31 - 1, description="Seed of the scenarios.")
    demand_quantile: float | None = Field(
        default=None, gt=0, lt=1, description="Book for this quantile of demand, not the mean."
    )

    def canonical(self) -> dict[str, Any]:
        """The options as stored with the job (JSON)."""
        return self.model_dump(mode="json")

    def fingerprint(self) -> str:
        return json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
