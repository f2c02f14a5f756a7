"""A booking: what `POST /v1/quotes/{quote_id}/book` takes, and the shipment it answers
(as `GET` and `DELETE /v1/shipments/{id}` do)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.quotes import Departure, Money
from api.schemas.types import IsoDateTime

BOOK_REQUEST: dict[str, Any] = {
    "option_id": "feeder-yiw-pvg+skyline-pvg-mad+lastmile-es-courier#DDP"
}


class BookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    option_id: str = Field(min_length=1, max_length=500, description="An option of the quote.")
    total: Money | None = Field(
        default=None,
        description="The total the buyer was shown; when given and no longer the option's, "
        "the answer is 409 `price_changed` and nothing is booked.",
    )


class ShipmentResponse(BaseModel):
    """A booked option: the capacity it holds on each departure until it is cancelled."""

    shipment_id: str
    quote_id: str
    option_id: str
    state: Literal["booked", "cancelled"]
    created_at: IsoDateTime
    cancelled_at: IsoDateTime | None = None
    total: Money
    kg: float
    m3: float
    departures: list[Departure]
