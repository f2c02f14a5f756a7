"""routing/orders/model.py: an order's records and what they derive (weight, volume, value,
the strictest battery), and their journey by pickle to the planner's workers."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers.model import BatteryClass, GoodsCategory
from carriers.money import Money
from routing.orders import Address, Item, Order, Parcel, parse_order
from tests.routing.orders.conftest import GOOD


def test_an_order_travels_by_pickle_whole() -> None:
    """Plan blocks carry orders to Dask workers; compiled, an order's frozen classes are
    pickled by their fields (copyreg): every part comes back equal, and still frozen."""
    order = parse_order({**GOOD, "buyer": {"tax_id": "X1"}, "incoterm": "DDP", "locale": "es-ES"})
    for back in (pickle.loads(pickle.dumps(order)), copy.deepcopy(order)):
        assert back == order and back.items[0].unit_value == order.items[0].unit_value
        assert back.destination == order.destination and back.buyer == order.buyer
        with pytest.raises(dataclasses.FrozenInstanceError):
            back.order_id = "B2"  # type: ignore[misc]


def item(
    amount: int = 1000,
    quantity: int = 1,
    battery: BatteryClass = BatteryClass.NONE,
    liquid: bool = False,
    category: GoodsCategory = GoodsCategory.GENERAL,
    currency: str = "EUR",
) -> Item:
    return Item("thing", "851822", category, quantity, Money(amount, currency), battery, liquid)


def order(parcels: tuple[Parcel, ...], items: tuple[Item, ...]) -> Order:
    when = datetime(2026, 11, 26, 10, tzinfo=UTC)
    return Order("A1", "CN-YIW-WH", Address("ES", "28013"), parcels, items, when)


def test_a_parcel_in_kg_and_cm() -> None:
    """30 x 20 x 10 cm is 6,000 cm3, 0.006 m3; its sides in the order written."""
    parcel = Parcel(1.2, 30, 20, 10)
    assert parcel.dims_cm == (30, 20, 10)
    assert parcel.volume_m3 == pytest.approx(0.006)


def test_an_items_value_is_its_unit_value_times_its_quantity() -> None:
    """Three units at USD 12.34 are USD 37.02, in minor units."""
    assert item(1234, quantity=3, currency="USD").value == Money(3702, "USD")


def test_an_orders_weight_is_its_parcels_weights() -> None:
    """1.2 + 0.3 + 2.5 kg is 4.0 kg."""
    parcels = (Parcel(1.2, 1, 1, 1), Parcel(0.3, 1, 1, 1), Parcel(2.5, 1, 1, 1))
    assert order(parcels, (item(),)).weight_kg == pytest.approx(4.0)


@given(st.lists(st.sampled_from(list(BatteryClass)), max_size=5))
def test_an_orders_battery_is_its_strictest_items(batteries: list[BatteryClass]) -> None:
    """Loose beats in-equipment beats none, whatever the items' order; no items, none."""
    found = order((Parcel(1, 1, 1, 1),), tuple(item(battery=b) for b in batteries)).battery
    expected = max(batteries, key=lambda b: b.rank, default=BatteryClass.NONE)
    assert found is expected
    assert found.rank == max((b.rank for b in batteries), default=0)


def test_liquids_and_categories_come_from_every_item() -> None:
    """One liquid among dry goods makes the order liquid; categories are all items' ones,
    and the goods are valued in the items' currency."""
    items = (
        item(category=GoodsCategory.TOYS, currency="USD"),
        item(category=GoodsCategory.COSMETICS, liquid=True, currency="USD"),
        item(category=GoodsCategory.TOYS, currency="USD"),
    )
    o = order((Parcel(1, 1, 1, 1),), items)
    assert o.has_liquid and not order((Parcel(1, 1, 1, 1),), items[:1]).has_liquid
    assert o.categories == {GoodsCategory.TOYS, GoodsCategory.COSMETICS}
    assert o.goods_currency == "USD"


def test_every_record_of_an_order_pickles_by_its_fields() -> None:
    """Each record of an order, pickled alone, comes back equal (the copyreg registration
    covers each class, not only the Order that holds them)."""
    o = parse_order({**GOOD, "seller": {"ioss_registered": True}})
    for part in (o, o.destination, o.parcels[0], o.items[0], o.buyer, o.seller):
        assert pickle.loads(pickle.dumps(part)) == part
