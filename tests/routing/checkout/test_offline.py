"""routing/checkout/offline.py: the offline LP over buyers' options, checked on cases
worked out on paper."""

from __future__ import annotations

import math
from datetime import date

import pytest

from routing.checkout.offline import Choice, Menu, Room, bid_prices, solve_offline

RAIL = ("rail", date(2026, 11, 10))
PENALTY = 100.0


def room(kg: float, spot: tuple[float, float] | None = None, spot_kg: float = math.inf) -> Room:
    """One capacitated departure, RAIL, with `kg` left (m3 not limited)."""
    return Room(lambda key: (kg, math.inf), lambda key: spot_kg, lambda key: spot)


# Two orders of 1 kg. The flexible one takes rail at 10 or a courier (no capacity) at 15;
# the other has only rail at 10, else it is unplanned at 100.
FLEXIBLE = Menu(1.0, 0.0, (Choice(10.0, (RAIL,)), Choice(15.0, ())))
CAPTIVE = Menu(1.0, 0.0, (Choice(10.0, (RAIL,)),))


def test_hindsight_gives_the_last_room_to_the_order_without_another_way() -> None:
    found = solve_offline([FLEXIBLE, CAPTIVE], room(1.0), PENALTY)
    assert found.objective == pytest.approx(25.0)  # courier 15 + rail 10
    assert found.taken.tolist() == [1, 0] and not found.spot.any()


def test_with_room_for_both_everyone_rides_rail_and_room_is_worth_nothing() -> None:
    found = solve_offline([FLEXIBLE, CAPTIVE], room(2.0), PENALTY)
    assert found.objective == pytest.approx(20.0)
    assert bid_prices([FLEXIBLE, CAPTIVE], room(2.5), PENALTY).room == {}


def test_a_bid_price_is_what_one_more_kg_saves() -> None:
    """With 1.5 kg, half the flexible order rides rail: one more kg moves the other half
    off the courier, saving 15 - 10 = 5. The +-5 % perturbations keep that regime."""
    prices = bid_prices([FLEXIBLE, CAPTIVE], room(1.5), PENALTY)
    assert prices.room[RAIL] == pytest.approx((5.0, 0.0))
    # with 0.5 kg, the captive order is half unplanned: a kg saves 100 - 10 = 90
    assert bid_prices([FLEXIBLE, CAPTIVE], room(0.5), PENALTY).room[RAIL][0] == pytest.approx(90)


def test_a_degenerate_price_is_the_mean_of_its_two_sides() -> None:
    """At exactly 1 kg the duals are anything in [5, 90]; the antithetic pair publishes
    the mean of the left and right derivatives."""
    price = bid_prices([FLEXIBLE, CAPTIVE], room(1.0), PENALTY).room[RAIL][0]
    assert price == pytest.approx((5.0 + 90.0) / 2)


def test_a_full_departure_moves_on_spot_where_that_beats_the_alternative() -> None:
    """No room at all; spot at 3 per chargeable kg: the captive order rides rail on spot
    (10 + 3), the flexible one too (13 < 15)."""
    found = solve_offline([FLEXIBLE, CAPTIVE], room(0.0, (3.0, 167.0)), PENALTY)
    assert found.objective == pytest.approx(26.0)
    assert found.taken.tolist() == [0, 0] and found.spot.all()
    # spot capped at 1 chargeable kg: the flexible order takes the courier
    capped = solve_offline([FLEXIBLE, CAPTIVE], room(0.0, (3.0, 167.0), 1.0), PENALTY)
    assert capped.objective == pytest.approx(28.0) and capped.taken.tolist() == [1, 0]
    # with 1.5 kg of spot, half the flexible order rides it: a kg more saves 15 - 13
    prices = bid_prices([FLEXIBLE, CAPTIVE], room(0.0, (3.0, 167.0), 1.5), PENALTY)
    assert prices.spot[RAIL] == pytest.approx(2.0)


def test_spot_is_charged_on_chargeable_weight() -> None:
    """A light, bulky order: 1 kg in 0.03 m3 counts 0.03 x 167 = 5.01 kg on air spot."""
    bulky = Menu(1.0, 0.03, (Choice(10.0, (RAIL,)),))
    found = solve_offline([bulky], room(0.0, (3.0, 167.0)), PENALTY)
    assert found.objective == pytest.approx(10.0 + 3.0 * 5.01)
