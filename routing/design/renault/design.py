"""The Renault instance as a glocal `DesignProblem`, and its exact pricer (shortest paths);
engine.py solves its LP for a lower bound and turns its routing into one path per bundle.

The design problem (`routing/design/problem.py`):
- **capacity rows**: one per leg priced per vehicle and departure week 1..T, bought in
  whole vehicles (`unit_m3` = the vehicle's m3, `fixed` = its `shipment_cost`), no spot,
  no commitment (each row its own group), no limit on the number of vehicles;
- **commodities**: the orders (the units of one bundle delivered in one week), `m3`
  their volume, to be served (`unserved` inf);
- **columns**: a path of one order within its maximum lead time, its cost everything
  the instance charges per volume or per order (linear legs, carbon, handling at the
  points entered, lead-time cost per km), its rows the (leg, departure week) of its legs
  priced per vehicle, departure weeks wrapped as the instance wraps them.

**Why its LP is a lower bound on the instance's cost.** Any feasible solution of the
instance (one path per bundle, within every order's lead time) gives a solution of this
problem of the same value: each order takes its bundle's path (share 1), each row books
the vehicles First-Fit Decreasing opens there, which hold the row's volume (FFD's count
is at least `ceil(volume / capacity)`, the fluid count with whole vehicles), so the
capacity rows and the strong linking rows hold, and the per-volume, lead-time and
handling costs are the columns'. The problem relaxes the instance three ways: bin packing
becomes fluid (whole vehicles, divisible units), the orders of a bundle may take different
paths, and an order may split across paths. Its LP (units fractional, with the strong
linking rows) is lower still. The bound reported is a Lagrangian bound of that LP
(`engine.SmoothedPricer`): below the LP's value until column generation converges, equal
to it then.

**The pricer** is a shortest path per order at the LP's prices in its time-expanded
graph (point x weeks left before the plant; the supplier may wait), all orders at once:
one Dijkstra over the disjoint union of their graphs. Arc weights are costs plus
non-negative prices, so Dijkstra is exact. A path it returns may revisit a point at
another week (a walk): such columns only widen the relaxation, so the bound stays valid;
the solutions take only elementary paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.design.duals import Duals
from routing.design.problem import CapacityRows, Columns, Commodities, DesignProblem, Pieces
from routing.design.renault.evaluate import Path
from routing.design.renault.instance import VOLUME_FACTOR, Instance, Order

EPS = 1e-9  # added to every arc: scipy's graphs take no explicit zero weights
BIG = np.iinfo(np.int64).max


@dataclass
class Graph:
    """Every order's time-expanded graph as one arc list (the disjoint union)."""

    commodity: np.ndarray  # per arc; -1 for a supplier's wait
    leg: np.ndarray  # leg index (-1: wait)
    row: np.ndarray  # capacity row (-1: linear leg or wait)
    base: np.ndarray  # the order's cost on the arc (everything but vehicles)
    tail: np.ndarray  # global node
    head: np.ndarray
    source: np.ndarray  # per commodity: (supplier, max weeks)
    target: np.ndarray  # per commodity: (plant, 0)
    nodes: int
    points: np.ndarray  # per global node: its point index
    order: np.ndarray  # csr order of the arcs
    structure: csr_matrix
    size: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # per commodity: the nodes of its graph
    keys: np.ndarray | None = None  # tail x nodes + head, sorted (built on first use)
    by_key: np.ndarray | None = None  # the arc of each key

    def arc_at(self, tail: np.ndarray, head: np.ndarray) -> np.ndarray:
        """The arc from each `tail` to its `head` (one at most: legs are unique per pair of
        points, and a wait is the only arc between two copies of a point)."""
        if self.keys is None or self.by_key is None:
            key = self.tail * self.nodes + self.head
            self.by_key = np.argsort(key, kind="stable")
            self.keys = key[self.by_key]
        at = np.searchsorted(self.keys, tail * self.nodes + head)
        return np.asarray(self.by_key[at], dtype=np.int64)


@dataclass(frozen=True)
class Lanes:
    """The legs as arrays (per leg index) and where they lead."""

    src: np.ndarray  # point index
    dst: np.ndarray
    weeks: np.ndarray
    capacity: np.ndarray  # hundredths of a m3 (a linear leg's is its pricing volume)
    linear: np.ndarray
    per_volume: np.ndarray  # per hundredth of a m3: linear + carbon + head handling
    distance: np.ndarray
    row_index: np.ndarray  # [leg, departure week]: capacity row (-1: linear leg)
    from_supplier: np.ndarray  # legs a bundle may take only out of its own supplier
    into_plant: np.ndarray  # ... only into its own plant
    points: list[str]  # point index -> account


@dataclass
class RenaultDesign:
    """The instance's design problem and what maps it back to the instance."""

    instance: Instance
    problem: DesignProblem
    orders: list[Order]  # per commodity
    legs: list[tuple[str, str]]  # per leg index
    rows: list[tuple[int, int]]  # per capacity row: (leg index, departure week)
    graph: Graph
    paths: dict[tuple[int, bytes], Path] = field(default_factory=dict)  # column key -> path
    lanes: Lanes | None = None  # the legs as arrays, for routing a bundle at once

    def pricer(self, duals: Duals) -> Columns:
        """Per order whose shortest path at `duals` has a negative reduced cost, that path."""
        return self.shortest(duals, only_negative=True)

    def shortest(self, duals: Duals, only_negative: bool) -> Columns:
        """Each order's shortest path at `duals` (only those of negative reduced cost)."""
        reach, pred = self.distances(duals)
        rc = reach - duals.demand  # over by EPS per arc, below the pricing tolerance
        want = np.flatnonzero(np.isfinite(reach) & ((rc < -1e-6) | (not only_negative)))
        return self.columns(want, pred)

    def distances(self, duals: Duals) -> tuple[np.ndarray, np.ndarray]:
        """Per order, the cost of its cheapest path at the prices of `duals` (its column
        cost plus m3 x the m3 prices and the link prices of the rows it takes; inf: no
        path), and the predecessors to read the paths from (`columns`)."""
        g = self.graph
        weight = g.base + EPS
        on = g.row >= 0
        k = np.maximum(g.commodity, 0)
        m3 = self.problem.commodities.m3
        weight[on] += m3[k[on]] * duals.price_m3[g.row[on]]
        if len(duals.link_row):
            weight[on] += duals.link_prices_of(k[on], g.row[on], len(self.rows))
        graph = g.structure.copy()
        graph.data = weight[g.order]
        dist, pred, _ = dijkstra(graph, indices=g.source, min_only=True, return_predecessors=True)
        return dist[g.target], pred

    def columns(self, commodities: np.ndarray, pred: np.ndarray) -> Columns:
        """The columns of the paths `distances` found for `commodities`."""
        g = self.graph
        steps = []  # (commodity's position, tail, head) from the plant back
        for i, k in enumerate(commodities):
            node = int(g.target[k])
            while node != g.source[k]:
                back = int(pred[node])
                steps.append((i, back, node))
                node = back
        at = np.asarray(steps, dtype=np.int64).reshape(-1, 3)
        arc = g.arc_at(at[:, 1], at[:, 2])
        bounds = np.searchsorted(at[:, 0], np.arange(len(commodities) + 1))
        cost: list[float] = []
        start, rows = [0], list[int]()
        for i, k in enumerate(commodities):
            self._add(int(k), arc[bounds[i] : bounds[i + 1]][::-1], cost, start, rows)
        return _as_columns(commodities, cost, start, rows)

    def _add(
        self, k: int, arcs: np.ndarray, cost: list[float], start: list[int], rows: list[int]
    ) -> None:
        g = self.graph
        legs = arcs[g.leg[arcs] >= 0]
        used = g.row[legs][g.row[legs] >= 0]
        cost.append(float(g.base[legs].sum()))
        rows += used.tolist()
        start.append(len(rows))
        points = [self.legs[g.leg[legs[0]]][0], *(self.legs[g.leg[a]][1] for a in legs)]
        self.paths[(k, used.astype(np.int64).tobytes())] = tuple(points)

    def path_of(self, columns: Columns, j: int) -> Path:
        return self.paths[(int(columns.commodity[j]), columns.rows_of(j).tobytes())]


def _as_columns(
    commodities: np.ndarray, cost: list[float], start: list[int], rows: list[int]
) -> Columns:
    return Columns(
        commodity=np.asarray(commodities, dtype=np.int64),
        cost=np.asarray(cost, dtype=np.float64),
        start=np.asarray(start, dtype=np.int64),
        rows=np.asarray(rows, dtype=np.int64),
    )


def design_problem(instance: Instance) -> RenaultDesign:
    """The instance's design problem, its first columns each order's cheapest path with
    vehicles priced by the m3 (a full vehicle's cost spread over its volume)."""
    names = sorted(instance.points)
    at = {p: i for i, p in enumerate(names)}
    kind = [instance.points[p].kind for p in names]
    leg_list = list(instance.legs.values())
    legs = [(g.src, g.dst) for g in leg_list]
    per_vehicle = [i for i, g in enumerate(leg_list) if not g.is_linear]
    T = instance.horizon
    row_index = np.full((len(leg_list), T + 1), -1, dtype=np.int64)
    rows: list[tuple[int, int]] = []
    for i in per_vehicle:
        for t in range(1, T + 1):
            row_index[i, t] = len(rows)
            rows.append((i, t))
    orders = [o for b in instance.bundles for o in b.orders]
    per_volume = np.array(
        [
            (g.shipment_cost / g.capacity if g.is_linear else 0.0)
            + g.carbon_cost / g.capacity
            + instance.points[g.dst].cost_per_m3 / VOLUME_FACTOR
            for g in leg_list
        ]
    )
    distance = np.array([g.distance_km for g in leg_list])
    weeks = np.array([g.weeks for g in leg_list], dtype=np.int64)
    capacity = np.array([g.capacity for g in leg_list], dtype=np.int64)
    linear = np.array([g.is_linear for g in leg_list])
    src = np.array([at[g.src] for g in leg_list], dtype=np.int64)
    dst = np.array([at[g.dst] for g in leg_list], dtype=np.int64)
    # Legs out of another supplier or into another plant lead nowhere when no leg enters
    # a supplier or leaves a plant (as in the published instances): left out then.
    from_supplier = np.array([kind[s] == "supplier" for s in src])
    into_plant = np.array([kind[d] == "plant" for d in dst])
    if any(kind[d] == "supplier" for d in dst):
        from_supplier[:] = False
    if any(kind[s] == "plant" for s in src):
        into_plant[:] = False
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("commodity", "leg", "row", "base", "tail", "head", "points")
    }
    source, target, size, nodes = [], [], [], 0
    for k, o in enumerate(orders):
        b = instance.bundles[o.bundle]
        origin, plant, top = at[b.supplier], at[b.plant], o.max_weeks
        ok = (~from_supplier | (src == origin)) & (~into_plant | (dst == plant))
        ok &= linear | (capacity >= o.sizes[0])
        mine = np.flatnonzero(ok)
        local = np.unique(np.r_[origin, src[mine], dst[mine]])
        width = top + 1
        first = nodes
        nodes += len(local) * width
        node = {p: first + i * width for i, p in enumerate(local)}
        ls = np.array([node[p] for p in src[mine]], dtype=np.int64)
        ld = np.array([node[p] for p in dst[mine]], dtype=np.int64)
        parts["points"].append(np.repeat(local, width))
        for left in range(width):
            use = weeks[mine] <= left
            leg = mine[use]
            t = o.week - left
            t = t + T if t < 1 else t
            parts["commodity"].append(np.full(len(leg), k))
            parts["leg"].append(leg)
            parts["row"].append(row_index[leg, t])
            base = per_volume[leg] * o.volume + distance[leg] * o.lead_time_cost
            parts["base"].append(base)
            parts["tail"].append(ls[use] + left)
            parts["head"].append(ld[use] + left - weeks[leg])
            if left:
                parts["commodity"].append(np.array([-1]))
                parts["leg"].append(np.array([-1]))
                parts["row"].append(np.array([-1]))
                parts["base"].append(np.array([0.0]))
                parts["tail"].append(np.array([node[origin] + left]))
                parts["head"].append(np.array([node[origin] + left - 1]))
        size.append(len(local) * width)
        source.append(node[origin] + top)
        target.append(node[plant])
    arcs = {k: np.concatenate(v) for k, v in parts.items()}
    structure = csr_matrix(
        (np.arange(1, len(arcs["tail"]) + 1, dtype=np.float64), (arcs["tail"], arcs["head"])),
        shape=(nodes, nodes),
    )
    graph = Graph(
        commodity=arcs["commodity"].astype(np.int64),
        leg=arcs["leg"].astype(np.int64),
        row=arcs["row"].astype(np.int64),
        base=arcs["base"].astype(np.float64),
        tail=arcs["tail"].astype(np.int64),
        head=arcs["head"].astype(np.int64),
        source=np.asarray(source, dtype=np.int64),
        target=np.asarray(target, dtype=np.int64),
        nodes=nodes,
        points=arcs["points"],
        order=structure.data.astype(np.int64) - 1,
        structure=structure,
        size=np.asarray(size, dtype=np.int64),
    )
    vehicle = [leg_list[i] for i, _ in rows]
    n = len(rows)
    capacity_rows = CapacityRows(
        name=[f"{legs[i][0]}->{legs[i][1]}@{t}" for i, t in rows],
        unit_kg=np.zeros(n),
        unit_m3=np.array([g.capacity / VOLUME_FACTOR for g in vehicle]),
        fixed=np.array([g.shipment_cost for g in vehicle]),
        commitment=np.arange(n, dtype=np.int64),
        min_units=np.zeros(n, dtype=np.int64),
        max_units=np.full(n, BIG, dtype=np.int64),
        spot_rate=np.full(n, np.inf),
        spot_cap_kg=np.zeros(n),
        spot_kg_per_m3=np.ones(n),
    )
    commodities = Commodities(
        kg=np.zeros(len(orders)),
        m3=np.array([o.volume / VOLUME_FACTOR for o in orders]),
        unserved=np.full(len(orders), np.inf),
    )
    empty = Columns(
        np.zeros(0, dtype=np.int64),
        np.zeros(0),
        np.zeros(1, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
    )
    lanes = Lanes(
        src, dst, weeks, capacity, linear, per_volume, distance, row_index,
        from_supplier, into_plant, names,
    )  # fmt: skip
    pieces = Pieces(
        start=np.r_[0, np.cumsum([len(o.sizes) for o in orders])].astype(np.int64),
        m3=np.array([s for o in orders for s in o.sizes], dtype=np.float64) / VOLUME_FACTOR,
    )
    bundle = np.array([o.bundle for o in orders], dtype=np.int64)
    problem = DesignProblem(capacity_rows, commodities, empty, bundle=bundle, pieces=pieces)
    design = RenaultDesign(instance, problem, orders, legs, rows, graph, lanes=lanes)
    fluid = Duals(
        demand=np.full(len(orders), np.inf),
        price_kg=np.zeros(n),
        price_m3=capacity_rows.fixed / capacity_rows.unit_m3,
        link_commodity=np.zeros(0, dtype=np.int64),
        link_row=np.zeros(0, dtype=np.int64),
        link_price=np.zeros(0),
    )
    cheapest = design.shortest(fluid, only_negative=False)
    design.problem = replace(problem, columns=cheapest)
    return design
