"""api/calibration/records.py: posted models in a real store, the newest live, the oldest
dropped past KEPT."""

from __future__ import annotations

import json

from api.calibration.records import KEPT, CalibrationRecords
from api.store import Store


def test_the_newest_post_is_live_and_old_rows_are_dropped(store: Store) -> None:
    records = CalibrationRecords(store)
    assert records.latest() is None
    made = [records.add(f"pm_{i}", "k1", json.dumps({"n": i})) for i in range(KEPT + 2)]
    assert records.latest() == (made[-1].seq, f"pm_{KEPT + 1}")
    read = records.read(made[-1].seq)
    assert (
        read is not None
        and read.body == json.dumps({"n": KEPT + 1})
        and read.bytes == len(read.body)
    )
    assert read.created_at == made[-1].created_at and read.key_id == "k1"
    assert records.read(made[1].seq) is None and records.read(made[2].seq) is not None
