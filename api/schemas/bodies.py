"""The writers of the answers: each fills the shape its model declares (in
`api.schemas.quotes`, `.promises`, `.network`) from the engine's typed records, as plain
JSON-ready dicts (tests read them back through the models unchanged). A quote holds some
three hundred values: these writers are part of the compiled quote path (pyproject.toml),
and write what the options of a route share once.

Amounts are decimal strings in major units, dates and times ISO 8601.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal as Fraction
from typing import TYPE_CHECKING, Any

from carriers.money import Money as Amount
from routing.network import Network
from routing.network.summary import Summary
from routing.quote import DestinationPromise as Promised
from routing.quote import Excluded as ExcludedRoute
from routing.quote import Leg as RouteLeg
from routing.quote import Line, Quote, Window
from routing.quote import Option as QuoteOption
from routing.quote import PromiseDates as Dates
from routing.quote.records import Message as Finding

if TYPE_CHECKING:
    from api.calibration import Live


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
        **({} if q.capacity_snapshot is None else {"capacity_snapshot": q.capacity_snapshot}),
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
    if o.departures:
        out["departures"] = [{"service": d.service, "date": _iso(d.date)} for d in o.departures]
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
    found["source"] = p.source
    if p.calibration is not None:
        found["calibration"] = p.calibration
    return found


_TWO_DIGITS = tuple(f"{i:02d}" for i in range(100))


def _iso(day: date) -> str:
    """`day.isoformat()`, put together from a table of two-digit strings: a quote writes
    some thirty dates, and the format costs ten times as much (measured, compiled)."""
    year = day.year
    head = str(year) if year >= 1000 else f"{year:04d}"
    return head + "-" + _TWO_DIGITS[day.month] + "-" + _TWO_DIGITS[day.day]


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
    found = {
        "total": money_body(w.total),
        "p50": dates.p50.isoformat(),
        "p90": dates.p90.isoformat(),
        "p95": dates.p95.isoformat(),
        "source": dates.source,
    }
    if dates.calibration is not None:
        found["calibration"] = dates.calibration
    return found


def summary_body(summary: Summary, network: str | None) -> dict[str, Any]:
    """The summary as `NetworkSummary` describes it, naming the network as `network`
    (the API gives the directory's name, not where it lies on the server)."""
    figures = asdict(summary)
    del figures["source"]
    return {"network": network, **figures}


def carriers_body(network: Network) -> dict[str, Any]:
    """Every carrier of the network with its services, as `CarriersResponse` describes."""
    by_carrier: dict[str, list[dict[str, Any]]] = {c: [] for c in network.carrier_names}
    for s in sorted(network.services, key=lambda s: s.id):
        by_carrier.setdefault(s.carrier, []).append(
            {"id": s.id, "name": s.name, "from": s.from_node, "to": s.to_node, "mode": s.mode}
        )
    carriers = [
        {"id": c, "name": network.carrier_names.get(c, c), "services": services}
        for c, services in sorted(by_carrier.items())
    ]
    return {"carriers": carriers}


def calibration_body(live: Live) -> dict[str, Any]:
    """A live promise model as `PromiseCalibration` describes it."""
    model, stored = live.served.model, live.stored
    vocabulary = model.vocabulary.values
    return {
        "id": live.served.model_id,
        "version": stored.seq,
        "posted_at": stored.created_at.isoformat(),
        "posted_by": stored.key_id,
        "bytes": stored.bytes,
        "levels": list(model.levels),
        "adaptive_levels": [round(1 - float(a), 6) for a in model.conformal.alpha],
        "n_fit": model.n_fit,
        "n_seen": model.n_seen,
        **{name: list(vocabulary.get(key, ())) for name, key in _VOCABULARY},
    }


_VOCABULARY = (("modes", "mode"), ("origins", "origin"), ("destinations", "destination"))
