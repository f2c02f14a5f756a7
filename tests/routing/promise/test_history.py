"""routing/promise/history.py: reading a user's shipment history as it comes (encodings,
line ends, date formats, their own column names), and saying what was left out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carriers.errors import InvalidHistory
from routing.calendar import utc_minutes
from routing.promise import parse_columns, read_history
from routing.promise.history import history_from_frame, parse_times, table_from_bytes
from tests.helpers import DATA

MESSY = DATA / "promise_history" / "messy.csv"
MESSY_COLUMNS = {
    "shipment_id": "Ship ID",
    "mode": "Mode of Transport",
    "destination": "Dest Country",
    "shipped_at": "PO Sent",
    "delivered_at": "Delivered On",
    "promised_at": "Scheduled",
}


def minutes(*args: int) -> float:
    """UTC minutes since the epoch of a UTC date-time."""
    return float(utc_minutes(datetime(*args, tzinfo=UTC)))


def frame(**columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns, dtype=str)


def test_read_a_messy_export_under_its_own_column_names() -> None:
    """BOM, CR line ends, 2-Jun-06 / 6/2/06 dates: 11 shipments read, 2 without a shipping
    date and 1 delivered before it shipped left out and counted."""
    history = read_history(MESSY, MESSY_COLUMNS)
    assert len(history) == 11 and history.date_only
    assert sorted(history.dropped.values()) == [1, 2]
    assert set(history.service) == {"Air", "Truck"}
    assert history.days[0] == 10  # 2006-06-02 to 2006-06-12
    assert history.promised is not None and not np.isnan(history.promised).any()


def test_column_mapping_errors_say_what_to_do() -> None:
    """A malformed or unknown mapping, or a missing required column, is an InvalidHistory."""
    with pytest.raises(InvalidHistory, match="NAME=COLUMN"):
        parse_columns(["shipped_at"])
    with pytest.raises(InvalidHistory, match="unknown column name"):
        parse_columns(["shipdate=PO Sent"])
    with pytest.raises(InvalidHistory, match="--columns shipped_at="):
        read_history(MESSY)


def test_column_pairs_come_comma_separated_or_one_per_option() -> None:
    """Pairs split on commas and across options, with spaces trimmed; leg columns are
    names too."""
    mapping = parse_columns(["shipped_at = PO Sent, delivered_at=Got it,", "leg2_service=Via"])
    assert mapping == {"shipped_at": "PO Sent", "delivered_at": "Got it", "leg2_service": "Via"}


def test_times_with_an_offset_are_read_in_utc() -> None:
    """10:00 at +01:00 is 09:00 UTC, 2026-03-05T10:00Z is itself; neither is date-only."""
    read, date_only = parse_times(pd.Series(["2026-03-05T10:00+01:00", "2026-03-05T10:00Z"]))
    assert list(read) == [minutes(2026, 3, 5, 9), minutes(2026, 3, 5, 10)]
    assert not date_only


def test_each_column_is_read_in_the_format_that_reads_most_of_it() -> None:
    """02/06/2006 and 13/06/2006 read as day/month (13 cannot be a month); an unreadable
    cell is NaN, an empty one too; dates alone are date-only."""
    read, date_only = parse_times(pd.Series(["02/06/2006", "13/06/2006", "soon", ""]))
    assert list(read[:2]) == [minutes(2006, 6, 2), minutes(2006, 6, 13)]
    assert np.isnan(read[2:]).all() and date_only


def test_windows_1252_and_cr_line_ends_are_read() -> None:
    """A cp1252 é (not UTF-8) and old-Mac CR line ends give the same cells as UTF-8."""
    text = "shipped_at,delivered_at,destination\r2026-03-01,2026-03-04,Côte d'Ivoire\r"
    table = table_from_bytes(text.encode("cp1252"))
    assert table.to_dict("list") == {
        "shipped_at": ["2026-03-01"],
        "delivered_at": ["2026-03-04"],
        "destination": ["Côte d'Ivoire"],
    }


def test_an_empty_file_is_not_a_table() -> None:
    """No header at all is an InvalidHistory naming the file."""
    with pytest.raises(InvalidHistory, match=r"h\.csv: not a CSV table"):
        table_from_bytes(b"", "h.csv")


def test_service_and_lane_fall_back_on_mode_and_places() -> None:
    """Without `service` the mode names the fit; without `lane`, origin>destination, else the
    destination alone, else no lane; glocal's own names need no mapping, in any case."""
    times = {"Shipped_At": ["2026-03-01"], "DELIVERED_AT": ["2026-03-04"]}
    both = history_from_frame(frame(**times, mode=["air"], origin=["CN"], destination=["ES"]))
    assert list(both.service) == ["air"] and list(both.lane) == ["CN>ES"]
    one = history_from_frame(frame(**times, destination=["ES"]))
    assert list(one.service) == ["all"] and list(one.lane) == ["ES"]
    assert list(history_from_frame(frame(**times)).lane) == [""]


def test_unreadable_and_backwards_rows_are_left_out_and_counted() -> None:
    """Of four rows, one with no shipping date and one delivered before it shipped are left
    out, each counted under its reason; the two kept take 3 and 0 days."""
    history = history_from_frame(
        frame(
            shipped_at=["2026-03-01", "", "2026-03-05", "2026-03-07"],
            delivered_at=["2026-03-04", "2026-03-04", "2026-03-02", "2026-03-07"],
        )
    )
    assert list(history.days) == [3.0, 0.0]
    assert history.dropped["delivered before shipped"] == 1
    assert [n for reason, n in history.dropped.items() if "shipped_at unreadable" in reason] == [1]


def test_a_table_with_no_readable_shipment_is_refused() -> None:
    """When no row has both dates, there is nothing to fit: InvalidHistory."""
    with pytest.raises(InvalidHistory, match="no shipment has readable"):
        history_from_frame(frame(shipped_at=["never"], delivered_at=["2026-03-04"]))


def test_leg_scans_are_read_per_leg_and_kept_with_their_rows() -> None:
    """leg1 columns become one LegScans aligned with the rows kept; leg2, missing its
    arrival column, is not a leg."""
    history = history_from_frame(
        frame(
            shipped_at=["2026-03-01T08:00Z", "", "2026-03-02T08:00Z"],
            delivered_at=["2026-03-04T08:00Z", "2026-03-04T08:00Z", "2026-03-06T08:00Z"],
            leg1_service=["air", "air", "sea"],
            leg1_departed_at=["2026-03-01T12:00Z", "", "2026-03-02T12:00Z"],
            leg1_arrived_at=["2026-03-02T12:00Z", "", "2026-03-05T00:00Z"],
            leg2_service=["post", "post", "post"],
            leg2_departed_at=["2026-03-03T00:00Z", "", ""],
        )
    )
    assert len(history.legs) == 1
    leg = history.legs[0]
    assert list(leg.service) == ["air", "sea"]
    assert list(leg.departed) == [minutes(2026, 3, 1, 12), minutes(2026, 3, 2, 12)]
    assert list(leg.arrived) == [minutes(2026, 3, 2, 12), minutes(2026, 3, 5)]


def test_take_keeps_rows_legs_and_promises_together() -> None:
    """Taking rows takes the same rows of every column (legs and promises too); months are
    the UTC months of the shipping times."""
    history = read_history(MESSY, MESSY_COLUMNS)
    part = history.take(np.array([0, 5]))
    assert len(part) == 2 and list(part.month) == [6, 8]
    assert list(part.days) == [history.days[0], history.days[5]]
    assert part.promised is not None and history.promised is not None
    assert list(part.promised) == [history.promised[0], history.promised[5]]


def test_a_missing_file_is_an_invalid_history(tmp_path: Path) -> None:
    """A path that is not a file is refused by name, before anything is read."""
    with pytest.raises(InvalidHistory, match=r"none\.csv: no such file"):
        read_history(tmp_path / "none.csv")


def test_weights_mode_and_places_are_kept_for_the_learned_promise() -> None:
    """Weights that are not numbers are unknown, never zero; mode, origin, destination and
    shipper come through as the table says; two histories concatenate in order."""
    import pandas as pd

    from routing.promise.history import history_from_frame

    frame = pd.DataFrame(
        {
            "shipped_at": ["2026-01-02", "2026-01-03"],
            "delivered_at": ["2026-01-09", "2026-01-20"],
            "mode": ["Air", "Ocean"],
            "origin": ["CN", "VN"],
            "destination": ["ES", "BR"],
            "weight_kg": ["1,250", "Weight Captured Separately"],
            "shipper": ["Vendor A", ""],
        }
    )
    h = history_from_frame(frame, source="tiny")
    assert h.weight_kg is not None and h.weight_kg[0] == 1250 and np.isnan(h.weight_kg[1])
    assert list(h.mode) == ["Air", "Ocean"] and list(h.destination) == ["ES", "BR"]
    assert h.shipper is not None and list(h.shipper) == ["Vendor A", ""]
    both = h.concat(h.take(np.array([1])))
    assert len(both) == 3 and list(both.origin) == ["CN", "VN", "VN"]
    assert list(both.shipper) == ["Vendor A", "", ""]
    assert both.promised is None
