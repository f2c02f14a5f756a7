"""A quote's answer (`POST /v1/quotes`, `GET /v1/quotes/{id}`, `glocal quote --json`):
the models that document it, and `quote_body`, which writes a `routing.quote.Quote` into
exactly that shape (tests/api/schemas/test_quotes.py holds the two equal, field for field).

Amounts are decimal strings in major units, dates and times ISO 8601. The writer builds
plain dicts rather than model instances: a quote holds some three hundred values, and the
options of a route share its legs, lines, shipping and promise, each written once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.types import Currency, Decimal, IsoDate, IsoDateTime
from carriers.model import Mode
from carriers.money import Money as Amount
from routing.orders import Incoterm
from routing.quote import Excluded as ExcludedRoute
from routing.quote import Leg as RouteLeg
from routing.quote import Line, Quote
from routing.quote import Option as QuoteOption
from routing.quote import PromiseDates as Dates
from routing.quote.records import Message as Finding


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


class Message(BaseModel):
    code: str
    message: str


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
    currency: Currency
    fx: list[FxUsed] = []
    options: list[Option]
    excluded: list[Excluded]


def money_body(money: Amount) -> dict[str, str]:
    return {"amount": money.text, "currency": money.currency}


def quote_body(q: Quote) -> dict[str, Any]:
    """The quote as `QuoteResponse` describes it, JSON-ready."""
    written: dict[str, tuple[QuoteOption, dict[str, Any]]] = {}  # by route: its last option
    return {
        "quote_id": q.quote_id,
        "at": q.at.isoformat(),
        "currency": q.currency,
        "fx": [
            {
                "base": r.base,
                "quote": r.quote,
                "rate": str(r.rate),
                "as_of": r.as_of.isoformat(),
                "source": r.source,
            }
            for r in q.fx
        ],
        "options": [_option_body(o, written) for o in q.options],
        "excluded": excluded_body(q.excluded),
    }


def excluded_body(excluded: tuple[ExcludedRoute, ...]) -> list[dict[str, Any]]:
    """The routes an order could not take, each with its reasons (as `Excluded`)."""
    return [{"route": e.route, "reasons": [_message_body(m) for m in e.reasons]} for e in excluded]


def _option_body(
    o: QuoteOption, written: dict[str, tuple[QuoteOption, dict[str, Any]]]
) -> dict[str, Any]:
    """One option. The options of a route (DDP, DAP) share its legs, freight and duty
    lines, shipping and promise (the very same records): what the route's option before
    this one wrote of them is used again (the dicts are shared, read-only)."""
    before, body = written.get(o.route_id, (None, None))
    if before is None or body is None:
        legs = [_leg_body(g) for g in o.legs]
        charges = [_line_body(line) for line in o.charges]
        shipping, promise = money_body(o.shipping), _promise_body(o.promise)
    else:
        legs = body["legs"] if o.legs is before.legs else [_leg_body(g) for g in o.legs]
        charges = _lines_again(o.charges, before.charges, body["charges"])
        shipping = body["shipping"] if o.shipping is before.shipping else money_body(o.shipping)
        promise = body["promise"] if o.promise is before.promise else _promise_body(o.promise)
    out = {
        "option_id": o.option_id,
        "route": o.route_id,
        "incoterm": str(o.incoterm),
        "tags": list(o.tags),
        "legs": legs,
        "charges": charges,
        "shipping": shipping,
        "duties_and_taxes": money_body(o.duties_and_taxes),
        "total": money_body(o.total),
        "promise": promise,
        "co2e_kg": round(o.co2e_kg, 3),
        "messages": [_message_body(m) for m in o.messages],
        "summary": o.summary,
    }
    written[o.route_id] = (o, out)
    return out


def _lines_again(
    lines: tuple[Line, ...], before: tuple[Line, ...], written: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The charge lines, each written again only if it is not the line written before at
    its place."""
    return [
        written[i] if i < len(before) and line is before[i] else _line_body(line)
        for i, line in enumerate(lines)
    ]


def _promise_body(p: Dates) -> dict[str, Any]:
    found: dict[str, Any] = {"p50": _iso(p.p50), "p90": _iso(p.p90), "p95": _iso(p.p95)}
    if p.on_time_probability is not None:
        found["on_time_probability"] = round(p.on_time_probability, 4)
    return found


def _iso(day: date) -> str:
    return day.isoformat()


def _leg_body(g: RouteLeg) -> dict[str, Any]:
    return {
        "carrier": g.carrier,
        "service": g.service,
        "mode": str(g.mode),  # a StrEnum's str is its value, without `.value`'s Python calls
        "from": g.from_node,
        "to": g.to_node,
    }


def _line_body(line: Line) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": line.kind,
        "name": line.name,
        "amount": line.amount.text,
        "currency": line.amount.currency,
    }
    if line.kind in ("duty", "tax", "fee"):
        out["base"] = None if line.base is None else line.base.text
        out["rate"] = _rate_body(line.rate)
        out["rule_id"] = line.rule_id
        out["source"] = line.source
    return out


def _rate_body(rate: Fraction | Amount | None) -> str | dict[str, str] | None:
    if isinstance(rate, Amount):
        return money_body(rate)
    return None if rate is None else str(rate)


def _message_body(m: Finding) -> dict[str, str]:
    return {"code": m.code, "message": m.message}
