"""routing/checkout/arrivals.py: the buyers of a simulated week and the capacity they meet."""

from __future__ import annotations

import pytest

from routing.checkout.arrivals import SIZED_FOR, peak_arrivals, scaled_limits
from routing.network import Network
from routing.orders import Incoterm
from routing.plan.sample import sample_orders


def test_buyers_arrive_in_order_as_the_samples_ddp_orders_in_euro() -> None:
    week = peak_arrivals("peak", seed=3, arrivals=260)
    assert len(week) == 260  # 140 orders an ordinary week x 13/7
    assert week.scale == pytest.approx(140 / SIZED_FOR)
    times = [o.created_at for o in week.orders]
    assert times == sorted(times)
    assert {(o.incoterm, o.currency) for o in week.orders} == {(Incoterm.DDP, "EUR")}
    sample = sample_orders(140, seed=3, profile="peak")
    assert sorted(o.order_id for o in week.orders) == sorted(sample["order_id"])
    first = sample.set_index("order_id").loc[week.orders[0].order_id]
    assert week.orders[0].weight_kg == pytest.approx(float(first["weight_kg"]))
    assert week.orders[0].destination.country == first["dest_country"]


def test_capacity_is_scaled_with_the_buyers(default_world: Network) -> None:
    net = default_world.compiled
    limits = scaled_limits(default_world, 0.25)
    capped = [k for k, s in enumerate(net.services) if s.capacity.kg is not None]
    assert capped
    for k in capped[:10]:
        kg, _ = limits.of(k, 20_600)
        assert kg == pytest.approx(net.services[k].capacity.kg * 0.25)
    free = next(
        k for k, s in enumerate(net.services) if s.capacity.kg is None and s.capacity.m3 is None
    )
    assert limits.of(free, 20_600) == (float("inf"), float("inf"))
