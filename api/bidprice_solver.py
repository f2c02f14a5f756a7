"""The server's bid-price re-solve on a schedule: every `GLOCAL_BIDPRICE_INTERVAL_S`, the
planner is run over the remaining forecast demand and the remaining capacity, and its
averaged duals (`routing.plan.bidprices`) are published to `GLOCAL_BIDPRICE_FILE`,
written beside it and renamed into place; the capacity board loads the new snapshot whole
on its next refresh (the file changed), and every quote names the one it used.

- remaining demand: the orders of `GLOCAL_BIDPRICE_ORDERS` (an orders table, the
  forecast of the week's orders, e.g. `glocal sample-orders` or a forecast's sample) not
  placed yet, i.e. created at or after now; the orders already booked are in what is sold;
- remaining capacity: each departure with bookings gets its capacity less what is sold
  (the board's view), as a capacity-file override; the others keep theirs.

The plan runs in a thread of this process (`asyncio.to_thread`, blocks solved one after
another), bounded by `GLOCAL_BIDPRICE_TIME_LIMIT_S`. A failed round is logged and the last
snapshot stays in force. With several server workers each re-solves; the file is whole
either way (one worker's or another's)."""

from __future__ import annotations

import asyncio
import logging
import math
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from api.capacity import CapacityBoard
from carriers.errors import GlocalError
from routing.calendar import day_number
from routing.capacity import Override
from routing.capacity.bidprices import BidPrices, write_bid_prices
from routing.network import Network
from routing.plan import PlanParams, plan_orders
from routing.plan.bidprices import publish
from routing.plan.table import read_table, validate_orders

log = logging.getLogger("glocal.api")


class BidPriceSolver:
    def __init__(
        self,
        network: Network,
        board: CapacityBoard,
        orders: Path,
        out: Path,
        time_limit_s: float = 60.0,
        horizon_days: int = 14,
    ) -> None:
        self.network, self.board, self.orders, self.out = network, board, orders, out
        self.time_limit_s, self.horizon_days = time_limit_s, horizon_days

    def remaining_capacity(self) -> list[Override]:
        """Each departure with bookings: its capacity less what is sold."""
        view = self.board.view
        index = self.network.compiled.service_index
        out = []
        for (service, day), sold in view.sold.items():
            k = index.get(service)
            if k is None:
                continue
            cap_kg, cap_m3 = view.capacity(k, day)
            kg = None if math.isinf(cap_kg) else max(cap_kg - sold.kg, 0.0)
            m3 = None if math.isinf(cap_m3) else max(cap_m3 - sold.m3, 0.0)
            out.append(Override(k, day_number(day), kg, m3))
        return out

    def solve_once(self, now: datetime | None = None) -> BidPrices:
        """Plan the orders still to come over the room still left; publish the prices."""
        now = now or datetime.now(UTC)
        frame = read_table(self.orders)
        created = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
        frame = frame[(created >= pd.Timestamp(now)).to_numpy()].reset_index(drop=True)
        table, _ = validate_orders(frame, self.network, str(self.orders), skip_invalid=True)
        if not len(table):  # nothing left to come: room is worth nothing more
            empty = BidPrices(f"resolve-{now:%Y%m%dT%H%M%SZ}-empty", "EUR", {}, "no demand left")
            write_bid_prices(self.out, empty, now)
            return empty
        params = PlanParams(
            horizon_days=self.horizon_days, time_limit_s=self.time_limit_s, workers=1
        )
        result = plan_orders(
            table, self.network, params, overrides=self.remaining_capacity(), map_fn=map
        )
        return publish(result, self.out)

    async def every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                found = await asyncio.to_thread(self.solve_once)
                await asyncio.to_thread(self.board.refresh)
                log.info("bid prices re-solved", extra={"snapshot": found.snapshot_id})
            except (GlocalError, OSError, ValueError) as exc:
                log.warning("bid prices not re-solved", extra={"error": str(exc)})
