"""The instance's own objective and feasibility checks, as its authors define them.

Definition (`BatyLeo/TransportationPlanningOptimization.jl`: arc costs under
`src/instance/graphs/arcs/arc_costs/`, `StockArcCost` in `src/problems/inbound/Inbound.jl`,
`cost_with_nodes` and `is_feasible` in `src/solution/`): every bundle takes one path of
legs from its supplier to its plant; each of its orders rides it so as to reach the plant
in its delivery week (a leg leaves in the delivery week less the travel time still to
come, wrapped into the horizon). Then, per leg and departure week, over every unit on it:

- a leg priced per vehicle costs `shipment_cost` x the vehicles First-Fit Decreasing
  opens (units largest first, each into the first vehicle it fits, 1e-8 tolerance);
- a linear leg costs `shipment_cost / capacity` x the volume;
- every leg adds carbon, `carbon_cost / capacity` x the volume;
- every leg adds the lead-time (stock) cost, `distance_km` x the units' `lead_time_cost`;
- every point a leg enters adds its handling cost per m3 x the volume.

Feasibility: one path per bundle, every leg in the instance, from the supplier to the
plant, elementary (no point twice), travel time within every order's maximum lead time,
and no unit larger than a vehicle. Vehicles are not limited in number (the instance gives
no leg capacity), so "capacities" means each vehicle's load within its volume.

The bins are packed once over the whole load of a leg and week ("ffd_union" in the
authors' code, their order-independent re-pack); their greedy and local search keep the
bins of earlier insertions frozen, so their own figure for the same paths can be a few
vehicles higher.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from routing.design.renault.instance import VOLUME_FACTOR, Instance, departure_week

EPS = 1e-8

Path = tuple[str, ...]  # point accounts, supplier first, plant last


def first_fit_decreasing(sizes: Iterable[int], capacity: int) -> list[int]:
    """The loads of the vehicles FFD opens for `sizes` (sorted here, largest first)."""
    free: list[float] = []
    for s in sorted(sizes, reverse=True):
        for i, room in enumerate(free):
            if room + EPS >= s:
                free[i] = room - s
                break
        else:
            free.append(capacity - s)
    return [round(capacity - room) for room in free]


@dataclass
class Evaluation:
    cost: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)  # vehicles, linear, carbon, ...
    vehicles: dict[tuple[str, str, int], list[int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.problems

    def fill(self, instance: Instance) -> float:
        """Volume over capacity of the vehicles opened on per-vehicle legs."""
        load = sum(sum(v) for v in self.vehicles.values())
        room = sum(instance.legs[k[:2]].capacity * len(v) for k, v in self.vehicles.items())
        return load / room if room else 0.0


def path_problems(instance: Instance, bundle: int, path: Sequence[str]) -> list[str]:
    """Why `path` cannot carry bundle `bundle` (empty when it can)."""
    b = instance.bundles[bundle]
    name = f"bundle {b.supplier}->{b.plant}"
    if len(path) < 2 or path[0] != b.supplier or path[-1] != b.plant:
        return [f"{name}: path {list(path)} does not run from its supplier to its plant"]
    if len(set(path)) != len(path):
        return [f"{name}: path {list(path)} visits a point twice"]
    missing = [f"{u}->{v}" for u, v in itertools.pairwise(path) if (u, v) not in instance.legs]
    if missing:
        return [f"{name}: no leg {', '.join(missing)}"]
    weeks = sum(instance.legs[(u, v)].weeks for u, v in itertools.pairwise(path))
    late = [o.week for o in b.orders if weeks > o.max_weeks]
    if late:
        lead = f"the maximum lead time of the orders of week(s) {late}"
        return [f"{name}: {weeks} weeks of travel exceed {lead}"]
    big = [
        f"{u}->{v}"
        for u, v in itertools.pairwise(path)
        if not instance.legs[(u, v)].is_linear
        and max(o.sizes[0] for o in b.orders) > instance.legs[(u, v)].capacity
    ]
    return [f"{name}: a unit is larger than a vehicle of {', '.join(big)}"] if big else []


def loads(
    instance: Instance, paths: Mapping[int, Path]
) -> tuple[dict[tuple[str, str, int], list[int]], dict[str, float]]:
    """The unit sizes on each (leg, departure week), and the per-volume costs."""
    on: dict[tuple[str, str, int], list[int]] = {}
    parts = {"linear": 0.0, "carbon": 0.0, "lead_time": 0.0, "handling": 0.0}
    for bundle, path in paths.items():
        steps = list(itertools.pairwise(path))
        left = [sum(instance.legs[s].weeks for s in steps[i:]) for i in range(len(steps))]
        for order in instance.bundles[bundle].orders:
            volume = order.volume
            for (u, v), weeks in zip(steps, left, strict=True):
                leg = instance.legs[(u, v)]
                t = departure_week(instance, order, weeks)
                if leg.is_linear:
                    parts["linear"] += leg.shipment_cost / leg.capacity * volume
                else:
                    on.setdefault((u, v, t), []).extend(order.sizes)
                parts["carbon"] += leg.carbon_cost / leg.capacity * volume
                parts["lead_time"] += leg.distance_km * order.lead_time_cost
                parts["handling"] += instance.points[v].cost_per_m3 / VOLUME_FACTOR * volume
    return on, parts


def evaluate(instance: Instance, paths: Mapping[int, Path]) -> Evaluation:
    """The instance's cost of `paths` (bundle index -> path) and its problems."""
    problems = [
        f"bundle {b.supplier}->{b.plant}: no path"
        for i, b in enumerate(instance.bundles)
        if i not in paths
    ]
    for bundle, path in paths.items():
        problems += path_problems(instance, bundle, path)
    if problems:
        return Evaluation(cost=float("inf"), problems=problems)
    on, parts = loads(instance, paths)
    vehicles = {
        k: first_fit_decreasing(sizes, instance.legs[k[:2]].capacity) for k, sizes in on.items()
    }
    parts["vehicles"] = sum(
        instance.legs[k[:2]].shipment_cost * len(v) for k, v in vehicles.items()
    )
    over = [k for k, v in vehicles.items() if max(v) > instance.legs[k[:2]].capacity + EPS]
    problems = [f"leg {u}->{v} week {t}: a vehicle over capacity" for u, v, t in over]
    return Evaluation(sum(parts.values()), parts, vehicles, problems)
