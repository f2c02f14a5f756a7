"""`nodes.csv`: the world's places, one row each (data/README.md lists the columns)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from carriers.errors import Problem
from carriers.model import Node, NodeKind
from carriers.money import Money, is_currency, minor_units
from carriers.places import iso_countries, time_zones
from carriers.registry.fields import MAX_LOAD_M3, Collector, enum, number_between

NODE_COLUMNS = ("id", "kind", "country", "city", "lat", "lon", "tz", "source")


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
        try:
            missing = [c for c in NODE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                out.fail(1, "header", f"missing column(s) {', '.join(missing)}")
                return nodes, lines
            for row in reader:
                extra = len(row.pop(None, None) or ())  # fields past the header's
                _row(row, extra, _csv_line(path, reader.line_num), out, nodes, lines)
        except csv.Error as exc:  # a field past the csv module's limit, in the row after
            out.fail(_csv_line(path, reader.line_num + 1), "csv", str(exc))
    return nodes, lines


def _row(
    row: Mapping[str, str],
    extra: int,
    line: int,
    out: Collector,
    nodes: dict[str, Node],
    lines: dict[str, tuple[str, int]],
) -> None:
    node_id = (row.get("id") or "").strip()
    if node_id in lines:
        first = lines[node_id][1]
        out.fail(line, "id", f"duplicate node id {node_id!r} (first at line {first})")
        return
    lines[node_id] = (str(out.path), line)  # kept for broken rows too: no cascades
    if extra:
        out.fail(line, "row", f"has {extra} field(s) more than the header")
        return
    node = _node(row, line, out)
    if node is not None:
        nodes[node.id] = node


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
    kind = enum(NodeKind, row.get("kind"), lambda m: out.fail(line, "kind", m))
    country = (row.get("country") or "").strip()
    if country not in iso_countries():
        out.fail(line, "country", f"unknown ISO 3166-1 alpha-2 country {country!r}")
    lat = number_between(row.get("lat"), -90, 90, lambda m: out.fail(line, "lat", m))
    lon = number_between(row.get("lon"), -180, 180, lambda m: out.fail(line, "lon", m))
    tz = (row.get("tz") or "").strip()
    if tz not in time_zones():
        out.fail(line, "tz", f"unknown IANA time zone {tz!r}")
    handling = _handling_cost(
        row.get("handling_cost_per_m3"), lambda m: out.fail(line, "handling_cost_per_m3", m)
    )
    capacity = None
    if (row.get("capacity_m3_per_week") or "").strip():
        fail = lambda m: out.fail(line, "capacity_m3_per_week", m)  # noqa: E731
        capacity = number_between(row.get("capacity_m3_per_week"), 0, MAX_LOAD_M3, fail)
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
        handling,
        capacity,
    )


def _handling_cost(value: str | None, fail: Callable[[str], None]) -> Money | None:
    """An optional "2.81 EUR" per m3 handled; empty is none."""
    text = (value or "").strip()
    if not text:
        return None
    parts = text.split()
    if len(parts) != 2 or not is_currency(parts[1]):
        fail(f'must read "AMOUNT CURRENCY" with an ISO 4217 code, got {text!r}')
        return None
    try:
        amount = Decimal(parts[0]).scaleb(minor_units(parts[1]))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount != amount.to_integral_value():
        fail(f"must be an amount >= 0 in whole minor units of {parts[1]}, got {parts[0]!r}")
        return None
    return Money(int(amount), parts[1])
