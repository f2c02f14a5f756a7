"""The capacity file: a CSV `service_id,departure_date,kg,m3`, one row per service and
local departure date (an empty date stands for every departure of that service). An empty
kg or m3 keeps the network's figure. A row naming a service the network does not have is
an error naming its file and line. `glocal design` writes one (bookings.csv, whose other
columns are ignored here); `glocal plan --capacity` and the server
(`GLOCAL_CAPACITY_FILE`) read it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from carriers.errors import InvalidPlanInput, Problem
from routing.calendar import day_number
from routing.network import CompiledNetwork

CAPACITY_COLUMNS = ("service_id", "departure_date", "kg", "m3")


@dataclass(frozen=True)
class Override:
    service: int
    day: int | None  # local day number; None = every departure
    kg: float | None
    m3: float | None


def read_capacity(path: str | Path, net: CompiledNetwork) -> list[Override]:
    path = Path(path)
    problems: list[Problem] = []
    out: list[Override] = []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            lines = [(n, t) for n, t in enumerate(handle, 1) if t.strip() and not t.startswith("#")]
    except OSError as exc:
        raise InvalidPlanInput(f"{path}: cannot read the capacity file: {exc}") from None
    reader = csv.DictReader(t for _, t in lines)
    missing = [c for c in CAPACITY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidPlanInput(f"{path}:1: missing column(s) {', '.join(missing)}")
    for i, row in enumerate(reader, 1):
        where = f"{path}:{lines[i][0]}"
        found = _override(row, where, net, problems)
        if found is not None:
            out.append(found)
    if problems:
        raise InvalidPlanInput(f"{path}: {len(problems)} problem(s)", problems)
    return out


def _override(
    row: dict[str, str], where: str, net: CompiledNetwork, problems: list[Problem]
) -> Override | None:
    before = len(problems)
    service = (row.get("service_id") or "").strip()
    if service not in net.service_index:
        problems.append(Problem(where, "service_id", f"unknown service {service!r}"))
    text = (row.get("departure_date") or "").strip()
    day = None
    if text:
        try:
            day = day_number(date.fromisoformat(text))
        except ValueError:
            problems.append(Problem(where, "departure_date", f"must be YYYY-MM-DD, got {text!r}"))
    amounts = {}
    for column in ("kg", "m3"):
        value = (row.get(column) or "").strip()
        try:
            amounts[column] = float(value) if value else None
        except ValueError:
            amounts[column] = None
            problems.append(Problem(where, column, f"must be a number >= 0, got {value!r}"))
        if amounts[column] is not None and not amounts[column] >= 0:  # type: ignore[operator]
            problems.append(Problem(where, column, f"must be a number >= 0, got {value!r}"))
    if len(problems) > before:
        return None
    return Override(net.service_index[service], day, amounts["kg"], amounts["m3"])
