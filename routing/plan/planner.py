"""The batch planner: orders in, one route and departure per order out, with its cost, the
greedy baseline beside it, the bounds and the shadow price of every capacity.

Stages (each reported to `stages`, e.g. a progress display):

- aggregate: every order priced on every lane; orders into coarse commodities;
- routes: candidate routes per commodity, their departures and dates, duties;
- model: the arcs (route x departure) with costs; commodities split by their orders'
  cheapest arcs (refine.py); capacity rows;
- refine: LP relaxations whose prices split the commodities again (refine.py), the greedy
  plan, the blocks;
- solve: per block the LP (bound, prices) and whole units near it (blocks.py);
- disaggregate: one route and departure per order (disaggregate.py), full departures
  repacked with the orders that save most per priced kg and m3 (repack.py), both plans
  costed on the orders' own figures, and the bound that no plan of these orders can beat
  (bound.py).

Loading and writing belong to the caller (`api/commands/plan.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from carriers.money import minor_units
from routing.calendar import day_date
from routing.fx import FxRates, load_fx
from routing.network import Network
from routing.plan.arcs import Arcs, OrderArcs, build_arcs, expand, pair_lookup
from routing.plan.assign import NO_ROUTE, Assignment, Evaluation, greedy
from routing.plan.blocks import (
    BlockResult,
    MapFunction,
    components,
    solve_blocks,
    solve_relaxation,
    worker_pool,
)
from routing.plan.bound import RowPrices, cheapest_at_prices, order_bound
from routing.plan.capacity import CapacityRows, Override, build_rows, check_scenario, unit_limit
from routing.plan.commodities import Commodities, aggregate
from routing.plan.costs import OrderCosts
from routing.plan.disaggregate import disaggregate, improve
from routing.plan.duties import Duties
from routing.plan.late import late_costs
from routing.plan.matrix import lane_matrix
from routing.plan.model import BlockData
from routing.plan.params import PlanParams, Scenario
from routing.plan.refine import Splitter
from routing.plan.repack import repack
from routing.plan.routes import RouteSet, enumerate_routes, route_costs, select
from routing.plan.table import InvalidRow, OrdersTable, resample
from routing.plan.timeline import Timeline

Stages = Callable[[str], AbstractContextManager[None]]


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class PlanResult:
    orders: OrdersTable
    invalid: list[InvalidRow]
    network: Network
    params: PlanParams
    scenario: Scenario
    routes: RouteSet
    arcs: Arcs
    rows: CapacityRows
    pairs: OrderArcs  # every order's candidate arcs with its own cost on each
    commodities: int
    plan: Assignment
    plan_eval: Evaluation
    greedy: Assignment
    greedy_eval: Evaluation
    plan_source: str  # "model" (disaggregated optimum) or "greedy, improved", the cheaper
    repacked: int  # departures whose load `repack` changed (0: it did not help)
    lp_bound: float  # optimum of the model's (strengthened) LP relaxation
    bound: float  # no plan of these orders costs less (bound.py; <= lp_bound)
    fixed_penalty: float  # unplanned penalty of orders with no candidate at all (any plan)
    blocks: list[BlockResult]
    price_kg: np.ndarray  # per row: LP dual of the booked capacity (saving per extra kg)
    price_m3: np.ndarray
    unit_price_kg: np.ndarray  # per row: LP dual of the unit rows (value of a kg in units)
    unit_price_m3: np.ndarray
    first_day: date
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """The plan's gap to the order-level bound (see `gap_to`)."""
        return self.gap_to(self.bound)

    def gap_to(self, bound: float) -> float:
        """(plan objective - bound) / (plan objective - fixed penalty): the share of what
        the plan can decide that an optimal plan might still save. The penalty of orders
        that no plan can carry is left out of the denominator, which would flatter it."""
        decided = self.plan_eval.objective - self.fixed_penalty
        return (self.plan_eval.objective - bound) / decided if decided > 0 else 0.0


class _Clock:
    """Seconds per stage, each stage also announced to `stages`."""

    def __init__(self, stages: Stages) -> None:
        self.stages = stages
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        with self.stages(name):
            yield
        self.seconds[name] = time.perf_counter() - started


def plan_orders(
    orders: OrdersTable,
    network: Network,
    params: PlanParams | None = None,
    scenario: Scenario | None = None,
    overrides: list[Override] | tuple[Override, ...] = (),
    invalid: list[InvalidRow] | None = None,
    map_fn: MapFunction | None = None,
    stages: Stages = _quiet,
    fx: FxRates | None = None,
) -> PlanResult:
    """Plan `orders` over the network's capacity. The blocks of the model go through
    `map_fn` (default: a pool of `params.workers` processes); the result does not depend
    on it."""
    params = params or PlanParams()
    if map_fn is None:
        with worker_pool(params.workers) as pool:
            return plan_orders(
                orders, network, params, scenario, overrides, invalid, pool, stages, fx
            )
    scenario = scenario or Scenario()
    net = network.compiled
    check_scenario(scenario, net)
    fx = fx or load_fx()
    if scenario.demand != 1.0:
        orders = resample(orders, scenario.demand, scenario.seed)
    clock = _Clock(stages)
    at = _first_day(orders)
    late = late_costs(orders, params, fx, at)  # per order: once late, and per day
    penalty = _minor(params.unplanned_penalty, params.currency)
    with clock("aggregate"):
        lanes = lane_matrix(net, orders, fx, at, params.currency)
        for s in scenario.close:
            lanes.allowed[net.service_index[s]] = False
        coarse = aggregate(network, orders, lanes, params.deadline_bucket_days)
    with clock("routes"):
        routes = enumerate_routes(network, sorted(set(coarse.origin.tolist())))
        pc, pr, freight = _candidates(routes, coarse, params.max_signatures)
        duties = Duties(network, orders, coarse, routes, fx, at, params.currency)
        duty = duties.pair_means(pc, pr)
        timeline = Timeline(network, params.plan_quantile, params.max_departures)
        last_day = int(coarse.ready_day.min()) + params.horizon_days - 1 if len(coarse) else 0
        cols, keys = expand(network, coarse, routes, (pc, pr), timeline, last_day)
    with clock("model"):
        c, r = np.array(cols["commodity"], np.int64), np.array(cols["route"], np.int64)
        coarse_arcs = build_arcs(
            cols,
            orders,
            coarse,
            pair_lookup(pc, pr, freight, c, r),
            pair_lookup(pc, pr, duty, c, r),
            late,
            params.hard_deadlines,
        )
        costs = OrderCosts(orders, lanes, routes, coarse_arcs, duties, late, penalty)
        splitter = Splitter(orders, coarse, coarse_arcs, costs)
        com, arcs, pairs, parent = splitter.split(splitter.preferences(params.refine_top))
        rows = build_rows(
            keys, net, list(overrides), scenario, _unit_costs(network, fx, at, params.currency)
        )
    with clock("refine"):
        for _ in range(params.refine_rounds):
            group = _groups(coarse, com)
            relaxed = solve_blocks(
                _blocks(com, arcs, rows, None, params, group), map_fn, solve_relaxation
            )
            prices = _collect(relaxed, len(arcs), len(rows), group, com.count)[2]
            choice = cheapest_at_prices(orders, pairs, arcs, rows, prices, penalty)
            key = np.append(parent, -1)[choice]  # the coarse arc chosen; -1: unplanned
            com, arcs, pairs, parent = splitter.split([com.of_order, key])
        costs = costs.with_arcs(arcs)
        base = greedy(orders, pairs, arcs, rows)
        group = _groups(coarse, com)
        blocks = _blocks(com, arcs, rows, base, params, group)
    with clock("solve"):
        results = solve_blocks(blocks, map_fn)
    with clock("disaggregate"):
        flow, units, prices = _collect(results, len(arcs), len(rows), group, com.count)
        optimized = disaggregate(orders, com, arcs, rows, flow, units, pairs, costs, penalty)
        opt_eval, greedy_eval = costs.evaluate(optimized, rows), costs.evaluate(base, rows)
        chosen, chosen_eval, source = optimized, opt_eval, "model"
        if greedy_eval.objective < opt_eval.objective - 1e-6:  # rare: small, tight packings
            chosen = improve(orders, arcs, rows, base, pairs, costs, penalty)
            chosen_eval, source = costs.evaluate(chosen, rows), "greedy, improved"
        packed, repacked = repack(orders, arcs, rows, chosen, pairs, costs, penalty, prices)
        packed_eval = costs.evaluate(packed, rows) if repacked else chosen_eval
        if packed_eval.objective < chosen_eval.objective - 1e-6:
            chosen, chosen_eval = packed, packed_eval
        else:
            repacked = 0
        bound = order_bound(orders, pairs, arcs, rows, unit_limit(rows), prices, penalty)
    return PlanResult(
        orders=orders,
        invalid=list(invalid or []),
        network=network,
        params=params,
        scenario=scenario,
        routes=routes,
        arcs=arcs,
        rows=rows,
        pairs=pairs,
        commodities=len(com),
        plan=chosen,
        plan_eval=chosen_eval,
        greedy=base,
        greedy_eval=greedy_eval,
        plan_source=source,
        repacked=repacked,
        lp_bound=float(sum(b.lp_bound for b in results)),
        bound=bound,
        fixed_penalty=float((base.reason == NO_ROUTE).sum()) * penalty,
        blocks=results,
        price_kg=prices.capacity_kg,
        price_m3=prices.capacity_m3,
        unit_price_kg=prices.unit_kg,
        unit_price_m3=prices.unit_m3,
        first_day=at,
        seconds=clock.seconds,
    )


def _first_day(orders: OrdersTable) -> date:
    if not len(orders):
        return date(2026, 1, 1)
    return day_date(int(orders.created_min.min()) // 1440)


def _minor(amount: object, currency: str) -> float:
    return float(amount) * 10 ** minor_units(currency)  # type: ignore[arg-type]


def _unit_costs(network: Network, fx: FxRates, at: date, currency: str) -> dict[int, float]:
    net = network.compiled
    return {
        k: float(fx.convert(s.unit.cost, currency, at).amount)
        for k, s in enumerate(net.services)
        if s.unit is not None
    }


def _candidates(
    routes: RouteSet, com: Commodities, max_signatures: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(commodity, route, mean freight) of every candidate pair, origin by origin."""
    out_c, out_r, out_f = [], [], []
    for origin in sorted(set(com.origin.tolist())):
        cols = np.flatnonzero(com.origin == origin)
        ids = np.flatnonzero(routes.origin == origin)
        if not len(ids):
            continue
        cost = route_costs(routes, ids, com.allowed[:, cols], com.price[:, cols])
        c, r = select(routes, ids, cost, max_signatures)
        out_c.append(cols[c])
        out_r.append(r)
        out_f.append(cost[np.searchsorted(ids, r), c])
    if not out_c:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(out_c), np.concatenate(out_r), np.concatenate(out_f)


def _groups(coarse: Commodities, com: Commodities) -> np.ndarray:
    """Per commodity, the coarse commodity it was split from: its linking group."""
    return coarse.of_order[com.members[com.start[:-1]]]


def _blocks(
    com: Commodities,
    arcs: Arcs,
    rows: CapacityRows,
    base: Assignment | None,
    params: PlanParams,
    group: np.ndarray,
) -> list[BlockData]:
    """The model cut into independent blocks, each with the greedy plan (if any) as hint.
    An arc is left out where another of its commodity loads the same departures for less
    (the model's optimum is the same without it)."""
    block_of = components(arcs.commodity, arcs.rows, len(com), len(rows))
    kept, keeper = _undominated(arcs)
    hint = None
    if base is not None:
        hint = np.bincount(keeper[base.arc[base.arc >= 0]], minlength=len(arcs)).astype(float)
    limit = unit_limit(rows)
    penalty = _minor(params.unplanned_penalty, params.currency)
    out = []
    for b in range(int(block_of.max(initial=-1)) + 1):
        cs = np.flatnonzero(block_of == b)
        local_c = np.full(len(com), -1, dtype=np.int64)
        local_c[cs] = np.arange(len(cs))
        a = kept[local_c[arcs.commodity[kept]] >= 0]
        rs = np.unique(arcs.rows[a][arcs.rows[a] >= 0])
        local_r = np.full(len(rows) + 1, -1, dtype=np.int64)
        local_r[rs] = np.arange(len(rs))
        share = max(len(a), 1) / max(len(kept), 1)
        out.append(
            BlockData(
                commodities=cs,
                rows=rs,
                arcs=a,
                demand=com.count[cs],
                arc_commodity=local_c[arcs.commodity[a]],
                arc_cost=arcs.cost[a],
                arc_kg=com.kg[arcs.commodity[a]],
                arc_m3=com.m3[arcs.commodity[a]],
                arc_rows=local_r[arcs.rows[a]],
                cap_kg=rows.cap_kg[rs],
                cap_m3=rows.cap_m3[rs],
                unit_kg=rows.unit_kg[rs],
                unit_m3=rows.unit_m3[rs],
                unit_cost=rows.unit_cost[rs],
                unit_limit=limit[rs],
                unplanned_penalty=penalty,
                hint=None if hint is None else hint[a],
                solver=params.solver,
                rounding=params.rounding,
                lp_solver=params.lp_solver,
                time_limit_s=max(params.time_limit_s * share, params.time_limit_s / 4),
                threads=params.threads,
                seed=params.seed,
                relative_gap=params.relative_gap,
                integer_flows=params.integer_flows,
                link_group=group[cs],
            )
        )
    return out


def _undominated(arcs: Arcs) -> tuple[np.ndarray, np.ndarray]:
    """The arcs that are the cheapest of their commodity on their departures (ties: the
    first), and per arc, that cheapest one."""
    order = np.lexsort(
        (np.arange(len(arcs)), arcs.cost, arcs.rows[:, 1], arcs.rows[:, 0], arcs.commodity)
    )
    key = np.stack([arcs.commodity, arcs.rows[:, 0], arcs.rows[:, 1]], axis=1)[order]
    first = np.ones(len(arcs), dtype=bool)
    first[1:] = (key[1:] != key[:-1]).any(axis=1)
    group = np.cumsum(first) - 1
    keeper = np.empty(len(arcs), dtype=np.int64)
    keeper[order] = order[first][group]
    return np.sort(order[first]), keeper


def _collect(
    results: list[BlockResult], n_arcs: int, n_rows: int, group: np.ndarray, count: np.ndarray
) -> tuple[np.ndarray, np.ndarray, RowPrices]:
    """The blocks' flows per arc, units per row and LP prices, in global indices."""
    flow, units = np.zeros(n_arcs), np.zeros(n_rows)
    per_row = [np.zeros(n_rows) for _ in range(4)]
    for b in results:
        flow[b.arcs] = b.flow
        units[b.rows] = np.round(b.units)
        for target, value in zip(
            per_row, (b.price_kg, b.price_m3, b.unit_price_kg, b.unit_price_m3), strict=True
        ):
            target[b.rows] = value
    link = [
        np.concatenate([getattr(b, k) for b in results] or [np.zeros(0)])
        for k in ("link_group", "link_row", "link_price")
    ]
    group_count = np.bincount(group, count, int(group.max(initial=-1)) + 1)
    prices = RowPrices(
        capacity_kg=per_row[0],
        capacity_m3=per_row[1],
        unit_kg=per_row[2],
        unit_m3=per_row[3],
        link_group=link[0].astype(np.int64),
        link_row=link[1].astype(np.int64),
        link_price=link[2],
        group=group,
        group_count=group_count,
    )
    return flow, units, prices
