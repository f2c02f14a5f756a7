"""routing/plan/table.py: the orders table read (CSV, Parquet) and validated column by
column into arrays; every bad cell named as `file:line: field: message`, the run stopped
or the bad rows kept aside as `invalid`; the optional seller columns and the day an order
was made as written; and demand resampled by a factor."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carriers.errors import InvalidPlanInput
from routing.calendar import day_number
from routing.coverage import DateWindow
from routing.network import Network
from routing.plan import (
    COLUMNS,
    PlanParams,
    load_orders,
    plan_orders,
    plan_table,
    validate_orders,
)
from routing.plan.table import (
    NO_DEADLINE,
    OPTIONAL_COLUMNS,
    SELLER_FLAGS,
    OrdersTable,
    resample,
)
from tests.routing.plan.conftest import one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)
COLUMN_FIELDS = [f.name for f in fields(OrdersTable) if f.name not in ("seller", "utc_offset_min")]


def test_bad_rows_stop_the_run_or_become_invalid(two_lanes: Network) -> None:
    frame = one_kilo_orders(4)
    frame.loc[1, "origin"] = "XX-NOWHERE"
    frame.loc[2, "weight_kg"] = "-1"
    frame.loc[3, "created_at"] = "yesterday"
    with pytest.raises(InvalidPlanInput) as caught:
        validate_orders(frame, two_lanes, "orders.csv")
    text = str(caught.value)
    assert "orders.csv:3: origin: unknown origin 'XX-NOWHERE'" in text
    assert "orders.csv:4: weight_kg: must be a number > 0" in text
    assert "orders.csv:5: created_at" in text
    table, invalid = validate_orders(frame, two_lanes, "orders.csv", skip_invalid=True)
    result = plan_orders(table, two_lanes, PARAMS, invalid=invalid)
    out = plan_table(result)
    assert list(out["order_id"]) == list(frame["order_id"])
    assert list(out["status"]) == ["planned", "invalid", "invalid", "invalid"]
    assert str(out.loc[2, "reason"]).startswith("line 4: weight_kg")


BAD_CELLS = [
    # (column, cell, field and message; the row's line in the file is its index + 2)
    ("dest_country", "XX", "dest_country: unknown ISO 3166-1 alpha-2 country 'XX'"),
    ("dest_postal_code", "", "dest_postal_code: is required"),
    (
        "dest_postal_code",
        "'; DROP",
        "dest_postal_code: \"'; DROP\" is not a postal code of ES (like '28013')",
    ),
    ("length_cm", "ten", "length_cm: must be a number > 0, got 'ten'"),
    ("length_cm", "401", "length_cm: must be at most 400, got '401'"),
    ("weight_kg", "1e308", "weight_kg: must be at most 1000, got '1e308'"),
    ("value", "1e30", "value: must have at most 12 digits before the point, got '1e30'"),
    ("currency", "EUX", "currency: unknown currency 'EUX'"),
    ("value", "0", "value: must be a decimal amount > 0, got '0'"),
    ("hs_code", "61a", "hs_code: must be 6-10 digits"),
    ("battery", "huge", "battery: must be one of none, in_equipment, loose, got 'huge'"),
    ("liquid", "maybe", "liquid: must be true or false, got 'maybe'"),
    (
        "created_at",
        "2026-11-09T09:00:00",
        "created_at: must carry a UTC offset (e.g. 2026-11-09T10:00:00+08:00)",
    ),
    ("deliver_by", "12/01/2026", "deliver_by: must be a date YYYY-MM-DD, got '12/01/2026'"),
    ("order_id", "T0000", "order_id: duplicate order_id 'T0000' (first at line 2)"),
]


def test_every_bad_cell_of_a_file_is_named_by_file_line_and_field(
    two_lanes: Network, tmp_path: Path
) -> None:
    """One bad cell a row (row i+1 on line i+3 of the file): the error lists all of them,
    in file order, each as `path:line: field: message`."""
    frame = one_kilo_orders(len(BAD_CELLS) + 1)
    for i, (column, cell, _) in enumerate(BAD_CELLS, 1):
        frame.loc[i, column] = cell
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InvalidPlanInput) as caught:
        load_orders(path, two_lanes)
    assert caught.value.message.startswith(f"{path}: {len(BAD_CELLS)} invalid row(s):")
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:{i + 2}: {text}" for i, (_, _, text) in enumerate(BAD_CELLS, 1)
    ]


def test_a_row_with_two_bad_cells_is_one_invalid_order(two_lanes: Network) -> None:
    """Both cells are reported; kept aside, the row is one InvalidRow with its first
    problem (in column order), so the order appears once in the plan."""
    frame = one_kilo_orders(2)
    frame.loc[1, ["weight_kg", "hs_code"]] = ["-1", "x"]
    with pytest.raises(InvalidPlanInput) as caught:
        validate_orders(frame, two_lanes, "o.csv")
    assert [(p.where, p.field) for p in caught.value.problems] == [
        ("o.csv:3", "weight_kg"),
        ("o.csv:3", "hs_code"),
    ]
    table, invalid = validate_orders(frame, two_lanes, "o.csv", skip_invalid=True)
    assert table.order_id.tolist() == ["T0000"] and table.line.tolist() == [2]
    assert [(r.line, r.order_id, r.field) for r in invalid] == [(3, "T0001", "weight_kg")]


def test_a_table_without_its_columns_or_a_file_that_is_not_there(
    two_lanes: Network, tmp_path: Path
) -> None:
    """Missing columns are one problem of the header (line 1); a missing file one line
    naming it."""
    frame = one_kilo_orders(1).drop(columns=["hs_code", "battery"])
    with pytest.raises(InvalidPlanInput) as caught:
        validate_orders(frame, two_lanes, "o.csv")
    assert [str(p) for p in caught.value.problems] == [
        "o.csv:1: header: missing column(s) hs_code, battery"
    ]
    with pytest.raises(InvalidPlanInput, match=r"nowhere\.csv: cannot read the orders table"):
        load_orders(tmp_path / "nowhere.csv", two_lanes)


def test_cells_become_the_arrays_the_planner_reads(two_lanes: Network) -> None:
    """Worked by hand: EUR 10.005 is 1001 cents (half up), JPY 1500 is 1500 yen; 'es' is
    ES; 6109.10 is 610910; 09:00 at +08:00 is 01:00 UTC; deliver_by a day number or
    NO_DEADLINE; batteries by rank; 'Yes' is a liquid; 10 x 20 x 30 cm is 0.006 m3."""
    frame = one_kilo_orders(2)
    frame.loc[0, ["value", "dest_country", "hs_code", "battery", "liquid"]] = [
        "10.005",
        "es",
        "6109.10",
        "loose",
        "Yes",
    ]
    frame.loc[0, ["length_cm", "width_cm", "height_cm"]] = ["10", "20", "30"]
    frame.loc[1, ["value", "currency", "deliver_by"]] = ["1500", "JPY", "2026-12-01"]
    table, _ = validate_orders(frame, two_lanes)
    assert table.value_minor.tolist() == [1001, 1500]
    assert table.dest_country.tolist() == ["ES", "ES"]
    assert table.hs_code.tolist() == ["610910", "610910"]
    assert table.battery.tolist() == [2, 0] and table.liquid.tolist() == [True, False]
    assert table.volume_m3 == pytest.approx([0.006, 0.001])
    created = datetime(2026, 11, 9, 1, 0, tzinfo=UTC).timestamp() // 60
    assert table.created_min.tolist() == [created, created]
    assert table.deliver_by.tolist() == [NO_DEADLINE, day_number(date(2026, 12, 1))]


def test_parquet_reads_as_the_same_csv_does(two_lanes: Network, tmp_path: Path) -> None:
    """The same orders as CSV and as Parquet: the very same arrays (empty cells alike)."""
    frame = one_kilo_orders(5, deliver_by="2026-12-01")
    frame.loc[2, "deliver_by"] = ""
    frame.to_csv(tmp_path / "o.csv", index=False)
    frame.to_parquet(tmp_path / "o.parquet", index=False)
    one, _ = load_orders(tmp_path / "o.csv", two_lanes)
    two, _ = load_orders(tmp_path / "o.parquet", two_lanes)
    for name in one.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name), name)


def test_resampled_demand_keeps_every_order_whole_times(two_lanes: Network) -> None:
    """4 orders x 2.5: every order twice (the copy `~2` after it) and 2 drawn a third time
    (`~3`): 10 orders, ids unique, in input order; the same seed, the same draw; x 0.5
    keeps 2 of the 4."""
    table, _ = validate_orders(one_kilo_orders(4), two_lanes)
    more = resample(table, 2.5, seed=3)
    ids = more.order_id.tolist()
    assert len(ids) == 10 and len(set(ids)) == 10
    for oid in ("T0000", "T0001", "T0002", "T0003"):
        assert oid in ids and f"{oid}~2" in ids
    assert sum(i.endswith("~3") for i in ids) == 2
    assert more.line.tolist() == sorted(more.line.tolist())
    assert ids == resample(table, 2.5, seed=3).order_id.tolist()
    fewer = resample(table, 0.5, seed=3).order_id.tolist()
    assert len(fewer) == 2 and set(fewer) <= {"T0000", "T0001", "T0002", "T0003"}


def test_a_parquet_table_with_typed_columns_reads_as_its_text(
    two_lanes: Network, tmp_path: Path
) -> None:
    """A Parquet file whose weights and sides are numbers and whose liquid flag is a
    boolean: read as the text they print as (1.5 kg, 20 cm, true)."""
    typed = one_kilo_orders(2).assign(
        weight_kg=[1.5, 2.0], length_cm=[20, 10], liquid=[True, False]
    )
    typed.to_parquet(tmp_path / "t.parquet", index=False)
    table, invalid = load_orders(tmp_path / "t.parquet", two_lanes)
    assert invalid == [] and table.weight_kg.tolist() == [1.5, 2.0]
    assert table.length_cm.tolist() == [20.0, 10.0]
    assert table.liquid.tolist() == [True, False]


WINDOW = DateWindow(
    date(2025, 10, 9), date(2027, 6, 30), "the first date of the calendar data", "the last date"
)
OUTSIDE = (
    "must be from 2025-10-09 (the first date of the calendar data) to 2027-06-30 (the last date)"
)


def test_rows_created_outside_the_window_are_named_by_line(two_lanes: Network) -> None:
    """Rows made in 2060, 9999 and 2500, and one a day before the window's first day, are
    each named by line with the window's range and the day as written; kept aside with
    skip_invalid, the other rows plan. Without a window (the library's default) the
    dates are not checked."""
    frame = one_kilo_orders(6)
    frame.loc[1, "created_at"] = "2060-11-09T09:00:00+08:00"
    frame.loc[2, "created_at"] = "9999-11-09T09:00:00+08:00"
    frame.loc[3, "created_at"] = "2500-01-01T00:00:00Z"
    frame.loc[4, "created_at"] = "2025-10-08T23:59:00+00:00"
    with pytest.raises(InvalidPlanInput) as caught:
        validate_orders(frame, two_lanes, "o.csv", window=WINDOW)
    assert caught.value.message.startswith("o.csv: 4 invalid row(s):")
    assert [str(p) for p in caught.value.problems] == [
        f"o.csv:3: created_at: {OUTSIDE}, got 2060-11-09",
        f"o.csv:4: created_at: {OUTSIDE}, got 9999-11-09",
        f"o.csv:5: created_at: {OUTSIDE}, got 2500-01-01",
        f"o.csv:6: created_at: {OUTSIDE}, got 2025-10-08",
    ]
    table, invalid = validate_orders(frame, two_lanes, "o.csv", skip_invalid=True, window=WINDOW)
    assert table.order_id.tolist() == ["T0000", "T0005"]
    assert [(r.line, r.field) for r in invalid] == [(n, "created_at") for n in (3, 4, 5, 6)]
    out = plan_table(plan_orders(table, two_lanes, PARAMS, invalid=invalid))
    assert list(out["status"]) == ["planned", "invalid", "invalid", "invalid", "invalid", "planned"]
    unchecked, _ = validate_orders(frame, two_lanes)
    assert len(unchecked) == 6


def test_the_window_holds_the_day_as_written_at_its_offset(two_lanes: Network) -> None:
    """The day a row is made is the day its text says at its own offset (as the order
    parser of the API reads it), not its day in UTC: 2027-06-30 23:30 at -02:00 (July 1
    in UTC) is in; 2027-07-01 00:30 at +02:00 (June 30 in UTC) is out."""
    frame = one_kilo_orders(2)
    frame.loc[0, "created_at"] = "2027-06-30T23:30:00-02:00"
    frame.loc[1, "created_at"] = "2027-07-01T00:30:00+02:00"
    table, invalid = validate_orders(frame, two_lanes, "o.csv", skip_invalid=True, window=WINDOW)
    assert table.order_id.tolist() == ["T0000"]
    assert [(r.line, r.message) for r in invalid] == [(3, f"{OUTSIDE}, got 2027-07-01")]


def test_files_that_are_not_tables_are_one_error_naming_them(
    two_lanes: Network, tmp_path: Path
) -> None:
    """An empty CSV, a .parquet that is not Parquet, a directory: one InvalidPlanInput
    each, naming the file (never pandas' or Arrow's exception); a CSV of its header alone
    is a table of no orders."""
    empty, garbage, folder = tmp_path / "e.csv", tmp_path / "g.parquet", tmp_path / "d.csv"
    empty.write_bytes(b"")
    garbage.write_bytes(b"PAR1 but not really")
    folder.mkdir()
    cases = [
        (empty, f"{empty}: the orders table is empty (not even a header)"),
        (garbage, f"{garbage}: cannot read the orders table as Parquet: "),
        (folder, f"{folder}: cannot read the orders table: it is a directory"),
    ]
    for path, message in cases:
        with pytest.raises(InvalidPlanInput) as caught:
            load_orders(path, two_lanes)
        assert caught.value.message.startswith(message) and "\n" not in caught.value.message
    header = tmp_path / "h.csv"
    header.write_text(",".join(COLUMNS) + "\n")
    table, invalid = load_orders(header, two_lanes)
    assert len(table) == 0 and invalid == []


def test_parquet_nulls_are_missing_cells_not_nan(two_lanes: Network, tmp_path: Path) -> None:
    """Nulls of a Parquet file read as empty cells, as in a CSV: a null postal code is
    'is required' (not the code 'nan'), a null weight is an empty one, a null deliver_by
    is no deadline; the text 'nan' stays text (and is no Spanish postal code)."""
    frame = one_kilo_orders(3, deliver_by="2026-12-01")
    frame["dest_postal_code"] = pd.array(["28001", None, "nan"], dtype="str")
    frame["deliver_by"] = pd.array(["2026-12-01", "2026-12-01", None], dtype="str")
    frame["weight_kg"] = [1.0, np.nan, 3.0]
    path = tmp_path / "n.parquet"
    frame.to_parquet(path, index=False)
    with pytest.raises(InvalidPlanInput) as caught:
        load_orders(path, two_lanes)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3: dest_postal_code: is required",
        f"{path}:3: weight_kg: must be a number > 0, got ''",
        f"{path}:4: dest_postal_code: 'nan' is not a postal code of ES (like '28013')",
    ]
    table, _ = load_orders(path, two_lanes, skip_invalid=True)
    assert table.dest_postal_code.tolist() == ["28001"]
    assert table.deliver_by.tolist() == [day_number(date(2026, 12, 1))]
    assert table.weight_kg.tolist() == [1.0]


def test_seller_columns_are_optional_and_read_as_flags(two_lanes: Network) -> None:
    """A table without the seller columns loads as before (no programme); with them, each
    is a bit of `seller` in SELLER_FLAGS' order (an empty cell is false); a bad one is a
    bad cell of its column."""
    frame = one_kilo_orders(3)
    table, _ = validate_orders(frame, two_lanes)
    assert table.seller.tolist() == [0, 0, 0]
    frame["seller_ioss_registered"] = ["true", "", "no"]
    frame["seller_cross_border_marketplace"] = ["1", "true", "maybe"]
    with pytest.raises(InvalidPlanInput) as caught:
        validate_orders(frame, two_lanes, "o.csv")
    assert [str(p) for p in caught.value.problems] == [
        "o.csv:4: seller_cross_border_marketplace: must be true or false, got 'maybe'"
    ]
    frame.loc[2, "seller_cross_border_marketplace"] = "false"
    table, _ = validate_orders(frame, two_lanes)
    ioss, marketplace = (
        1 << SELLER_FLAGS.index(f) for f in ("ioss_registered", "cross_border_marketplace")
    )
    assert table.seller.tolist() == [ioss | marketplace, marketplace, 0]
    assert tuple(f"seller_{f}" for f in SELLER_FLAGS) == OPTIONAL_COLUMNS


def test_the_day_an_order_was_made_is_the_day_written(two_lanes: Network) -> None:
    """01:00 on 10 November at +08:00 is 9 November in UTC, yet made on 10 November (the
    day a quote at checkout applies); a table built in code without offsets counts UTC."""
    frame = one_kilo_orders(2)
    frame.loc[0, "created_at"] = "2026-11-10T01:00:00+08:00"
    frame.loc[1, "created_at"] = "2026-11-10T01:00:00Z"
    table, _ = validate_orders(frame, two_lanes)
    assert table.utc_offset_min.tolist() == [480, 0]
    assert table.created_day.tolist() == [day_number(date(2026, 11, 10))] * 2
    assert table.created_min[0] // 1440 == day_number(date(2026, 11, 9))
    bare = OrdersTable(**{f: getattr(table, f) for f in COLUMN_FIELDS})
    assert bare.utc_offset_min.tolist() == [0, 0] and bare.seller.tolist() == [0, 0]
    assert bare.take(np.array([1])).created_day.tolist() == [day_number(date(2026, 11, 10))]
