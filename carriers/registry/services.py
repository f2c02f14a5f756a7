"""A carrier file (`carriers/*.toml`): its header, its rate cards and its services, each
field checked and every problem placed at its line."""

from __future__ import annotations

import re
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
from carriers.registry.booking import booking_option
from carriers.registry.fields import (
    MAX_CM,
    MAX_DAYS,
    MAX_KG,
    MAX_LOAD_KG,
    MAX_LOAD_M3,
    CarrierFile,
    Collector,
    array,
    enum,
    flag,
    money_text,
    number,
    prefixes,
    shown,
    table,
    text,
)
from carriers.registry.lane_costs import LANE_COST_KEYS, lane_costs
from carriers.registry.rate_cards import rate_card

CARRIER_KEYS = {"carrier", "rate_cards", "services"}
HEADER_KEYS = {"id", "name", "source", "website"}
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
    "booking",
    "restrictions",
    "customs",
    "coverage",
    "source",
    *LANE_COST_KEYS,
}
# the keys of a service's own tables
PART_KEYS = {
    "transit_days": {"min", "p50", "p90"},
    "capacity": {"kg", "m3"},
    "unit": {"name", "cost", "capacity_kg", "capacity_m3"},
    "restrictions": {
        "max_weight_kg",
        "max_side_cm",
        "max_sum_sides_cm",
        "max_battery",
        "liquids",
        "forbidden_categories",
        "max_value",
    },
    "customs": {"clears_import", "regime", "clearance_fee"},
    "coverage": {"country", "postal_prefixes", "except_prefixes"},
}
_CUTOFF = re.compile(r"\d\d:\d\d(:\d\d)?")


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
    header = _header(f, data.get("carrier"))
    if header is None:
        return None
    tables = _tables(f, "rate_cards")
    cards = {
        card_id: card
        for card_id, card_table in tables.items()
        if isinstance(card_table, dict) and (card := rate_card(f, card_id, card_table)) is not None
    }
    broken_cards = set(tables) - set(cards)
    services = []
    for i, service_table in enumerate(array(f, ("services",), data.get("services"))):
        service = _service(f, i, service_table, header["id"], cards, broken_cards, nodes)
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
        id=header["id"],
        name=header["name"],
        services=tuple(services),
        rate_cards=tuple(cards.values()),
        source=header["source"],
        website=header["website"],
    )


def _line_from_message(message: str) -> int:
    marker = "line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",")[0].split(")")[0]
        if digits.isdigit():
            return int(digits)
    return 1


def _header(f: CarrierFile, t: Any) -> dict[str, str] | None:
    """The [carrier] table's strings, or None (with a problem) when it cannot be used."""
    if not isinstance(t, dict) or not t.get("id"):
        f.fail(("carrier", "id"), "a [carrier] table with an id is required")
        return None
    if text(f, ("carrier", "id"), t["id"]) is None:
        return None
    f.unknown_keys(t, HEADER_KEYS, ("carrier",))
    found = {"id": t["id"]}
    for name, default in (("name", t["id"]), ("source", ""), ("website", "")):
        found[name] = text(f, ("carrier", name), t.get(name), default) or ""
    return found


def _tables(f: CarrierFile, name: str) -> dict[str, Any]:
    """The named tables of a section ([rate_cards.x]); one that is not a table is reported
    and kept, so what refers to it is not reported again."""
    section = f.data.get(name, {})
    if not isinstance(section, dict):
        f.fail((name,), f"must be a table of named tables, got {shown(section)}")
        return {}
    for key, value in section.items():
        if not isinstance(value, dict):
            f.fail((name, key), f"must be a table, got {shown(value)}")
    return section


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
        f.fail(key, f"must be a table, got {shown(t)}")
        return None
    before = len(f.out.problems)
    f.unknown_keys(t, SERVICE_KEYS, key)
    ends = {end: text(f, (*key, end), t.get(end)) for end in ("from", "to")}
    for end, node in ends.items():
        if node is not None and node not in nodes and node not in f.broken_nodes:
            f.fail((*key, end), f"unknown node {node!r}")
    mode = enum(Mode, t.get("mode"), lambda m: f.fail((*key, "mode"), m))
    card_id = text(f, (*key, "rate_card"), t.get("rate_card"))
    card = cards.get(card_id or "")
    if card is None and card_id is not None and card_id not in broken_cards:
        f.fail((*key, "rate_card"), f"unknown rate card {card_id!r}")  # a broken one is reported
    schedule, unit = _schedule(f, key, t), _unit(f, key, t.get("unit"))
    parts = {
        "transit": _transit(f, key, t.get("transit_days")),
        "schedule": schedule,
        "capacity": _capacity(f, key, _part(f, key, t, "capacity")),
        "unit": unit,
        "booking": booking_option(f, key, t.get("booking"), mode, unit, schedule),
        "restrictions": _restrictions(f, key, _part(f, key, t, "restrictions")),
        "customs": _customs(f, key, _part(f, key, t, "customs")),
        "coverage": _coverage(f, key, array(f, (*key, "coverage"), t.get("coverage"))),
        "handling_days": number(f, (*key, "handling_days"), t.get("handling_days", 0), MAX_DAYS),
        **lane_costs(f, key, t),
    }
    service_id = t.get("id")
    if not isinstance(service_id, str) or not service_id.strip():
        f.fail((*key, "id"), f"is required: a string, got {shown(service_id)}")
    name = text(f, (*key, "name"), t.get("name"), str(service_id))
    source = text(f, (*key, "source"), t.get("source"))
    if len(f.out.problems) > before or mode is None or card is None:
        return None
    return Service(
        id=str(service_id),
        carrier=carrier_id,
        name=name or "",
        from_node=str(ends["from"]),
        to_node=str(ends["to"]),
        mode=mode,
        rate_card=card,
        source=source or "",
        **parts,
    )


def _part(f: CarrierFile, key: tuple, t: dict[str, Any], name: str) -> dict[str, Any]:
    """One of a service's own tables (restrictions, customs...); not given is empty."""
    return table(f, (*key, name), t.get(name), PART_KEYS[name])


def _transit(f: CarrierFile, key: tuple, t: Any) -> TransitTime | None:
    where = (*key, "transit_days")
    if not isinstance(t, dict) or any(name not in t for name in ("min", "p50", "p90")):
        f.fail(where, f"is required: {{ min = D, p50 = D, p90 = D }}, got {shown(t)}")
        return None
    f.unknown_keys(t, PART_KEYS["transit_days"], where)
    days = [number(f, (*where, n), t[n], MAX_DAYS) for n in ("min", "p50", "p90")]
    if None in days:
        return None
    try:
        return TransitTime(*days)  # type: ignore[arg-type]
    except ValueError as exc:
        f.fail(where, str(exc))
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
            f'must be "daily" or a list of {", ".join(WEEKDAYS)}, got {shown(departures)}',
        )
        return None
    cutoff = _cutoff(t.get("cutoff", "23:59"))
    if cutoff is None:
        f.fail((*key, "cutoff"), f"must be a local time HH:MM, got {shown(t.get('cutoff'))}")
        return None
    return Schedule(days, cutoff, flag(f, (*key, "weekends"), t.get("weekends"), False))


def _cutoff(value: Any) -> time | None:
    """A local time written "18:00" (or a TOML local time 18:00:00); not 1800 or a date."""
    if isinstance(value, time):
        return value
    if isinstance(value, str) and _CUTOFF.fullmatch(value):
        try:
            return time.fromisoformat(value)
        except ValueError:  # 25:00
            return None
    return None


def _capacity(f: CarrierFile, key: tuple, t: dict[str, Any]) -> Capacity:
    where = (*key, "capacity")
    return Capacity(
        number(f, (*where, "kg"), t.get("kg"), MAX_LOAD_KG),
        number(f, (*where, "m3"), t.get("m3"), MAX_LOAD_M3),
    )


def _unit(f: CarrierFile, key: tuple, t: Any) -> ConsolidationUnit | None:
    """The unit capacity is bought in, if the service names one."""
    where = (*key, "unit")
    if t is None:
        return None
    if not isinstance(t, dict):
        f.fail(where, f"must be a table {{ name, cost, capacity_kg, capacity_m3 }}, got {shown(t)}")
        return None
    before = len(f.out.problems)
    f.unknown_keys(t, PART_KEYS["unit"], where)
    name = text(f, (*where, "name"), t.get("name"), "unit")
    cost = money_text(f, (*where, "cost"), t.get("cost"))
    kg = number(f, (*where, "capacity_kg"), t.get("capacity_kg"), MAX_LOAD_KG)
    m3 = number(f, (*where, "capacity_m3"), t.get("capacity_m3"), MAX_LOAD_M3)
    if len(f.out.problems) == before and (not kg or not m3):
        f.fail(where, "needs capacity_kg > 0 and capacity_m3 > 0")
    if len(f.out.problems) > before or name is None or cost is None or not kg or not m3:
        return None
    return ConsolidationUnit(name, kg, m3, cost)


def _restrictions(f: CarrierFile, key: tuple, t: dict[str, Any]) -> Restrictions:
    where = (*key, "restrictions")
    battery = enum(
        BatteryClass,
        t.get("max_battery", "in_equipment"),
        lambda m: f.fail((*where, "max_battery"), m),
    )
    forbidden = set()
    for name in array(f, (*where, "forbidden_categories"), t.get("forbidden_categories")):
        category = enum(GoodsCategory, name, lambda m: f.fail((*where, "forbidden_categories"), m))
        if category is not None:
            forbidden.add(category)
    value = t.get("max_value")
    return Restrictions(
        max_weight_kg=number(f, (*where, "max_weight_kg"), t.get("max_weight_kg"), MAX_KG),
        max_side_cm=number(f, (*where, "max_side_cm"), t.get("max_side_cm"), MAX_CM),
        max_sum_sides_cm=number(f, (*where, "max_sum_sides_cm"), t.get("max_sum_sides_cm"), MAX_CM),
        max_battery=battery or BatteryClass.NONE,
        liquids=flag(f, (*where, "liquids"), t.get("liquids"), True),
        forbidden_categories=frozenset(forbidden),
        max_value=None if value is None else money_text(f, (*where, "max_value"), value),
    )


def _customs(f: CarrierFile, key: tuple, t: dict[str, Any]) -> CustomsRole:
    where = (*key, "customs")
    clears = flag(f, (*where, "clears_import"), t.get("clears_import"), False)
    regime = None
    if "regime" in t:
        regime = enum(CustomsRegime, t["regime"], lambda m: f.fail((*where, "regime"), m))
    if clears and "regime" not in t:
        f.fail(where, "a service that clears import must name its regime")
    fee = t.get("clearance_fee")
    return CustomsRole(
        clears, regime, None if fee is None else money_text(f, (*where, "clearance_fee"), fee)
    )


def _coverage(f: CarrierFile, key: tuple, rows: list[Any]) -> tuple[Coverage, ...]:
    found = []
    for i, row in enumerate(rows):
        where = (*key, "coverage", i) if len(rows) > 1 else (*key, "coverage")
        if not isinstance(row, dict):
            f.fail(where, f"must be a table {{ country, postal_prefixes }}, got {shown(row)}")
            continue
        f.unknown_keys(row, PART_KEYS["coverage"], where)
        country = row.get("country")
        if not isinstance(country, str) or country not in iso_countries():
            f.fail(where, f"unknown ISO 3166-1 alpha-2 country {shown(country)}")
            continue
        found.append(
            Coverage(
                country,
                prefixes(f, where, row, "postal_prefixes", default=("",)),
                prefixes(f, where, row, "except_prefixes"),
            )
        )
    return tuple(found)
