"""api/capacity.py: the server's capacity board over a real store: limits from the
capacity file, what is sold re-read whole, a departure as a booking takes it, loads
rounded up to whole grams and cm3, and what a quote's options take."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from api.capacity import CapacityBoard, bookable_json, cm3, grams
from api.store import ShipmentStore, Store
from routing.network import load_network
from routing.orders import parse_order
from routing.quote import quote
from tests.api.live import TINY, tiny_order
from tests.api.store.test_bookings import shipment

DAY = date(2026, 12, 1)


def test_the_board_reads_limits_and_what_is_sold(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    store.upgrade()
    capacity = tmp_path / "capacity.csv"
    capacity.write_text("service_id,departure_date,kg,m3\nskyline-pvg-mad,,2.5,\n")
    network = load_network(TINY)
    shipments = ShipmentStore(store)
    board = CapacityBoard(network, shipments, capacity)
    take = board.take("skyline-pvg-mad", DAY)
    assert (take.capacity_g, take.capacity_cm3) == (2500, None)
    assert board.take("feeder-yiw-pvg", DAY).capacity_g is None
    before = board.view
    shipments.book(shipment(1, g=1000, cm3=0), [take])
    board.refresh()
    assert board.view is not before  # swapped whole
    k = network.compiled.service_index["skyline-pvg-mad"]
    assert board.view.remaining(k, DAY) == (1.5, float("inf"))
    store.dispose()


def test_loads_round_up_and_options_say_what_they_take() -> None:
    assert (grams(0.8), grams(0.0001), cm3(0.006), cm3(0.0)) == (800, 1, 6000, 0)
    network = load_network(TINY)
    order = parse_order(tiny_order())
    found = quote(order, network)
    until = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    import json

    taken = json.loads(bookable_json(found, order, until))
    assert taken["valid_until"] == until.isoformat() and taken["kg"] == 0.8
    first = found.options[0]
    assert taken["options"][first.option_id] == {
        "total": first.total.text, "currency": "EUR", "departures": [],
        "surcharge": 0, "shipping": first.shipping.amount,
    }  # fmt: skip
    assert taken["snapshot"] is None


def test_the_latest_bid_price_snapshot_is_loaded_whole(tmp_path: Path) -> None:
    """The board's view carries the snapshot of GLOCAL_BIDPRICE_FILE, and the next one
    once a publisher renamed a new file into place."""
    from routing.capacity.bidprices import BidPrices, write_bid_prices

    store = Store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    store.upgrade()
    path = tmp_path / "bids.json"
    write_bid_prices(path, BidPrices("bp_1", "EUR", {("skyline-pvg-mad", DAY): (10.0, 0.0)}))
    board = CapacityBoard(load_network(TINY), ShipmentStore(store), None, path)
    board.refresh()
    assert board.view.bid_prices is not None and board.view.bid_prices.snapshot_id == "bp_1"
    write_bid_prices(path, BidPrices("bp_2", "EUR", {}))
    import os

    os.utime(path, (1, 1))  # a new mtime, whatever the clock's resolution
    board.refresh()
    assert board.view.bid_prices.snapshot_id == "bp_2"
    found = quote(parse_order(tiny_order()), load_network(TINY), capacity=board.view)
    assert found.capacity_snapshot == "bp_2"
    store.dispose()
