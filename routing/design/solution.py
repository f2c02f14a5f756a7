"""A design as its user reads it: the units per row, the routing over them, what each
part costs, and how far it may be from the optimum."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from routing.design.duals import Duals
from routing.design.insertion import Routing
from routing.design.lp import Relaxation
from routing.design.master import Groups
from routing.design.problem import Columns, DesignProblem

OPTIMAL_GAP = 1e-6


@dataclass(frozen=True)
class DesignSolution:
    units: np.ndarray  # int64 per capacity row
    columns: Columns  # the final pool: the problem's columns first, then generated ones
    share: np.ndarray  # float per column of `columns`
    unserved: np.ndarray  # share per commodity
    spot_kg: np.ndarray  # chargeable kg per capacity row
    value: float
    bound: float  # a valid lower bound on any design's value (nan: none proven)
    gap: float  # (value - bound) / value
    status: str  # "optimal" | "feasible" | "infeasible"
    seconds: float
    costs: dict[str, float]  # fixed, variable, spot, unserved
    unit_value: np.ndarray  # per row: what one more unit would save in routing, spot and
    # unserved at the margin (the LP's shadow price; worth booking where above `fixed`)
    method: str
    trace: list[tuple[str, float, float, float]] = field(default_factory=list)
    # (stage, seconds since the start, best value, bound)


def solution_of(
    problem: DesignProblem, groups: Groups, routed: Relaxation, method: str, started: float
) -> DesignSolution:
    """The design of a routing LP solved with its units fixed."""
    cap, com = problem.capacity, problem.commodities
    lay, x = routed.layout, routed.values
    k = len(com)
    units = np.rint(x[: lay.groups]).astype(np.int64)[groups.of_row]
    share = np.zeros(len(routed.master.columns))
    share[lay.active] = x[lay.first_share : lay.first_unserved]
    unserved = x[lay.first_unserved : lay.first_unserved + k].copy()
    spot = lay.spot_kg(x, k, len(cap))
    finite = np.isfinite(com.unserved)
    costs = {
        "fixed": float(cap.fixed @ units),
        "variable": float(routed.master.columns.cost @ share),
        "spot": float(cap.spot_rate[lay.spot] @ spot[lay.spot]),
        "unserved": float(com.unserved[finite] @ unserved[finite]),
    }
    stranded = bool(np.any(unserved[~finite] > 1e-6))
    d = routed.duals
    return DesignSolution(
        units=units,
        columns=routed.master.columns,
        share=share,
        unserved=unserved,
        spot_kg=spot,
        value=routed.value if stranded else sum(costs.values()),
        bound=math.nan,
        gap=math.nan,
        status="infeasible" if stranded else "feasible",
        seconds=time.perf_counter() - started,
        costs=costs,
        unit_value=cap.unit_kg * d.price_kg + cap.unit_m3 * d.price_m3,
        method=method,
    )


def routing_solution(
    problem: DesignProblem, groups: Groups, state: Routing, duals: Duals, started: float
) -> DesignSolution:
    """The design of the insertion search's routing: each commodity all on its column
    (or unserved), the units its loads need, the shadow prices of the LP's `duals`."""
    cap, com = problem.capacity, problem.commodities
    columns = state.pool()
    share = np.zeros(len(columns))
    served = state.chosen >= 0
    share[state.chosen[served]] = 1.0
    unserved = (~served).astype(np.float64)
    units = state.loads.units[groups.of_row].astype(np.int64)
    spot = state.loads.spot_kg()
    finite = np.isfinite(com.unserved)
    rate = np.where(np.isfinite(cap.spot_rate), cap.spot_rate, 0.0)
    costs = {
        "fixed": float(cap.fixed @ units),
        "variable": float(columns.cost @ share),
        "spot": float(rate @ spot),
        "unserved": float(com.unserved[finite] @ unserved[finite]),
    }
    stranded = bool(np.any(~served & ~finite))
    return DesignSolution(
        units=units,
        columns=columns,
        share=share,
        unserved=unserved,
        spot_kg=spot,
        value=state.value if stranded else sum(costs.values()),
        bound=math.nan,
        gap=math.nan,
        status="infeasible" if stranded else "feasible",
        seconds=time.perf_counter() - started,
        costs=costs,
        unit_value=cap.unit_kg * duals.price_kg + cap.unit_m3 * duals.price_m3,
        method="insert",
    )


def gap_of(value: float, bound: float) -> float:
    if math.isnan(bound) or not math.isfinite(value):
        return math.nan
    if abs(value) < 1e-12:
        return 0.0 if value - bound <= 1e-9 else math.inf
    return max(value - bound, 0.0) / abs(value)


def status_of(design: DesignSolution, bound: float) -> str:
    if design.status == "infeasible":
        return "infeasible"
    gap = gap_of(design.value, bound)
    return "optimal" if gap <= OPTIMAL_GAP else "feasible"
