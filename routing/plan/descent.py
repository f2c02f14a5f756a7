"""Whole units near the LP's: the descent from ceil(y*) (step 2 of a block, blocks.py).

The units start at ceil(y*), feasible with the LP's flows. Each try lowers some departures
with a fractional y* to floor(y*) and is kept where the plan then costs less: the flows,
re-planned under fewer units, cost less extra than the units saved.

A try moves only what rides the lowered departures, so it re-plans only the **movers**:
the commodities with flow on a lowered departure, and those with flow on a departure that
a mover's arcs ride (one hop on: they may make room for the movers). The others keep
their flows, and the movers get the room they leave. That is a feasible plan, so a kept
try saves at least what it reports, and one LP of every flow at the final units ends the
descent. On the largest block of 100,000 sample orders (126,238 arcs) a try over every
flow takes a second; over the movers a third of that, and the descent keeps the same
units to the cent (docs/plan.md). Movers without the extra hop were fifteen times
faster still, but their plans cost EUR 1,500 more: they cannot push others aside.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from routing.plan.model import BlockData, Formulation, build_model, loads
from routing.plan.solver import Solution, Status, solve

_FLOWING = 1e-9  # orders: less is an LP's rounding noise, not a flow


def descent(f: Formulation, b: BlockData, lp: Solution, started: float) -> Solution:
    """From ceil(y*), the departures with a fractional y* tried at floor(y*), least used
    first, each kept where the flows then cost less. Those used below a quarter of a unit
    are tried together first (in the sample weeks they are nearly always all kept), one
    by one only if that fails."""
    low, high, _ = rounded(f, lp)
    plain = build_model(b, linking=False)  # with y fixed, the linking rows are implied
    frac = np.flatnonzero(high > low)
    used = (f.units(lp.values) - low)[frac]
    order = frac[np.lexsort((frac, used))].tolist()
    batch = frac[used < 0.25]
    state = _Descent(plain, b, high.copy(), started)
    if len(batch) > 1 and state.tries(batch, low):
        order = [r for r in order if r not in set(batch.tolist())]
    for r in order:
        if state.stopped:
            break
        state.tries(np.array([r]), low)
    best = fixed(plain, b, state.units)  # every flow re-planned at the units kept
    if not best.objective <= state.best.objective + 1e-9 * max(abs(best.objective), 1.0):
        best = state.best  # the LP failed (or lost the last cent to its tolerance)
    return Solution(
        Status.FEASIBLE if state.stopped or best is state.best else Status.OPTIMAL,
        best.objective,
        lp.objective,
        best.values,
        np.zeros(0),
        time.perf_counter() - started,
    )


class _Descent:
    """The units kept so far and a plan of the flows under them."""

    def __init__(self, plain: Formulation, b: BlockData, units: np.ndarray, started: float):
        self.plain, self.b, self.units, self.started = plain, b, units, started
        self.best = fixed(plain, b, units)
        self.stopped = False

    def tries(self, rows: np.ndarray, low: np.ndarray) -> bool:
        """Rows at `low` units: kept (True) if the plan then costs less."""
        if time.perf_counter() - self.started > self.b.time_limit_s or not len(self.best.values):
            self.stopped = True
            return False
        trial = self.units.copy()
        trial[rows] = low[rows]
        values = self._replanned(rows, trial)
        if values is None:
            return False
        cost = float(self.plain.model.cost @ values)
        if cost < self.best.objective - 1e-9 * max(abs(self.best.objective), 1.0):
            self.units = trial
            self.best = Solution(Status.FEASIBLE, cost, np.nan, values, np.zeros(0), 0.0)
            return True
        return False

    def _replanned(self, rows: np.ndarray, units: np.ndarray) -> np.ndarray | None:
        """The plan's variables with the movers of `rows` re-planned under `units`; None
        if they do not fit."""
        b, p, values = self.b, self.plain, self.best.values.copy()
        values[p.unit_var[p.unit_var >= 0]] = units[p.unit_var >= 0]
        flow = values[: p.n_arc]
        movers = _movers(b, flow, rows)
        if not movers.any():
            return values
        arcs = np.flatnonzero(movers[b.arc_commodity])
        others = np.where(movers[b.arc_commodity], 0.0, flow)
        sub = _sub_block(b, movers, arcs, _room(b, others, units))
        found = fixed(build_model(sub, linking=False), sub, np.zeros(len(b.cap_kg)))
        if not np.isfinite(found.objective):
            return None
        coms = np.flatnonzero(movers)
        values[arcs] = found.values[: len(arcs)]
        values[p.n_arc + coms] = found.values[len(arcs) : len(arcs) + len(coms)]
        return values


def _movers(b: BlockData, flow: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per commodity: it has flow on one of `rows`, or on a row that such a commodity's
    arcs ride."""
    flowing = flow > _FLOWING
    movers = _riding_with_flow(b, flowing, _mask(rows, len(b.cap_kg)))
    reached = _mask(b.arc_rows[movers[b.arc_commodity]].ravel(), len(b.cap_kg))
    return movers | _riding_with_flow(b, flowing, reached)


def _mask(rows: np.ndarray, n_row: int) -> np.ndarray:
    """Per row and one more entry for "no row" (-1), which is never set."""
    out = np.zeros(n_row + 1, dtype=bool)
    out[rows[rows >= 0]] = True
    return out


def _riding_with_flow(b: BlockData, flowing: np.ndarray, inside: np.ndarray) -> np.ndarray:
    out = np.zeros(len(b.demand), dtype=bool)
    out[b.arc_commodity[flowing & inside[b.arc_rows].any(axis=1)]] = True
    return out


def _room(b: BlockData, flow: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """kg and m3 per row left by `flow` under the booked capacity and `units`."""
    kg, m3 = loads(b, flow)
    cap_kg = np.where(b.unit_kg > 0, np.minimum(b.cap_kg, b.unit_kg * units), b.cap_kg)
    cap_m3 = np.where(b.unit_m3 > 0, np.minimum(b.cap_m3, b.unit_m3 * units), b.cap_m3)
    return np.maximum(cap_kg - kg, 0.0), np.maximum(cap_m3 - m3, 0.0)


def _sub_block(
    b: BlockData, movers: np.ndarray, arcs: np.ndarray, room: tuple[np.ndarray, np.ndarray]
) -> BlockData:
    """The movers' commodities and arcs in `room`, with no units to buy."""
    coms = np.flatnonzero(movers)
    local = np.full(len(b.demand), -1, dtype=np.int64)
    local[coms] = np.arange(len(coms))
    none = np.zeros(len(b.cap_kg))
    return replace(
        b,
        commodities=b.commodities[coms],
        arcs=b.arcs[arcs],
        demand=b.demand[coms],
        arc_commodity=local[b.arc_commodity[arcs]],
        arc_cost=b.arc_cost[arcs],
        arc_kg=b.arc_kg[arcs],
        arc_m3=b.arc_m3[arcs],
        arc_rows=b.arc_rows[arcs],
        cap_kg=room[0],
        cap_m3=room[1],
        unit_kg=none,
        unit_m3=none,
        unit_cost=none,
        lp=None,
        link_group=None,
    )


def fixed(plain: Formulation, b: BlockData, units: np.ndarray) -> Solution:
    """The flows with the units fixed: an LP (a MIP with `integer_flows`); objective inf
    if it fails."""
    model = plain.with_units_between(units, units)
    if b.integer_flows:
        found = solve(model, b.solver, b.time_limit_s, b.threads, b.seed, b.relative_gap)
    else:
        found = solve(model, b.lp_solver, b.time_limit_s, b.threads, b.seed, relax=True)
    if not len(found.values):
        return Solution(found.status, np.inf, np.nan, np.zeros(0), np.zeros(0), found.seconds)
    return found


def rounded(f: Formulation, lp: Solution) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """floor(y*) and ceil(y*) per row, and the LP's values with the units rounded up."""
    y = f.units(lp.values)
    low, high = np.floor(y + 1e-6), np.ceil(y - 1e-6)
    start = lp.values.copy()
    have = f.unit_var >= 0
    start[f.unit_var[have]] = high[have]
    return low, high, start
