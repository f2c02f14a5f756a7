"""api/bookings.py: a booking of a stored quote over a real server (tests/api/routes/
test_bookings.py's, its air line-haul 2 kg a departure): an idempotent replay books once;
a quote's expires_at is honoured."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from api.settings import Settings
from tests.api.live import TINY, add_key, assert_problem, bearer, start_server
from tests.api.routes.test_bookings import api, quoted

__all__ = ["api"]  # the fixture


def test_an_idempotent_replay_books_once(api: tuple[httpx.Client, str]) -> None:
    client, database = api
    key = add_key(database, "quote", "book")
    quote = quoted(client, key)
    option_id = quote["options"][0]["option_id"]
    book = f"/v1/quotes/{quote['quote_id']}/book"
    headers = {**bearer(key), "Idempotency-Key": "order-1"}
    first = client.post(book, json={"option_id": option_id}, headers=headers)
    replay = client.post(book, json={"option_id": option_id}, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    other = client.post(
        book, json={"option_id": quote["options"][-1]["option_id"] + "x"}, headers=headers
    )
    assert_problem(other, 409, "idempotency_key_reused")
    shipment = client.get(first.headers["location"], headers=bearer(key)).json()
    assert shipment["kg"] == 0.8
    # booked once: a second 0.8 kg still fits under 2 kg, a third would not
    second = client.post(book, json={"option_id": option_id}, headers=bearer(key))
    assert second.status_code == 201
    assert_problem(
        client.post(book, json={"option_id": option_id}, headers=bearer(key)),
        409,
        "capacity_exhausted",
    )


def test_expires_at_is_honoured(database_url: str, tmp_path: Path) -> None:
    """A quote valid for half a second books within it and not after."""
    live = start_server(
        Settings(network=TINY, database_url=database_url, key_cache_seconds=0, quote_valid_s=0.5)
    )
    try:
        with httpx.Client(base_url=live.url, timeout=30) as client:
            key = add_key(database_url, "quote", "book")
            quote = quoted(client, key)
            option_id = quote["options"][0]["option_id"]
            book = f"/v1/quotes/{quote['quote_id']}/book"
            time.sleep(0.6)
            late = client.post(book, json={"option_id": option_id}, headers=bearer(key))
            assert_problem(late, 409, "quote_expired")
            fresh = quoted(client, key)
            ok = client.post(
                f"/v1/quotes/{fresh['quote_id']}/book",
                json={"option_id": option_id},
                headers=bearer(key),
            )
            assert ok.status_code == 201, ok.text
            assert ok.json()["departures"] == []  # the tiny network limits nothing itself
    finally:
        live.stop()


def test_surcharge_priced_quotes_and_a_moved_surcharge_is_price_changed(
    database_url: str, tmp_path: Path
) -> None:
    """GLOCAL_CAPACITY_PRICING=surcharge with a bid price on the air departure: the
    quote's option carries a "capacity surcharge" line in its total; a new snapshot with
    the same price books it at its price; one with twice the price makes the booking 409
    price_changed, naming the new surcharge."""
    from datetime import date

    from routing.capacity.bidprices import BidPrices, write_bid_prices
    from tests.api.routes.test_bookings import AIR

    capacity, bids = tmp_path / "capacity.csv", tmp_path / "bids.json"
    capacity.write_text(f"service_id,departure_date,kg,m3\n{AIR},,2,\n")
    settings = Settings(
        network=TINY,
        database_url=database_url,
        key_cache_seconds=0,
        capacity_file=capacity,
        bidprice_file=bids,
        capacity_pricing="surcharge",
        capacity_refresh_s=0.1,
    )

    def publish(snapshot_id: str, day: date, per_kg: float) -> None:
        write_bid_prices(bids, BidPrices(snapshot_id, "EUR", {(AIR, day): (per_kg, 0.0)}))

    write_bid_prices(bids, BidPrices("bp_0", "EUR", {}))
    live = start_server(settings)
    try:
        with httpx.Client(base_url=live.url, timeout=30) as client:
            key = add_key(database_url, "quote", "book")
            day = date.fromisoformat(quoted(client, key)["options"][0]["departures"][0]["date"])
            publish("bp_1", day, 50.0)  # 0.50 EUR a kg: 0.40 EUR on the 0.8 kg order
            time.sleep(0.5)
            quote = quoted(client, key)
            assert quote["capacity_snapshot"] == "bp_1"
            option = quote["options"][0]
            [line] = [c for c in option["charges"] if c["name"] == "capacity surcharge"]
            assert line["kind"] == "surcharge"
            book = f"/v1/quotes/{quote['quote_id']}/book"
            publish("bp_2", day, 50.0)  # a new snapshot, the same surcharge
            time.sleep(0.5)
            body = {"option_id": option["option_id"], "total": option["total"]}
            ok = client.post(book, json=body, headers=bearer(key))
            assert ok.status_code == 201, ok.text
            publish("bp_3", day, 100.0)
            time.sleep(0.5)
            moved = client.post(book, json=body, headers=bearer(key))
            assert_problem(moved, 409, "price_changed")
            assert "capacity surcharge is now" in moved.json()["detail"]
            assert "bp_3" in moved.json()["detail"]
    finally:
        live.stop()
