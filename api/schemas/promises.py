"""A product page's promises (`POST /v1/promises`): the models that declare the answer
(`api.schemas.bodies.promises_body` writes the engine's records into it)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.quotes import Money
from api.schemas.types import Currency, IsoDate, IsoDateTime


class PromiseWindow(BaseModel):
    """One option's total and delivery dates."""

    total: Money
    p50: IsoDate
    p90: IsoDate
    p95: IsoDate
    source: Literal["schedule", "learned"] | None = Field(
        default=None, description="Where the dates come from (as a quote option's promise)."
    )
    calibration: str | None = Field(
        default=None, description="The id of the learned model, when `source` is learned."
    )


class PriceRange(BaseModel):
    min: Money
    max: Money


class DestinationPromise(BaseModel):
    """What a product page can show for one destination; `reasons` when nothing ships."""

    country: str
    postal_code: str
    options: int
    currency: Currency
    price_range: PriceRange | None = None
    cheapest: PromiseWindow | None = None
    fastest: PromiseWindow | None = None
    reasons: list[str] | None = None


class PromiseResponse(BaseModel):
    at: IsoDateTime
    destinations: list[DestinationPromise]
