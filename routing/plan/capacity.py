"""Capacity per service departure: what the network books, what a capacity file overrides,
and what a scenario scales or closes.

A capacity file is a CSV `service_id,departure_date,kg,m3`: one row per service and local
departure date (an empty date stands for every departure of that service). An empty kg
or m3 keeps the network's figure. A row naming a service the network does not have is an
error naming its file and line.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from carriers.errors import InvalidPlanInput, Problem
from routing.calendar import day_number
from routing.network import CompiledNetwork
from routing.plan.params import Scenario

CAPACITY_COLUMNS = ("service_id", "departure_date", "kg", "m3")


@dataclass(frozen=True)
class Override:
    service: int
    day: int | None  # local day number; None = every departure
    kg: float | None
    m3: float | None


@dataclass(frozen=True)
class CapacityRows:
    """One row per capacitated service departure used by some candidate."""

    service: np.ndarray  # int compiled service index
    day: np.ndarray  # int local day number of the departure
    cap_kg: np.ndarray  # float64, inf = not limited
    cap_m3: np.ndarray
    unit_kg: np.ndarray  # float64, 0 = no consolidation unit
    unit_m3: np.ndarray
    unit_cost: np.ndarray  # float64, plan-currency minor units per unit

    def __len__(self) -> int:
        return len(self.service)


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


def check_scenario(scenario: Scenario, net: CompiledNetwork) -> None:
    unknown = [s for s in (*scenario.close, *scenario.scales) if s not in net.service_index]
    if unknown:
        raise InvalidPlanInput(f"unknown service(s) in the scenario: {', '.join(sorted(unknown))}")


def build_rows(
    keys: list[tuple[int, int]],
    net: CompiledNetwork,
    overrides: list[Override],
    scenario: Scenario,
    unit_cost: dict[int, float],
) -> CapacityRows:
    """Capacity rows for the (service, day) departures in `keys`, in that order."""
    exact = {(o.service, o.day): o for o in overrides if o.day is not None}
    every = {o.service: o for o in overrides if o.day is None}
    scales = {net.service_index[s]: f for s, f in scenario.scales.items()}
    kg, m3, ukg, um3, ucost = [], [], [], [], []
    for k, day in keys:
        s = net.services[k]
        cap_kg = _or_inf(s.capacity.kg)
        cap_m3 = _or_inf(s.capacity.m3)
        for o in (every.get(k), exact.get((k, day))):
            if o is not None:
                cap_kg = cap_kg if o.kg is None else o.kg
                cap_m3 = cap_m3 if o.m3 is None else o.m3
        factor = scales.get(k, 1.0)
        kg.append(cap_kg * factor)
        m3.append(cap_m3 * factor)
        ukg.append(s.unit.capacity_kg if s.unit else 0.0)
        um3.append(s.unit.capacity_m3 if s.unit else 0.0)
        ucost.append(unit_cost.get(k, 0.0))
    return CapacityRows(
        service=np.array([k for k, _ in keys], dtype=np.int64),
        day=np.array([d for _, d in keys], dtype=np.int64),
        cap_kg=np.array(kg, dtype=np.float64),
        cap_m3=np.array(m3, dtype=np.float64),
        unit_kg=np.array(ukg, dtype=np.float64),
        unit_m3=np.array(um3, dtype=np.float64),
        unit_cost=np.array(ucost, dtype=np.float64),
    )


def _or_inf(value: float | None) -> float:
    return math.inf if value is None else float(value)


def unit_limit(rows: CapacityRows) -> np.ndarray:
    """The most units a departure can use: enough to hold its whole booked capacity."""
    with np.errstate(divide="ignore", invalid="ignore"):
        by_kg = np.where(
            rows.unit_kg > 0, np.ceil(rows.cap_kg / np.maximum(rows.unit_kg, 1e-12)), 0
        )
        by_m3 = np.where(
            rows.unit_m3 > 0, np.ceil(rows.cap_m3 / np.maximum(rows.unit_m3, 1e-12)), 0
        )
    limit = np.maximum(np.nan_to_num(by_kg, posinf=1e6), np.nan_to_num(by_m3, posinf=1e6))
    return np.minimum(limit, 1e6)
