"""Customs per route: screening + landed cost of every Pareto route of 1,000 realistic
random orders (bench/orders.py) on the default network, as a quote calls them. Target
(2-core machine): screen + landed cost <= 0.12 ms per route on average.

Two ways are timed: `plain`, the functions `screen` and `landed_cost` once per route (each
call prepares the order afresh), and `case`, one `customs_case` per order whose `screen`
and `landed_cost` are called per route. Each order is timed `--rounds` times and its best
round kept (the machine is shared); the figures are per route: median, p90 and mean over
the orders. `--check` also compares the two ways' results for every route.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from bench.orders import random_orders
from carriers.errors import NotPriceable
from carriers.pricing import Charge, price_parcel
from routing import customs
from routing.network import Network, Route, load_network
from routing.orders import Order, parse_order
from routing.quote import Engine, engine_for
from routing.quote.engine import MAX_ROUTES
from routing.quote.order_lanes import order_lanes
from routing.quote.search import pareto_routes

TARGET_MS = 0.12
Work = list[tuple[Order, list[tuple[Route, list[Charge]]]]]


def workload(network: Network, engine: Engine, n: int) -> Work:
    """Each order with its Pareto routes and their carrier charges, as a quote finds them."""
    net = network.compiled
    work: Work = []
    for document in random_orders(n):
        order = parse_order(document)
        lanes = order_lanes(net, order, engine.fx, order.created_at.date())
        found = pareto_routes(net, net.node_index[order.origin], lanes, MAX_ROUTES)
        routes = []
        for f in found:
            route = tuple(net.services[k] for k in f.services)
            try:
                routes.append((route, _charges(order, route)))
            except NotPriceable:
                continue
        if routes:
            work.append((order, routes))
    return work


def _charges(order: Order, route: Route) -> list[Charge]:
    dest = order.destination
    return [
        c
        for s in route
        for p in order.parcels
        for c in price_parcel(s.rate_card, p.weight_kg, p.dims_cm, dest.country, dest.postal_code)
    ]


def plain(engine: Engine, order: Order, routes: list[tuple[Route, list[Charge]]]) -> list:
    day, out = order.created_at.date(), []
    for route, charges in routes:
        found = customs.screen(order, route, day, engine.rules, engine.fx, network=engine.network)
        landed = None
        if found.allowed:
            landed = customs.landed_cost(
                order, route, charges, day, engine.rules, engine.fx, network=engine.network
            )
        out.append((found, landed))
    return out


def with_case(engine: Engine, order: Order, routes: list[tuple[Route, list[Charge]]]) -> list:
    day = order.created_at.date()
    case = customs.customs_case(order, day, engine.rules, engine.fx, network=engine.network)
    out = []
    for route, charges in routes:
        found = case.screen(route)
        out.append((found, case.landed_cost(route, charges) if found.allowed else None))
    return out


Way = Callable[[Engine, Order, list[tuple[Route, list[Charge]]]], list]


def time_way(engine: Engine, work: Work, way: Way, rounds: int) -> list[float]:
    """Per order, the best round's milliseconds per route."""
    best = [float("inf")] * len(work)
    for _ in range(rounds):
        for i, (order, routes) in enumerate(work):
            started = time.perf_counter()
            way(engine, order, routes)
            ms = (time.perf_counter() - started) * 1000 / len(routes)
            best[i] = min(best[i], ms)
    return best


def report(name: str, per_route: list[float]) -> None:
    q = statistics.quantiles(per_route, n=10)
    print(
        f"{name:6s} per route: median {statistics.median(per_route):.4f} ms, "
        f"p90 {q[8]:.4f} ms, mean {statistics.fmean(per_route):.4f} ms "
        f"(target mean <= {TARGET_MS} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="compare plain and case results")
    args = parser.parse_args()
    network = load_network()
    engine = engine_for(network)
    work = workload(network, engine, args.orders)
    routes = sum(len(r) for _, r in work)
    print(f"{len(work)} orders, {routes} routes ({routes / len(work):.1f} per order)")
    ways: dict[str, Way] = {"plain": plain}
    if hasattr(customs, "customs_case"):
        ways["case"] = with_case
    for name, way in ways.items():
        for order, r in work[:50]:  # warm the rule views and rate caches
            way(engine, order, r)
        report(name, time_way(engine, work, way, args.rounds))
    if args.check and "case" in ways:
        differ = sum(plain(engine, o, r) != with_case(engine, o, r) for o, r in work)
        print(f"check: {differ} of {len(work)} orders differ")


if __name__ == "__main__":
    main()
