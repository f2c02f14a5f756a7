"""Bid prices: what one more kg and one more m3 on a departure are worth, from the
planner's LP duals (`glocal plan --publish`), as a snapshot the server loads whole.

A snapshot is a JSON file `{"snapshot_id", "created_at", "currency", "method",
"departures": [{"service", "date", "per_kg", "per_m3"}]}`, prices in minor units of
`currency` per kg and per m3. `write_bid_prices` writes it beside its path and renames
it into place, so a reader sees the old snapshot or the new one, never half of either.

An option's opportunity cost is the sum, over its departures, of per_kg x its kg and
per_m3 x its m3: what the network expects to lose by giving that room to this order.

Degeneracy: the LP's duals are not unique when it is degenerate. The snapshot names the
`method` its publisher used. `glocal plan --publish` (routing/plan/bidprices.py) takes the
mean of the duals over 4 re-solves with each departure's capacity scaled by 1 +- e,
e ~ U(0, 0.05), in antithetic pairs (fixed seed): a price that binds only by accident of
the vertex chosen is averaged to a value between its left and right derivatives.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from carriers.errors import GlocalError

Prices = tuple[float, float]  # minor units per kg, per m3


@dataclass(frozen=True)
class BidPrices:
    snapshot_id: str
    currency: str
    prices: Mapping[tuple[str, date], Prices] = field(default_factory=dict)
    method: str = ""

    def opportunity_cost(
        self, departures: Iterable[tuple[str, date]], kg: float, m3: float
    ) -> float:
        """Minor units of `currency` that the order's room on these departures costs."""
        total = 0.0
        for key in departures:
            found = self.prices.get(key)
            if found is not None:
                total += found[0] * kg + found[1] * m3
        return total


def read_bid_prices(path: str | Path) -> BidPrices:
    """A published snapshot; a file that is not one is a GlocalError naming it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        prices = {
            (d["service"], date.fromisoformat(d["date"])): (float(d["per_kg"]), float(d["per_m3"]))
            for d in data["departures"]
        }
        return BidPrices(
            str(data["snapshot_id"]), str(data["currency"]), prices, str(data.get("method", ""))
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GlocalError(f"{path}: not a bid-price snapshot ({exc})") from None


def write_bid_prices(path: str | Path, snapshot: BidPrices, now: datetime | None = None) -> None:
    """Write the snapshot atomically (a temporary file renamed over `path`)."""
    path = Path(path)
    body = {
        "snapshot_id": snapshot.snapshot_id,
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "currency": snapshot.currency,
        "method": snapshot.method,
        "departures": [
            {"service": s, "date": d.isoformat(), "per_kg": round(kg, 4), "per_m3": round(m3, 4)}
            for (s, d), (kg, m3) in sorted(snapshot.prices.items())
        ],
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(body, out, indent=1)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
