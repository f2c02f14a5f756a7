"""Load and validate a world: `nodes.csv` plus one TOML file per carrier in `carriers/`.

Every problem is collected, never just the first, as `path:line: field: message`; a world
with any problem raises `InvalidNetwork` with all of them, so nothing is half-loaded.
The file layout and every field are documented in data/README.md.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from carriers.errors import InvalidNetwork, Problem
from carriers.locate import LineIndex
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
    NodeKind,
    RateCard,
    Restrictions,
    Schedule,
    Service,
    TransitTime,
    WeightBreak,
    Zone,
)
from carriers.money import Money, is_currency, minor_units
from carriers.places import iso_countries, time_zones

NODE_COLUMNS = ("id", "kind", "country", "city", "lat", "lon", "tz", "source")
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class World:
    """What a network directory holds, validated field by field."""

    nodes: dict[str, Node]
    carriers: tuple[Carrier, ...]
    node_lines: dict[str, tuple[str, int]]  # node id -> (path, line), for later checks
    service_lines: dict[str, tuple[str, int]]

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(s for c in self.carriers for s in c.services)


class Collector:
    """Problems of one file, each placed at its line."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def fail(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(f"{self.path}:{line}", field, message))


def load_world(directory: Path) -> World:
    directory = Path(directory)
    problems: list[Problem] = []
    nodes, node_lines = load_nodes(directory / "nodes.csv", problems)
    carriers: list[Carrier] = []
    service_lines: dict[str, tuple[str, int]] = {}
    broken_nodes = set(node_lines) - set(nodes)
    carrier_files = sorted((directory / "carriers").glob("*.toml"))
    if not carrier_files:
        problems.append(Problem(f"{directory / 'carriers'}:1", "carriers", "no carrier files"))
    for path in carrier_files:
        carrier = load_carrier(path, nodes, problems, service_lines, broken_nodes)
        if carrier is not None:
            carriers.append(carrier)
    if problems:
        raise InvalidNetwork(problems)
    return World(nodes, tuple(carriers), node_lines, service_lines)


# --- nodes -------------------------------------------------------------------------------


def load_nodes(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, Node], dict[str, tuple[str, int]]]:
    out = Collector(path, problems)
    nodes: dict[str, Node] = {}
    lines: dict[str, tuple[str, int]] = {}
    if not path.exists():
        out.fail(1, "nodes.csv", "file is missing")
        return nodes, lines
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(row for row in handle if not row.startswith("#"))
        missing = [c for c in NODE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            out.fail(1, "header", f"missing column(s) {', '.join(missing)}")
            return nodes, lines
        for row in reader:
            line = _csv_line(path, reader.line_num)
            node_id = (row.get("id") or "").strip()
            if node_id in lines:
                first = lines[node_id][1]
                out.fail(line, "id", f"duplicate node id {node_id!r} (first at line {first})")
                continue
            lines[node_id] = (str(path), line)  # kept for broken rows too: no cascades
            node = _node(row, line, out)
            if node is not None:
                nodes[node.id] = node
    return nodes, lines


def _csv_line(path: Path, data_line: int) -> int:
    """csv counts lines without the comment lines we skipped; map back to the file's line."""
    seen = 0
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.startswith("#"):
                seen += 1
                if seen == data_line:
                    return number
    return data_line


def _node(row: Mapping[str, str], line: int, out: Collector) -> Node | None:
    before = len(out.problems)
    node_id = (row.get("id") or "").strip()
    if not node_id:
        out.fail(line, "id", "is empty")
    kind = _enum(NodeKind, row.get("kind"), lambda m: out.fail(line, "kind", m))
    country = (row.get("country") or "").strip()
    if country not in iso_countries():
        out.fail(line, "country", f"unknown ISO 3166-1 alpha-2 country {country!r}")
    lat = _float(row.get("lat"), -90, 90, lambda m: out.fail(line, "lat", m))
    lon = _float(row.get("lon"), -180, 180, lambda m: out.fail(line, "lon", m))
    tz = (row.get("tz") or "").strip()
    if tz not in time_zones():
        out.fail(line, "tz", f"unknown IANA time zone {tz!r}")
    if len(out.problems) > before or kind is None or lat is None or lon is None:
        return None
    return Node(
        node_id,
        kind,
        country,
        (row.get("city") or "").strip(),
        lat,
        lon,
        tz,
        (row.get("source") or "").strip(),
    )


def _enum(kind: type[E], value: Any, fail: Callable[[str], None]) -> E | None:
    try:
        return kind(str(value).strip())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        fail(f"must be one of {allowed}, got {value!r}")
        return None


def _float(value: Any, low: float, high: float, fail: Callable[[str], None]) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        fail(f"must be a number, got {value!r}")
        return None
    if not low <= number <= high:
        fail(f"must be between {low} and {high}, got {number}")
        return None
    return number


# --- carriers ----------------------------------------------------------------------------

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
CARD_KEYS = {
    "currency",
    "breaks",
    "zones",
    "minimum_charge",
    "rounding_kg",
    "volumetric_divisor",
    "fuel_surcharge_pct",
    "remote_area_surcharge",
    "remote_area_prefixes",
    "oversize_surcharge",
    "oversize_side_cm",
    "oversize_weight_kg",
    "illustrative",
    "source",
}


class CarrierFile:
    """One carrier file being read: its parsed data, its line index and its problems."""

    def __init__(self, path: Path, text: str, data: dict[str, Any], out: Collector) -> None:
        self.path = path
        self.data = data
        self.index = LineIndex(text)
        self.out = out
        self.broken_nodes: set[str] = set()  # declared in nodes.csv but invalid: reported there

    def fail(self, key: tuple[str | int, ...], message: str) -> None:
        field = ".".join(str(k) for k in key if not isinstance(k, int)) or "file"
        self.out.fail(self.index.line(*key), field, message)

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], key: tuple) -> None:
        for name in sorted(set(table) - allowed):
            self.fail((*key, name), f"unknown field {name!r}")


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
        if (card := _rate_card(f, card_id, table)) is not None
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


def _money_amount(f: CarrierFile, key: tuple, value: Any, currency: str) -> int | None:
    """A decimal amount in major units (4.5 EUR) as exact minor units (450)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        f.fail(key, f"must be a decimal amount, got {value!r}")
        return None
    if not amount.is_finite() or amount < 0:
        f.fail(key, f"must be >= 0, got {value}")
        return None
    scaled = amount.scaleb(minor_units(currency))
    if scaled != scaled.to_integral_value():
        f.fail(key, f"has more decimals than {currency} allows: {value}")
        return None
    return int(scaled)


def _money_text(f: CarrierFile, key: tuple, value: Any) -> Money | None:
    """A money value written as "12.50 EUR"."""
    parts = str(value).split()
    if len(parts) != 2 or not is_currency(parts[1]):
        f.fail(key, f'must read "AMOUNT CURRENCY" with an ISO 4217 code, got {value!r}')
        return None
    amount = _money_amount(f, key, parts[0], parts[1])
    return None if amount is None else Money(amount, parts[1])


def _rate_card(f: CarrierFile, card_id: str, t: dict[str, Any]) -> RateCard | None:
    key = ("rate_cards", card_id)
    before = len(f.out.problems)
    f.unknown_keys(t, CARD_KEYS, key)
    currency = str(t.get("currency", ""))
    if not is_currency(currency):
        f.fail((*key, "currency"), f"unknown ISO 4217 currency {currency!r}")
        return None
    zones = _zones(f, key, t.get("zones") or [])
    breaks = _breaks(f, key, t.get("breaks") or [], currency, {z.name for z in zones})

    def amount(name: str) -> int:
        return _money_amount(f, (*key, name), t.get(name, 0), currency) or 0

    divisor = t.get("volumetric_divisor")
    if divisor is not None and (not isinstance(divisor, int) or divisor <= 0):
        f.fail((*key, "volumetric_divisor"), f"must be a whole number > 0, got {divisor!r}")
    numbers = {
        name: _non_negative(f, (*key, name), t.get(name))
        for name in ("rounding_kg", "fuel_surcharge_pct", "oversize_side_cm", "oversize_weight_kg")
    }
    card = RateCard(
        id=card_id,
        currency=currency,
        breaks=tuple(breaks),
        minimum_charge=amount("minimum_charge"),
        rounding_kg=numbers["rounding_kg"] or 0.0,
        volumetric_divisor=divisor,
        fuel_surcharge_pct=Decimal(str(t.get("fuel_surcharge_pct", 0))),
        remote_area_surcharge=amount("remote_area_surcharge"),
        remote_area_prefixes=_prefixes(
            f, (*key, "remote_area_prefixes"), t, "remote_area_prefixes"
        ),
        oversize_surcharge=amount("oversize_surcharge"),
        oversize_side_cm=numbers["oversize_side_cm"],
        oversize_weight_kg=numbers["oversize_weight_kg"],
        zones=tuple(zones),
        illustrative=bool(t.get("illustrative", True)),
        source=str(t.get("source", "")),
    )
    return card if len(f.out.problems) == before else None


def _non_negative(f: CarrierFile, key: tuple, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        f.fail(key, f"must be a number >= 0, got {value!r}")
        return None
    return float(value)


def _prefixes(
    f: CarrierFile, key: tuple, table: dict[str, Any], name: str, default: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Postal-code prefixes must be strings: 07 written as a number would lose its zero."""
    values = table.get(name, list(default))
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        f.fail(key, f'{name} must be a list of quoted prefixes like ["07", "35"], got {values!r}')
        return ()
    return tuple(values)


def _zones(f: CarrierFile, key: tuple, rows: list[Any]) -> list[Zone]:
    zones = []
    for i, row in enumerate(rows):
        where = (*key, "zones", i)
        country = str(row.get("country", "")) if isinstance(row, dict) else ""
        if country not in iso_countries():
            f.fail(where, f"unknown ISO 3166-1 alpha-2 country {country!r}")
            continue
        zones.append(
            Zone(
                str(row.get("name", "")),
                country,
                _prefixes(f, (*where, "postal_prefixes"), row, "postal_prefixes"),
            )
        )
    return zones


def _breaks(
    f: CarrierFile, key: tuple, rows: list[Any], currency: str, zones: set[str]
) -> list[WeightBreak]:
    if not rows:
        f.fail((*key, "breaks"), "a rate card needs at least one weight break")
        return []
    breaks: list[WeightBreak] = []
    last: dict[str, float] = {}
    for i, row in enumerate(rows):
        where = (*key, "breaks", i)
        if not isinstance(row, dict):
            f.fail(where, "must be an inline table {up_to_kg, per_kg, per_piece}")
            continue
        zone = str(row.get("zone", ""))
        if zones and zone not in zones:
            f.fail(where, f"zone {zone!r} is not one of the card's zones {sorted(zones)}")
        up_to = _non_negative(f, where, row.get("up_to_kg"))
        per_kg = _rate(f, where, row, "per_kg", currency)
        per_piece = _rate(f, where, row, "per_piece", currency)
        if up_to is None or up_to == 0:
            f.fail(where, f"up_to_kg must be > 0, got {row.get('up_to_kg')!r}")
            continue
        if zone in last and up_to <= last[zone]:
            f.fail(
                where,
                f"weight breaks must rise: {up_to} kg after {last[zone]} kg "
                f"(overlapping or unsorted)",
            )
        last[zone] = up_to
        if per_kg is not None and per_piece is not None:
            breaks.append(WeightBreak(up_to, per_kg, per_piece, zone))
    return breaks


def _rate(
    f: CarrierFile, where: tuple, row: dict[str, Any], name: str, currency: str
) -> int | None:
    value = row.get(name, 0)
    if isinstance(value, int | float) and value < 0:
        f.fail(where, f"{name} must not be negative, got {value}")
        return None
    return _money_amount(f, where, value, currency)


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
    mode = _enum(Mode, t.get("mode"), lambda m: f.fail((*key, "mode"), m))
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
    return Capacity(_non_negative(f, where, t.get("kg")), _non_negative(f, where, t.get("m3")))


def _unit(f: CarrierFile, key: tuple, t: Any) -> ConsolidationUnit | None:
    if t is None:
        return None
    where = (*key, "unit")
    cost = _money_text(f, where, t.get("cost"))
    kg = _non_negative(f, where, t.get("capacity_kg"))
    m3 = _non_negative(f, where, t.get("capacity_m3"))
    if cost is None or not kg or not m3:
        if cost is not None:
            f.fail(where, "needs capacity_kg > 0 and capacity_m3 > 0")
        return None
    return ConsolidationUnit(str(t.get("name", "unit")), kg, m3, cost)


def _restrictions(f: CarrierFile, key: tuple, t: dict[str, Any]) -> Restrictions:
    where = (*key, "restrictions")
    battery = _enum(
        BatteryClass,
        t.get("max_battery", "in_equipment"),
        lambda m: f.fail((*where, "max_battery"), m),
    )
    forbidden = set()
    for name in t.get("forbidden_categories", []):
        category = _enum(GoodsCategory, name, lambda m: f.fail((*where, "forbidden_categories"), m))
        if category is not None:
            forbidden.add(category)
    value = t.get("max_value")
    return Restrictions(
        max_weight_kg=_non_negative(f, where, t.get("max_weight_kg")),
        max_side_cm=_non_negative(f, where, t.get("max_side_cm")),
        max_sum_sides_cm=_non_negative(f, where, t.get("max_sum_sides_cm")),
        max_battery=battery or BatteryClass.NONE,
        liquids=bool(t.get("liquids", True)),
        forbidden_categories=frozenset(forbidden),
        max_value=None if value is None else _money_text(f, where, value),
    )


def _customs(f: CarrierFile, key: tuple, t: dict[str, Any]) -> CustomsRole:
    where = (*key, "customs")
    clears = bool(t.get("clears_import", False))
    regime = None
    if "regime" in t:
        regime = _enum(CustomsRegime, t["regime"], lambda m: f.fail((*where, "regime"), m))
    if clears and "regime" not in t:
        f.fail(where, "a service that clears import must name its regime")
    fee = t.get("clearance_fee")
    return CustomsRole(clears, regime, None if fee is None else _money_text(f, where, fee))


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
                _prefixes(f, where, row, "postal_prefixes", default=("",)),
                _prefixes(f, where, row, "except_prefixes"),
            )
        )
    return tuple(found)
