"""api/routes/bookings.py over a real server on the tiny network, whose air line-haul
has room for 2 kg a departure (a capacity file), on a real SQLite file and, when
configured, a real PostgreSQL: quote, book, capacity shown, cancel, capacity restored;
the 409s; an idempotent replay; expires_at honoured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from api.schemas import QuoteResponse
from api.schemas.bookings import ShipmentResponse
from api.settings import Settings
from tests.api.live import TINY, add_key, assert_problem, bearer, start_server, tiny_order

AIR = "skyline-pvg-mad"


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[tuple[httpx.Client, str]]:
    capacity = tmp_path / "capacity.csv"
    capacity.write_text(f"service_id,departure_date,kg,m3\n{AIR},,2,\n")
    settings = Settings(
        network=TINY, database_url=database_url, key_cache_seconds=0, capacity_file=capacity
    )
    live = start_server(settings)
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client, database_url
    live.stop()


def quoted(client: httpx.Client, key: str) -> dict:
    posted = client.post("/v1/quotes", json=tiny_order(), headers=bearer(key))
    assert posted.status_code == 201, posted.text
    return posted.json()


def capacity_shown(database: str) -> list[dict]:
    """`glocal capacity show --json`, as a user runs it."""
    done = CliRunner().invoke(cli, ["capacity", "show", "--json", "--database", database])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_quote_book_show_cancel_restore(api: tuple[httpx.Client, str]) -> None:
    """The order (0.8 kg) books the air departure it was quoted on; the capacity command
    shows it sold; a second booking fits (1.6 kg of 2), a third does not (409), and the
    next quote no longer offers the full departure (no_capacity); a cancellation gives
    the room back, and the route is quoted again."""
    client, database = api
    key = add_key(database, "quote", "book")
    quote = quoted(client, key)
    QuoteResponse.model_validate(quote)
    assert quote["expires_at"] > quote["at"]
    option = quote["options"][0]
    [departure] = option["departures"]
    assert departure["service"] == AIR
    booked = client.post(
        f"/v1/quotes/{quote['quote_id']}/book",
        json={"option_id": option["option_id"], "total": option["total"]},
        headers=bearer(key),
    )
    assert booked.status_code == 201, booked.text
    shipment = ShipmentResponse.model_validate(booked.json())
    assert shipment.state == "booked" and shipment.departures[0].date == departure["date"]
    assert booked.headers["location"] == f"/v1/shipments/{shipment.shipment_id}"
    assert capacity_shown(database) == [
        {"service": AIR, "departure": departure["date"], "capacity_kg": 2.0,
         "capacity_m3": None, "sold_kg": 0.8, "sold_m3": shipment.m3},
    ]  # fmt: skip
    second = quoted(client, key)
    book = f"/v1/quotes/{second['quote_id']}/book"
    assert (
        client.post(book, json={"option_id": option["option_id"]}, headers=bearer(key)).status_code
        == 201
    )
    full = client.post(book, json={"option_id": option["option_id"]}, headers=bearer(key))
    assert_problem(full, 409, "capacity_exhausted")
    refused = client.post("/v1/quotes", json=tiny_order(), headers=bearer(key))
    assert_problem(refused, 422, "no_feasible_route")
    assert "no_capacity" in refused.json()["detail"]
    cancelled = client.delete(f"/v1/shipments/{shipment.shipment_id}", headers=bearer(key))
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.delete(f"/v1/shipments/{shipment.shipment_id}", headers=bearer(key))
    assert again.json()["state"] == "cancelled"  # given back once
    assert capacity_shown(database)[0]["sold_kg"] == 0.8
    assert quoted(client, key)["options"]  # room again


def test_errors_are_problems_naming_the_field(api: tuple[httpx.Client, str]) -> None:
    """An unknown option and a missing one are 422 naming `option_id`; a price the
    option no longer has is 409 price_changed; another key's quote is 404; a key
    without the book scope is 403."""
    client, database = api
    key, quoter = add_key(database, "quote", "book"), add_key(database, "quote")
    quote = quoted(client, key)
    book = f"/v1/quotes/{quote['quote_id']}/book"
    wrong = client.post(book, json={"option_id": "nope"}, headers=bearer(key))
    assert assert_problem(wrong, 422, "invalid_request")["errors"][0]["field"] == "option_id"
    missing = client.post(book, json={}, headers=bearer(key))
    assert assert_problem(missing, 422, "invalid_request")["errors"][0]["field"] == "option_id"
    option = quote["options"][0]
    stale = {"option_id": option["option_id"], "total": {"amount": "1.00", "currency": "EUR"}}
    assert_problem(client.post(book, json=stale, headers=bearer(key)), 409, "price_changed")
    other = add_key(database, "book")
    assert_problem(
        client.post(book, json={"option_id": option["option_id"]}, headers=bearer(other)),
        404,
        "quote_not_found",
    )
    assert_problem(
        client.post(book, json={"option_id": option["option_id"]}, headers=bearer(quoter)),
        403,
        "missing_scope",
    )
    assert_problem(
        client.post(
            book, content=b"{", headers={**bearer(key), "Content-Type": "application/json"}
        ),
        400,
        "malformed_json",
    )
    assert_problem(
        client.get("/v1/shipments/s_nope", headers=bearer(key)), 404, "shipment_not_found"
    )
