"""Candidate routes per commodity: a k-cheapest search over the compiled network.

Every route of an origin (the network's layered DAG, enumerated once per origin; a few
hundred) is checked against all commodities of that origin at once: a route is open to a
commodity when each of its lanes is, and costs the sum of the commodity's mean lane
prices plus its duties on that route. Routes that cross the same capacitated lanes
compete for the same capacity, so within each such "line-haul signature" only the
cheapest and the fastest route matter; a commodity keeps the `max_signatures`
signatures that are cheapest for it, with both of their routes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from carriers.model import Service
from routing.network import CompiledNetwork, Network, routes_from

MAX_LEGS = 8


@dataclass(frozen=True)
class RouteSet:
    """All routes of all origins, as padded index arrays."""

    legs: np.ndarray  # int32 (routes x MAX_LEGS), compiled service index, -1 padding
    origin: np.ndarray  # object, origin node id per route
    signature: np.ndarray  # int64: id of the tuple of capacitated services on the route
    capacitated: tuple[tuple[int, ...], ...]  # per route, positions of capacitated legs
    days: np.ndarray  # float64 search days (P90 transit, handling, mean wait) per route

    def services(self, net: CompiledNetwork, r: int) -> tuple[Service, ...]:
        return tuple(net.services[k] for k in self.legs[r] if k >= 0)

    def __len__(self) -> int:
        return len(self.origin)


def is_capacitated(s: Service) -> bool:
    return s.capacity.kg is not None or s.capacity.m3 is not None or s.unit is not None


def enumerate_routes(network: Network, origins: list[str]) -> RouteSet:
    net = network.compiled
    legs, origin, caps, days = [], [], [], []
    for o in origins:
        for route in routes_from(network, o, MAX_LEGS):
            idx = [net.service_index[s.id] for s in route]
            legs.append(idx + [-1] * (MAX_LEGS - len(idx)))
            origin.append(o)
            caps.append(tuple(i for i, s in enumerate(route) if is_capacitated(s)))
            days.append(float(net.search_days[idx].sum()))
    arr = np.array(legs, dtype=np.int32).reshape(-1, MAX_LEGS)
    sigs = [tuple(int(arr[r, i]) for i in c) for r, c in enumerate(caps)]
    ids = {s: i for i, s in enumerate(sorted(set(sigs)))}
    return RouteSet(
        legs=arr,
        origin=np.array(origin, dtype=object),
        signature=np.array([ids[s] for s in sigs], dtype=np.int64),
        capacitated=tuple(caps),
        days=np.array(days, dtype=np.float64),
    )


def route_costs(
    routes: RouteSet, route_ids: np.ndarray, allowed: np.ndarray, price: np.ndarray
) -> np.ndarray:
    """(routes x commodities) mean cost of each route for each commodity; inf where a lane
    refuses it. `allowed` and `price` are (services x commodities)."""
    pad_ok = np.vstack([allowed, np.ones((1, allowed.shape[1]), dtype=bool)])
    pad_price = np.vstack([price, np.zeros((1, price.shape[1]))])
    legs = routes.legs[route_ids]  # -1 reads the padding row
    ok = pad_ok[legs].all(axis=1)
    cost = pad_price[legs].sum(axis=1)
    return np.where(ok, cost, np.inf)


def select(
    routes: RouteSet, route_ids: np.ndarray, cost: np.ndarray, max_signatures: int
) -> tuple[np.ndarray, np.ndarray]:
    """(commodity column, route id) pairs: per signature the cheapest and the fastest open
    route, for the `max_signatures` cheapest signatures of each commodity."""
    sig = routes.signature[route_ids]
    days = routes.days[route_ids]
    n = cost.shape[1]
    best_cost, cheap, fast = [], [], []
    for s in np.unique(sig):
        rows = np.flatnonzero(sig == s)
        sub = cost[rows]
        i = np.argmin(sub, axis=0)
        best_cost.append(sub[i, np.arange(n)])
        cheap.append(route_ids[rows[i]])
        timed = np.where(np.isfinite(sub), days[rows][:, None], np.inf)
        order = np.lexsort((sub, timed), axis=0)[0]
        fast.append(route_ids[rows[order]])
    if not best_cost:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    best = np.array(best_cost)  # (signatures x commodities)
    rank = np.argsort(best, axis=0, kind="stable")[:max_signatures]
    col = np.broadcast_to(np.arange(n), rank.shape)
    keep = np.isfinite(best[rank, col])
    cheap_r, fast_r = np.array(cheap)[rank, col], np.array(fast)[rank, col]
    pairs = np.concatenate(
        [np.stack([col[keep], cheap_r[keep]]), np.stack([col[keep], fast_r[keep]])], axis=1
    )
    pairs = np.unique(pairs, axis=1)
    return pairs[0].astype(np.int64), pairs[1].astype(np.int64)
