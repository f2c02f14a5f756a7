"""The optimisation model of one block, as a sparse standard form built from numpy arrays.

With x_a the orders of commodity c on arc a (a route and a departure), u_c the orders left
unplanned and y_r the consolidation units bought on departure r:

    minimise   sum cost_a x_a + unplanned_penalty sum u_c + sum unit_cost_r y_r
    subject to sum_{a of c} x_a + u_c = n_c                       every commodity c
               sum_{a through r} kg_c(a) x_a <= cap_kg_r           every departure r
               sum_{a through r} m3_c(a) x_a <= cap_m3_r
               sum_{a through r} kg_c(a) x_a <= unit_kg_r y_r       departures bought in units
               sum_{a through r} m3_c(a) x_a <= unit_m3_r y_r
               sum_{a of c through r} x_a <= n_c y_r                linking, where n_c orders
                                                                    fit in one unit
               x, u >= 0; 0 <= y_r <= unit_limit_r integer

The linking rows are the strong inequalities of fixed-charge network design: without them
the LP relaxation buys a sliver of a unit for a few parcels (y_r = load / unit size) and
its bound sits far below any plan when departures are lightly loaded; with them a
commodity that uses a departure pays for the whole unit unless other commodities share
it. They are valid for integer y (y_r >= 1 as soon as anything flows), and implied by the
unit rows where a commodity alone fills a unit, so they are added only where it does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.plan.solver import Solution, SparseModel


@dataclass(frozen=True)
class BlockData:
    """One independent piece of the model (local indices throughout; plain arrays, so a
    block pickles for a process pool or a cluster)."""

    commodities: np.ndarray  # global commodity ids (to map the result back)
    rows: np.ndarray  # global capacity-row ids
    arcs: np.ndarray  # global arc ids
    demand: np.ndarray  # int64 orders per commodity
    arc_commodity: np.ndarray  # int64 local commodity of each arc
    arc_cost: np.ndarray  # float64 per order
    arc_kg: np.ndarray  # float64 per order
    arc_m3: np.ndarray
    arc_rows: np.ndarray  # int64 (arcs x 2) local rows, -1 = none
    cap_kg: np.ndarray  # per row, inf = none
    cap_m3: np.ndarray
    unit_kg: np.ndarray  # 0 = no unit
    unit_m3: np.ndarray
    unit_cost: np.ndarray
    unit_limit: np.ndarray
    unplanned_penalty: float
    solver: str = "highs"  # MIP solver of the `window` rounding
    lp_solver: str = "highs"
    rounding: str = "descent"  # or "window" (blocks.py)
    linking: bool = True  # solve_relaxation: with the linking rows (the bound needs them)
    mip_arcs: int = 2000  # descent: blocks up to this many arcs are polished by the MIP
    time_limit_s: float = 10.0
    threads: int = 1
    seed: int = 7
    relative_gap: float = 1e-3
    integer_flows: bool = False
    lp: Solution | None = None  # the LP relaxation, where a pricing round solved this very
    # block already (solve_block then starts from it)
    link_group: np.ndarray | None = None  # per commodity, a global linking group id (None:
    # its own global id); commodities split from one share one linking row per departure
    cut_rounds: int = 0  # LP rounds of cutset inequalities in solve_block (cuts.py)
    cut_arcs: int = 10_000  # ... on blocks of at most this many arcs
    exact_bound: bool = False  # solve_block: only the whole MIP's proven bound, no plan
    # (pieces.py: a piece of the universe, each order a commodity, every route)


@dataclass(frozen=True)
class Formulation:
    """A block's model and where its parts sit: variables are [x (arcs), u (commodities),
    y (rows with a unit)]; rows are [demand, cap kg, cap m3, unit kg, unit m3, linking]."""

    model: SparseModel
    unit_var: np.ndarray  # per capacity row, its y variable (-1 = no unit)
    n_arc: int
    n_com: int
    n_row: int
    link_group: np.ndarray  # per linking row, its (global) group and (local) capacity row
    link_row: np.ndarray

    def units(self, values: np.ndarray) -> np.ndarray:
        """Units per capacity row in a vector of variable values (0 without a unit)."""
        out = np.zeros(self.n_row)
        have = self.unit_var >= 0
        out[have] = values[self.unit_var[have]]
        return out

    def flows(self, values: np.ndarray) -> np.ndarray:
        return values[: self.n_arc]

    def unplanned(self, values: np.ndarray) -> np.ndarray:
        return values[self.n_arc : self.n_arc + self.n_com]

    def row_prices(self, duals: np.ndarray) -> tuple[np.ndarray, ...]:
        """The LP duals of the <= rows as prices >= 0 (cost saved per unit of right-hand
        side): booked kg, booked m3, unit kg, unit m3 per capacity row, and per linking
        row. All zero without duals; rows after the linking ones (cuts.py) are not read."""
        n, r, n_link = self.n_com, self.n_row, len(self.link_group)
        if not len(duals):
            duals = np.zeros(n + 4 * r + n_link)
        price = np.maximum(-duals, 0.0)
        per_row = (price[n + k * r : n + (k + 1) * r] for k in range(4))
        return (*per_row, price[n + 4 * r : n + 4 * r + n_link])

    def with_units_between(self, lower: np.ndarray, upper: np.ndarray) -> SparseModel:
        """The model with y_r restricted to [lower_r, upper_r] (arrays per capacity row)."""
        lo, hi = self.model.lower.copy(), self.model.upper.copy()
        have = self.unit_var >= 0
        lo[self.unit_var[have]] = lower[have]
        hi[self.unit_var[have]] = upper[have]
        m = self.model
        return SparseModel(
            lo, hi, m.integer, m.cost, m.row_lower, m.row_upper, m.rows, m.cols, m.vals
        )


def build_model(b: BlockData, linking: bool = True) -> Formulation:
    n_arc, n_com, n_row = len(b.arc_cost), len(b.demand), len(b.cap_kg)
    has_unit = (b.unit_kg > 0) | (b.unit_m3 > 0)
    n_unit = int(has_unit.sum())
    unit_var = np.full(n_row, -1, dtype=np.int64)
    unit_var[has_unit] = n_arc + n_com + np.arange(n_unit)
    upper = np.concatenate([b.demand[b.arc_commodity], b.demand, b.unit_limit[has_unit]])
    integer = np.concatenate(
        [np.full(n_arc, b.integer_flows), np.zeros(n_com, bool), np.ones(n_unit, bool)]
    )
    cost = np.concatenate([b.arc_cost, np.full(n_com, b.unplanned_penalty), b.unit_cost[has_unit]])
    parts = [_demand_rows(b), *_capacity_rows(b, has_unit, unit_var)]
    row_lower = [b.demand.astype(np.float64), np.full(4 * n_row, -np.inf)]
    row_upper = [b.demand.astype(np.float64), b.cap_kg, b.cap_m3, np.zeros(2 * n_row)]
    link_group, link_row = np.zeros(0, np.int64), np.zeros(0, np.int64)
    if linking:
        link_group, link_row, arc, of_arc, demand = linking_pairs(b)
        parts.append(_linking_rows(unit_var, n_com + 4 * n_row, demand, link_row, arc, of_arc))
        row_lower.append(np.full(len(link_group), -np.inf))
        row_upper.append(np.zeros(len(link_group)))
    model = SparseModel(
        lower=np.zeros(n_arc + n_com + n_unit),
        upper=upper.astype(np.float64),
        integer=integer,
        cost=cost.astype(np.float64),
        row_lower=np.concatenate(row_lower),
        row_upper=np.concatenate(row_upper).astype(np.float64),
        rows=np.concatenate([p[0] for p in parts]),
        cols=np.concatenate([p[1] for p in parts]),
        vals=np.concatenate([p[2] for p in parts]),
    )
    return Formulation(model, unit_var, n_arc, n_com, n_row, link_group, link_row)


Triplets = tuple[np.ndarray, np.ndarray, np.ndarray]


def _demand_rows(b: BlockData) -> Triplets:
    n_arc, n_com = len(b.arc_cost), len(b.demand)
    rows = np.concatenate([b.arc_commodity, np.arange(n_com)])
    cols = np.arange(n_arc + n_com)
    return rows, cols, np.ones(n_arc + n_com)


def _capacity_rows(b: BlockData, has_unit: np.ndarray, unit_var: np.ndarray) -> list[Triplets]:
    """Booked capacity (kg, m3) and unit rows (load - unit size x y <= 0)."""
    n_com, n_row = len(b.demand), len(b.cap_kg)
    out = []
    for slot in range(b.arc_rows.shape[1]):
        a = np.flatnonzero(b.arc_rows[:, slot] >= 0)
        r = b.arc_rows[a, slot]
        unit = has_unit[r]
        for k, per in enumerate((b.arc_kg, b.arc_m3)):
            out.append((n_com + k * n_row + r, a, per[a]))
            out.append((n_com + (2 + k) * n_row + r[unit], a[unit], per[a[unit]]))
    u = np.flatnonzero(has_unit)
    for k, size in enumerate((b.unit_kg, b.unit_m3)):
        out.append((n_com + (2 + k) * n_row + u, unit_var[u], -size[u]))
    return out


def linking_pairs(b: BlockData) -> tuple[np.ndarray, ...]:
    """(group, row) pairs whose group's whole demand fits in one unit of the row; per arc
    through such a row, the arc and its pair; and the demand of each pair's group."""
    n_row = len(b.cap_kg)
    group = b.commodities if b.link_group is None else b.link_group
    demand = np.bincount(group, b.demand, int(group.max(initial=-1)) + 1)
    kg = np.bincount(group, b.demand * _per_commodity(b, b.arc_kg), len(demand))
    m3 = np.bincount(group, b.demand * _per_commodity(b, b.arc_m3), len(demand))
    slots = [np.flatnonzero(b.arc_rows[:, s] >= 0) for s in range(b.arc_rows.shape[1])]
    arc = np.concatenate(slots)
    row = np.concatenate([b.arc_rows[a, s] for s, a in enumerate(slots)])
    g = group[b.arc_commodity[arc]]
    has = (b.unit_kg[row] > 0) | (b.unit_m3[row] > 0)
    fits = ((b.unit_kg[row] <= 0) | (kg[g] <= b.unit_kg[row])) & (
        (b.unit_m3[row] <= 0) | (m3[g] <= b.unit_m3[row])
    )
    keep = has & fits
    arc, row, g = arc[keep], row[keep], g[keep]
    pair, of_arc = np.unique(g * (n_row + 1) + row, return_inverse=True)
    return pair // (n_row + 1), pair % (n_row + 1), arc, of_arc, demand[pair // (n_row + 1)]


def _per_commodity(b: BlockData, per_arc: np.ndarray) -> np.ndarray:
    out = np.zeros(len(b.demand))
    out[b.arc_commodity] = per_arc
    return out


def _linking_rows(
    unit_var: np.ndarray,
    first: int,
    demand: np.ndarray,
    row: np.ndarray,
    arc: np.ndarray,
    of_arc: np.ndarray,
) -> Triplets:
    """sum of the group's arcs through the row - n_group y_r <= 0, per linking pair."""
    rows = np.concatenate([first + of_arc, first + np.arange(len(row))])
    cols = np.concatenate([arc, unit_var[row]])
    vals = np.concatenate([np.ones(len(arc)), -demand.astype(np.float64)])
    return rows, cols, vals


def loads(b: BlockData, flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """kg and m3 per capacity row of a flow per arc."""
    n_row = len(b.cap_kg)
    kg, m3 = np.zeros(n_row), np.zeros(n_row)
    for slot in range(b.arc_rows.shape[1]):
        a = np.flatnonzero(b.arc_rows[:, slot] >= 0)
        kg += np.bincount(b.arc_rows[a, slot], flow[a] * b.arc_kg[a], n_row)
        m3 += np.bincount(b.arc_rows[a, slot], flow[a] * b.arc_m3[a], n_row)
    return kg, m3


def units_needed(b: BlockData, flow: np.ndarray) -> np.ndarray:
    """The fewest units per row that hold a flow (0 on rows without a unit)."""
    kg, m3 = loads(b, flow)
    need = np.maximum(_ratio(kg, b.unit_kg), _ratio(m3, b.unit_m3))
    return np.minimum(np.ceil(need - 1e-9), np.where(b.unit_limit > 0, b.unit_limit, 0))


def _ratio(load: np.ndarray, size: np.ndarray) -> np.ndarray:
    return np.where(size > 0, load / np.where(size > 0, size, 1), 0)


def point(f: Formulation, b: BlockData, flow: np.ndarray) -> np.ndarray:
    """A full variable vector from a flow per arc: the rest of each commodity unplanned,
    and the fewest units that hold the flow."""
    out = np.zeros(len(f.model.lower))
    out[: f.n_arc] = flow
    out[f.n_arc : f.n_arc + f.n_com] = b.demand - np.bincount(b.arc_commodity, flow, f.n_com)
    have = f.unit_var >= 0
    out[f.unit_var[have]] = units_needed(b, flow)[have]
    return out
