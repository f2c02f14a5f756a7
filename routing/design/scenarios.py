"""Robustness: what a booking costs when demand is not the forecast.

A scenario changes the demand of a design's commodities by a factor each (a column's
cost, a commodity's kg, m3 and unserved cost all scale with the parcels it stands for)
and may close a booked service for a week (its departures that week book nothing and
take no spot). Scenarios are drawn in turn from three kinds, with a fixed seed:

- `demand`: every week's demand times its own factor, uniform in [0.8, 1.2];
- `late surge`: the 11.11 surge comes a week late: the week after the peak week carries
  1.3-1.7 times its forecast, drawn (the peak week as forecast); a season without 11.11 (or whose
  last week it is) gets that surge in its middle week instead;
- `lane closed`: a service the booking uses, drawn, departs not at all for a drawn week
  of its departures (a booking that uses none gets the surge instead).

Each scenario is routed over the booked units plus spot (`evaluate_booking`) by the same
model the design solves, with the units fixed: the planner's model of the season.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from routing.calendar import day_date
from routing.design.problem import CapacityRows, Commodities, DesignProblem

KINDS = ("demand", "late surge", "lane closed")
DEMAND_SPREAD = 0.2  # the `demand` kind's factors lie within 1 +- this
LATE_SURGE = (1.3, 1.7)  # the week after the peak against its forecast, drawn within


@dataclass(frozen=True)
class Scenario:
    name: str
    factor: np.ndarray  # float64 per commodity
    closed: np.ndarray  # int64 capacity rows closed


def draw_scenarios(
    k: int,
    week: np.ndarray,
    peak_week: int | None,
    service_rows: dict[str, np.ndarray],
    row_week: np.ndarray,
    seed: int = 1,
) -> list[Scenario]:
    """`k` scenarios. `week`: per commodity, its week (the day number of its Monday);
    `peak_week`: the forecast's 11.11 week, if any; `service_rows`: per booked service,
    its capacity rows; `row_week`: per capacity row, the week of its departure."""
    rng = np.random.default_rng(seed)
    weeks = np.unique(week)
    out = []
    for i in range(k):
        kind = KINDS[i % len(KINDS)]
        factor = np.ones(len(week))
        closed = np.zeros(0, dtype=np.int64)
        if kind == "demand":
            draw = rng.uniform(1 - DEMAND_SPREAD, 1 + DEMAND_SPREAD, len(weeks))
            factor = draw[np.searchsorted(weeks, week)]
            name = f"demand x{factor.min():.2f}-{factor.max():.2f} by week"
        elif kind == "late surge" and peak_week is not None and peak_week + 7 in weeks:
            surge = rng.uniform(*LATE_SURGE)
            factor = np.where(week == peak_week + 7, surge, 1.0)
            name = f"11.11 surge a week late, x{surge:.2f} (week of {day_date(int(peak_week) + 7)})"
        elif kind == "late surge" or not service_rows:  # no 11.11 in the season
            when, surge = weeks[len(weeks) // 2], rng.uniform(*LATE_SURGE)
            factor = np.where(week == when, surge, 1.0)
            name = f"a surge of x{surge:.2f} in the week of {day_date(int(when))}"
        else:
            service = sorted(service_rows)[int(rng.integers(len(service_rows)))]
            rows = service_rows[service]
            its_weeks = np.unique(row_week[rows])  # a week it departs in: a closure that
            when = its_weeks[int(rng.integers(len(its_weeks)))]  # closes something
            closed = rows[row_week[rows] == when]
            name = f"{service} closed in the week of {day_date(int(when))}"
        out.append(Scenario(name, factor, closed))
    return out


def scaled(problem: DesignProblem, factor: np.ndarray) -> DesignProblem:
    """`problem` with every commodity's demand times its factor."""
    com = problem.commodities
    cols = problem.columns
    commodities = Commodities(com.kg * factor, com.m3 * factor, com.unserved * factor)
    columns = replace(cols, cost=cols.cost * factor[cols.commodity])
    return replace(problem, commodities=commodities, columns=columns)


def with_units(problem: DesignProblem, rows: np.ndarray, units: np.ndarray) -> DesignProblem:
    """`problem` with the units of `rows` fixed (each row its own commitment: a weekly
    commitment already booked is no longer a choice)."""
    cap = problem.capacity
    lo, hi = cap.min_units.copy(), cap.max_units.copy()
    lo[rows], hi[rows] = units, units
    own = cap.commitment.copy()
    own[rows] = int(cap.commitment.max(initial=-1)) + 1 + np.arange(len(rows))
    return replace(problem, capacity=replace(cap, min_units=lo, max_units=hi, commitment=own))


def closing(problem: DesignProblem, rows: np.ndarray) -> DesignProblem:
    """`problem` with `rows` departing not at all: no units, no spot."""
    cap: CapacityRows = problem.capacity
    lo, hi, rate = cap.min_units.copy(), cap.max_units.copy(), cap.spot_rate.copy()
    lo[rows], hi[rows], rate[rows] = 0, 0, np.inf
    return replace(problem, capacity=replace(cap, min_units=lo, max_units=hi, spot_rate=rate))
