"""A carrier file (`carriers/*.toml`): its header, its rate cards and its services, each
field checked and every problem placed at its line."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any

from carriers.errors import Problem
from carriers.model import (
    WEEKDAYS,
    BatteryClass,
    Capacity,
    Carrier,
    ConsolidationUnit,
    Coverage,
    CustomsRegime,
    CustomsRole,
    GoodsCategory,
    Mode,
    Node,
    RateCard,
    Restrictions,
    Schedule,
    Service,
    TransitTime,
)
from carriers.places import iso_countries
from carriers.registry.fields import (
    CarrierFile,
    Collector,
    enum,
    money_text,
    non_negative,
    prefixes,
)
from carriers.registry.rate_cards import rate_card

CARRIER_KEYS = {"carrier", "rate_cards", "services"}
SERVICE_KEYS = {
    "id",
    "name",
    "from",
    "to",
    "mode",
    "rate_card",
    "transit_days",
    "departures",
    "cutoff",
    "weekends",
    "handling_days",
    "capacity",
    "unit",
    "restrictions",
    "customs",
    "coverage",
    "source",
}


def load_carrier(
    path: Path,
    nodes: Mapping[str, Node],
    problems: list[Problem],
    service_lines: dict[str, tuple[str, int]],
    broken_nodes: set[str] | None = None,
) -> Carrier | None:
    out = Collector(path, problems)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        out.fail(line, "toml", str(exc).split(" (at")[0])
        return None
    f = CarrierFile(path, text, data, out)
    f.broken_nodes = broken_nodes or set()
    before = len(problems)
    f.unknown_keys(data, CARRIER_KEYS, ())
    header = data.get("carrier")
    if not isinstance(header, dict) or not header.get("id"):
        f.fail(("carrier", "id"), "a [carrier] table with an id is required")
        return None
    tables = _tables(f, "rate_cards")
    cards = {
        card_id: card
        for card_id, table in tables
        if (card := rate_card(f, card_id, table)) is not None
    }
    broken_cards = {card_id for card_id, _ in tables} - set(cards)
    services = []
    for i, table in enumerate(data.get("services") or []):
        service = _service(f, i, table, str(header["id"]), cards, broken_cards, nodes)
        if service is None:
            continue
        if service.id in service_lines:
            first = ":".join(map(str, service_lines[service.id]))
            f.fail(("services", i, "id"), f"duplicate service id {service.id!r} (first at {first})")
            continue
        services.append(service)
        service_lines[service.id] = (str(path), f.index.line("services", i))
    if not services and len(problems) == before:
        f.fail(("services",), "a carrier needs at least one [[services]] entry")
    if len(problems) > before:
        return None
    return Carrier(
        id=str(header["id"]),
        name=str(header.get("name", header["id"])),
        services=tuple(services),
        rate_cards=tuple(cards.values()),
        source=str(header.get("source", "")),
        website=str(header.get("website", "")),
    )


def _line_from_message(message: str) -> int:
    marker = "line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",")[0].split(")")[0]
        if digits.isdigit():
            return int(digits)
    return 1


def _tables(f: CarrierFile, name: str) -> list[tuple[str, dict[str, Any]]]:
    section = f.data.get(name) or {}
    if not isinstance(section, dict):
        f.fail((name,), "must be a table of named tables")
        return []
    return [(key, value) for key, value in section.items() if isinstance(value, dict)]


def _service(
    f: CarrierFile,
    i: int,
    t: Any,
    carrier_id: str,
    cards: Mapping[str, RateCard],
    broken_cards: set[str],
    nodes: Mapping[str, Node],
) -> Service | None:
    key: tuple[str | int, ...] = ("services", i)
    if not isinstance(t, dict):
        f.fail(key, "must be a table")
        return None
    before = len(f.out.problems)
    f.unknown_keys(t, SERVICE_KEYS, key)
    for end in ("from", "to"):
        if t.get(end) not in nodes and t.get(end) not in f.broken_nodes:
            f.fail((*key, end), f"unknown node {t.get(end)!r}")
    mode = enum(Mode, t.get("mode"), lambda m: f.fail((*key, "mode"), m))
    card = cards.get(str(t.get("rate_card")))
    if card is None and t.get("rate_card") not in broken_cards:  # a broken card is reported once
        f.fail((*key, "rate_card"), f"unknown rate card {t.get('rate_card')!r}")
    parts = {
        "transit": _transit(f, key, t.get("transit_days")),
        "schedule": _schedule(f, key, t),
        "capacity": _capacity(f, key, t.get("capacity") or {}),
        "unit": _unit(f, key, t.get("unit")),
        "restrictions": _restrictions(f, key, t.get("restrictions") or {}),
        "customs": _customs(f, key, t.get("customs") or {}),
        "coverage": _coverage(f, key, t.get("coverage") or []),
    }
    if not t.get("id"):
        f.fail((*key, "id"), "is required")
    if len(f.out.problems) > before or mode is None or card is None:
        return None
    return Service(
        id=str(t["id"]),
        carrier=carrier_id,
        name=str(t.get("name", t["id"])),
        from_node=str(t["from"]),
        to_node=str(t["to"]),
        mode=mode,
        rate_card=card,
        handling_days=float(t.get("handling_days", 0)),
        source=str(t.get("source", "")),
        **parts,  # type: ignore[arg-type]
    )


def _transit(f: CarrierFile, key: tuple, t: Any) -> TransitTime | None:
    where = (*key, "transit_days")
    if not isinstance(t, dict):
        f.fail(where, "is required: { min = D, p50 = D, p90 = D }")
        return None
    try:
        return TransitTime(float(t["min"]), float(t["p50"]), float(t["p90"]))
    except (KeyError, TypeError, ValueError) as exc:
        f.fail(where, str(exc) if isinstance(exc, ValueError) else "needs min, p50 and p90 days")
        return None


def _schedule(f: CarrierFile, key: tuple, t: dict[str, Any]) -> Schedule | None:
    departures = t.get("departures", "daily")
    if departures == "daily":
        days = frozenset(range(7))
    elif isinstance(departures, list) and departures and all(d in WEEKDAYS for d in departures):
        days = frozenset(WEEKDAYS.index(d) for d in departures)
    else:
        f.fail(
            (*key, "departures"),
            f'must be "daily" or a list of {", ".join(WEEKDAYS)}, got {departures!r}',
        )
        return None
    try:
        cutoff = time.fromisoformat(str(t.get("cutoff", "23:59")))
    except ValueError:
        f.fail((*key, "cutoff"), f"must be a local time HH:MM, got {t.get('cutoff')!r}")
        return None
    handling = t.get("handling_days", 0)
    if not isinstance(handling, int | float) or handling < 0:
        f.fail((*key, "handling_days"), f"must be a number >= 0, got {handling!r}")
    return Schedule(days, cutoff, bool(t.get("weekends", False)))


def _capacity(f: CarrierFile, key: tuple, t: dict[str, Any]) -> Capacity:
    where = (*key, "capacity")
    return Capacity(non_negative(f, where, t.get("kg")), non_negative(f, where, t.get("m3")))


def _unit(f: CarrierFile, key: tuple, t: Any) -> ConsolidationUnit | None:
    if t is None:
        return None
    where = (*key, "unit")
    cost = money_text(f, where, t.get("cost"))
    kg = non_negative(f, where, t.get("capacity_kg"))
    m3 = non_negative(f, where, t.get("capacity_m3"))
    if cost is None or not kg or not m3:
        if cost is not None:
            f.fail(where, "needs capacity_kg > 0 and capacity_m3 > 0")
        return None
    return ConsolidationUnit(str(t.get("name", "unit")), kg, m3, cost)


def _restrictions(f: CarrierFile, key: tuple, t: dict[str, Any]) -> Restrictions:
    where = (*key, "restrictions")
    battery = enum(
        BatteryClass,
        t.get("max_battery", "in_equipment"),
        lambda m: f.fail((*where, "max_battery"), m),
    )
    forbidden = set()
    for name in t.get("forbidden_categories", []):
        category = enum(GoodsCategory, name, lambda m: f.fail((*where, "forbidden_categories"), m))
        if category is not None:
            forbidden.add(category)
    value = t.get("max_value")
    return Restrictions(
        max_weight_kg=non_negative(f, where, t.get("max_weight_kg")),
        max_side_cm=non_negative(f, where, t.get("max_side_cm")),
        max_sum_sides_cm=non_negative(f, where, t.get("max_sum_sides_cm")),
        max_battery=battery or BatteryClass.NONE,
        liquids=bool(t.get("liquids", True)),
        forbidden_categories=frozenset(forbidden),
        max_value=None if value is None else money_text(f, where, value),
    )


def _customs(f: CarrierFile, key: tuple, t: dict[str, Any]) -> CustomsRole:
    where = (*key, "customs")
    clears = bool(t.get("clears_import", False))
    regime = None
    if "regime" in t:
        regime = enum(CustomsRegime, t["regime"], lambda m: f.fail((*where, "regime"), m))
    if clears and "regime" not in t:
        f.fail(where, "a service that clears import must name its regime")
    fee = t.get("clearance_fee")
    return CustomsRole(clears, regime, None if fee is None else money_text(f, where, fee))


def _coverage(f: CarrierFile, key: tuple, rows: list[Any]) -> tuple[Coverage, ...]:
    found = []
    for i, row in enumerate(rows):
        where = (*key, "coverage", i) if len(rows) > 1 else (*key, "coverage")
        country = str(row.get("country", "")) if isinstance(row, dict) else ""
        if country not in iso_countries():
            f.fail(where, f"unknown ISO 3166-1 alpha-2 country {country!r}")
            continue
        found.append(
            Coverage(
                country,
                prefixes(f, where, row, "postal_prefixes", default=("",)),
                prefixes(f, where, row, "except_prefixes"),
            )
        )
    return tuple(found)
