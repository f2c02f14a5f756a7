"""A quote's answer (`POST /v1/quotes`, `GET /v1/quotes/{id}`, `glocal quote --json`):
the models that declare it. `api.schemas.bodies.quote_body` writes a `routing.quote.Quote`
into exactly that shape (tests/api/schemas/test_quotes.py holds the two equal)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.types import Currency, Decimal, IsoDate, IsoDateTime
from carriers.model import Mode
from routing.orders import Incoterm


class Money(BaseModel):
    amount: Decimal
    currency: Currency


class Leg(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    carrier: str
    service: str
    mode: Mode
    from_: str = Field(alias="from")
    to: str


class Charge(BaseModel):
    """A charge line; duty, tax and fee lines say how they were computed."""

    kind: Literal["freight", "surcharge", "duty", "tax", "fee"]
    name: str
    amount: Decimal
    currency: Currency
    base: Decimal | None = Field(default=None, description="The amount the rate applies to.")
    rate: Decimal | Money | None = Field(
        default=None,
        description="A decimal fraction ('0.21' is 21 %), or a fixed amount per unit "
        "(EUR 3 per subheading) as a money object.",
    )
    rule_id: str | None = None
    source: str | None = None


class PromiseDates(BaseModel):
    p50: IsoDate
    p90: IsoDate
    p95: IsoDate
    on_time_probability: float | None = Field(
        default=None, ge=0, le=1, description="Given when the order has deliver_by."
    )
    source: Literal["schedule", "learned"] | None = Field(
        default=None,
        description="Where the dates come from: the schedule-based engine, or the learned "
        "promise model live on the server (`/v1/promise-calibrations/current`).",
    )
    calibration: str | None = Field(
        default=None, description="The id of the learned model, when `source` is learned."
    )


class Message(BaseModel):
    code: str
    message: str


class Departure(BaseModel):
    """A capacitated departure an option takes: what booking it consumes."""

    service: str
    date: IsoDate


class Option(BaseModel):
    option_id: str
    route: str
    incoterm: Incoterm
    tags: list[str]
    legs: list[Leg]
    charges: list[Charge]
    shipping: Money
    duties_and_taxes: Money
    total: Money
    promise: PromiseDates
    co2e_kg: float
    messages: list[Message]
    summary: str
    departures: list[Departure] | None = Field(
        default=None,
        description="The capacitated departures the option takes (the server's quotes): "
        "a booking consumes the order's kg and m3 on each.",
    )


class Excluded(BaseModel):
    route: str
    reasons: list[Message]


class FxUsed(BaseModel):
    base: str
    quote: str
    rate: Decimal
    as_of: IsoDate
    source: str


class QuoteResponse(BaseModel):
    """Ranked shipping options for one order, and the routes it could not take."""

    quote_id: str
    at: IsoDateTime
    expires_at: IsoDateTime | None = Field(
        default=None,
        description="Until when an option can be booked (`POST /v1/quotes/{id}/book`); "
        "the server's quotes state it.",
    )
    currency: Currency
    capacity_snapshot: str | None = Field(
        default=None,
        description="The bid-price snapshot that ranked the options (price plus the "
        "capacity's opportunity cost), when the server has one.",
    )
    fx: list[FxUsed] = []
    options: list[Option]
    excluded: list[Excluded]
