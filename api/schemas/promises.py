"""A product page's promises (`POST /v1/promises`): the models that document the answer,
and `promises_body`, which writes the engine's `DestinationPromise` records into it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from api.schemas.quotes import Money, money_body
from api.schemas.types import Currency, IsoDate, IsoDateTime
from routing.quote import DestinationPromise as Promised
from routing.quote import Window


class PromiseWindow(BaseModel):
    """One option's total and delivery dates."""

    total: Money
    p50: IsoDate
    p90: IsoDate
    p95: IsoDate


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


def promises_body(at: datetime, answers: list[Promised]) -> dict[str, Any]:
    """The answer as `PromiseResponse` describes it, JSON-ready (members that do not apply
    to a destination are left out: `reasons` when it ships, the prices when it does not)."""
    return {"at": at.isoformat(), "destinations": [_destination(a) for a in answers]}


def _destination(a: Promised) -> dict[str, Any]:
    head = {"country": a.country, "postal_code": a.postal_code, "options": a.options}
    if a.cheapest is None or a.fastest is None or a.lowest is None or a.highest is None:
        return {**head, "currency": a.currency, "reasons": list(a.reasons)}
    return {
        **head,
        "currency": a.currency,
        "price_range": {"min": money_body(a.lowest), "max": money_body(a.highest)},
        "cheapest": _window(a.cheapest),
        "fastest": _window(a.fastest),
    }


def _window(w: Window) -> dict[str, Any]:
    dates = w.dates
    return {
        "total": money_body(w.total),
        "p50": dates.p50.isoformat(),
        "p90": dates.p90.isoformat(),
        "p95": dates.p95.isoformat(),
    }
