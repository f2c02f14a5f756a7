"""Comparisons in a real SQLite store: a key reads its own, in order, and no other's."""

from __future__ import annotations

from pathlib import Path

from api.console.comparisons import Comparisons, new_comparison_id, scenario_row
from api.store import Store


def test_a_comparison_is_read_back_in_order_by_its_key_only(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store.upgrade()
    found = Comparisons(store)
    cid = new_comparison_id()
    rows = [scenario_row(cid, "k", "plan_b", n, f"w{n}", {"demand": 1.0 + n}, f"plan_{n}")
            for n in (1, 0)]  # fmt: skip
    found.add(rows)
    got = found.get("k", cid)
    assert [s.name for s in got] == ["w0", "w1"]
    assert got[1].difference == {"demand": 2.0} and got[0].baseline_job_id == "plan_b"
    assert found.get("other", cid) == []
    assert [s.comparison_id for s in found.of_key("k")] == [cid]
    store.dispose()
