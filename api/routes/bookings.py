"""`/v1/quotes/{quote_id}/book` and `/v1/shipments`: book an option of a quote, read and
cancel the shipment."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from api import bookings
from api.deps import BookKey, StateDep, json_payload
from api.openapi import json_body, problems
from api.schemas.bookings import BOOK_REQUEST, BookRequest, ShipmentResponse

router = APIRouter(prefix="/v1", tags=["bookings"])


@router.post(
    "/quotes/{quote_id}/book",
    status_code=201,
    response_model=ShipmentResponse,
    summary="Book an option of a quote",
    openapi_extra=json_body(BookRequest, {"option": BOOK_REQUEST}),
    responses=problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
)
async def book_option(
    quote_id: str,
    request: Request,
    response: Response,
    state: StateDep,
    key: BookKey,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """Book one option of a quote made by this key, before the quote's `expires_at`: the
    order's kg and m3 are taken on each of the option's capacitated departures, never
    beyond their capacity. 409 `capacity_exhausted` when one is full, `quote_expired`,
    or `price_changed` when the `total` sent is no longer the option's. With an
    `Idempotency-Key` a retried POST gets the same shipment back
    (`Idempotent-Replayed: true`), booked once."""
    body = await json_payload(request)
    made, new = await bookings.book(state, key, quote_id, body, idempotency_key)
    response.headers["Location"] = f"/v1/shipments/{made.shipment_id}"
    if not new:
        response.headers["Idempotent-Replayed"] = "true"
    return bookings.shipment_body(made)


@router.get(
    "/shipments/{shipment_id}",
    response_model=ShipmentResponse,
    summary="Read a shipment",
    responses=problems(401, 403, 404, 429),
)
async def read_shipment(shipment_id: str, state: StateDep, key: BookKey) -> dict[str, Any]:
    """A shipment booked by this key (any key's, with `admin`)."""
    return bookings.shipment_body(await bookings.owned(state, key, shipment_id))


@router.delete(
    "/shipments/{shipment_id}",
    response_model=ShipmentResponse,
    summary="Cancel a shipment",
    responses=problems(401, 403, 404, 429, 503),
)
async def cancel_shipment(shipment_id: str, state: StateDep, key: BookKey) -> dict[str, Any]:
    """Cancel a shipment: the capacity it held is given back to its departures (once; a
    cancelled shipment is answered as it is)."""
    return bookings.shipment_body(await bookings.cancel(state, key, shipment_id))
