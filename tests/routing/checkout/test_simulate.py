"""routing/checkout/simulate.py: a small peak week on the default world under each policy."""

from __future__ import annotations

import pytest

from carriers.errors import InvalidPlanInput
from routing.checkout.simulate import Settings, simulate
from routing.network import Network

SMALL = Settings(arrivals=300, resolve_every=100)


@pytest.fixture(scope="module")
def runs(default_world: Network) -> dict:
    return {p: simulate(default_world, SMALL, p) for p in ("fcfs", "bid-price", "hindsight")}


def test_hindsight_bounds_both_online_policies(runs) -> None:
    assert runs["hindsight"].cost <= runs["fcfs"].cost + 1e-6
    assert runs["hindsight"].cost <= runs["bid-price"].cost + 1e-6
    for r in runs.values():
        assert r.cost == pytest.approx(sum(r.parts.values()))
        assert 0 <= r.on_time_share <= 1 and 0 <= r.spot_share <= 1


def test_no_departure_is_sold_past_its_capacity(runs) -> None:
    """The week is tight (the peak meets capacity sized for an ordinary week), so
    departures fill up, and none goes over."""
    for policy in ("fcfs", "bid-price"):
        assert 0.95 < runs[policy].max_fill <= 1.0 + 1e-9
    assert runs["fcfs"].spot_share > 0


def test_the_bid_price_policy_re_solves_every_n_arrivals(runs) -> None:
    every = SMALL.every
    assert runs["bid-price"].resolves == -(-runs["fcfs"].arrivals // every)  # at 0, 100, ...
    assert runs["fcfs"].resolves == 0


def test_a_run_is_repeatable(default_world: Network, runs) -> None:
    again = simulate(default_world, SMALL, "fcfs")
    assert again.as_json() | {"seconds": 0} == runs["fcfs"].as_json() | {"seconds": 0}


def test_with_room_to_spare_bid_prices_change_nothing(default_world: Network) -> None:
    """Capacity 50x the default world's per buyer: no departure binds, every bid price is
    0, and the buyers (the same draws) choose as under fcfs."""
    ample = Settings(arrivals=150, resolve_every=50, capacity=50.0)
    fcfs = simulate(default_world, ample, "fcfs")
    bid = simulate(default_world, ample, "bid-price")
    assert fcfs.spot_share == 0 and fcfs.max_fill < 0.5
    assert bid.cost == pytest.approx(fcfs.cost) and bid.on_time_share == fcfs.on_time_share


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pricing": "free"}, "pricing"),
        ({"arrivals": 0}, "arrivals"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_bad_settings_name_their_field(changes, field) -> None:
    with pytest.raises(InvalidPlanInput, match=field):
        Settings(**changes)


def test_an_unknown_policy_is_named(default_world: Network) -> None:
    with pytest.raises(InvalidPlanInput, match="policy must be one of fcfs, bid-price, hindsight"):
        simulate(default_world, SMALL, "lottery")
