"""routing/promise/comb.py: a transit spread from daily departures by one small matrix
product per hour of day is the direct convolution, on hand-made combs and random ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.promise.comb import fold, phases, spread


def direct(hours: list[int], mass: list[float], p: np.ndarray) -> np.ndarray:
    """out[t] = sum_k mass[k] p[t - (hours[k] - hours[0])], summed term by term."""
    out = np.zeros(hours[-1] - hours[0] + len(p))
    for h, m in zip(hours, mass, strict=True):
        for i, q in enumerate(p):
            out[h - hours[0] + i] += m * q
    return out


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(0, 120), min_size=1, max_size=60, unique=True),
    shift=st.sampled_from([0, 0, 1, -1, 5]),
    width=st.integers(1, 900),
    seed=st.integers(0, 2**32 - 1),
)
def test_day_comb_spread_is_the_direct_convolution(
    days: list[int], shift: int, width: int, seed: int
) -> None:
    """Spreading a transit from departures at one hour of day (some an hour off, as across
    a daylight-saving change, or at random hours) equals the direct convolution to
    rounding (1e-15 of the mass)."""
    rng = np.random.default_rng(seed)
    day = np.sort(np.array(days, dtype=np.int64))
    hours = 500_000 + 24 * day + np.where(rng.random(len(day)) < 0.5, 0, shift)
    hours = np.unique(hours if shift != 5 else hours + rng.integers(0, 24, len(day)))
    mass = rng.random(len(hours))
    p = rng.random(width)
    p /= p.sum()
    rel = hours - hours[0]
    direct = np.convolve(np.bincount(rel, weights=mass), p)
    comb = spread(hours, mass, fold(p), len(direct))
    if comb is not None:  # (None: too many hours of day for a comb)
        assert len(comb) == len(direct) and np.max(np.abs(comb - direct)) < 1e-15 * len(hours)


def test_three_daily_departures_spread_a_two_hour_transit() -> None:
    """Departures at the same hour of three days (mass 0.5, 0.3, 0.2) and a transit of one
    or two hours (0.25, 0.75): mass 0.125, 0.375 in hours 0, 1; 0.075, 0.225 in hours 24,
    25; 0.05, 0.15 in hours 48, 49; nothing elsewhere (worked on paper; equal to rounding)."""
    hours, mass, p = np.array([1000, 1024, 1048]), np.array([0.5, 0.3, 0.2]), np.array([0.25, 0.75])
    out = spread(hours, mass, fold(p), 50)
    assert out is not None
    expected = np.zeros(50)
    expected[[0, 1, 24, 25, 48, 49]] = [0.125, 0.375, 0.075, 0.225, 0.05, 0.15]
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-16)


@pytest.mark.parametrize(
    "hours",
    [
        [5, 53],  # two days apart, a transit longer than a day between them
        [5, 29, 52, 76],  # an hour earlier after a daylight-saving change: two phases
        [5, 28, 54, 79, 101],  # four hours of day, the most a comb takes
        [7],  # a single departure
    ],
)
def test_a_comb_of_departures_is_the_direct_convolution(hours: list[int]) -> None:
    """A 30-hour transit (two folded rows) from a few departures, summed term by term."""
    p = np.arange(1, 31) / 465
    mass = [0.1 * (k + 1) for k in range(len(hours))]
    expected = direct(hours, mass, p)
    out = spread(np.array(hours), np.array(mass), fold(p), len(expected))
    assert out is not None
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-16)


def test_spread_stops_at_n_hours() -> None:
    """Asked for fewer hours than the support, spread returns exactly the first ones."""
    p = np.arange(1, 31) / 465
    out = spread(np.array([5, 29, 52]), np.array([0.2, 0.3, 0.5]), fold(p), 40)
    assert out is not None
    np.testing.assert_allclose(out, direct([5, 29, 52], [0.2, 0.3, 0.5], p)[:40], atol=1e-16)


def test_five_hours_of_day_are_not_a_comb() -> None:
    """Departures at five different hours of day have five phases: no comb (None), and the
    caller convolves directly; one hour of day is one phase selecting everything."""
    hours = np.array([0, 25, 50, 75, 100])
    assert phases(hours) == []
    assert spread(hours, np.full(5, 0.2), fold(np.array([1.0])), 101) is None
    [(hour, everything)] = phases(np.array([3, 27, 51]))
    assert hour == 3 and everything == slice(None)
    assert [h for h, _ in phases(np.array([3, 26, 51]))] == [2, 3]


def test_fold_lays_a_histogram_out_in_days_last_day_first() -> None:
    """Thirty hours fold into two rows of 24: hours 24-29 then 18 zeros, then hours 0-23;
    the rows are read-only (they are shared by every leg of the histogram)."""
    p = np.arange(30.0)
    rows = fold(p)
    assert rows.shape == (2, 24)
    assert list(rows[0]) == [*range(24, 30), *[0] * 18] and list(rows[1]) == list(range(24))
    assert not rows.flags.writeable
