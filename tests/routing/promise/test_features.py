"""The feature pipeline of the learned promise on a tiny handmade history."""

from __future__ import annotations

import numpy as np

from routing.calendar import MINUTES_PER_DAY
from routing.promise import features as ft
from routing.promise.history import History

DAY = MINUTES_PER_DAY
JAN_1, MAR_1 = 20454 * DAY, 20513 * DAY  # 2026-01-01, 2026-03-01 (UTC)


def tiny() -> History:
    """Three shipments: one with a schedule and a weight, one without either, one of an
    unknown mode read from its service."""
    return History(
        shipped=np.array([JAN_1, JAN_1 + 2 * DAY, MAR_1]),
        delivered=np.array([JAN_1 + 12 * DAY, JAN_1 + 9 * DAY, MAR_1 + 30 * DAY]),
        service=np.array(["air-1", "sea-1", "rail-1"], dtype=object),
        lane=np.array(["CN>ES", "CN>BR", "ES"], dtype=object),
        promised=np.array([JAN_1 + 10 * DAY, np.nan, np.nan]),
        mode=np.array(["air", "sea", ""], dtype=object),
        weight_kg=np.array([1.5, np.nan, 2000.0]),
    )


def test_columns_read_lanes_schedules_weights_and_season() -> None:
    """Origin and destination come from the lane when the table has none; the lead time is
    the schedule less the shipping time; weights fall in their bands; month is the season."""
    raw = ft.columns(tiny())
    assert list(raw["origin"]) == ["CN", "CN", ""]
    assert list(raw["destination"]) == ["ES", "BR", "ES"]
    assert list(raw["mode"]) == ["air", "sea", ""]
    assert raw["lead_days"][0] == 10 and np.isnan(raw["lead_days"][1:]).all()
    assert (
        raw["weight_band"][0] == 1
        and np.isnan(raw["weight_band"][1])
        and raw["weight_band"][2] == 7
    )
    assert list(raw["month"]) == [1, 1, 3]


def test_target_runs_from_the_schedule_where_there_is_one() -> None:
    """Delivered two days after its schedule: +2; without a schedule: days from shipping."""
    assert list(ft.target_days(tiny())) == [2.0, 7.0, 30.0]


def test_vocabulary_codes_unseen_and_empty_values_as_missing() -> None:
    """A value the fitting history never had is NaN, never another value's code."""
    raw = ft.columns(tiny())
    vocabulary = ft.Vocabulary.learn(raw)
    assert vocabulary.values["mode"] == ("air", "sea")
    codes = vocabulary.codes("mode", np.array(["sea", "air", "postal", ""], dtype=object))
    assert codes[:2].tolist() == [1.0, 0.0] and np.isnan(codes[2:]).all()
    x = ft.matrix(raw, vocabulary)
    assert x.shape == (3, len(ft.NAMES))
    assert ft.Vocabulary.from_dict(vocabulary.as_dict()) == vocabulary


def test_segments_say_whether_a_schedule_was_known() -> None:
    raw = ft.columns(tiny())
    keys = ft.segments(raw, ("mode",), np.array([True, False, False]))
    assert list(keys) == ["scheduled|air", "unscheduled|sea", "unscheduled|"]


def test_shipper_is_a_segment_not_a_booster_feature() -> None:
    """A history without shippers segments them as unknown (""), and so does a quote's
    lane, whose raw columns carry none; the booster's matrix never reads it."""
    raw = ft.columns(tiny())
    assert list(raw["shipper"]) == ["", "", ""]
    assert "shipper" in ft.SEGMENTABLE and "shipper" not in ft.NAMES
    scheduled = np.array([True, False, False])
    keys = ft.segments(raw, ("shipper", "destination"), scheduled)
    assert list(keys) == ["scheduled||ES", "unscheduled||BR", "unscheduled||ES"]
    del raw["shipper"]
    assert list(ft.segments(raw, ("shipper", "destination"), scheduled)) == list(keys)
