"""The Renault design's router for the insertion search (routing/design/insertion.py):
one path for all the orders of a bundle, the cheapest in total at the insertion prices.

The graph is the bundle's travel-time graph (the greedy's): point x weeks left before the
plant, up to the bundle's maximum lead time, the supplier's copies linked by waits
(leaving a week later); a leg from (u, w) to (v, w - its weeks) weighs what every order
of the bundle pays on it when it leaves that week (its per-volume and lead-time costs)
plus the price of its volume on the leg's vehicles that week. A walk that enters a point
twice is no path of the instance: the router then has none.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.design.insertion import HIGH, Prices, Router
from routing.design.problem import Columns
from routing.design.renault.design import EPS, RenaultDesign


def bundle_router(design: RenaultDesign) -> Router:
    """The router of `design`'s bundles (see the module)."""
    lanes = design.lanes
    assert lanes is not None
    at = {p: i for i, p in enumerate(lanes.points)}
    horizon = design.instance.horizon

    def route(commodities: np.ndarray, prices: Prices) -> Columns | None:
        orders = [design.orders[int(k)] for k in commodities]
        bundle = design.instance.bundles[orders[0].bundle]
        origin, plant = at[bundle.supplier], at[bundle.plant]
        top = min(o.max_weeks for o in orders)
        biggest = max(o.sizes[0] for o in orders)
        ok = (~lanes.from_supplier | (lanes.src == origin)) & (
            ~lanes.into_plant | (lanes.dst == plant)
        )
        mine = np.flatnonzero(ok & (lanes.linear | (lanes.capacity >= biggest)))
        width = top + 1
        tail, head, weight, leg = [], [], [], []
        for left in range(width):
            use = mine[lanes.weeks[mine] <= left]
            w = np.zeros(len(use))
            for k, o in zip(commodities.tolist(), orders, strict=True):
                w += lanes.per_volume[use] * o.volume + lanes.distance[use] * o.lead_time_cost
                rows = lanes.row_index[use, _week(o.week - left, horizon)]
                on = rows >= 0
                w[on] += prices(np.full(int(on.sum()), k), rows[on])
            tail.append(lanes.src[use] * width + left)
            head.append(lanes.dst[use] * width + left - lanes.weeks[use])
            weight.append(np.minimum(w, HIGH) + EPS)
            leg.append(use)
            if left:  # leave the supplier a week later
                tail.append(np.array([origin * width + left]))
                head.append(np.array([origin * width + left - 1]))
                weight.append(np.array([EPS]))
                leg.append(np.array([-1]))
        t, h, lg = (np.concatenate(v) for v in (tail, head, leg))
        n = len(lanes.points) * width
        graph = csr_matrix((np.concatenate(weight), (t, h)), shape=(n, n))
        start, end = origin * width + top, plant * width
        dist, pred = dijkstra(graph, indices=start, return_predecessors=True)
        if not math.isfinite(dist[end]) or dist[end] >= HIGH:
            return None
        nodes = [end]
        while nodes[-1] != start:
            nodes.append(int(pred[nodes[-1]]))
        key = t * n + h  # one arc per (tail, head): legs are unique per pair of points
        by_key = np.argsort(key)
        back = np.asarray(nodes[::-1], dtype=np.int64)
        steps = by_key[np.searchsorted(key[by_key], back[:-1] * n + back[1:])]
        path_legs = [int(g) for g in lg[steps] if g >= 0]
        return _columns(design, commodities, orders, path_legs)

    return route


def _week(t: int, horizon: int) -> int:
    return t + horizon if t < 1 else t


def _columns(
    design: RenaultDesign, commodities: np.ndarray, orders: list, path_legs: list[int]
) -> Columns | None:
    """One column per order on the legs `path_legs` (None: they enter a point twice)."""
    lanes = design.lanes
    assert lanes is not None
    points = [lanes.points[lanes.src[path_legs[0]]]] + [
        lanes.points[lanes.dst[g]] for g in path_legs
    ]
    if len(set(points)) != len(points):
        return None
    legs = np.asarray(path_legs, dtype=np.int64)
    left = np.cumsum(lanes.weeks[legs][::-1])[::-1]  # weeks still to go at each leg
    cost, start, rows = [], [0], []
    for k, o in zip(commodities.tolist(), orders, strict=True):
        cost.append(
            float(
                (lanes.per_volume[legs] * o.volume + lanes.distance[legs] * o.lead_time_cost).sum()
            )
        )
        weeks = np.array([_week(o.week - int(w), design.instance.horizon) for w in left])
        r = lanes.row_index[legs, weeks]
        r = r[r >= 0]
        rows.extend(r.tolist())
        start.append(len(rows))
        design.paths[(k, r.astype(np.int64).tobytes())] = tuple(points)
    return Columns(
        commodity=np.asarray(commodities, dtype=np.int64),
        cost=np.asarray(cost),
        start=np.asarray(start, dtype=np.int64),
        rows=np.asarray(rows, dtype=np.int64),
    )
