"""The design problem over a subset of its columns as one sparse model (`SparseModel`),
and the row prices read back from its LP.

Variables, in this order: units per commitment group (integer in the MIP), the share
of each active column, the unserved share of each commodity, the spot of each row that
has spot (in units of its unit's chargeable kg). Rows: one demand row per commodity
(shares + unserved = 1), a kg and an m3 capacity row (in units) per capacity row where
that dimension binds, and the strong linking rows asked for:

    share of commodity k through row r  <=  units of r  +  spot kg of r / chargeable kg of k

(with no spot, the classic x_kr <= d_k y_r in share form). A commodity that must be
served gets an artificial unserved share at a big price (`must_serve_price`), so every
restricted model has a solution; a solution that uses it is reported infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.design.problem import Columns, DesignProblem
from routing.plan.solver import SparseModel

TOL = 1e-7


@dataclass(frozen=True)
class Groups:
    """The commitment groups: the integer decision, one per group of rows."""

    of_row: np.ndarray  # int64 per capacity row
    lower: np.ndarray  # int64 per group: the most any member's min_units asks
    upper: np.ndarray  # int64 per group
    fixed: np.ndarray  # float64 per group: the fixed cost of one unit on every member

    def __len__(self) -> int:
        return len(self.lower)


def commitment_groups(problem: DesignProblem) -> Groups:
    cap = problem.capacity
    _, of_row = np.unique(cap.commitment, return_inverse=True)
    n = int(of_row.max(initial=-1)) + 1
    lower = np.zeros(n, dtype=np.int64)
    np.maximum.at(lower, of_row, cap.min_units)
    upper = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(upper, of_row, cap.max_units)
    return Groups(of_row, lower, upper, np.bincount(of_row, cap.fixed, minlength=n))


def spot_rows(problem: DesignProblem) -> np.ndarray:
    """The rows where load past the units can move at spot (and where a dimension binds)."""
    cap = problem.capacity
    binds = (cap.unit_kg > 0) | (cap.unit_m3 > 0)
    return np.flatnonzero(np.isfinite(cap.spot_rate) & binds & (cap.spot_cap_kg > 0))


def chargeable_kg(problem: DesignProblem, commodity: np.ndarray, row: np.ndarray) -> np.ndarray:
    """What all of `commodity` weighs on `row` in the dimensions that bind there: the kg
    its spot would be charged for (0: it takes none of the row's units, and no strong
    linking row holds for it)."""
    cap, com = problem.capacity, problem.commodities
    kg = np.where(cap.unit_kg[row] > 0, com.kg[commodity], 0.0)
    m3 = np.where(cap.unit_m3[row] > 0, com.m3[commodity] * cap.spot_kg_per_m3[row], 0.0)
    return np.maximum(kg, m3)


def must_serve_price(problem: DesignProblem, columns: Columns) -> np.ndarray:
    """Per commodity, the price of leaving it unserved: its own where finite; for one that
    must be served, a price above any design's cost of serving it, so an optimum never
    leaves it when it can be served: twice the units of every row that the largest such
    commodity would need, plus a hundred times its dearest known column (a route found
    later may cost more than those known, but not a hundredfold on these networks)."""
    cap, com = problem.capacity, problem.commodities
    must = ~np.isfinite(com.unserved)
    if not must.any():
        return com.unserved.astype(np.float64)
    need = np.maximum(
        _units_for(com.kg[must].max(), cap.unit_kg), _units_for(com.m3[must].max(), cap.unit_m3)
    )
    booking = float(cap.fixed @ np.minimum(need, cap.max_units.astype(np.float64)))
    dearest = np.zeros(len(com))
    np.maximum.at(dearest, columns.commodity, np.abs(columns.cost))
    return np.where(must, 2.0 * booking + 100.0 * dearest + 1.0, com.unserved)


def _units_for(load: float, unit: np.ndarray) -> np.ndarray:
    return np.ceil(np.divide(load, unit, out=np.zeros(len(unit)), where=unit > 0))


@dataclass(frozen=True)
class Layout:
    """Where each part of the model sits among its variables and rows."""

    groups: int
    active: np.ndarray  # pool column of each share variable
    spot: np.ndarray  # capacity row of each spot variable
    spot_scale: np.ndarray  # chargeable kg of one unit of each spot variable (a row's unit)
    kg_rows: np.ndarray  # capacity rows with a kg row, in order
    m3_rows: np.ndarray
    links: tuple[np.ndarray, np.ndarray]  # (commodity, capacity row) of each link row

    @property
    def first_share(self) -> int:
        return self.groups

    @property
    def first_unserved(self) -> int:
        return self.groups + len(self.active)

    def first_spot(self, commodities: int) -> int:
        return self.first_unserved + commodities

    def spot_kg(self, x: np.ndarray, commodities: int, rows: int) -> np.ndarray:
        """Chargeable spot kg per capacity row of the model's variables `x`."""
        out = np.zeros(rows)
        first = self.first_spot(commodities)
        out[self.spot] = x[first : first + len(self.spot)] * self.spot_scale
        return out


def entries(columns: Columns, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(share variable, capacity row) of every row use of the active columns."""
    lengths = columns.start[active + 1] - columns.start[active]
    owner = np.repeat(np.arange(len(active)), lengths)
    first = np.repeat(columns.start[active], lengths)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, columns.rows[first + offset]


def build(
    problem: DesignProblem,
    groups: Groups,
    columns: Columns,
    active: np.ndarray,
    links: tuple[np.ndarray, np.ndarray],
    unserved_price: np.ndarray,
    units_lower: np.ndarray,
    units_upper: np.ndarray,
) -> tuple[SparseModel, Layout]:
    """The model over the `active` columns of `columns`, with units in the given bounds
    (per group) and the given strong linking rows."""
    cap, com = problem.capacity, problem.commodities
    k, g, n = len(com), len(groups), len(active)
    spot = spot_rows(problem)
    kg_rows = np.flatnonzero(cap.unit_kg > 0)
    m3_rows = np.flatnonzero(cap.unit_m3 > 0)
    sigma = np.where(
        cap.unit_kg[spot] > 0, cap.unit_kg[spot], cap.unit_m3[spot] * cap.spot_kg_per_m3[spot]
    )
    lay = Layout(g, active, spot, sigma, kg_rows, m3_rows, links)
    share_k = columns.commodity[active]
    owner, used = entries(columns, active)
    owner_k = share_k[owner]
    y0, s0, u0, z0 = 0, g, g + n, g + n + k
    spot_var = np.full(len(cap), -1, dtype=np.int64)
    spot_var[spot] = z0 + np.arange(len(spot))
    kg_row = np.full(len(cap), -1, dtype=np.int64)
    kg_row[kg_rows] = k + np.arange(len(kg_rows))
    m3_row = np.full(len(cap), -1, dtype=np.int64)
    m3_row[m3_rows] = k + len(kg_rows) + np.arange(len(m3_rows))
    link0 = k + len(kg_rows) + len(m3_rows)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = [
        (share_k, s0 + np.arange(n), np.ones(n)),  # demand
        (np.arange(k), u0 + np.arange(k), np.ones(k)),
    ]
    scale = np.zeros(len(cap))
    scale[spot] = lay.spot_scale
    # capacity rows in units of the row's unit (coefficients near 1: HiGHS's simplex is
    # many times slower on rows in kg beside units of 22,000 kg)
    for row_of, unit, load in ((kg_row, cap.unit_kg, com.kg), (m3_row, cap.unit_m3, com.m3)):
        on = row_of[used] >= 0
        parts.append((row_of[used[on]], s0 + owner[on], load[owner_k[on]] / unit[used[on]]))
        rs = np.flatnonzero(row_of >= 0)
        parts.append((row_of[rs], y0 + groups.of_row[rs], -np.ones(len(rs))))
        sp = rs[spot_var[rs] >= 0]
        per_kg = 1.0 if unit is cap.unit_kg else 1.0 / cap.spot_kg_per_m3[sp]
        parts.append((row_of[sp], spot_var[sp], -per_kg * scale[sp] / unit[sp]))
    lk, lr = links
    if len(lk):
        key = lk * len(cap) + lr
        at = np.searchsorted(key, owner_k * len(cap) + used)
        at = np.minimum(at, len(key) - 1)
        hit = key[at] == owner_k * len(cap) + used
        parts.append((link0 + at[hit], s0 + owner[hit], np.ones(int(hit.sum()))))
        parts.append((link0 + np.arange(len(lk)), y0 + groups.of_row[lr], -np.ones(len(lk))))
        sp = spot_var[lr] >= 0
        ck = chargeable_kg(problem, lk[sp], lr[sp])
        parts.append((link0 + np.flatnonzero(sp), spot_var[lr[sp]], -scale[lr[sp]] / ck))
    rows, cols, vals = (np.concatenate([p[i] for p in parts]) for i in range(3))
    m = link0 + len(lk)
    lower = np.concatenate([units_lower, np.zeros(n + k + len(spot))])
    upper = np.concatenate([units_upper, np.ones(n + k), cap.spot_cap_kg[spot] / lay.spot_scale])
    cost = np.concatenate(
        [groups.fixed, columns.cost[active], unserved_price, cap.spot_rate[spot] * lay.spot_scale]
    )
    row_lower = np.concatenate([np.ones(k), np.full(m - k, -np.inf)])
    row_upper = np.concatenate([np.ones(k), np.zeros(m - k)])
    model = SparseModel(
        lower=lower.astype(np.float64),
        upper=np.where(upper >= 1e15, np.inf, upper),
        integer=np.concatenate([np.ones(g, dtype=bool), np.zeros(n + k + len(spot), dtype=bool)]),
        cost=cost,
        row_lower=row_lower,
        row_upper=row_upper,
        rows=rows.astype(np.int64),
        cols=cols.astype(np.int64),
        vals=vals.astype(np.float64),
    )
    return model, lay
