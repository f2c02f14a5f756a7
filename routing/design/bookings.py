"""bookings.csv: what a design books, one row per service departure with a booking
option, and read back (for `glocal design evaluate` and `glocal plan --capacity`).

Columns: `service_id, departure_date, week, unit_type, units, unit_kg, unit_m3, kg, m3,
fixed_cost, currency, expected_kg, expected_m3, spot_kg`. `kg` and `m3` are the booked
capacity (units x the unit's), the figures `glocal plan --capacity` reads
(routing/plan/capacity.py: `service_id, departure_date, kg, m3`; it ignores the rest), so
a plan after a design runs on what was booked. A departure booked at 0 units is listed
too: it has no capacity. `expected_*` are the design's load on it and `spot_kg` the
chargeable kg it sends at spot beyond the units.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from carriers.errors import InvalidPlanInput, Problem
from carriers.money import minor_units
from routing.calendar import day_date
from routing.design.world import WorldDesign

BOOKING_COLUMNS = (
    "service_id",
    "departure_date",
    "week",
    "unit_type",
    "units",
    "unit_kg",
    "unit_m3",
    "kg",
    "m3",
    "fixed_cost",
    "currency",
    "expected_kg",
    "expected_m3",
    "spot_kg",
)


def row_loads(design: WorldDesign, share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """kg and m3 per capacity row of a solution's column shares."""
    p = design.problem
    cols = p.columns
    per_row = np.diff(cols.start)
    owner = np.repeat(np.arange(len(cols)), per_row)
    flow = share[owner]
    com = cols.commodity[owner]
    n = len(p.capacity)
    kg = np.bincount(cols.rows, flow * p.commodities.kg[com], n)
    m3 = np.bincount(cols.rows, flow * p.commodities.m3[com], n)
    return kg, m3


def booking_frame(
    design: WorldDesign, units: np.ndarray, share: np.ndarray, spot_kg: np.ndarray
) -> pd.DataFrame:
    """The booking decisions of a solution as bookings.csv's rows, by service and date."""
    rows = design.problem.capacity
    net = design.network.compiled
    kg, m3 = row_loads(design, share)
    scale = 10 ** minor_units(design.currency)
    out = []
    for r in np.flatnonzero(design.booked):
        k, day = design.keys[r]
        s = net.services[k]
        when = day_date(day)
        out.append(
            {
                "service_id": s.id,
                "departure_date": when.isoformat(),
                "week": (when - timedelta(days=when.weekday())).isoformat(),
                "unit_type": s.booking.unit_type.value if s.booking else "",
                "units": int(units[r]),
                "unit_kg": rows.unit_kg[r],
                "unit_m3": rows.unit_m3[r],
                "kg": round(float(units[r] * rows.unit_kg[r]), 3),
                "m3": round(float(units[r] * rows.unit_m3[r]), 3),
                "fixed_cost": f"{units[r] * rows.fixed[r] / scale:.2f}",
                "currency": design.currency,
                "expected_kg": round(max(float(kg[r]), 0.0), 3),
                "expected_m3": round(max(float(m3[r]), 0.0), 3),
                "spot_kg": round(max(float(spot_kg[r]), 0.0), 3),
            }
        )
    frame = pd.DataFrame(out, columns=list(BOOKING_COLUMNS))
    return frame.sort_values(["service_id", "departure_date"], kind="stable")


def write_bookings(frame: pd.DataFrame, path: str | Path) -> None:
    frame.to_csv(path, index=False)


def read_units(path: str | Path, design: WorldDesign) -> np.ndarray:
    """Units per capacity row of `design` from a bookings file: a booked departure the
    file does not list books 0 units; rows without a booking option keep their minimum.
    A line naming a service the network lacks, or a bad number, is reported as
    `path:line: field`."""
    path = Path(path)
    net = design.network.compiled
    row_of = {
        (net.services[k].id, day_date(d).isoformat()): r for r, (k, d) in enumerate(design.keys)
    }
    units = np.where(design.booked, 0, design.problem.capacity.min_units).astype(np.int64)
    problems: list[Problem] = []
    for line, row in _rows(path):
        where = f"{path}:{line}"
        service = (row.get("service_id") or "").strip()
        if service not in net.service_index:
            problems.append(Problem(where, "service_id", f"unknown service {service!r}"))
            continue
        text = (row.get("units") or "").strip()
        if not text.isdigit():
            problems.append(Problem(where, "units", f"must be a whole number >= 0, got {text!r}"))
            continue
        r = row_of.get((service, (row.get("departure_date") or "").strip()))
        if r is not None and design.booked[r]:
            units[r] = int(text)
    if problems:
        raise InvalidPlanInput(f"{path}: {len(problems)} problem(s)", problems)
    return units


def _rows(path: Path) -> Sequence[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [
                c
                for c in ("service_id", "departure_date", "units")
                if c not in (reader.fieldnames or [])
            ]
            if missing:
                raise InvalidPlanInput(f"{path}:1: missing column(s) {', '.join(missing)}")
            return [(n, row) for n, row in enumerate(reader, 2)]
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidPlanInput(f"{path}: cannot read the bookings file: {exc}") from None
