"""A first solution: every bundle on its cheapest feasible path given the vehicles the
bundles before it have opened (the published greedy's idea), then rounds of re-inserting
each bundle the same way.

The path of a bundle is a shortest path in its travel-time graph: point x weeks left
before the plant, the supplier's copies linked by waits (leaving a week later), a leg from
(u, w) to (v, w - its weeks). A leg's weight is what the bundle's orders add to it in the
weeks they would ride it: per-volume costs (linear legs, carbon, the head point's
handling), the lead-time cost, and on legs priced per vehicle the vehicles the added volume
opens over the volume already there (`ceil((load + v) / capacity) - ceil(load / capacity)`,
a fluid count; the evaluator packs the real units). Orders thus share vehicles with the
bundles already placed. Bundles go largest first.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.design.renault.evaluate import Evaluation, Path, evaluate
from routing.design.renault.instance import VOLUME_FACTOR, Bundle, Instance, Leg

log = logging.getLogger(__name__)


@dataclass
class Lanes:
    """The legs as arrays, and the volume each carries per departure week."""

    src: np.ndarray
    dst: np.ndarray
    weeks: np.ndarray
    capacity: np.ndarray
    per_vehicle: np.ndarray  # cost of a vehicle, 0 on linear legs
    per_volume: np.ndarray  # per hundredth of a m3: linear + carbon + head handling
    distance: np.ndarray
    load: np.ndarray  # [leg, week - 1], hundredths of a m3 on per-vehicle legs
    points: list[str]

    @classmethod
    def of(cls, instance: Instance) -> Lanes:
        points = sorted(instance.points)
        at = {p: i for i, p in enumerate(points)}
        legs = list(instance.legs.values())

        def col(f: Callable[[Leg], float]) -> np.ndarray:
            return np.array([f(leg) for leg in legs], dtype=float)

        handling = col(lambda g: instance.points[g.dst].cost_per_m3 / VOLUME_FACTOR)
        linear = col(lambda g: g.shipment_cost / g.capacity if g.is_linear else 0.0)
        return cls(
            src=np.array([at[g.src] for g in legs]),
            dst=np.array([at[g.dst] for g in legs]),
            weeks=col(lambda g: g.weeks).astype(int),
            capacity=col(lambda g: g.capacity),
            per_vehicle=col(lambda g: 0.0 if g.is_linear else g.shipment_cost),
            per_volume=linear + col(lambda g: g.carbon_cost / g.capacity) + handling,
            distance=col(lambda g: g.distance_km),
            load=np.zeros((len(legs), instance.horizon)),
            points=points,
        )

    def weights(self, instance: Instance, bundle: Bundle, left: int) -> np.ndarray:
        """What the bundle's orders add to each leg whose tail has `left` weeks left."""
        w = np.zeros(len(self.src))
        for order in bundle.orders:
            t = (order.week - left - 1) % instance.horizon
            load = self.load[:, t]
            added = np.ceil((load + order.volume) / self.capacity - 1e-9)
            added -= np.ceil(load / self.capacity - 1e-9)
            w += self.per_vehicle * added + self.per_volume * order.volume
            w += self.distance * order.lead_time_cost
        return w

    def carry(self, instance: Instance, bundle: Bundle, path: Path, sign: int) -> None:
        """Add (sign 1) or remove (-1) the bundle's volume along `path`."""
        index = {
            (self.points[s], self.points[d]): i
            for i, (s, d) in enumerate(zip(self.src, self.dst, strict=True))
        }
        steps = [index[(u, v)] for u, v in itertools.pairwise(path)]
        for order in bundle.orders:
            left = int(sum(self.weeks[steps]))
            for leg in steps:
                t = (order.week - left - 1) % instance.horizon
                if self.per_vehicle[leg] > 0:
                    self.load[leg, t] += sign * order.volume
                left -= int(self.weeks[leg])


def best_path(instance: Instance, lanes: Lanes, b: int) -> Path | None:
    """The bundle's cheapest path under the current loads, or None when none is feasible."""
    bundle = instance.bundles[b]
    at = {p: i for i, p in enumerate(lanes.points)}
    kinds = [instance.points[p].kind for p in lanes.points]
    origin, plant, top = at[bundle.supplier], at[bundle.plant], bundle.max_weeks
    ok = np.array(
        [_usable(kinds, s, d, origin, plant) for s, d in zip(lanes.src, lanes.dst, strict=True)]
    )
    rows, cols, data = [], [], []
    n = len(lanes.points)
    for left in range(top + 1):
        w = lanes.weights(instance, bundle, left)
        use = ok & (lanes.weeks <= left)
        rows += list(lanes.src[use] * (top + 1) + left)
        cols += list(lanes.dst[use] * (top + 1) + left - lanes.weeks[use])
        data += list(w[use] + 1e-9)
        if left:  # leave the supplier a week later
            rows.append(origin * (top + 1) + left)
            cols.append(origin * (top + 1) + left - 1)
            data.append(1e-9)
    graph = csr_matrix((data, (rows, cols)), shape=(n * (top + 1), n * (top + 1)))
    start, end = origin * (top + 1) + top, plant * (top + 1)
    dist, pred = dijkstra(graph, indices=start, return_predecessors=True)
    if not math.isfinite(dist[end]):
        return None
    nodes = [end]
    while nodes[-1] != start:
        nodes.append(int(pred[nodes[-1]]))
    points = [lanes.points[v // (top + 1)] for v in reversed(nodes)]
    path = tuple(p for i, p in enumerate(points) if i == 0 or p != points[i - 1])
    return path if len(set(path)) == len(path) else None


def _usable(kinds: list[str], s: int, d: int, origin: int, plant: int) -> bool:
    """Legs a bundle may take: none out of another supplier or into a supplier, none out
    of a plant or into another plant."""
    if (kinds[s] == "supplier" and s != origin) or kinds[d] == "supplier":
        return False
    return kinds[s] != "plant" and (kinds[d] != "plant" or d == plant)


def greedy(
    instance: Instance,
    rounds: int = 2,
    seconds: float = 120.0,
    start: Mapping[int, Path] | None = None,
) -> tuple[dict[int, Path], Evaluation]:
    """Greedy insertion (or, given `start`, its paths, the bundles it leaves out inserted
    greedily), then up to `rounds` of re-insertion within `seconds`; the best solution by
    the evaluator."""
    started = time.monotonic()
    lanes = Lanes.of(instance)
    order = sorted(
        range(len(instance.bundles)),
        key=lambda b: -sum(o.volume for o in instance.bundles[b].orders),
    )
    paths: dict[int, Path] = {}
    for b, path in (start or {}).items():
        paths[b] = path
        lanes.carry(instance, instance.bundles[b], path, 1)
    for b in order:
        if b in paths:
            continue
        found = best_path(instance, lanes, b)
        if found is not None:
            paths[b] = found
            lanes.carry(instance, instance.bundles[b], found, 1)
    best, best_eval = dict(paths), evaluate(instance, paths)
    log.info("greedy: %.0f", best_eval.cost)
    for r in range(rounds):
        if time.monotonic() - started > seconds:
            break
        for b in order:
            lanes.carry(instance, instance.bundles[b], paths[b], -1)
            paths[b] = best_path(instance, lanes, b) or paths[b]
            lanes.carry(instance, instance.bundles[b], paths[b], 1)
        now = evaluate(instance, paths)
        log.info("re-insertion round %d: %.0f", r + 1, now.cost)
        if now.cost < best_eval.cost:
            best, best_eval = dict(paths), now
    return best, best_eval
