"""Evaluating the learned promise as it would have run: coverage, widths, the schedule
beside it, coverage over time and the segments that miss most."""

from __future__ import annotations

import numpy as np
import pytest

from carriers.errors import InvalidHistory
from routing.calendar import MINUTES_PER_DAY
from routing.promise.learned import LearnParams
from routing.promise.online import evaluate_online, summary
from routing.promise.quantiles import BoostParams
from tests.routing.promise.conftest import synthetic

FAST = LearnParams(boost=BoostParams(trees=40))


def test_random_split_holds_its_levels_on_exchangeable_history(history) -> None:
    """Shipments in random order are exchangeable: P90 and P95 cover about their level."""
    e = evaluate_online(history, "random", 0.7, FAST)
    assert e.n_test == 450 and e.split == "random"
    assert 0.86 <= e.coverage(0.9) <= 0.95
    assert 0.92 <= e.coverage(0.95) <= 0.99
    mean, median = e.widths()
    assert mean > 0 and median > 0
    assert e.schedule() is None and e.at_schedule_lead() is None


def test_time_split_recovers_after_a_slowdown() -> None:
    """Air slows by 60 % from day 200 (after the fit): coverage dips, then the adaptive
    layer brings the last two months' P95 back within 4 points of 95 %."""
    h = synthetic(3000, seed=4, slower_from=200)
    e = evaluate_online(h, "time", 0.5, FAST)
    ends, share = e.rolling(0.95, days=28)
    first = ends.min()
    assert np.nanmin(share) < 0.9
    late = ends >= first + 100
    hit = e.delivered_day <= e.column(0.95)
    assert abs(hit[e.shipped_day >= e.shipped_day.max() - 60].mean() - 0.95) <= 0.04
    assert late.any()


def test_schedule_is_compared_at_equal_mean_lead() -> None:
    """A history whose schedule is its own P50: glocal at the schedule's lead covers about
    as much as the schedule does."""
    h = synthetic(1200, seed=5)
    schedule = h.shipped + np.where(h.mode == "air", 6, 30) * MINUTES_PER_DAY
    h = type(h)(**{**h.__dict__, "promised": schedule.astype(float)})
    e = evaluate_online(h, "time", 0.7, FAST)
    own = e.schedule()
    assert own is not None and 0.3 < own[0] < 0.8
    at = e.at_schedule_lead()
    assert at is not None and abs(at - own[0]) < 0.25
    assert e.after_schedule(0.95) is not None and e.after_schedule(0.95) > 0
    figures = summary(e)
    assert figures["schedule"] is not None and set(figures["coverage"]) >= {"P50", "P90", "P95"}


def test_worst_segments_come_first() -> None:
    e = evaluate_online(synthetic(3000, seed=4, slower_from=200), "time", 0.5, FAST)
    rows = e.worst_segments(0.95, least=20)
    assert rows == sorted(rows, key=lambda r: r[2])
    assert rows[0][0].startswith("air")


def test_unknown_split_and_too_few_shipments_are_refused() -> None:
    with pytest.raises(InvalidHistory, match="--split must be one of time, random"):
        evaluate_online(synthetic(100), "yearly")
    with pytest.raises(InvalidHistory, match="too few to split"):
        evaluate_online(synthetic(3), "time")
