"""summary.json of a design: its cost by part, bound and gap, booked against spot, the
on-time share, per service and per week, and the units' shadow prices in words.

Money is in the design's currency (major units, two decimals); the solver works in minor
units. The shadow price of a departure's unit is its capacity's dual in the routing LP
over the booked units times the unit's kg and m3 (`DesignSolution.unit_value`): that LP's
cost is convex in the capacity, so one more unit saves at most that, and the sentence
says so ("saves at most").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import numpy as np

from carriers.money import minor_units
from routing.calendar import day_date
from routing.design.bookings import row_loads
from routing.design.solution import DesignSolution
from routing.design.world import WorldDesign
from routing.plan.output import saving_sentence

TOP_PRICES = 5


class _Major:
    """Minor units of the design's currency as major units, to the cent."""

    def __init__(self, currency: str) -> None:
        self.scale = 10 ** minor_units(currency)

    def __call__(self, minor: float) -> float:
        return round(float(minor) / self.scale, 2)


def on_time_share(
    design: WorldDesign, share: np.ndarray, factor: np.ndarray | None = None
) -> float:
    """Of the parcels the forecast holds, the share carried on columns whose P90 arrives
    by the order's deliver_by (unserved parcels count as not on time)."""
    cols = design.problem.columns
    parcels = design.reps.parcels if factor is None else design.reps.parcels * factor
    on_time = float((share * ~design.late * parcels[cols.commodity]).sum())
    return on_time / max(float(parcels.sum()), 1e-12)


def design_summary(
    design: WorldDesign, solution: DesignSolution, forecast_info: dict[str, Any]
) -> dict[str, Any]:
    money = _Major(design.currency)
    rows = design.problem.capacity
    kg, _ = row_loads(design, solution.share)
    booked = design.booked
    units = solution.units
    booked_kg = float((units * rows.unit_kg)[booked].sum())
    line_haul_kg = float(kg[booked].sum())
    spot = float(solution.spot_kg[booked].sum())
    return {
        "currency": design.currency,
        "forecast": forecast_info,
        "problem": {
            "commodities": len(design.problem.commodities),
            "columns": len(solution.columns),
            "capacity_rows": len(rows),
            "booking_rows": int(booked.sum()),
            "commitments": len(np.unique(rows.commitment[booked])),
        },
        "method": solution.method,
        "status": solution.status,
        "seconds": round(solution.seconds, 2),
        "cost": {
            "total": money(solution.value),
            **{k: money(v) for k, v in solution.costs.items()},
        },
        "bound": money(solution.bound),
        "gap": solution.gap,
        "booked": {
            "units": int(units[booked].sum()),
            "kg": round(booked_kg, 1),
            "used_kg": round(line_haul_kg - spot, 1),
            "fill": _fill(design, solution),
            "spot_kg": round(spot, 1),
            "spot_share": round(spot / line_haul_kg, 4) if line_haul_kg else 0.0,
        },
        "on_time_share": round(on_time_share(design, solution.share), 4),
        "unserved_parcels": round(float((solution.unserved * design.reps.parcels).sum()), 1),
        "no_route_parcels": round(float(design.reps.parcels[_no_route(design)].sum()), 1),
        "by_service": _by_service(design, units, kg, solution.spot_kg, money),
        "by_week": _by_week(design, units, kg, solution.spot_kg),
        "shadow_prices": _prices(design, solution.unit_value, money),
    }


def _fill(design: WorldDesign, solution: DesignSolution) -> float | None:
    """How full the booked units are: per departure, the units its load within them
    needs on the dimension that binds (kg or m3), over the units booked."""
    rows = design.problem.capacity
    kg, m3 = row_loads(design, solution.share)
    spot = solution.spot_kg
    within_kg = np.maximum(kg - spot, 0.0)
    per_m3 = np.where(rows.spot_kg_per_m3 > 0, rows.spot_kg_per_m3, np.inf)
    within_m3 = np.maximum(m3 - spot / per_m3, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.maximum(
            np.where(rows.unit_kg > 0, within_kg / rows.unit_kg, 0.0),
            np.where(rows.unit_m3 > 0, within_m3 / rows.unit_m3, 0.0),
        )
    units = solution.units * design.booked
    return round(float(need[units > 0].sum() / units.sum()), 4) if units.sum() else None


def _no_route(design: WorldDesign) -> np.ndarray:
    """Per commodity: no route of the network takes it (liquids where no lane does): in
    every design's unserved cost, and in its bound."""
    cols = design.problem.columns
    return np.bincount(cols.commodity, minlength=len(design.problem.commodities)) == 0


def _by_service(
    design: WorldDesign, units: np.ndarray, kg: np.ndarray, spot: np.ndarray, money: _Major
) -> list[dict[str, Any]]:
    rows = design.problem.capacity
    net = design.network.compiled
    out: dict[str, dict[str, Any]] = {}
    for r in np.flatnonzero(design.booked):
        s = net.services[design.keys[r][0]]
        e = out.setdefault(
            s.id,
            {
                "service": s.id,
                "mode": s.mode.value,
                "from": s.from_node,
                "to": s.to_node,
                "departures": 0,
                "units": 0,
                "kg": 0.0,
                "used_kg": 0.0,
                "spot_kg": 0.0,
                "fixed_cost": 0.0,
            },
        )
        e["departures"] += 1
        e["units"] += int(units[r])
        e["kg"] += float(units[r] * rows.unit_kg[r])
        e["used_kg"] += float(kg[r] - spot[r])
        e["spot_kg"] += float(spot[r])
        e["fixed_cost"] += float(units[r] * rows.fixed[r])
    for e in out.values():
        e["fixed_cost"] = money(e["fixed_cost"])
        for k in ("kg", "used_kg", "spot_kg"):
            e[k] = round(e[k], 1)
    return sorted(out.values(), key=lambda e: e["service"])


def _by_week(
    design: WorldDesign, units: np.ndarray, kg: np.ndarray, spot: np.ndarray
) -> list[dict[str, Any]]:
    rows = design.problem.capacity
    weeks: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in np.flatnonzero(design.booked):
        when = day_date(design.keys[r][1])
        w = weeks[(when - timedelta(days=when.weekday())).isoformat()]
        w[0] += float(units[r] * rows.unit_kg[r])
        w[1] += float(kg[r] - spot[r])
        w[2] += float(spot[r])
    return [
        {
            "week": k,
            "booked_kg": round(v[0], 1),
            "used_kg": round(v[1], 1),
            "spot_kg": round(v[2], 1),
        }
        for k, v in sorted(weeks.items())
    ]


def _prices(design: WorldDesign, value: np.ndarray, money: _Major) -> list[dict[str, Any]]:
    net = design.network.compiled
    found = [r for r in np.flatnonzero(design.booked & (value > 1e-6))]
    found.sort(key=lambda r: (-value[r], r))
    out = []
    for r in found[:TOP_PRICES]:
        s = net.services[design.keys[r][0]]
        d = {
            "date": day_date(design.keys[r][1]).isoformat(),
            "from": s.from_node,
            "to": s.to_node,
            "mode": s.mode.value,
        }
        unit = s.unit.name if s.unit else "unit"
        out.append(
            {
                "service": s.id,
                "date": d["date"],
                "saving": money(value[r]),
                "sentence": saving_sentence(
                    f"one more {unit}", d, money(value[r]), design.currency, at_most=True
                ),
            }
        )
    return out
