"""api/commands/capacity.py: `glocal capacity show` lists each departure with bookings,
its capacity, what is sold and left; `--json` the documented list."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from api.store import ShipmentStore, Store, Take
from tests.api.store.test_bookings import DAY, shipment


def test_show_lists_sold_and_left(
    tmp_path: Path, run_glocal: Callable[..., tuple[int, str, str]]
) -> None:
    database = f"sqlite:///{tmp_path / 's.sqlite3'}"
    code, out, _ = run_glocal("capacity", "show", "--database", database)
    assert code == 0 and "no departure has a booking" in out
    store = Store(database)
    store.upgrade()
    ShipmentStore(store).book(shipment(1, g=800, cm3=6000), [Take("air", DAY, 2000, None)])
    store.dispose()
    code, out, _ = run_glocal("capacity", "show", "--json", "--database", database)
    assert json.loads(out) == [
        {"service": "air", "departure": "2026-12-01", "capacity_kg": 2.0, "capacity_m3": None,
         "sold_kg": 0.8, "sold_m3": 0.006},
    ]  # fmt: skip
    code, out, _ = run_glocal("capacity", "show", "--database", database)
    assert code == 0
    assert "air" in out and "2.0" in out and "0.8" in out and "1.2" in out and "unlimited" in out
    code, _, err = run_glocal("capacity", "show", "--database", "mysql://x/y")
    assert code == 1 and err.startswith("error: ")
