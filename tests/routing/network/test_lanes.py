"""Vectorised lane pricing equals the itemised pricing rules, and lane blocks say why."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import NotPriceable
from carriers.model import (
    BatteryClass,
    GoodsCategory,
    Mode,
    RateCard,
    Restrictions,
    Schedule,
    Service,
    TransitTime,
    WeightBreak,
    Zone,
)
from carriers.pricing import price_parcel
from routing.network.lanes import (
    NOT_PRICEABLE,
    block_codes,
    compile_lanes,
    lane_blocks,
    lane_charges,
)

SCHEDULE = Schedule(frozenset(range(7)), time(18), True)


@st.composite
def rate_cards(draw: st.DrawFn) -> RateCard:
    zoned = draw(st.booleans())
    zones = (Zone("a", "ES", ("",)), Zone("b", "ES", ("07", "35"))) if zoned else ()
    breaks = []
    for zone in ("a", "b") if zoned else ("",):
        ups = sorted(draw(st.sets(st.integers(1, 40), min_size=1, max_size=4)))
        breaks += [
            WeightBreak(up / 2, draw(st.integers(0, 2000)), draw(st.integers(0, 900)), zone)
            for up in ups
        ]
    return RateCard(
        id="card",
        currency="EUR",
        breaks=tuple(breaks),
        minimum_charge=draw(st.integers(0, 800)),
        rounding_kg=draw(st.sampled_from([0, 0.1, 0.5, 1])),
        volumetric_divisor=draw(st.sampled_from([None, 5000, 6000, 8000])),
        fuel_surcharge_pct=Decimal(draw(st.sampled_from(["0", "12.5", "24.75"]))),
        remote_area_surcharge=draw(st.sampled_from([0, 200])),
        remote_area_prefixes=("07",),
        oversize_surcharge=draw(st.sampled_from([0, 1500])),
        oversize_side_cm=draw(st.sampled_from([None, 60.0])),
        oversize_weight_kg=draw(st.sampled_from([None, 10.0])),
        zones=zones,
    )


def service(card: RateCard, i: int = 0, **restrictions: object) -> Service:
    return Service(
        id=f"s{i}",
        carrier="c",
        name="s",
        from_node="A",
        to_node="B",
        mode=Mode.AIR,
        rate_card=card,
        transit=TransitTime(1, 2, 3),
        schedule=SCHEDULE,
        restrictions=Restrictions(**restrictions),  # type: ignore[arg-type]
    )


@settings(max_examples=300, deadline=None)
@given(
    cards=st.lists(rate_cards(), min_size=1, max_size=5),
    weight=st.floats(0.01, 25),
    dims=st.tuples(st.floats(1, 90), st.floats(1, 60), st.floats(1, 50)),
    postal=st.sampled_from(["28013", "07001", "35001"]),
)
def test_vectorised_price_equals_itemised_price(
    cards: list[RateCard], weight: float, dims: tuple[float, float, float], postal: str
) -> None:
    """For any cards and parcel, lane_charges totals the sum of price_parcel's charges
    and itemises them exactly as price_parcel does."""
    services = [service(replace(c, id=f"c{i}"), i) for i, c in enumerate(cards)]
    table = compile_lanes(services)
    parts = lane_charges(table, services, weight, dims, "ES", postal)
    got = parts.total
    for i, s in enumerate(services):
        try:
            charges = price_parcel(s.rate_card, weight, dims, "ES", postal)
        except NotPriceable:
            assert got[i] == NOT_PRICEABLE and not parts.found[i]
            continue
        assert got[i] == sum(c.amount.amount for c in charges)
        assert parts.itemised(i, s.rate_card.currency) == charges


def test_blocks_name_each_restriction() -> None:
    """Each limit a parcel breaks sets its own reason; an unrestricted lane sets none."""
    card = RateCard(id="c", currency="EUR", breaks=(WeightBreak(30, 100, 0),))
    services = [
        service(card, 0),
        service(
            card,
            1,
            max_weight_kg=2.0,
            max_side_cm=60.0,
            liquids=False,
            max_battery=BatteryClass.NONE,
            forbidden_categories=frozenset({GoodsCategory.COSMETICS}),
        ),
    ]
    blocks = lane_blocks(
        compile_lanes(services),
        3.0,
        (70, 10, 10),
        BatteryClass.IN_EQUIPMENT,
        True,
        frozenset({GoodsCategory.COSMETICS}),
    )
    assert block_codes(int(blocks[0])) == []
    assert block_codes(int(blocks[1])) == [
        "over_weight_limit",
        "over_size_limit",
        "battery",
        "liquid",
        "category",
    ]
