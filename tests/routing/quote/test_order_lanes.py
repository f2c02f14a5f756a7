"""routing/quote/order_lanes.py: what one order makes of every lane (cost, permission,
target, reasons), worked out by hand on the tiny world at the customs world's round rates."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from carriers.pricing import price_parcel
from routing.cache import Lru
from routing.fx import FxRates, read_fx
from routing.network import Network, load_network
from routing.network.lanes import BLOCKS
from routing.orders import parse_order
from routing.quote.order_lanes import (
    NOT_PRICEABLE_BIT,
    VALUE_BIT,
    OrderLanes,
    order_lanes,
    reasons,
)
from tests.helpers import DATA

DAY = date(2026, 11, 26)
# tiny, compiled: 0 skyline-pvg-mad (air, EUR, clears b2b_hub), 1 feeder-yiw-pvg (CNY),
# 2 lastmile-es-courier, 3 lastmile-es-postal (ES but 35/38/51/52), 4 lastmile-pt-road
ORDER: dict[str, Any] = {
    "order_id": "A1",
    "origin": "CN-YIW-WH",
    "destination": {"country": "ES", "postal_code": "28013"},
    "parcels": [{"weight_kg": 1.2, "length_cm": 30, "width_cm": 20, "height_cm": 10}],
    "items": [
        {
            "description": "speaker",
            "hs_code": "851822",
            "category": "electronics",
            "unit_value": {"amount": "20.00", "currency": "EUR"},
        }
    ],
    "created_at": "2026-11-26T10:00:00+08:00",
}


@pytest.fixture(scope="module")
def fx() -> FxRates:
    """Round rates: EUR 1 = CNY 8 = USD 1.25."""
    return read_fx(DATA / "customs_world" / "fx.csv")


def lanes_of(
    network: Network, fx: FxRates, memo: Lru[Any] | None = None, **changes: Any
) -> OrderLanes:
    data = {**copy.deepcopy(ORDER), **changes}
    return order_lanes(network.compiled, parse_order(data), fx, DAY, memo)


def test_one_parcel_to_madrid_on_paper(tiny: Network, fx: FxRates) -> None:
    """1.2 kg, 30x20x10 cm. Air: 6,000 cm3 / 6000 = 1 kg < 1.2 kg, rounded up to 1.5 kg:
    EUR 1 + 6 x 1.5 = 10.00. Feeder: CNY 2 + 1 x 1.2 = 3.20, EUR 0.40 to rank. Last miles:
    EUR 4 + 0.5 x 1.2 = 4.60. The Portuguese last mile is neither priced nor allowed."""
    lanes = lanes_of(tiny, fx)
    assert lanes.prices.tolist() == [1000, 320, 460, 460, 0]
    assert lanes.cost.tolist() == [1000.0, 40.0, 460.0, 460.0, 0.0]
    assert lanes.target.tolist() == [False, False, True, True, False]
    assert lanes.allowed.tolist() == [True, True, True, True, False]
    assert lanes.blocks.tolist() == [0, 0, 0, 0, 0]
    assert lanes.group.tolist() == [3, -1, -1, -1, -1] and lanes.days is tiny.compiled.search_days


def test_the_target_follows_the_postal_code(tiny: Network, fx: FxRates) -> None:
    """Las Palmas (35001): only the courier delivers there. Lisbon: only the Portuguese
    last mile, and the Spanish ones are not allowed."""
    canary = lanes_of(tiny, fx, destination={"country": "ES", "postal_code": "35001"})
    assert canary.target.tolist() == [False, False, True, False, False]
    lisbon = lanes_of(tiny, fx, destination={"country": "PT", "postal_code": "1000-001"})
    assert lisbon.target.tolist() == [False, False, False, False, True]
    assert lisbon.allowed.tolist() == [True, True, False, False, True]


def test_each_parcels_charges_are_what_price_parcel_says(tiny: Network, fx: FxRates) -> None:
    """Two parcels: each priced lane's charges are both parcels' itemised charges from the
    card, and its price is their sum."""
    parcels = [
        ORDER["parcels"][0],
        {"weight_kg": 3.0, "length_cm": 10, "width_cm": 10, "height_cm": 10},
    ]
    lanes = lanes_of(tiny, fx, parcels=parcels)
    services = tiny.compiled.services
    for k in range(4):
        card = services[k].rate_card
        expected = [
            c
            for p in parcels
            for c in price_parcel(
                card,
                p["weight_kg"],
                (p["length_cm"], p["width_cm"], p["height_cm"]),
                "ES",
                "28013",
            )
        ]
        assert lanes.charges(k, card.currency) == expected
        assert lanes.prices[k] == sum(c.amount.amount for c in expected)
    assert lanes.prices.tolist() == [1000 + 1600, 320 + 500, 460 + 550, 460 + 550, 0]


def test_loose_batteries_block_every_lane_that_takes_in_equipment_only(
    tiny: Network, fx: FxRates
) -> None:
    """No tiny lane takes loose batteries: each lane toward Spain says `battery`, none is
    allowed; the Portuguese lane, not checked, says nothing."""
    items = [{**ORDER["items"][0], "battery": "loose"}]
    lanes = lanes_of(tiny, fx, items=items)
    assert [reasons(int(m)) for m in lanes.blocks] == [["battery"]] * 4 + [[]]
    assert not lanes.allowed.any()


def test_a_parcel_no_card_can_price_is_not_priceable(tiny: Network, fx: FxRates) -> None:
    """40 kg is over every card's 30 kg tier: `not_priceable`, priced at 0, not allowed."""
    parcels = [{**ORDER["parcels"][0], "weight_kg": 40}]
    lanes = lanes_of(tiny, fx, parcels=parcels)
    assert [reasons(int(m)) for m in lanes.blocks] == [["not_priceable"]] * 4 + [[]]
    assert lanes.prices.tolist() == [0] * 5 and not lanes.allowed.any()


def capped_world(root: Path) -> Network:
    """The tiny world at `root` with a EUR 150 declared-value ceiling on the Spanish courier."""
    lastmile = root / "carriers" / "lastmile.toml"
    courier = 'coverage = [{ country = "ES", postal_prefixes = [""] }]'
    text = lastmile.read_text()
    assert courier in text
    lastmile.write_text(
        text.replace(courier, courier + '\nrestrictions = { max_value = "150 EUR" }')
    )
    return load_network(root)


def test_a_value_ceiling_is_compared_in_its_own_currency(tiny_copy: Path, fx: FxRates) -> None:
    """Goods of EUR 200 are over the courier's EUR 150 ceiling (`over_value_limit`); USD
    150 of goods are EUR 120 at 1.25, under it."""
    network = capped_world(tiny_copy)
    k = network.compiled.service_index["lastmile-es-courier"]
    dear = lanes_of(
        network,
        fx,
        items=[{**ORDER["items"][0], "unit_value": {"amount": "200", "currency": "EUR"}}],
    )
    assert reasons(int(dear.blocks[k])) == ["over_value_limit"] and not dear.allowed[k]
    cheap = lanes_of(
        network,
        fx,
        items=[{**ORDER["items"][0], "unit_value": {"amount": "150", "currency": "USD"}}],
    )
    assert cheap.blocks[k] == 0 and cheap.allowed[k]


def test_reasons_read_every_bit_of_a_mask() -> None:
    """The lane blocks' codes in order, then the value and pricing bits."""
    assert reasons(0) == []
    every = (1 << len(BLOCKS)) - 1
    assert reasons(every | VALUE_BIT | NOT_PRICEABLE_BIT) == [
        *BLOCKS,
        "over_value_limit",
        "not_priceable",
    ]
    assert reasons(VALUE_BIT) == ["over_value_limit"]


def test_a_memo_changes_the_time_not_the_answer(tiny: Network, fx: FxRates) -> None:
    """Orders to the same destination share what the memo keeps, read-only; every vector
    is what it is without a memo."""
    memo: Lru[Any] = Lru(16)
    first = lanes_of(tiny, fx, memo)
    heavier = {**ORDER["parcels"][0], "weight_kg": 2.5}
    second = lanes_of(tiny, fx, memo, parcels=[heavier])
    assert second.target is first.target  # the destination was kept
    with pytest.raises(ValueError):
        second.target[0] = True
    alone = lanes_of(tiny, fx, parcels=[heavier])
    for name in ("cost", "allowed", "target", "blocks", "prices"):
        assert np.array_equal(getattr(second, name), getattr(alone, name)), name
