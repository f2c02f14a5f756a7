"""The load an unsplittable routing puts on the capacity rows, and what its units and spot
cost: the state the insertion search (insertion.py) moves commodities in and out of.

Per row: the kg and m3 it carries and the units it needs to hold them without spot,
whole units by kg and by m3, or, in a problem with pieces, the units First-Fit Decreasing
packs the row's pieces into (pieces largest first, each into the first unit with room).
A commitment group books one number of units on all its rows, within its min and max:
the number that costs least, units plus the spot that takes each row's load past them
(a convex function of the units: its least is found among its breakpoints).

`added` prices carrying a whole commodity on a row, the rest as it is. On a row of its
own group without spot it is the units' cost difference, exact but for pieces: the units
the pieces need are then estimated (at least the units already packed, the m3 in whole
units, and one unit more when the largest piece fits no unit's room); `move` packs them
exactly. Elsewhere, the group's cost is worked out again with the row's load raised.
"""

from __future__ import annotations

import math

import numpy as np

from routing.design.master import Groups
from routing.design.problem import DesignProblem

TOL = 1e-9  # m3 or kg of slack in a comparison of loads (whole hundredths of m3 stay apart)
MEMO = 4  # packings remembered per row
RANGE = 64  # units a group's least cost is searched over one by one; past it, breakpoints


class Loads:
    """The rows' loads and the groups' units and cost; empty at first."""

    def __init__(self, problem: DesignProblem, groups: Groups) -> None:
        self.problem, self.groups = problem, groups
        cap = problem.capacity
        n = len(cap)
        self.kg, self.m3 = np.zeros(n), np.zeros(n)
        self.need = np.zeros(n, dtype=np.int64)  # units to hold the load without spot
        self.room = np.zeros(n)  # pieces: m3 free in the roomiest unit
        self.bins: dict[int, np.ndarray] = {}  # pieces: the m3 in each unit, fullest first
        self.on: dict[int, dict[float, int]] = {}  # pieces: per row, count per piece size
        self.packed: dict[int, dict[tuple, np.ndarray]] = {}  # per row, its last packings
        self.counts: dict[int, list[tuple[float, int]]] = {}  # per commodity, its pieces
        order = np.argsort(groups.of_row, kind="stable")
        self.members = np.split(
            order, np.cumsum(np.bincount(groups.of_row, minlength=len(groups)))[:-1]
        )
        self.spot = np.isfinite(cap.spot_rate) & (cap.spot_cap_kg > 0)
        sizes = np.bincount(groups.of_row, minlength=len(groups))
        has_spot = np.bincount(groups.of_row, self.spot, minlength=len(groups)) > 0
        self.simple = (sizes == 1) & ~has_spot  # per group: one row, no spot
        self._units = groups.lower.astype(np.int64).copy()
        self.cost = np.zeros(len(groups))
        pieces = problem.pieces
        self.largest = np.zeros(len(problem.commodities))  # per commodity, its largest piece
        if pieces is not None:
            for k in range(len(self.largest)):
                self.largest[k] = pieces.of(k).max(initial=0.0)
        for g in range(len(groups)):
            self.cost[g], self._units[g] = self._group(g, self.kg, self.m3, self.need)
        self.dirty: set[int] = set()  # rows moved on since their units were counted

    @property
    def total(self) -> float:
        """The cost of every group's units and spot."""
        self._settle()
        return float(self.cost.sum())

    @property
    def units(self) -> np.ndarray:
        """Per group, the units it books."""
        self._settle()
        return self._units

    def added(self, commodity: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Per (commodity, row) pair, what carrying all of the commodity on the row would
        add to the cost of units and spot (inf: more than the row's units may hold)."""
        self._settle()
        g = self.groups.of_row[row]
        need = self._need_with(commodity, row)
        units = np.maximum(self.groups.lower[g], need)
        fits = units <= self.groups.upper[g]
        out = np.where(fits, self.groups.fixed[g] * units, np.inf) - self.cost[g]
        for i in np.flatnonzero(~self.simple[g]):
            out[i] = self._raised(int(commodity[i]), int(row[i]), int(need[i])) - self.cost[g[i]]
        return out

    def _raised(self, k: int, r: int, need: int) -> float:
        """The cost of the row's group with commodity k added on row r."""
        com = self.problem.commodities
        kept = self.kg[r], self.m3[r], self.need[r]
        self.kg[r] += com.kg[k]
        self.m3[r] += com.m3[k]
        self.need[r] = need
        try:
            return self._group(int(self.groups.of_row[r]), self.kg, self.m3, self.need)[0]
        finally:
            self.kg[r], self.m3[r], self.need[r] = kept

    def move(self, commodity: int, rows: np.ndarray, sign: int) -> None:
        """Carry (sign 1) or take off (-1) the commodity on `rows`. Their units are
        counted again when next asked for (a ruin's rows packed once, not per bundle)."""
        com = self.problem.commodities
        self.kg[rows] += sign * com.kg[commodity]
        self.m3[rows] += sign * com.m3[commodity]
        if self.problem.pieces is not None:
            for r in rows[self.problem.capacity.unit_m3[rows] > 0].tolist():
                self._count_in(r, commodity, sign)
        self.dirty.update(rows.tolist())

    def _settle(self) -> None:
        """The units and cost of the rows moved on and of their groups, counted again."""
        if not self.dirty:
            return
        rows = sorted(self.dirty)
        self.dirty.clear()
        for r in rows:
            if r in self.on:
                self._pack(r)
            self.need[r] = self._fluid_need(r)
        for g in np.unique(self.groups.of_row[rows]).tolist():
            self.cost[g], self._units[g] = self._group(g, self.kg, self.m3, self.need)

    def spot_kg(self) -> np.ndarray:
        """Per row, the chargeable kg past the group's units (the spot it buys)."""
        out = np.zeros(len(self.kg))
        for g in range(len(self.groups)):
            rows = self.members[g]
            out[rows] = self._excess(rows, self.units[g : g + 1], self.kg, self.m3)[0]
        return np.where(self.spot, out, 0.0)

    def _need_with(self, commodity: np.ndarray, row: np.ndarray) -> np.ndarray:
        """The units each row would need with the commodity added (pieces: estimated)."""
        cap, com = self.problem.capacity, self.problem.commodities
        need = np.maximum(
            _whole(self.kg[row] + com.kg[commodity], cap.unit_kg[row]),
            _whole(self.m3[row] + com.m3[commodity], cap.unit_m3[row]),
        )
        pieces = self.problem.pieces
        if pieces is None:
            return need
        largest = self.largest[commodity]
        packed = self.need[row]
        spill = largest > self.room[row] + TOL
        return np.maximum(need, np.where(cap.unit_m3[row] > 0, packed + spill, 0))

    def _fluid_need(self, r: int) -> int:
        cap = self.problem.capacity
        need = max(_units(self.kg[r], cap.unit_kg[r]), _units(self.m3[r], cap.unit_m3[r]))
        if r in self.bins:
            need = max(need, len(self.bins[r]))
        return need

    def _count_in(self, r: int, k: int, sign: int) -> None:
        """Commodity k's pieces added to (or taken off) the row's count by size."""
        on = self.on.setdefault(r, {})
        for s, c in self._count(k):
            on[s] = on.get(s, 0) + sign * c
            if on[s] == 0:
                del on[s]

    def _pack(self, r: int) -> None:
        """The row's pieces packed by FFD (or as they were the last MEMO times the row
        held the same pieces: a move undone, a bundle re-inserted on its route)."""
        on = self.on[r]
        key = tuple(sorted(on.items()))
        memo = self.packed.setdefault(r, {})
        loads = memo.pop(key, None)
        if loads is None:
            loads = first_fit_decreasing(on, float(self.problem.capacity.unit_m3[r]))
        memo[key] = loads
        while len(memo) > MEMO:
            del memo[next(iter(memo))]
        self.room[r] = float(self.problem.capacity.unit_m3[r] - loads.min()) if len(loads) else 0.0
        self.bins[r] = np.sort(loads)[::-1]

    def _count(self, k: int) -> list[tuple[float, int]]:
        """Commodity k's pieces as (size, count)."""
        if k not in self.counts:
            assert self.problem.pieces is not None
            sizes, counts = np.unique(self.problem.pieces.of(k), return_counts=True)
            self.counts[k] = list(zip(sizes.tolist(), counts.tolist(), strict=True))
        return self.counts[k]

    def _group(self, g: int, kg: np.ndarray, m3: np.ndarray, need: np.ndarray) -> tuple[float, int]:
        """The group's least cost of units and spot, and its units, at these loads."""
        rows = self.members[g]
        lower, upper = int(self.groups.lower[g]), int(self.groups.upper[g])
        most = int(max(lower, need[rows].max(initial=0)))
        if not self.spot[rows].any():
            return (self.groups.fixed[g] * most, most) if most <= upper else (math.inf, upper)
        top = min(most, upper)
        if top - lower <= RANGE:
            candidates = np.arange(lower, top + 1)
        else:
            cap = self.problem.capacity
            ratio = np.concatenate(
                [_ratio(kg[rows], cap.unit_kg[rows]), _ratio(m3[rows], cap.unit_m3[rows])]
            )
            near = np.concatenate([np.floor(ratio), np.ceil(ratio), need[rows], [lower, top]])
            candidates = np.unique(np.clip(near, lower, top)).astype(np.int64)
        cost = self._costs_at(g, candidates, kg, m3, need)
        best = int(np.argmin(cost))
        return float(cost[best]), int(candidates[best])

    def _costs_at(
        self, g: int, units: np.ndarray, kg: np.ndarray, m3: np.ndarray, need: np.ndarray
    ) -> np.ndarray:
        """The group's cost of units and spot at each number of `units` (inf: short)."""
        cap, rows = self.problem.capacity, self.members[g]
        excess = self._excess(rows, units, kg, m3)
        short = (need[rows][None, :] > units[:, None]) & ~self.spot[rows][None, :]
        short |= excess > cap.spot_cap_kg[rows][None, :] + TOL
        rate = np.where(self.spot[rows], cap.spot_rate[rows], 0.0)
        cost = self.groups.fixed[g] * units + (excess * rate[None, :]).sum(axis=1)
        return np.where(short.any(axis=1), math.inf, cost)

    def _excess(
        self, rows: np.ndarray, units: np.ndarray, kg: np.ndarray, m3: np.ndarray
    ) -> np.ndarray:
        """Chargeable kg past each of `units` (rows of the result) on each row (kg, or m3
        at the row's spot density)."""
        cap = self.problem.capacity
        u = units[:, None].astype(float)
        over_kg = np.where(
            cap.unit_kg[rows] > 0, np.maximum(kg[rows] - u * cap.unit_kg[rows], 0), 0
        )
        held = u * cap.unit_m3[rows]
        for i, r in enumerate(rows.tolist()):
            if r in self.bins:  # its `u` fullest units
                full = np.r_[0.0, np.cumsum(self.bins[r])]
                held[:, i] = full[np.minimum(units, len(self.bins[r]))]
        over_m3 = np.where(cap.unit_m3[rows] > 0, np.maximum(m3[rows] - held, 0), 0)
        return np.maximum(over_kg, over_m3 * cap.spot_kg_per_m3[rows])


def first_fit_decreasing(count: dict[float, int], capacity: float) -> np.ndarray:
    """The m3 in each unit FFD opens for `count` pieces of each size: the pieces of one
    size go, largest size first, into the first units with room, as many as fit."""
    free: list[float] = []
    for size in sorted(count, reverse=True):
        left = count[size]
        if size > capacity + TOL:
            raise ValueError(f"a piece of {size} m3 is larger than a unit of {capacity} m3")
        if free and max(free) + TOL >= size:  # else no unit has room: skip the scan
            for i, room in enumerate(free):
                if room + TOL >= size:
                    fit = min(left, int((room + TOL) // size))
                    free[i] = room - fit * size
                    left -= fit
                    if not left:
                        break
        per = int((capacity + TOL) // size)
        while left:
            fit = min(left, per)
            free.append(capacity - fit * size)
            left -= fit
    return capacity - np.array(free)


def _whole(load: np.ndarray | float, unit: np.ndarray | float) -> np.ndarray:
    """Whole units for `load` (0 where the dimension does not bind)."""
    unit = np.asarray(unit, dtype=float)
    ratio = np.divide(load, unit, out=np.zeros(np.shape(unit)), where=unit > 0)
    return np.maximum(np.ceil(ratio - TOL), 0).astype(np.int64)


def _units(load: float, unit: float) -> int:
    """Whole units for `load` (0 where the dimension does not bind)."""
    return max(math.ceil(load / unit - TOL), 0) if unit > 0 else 0


def _ratio(load: np.ndarray, unit: np.ndarray) -> np.ndarray:
    return np.divide(load, unit, out=np.zeros(len(unit)), where=unit > 0)
