"""Every route and departure the network offers a commodity within the horizon: the
columns column generation prices (pricing.py), and the first candidate set among them.

The universe holds, per coarse commodity, every route of its origin whose lanes all take
it (routes.py enumerates them all) times every departure of the route's first
capacitated leg that its parcels reach within the horizon. The restricted master problem
starts from the candidates of `routes.select` (the `max_signatures` cheapest line-haul
signatures, their cheapest and fastest routes, the first `max_departures` departures);
pricing adds the rest where they pay.

A commodity none of whose routes departs within the horizon (a weekly sailing on the day
after it) is not left without a route: its routes get their next `max_departures`
departures past the horizon, marked `beyond` so the plan can say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.network import Network
from routing.plan.arcs import Arcs, build_arcs, take
from routing.plan.commodities import Commodities
from routing.plan.duties import Duties
from routing.plan.late import LateCost
from routing.plan.params import PlanParams
from routing.plan.routes import RouteSet, route_costs, select
from routing.plan.table import OrdersTable
from routing.plan.timeline import Timeline

FAR = 1 << 30  # a last day no departure reaches
HORIZON_FALLBACK = 3  # departures past the horizon offered to a commodity with none within


@dataclass(frozen=True)
class Pairs:
    """(coarse commodity, route) pairs open to the commodity, with the mean freight."""

    commodity: np.ndarray  # int64
    route: np.ndarray  # int64
    freight: np.ndarray  # float64, plan minor units per order
    initial: np.ndarray  # bool: among the first candidates (routes.select)

    def __len__(self) -> int:
        return len(self.commodity)


@dataclass(frozen=True)
class Universe:
    arcs: Arcs  # sorted by commodity (coarse ids)
    keys: list[tuple[int, int]]  # capacity rows, (service, local day), as arcs.rows number them
    initial: np.ndarray  # bool per arc: in the first candidate set
    beyond: np.ndarray  # bool per arc: departs past the horizon
    start: np.ndarray  # int64 (commodities + 1): arcs[start[c]:start[c + 1]] are c's

    def __len__(self) -> int:
        return len(self.arcs)


def open_pairs(routes: RouteSet, com: Commodities, max_signatures: int) -> Pairs:
    """Every open (commodity, route) pair, origin by origin, the first candidates marked."""
    out: list[list[np.ndarray]] = [[], [], [], []]
    n_routes = max(len(routes), 1)
    for origin in sorted(set(com.origin.tolist())):
        cols = np.flatnonzero(com.origin == origin)
        ids = np.flatnonzero(routes.origin == origin)
        if not len(ids):
            continue
        cost = route_costs(routes, ids, com.allowed[:, cols], com.price[:, cols])
        r, c = np.nonzero(np.isfinite(cost))
        sc, sr = select(routes, ids, cost, max_signatures)
        chosen = np.isin(cols[c] * n_routes + ids[r], cols[sc] * n_routes + sr)
        for part, values in zip(out, (cols[c], ids[r], cost[r, c], chosen), strict=True):
            part.append(values)
    if not out[0]:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, np.zeros(0), np.zeros(0, dtype=bool))
    return Pairs(*(np.concatenate(part) for part in out))


@dataclass(frozen=True)
class Departures:
    """The departure options of every pair: per option its pair, rank within the pair
    (0 = the first reachable), whether it lies past the horizon, and its row keys."""

    cols: dict[str, list]  # commodity, route, day, p50, p90, r0, r1 (as arcs.build_arcs reads)
    pair: np.ndarray
    rank: np.ndarray
    beyond: np.ndarray
    keys: list[tuple[int, int]]


def departures(
    network: Network,
    com: Commodities,
    routes: RouteSet,
    pairs: Pairs,
    last_day: int,
    most: int,
    quantile: float,
) -> Departures:
    """Every departure of every pair up to `last_day` (at most `most` per pair); for the
    commodities that have none, their pairs' next HORIZON_FALLBACK departures after it."""
    net = network.compiled
    within = Timeline(network, quantile, most)
    row_of: dict[tuple[int, int], int] = {}
    cols: dict[str, list] = {k: [] for k in ("commodity", "route", "day", "p50", "p90", "r0", "r1")}
    pair, rank, beyond = [], [], []

    def add(timeline: Timeline, ids: np.ndarray, last_day: int, past: bool) -> None:
        seen: dict[tuple[int, int], tuple] = {}
        for p in ids.tolist():
            c, r = int(pairs.commodity[p]), int(pairs.route[p])
            key = (r, int(com.ready_min[c]))
            options = seen.get(key)
            if options is None:
                options = timeline.departures(
                    routes.services(net, r), routes.capacitated[r], key[1], last_day
                )
                seen[key] = options
            for k, d in enumerate(options):
                legs = routes.legs[r]
                rows = [row_of.setdefault((int(legs[j]), day), len(row_of)) for j, day in d.rows]
                rows += [-1] * (2 - len(rows))
                for name, value in zip(
                    cols, (c, r, d.day, d.p50, d.p90, rows[0], rows[1]), strict=True
                ):
                    cols[name].append(value)
                pair.append(p)
                rank.append(k)
                beyond.append(past)

    add(within, np.arange(len(pairs)), last_day, False)
    served = np.zeros(len(com), dtype=bool)
    served[np.array(cols["commodity"], dtype=np.int64)] = True
    left = np.flatnonzero(~served[pairs.commodity])
    if len(left):
        add(Timeline(network, quantile, HORIZON_FALLBACK), left, FAR, True)
    return Departures(
        cols,
        np.array(pair, dtype=np.int64),
        np.array(rank, dtype=np.int64),
        np.array(beyond, dtype=bool),
        list(row_of),
    )


def sort_universe(
    arcs: Arcs, keys: list[tuple[int, int]], initial: np.ndarray, beyond: np.ndarray, n_com: int
) -> Universe:
    """The universe with its arcs grouped by commodity (stable)."""
    order = np.argsort(arcs.commodity, kind="stable")
    arcs = take(arcs, order)
    start = np.searchsorted(arcs.commodity, np.arange(n_com + 1))
    return Universe(arcs, keys, initial[order], beyond[order], start.astype(np.int64))


def build_universe(
    network: Network,
    orders: OrdersTable,
    coarse: Commodities,
    routes: RouteSet,
    duties: Duties,
    params: PlanParams,
    late: LateCost,
) -> Universe:
    """The universe of the coarse commodities: every open route, every departure within
    `params.horizon_days` of the first ready day (the next ones for a commodity with
    none), costed as the model costs an arc."""
    pairs = open_pairs(routes, coarse, params.max_signatures)
    duty = duties.pair_means(pairs.commodity, pairs.route)
    last_day = int(coarse.ready_day.min()) + params.horizon_days - 1 if len(coarse) else 0
    found = departures(
        network, coarse, routes, pairs, last_day, params.horizon_days + 1, params.plan_quantile
    )
    arcs = build_arcs(
        found.cols, orders, coarse, pairs.freight[found.pair], duty[found.pair], late, False
    )
    keep = np.ones(len(arcs), dtype=bool)
    if params.hard_deadlines:
        keep = arcs.late_days == 0
    initial = pairs.initial[found.pair] | found.beyond
    return sort_universe(
        take(arcs, np.flatnonzero(keep)), found.keys, initial[keep], found.beyond[keep], len(coarse)
    )
