"""What a plan hands back: the plan table (one row per input order), the summary and its
figures per service departure."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from carriers.money import minor_units
from routing.calendar import day_date
from routing.plan.assign import Evaluation
from routing.plan.planner import PlanResult
from routing.plan.table import NO_DEADLINE

PLAN_COLUMNS = (
    "order_id",
    "status",
    "route",
    "legs",
    "departure",
    "shipping",
    "duties_and_taxes",
    "total",
    "currency",
    "promise_p50",
    "promise_p90",
    "on_time",
    "reason",
)


def _money(minor: np.ndarray, currency: str) -> list[str]:
    digits = minor_units(currency)
    whole = np.floor(minor + 0.5).astype(np.int64)
    return [f"{v / 10**digits:.{digits}f}" for v in whole.tolist()]


def plan_table(result: PlanResult) -> pd.DataFrame:
    """Every order of the input exactly once: planned, unplanned (with a reason) or
    invalid (with the line, field and problem), in input order."""
    o, e, net = result.orders, result.plan_eval, result.network.compiled
    cur = result.params.currency
    planned = result.plan.arc >= 0
    arc = np.maximum(result.plan.arc, 0)
    route_ids = result.arcs.route[arc] if len(result.arcs) else np.zeros(len(o), np.int64)
    names, legs = _route_texts(result)
    day = lambda d: [day_date(x).isoformat() for x in d.tolist()]  # noqa: E731
    blank = np.full(len(o), "", dtype=object)
    total = e.shipping + e.duties
    table = pd.DataFrame(
        {
            "order_id": o.order_id,
            "status": np.where(planned, "planned", "unplanned"),
            "route": np.where(planned, names[route_ids] if len(names) else blank, ""),
            "legs": np.where(planned, legs[route_ids] if len(legs) else blank, ""),
            "departure": np.where(
                planned, day(result.arcs.day[arc]) if len(result.arcs) else blank, ""
            ),
            "shipping": np.where(planned, _money(e.shipping, cur), ""),
            "duties_and_taxes": np.where(planned, _money(e.duties, cur), ""),
            "total": np.where(planned, _money(total, cur), ""),
            "currency": cur,
            "promise_p50": np.where(
                planned, day(result.arcs.p50[arc]) if len(result.arcs) else blank, ""
            ),
            "promise_p90": np.where(
                planned, day(result.arcs.p90[arc]) if len(result.arcs) else blank, ""
            ),
            "on_time": pd.Series(  # text even with no orders (an empty list is float)
                [("" if v is None else str(bool(v)).lower()) for v in e.on_time], dtype="str"
            ),
            "reason": result.plan.reason,
            "_line": o.line,
        }
    )
    del net
    bad = pd.DataFrame(
        {
            "order_id": [r.order_id for r in result.invalid],
            "status": "invalid",
            "currency": cur,
            "reason": [f"line {r.line}: {r.field}: {r.message}" for r in result.invalid],
            "_line": [r.line for r in result.invalid],
        }
    )
    out = pd.concat([table, bad], ignore_index=True).fillna("")
    out = out.sort_values("_line", kind="stable").drop(columns="_line")
    return out[list(PLAN_COLUMNS)].reset_index(drop=True)


def _route_texts(result: PlanResult) -> tuple[np.ndarray, np.ndarray]:
    net = result.network.compiled
    names, legs = [], []
    for r in range(len(result.routes)):
        services = result.routes.services(net, r)
        names.append("+".join(s.id for s in services))
        legs.append(" > ".join(f"{s.carrier}:{s.mode.value}" for s in services))
    return np.array(names, dtype=object), np.array(legs, dtype=object)


def _totals(e: Evaluation, digits: int) -> dict[str, Any]:
    scale = 10**digits
    planned_late = [v for v in e.on_time if v is not None]
    return {
        "freight": round(e.freight / scale, digits),
        "consolidation_units": round(e.unit_cost / scale, digits),
        "duties_and_taxes": round(e.duty / scale, digits),
        "late_penalty": round(e.late_penalty / scale, digits),
        "cost": round(e.cost / scale, digits),
        "unplanned_orders": e.unplanned,
        "unplanned_penalty": round(e.unplanned_penalty / scale, digits),
        "objective": round(e.objective / scale, digits),
        "on_time_share": round(sum(planned_late) / len(planned_late), 4) if planned_late else None,
        "units_bought": int(e.units.sum()),
    }


def departures(result: PlanResult) -> list[dict[str, Any]]:
    """Per service departure: capacity, load, utilisation (of the booked capacity, and of
    the units bought), units, and the LP's prices: what one more kg or m3 of booked
    capacity would save (`shadow_price_*`, > 0 where the capacity binds), and what a kg
    or m3 of room in the units is worth (`unit_price_*`)."""
    rows, e, net = result.rows, result.plan_eval, result.network.compiled
    digits = minor_units(result.params.currency)
    scale = 10**digits
    out = []
    for r in range(len(rows)):
        s = net.services[int(rows.service[r])]
        cap_kg, cap_m3 = float(rows.cap_kg[r]), float(rows.cap_m3[r])
        util = max(
            e.load_kg[r] / cap_kg if np.isfinite(cap_kg) and cap_kg > 0 else 0.0,
            e.load_m3[r] / cap_m3 if np.isfinite(cap_m3) and cap_m3 > 0 else 0.0,
        )
        pk, pm = float(result.price_kg[r]) / scale, float(result.price_m3[r]) / scale
        units = int(e.units[r])
        in_units = max(
            e.load_kg[r] / (units * rows.unit_kg[r]) if units and rows.unit_kg[r] > 0 else 0.0,
            e.load_m3[r] / (units * rows.unit_m3[r]) if units and rows.unit_m3[r] > 0 else 0.0,
        )
        out.append(
            {
                "service": s.id,
                "mode": s.mode.value,
                "from": s.from_node,
                "to": s.to_node,
                "date": day_date(int(rows.day[r])).isoformat(),
                "capacity_kg": cap_kg if np.isfinite(cap_kg) else None,
                "capacity_m3": cap_m3 if np.isfinite(cap_m3) else None,
                "load_kg": round(float(e.load_kg[r]), 3),
                "load_m3": round(float(e.load_m3[r]), 4),
                "utilisation": round(util, 4),
                "units": units,
                "unit": s.unit.name if s.unit else None,
                "units_filled": round(in_units, 4),
                "shadow_price_per_kg": round(max(pk, 0.0), 6),
                "shadow_price_per_m3": round(max(pm, 0.0), 6),
                "unit_price_per_kg": round(float(result.unit_price_kg[r]) / scale, 6),
                "unit_price_per_m3": round(float(result.unit_price_m3[r]) / scale, 6),
                "binding": bool(pk > 1e-9 or pm > 1e-9),
            }
        )
    return out


def _finite(value: float, digits: int) -> float | None:
    """Rounded, or None (JSON null) for a figure that could not be had (a failed LP)."""
    return round(value, digits) if np.isfinite(value) else None


_VEHICLE = {"air": "flight", "sea": "sailing", "rail": "train", "road": "truck"}
TOP_PRICES = 5  # shadow prices the summary puts in words
NO_PRICE = "no capacity binds"  # what is said instead, when none is above 0


def top_shadow_prices(deps: list[dict[str, Any]], currency: str) -> list[dict[str, Any]]:
    """The highest shadow prices of booked capacity (at most `TOP_PRICES`; none where no
    capacity binds), each with its departure, the measure (kg or m3), what one more of it
    saves (plan currency) and that in words: 'one more m3 on the 2026-11-18 PVG-MAD
    flight saves EUR 429.00'."""
    found = [
        (d[f"shadow_price_per_{measure}"], d, measure)
        for d in deps
        for measure in ("kg", "m3")
        if d[f"shadow_price_per_{measure}"] > 0
    ]
    found.sort(key=lambda f: (-f[0], f[1]["date"], f[1]["service"], f[2]))
    return [
        {
            "service": d["service"],
            "date": d["date"],
            "measure": measure,
            "saving": saving,
            "sentence": saving_sentence(f"one more {measure}", d, saving, currency),
        }
        for saving, d, measure in found[:TOP_PRICES]
    ]


def saving_sentence(
    what: str, d: dict[str, Any], saving: float, currency: str, at_most: bool = False
) -> str:
    """'one more m3 on the 2026-11-18 PVG-MAD flight saves EUR 429.00', of a departure
    `d` with its `date`, `from`, `to` and `mode` ('saves at most' for a bound)."""
    vehicle = _VEHICLE.get(d["mode"], "departure")
    saves = "saves at most" if at_most else "saves"
    return f"{what} on the {d['date']} {_lane(d)} {vehicle} {saves} {_words(saving, currency)}"


def _lane(departure: dict[str, Any]) -> str:
    """PVG-MAD: the place codes of its nodes (ids read COUNTRY-PLACE-KIND)."""
    place = lambda node: node.split("-")[1] if node.count("-") == 2 else node  # noqa: E731
    return f"{place(departure['from'])}-{place(departure['to'])}"


def _words(amount: float, currency: str) -> str:
    """To the minor unit; a price below it to two significant digits (EUR 0.0042)."""
    digits = minor_units(currency)
    if round(amount, digits) > 0:
        return f"{currency} {amount:,.{digits}f}"
    tiny = np.format_float_positional(amount, precision=2, unique=False, fractional=False)
    return f"{currency} {tiny}"


def _without_on_time_candidate(result: PlanResult) -> int:
    """Orders with a deadline and candidates, none of which arrives by it at P90: late in
    any plan, whatever the late penalty (the on-time share cannot pass the others)."""
    o, pairs = result.orders, result.pairs
    owner = pairs.owner
    on_time = result.arcs.p90[pairs.arc] <= o.deliver_by[owner] if len(pairs.arc) else owner > 0
    some = np.bincount(owner, on_time, len(o)) > 0
    dated = o.deliver_by != NO_DEADLINE
    return int((dated & (pairs.counts > 0) & ~some).sum())


def _route_sources(result: PlanResult) -> dict[str, int]:
    """Planned orders on a departure past the horizon, on an arc that pricing added
    (column generation, not the first candidates), and on one that the final model holds
    for departures that neither brought (`complete_departures`, columns.py)."""
    arc = result.plan.arc[result.plan.arc >= 0]
    source = result.arc_source[arc]
    return {
        "beyond_horizon": int(result.universe.beyond[source].sum()),
        "routed_by_pricing": int(result.priced[source].sum()),
        "routed_by_completion": int((~result.universe.initial & ~result.priced)[source].sum()),
    }


def summary(result: PlanResult) -> dict[str, Any]:
    digits = minor_units(result.params.currency)
    scale = 10**digits
    reasons = Counter(r for r in result.plan.reason.tolist() if r)
    deps = departures(result)
    return {
        "currency": result.params.currency,
        "orders": {
            "input": len(result.orders) + len(result.invalid),
            "planned": int((result.plan.arc >= 0).sum()),
            "unplanned": int((result.plan.arc < 0).sum()),
            "invalid": len(result.invalid),
            "unplanned_by_reason": dict(sorted(reasons.items())),
            "commodities": result.commodities,
            "without_on_time_candidate": _without_on_time_candidate(result),
            **_route_sources(result),
        },
        "optimized": _totals(result.plan_eval, digits),
        "greedy": _totals(result.greedy_eval, digits),
        "plan_source": result.plan_source,
        "repacked_departures": result.repacked,
        "units_opened": result.opened,
        "pieces_planned_by_mip": result.adopted.pieces,  # their own MIP's plan (adopt.py)
        "saving_vs_greedy": round(
            (result.greedy_eval.objective - result.plan_eval.objective) / scale, digits
        ),
        "lp_bound": _finite(result.lp_bound / scale, digits),
        "gap_to_lp_bound": _finite(result.gap_to(result.lp_bound), 6),
        "bound": _finite(result.bound / scale, digits),
        "gap_to_bound": _finite(result.gap, 6),
        "fixed_penalty": round(result.fixed_penalty / scale, digits),
        "bound_whole_units": {  # pieces of the universe bounded by their own MIP (pieces.py)
            "pieces": result.pieces.pieces,
            "orders": result.pieces.orders,
            "optimal": result.pieces.optimal,
            "lifted": round(result.pieces.lifted / scale, digits),
        },
        "bound_covers": "every route and departure within the horizon (the next ones past "
        "it where none is within)",
        "columns": {
            "rounds": result.columns.rounds,
            "generated": result.columns.columns,
            "converged": result.columns.converged,
            "stopped_by": result.columns.stopped,
            "completed": result.columns.completed,
            "universe": len(result.universe),
        },
        "solver": {
            "mip": result.params.solver,
            "lp": result.params.lp_solver,
            "blocks": len(result.blocks),
            "status": dict(Counter(b.status for b in result.blocks)),
            "lp_status": dict(Counter(b.lp_status for b in result.blocks)),
            "seconds": round(sum(b.seconds for b in result.blocks), 3),
            "arcs": len(result.arcs),
            "departures": len(result.rows),
        },
        "stage_seconds": {k: round(v, 3) for k, v in result.seconds.items()},
        "binding_departures": sum(d["binding"] for d in deps),
        "top_shadow_prices": top_shadow_prices(deps, result.params.currency),
        "departures": deps,
        "scenario": {
            "close": sorted(result.scenario.close),
            "scale_capacity": dict(result.scenario.scale_capacity),
            "demand": result.scenario.demand,
        },
        "params": {
            k: (str(v) if not isinstance(v, int | float | bool | str) else v)
            for k, v in vars(result.params).items()
        },
    }
