"""Problems (RFC 9457) and the health checks' answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.quotes import Excluded


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    network: bool
    database: bool


class FieldError(BaseModel):
    field: str = Field(description="Path of the field, e.g. items[1].hs_code.")
    message: str


class ProblemDetails(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None
    excluded: list[Excluded] | None = Field(
        default=None, description="With no_feasible_route: each route and why not."
    )
