"""routing/capacity/bidprices.py: a snapshot is written atomically and read back the
same; an option's opportunity cost sums bid price x kg and x m3 over its departures; a
file that is not a snapshot is named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carriers.errors import GlocalError
from routing.capacity.bidprices import BidPrices, read_bid_prices, write_bid_prices

TUE, FRI = date(2026, 12, 1), date(2026, 12, 4)


def test_write_read_and_opportunity_cost(tmp_path: Path) -> None:
    bids = BidPrices("bp_1", "EUR", {("air", TUE): (150.0, 2000.0), ("sea", FRI): (0.0, 50.0)}, "m")
    path = tmp_path / "bids.json"
    write_bid_prices(path, bids)
    assert read_bid_prices(path) == bids
    assert [p.name for p in tmp_path.iterdir()] == ["bids.json"]  # no temporary left
    # 2 kg, 0.01 m3 on both: 150 x 2 + 2000 x 0.01 + 0 + 50 x 0.01 = 320.5 minor units
    assert bids.opportunity_cost(
        [("air", TUE), ("sea", FRI), ("rail", TUE)], 2.0, 0.01
    ) == pytest.approx(320.5)
    bad = tmp_path / "bad.json"
    bad.write_text('{"snapshot_id": "x"}')
    with pytest.raises(GlocalError, match=r"bad\.json: not a bid-price snapshot"):
        read_bid_prices(bad)
