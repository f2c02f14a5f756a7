"""api/store/bookings.py: shipments take capacity on their departures atomically, on a
real SQLite file and, when configured, a real PostgreSQL: never more than the capacity,
even when many bookings race for the last room; a cancellation gives it back once; an
idempotency key books once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from api.store import CapacityExhausted, Shipment, ShipmentStore, Store, Take

DAY = date(2026, 12, 1)
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def shipment(n: int, g: int = 1000, cm3: int = 0, idempotency_key: str | None = None) -> Shipment:
    return Shipment(
        shipment_id=f"s_{n}",
        key_id="k1",
        quote_id="q_1",
        option_id="r#DDP",
        idempotency_key=idempotency_key,
        request_hash="h",
        state="booked",
        created_at=NOW,
        cancelled_at=None,
        load_g=g,
        load_cm3=cm3,
        departures=(("air", DAY),),
        body="{}",
    )


def test_fifty_concurrent_bookings_for_the_last_ten_slots(store: Store) -> None:
    """A departure with room for 12 parcels, 2 sold: 50 bookings at once, from 16
    threads on their own connections, sell exactly the last 10 and the rest are told
    the departure is full."""
    shipments = ShipmentStore(store)
    take = Take("air", DAY, capacity_g=12_000, capacity_cm3=None)
    for n in range(2):
        shipments.book(shipment(1000 + n), [take])

    def book(n: int) -> bool:
        try:
            shipments.book(shipment(n), [take])
            return True
        except CapacityExhausted:
            return False

    with ThreadPoolExecutor(16) as pool:
        won = list(pool.map(book, range(50)))
    assert sum(won) == 10
    [row] = shipments.departures()
    assert (row.sold_g, row.capacity_g) == (12_000, 12_000)


def test_a_full_dimension_refuses_and_takes_nothing(store: Store) -> None:
    """Volume binds though weight has room; a refused booking leaves no trace, on any of
    its departures."""
    shipments = ShipmentStore(store)
    ok = Take("air", DAY, capacity_g=None, capacity_cm3=5000)
    full = Take("sea", DAY, capacity_g=10**9, capacity_cm3=3000)
    shipments.book(shipment(1, cm3=3000), [Take("sea", DAY, None, 3000)])
    with pytest.raises(CapacityExhausted) as refused:
        shipments.book(
            replace(shipment(2, cm3=1000), departures=(("air", DAY), ("sea", DAY))), [ok, full]
        )
    assert refused.value.service == "sea"
    assert shipments.get("s_2") is None
    sold = {r.service: r.sold_cm3 for r in shipments.departures()}
    assert sold == {"sea": 3000}  # not even the row of the departure it had room on


def test_cancel_gives_the_capacity_back_once(store: Store) -> None:
    shipments = ShipmentStore(store)
    take = Take("air", DAY, capacity_g=1000, capacity_cm3=None)
    shipments.book(shipment(1), [take])
    with pytest.raises(CapacityExhausted):
        shipments.book(shipment(2), [take])
    first = shipments.cancel("s_1", NOW)
    again = shipments.cancel("s_1", NOW)
    assert first is not None and again is not None
    assert first.state == again.state == "cancelled"
    assert shipments.departures()[0].sold_g == 0
    assert shipments.cancel("s_nope") is None
    shipments.book(shipment(2), [take])  # the room is there again
    assert shipments.departures()[0].sold_g == 1000


def test_an_idempotency_key_books_once(store: Store) -> None:
    """The same key again, even at once from many threads, is the first shipment,
    taken once."""
    shipments = ShipmentStore(store)
    take = Take("air", DAY, capacity_g=100_000, capacity_cm3=None)
    with ThreadPoolExecutor(8) as pool:
        made = list(
            pool.map(lambda n: shipments.book(shipment(n, idempotency_key="k"), [take]), range(8))
        )
    assert sum(new for _, new in made) == 1
    assert len({s.shipment_id for s, _ in made}) == 1
    assert shipments.departures()[0].sold_g == 1000
