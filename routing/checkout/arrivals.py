"""The buyers of a simulated week and the capacity they meet.

The buyers are the orders of `glocal sample-orders` for the profile (the planner's
sample: markets, goods, weights, service levels), taken in the order they are created.
The default world's booked capacity is sized for 100,000 orders of an ordinary week
(routing/plan/sample.py), so a sample of fewer orders meets every capacitated departure
scaled by the same factor (`SIZED_FOR` orders of the profile's week -> the sample's): the
stress per buyer, not the absolute figures, is what a smaller run keeps. Spot caps are
scaled alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from routing.capacity import CapacityLimits, Override
from routing.network import CompiledNetwork, Network
from routing.orders import Order, parse_order
from routing.plan.sample import demand, sample_orders

SIZED_FOR = 100_000  # orders of an ordinary week the default world's capacity is booked for


@dataclass(frozen=True)
class Arrivals:
    orders: tuple[Order, ...]  # in the order their buyers arrive
    scale: float  # capacity and spot caps, as a share of the default world's

    def __len__(self) -> int:
        return len(self.orders)


def peak_arrivals(profile: str, seed: int, arrivals: int, start: date | None = None) -> Arrivals:
    """About `arrivals` buyers of the profile's week (the sample's base volume is rounded),
    their orders DDP and priced in EUR, with the capacity scale that keeps the week's
    stress."""
    shape = demand(profile, start)
    week = round(arrivals * 7 / sum(shape.weight))
    frame = sample_orders(week, seed=seed, start=start, profile=profile)
    orders = sorted(
        (order_of(row) for row in frame.itertuples(index=False)),
        key=lambda o: (o.created_at, o.order_id),  # the instant, whatever its offset
    )
    return Arrivals(tuple(orders), week / SIZED_FOR)


def order_of(row: Any) -> Order:
    """A row of the orders table (a named tuple of `itertuples`) as the order its checkout
    sends: DDP (duties and taxes paid at checkout, as the planner's table assumes), quoted
    in EUR so that every figure of the simulation adds up in one currency."""
    sizes = {f"{k}_cm": float(getattr(row, f"{k}_cm")) for k in ("length", "width", "height")}
    item = {
        "description": row.category,
        "hs_code": row.hs_code,
        "category": row.category,
        "unit_value": {"amount": row.value, "currency": row.currency},
        "battery": row.battery,
        "liquid": row.liquid == "true",
    }
    return parse_order(
        {
            "order_id": row.order_id,
            "origin": row.origin,
            "destination": {"country": row.dest_country, "postal_code": row.dest_postal_code},
            "parcels": [{"weight_kg": float(row.weight_kg), **sizes}],
            "items": [item],
            "created_at": row.created_at,
            "deliver_by": row.deliver_by or None,
            "incoterm": "DDP",
            "currency": "EUR",
        }
    )


def scaled_limits(network: Network, scale: float) -> CapacityLimits:
    """Every capacitated service's capacity per departure times `scale`."""
    net = network.compiled
    return CapacityLimits(net, [_scaled(net, k, scale) for k in capacitated(net)])


def capacitated(net: CompiledNetwork) -> list[int]:
    return [
        k
        for k, s in enumerate(net.services)
        if s.capacity.kg is not None or s.capacity.m3 is not None
    ]


def _scaled(net: CompiledNetwork, k: int, scale: float) -> Override:
    cap = net.services[k].capacity
    kg = None if cap.kg is None else cap.kg * scale
    m3 = None if cap.m3 is None else cap.m3 * scale
    return Override(k, None, kg, m3)
