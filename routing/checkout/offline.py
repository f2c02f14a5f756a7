"""The offline LP over buyers' options: which option (and which of its departures on
spot) each order takes, when the orders are known, to minimise the cost of `costs`
under the capacity left.

For orders o, their options i (what a quote over capacity offers, with the capacitated
departures D_oi each takes) and each subset S of D_oi moved on spot:

    minimise   sum c_oiS x_oiS + penalty sum u_o        c_oiS: option cost + spot of S
    subject to sum_iS x_oiS + u_o = w_o                  every order (w_o: its weight, 1)
               sum_{oiS: r in D_oi - S} kg_o x_oiS <= kg left on r      every departure r
               sum_{oiS: r in D_oi - S} m3_o x_oiS <= m3 left on r
               sum_{oiS: r in S} chargeable_or x_oiS <= spot left on r
               x, u >= 0

Two uses (`routing.checkout.simulate`):
- `hindsight`: every order of the week, the whole capacity. Its LP optimum bounds the
  cost any policy reaches on the same quotes, the options and spot being all that any
  checkout can give a buyer: the bound covers those options, not every route;
- `bid-price`: the forecast of the buyers still to come over the room left; the duals of
  the kg and m3 rows are the departures' bid prices (Talluri and van Ryzin's DLP). Against
  degeneracy the prices are the mean of the duals over an antithetic pair of solves with
  every departure's room scaled by 1 +- e, e ~ U(0, 0.05), as `glocal plan --publish`
  does (routing/plan/bidprices.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import numpy as np

from routing.plan.solver import SparseModel, Status, solve

DepartureKey = tuple[str, date]
SPREAD, SEED = 0.05, 7


@dataclass(frozen=True)
class Choice:
    """An option as the LP sees it: its cost on booked room, the departures it takes."""

    cost: float  # EUR cents
    departures: tuple[DepartureKey, ...]


@dataclass(frozen=True)
class Menu:
    """One order's choices and its load; `weight`: the orders it stands for (a forecast
    averaged over several samples counts each of their orders as a share)."""

    kg: float
    m3: float
    choices: tuple[Choice, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Room:
    """What each departure has left: booked kg and m3, spot chargeable kg (inf: no limit),
    and its spot terms (EUR cents per chargeable kg, kg per m3; None: no spot)."""

    left: Callable[[DepartureKey], tuple[float, float]]
    spot_left: Callable[[DepartureKey], float]
    spot: Callable[[DepartureKey], tuple[float, float] | None]


@dataclass(frozen=True)
class Offline:
    status: str
    objective: float  # EUR cents (nan without an optimum)
    prices: dict[DepartureKey, tuple[float, float]]  # bid prices, cents per kg and per m3
    taken: np.ndarray  # per order: the index of its choice (-1: unplanned), spot aside
    spot: np.ndarray  # per order: whether its choice rides spot somewhere


def solve_offline(
    menus: Sequence[Menu], room: Room, penalty: float, time_limit_s: float = 120.0
) -> Offline:
    """The LP's optimum, its choice per order (the largest share) and its duals."""
    built = OfflineLP(menus, room, penalty)
    lp = solve(built.model(room), "highs", time_limit_s, relax=True)
    if lp.status is not Status.OPTIMAL:
        return Offline(lp.status.value, np.nan, {}, np.zeros(0, int), np.zeros(0, bool))
    return Offline(lp.status.value, lp.objective, built.prices(lp.duals), *built.taken(lp.values))


@dataclass(frozen=True)
class Prices:
    """Bid prices per departure: booked room (cents per kg, per m3) and spot (cents per
    chargeable kg), each the mean over the antithetic pair."""

    room: dict[DepartureKey, tuple[float, float]]
    spot: dict[DepartureKey, float]


def bid_prices(menus: Sequence[Menu], room: Room, penalty: float, seed: int = SEED) -> Prices:
    """The mean of the duals over an antithetic pair of perturbed solves."""
    return OfflineLP(menus, room, penalty).bid_prices(room, seed=seed)


class OfflineLP:
    """The LP's arrays: a column per (order, choice, spot subset), then one per order's
    unplanned; rows: orders, then kg, m3 and spot per departure. Built once for a set of
    menus (what spot costs on a departure does not change); each solve reads the room
    left then, and may count the orders by other weights (0: gone already)."""

    def __init__(self, menus: Sequence[Menu], room: Room, penalty: float) -> None:
        self.n = len(menus)
        index: dict[DepartureKey, int] = {}
        cost: list[float] = []
        order: list[int] = []
        choice: list[int] = []
        on_spot: list[bool] = []
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for o, menu in enumerate(menus):
            for i, c in enumerate(menu.choices):
                for spot in _spot_sets(c.departures, room):
                    col = len(cost)
                    extra = 0.0
                    for key in c.departures:
                        r = index.setdefault(key, len(index))
                        if key in spot:
                            rate, kg_per_m3 = room.spot(key)  # type: ignore[misc]
                            charged = max(menu.kg, menu.m3 * kg_per_m3)
                            extra += rate * charged
                            rows.append(3 * r + 2)
                            vals.append(charged)
                        else:
                            rows += [3 * r, 3 * r + 1]
                            vals += [menu.kg, menu.m3]
                            cols.append(col)
                        cols.append(col)
                    cost.append(c.cost + extra)
                    order.append(o)
                    choice.append(i)
                    on_spot.append(bool(spot))
        self.departures = list(index)
        self.weight = np.array([m.weight for m in menus])
        self.cost = np.array(cost + [penalty] * self.n)
        self.order, self.choice = np.array(order, int), np.array(choice, int)
        self.on_spot = np.array(on_spot, bool)
        self.cap_rows = (np.array(rows, int), np.array(cols, int), np.array(vals))

    def bid_prices(self, room: Room, weight: np.ndarray | None = None, seed: int = SEED) -> Prices:
        """The mean of the duals over an antithetic pair of perturbed solves."""
        e = np.random.default_rng(seed).uniform(0.0, SPREAD, len(self.departures))
        total = np.zeros(3 * len(self.departures))
        for sign in (1.0, -1.0):
            lp = solve(self.model(room, weight, 1.0 + sign * e), "highs", 120.0, relax=True)
            if lp.status is not Status.OPTIMAL:
                return Prices({}, {})
            total += np.maximum(-lp.duals[len(lp.duals) - len(total) :], 0.0) / 2
        keys = self.departures
        return Prices(
            {
                k: (total[3 * r], total[3 * r + 1])
                for r, k in enumerate(keys)
                if total[3 * r : 3 * r + 2].any()
            },
            {k: total[3 * r + 2] for r, k in enumerate(keys) if total[3 * r + 2]},
        )

    def model(
        self, room: Room, weight: np.ndarray | None = None, scale: np.ndarray | None = None
    ) -> SparseModel:
        """The LP over the orders of positive weight (all of them by default), the room
        left as `room` says, scaled per departure by `scale`."""
        weight = self.weight if weight is None else weight
        active = weight > 0
        n, m = int(active.sum()), len(self.departures)
        kept = active[self.order]
        k = int(kept.sum())
        column = np.full(len(self.order), -1)
        column[kept] = np.arange(k)
        renumbered = np.full(self.n, -1)
        renumbered[active] = np.arange(n)
        upper = np.empty(3 * m)
        for r, key in enumerate(self.departures):
            kg, m3 = room.left(key)
            upper[3 * r : 3 * r + 3] = (kg, m3, room.spot_left(key))
        if scale is not None:
            upper[: 3 * m] *= np.repeat(scale, 3)
        rows, cols, vals = self.cap_rows
        on = kept[cols]
        w = weight[active]
        return SparseModel(
            lower=np.zeros(k + n),
            upper=np.concatenate([weight[self.order[kept]], w]),
            integer=np.zeros(k + n, bool),
            cost=np.concatenate(
                [self.cost[: len(self.order)][kept], self.cost[len(self.order) :][active]]
            ),
            row_lower=np.concatenate([w, np.full(3 * m, -np.inf)]),
            row_upper=np.concatenate([w, np.maximum(upper, 0.0)]),
            rows=np.concatenate([renumbered[self.order[kept]], np.arange(n), n + rows[on]]),
            cols=np.concatenate([np.arange(k), k + np.arange(n), column[cols[on]]]),
            vals=np.concatenate([np.ones(k + n), vals[on]]),
        )

    def prices(self, duals: np.ndarray) -> dict[DepartureKey, tuple[float, float]]:
        """The departures' kg and m3 duals, from an LP's duals (whose order rows come
        first: as many as it has, the rest are 3 per departure)."""
        price = np.maximum(-duals[len(duals) - 3 * len(self.departures) :], 0.0)
        return {key: (price[3 * r], price[3 * r + 1]) for r, key in enumerate(self.departures)}

    def taken(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per order, the choice carrying its largest share and whether it rides spot."""
        k = len(self.order)
        best = np.full(self.n, -1)
        share = values[k:].copy()  # unplanned first: a choice must carry more
        spot = np.zeros(self.n, bool)
        for col in np.flatnonzero(values[:k] > 1e-9):
            o = self.order[col]
            if values[col] > share[o]:
                share[o], best[o], spot[o] = values[col], self.choice[col], self.on_spot[col]
        return best, spot


def _spot_sets(departures: tuple[DepartureKey, ...], room: Room) -> list[frozenset[DepartureKey]]:
    """Every subset of the departures that all have spot (the empty one first)."""
    with_spot = [d for d in departures if room.spot(d) is not None]
    return [frozenset(s) for n in range(len(with_spot) + 1) for s in combinations(with_spot, n)]
