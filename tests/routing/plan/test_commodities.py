"""routing/plan/commodities.py: orders that the model may treat alike (one origin, the
same lanes open to them, the same local ready day, the same deadline bucket) grouped into
commodities, with their members' mean kg, m3 and lane prices."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from routing.calendar import day_number
from routing.network import Network
from tests.routing.plan.conftest import MONDAY, first_stages, one_kilo_orders


def test_the_ready_day_is_the_origins_local_date_of_creation(two_lanes: Network) -> None:
    """Yiwu is on UTC+8. Monday 09:00 and Monday 23:30 there are Monday; Tuesday 09:00,
    and Monday 20:00 in New York (Tuesday 09:00 in Yiwu), are Tuesday: two commodities,
    members by creation time then input order, ready at the end of their day in Yiwu
    (Monday 23:59 there is 15:59 UTC)."""
    frame = one_kilo_orders(4)
    frame["created_at"] = [
        "2026-11-09T09:00:00+08:00",
        "2026-11-10T09:00:00+08:00",
        "2026-11-09T23:30:00+08:00",
        "2026-11-09T20:00:00-05:00",
    ]
    com = first_stages(two_lanes, frame).com
    assert com.of_order.tolist() == [0, 1, 0, 1]
    assert com.orders_of(0).tolist() == [0, 2] and com.orders_of(1).tolist() == [1, 3]
    monday = day_number(MONDAY)
    assert com.ready_day.tolist() == [monday, monday + 1]
    end_of_monday = datetime(2026, 11, 9, 15, 59, tzinfo=UTC).timestamp() // 60
    assert com.ready_min.tolist() == [end_of_monday, end_of_monday + 1440]
    assert com.count.tolist() == [2, 2] and com.origin.tolist() == ["CN-YIW-WH"] * 2


def test_deadlines_share_a_commodity_within_a_bucket(two_lanes: Network) -> None:
    """Ready on 9 November, buckets of 2 days: 1 and 2 December (22 and 23 days: bucket
    11) go together, 3 December (24 days: bucket 12) apart, and no deadline apart."""
    frame = one_kilo_orders(4)
    frame["deliver_by"] = ["2026-12-01", "2026-12-02", "2026-12-03", ""]
    com = first_stages(two_lanes, frame).com
    of = com.of_order.tolist()
    assert of[0] == of[1] and len({of[0], of[2], of[3]}) == 3
    assert len(com) == 3
    wide = first_stages(two_lanes, frame, bucket_days=30).com
    assert len(wide) == 2  # 22, 23 and 24 days all in bucket 0


def test_orders_the_lanes_treat_differently_are_apart(two_lanes: Network) -> None:
    """A 31 kg parcel has no price on any lane (every card ends at 30 kg): refused by
    all, it is not in the one-kilo orders' commodity."""
    frame = one_kilo_orders(3)
    frame.loc[1, "weight_kg"] = "31"
    com = first_stages(two_lanes, frame).com
    assert len(com) == 2
    c = com.of_order[1]
    assert not com.allowed[:, c].any() and com.allowed[:, com.of_order[0]].all()
    assert com.count[c] == 1 and com.orders_of(c).tolist() == [1]


def test_a_commodity_holds_its_members_means(two_lanes: Network) -> None:
    """1 kg and 2.345 kg: mean 1.6725 kg; rail (EUR 1/kg) 100 and 235 cents, mean 167.5;
    air (EUR 3/kg) 300 and 704, mean 502; the post 100. Count x mean is the members' sum."""
    frame = one_kilo_orders(2)
    frame.loc[1, ["weight_kg", "height_cm"]] = ["2.345", "30"]
    s = first_stages(two_lanes, frame)
    com, k = s.com, two_lanes.compiled.service_index
    assert len(com) == 1
    assert com.kg.tolist() == pytest.approx([1.6725])
    assert com.m3.tolist() == pytest.approx([(0.001 + 0.003) / 2])
    assert com.price[[k["lanes-rail"], k["lanes-air"], k["post-es"]], 0].tolist() == [
        167.5,
        502.0,
        100.0,
    ]
    assert np.allclose(com.price[:, 0] * com.count[0], s.lanes.price.sum(axis=1))
