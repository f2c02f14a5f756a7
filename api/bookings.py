"""What the booking routes do: book an option of a stored quote (taking capacity on its
departures), read and cancel a shipment. A quote stores, beside its answer, what booking
each option takes (`bookable`): the order's kg and m3, each option's total and
departures, and until when the quote can be booked; a booking reads only that, never
the order again."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from api.capacity import cm3, grams
from api.deps import AppState
from api.problems import ProblemError, field_path
from api.schemas.bookings import BookRequest
from api.services import invalid, read_json, stored_quote
from api.store import CapacityExhausted, Shipment, StoredKey
from carriers.errors import Problem
from carriers.money import Money
from routing.quote.capacity import opportunity_cost, surcharge_of
from routing.quote.charges import Converter
from routing.quote.engine import engine_for

_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def book_request(body: bytes) -> BookRequest:
    try:
        return BookRequest.model_validate(read_json(body))
    except ValidationError as exc:
        raise invalid(
            [Problem("request", field_path(e["loc"]), e["msg"]) for e in exc.errors()]
        ) from None


async def book(
    state: AppState, key: StoredKey, quote_id: str, body: bytes, idempotency_key: str | None
) -> tuple[Shipment, bool]:
    """Book one option of a stored quote: (the shipment, True), or the shipment this
    `Idempotency-Key` booked before (False). 409s: the quote expired, the price the buyer
    saw is no longer the option's, a departure is full, or the key was used for another
    booking."""
    if idempotency_key is not None and not _IDEMPOTENCY_KEY.match(idempotency_key):
        raise ProblemError(
            400, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters"
        )
    request = book_request(body)
    fingerprint = hashlib.sha256(f"{quote_id}\n{request.option_id}".encode()).hexdigest()
    if idempotency_key is not None:  # a replay is answered even once the quote expired
        before = await state.store.call(
            state.shipments.by_idempotency_key, key.key_id, idempotency_key
        )
        if before is not None:
            return _replayed(before, fingerprint), False
    stored = await stored_quote(state, key, quote_id)
    now = datetime.now(UTC)
    bookable = json.loads(stored.bookable) if stored.bookable else None
    if bookable is None or now >= datetime.fromisoformat(bookable["valid_until"]):
        until = "" if bookable is None else f" at {bookable['valid_until']}"
        raise ProblemError(
            409,
            "quote_expired",
            f"quote {quote_id} can no longer be booked (it expired{until}); quote again",
            title="Quote expired",
        )
    option = bookable["options"].get(request.option_id)
    if option is None:
        known = ", ".join(sorted(bookable["options"]))
        message = f"not an option of quote {quote_id}; its options: {known}"
        raise invalid([Problem("request", "option_id", message)])
    _check_price(request, option)
    departures = tuple(
        (svc, datetime.fromisoformat(day).date()) for svc, day in option["departures"]
    )
    _check_surcharge(state, bookable, option, departures, now)
    shipment = Shipment(
        shipment_id=f"s_{secrets.token_hex(16)}",
        key_id=key.key_id,
        quote_id=quote_id,
        option_id=request.option_id,
        idempotency_key=idempotency_key,
        request_hash=fingerprint,
        state="booked",
        created_at=now,
        cancelled_at=None,
        load_g=grams(bookable["kg"]),
        load_cm3=cm3(bookable["m3"]),
        departures=departures,
        body=json.dumps(
            {
                "total": {"amount": option["total"], "currency": option["currency"]},
                "kg": bookable["kg"],
                "m3": bookable["m3"],
            }
        ),
    )
    takes = [state.capacity.take(svc, day) for svc, day in departures]
    try:
        made, new = await state.store.call(state.shipments.book, shipment, takes)
    except CapacityExhausted as exc:
        raise ProblemError(
            409,
            "capacity_exhausted",
            f"{exc.service} departing {exc.day.isoformat()} has no room left for this order; "
            "quote again for the options that still have room",
            title="Capacity exhausted",
        ) from None
    if not new:
        return _replayed(made, fingerprint), False
    await state.store.call(state.capacity.refresh)
    return made, True


def _replayed(found: Shipment, fingerprint: str) -> Shipment:
    if found.request_hash != fingerprint:
        raise ProblemError(
            409,
            "idempotency_key_reused",
            f"this Idempotency-Key was used for another booking (shipment "
            f"{found.shipment_id}); use a new key for a new booking",
            title="Conflict",
        )
    return found


def _check_price(request: BookRequest, option: dict[str, Any]) -> None:
    if request.total is None:
        return
    shown = (request.total.amount, request.total.currency)
    if shown != (option["total"], option["currency"]):
        raise ProblemError(
            409,
            "price_changed",
            f"the option now costs {option['total']} {option['currency']}, not "
            f"{shown[0]} {shown[1]}; show the buyer the new price and book again",
            title="Price changed",
        )


def _check_surcharge(
    state: AppState,
    bookable: dict[str, Any],
    option: dict[str, Any],
    departures: tuple[tuple[str, date], ...],
    now: datetime,
) -> None:
    """Under GLOCAL_CAPACITY_PRICING=surcharge, a quote priced under another bid-price
    snapshot than the one now in force is booked at its price only if its capacity
    surcharge is the same under the new one; else 409 `price_changed`, with the new price."""
    if state.capacity.pricing != "surcharge" or "surcharge" not in option:
        return
    bids = state.capacity.view.bid_prices
    if (None if bids is None else bids.snapshot_id) == bookable.get("snapshot"):
        return
    currency = option["currency"]
    money = Converter(engine_for(state.network).fx, currency, now.date())
    cost = (
        0
        if bids is None
        else opportunity_cost(bids, departures, bookable["kg"], bookable["m3"], money)
    )
    now_charged = surcharge_of(Money(option["shipping"], currency), cost)
    if now_charged.amount == option["surcharge"]:
        return
    new_total = Money.of(option["total"], currency) - Money(option["surcharge"], currency)
    new_total = new_total + now_charged
    raise ProblemError(
        409,
        "price_changed",
        f"the capacity surcharge is now {now_charged} (bid prices "
        f"{'none' if bids is None else bids.snapshot_id}), so the option now costs "
        f"{new_total}, not {option['total']} {currency}; quote again",
        title="Price changed",
    )


async def owned(state: AppState, key: StoredKey, shipment_id: str) -> Shipment:
    found = await state.store.call(state.shipments.get, shipment_id)
    if found is None or (found.key_id != key.key_id and "admin" not in key.scopes):
        raise ProblemError(404, "shipment_not_found", f"no shipment {shipment_id!r} for this key")
    return found


async def cancel(state: AppState, key: StoredKey, shipment_id: str) -> Shipment:
    """Cancel a shipment, giving its capacity back (once; a cancelled one stays so)."""
    await owned(state, key, shipment_id)
    found = await state.store.call(state.shipments.cancel, shipment_id)
    assert found is not None  # shipments are never deleted
    await state.store.call(state.capacity.refresh)
    return found


def shipment_body(s: Shipment) -> dict[str, Any]:
    """The shipment as `ShipmentResponse` describes it."""
    stored = json.loads(s.body)
    return {
        "shipment_id": s.shipment_id,
        "quote_id": s.quote_id,
        "option_id": s.option_id,
        "state": s.state,
        "created_at": s.created_at.isoformat(),
        "cancelled_at": None if s.cancelled_at is None else s.cancelled_at.isoformat(),
        "total": stored["total"],
        "kg": stored["kg"],
        "m3": stored["m3"],
        "departures": [{"service": svc, "date": day.isoformat()} for svc, day in s.departures],
    }
