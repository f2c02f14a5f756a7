"""Multi-criteria route search: the Pareto set of (cost, time) routes from an origin to the
buyer's destination zone, over the compiled network.

A label-setting search (multi-objective Dijkstra): labels pop in lexicographic (cost,
days) order, so a popped label is permanent unless a label already settled at its node
is at least as good on both. Two refinements keep the answer right for cross-border
routes:

- a label remembers the customs regime group of the service that cleared import; labels
  of different groups never dominate each other (a cheaper freight under one regime can be
  dearer landed), so each treatment keeps its own Pareto front;
- a label remembers the countries its route has left, and never re-enters one (exported
  goods are not shipped back); a label only dominates another that has left at least the
  same countries.

Nothing is built per query but the per-order cost, time and permission vectors.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from routing.network import CompiledNetwork
from routing.quote.order_lanes import NO_GROUP, OrderLanes


@dataclass(frozen=True)
class Found:
    services: tuple[int, ...]  # compiled service indices, origin to zone
    cost: float
    days: float
    group: int


class _Label:
    """A route in the making: at `node`, by `service` from its `parent`. A search makes
    dozens; its __init__ is written out so that, compiled, it is native (a dataclass's
    generated one stays interpreted)."""

    def __init__(
        self,
        node: int,
        cost: float,
        days: float,
        group: int,
        left: frozenset[str],
        parent: _Label | None,
        service: int,
    ) -> None:
        self.node = node
        self.cost = cost
        self.days = days
        self.group = group
        self.left = left
        self.parent = parent
        self.service = service

    def path(self) -> tuple[int, ...]:
        out = []
        label: _Label | None = self
        while label is not None and label.service >= 0:
            out.append(label.service)
            label = label.parent
        return tuple(reversed(out))


def _dominated(cost: float, days: float, group: int, left: frozenset[str], front: list) -> bool:
    return any(c <= cost and d <= days and g == group and lf <= left for c, d, g, lf in front)


def pareto_routes(
    net: CompiledNetwork, origin: int, lanes: OrderLanes, limit: int = 10, labels_per_node: int = 24
) -> list[Found]:
    """Pareto-optimal routes (within each customs group), cheapest first, at most `limit`."""
    # element by element, lists are much faster than arrays (same float64 arithmetic)
    lists = net.as_lists
    out_start, dst, is_zone = lists.out_start, lists.dst, lists.is_zone
    allowed, target, cost_of = lanes.allowed.tolist(), lanes.target.tolist(), lanes.cost.tolist()
    days_of = lists.search_days if lanes.days is net.search_days else lanes.days.tolist()
    group_of = lists.regime_group if lanes.group is net.regime_group else lanes.group.tolist()
    settled: dict[int, list] = {}
    results: list[Found] = []
    fronts: dict[int, list] = {}  # group -> [(cost, days)] of routes found
    start = _Label(origin, 0.0, 0.0, NO_GROUP, frozenset(), None, -1)
    heap: list[tuple[float, float, int, _Label]] = [(0.0, 0.0, 0, start)]
    pushes = 1
    while heap:
        cost, days, _, label = heapq.heappop(heap)
        front = settled.setdefault(label.node, [])
        if len(front) >= labels_per_node or _dominated(cost, days, label.group, label.left, front):
            continue
        # No pruning against routes already found: a later lane may clear import again
        # (the Canaries after the hub) and move the label into another group.
        front.append((cost, days, label.group, label.left))
        here = net.country[label.node]
        for k in range(out_start[label.node], out_start[label.node + 1]):
            if not allowed[k]:
                continue
            group = label.group if group_of[k] == NO_GROUP else group_of[k]
            c, d = cost + cost_of[k], days + days_of[k]
            nxt = dst[k]
            there = net.country[nxt]
            left = label.left | {here} if there != here else label.left
            if there in left:
                continue
            if target[k]:
                if not _beaten(fronts.get(group, ()), c, d):
                    path = (*_Label(nxt, c, d, group, left, label, k).path(),)
                    results.append(Found(path, c, d, group))
                    fronts.setdefault(group, []).append((c, d))
                continue
            if is_zone[nxt]:
                continue
            pushes += 1
            heapq.heappush(heap, (c, d, pushes, _Label(nxt, c, d, group, left, label, k)))
    return _front(results)[:limit]


def _beaten(front: list | tuple, cost: float, days: float) -> bool:
    return any(c <= cost and d <= days for c, d in front)


def _front(found: list[Found]) -> list[Found]:
    """Keep the routes no other route of the same group beats; cheapest first."""
    keep = [
        f
        for f in found
        if not any(
            o is not f
            and o.group == f.group
            and o.cost <= f.cost
            and o.days <= f.days
            and (o.cost, o.days, o.services) < (f.cost, f.days, f.services)
            for o in found
        )
    ]
    return sorted(keep, key=lambda f: (f.cost, f.days, f.services))
