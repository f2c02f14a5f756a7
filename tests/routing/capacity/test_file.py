"""routing/capacity/file.py: the capacity file (bookings.csv of `glocal design` reads as
one) as overrides, every bad cell named by its file and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carriers.errors import InvalidPlanInput
from routing.calendar import day_number
from routing.capacity import Override, read_capacity
from routing.network import load_network
from tests.api.live import TINY


def test_rows_read_as_overrides_and_extra_columns_are_ignored(tmp_path: Path) -> None:
    """A dated row is that departure (its local day number), an undated one every
    departure, an empty figure keeps the network's; bookings.csv's other columns pass."""
    net = load_network(TINY).compiled
    path = tmp_path / "bookings.csv"
    path.write_text(
        "service_id,departure_date,week,kg,m3,units\n"
        "skyline-pvg-mad,2026-12-01,2026-11-30,130,,2\n"
        "# a comment\n"
        "feeder-yiw-pvg,,,,2.5,0\n"
    )
    assert read_capacity(path, net) == [
        Override(net.service_index["skyline-pvg-mad"], day_number(date(2026, 12, 1)), 130.0, None),
        Override(net.service_index["feeder-yiw-pvg"], None, None, 2.5),
    ]


def test_bad_cells_are_named_by_file_and_line(tmp_path: Path) -> None:
    net = load_network(TINY).compiled
    path = tmp_path / "bad.csv"
    path.write_text("service_id,departure_date,kg,m3\nnope,,1,\nskyline-pvg-mad,2026-13-01,-1,x\n")
    with pytest.raises(InvalidPlanInput) as raised:
        read_capacity(path, net)
    found = {(p.field, p.where) for p in raised.value.problems}
    assert found == {
        ("service_id", f"{path}:2"),
        ("departure_date", f"{path}:3"),
        ("kg", f"{path}:3"),
        ("m3", f"{path}:3"),
    }
    missing = tmp_path / "missing.csv"
    missing.write_text("service_id,kg\n")
    with pytest.raises(
        InvalidPlanInput, match=r"missing\.csv:1: missing column\(s\) departure_date, m3"
    ):
        read_capacity(missing, net)
