"""routing/design/forecast.py: a forecast file read and validated (every bad cell named
by row and field), written and read back the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from carriers.errors import InvalidPlanInput
from routing.design.forecast import COLUMNS, concat, load_forecast, write_forecast
from routing.network import Network

HEADER = "origin,zone,week,restriction,deadline_class,value_class,kg,m3,parcels"
TINY = f"""{HEADER}
CN-YIW-WH,ES-PEN-ZONE,2026-11-09,general,express,low,120.5,0.8,100
CN-SZX-WH,US-NAT-ZONE,2026-11-16,battery,standard,mid,40,0.25,30
ES-MAD-HUB,CN-NAT-ZONE,2026-11-16,liquid,none,high,0,0,0
"""


def written(tmp_path: Path, text: str, name: str = "forecast.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tiny_forecast_reads_into_arrays(tmp_path: Path, default_world: Network) -> None:
    """Three rows; the season, not given, is read from the calendar (11.11 is peak)."""
    forecast = load_forecast(written(tmp_path, TINY), default_world)
    assert len(forecast) == 3
    assert forecast.kg.tolist() == [40.0, 120.5, 0.0]  # sorted by origin first
    assert forecast.parcels.tolist() == [30, 100, 0]
    assert forecast.season.tolist() == ["normal", "peak", "normal"]
    assert forecast.weeks() == [date(2026, 11, 9), date(2026, 11, 16)]
    assert forecast.source == tmp_path / "forecast.csv"


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("CN-XXX-WH,ES-PEN-ZONE,2026-11-09,general,express,low,1,0.1,1", "origin", "unknown node"),
        ("ES-PEN-ZONE,ES-PEN-ZONE,2026-11-09,general,express,low,1,0.1,1", "origin",
         "is a destination_zone, not a hub or warehouse"),
        ("CN-YIW-WH,CN-YIW-WH,2026-11-09,general,express,low,1,0.1,1", "zone",
         "is a warehouse, not a destination_zone"),
        ("CN-YIW-WH,XX-NAT-ZONE,2026-11-09,general,express,low,1,0.1,1", "zone", "unknown node"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-10,general,express,low,1,0.1,1", "week",
         "must be a Monday (the ISO week's first day), got '2026-11-10', a Tuesday"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-13-09,general,express,low,1,0.1,1", "week", "YYYY-MM-DD"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-09,fragile,express,low,1,0.1,1", "restriction",
         "must be one of general, battery, liquid, got 'fragile'"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-09,general,rush,low,1,0.1,1", "deadline_class", "rush"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-09,general,express,cheap,1,0.1,1", "value_class",
         "cheap"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-09,general,express,low,-1,0.1,1", "kg",
         "must be a number >= 0, got '-1'"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-09,general,express,low,1,-0.1,1", "m3", "'-0.1'"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-09,general,express,low,1,0.1,-2", "parcels",
         "must be a whole number >= 0"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-09,general,express,low,1,0.1,1.5", "parcels", "whole"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-09,general,express,low,1,0.1,0", "parcels",
         "must be at least 1 where kg or m3 is above 0"),
        ("CN-YIW-WH,ES-PEN-ZONE,2026-11-16,general,express,low,1,0.1,1", "origin",
         "repeats the keys of line 2"),
    ],
)  # fmt: skip
def test_each_bad_cell_is_named_by_line_and_field(
    tmp_path: Path, default_world: Network, row: str, field: str, message: str
) -> None:
    """The bad row is line 3 (line 1 is the header, line 2 a good row)."""
    good = "CN-YIW-WH,ES-PEN-ZONE,2026-11-16,general,express,low,1,0.1,1"
    path = written(tmp_path, f"{HEADER}\n{good}\n{row}\n")
    with pytest.raises(InvalidPlanInput) as raised:
        load_forecast(path, default_world)
    [problem] = raised.value.problems
    assert (problem.where, problem.field) == (f"{path}:3", field)
    assert message in problem.message


def test_an_unknown_season_is_named(tmp_path: Path, default_world: Network) -> None:
    path = written(tmp_path, f"{HEADER},season\n" + TINY.splitlines()[1] + ",summer\n")
    with pytest.raises(InvalidPlanInput) as raised:
        load_forecast(path, default_world)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:2: season: must be empty or one of normal, peak, cny, got 'summer'"
    ]


def test_missing_columns_and_an_empty_forecast_are_refused(
    tmp_path: Path, default_world: Network
) -> None:
    path = written(tmp_path, "origin,zone,week\n")
    with pytest.raises(InvalidPlanInput) as raised:
        load_forecast(path, default_world)
    assert str(raised.value.problems[0]) == (
        f"{path}:1: header: missing column(s) restriction, deadline_class, value_class, "
        "kg, m3, parcels"
    )
    with pytest.raises(InvalidPlanInput, match="the forecast has no rows"):
        load_forecast(written(tmp_path, HEADER + "\n"), default_world)
    with pytest.raises(InvalidPlanInput, match="the forecast is empty"):
        load_forecast(written(tmp_path, ""), default_world)


@pytest.mark.parametrize("name", ["back.csv", "back.parquet"])
def test_a_forecast_written_reads_back_the_same(
    tmp_path: Path, default_world: Network, name: str
) -> None:
    forecast = load_forecast(written(tmp_path, TINY), default_world)
    write_forecast(forecast, tmp_path / name)
    again = load_forecast(tmp_path / name, default_world)
    for column in (*COLUMNS, "season"):
        assert np.array_equal(getattr(again, column), getattr(forecast, column)), column


def test_concat_keeps_every_row_sorted_by_keys(tmp_path: Path, default_world: Network) -> None:
    forecast = load_forecast(written(tmp_path, TINY), default_world)
    both = concat([forecast.take(np.array([2])), forecast.take(np.array([0, 1]))])
    assert both.origin.tolist() == forecast.origin.tolist()
    assert both.kg.tolist() == forecast.kg.tolist()


def test_the_first_weeks_are_the_rows_of_the_earliest_weeks(
    tmp_path: Path, default_world: Network
) -> None:
    """TINY holds the weeks of 9 and 16 November: one week is the first row, two all."""
    forecast = load_forecast(written(tmp_path, TINY), default_world)
    assert forecast.first_weeks(1).weeks() == [date(2026, 11, 9)]
    assert forecast.first_weeks(1).kg.tolist() == [120.5]
    assert len(forecast.first_weeks(2)) == len(forecast.first_weeks(9)) == 3
