"""The batch planner: orders in, one route and departure per order out, with its cost, the
greedy baseline beside it, the bounds and the shadow price of every capacity.

Stages (each reported to `stages`, e.g. a progress display):

- aggregate: every order priced on every lane; orders into coarse commodities;
- routes: the universe: every open route of every commodity, its departures within the
  horizon (the next ones past it where none is within), dates and duties (universe.py);
- model: every order's own cost on the universe's arcs; capacity rows;
- refine: column generation (columns.py): LP relaxations of the model, priced over the
  whole universe (pricing.py), the arcs that pay added and the commodities split by their
  orders' choices at the LP's prices (refine.py); then the blocks;
- solve: per block the LP (bound, prices) and whole units near it (blocks.py); the greedy
  plan, made in this process while the blocks are solved (it is the baseline, and the
  plan where it costs less);
- disaggregate: one route and departure per order (disaggregate.py), full departures
  repacked with the orders that save most per priced kg and m3 (repack.py), units opened
  where the orders they draw pay for them (reopen.py), both plans costed on the orders'
  own figures, and the bound over every route and departure of the universe that no plan
  of these orders can beat (pricing.py).

Loading and writing belong to the caller (`api/commands/plan.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from routing.calendar import day_date
from routing.fx import FxRates, load_fx
from routing.network import Network
from routing.plan.adopt import Adopted, adopt
from routing.plan.arcs import Arcs, OrderArcs
from routing.plan.assign import NO_ROUTE, Assignment, Evaluation, greedy
from routing.plan.blocks import BlockResult, MapFunction, solve_blocks, worker_pool
from routing.plan.capacity import CapacityRows, Override, build_rows, check_scenario, unit_limit
from routing.plan.columns import ColumnReport, generate
from routing.plan.commodities import Commodities, aggregate
from routing.plan.costs import OrderCosts
from routing.plan.disaggregate import disaggregate, improve
from routing.plan.duties import Duties
from routing.plan.late import late_costs
from routing.plan.master import collect, in_minor, link_groups, model_blocks
from routing.plan.matrix import LaneMatrix, lane_matrix
from routing.plan.model import BlockData
from routing.plan.params import PlanParams, Scenario
from routing.plan.pieces import PieceBound, pieces, tightened
from routing.plan.pricing import COMPLETIONS, UniverseCosts, price_orders
from routing.plan.reopen import open_units
from routing.plan.repack import repack
from routing.plan.routes import RouteSet, enumerate_routes
from routing.plan.table import InvalidRow, OrdersTable, resample
from routing.plan.universe import Universe, build_universe

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
    universe: Universe  # every route and departure within the horizon (universe.py)
    arcs: Arcs
    arc_source: np.ndarray  # per arc, its universe arc
    priced: np.ndarray  # per universe arc: added by column generation's pricing
    columns: ColumnReport
    rows: CapacityRows
    pairs: OrderArcs  # every order's candidate arcs with its own cost on each
    commodities: int
    plan: Assignment
    plan_eval: Evaluation
    greedy: Assignment
    greedy_eval: Evaluation
    plan_source: str  # "model" (disaggregated optimum) or "greedy, improved", the cheaper
    repacked: int  # departures whose load `repack` changed (0: it did not help)
    opened: int  # units that `open_units` opened because their orders pay for them
    adopted: Adopted  # pieces whose own MIP's plan was taken (adopt.py)
    lp_bound: float  # optimum of the model's (strengthened) LP relaxation
    bound: float  # no plan of these orders over any route and departure of the universe
    # costs less (pricing.py), with whole units on the small pieces (pieces.py)
    pieces: PieceBound  # those pieces and what they added
    fixed_penalty: float  # unplanned penalty of orders with no candidate at all (any plan)
    blocks: list[BlockResult]
    price_kg: np.ndarray  # per row: LP dual of the booked capacity (saving per extra kg)
    price_m3: np.ndarray
    unit_price_kg: np.ndarray  # per row: LP dual of the unit rows (value of a kg in units)
    unit_price_m3: np.ndarray
    first_day: date
    seconds: dict[str, float] = field(default_factory=dict)
    block_data: tuple[BlockData, ...] = ()  # the model's blocks as solved (bid prices
    # re-solve their LPs: routing/plan/bidprices.py)

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
    time_left: Callable[[], float] | None = None,
) -> PlanResult:
    """Plan `orders` over the network's capacity. The blocks of the model go through
    `map_fn` (default: a pool of `params.workers` processes); the result does not depend
    on it. `time_left` (seconds, e.g. `Deadline.left`) ends column generation early
    where another round would not leave the rest of the plan its time."""
    params = params or PlanParams()
    if map_fn is None:
        with worker_pool(params.workers) as pool:
            return plan_orders(
                orders, network, params, scenario, overrides, invalid, pool, stages, fx, time_left
            )
    scenario = scenario or Scenario()
    clock = _Clock(stages)
    w = prepare(orders, network, params, scenario, overrides, fx, clock)
    orders, coarse, universe, rows, penalty = w.orders, w.coarse, w.universe, w.rows, w.penalty
    universe_costs = UniverseCosts(coarse, universe, w.costs)  # kept for every pricing
    with clock("refine"):
        model, columns = generate(orders, universe_costs, rows, params, penalty, map_fn, time_left)
        com, arcs, pairs = model.com, model.arcs, model.pairs
        costs = w.costs.with_arcs(arcs)
        group = link_groups(coarse, com)
        blocks = model.solved.warm(model_blocks(com, arcs, rows, params, group))
        found = pieces(orders, coarse, universe, w.costs, rows, params)
    # the pieces' MIPs beside the model's blocks, through one map; the greedy plan (7 s of
    # this process on 100,000 orders) is made while the map's workers solve
    with clock("solve"), ThreadPoolExecutor(1) as side:
        baseline = side.submit(greedy, orders, pairs, arcs, rows)
        solved = solve_blocks(blocks + [b for p in found for b in p.blocks], map_fn)
        results, exact = solved[: len(blocks)], solved[len(blocks) :]
        base = baseline.result()
    with clock("disaggregate"):
        flow, units, prices = collect(results, len(arcs), len(rows), group, com.count)
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
        wider, opened = open_units(orders, arcs, rows, chosen, pairs, costs, penalty)
        if opened:
            chosen, chosen_eval = wider, costs.evaluate(wider, rows)
        took = adopt(
            orders, com, arcs, model.source, pairs, chosen, w.costs, rows, penalty, found, exact
        )
        arcs, arc_source, pairs, chosen = took.arcs, took.source, took.pairs, took.plan
        if took.pieces:
            chosen_eval = w.costs.with_arcs(arcs).evaluate(chosen, rows)
        limit = unit_limit(rows)
        priced = price_orders(
            orders,
            universe_costs,
            rows,
            limit,
            prices,
            penalty,
            None,
            COMPLETIONS,
            com.of_order,
        )
        # every round's prices gave a bound too (columns.py): the best of them holds
        whole = tightened(priced, found, exact)
        bound = min(max(whole.bound, columns.bound), chosen_eval.objective)
    return PlanResult(
        orders=orders,
        invalid=list(invalid or []),
        network=network,
        params=params,
        scenario=scenario,
        routes=w.routes,
        universe=universe,
        arcs=arcs,
        arc_source=arc_source,
        priced=model.priced,
        columns=columns,
        rows=rows,
        pairs=pairs,
        commodities=len(com),
        plan=chosen,
        plan_eval=chosen_eval,
        greedy=base,
        greedy_eval=greedy_eval,
        plan_source=source,
        repacked=repacked,
        opened=opened,
        adopted=took,
        lp_bound=float(sum(b.lp_bound for b in results)),
        bound=bound,
        pieces=whole,
        fixed_penalty=float((base.reason == NO_ROUTE).sum()) * penalty,
        blocks=results,
        price_kg=prices.capacity_kg,
        price_m3=prices.capacity_m3,
        unit_price_kg=prices.unit_kg,
        unit_price_m3=prices.unit_m3,
        first_day=w.at,
        seconds=clock.seconds,
        block_data=tuple(blocks),
    )


@dataclass(frozen=True)
class Prepared:
    """What the planner makes of the orders before it optimises: the orders priced on
    every lane, the coarse commodities, the universe of their routes and departures with
    every order's own costs on them, and the capacity rows."""

    orders: OrdersTable  # resampled where the scenario scales demand
    at: date  # the day whose fx rates, rules and unit prices apply
    penalty: float  # per unplanned order, plan minor units
    lanes: LaneMatrix
    coarse: Commodities
    routes: RouteSet
    universe: Universe
    costs: OrderCosts  # every order's own cost on the universe's arcs
    rows: CapacityRows


def prepare(
    orders: OrdersTable,
    network: Network,
    params: PlanParams,
    scenario: Scenario,
    overrides: list[Override] | tuple[Override, ...] = (),
    fx: FxRates | None = None,
    clock: Stages = _quiet,
) -> Prepared:
    """The first three stages of a plan (aggregate, routes, model), each under `clock`."""
    net = network.compiled
    check_scenario(scenario, net)
    fx = fx or load_fx()
    if scenario.demand != 1.0:
        orders = resample(orders, scenario.demand, scenario.seed)
    at = _first_day(orders)
    late = late_costs(orders, params, fx, at)  # per order: once late, and per day
    penalty = in_minor(params.unplanned_penalty, params.currency)
    with clock("aggregate"):
        lanes = lane_matrix(net, orders, fx, at, params.currency)
        for s in scenario.close:
            lanes.allowed[net.service_index[s]] = False
        coarse = aggregate(network, orders, lanes, params.deadline_bucket_days)
    with clock("routes"):
        routes = enumerate_routes(network, sorted(set(coarse.origin.tolist())))
        duties = Duties(network, orders, coarse, routes, fx, at, params.currency)
        universe = build_universe(network, orders, coarse, routes, duties, params, late)
    with clock("model"):
        costs = OrderCosts(orders, lanes, routes, universe.arcs, duties, late, penalty)
        unit_costs = _unit_costs(network, fx, at, params.currency)
        rows = build_rows(universe.keys, net, list(overrides), scenario, unit_costs)
    return Prepared(orders, at, penalty, lanes, coarse, routes, universe, costs, rows)


def _first_day(orders: OrdersTable) -> date:
    if not len(orders):
        return date(2026, 1, 1)
    return day_date(int(orders.created_min.min()) // 1440)


def _unit_costs(network: Network, fx: FxRates, at: date, currency: str) -> dict[int, float]:
    net = network.compiled
    return {
        k: float(fx.convert(s.unit.cost, currency, at).amount)
        for k, s in enumerate(net.services)
        if s.unit is not None
    }
