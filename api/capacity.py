"""The server's capacity state: the limits per departure (the network's, under
`GLOCAL_CAPACITY_FILE`), read once at start-up, and what is sold on each departure,
re-read from the store every `GLOCAL_CAPACITY_REFRESH_S` and after each booking or
cancellation of this worker, with the latest bid-price snapshot of
`GLOCAL_BIDPRICE_FILE` when the file changed. A quote reads `board.view` (one reference,
swapped whole: never half a refresh) and so never waits on the database; a view may be a
moment behind another worker's bookings, and the booking itself, in the store, is the
authority (`api.store.bookings`: a departure is never oversold)."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from datetime import date, datetime
from pathlib import Path

from api.store import ShipmentStore, Take
from carriers.errors import StoreUnavailable
from routing.capacity import CapacityLimits, read_capacity
from routing.capacity.bidprices import BidPrices, read_bid_prices
from routing.capacity.state import CapacityView, Sold
from routing.network import Network
from routing.orders import Order
from routing.quote import Quote
from routing.quote.capacity import SURCHARGE, order_load
from routing.quote.records import Option

log = logging.getLogger("glocal.api")
GRAMS_PER_KG = 1000
CM3_PER_M3 = 1_000_000


class CapacityBoard:
    def __init__(
        self,
        network: Network,
        shipments: ShipmentStore,
        file: Path | None,
        bid_prices: Path | None = None,
        pricing: str = "rank",
        margin_share: float = 0.2,
    ) -> None:
        net = network.compiled
        self.limits = CapacityLimits(net, read_capacity(file, net) if file else ())
        self.shipments = shipments
        self.bid_file = bid_prices
        self._bids: tuple[float, BidPrices] | None = None  # (file mtime, snapshot)
        self.pricing, self.margin_share = pricing, margin_share
        self.view = CapacityView(self.limits, pricing=pricing, margin_share=margin_share)

    def _bid_prices(self) -> BidPrices | None:
        """The latest published snapshot: read again when its file changed (a publisher
        renames a whole new file into place, so it is the old one or the new one)."""
        if self.bid_file is None:
            return None
        try:
            mtime = self.bid_file.stat().st_mtime
        except OSError:
            return None if self._bids is None else self._bids[1]
        if self._bids is None or self._bids[0] != mtime:
            self._bids = (mtime, read_bid_prices(self.bid_file))
        return self._bids[1]

    def refresh(self) -> None:
        """Read what is sold on every departure with bookings; swap the view. (Orders
        may be dated in the past, within `GLOCAL_DATES_BACK_DAYS`: no departure is left
        out for being past.)"""
        sold = {
            (r.service, r.day): Sold(r.sold_g / GRAMS_PER_KG, r.sold_cm3 / CM3_PER_M3)
            for r in self.shipments.departures()
        }
        self.view = CapacityView(
            self.limits, sold, self._bid_prices(), self.pricing, self.margin_share
        )

    def take(self, service: str, day: date) -> Take:
        """A departure as a booking takes it: its capacity now, in grams and cm3."""
        k = self.limits.net.service_index[service]
        kg, m3 = self.view.capacity(k, day)
        return Take(service, day, _whole(kg, GRAMS_PER_KG), _whole(m3, CM3_PER_M3))

    async def refresh_every(self, seconds: float) -> None:
        failing = False
        while True:
            await asyncio.sleep(seconds)
            try:
                await asyncio.to_thread(self.refresh)
                failing = False
            except StoreUnavailable as exc:  # the next round will do
                if not failing:
                    log.warning("capacity not refreshed", extra={"error": exc.message})
                failing = True


def _whole(amount: float, per: int) -> int | None:
    return None if math.isinf(amount) else math.floor(amount * per + 1e-6)


def grams(kg: float) -> int:
    """A load in whole grams, rounded up: a booking never takes less than it weighs."""
    return math.ceil(kg * GRAMS_PER_KG - 1e-6)


def cm3(m3: float) -> int:
    return math.ceil(m3 * CM3_PER_M3 - 1e-6)


def bookable_json(found: Quote, order: Order, valid_until: datetime) -> str:
    """What booking each option of a quote takes, as the quote row keeps it."""
    kg, m3 = order_load(order)
    options = {
        o.option_id: {
            "total": o.total.text,
            "currency": o.total.currency,
            "departures": [[d.service, d.date.isoformat()] for d in o.departures],
            "surcharge": _surcharge(o),
            "shipping": o.shipping.amount - _surcharge(o),  # before the surcharge
        }
        for o in found.options
    }
    return json.dumps(
        {
            "valid_until": valid_until.isoformat(),
            "kg": kg,
            "m3": m3,
            "snapshot": found.capacity_snapshot,
            "options": options,
        }
    )


def _surcharge(o: Option) -> int:
    """The option's capacity surcharge, minor units (0: none)."""
    return sum(ln.amount.amount for ln in o.charges if ln.name == SURCHARGE)
