"""Quote latency: 10,000 realistic random orders through quote() on the default network,
and on a generated 5,000-node / 50,000-service network. Targets (2-core machine): default
p50 <= 2 ms and p99 <= 10 ms; 5k/50k p50 <= 25 ms.

Two traffic shapes on the default network: a checkout's day (orders spread over 24 hours,
so the same first departures recur and the promise engine's per-departure results are
reused, as they are in service) and a cold year (orders spread over 365 days, nothing
reused across orders).

With `--promise-model M.json` (`glocal promise calibrate HISTORY --model M.json`), every
quote is given that learned model, as a server serves it: options on the lanes it knows
are promised by it, the others by the schedule engine.

    .venv/bin/python bench/quote.py [--n 10000] [--promise-model M.json]

`--capacity`: quotes as the server makes them, over the capacity state (each option's
capacitated departures found and checked for room, full ones excluded, and a bid price
of 1 minor unit per kg and 100 per m3 on each of them, so the opportunity cost is
computed and ranked on every option; `--pricing surcharge|hide` applies that policy
too): compare with a run without it for the cost of capacity-aware checkout.
`--default-only` skips the generated network.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

import routing
from bench.orders import random_orders
from bench.synthetic import COUNTRIES, synthetic_network
from routing.capacity import CapacityLimits
from routing.capacity.bidprices import BidPrices
from routing.capacity.state import CapacityView
from routing.network import Network, load_network
from routing.orders import parse_order
from routing.promise.checked import checked_model
from routing.promise.served import ServedModel, model_id_of, network_lanes
from routing.quote import quote


def parsed_model(text: bytes, source: str) -> ServedModel:
    document = json.loads(text)
    return ServedModel(model_id_of(document), checked_model(document, source))


def run(
    network: Network,
    documents: list[dict],
    learned: ServedModel | None = None,
    capacity: CapacityView | None = None,
) -> tuple[list[float], Counter]:
    orders = [parse_order(d) for d in documents]
    quote(
        orders[0], network, learned=learned
    )  # load rules, rates, calendars once, as a server does at start
    gc.freeze()  # and, as `glocal serve` does, keep that start-up heap out of the collector
    timings: list[float] = []
    outcome: Counter[str] = Counter()
    for order in orders:
        started = time.perf_counter()
        q = quote(order, network, learned=learned, capacity=capacity)
        timings.append((time.perf_counter() - started) * 1000)
        outcome["with options" if q.options else "no option"] += 1
        outcome["options"] += len(q.options)
        outcome["learned"] += sum(o.promise.source == "learned" for o in q.options)
    return timings, outcome


def paired(
    network: Network, documents: list[dict], views: dict[str, CapacityView | None]
) -> dict[str, list[float]]:
    """Each order quoted under every view in turn (the order of the views rotating from
    one order to the next), so a busy machine slows them alike: ms per view."""
    orders = [parse_order(d) for d in documents]
    for view in views.values():
        quote(orders[0], network, capacity=view)
    gc.freeze()
    names = list(views)
    out: dict[str, list[float]] = {n: [] for n in names}
    for i, order in enumerate(orders):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            started = time.perf_counter()
            quote(order, network, capacity=views[name])
            out[name].append((time.perf_counter() - started) * 1000)
    return out


def report(name: str, timings: list[float], outcome: Counter, p50: float, p99: float) -> None:
    q = statistics.quantiles(timings, n=100)
    print(
        f"{name}: {len(timings)} quotes, p50 {q[49]:.2f} ms (target <= {p50}), "
        f"p99 {q[98]:.2f} ms (target <= {p99}), mean {statistics.fmean(timings):.2f} ms; "
        f"{outcome['with options']} with options, {outcome['no option']} without, "
        f"{outcome['options'] / len(timings):.1f} options per quote, "
        f"{outcome['learned'] / max(outcome['options'], 1):.0%} of them promised by the model"
    )


def synthetic_orders(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    at = datetime(2026, 11, 26, 9, tzinfo=UTC)
    orders = []
    for i in range(n):
        weight = round(min(max(rng.lognormvariate(-0.7, 0.8), 0.05), 25), 3)
        orders.append({
            "order_id": f"s{i}", "origin": f"CN-W{rng.randrange(1000):04d}-WAR",
            "destination": {"country": rng.choice(COUNTRIES),
                            "postal_code": f"{rng.randrange(37):02d}{rng.randrange(1000):03d}"},
            "parcels": [{"weight_kg": weight, "length_cm": 30, "width_cm": 20, "height_cm": 10}],
            "items": [{"description": "x", "hs_code": "392410", "category": "home",
                       "quantity": 1, "unit_value": {"amount": "20.00", "currency": "EUR"}}],
            "created_at": at.isoformat(),
        })  # fmt: skip
    return orders


def search_only(network: Network, documents: list[dict]) -> list[float]:
    """The generated network has no customs data for its 40 markets: time the search part
    of a quote there (lane vectors + Pareto search), the part that grows with the network."""
    from routing.fx import load_fx
    from routing.quote.order_lanes import order_lanes
    from routing.quote.search import pareto_routes

    fx, net = load_fx(), network.compiled
    timings = []
    for d in documents:
        order = parse_order(d)
        started = time.perf_counter()
        lanes = order_lanes(net, order, fx, order.created_at.date())
        pareto_routes(net, net.node_index[order.origin], lanes)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


class EveryDeparture(dict):
    """Bid prices on every departure (1 minor unit per kg, 100 per m3)."""

    def get(self, key, default=None):  # type: ignore[no-untyped-def, override]
        return (1.0, 100.0)


def capacity_view(world: Network, pricing: str = "rank") -> CapacityView:
    bids = BidPrices("bench", "EUR", EveryDeparture())
    return CapacityView(CapacityLimits(world.compiled), bid_prices=bids, pricing=pricing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--synthetic-n", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--promise-model", type=Path, help="a learned promise model to serve")
    parser.add_argument("--capacity", action="store_true", help="quote over capacity state")
    parser.add_argument(
        "--pricing", choices=("rank", "surcharge", "hide"), default="rank", help="with --capacity"
    )
    parser.add_argument(
        "--paired",
        action="store_true",
        help="each order quoted without capacity and under rank, surcharge and hide in "
        "turn: p50 and mean per policy, and the median of each order's ratio to off",
    )
    parser.add_argument(
        "--default-only", action="store_true", help="skip the generated 5k/50k network"
    )
    args = parser.parse_args()
    print(f"quote engine: {routing.build()}")
    learned = None
    world = load_network()
    if args.promise_model:
        learned = parsed_model(args.promise_model.read_bytes(), str(args.promise_model))
        started = time.perf_counter()
        keys = learned.warm(network_lanes(world))
        print(
            f"learned promise model {learned.model_id}: {keys} lane keys computed in "
            f"{time.perf_counter() - started:.2f} s (a server does it once per model)"
        )
    if args.paired:
        views = {"off": None, **{p: capacity_view(world, p) for p in ("rank", "surcharge", "hide")}}
        for label, hours in (("a checkout's day", 24), ("cold (a year)", 24 * 365)):
            n = args.n if hours == 24 else args.n // 5
            ms = paired(world, random_orders(n, args.seed + (hours > 24), hours), views)
            for name, t in ms.items():
                ratio = statistics.median(a / b for a, b in zip(t, ms["off"], strict=True))
                print(
                    f"{label}, {name}: p50 {statistics.median(t):.3f} ms, mean "
                    f"{statistics.fmean(t):.3f} ms, median ratio to off {ratio:.3f}"
                )
        return
    view = capacity_view(world, args.pricing) if args.capacity else None
    print(f"capacity: {'on, ' + args.pricing if view else 'off'}")
    day = random_orders(args.n, args.seed)
    report("default network, a checkout's day", *run(world, day, learned, view), 2, 10)
    report(
        "default network, cold (a year)",
        *run(world, random_orders(args.n // 5, args.seed + 1, 24 * 365), learned, view),
        2,
        10,
    )
    if args.default_only:
        return
    big = synthetic_network()
    print(f"generated network: {len(big.nodes)} nodes, {len(big.services)} services")
    timings = search_only(big, synthetic_orders(args.synthetic_n, args.seed))
    q = statistics.quantiles(timings, n=100)
    print(
        f"generated 5k/50k, route search per order: p50 {q[49]:.2f} ms (target <= 25), "
        f"p99 {q[98]:.2f} ms"
    )


if __name__ == "__main__":
    main()
