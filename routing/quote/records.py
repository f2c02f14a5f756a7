"""What a quote is made of (options, charge lines, promise dates, exclusions) and its JSON
contract, amounts as decimal strings.

The records a quote is made of are named tuples: a quote builds dozens of them, and a
named tuple is made several times faster than a frozen dataclass (immutable alike)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from babel.numbers import get_territory_currencies

from carriers.errors import InvalidOrder, Problem
from carriers.model import ORIGIN_KINDS, Mode, Service
from carriers.money import Money
from routing.fx import FxRate
from routing.network import Network
from routing.orders import Incoterm, Order

T = TypeVar("T")

Route = tuple[Service, ...]


class Leg(NamedTuple):
    carrier: str
    service: str
    mode: Mode
    from_node: str
    to_node: str


class Line(NamedTuple):
    """One charge in the answer's currency; duty/tax/fee lines carry how they were computed."""

    kind: str  # freight, surcharge, duty, tax, fee
    name: str
    amount: Money
    base: Money | None = None
    rate: Decimal | Money | None = None  # a fraction (0.21), or a fixed amount
    rule_id: str = ""
    source: str = ""


class Message(NamedTuple):
    code: str
    message: str


class PromiseDates(NamedTuple):
    p50: date
    p90: date
    p95: date
    on_time_probability: float | None = None


class Option(NamedTuple):
    option_id: str
    route_id: str
    incoterm: Incoterm
    legs: tuple[Leg, ...]
    charges: tuple[Line, ...]
    shipping: Money
    duties_and_taxes: Money
    total: Money
    promise: PromiseDates
    co2e_kg: float
    messages: tuple[Message, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""


class Excluded(NamedTuple):
    route: str
    reasons: tuple[Message, ...]


@dataclass(frozen=True)
class Quote:
    quote_id: str
    at: datetime
    currency: str
    options: tuple[Option, ...]
    excluded: tuple[Excluded, ...]
    fx: tuple[FxRate, ...] = field(default=())


def answer_currency(order: Order, currency: str | None) -> str:
    """The buyer's currency: asked for, else the order's, else the destination country's."""
    if currency or order.currency:
        return str(currency or order.currency)
    found = get_territory_currencies(order.destination.country, tender=True)
    if not found:
        raise InvalidOrder([Problem("order", "currency", "give the answer's currency")])
    return str(found[0])


def check_origin(order: Order, network: Network) -> None:
    node = network.node(order.origin)
    if node.kind not in ORIGIN_KINDS:
        raise InvalidOrder(
            [
                Problem(
                    "order",
                    "origin",
                    f"{node.id} is a {node.kind.value}, not an origin warehouse or hub",
                )
            ]
        )


def new_quote_id() -> str:
    return f"q_{uuid.uuid4().hex}"


def legs_of(route: Route) -> tuple[Leg, ...]:
    return tuple(Leg(s.carrier, s.id, s.mode, s.from_node, s.to_node) for s in route)


def money_json(money: Money) -> dict[str, str]:
    return {"amount": money.text, "currency": money.currency}


def quote_json(q: Quote) -> dict[str, Any]:
    """The quote contract, JSON-ready (amounts as decimal strings)."""
    seen: dict[int, dict[str, Any]] = {}  # what the options share, written once (`_once`)
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
        "options": [_option_json(o, seen) for o in q.options],
        "excluded": [
            {"route": e.route, "reasons": [_message_json(m) for m in e.reasons]} for e in q.excluded
        ],
    }


def _option_json(o: Option, seen: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {
        "option_id": o.option_id,
        "route": o.route_id,
        "incoterm": str(o.incoterm),
        "tags": list(o.tags),
        "legs": [_once(g, _leg_json, seen) for g in o.legs],
        "charges": [_once(line, _line_json, seen) for line in o.charges],
        "shipping": _once(o.shipping, money_json, seen),  # the route's options share these
        "duties_and_taxes": money_json(o.duties_and_taxes),
        "total": money_json(o.total),
        "promise": _once(o.promise, _promise_json, seen),
        "co2e_kg": round(o.co2e_kg, 3),
        "messages": [_message_json(m) for m in o.messages],
        "summary": o.summary,
    }


def _once(
    part: T, write: Callable[[T], dict[str, Any]], seen: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """`write(part)`, made once per quote: options share their route's legs, lines,
    shipping and promise, and `seen` keeps each one's JSON by its identity (the quote holds
    them for the whole call, so no id is reused; the dicts are shared, read-only)."""
    found = seen.get(id(part))
    if found is None:
        found = seen[id(part)] = write(part)
    return found


def _promise_json(p: PromiseDates) -> dict[str, Any]:
    found: dict[str, Any] = {"p50": _iso(p.p50), "p90": _iso(p.p90), "p95": _iso(p.p95)}
    if p.on_time_probability is not None:
        found["on_time_probability"] = round(p.on_time_probability, 4)
    return found


_ISO_DATES: dict[date, str] = {}  # promise dates: a few hundred distinct days a year


def _iso(day: date) -> str:
    found = _ISO_DATES.get(day)
    if found is None:
        if len(_ISO_DATES) > 100_000:
            _ISO_DATES.clear()
        found = _ISO_DATES[day] = day.isoformat()
    return found


def _leg_json(g: Leg) -> dict[str, Any]:
    return {
        "carrier": g.carrier,
        "service": g.service,
        "mode": str(g.mode),  # a StrEnum's str is its value, without `.value`'s Python calls
        "from": g.from_node,
        "to": g.to_node,
    }


def _line_json(line: Line) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": line.kind,
        "name": line.name,
        "amount": line.amount.text,
        "currency": line.amount.currency,
    }
    if line.kind in ("duty", "tax", "fee"):
        out["base"] = None if line.base is None else line.base.text
        out["rate"] = _rate_json(line.rate)
        out["rule_id"] = line.rule_id
        out["source"] = line.source
    return out


def _rate_json(rate: Decimal | Money | None) -> str | dict[str, str] | None:
    if isinstance(rate, Money):
        return money_json(rate)
    return None if rate is None else str(rate)


def _message_json(m: Message) -> dict[str, str]:
    return {"code": m.code, "message": m.message}
