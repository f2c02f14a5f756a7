"""routing/promise/calibration.py: fitting transit distributions from shipment history,
and evaluating the promises they make on held-out shipments."""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carriers.errors import InvalidRule
from carriers.model import TransitTime
from routing.network import load_network
from routing.promise import (
    Calibration,
    CalibrationParams,
    History,
    calibrate,
    evaluate,
    simulate_history,
)
from routing.promise.calibration import LEG, fit_transit, fitting_days, shrunk, split_by_time
from routing.promise.history import history_from_frame
from tests.helpers import DATA

WORLD = load_network(DATA / "promise_world")


@cache
def simulated(n: int, seed: int = 11) -> History:
    return history_from_frame(simulate_history(WORLD, n, seed=seed), source="simulated")


def sample(t: TransitTime, n: int, seed: int = 0) -> np.ndarray:
    z = np.random.default_rng(seed).standard_normal(n)
    return t.min_days + np.exp(t.mu + t.sigma * z)


def test_fit_recovers_a_shifted_log_normal() -> None:
    """On 50,000 draws the fit's min, P50, P90 and P95 are within 0.1 day of the truth."""
    truth = TransitTime(2.0, 5.0, 9.0)
    fit = fit_transit(sample(truth, 50_000))
    for a, b in ((fit.min_days, 2.0), (fit.p50_days, 5.0), (fit.p90_days, 9.0)):
        assert abs(a - b) < 0.1
    assert abs(fit.p95_days - truth.p95_days) < 0.15


def test_calibration_recovers_the_simulated_services() -> None:
    """Simulate 20,000 shipments of the world, fit each leg's service from its scan events:
    every fitted P90 is within a day of the P90 it was simulated from (P50 within half)."""
    fits = calibrate(simulated(20_000))
    for service in WORLD.services:
        fit = fits.find(service.id, level=LEG)
        assert fit is not None and fit.n > 200, service.id
        assert abs(fit.transit.p90_days - service.transit.p90_days) < 1.0, service.id
        assert abs(fit.transit.p50_days - service.transit.p50_days) < 0.5, service.id


def test_small_groups_lean_on_their_service() -> None:
    """A lane with 6 slow shipments gets a P50 between its own and its service's; with no
    prior weight it keeps its own; under min_group it has no fit of its own."""
    fast, slow = sample(TransitTime(1, 3, 6), 400, seed=1), np.full(6, 20.0) + np.arange(6)
    history = _history(np.concatenate([fast, slow]), ["A"] * 400 + ["B"] * 6)
    service = calibrate(history).transit("air")
    shrunk = calibrate(history, CalibrationParams(prior_strength=20)).transit("air", "B")
    own = calibrate(history, CalibrationParams(prior_strength=0)).transit("air", "B")
    assert service is not None and shrunk is not None and own is not None
    assert service.p50_days < shrunk.p50_days < own.p50_days
    assert abs(own.p50_days - 22.5) < 0.01
    fallback = calibrate(history, CalibrationParams(min_group=7)).find("air", "B")
    assert fallback is not None and fallback.lane == ""


def test_month_groups_catch_a_slow_season() -> None:
    """Shipments in February take twice as long: the February fit says so, March does not."""
    rng = np.random.default_rng(3)
    shipped = pd.Timestamp("2026-02-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 56, 600), "D")
    days = np.where(shipped.month == 2, 10.0, 5.0) + rng.exponential(1.0, 600)
    history = _history(days, ["A"] * 600, shipped)
    calibration = calibrate(history)
    february, march = calibration.transit("air", "A", 2), calibration.transit("air", "A", 3)
    assert february is not None and march is not None
    assert february.p50_days > march.p50_days + 3


def test_date_only_ties_are_spread_within_the_day() -> None:
    """Durations of date-only histories are spread over [d, d + 1), keeping their day."""
    history = _history(np.array([3.0, 3.0, 3.0, 5.0]), ["A"] * 4, date_only=True)
    spread = fitting_days(history)
    assert np.all(np.floor(spread) == [3, 3, 3, 5]) and len(set(spread[:3])) == 3


def test_evaluate_splits_by_time_and_covers_as_promised() -> None:
    """Fit on the earliest 70 %, test on the rest: the test part starts after the training
    part ends, and on a stationary simulated history P90 / P95 promises cover ~90 / 95 %."""
    history = simulated(8_000)
    train, test = split_by_time(history, 0.7)
    assert len(train) == 5_600 and train.shipped.max() <= test.shipped.min()
    result = evaluate(history)
    assert result.n_train == 5_600 and result.n_test + result.n_unpromised == 2_400
    assert 0.86 <= result.coverage[0.9] <= 0.95 and 0.92 <= result.coverage[0.95] <= 0.98
    assert result.width_days > 0


def test_calibration_file_round_trip_and_calibrated_route(tmp_path: Path) -> None:
    """Written and read back, the fits are the same; a route's services take their leg fits."""
    calibration = calibrate(simulated(8_000))
    path = tmp_path / "params.csv"
    calibration.write_csv(path)
    again = Calibration.read_csv(path)
    assert again.fits.keys() == calibration.fits.keys()
    route = (WORLD.service_by_id["air-pvg-mad"],)
    fitted = again.calibrated(route)[0].transit
    assert fitted == again.transit("air-pvg-mad", level=LEG) != route[0].transit


def test_a_small_group_meets_its_parent_halfway_in_log_excess() -> None:
    """Parent min 1, P50 3, P90 9 (excess 2 and 8 days); 20 shipments of exactly 5 days
    (excess 4) with a prior of 20 shipments: weights 1/2, so P50 = 1 + sqrt(4 x 2) and
    P90 = 1 + sqrt(4 x 8) (worked on paper); the shift stays the parent's."""
    child = shrunk(TransitTime(1.0, 3.0, 9.0), np.full(20, 5.0), prior_strength=20)
    assert child.min_days == 1.0
    assert abs(child.p50_days - (1 + math.sqrt(8))) < 1e-12
    assert abs(child.p90_days - (1 + math.sqrt(32))) < 1e-12


def test_parameters_and_fits_refuse_what_cannot_work() -> None:
    """A negative prior, groups under 3 shipments, a train share of 1, or a fit from two
    durations are ValueErrors saying what was given."""
    for bad in ({"prior_strength": -1}, {"min_group": 2}, {"train_share": 1.0}):
        with pytest.raises(ValueError, match=f"got {next(iter(bad.values()))}"):
            CalibrationParams(**bad)
    with pytest.raises(ValueError, match="at least 3 durations"):
        fit_transit(np.array([1.0, 2.0]))


def test_a_broken_calibration_file_names_its_line(tmp_path: Path) -> None:
    """A row whose P50 is not a number is an InvalidRule at file:line."""
    path = tmp_path / "params.csv"
    path.write_text(
        "level,service,lane,month,n,min_days,p50_days,p90_days,p95_days\n"
        "leg,air,,0,40,1.0,2.0,4.0,5.0\n"
        "leg,sea,,0,40,20.0,soon,40.0,45.0\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidRule, match=re.escape(f"{path}:3: not a calibration row")):
        Calibration.read_csv(path)


def _history(
    days: np.ndarray,
    lanes: list[str],
    shipped: pd.DatetimeIndex | None = None,
    date_only: bool = False,
) -> History:
    if shipped is None:
        shipped = pd.date_range("2026-03-01", periods=len(days), freq="h", tz="UTC")
    minutes = (
        (shipped - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(minutes=1)
    ).to_numpy()
    return History(
        shipped=minutes,
        delivered=minutes + days * 1440,
        service=np.full(len(days), "air", dtype=object),
        lane=np.array(lanes, dtype=object),
        date_only=date_only,
    )
