"""What a quote is made of: options, charge lines, promise dates, exclusions, the rates
used. The doors write them as JSON (`api.schemas`); here they are typed records, amounts
as `Money`, dates as dates.

The records a quote is made of are named tuples: a quote builds dozens of them, and a
named tuple is made several times faster than a frozen dataclass (immutable alike)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from carriers.model import Mode
from carriers.money import Money
from routing.fx import FxRate
from routing.network import Route
from routing.orders import Incoterm
from routing.promise.served import Lane
from routing.quote.emissions import Factors


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
    source: str = "schedule"  # "learned": from the served model `calibration`
    calibration: str | None = None


class Departure(NamedTuple):
    """A capacitated departure an option takes: service id, local departure date."""

    service: str
    date: date


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
    departures: tuple[Departure, ...] = ()  # its capacitated departures, when capacity is known


class Excluded(NamedTuple):
    route: str
    reasons: tuple[Message, ...]


@dataclass(frozen=True)
class RouteFacts:
    """What a quote needs of a route that the route alone decides, kept by the engine."""

    indices: tuple[int, ...]  # the services' compiled indices
    services: Route
    route_id: str
    legs: tuple[Leg, ...]
    co2e: Factors
    carriers: tuple[str, ...]  # the carriers' display names, leg by leg
    modes: tuple[Mode, ...]
    lane: Lane  # what the learned promise knows the route by


@dataclass(frozen=True)
class Quote:
    quote_id: str
    at: datetime
    currency: str
    options: tuple[Option, ...]
    excluded: tuple[Excluded, ...]
    fx: tuple[FxRate, ...] = field(default=())
    capacity_snapshot: str | None = None  # the bid prices that ranked it, if any


def new_quote_id() -> str:
    return f"q_{uuid.uuid4().hex}"


def legs_of(route: Route) -> tuple[Leg, ...]:
    return tuple(Leg(s.carrier, s.id, s.mode, s.from_node, s.to_node) for s in route)
