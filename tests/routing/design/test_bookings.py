"""bookings.csv: written from a design, read back to the same units; the loads it reports
are the columns' own; a bad line is named by path:line and field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from carriers.errors import InvalidPlanInput
from routing.design.bookings import booking_frame, read_units, row_loads, write_bookings
from routing.design.run import SeasonDesign


def test_bookings_read_back_to_the_units_written(tiny_season: SeasonDesign, tmp_path: Path) -> None:
    d, s = tiny_season.design, tiny_season.solution
    path = tmp_path / "bookings.csv"
    write_bookings(booking_frame(d, s.units, s.share, s.spot_kg), path)
    assert np.array_equal(read_units(path, d), s.units)


def test_a_departure_the_file_leaves_out_books_nothing(
    tiny_season: SeasonDesign, tmp_path: Path
) -> None:
    d, s = tiny_season.design, tiny_season.solution
    frame = booking_frame(d, s.units, s.share, s.spot_kg)
    booked = frame[frame.units > 0]
    path = tmp_path / "bookings.csv"
    write_bookings(booked.iloc[1:], path)  # the first booked departure left out
    units = read_units(path, d)
    assert units.sum() == s.units.sum() - int(booked.units.iloc[0])


def test_loads_are_each_rows_share_of_its_commodities(tiny_season: SeasonDesign) -> None:
    d, s = tiny_season.design, tiny_season.solution
    kg, _ = row_loads(d, s.share)
    p = d.problem
    for r in np.flatnonzero(kg > 0)[:5]:
        mine = [j for j in range(len(p.columns)) if r in p.columns.rows_of(j)]
        expect = sum(s.share[j] * p.commodities.kg[p.columns.commodity[j]] for j in mine)
        assert kg[r] == pytest.approx(expect)
    # what the units hold plus spot carries every kg (the spot is chargeable kg, at least)
    cap = p.capacity
    assert (kg <= s.units * cap.unit_kg + s.spot_kg + 1e-6).all()


def test_a_bad_line_is_named(tiny_season: SeasonDesign, tmp_path: Path) -> None:
    path = tmp_path / "bookings.csv"
    path.write_text(
        "service_id,departure_date,units\n"
        "silkroute-air-economy-pvg-mad,2026-10-20,two\n"
        "no-such-service,2026-10-20,1\n"
    )
    with pytest.raises(InvalidPlanInput) as found:
        read_units(path, tiny_season.design)
    where = [(p.where, p.field) for p in found.value.problems]
    assert where == [(f"{path}:2", "units"), (f"{path}:3", "service_id")]
