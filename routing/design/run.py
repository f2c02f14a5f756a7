"""A season's design end to end: forecast in, the units to book, their summary and the
robustness of a booking over sampled demand scenarios.

`design_season` builds the problem from the forecast (world.py) and `solve_season` solves
it (solve.py), demand scaled to the quantile asked for. `evaluate_booking` replays scenarios
(scenarios.py) over given units: each is routed over the booked units plus spot by the
same model with the booked rows fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from carriers.errors import InvalidPlanInput
from carriers.money import minor_units
from routing.calendar import day_date
from routing.design.forecast import Forecast
from routing.design.scenarios import DEMAND_SPREAD, closing, draw_scenarios, scaled, with_units
from routing.design.solve import DesignSolution, solve_design
from routing.design.summary import design_summary, on_time_share
from routing.design.world import Progress, WorldDesign, build_design
from routing.fx import FxRates
from routing.network import Network
from routing.plan.params import PlanParams

SEASON_METHOD = "dive"  # a season's MIP does not finish its root in minutes (docs/design.md)


@dataclass(frozen=True)
class SeasonDesign:
    design: WorldDesign
    solution: DesignSolution
    summary: dict[str, Any]


def demand_factor(quantile: float | None) -> float:
    """The demand a design books for: the forecast (None), or the `quantile` of demand
    when each week's lies uniformly within +-DEMAND_SPREAD of it (the scenarios' spread)."""
    if quantile is None:
        return 1.0
    if not 0 < quantile < 1:
        raise InvalidPlanInput(f"--demand-quantile must be in (0, 1), got {quantile}")
    return 1 - DEMAND_SPREAD + 2 * DEMAND_SPREAD * quantile


def design_season(
    forecast: Forecast,
    network: Network,
    time_limit_s: float,
    demand_quantile: float | None = None,
    params: PlanParams | None = None,
    fx: FxRates | None = None,
    progress: Progress | None = None,
    method: str = SEASON_METHOD,
) -> SeasonDesign:
    design = build_design(forecast, network, params, fx, progress)
    return solve_season(design, forecast, time_limit_s, demand_quantile, progress, method)


def solve_season(
    design: WorldDesign,
    forecast: Forecast,
    time_limit_s: float,
    demand_quantile: float | None = None,
    progress: Progress | None = None,
    method: str = SEASON_METHOD,
) -> SeasonDesign:
    """The units to book for a season built from `forecast` (`build_design`)."""
    factor = demand_factor(demand_quantile)
    problem = design.problem
    if factor != 1.0:
        problem = scaled(problem, np.full(len(problem.commodities), factor))
    solution = solve_design(problem, time_limit_s, None, method, progress)
    info = forecast_info(forecast)
    info["demand_factor"] = factor
    return SeasonDesign(design, solution, design_summary(design, solution, info))


def forecast_info(forecast: Forecast) -> dict[str, Any]:
    weeks = forecast.weeks()
    return {
        "rows": len(forecast),
        "weeks": len(weeks),
        "first_week": weeks[0].isoformat() if weeks else None,
        "last_week": weeks[-1].isoformat() if weeks else None,
        "parcels": int(np.sum(forecast.parcels)),
        "kg": round(float(np.sum(forecast.kg)), 1),
        "m3": round(float(np.sum(forecast.m3)), 2),
    }


def evaluate_booking(
    design: WorldDesign,
    units: np.ndarray,
    forecast: Forecast,
    scenarios: int,
    time_limit_s: float,
    seed: int = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The robustness table of `units` (per capacity row of `design`) over `scenarios`
    drawn demand scenarios: per scenario its cost, spot and on-time share; then the
    expected and worst cost and the mean on-time share. Money in major units."""
    booked = np.flatnonzero(design.booked)
    fixed = with_units(design.problem, booked, units[booked])
    reps = design.reps
    week = np.asarray(forecast.week, dtype=np.int64)[reps.row]
    peak = np.asarray(forecast.week)[np.asarray(forecast.season) == "peak"]
    net = design.network.compiled
    service_rows: dict[str, list[int]] = {}
    for r in booked[units[booked] > 0]:  # a closure of a lane the booking uses
        service_rows.setdefault(net.services[design.keys[r][0]].id, []).append(int(r))
    row_week = np.array([d - day_date(d).weekday() for _, d in design.keys], dtype=np.int64)
    drawn = draw_scenarios(
        scenarios,
        week,
        int(peak.min()) if len(peak) else None,
        {k: np.array(v, dtype=np.int64) for k, v in service_rows.items()},
        row_week,
        seed,
    )
    scale = 10 ** minor_units(design.currency)
    out = []
    for i, sc in enumerate(drawn, 1):
        if progress:
            progress(f"scenario {i} of {len(drawn)}: {sc.name}")
        problem = closing(scaled(fixed, sc.factor), sc.closed)
        s = solve_design(problem, time_limit_s, None, SEASON_METHOD)
        out.append(
            {
                "scenario": sc.name,
                "cost": round(s.value / scale, 2),
                "spot_kg": round(float(s.spot_kg.sum()), 1),
                "unserved_parcels": round(float((s.unserved * reps.parcels * sc.factor).sum()), 1),
                "on_time_share": round(on_time_share(design, s.share, sc.factor), 4),
            }
        )
    costs = [r["cost"] for r in out]
    return {
        "scenarios": out,
        "expected_cost": round(float(np.mean(costs)), 2) if costs else None,
        "worst_cost": max(costs) if costs else None,
        "on_time_share": round(float(np.mean([r["on_time_share"] for r in out])), 4)
        if out
        else None,
    }
