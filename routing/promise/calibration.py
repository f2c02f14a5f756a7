"""Calibration: fit transit-time distributions from shipment history, and test them.

Each group of shipments gets a shifted log-normal, the same shape as a service's
`transit_days` (min, P50, P90). The fit matches the group's empirical P50 and P90 exactly
and places the shift where three quantiles agree with a log-normal:
(P50 - m)^2 = (P10 - m)(P90 - m), so m = (P10 P90 - P50^2) / (P10 + P90 - 2 P50), clipped
to [0, fastest shipment). Quantiles are robust to the outliers histories are full of.

Groups nest: service -> (service, lane) -> (service, lane, calendar month). A child group
with n shipments keeps its parent's shift and pulls its log P50 - m and log P90 - m
towards the parent's with weight k / (n + k) (k = `prior_strength`): a lane-month of five
shipments says little, one of five hundred speaks for itself. Groups under `min_group`
shipments are not fitted and fall back to their parent.

With per-leg scan events, each leg's service gets its own fit ("leg" level) from its
departure-to-arrival times: what a network's `transit_days` are.

`evaluate` splits a history by time (fit on the earlier shipments, test on the later) and
measures how often parcels arrive by the promised P50 / P90 / P95 dates, and how wide the
promise is.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from carriers.errors import InvalidHistory, InvalidRule
from carriers.model import TransitTime
from routing.calendar import MINUTES_PER_DAY
from routing.network import Route
from routing.promise.history import History

SHIPMENT, LEG = "shipment", "leg"
Key = tuple[str, str, str, int]  # (level, service, lane, month); "" / 0 = all
_Group = tuple[str, str, int]  # (service, lane, month)
CURVE_QUANTILES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
_TINY = 1e-3  # days: the least gap kept between min, P50 and P90


@dataclass(frozen=True)
class CalibrationParams:
    """How much data a group needs, how strongly small groups lean on their parent, and
    where `evaluate` splits the history."""

    prior_strength: float = 20.0  # shipments' worth of weight of the parent fit
    min_group: int = 5  # fewer shipments: no fit of its own
    train_share: float = 0.7  # the earliest share of shipments fits, the rest tests

    def __post_init__(self) -> None:
        if self.prior_strength < 0:
            raise ValueError(f"prior_strength must be >= 0, got {self.prior_strength}")
        if self.min_group < 3:
            raise ValueError(f"min_group must be >= 3, got {self.min_group}")
        if not 0 < self.train_share < 1:
            raise ValueError(f"train_share must be in (0, 1), got {self.train_share}")

    @classmethod
    def from_file(cls, path: Path) -> CalibrationParams:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(**data.get("calibration", data))


@dataclass(frozen=True)
class Fit:
    level: str
    service: str
    lane: str
    month: int
    n: int
    transit: TransitTime

    @property
    def key(self) -> Key:
        return (self.level, self.service, self.lane, self.month)


@dataclass(frozen=True, eq=False)
class Calibration:
    fits: Mapping[Key, Fit]

    def find(
        self, service: str, lane: str = "", month: int = 0, level: str = SHIPMENT
    ) -> Fit | None:
        """The most specific fit: lane and month, lane, service."""
        for key in (
            (level, service, lane, month),
            (level, service, lane, 0),
            (level, service, "", 0),
        ):
            if key in self.fits:
                return self.fits[key]
        return None

    def transit(
        self, service: str, lane: str = "", month: int = 0, level: str = SHIPMENT
    ) -> TransitTime | None:
        fit = self.find(service, lane, month, level)
        return None if fit is None else fit.transit

    def calibrated(self, route: Route, month: int = 0) -> Route:
        """The route with each service's transit replaced by its leg fit, where there is one."""
        out = []
        for s in route:
            fit = self.find(s.id, "", month, LEG)
            out.append(s if fit is None else dataclasses.replace(s, transit=fit.transit))
        return tuple(out)

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(_CSV_COLUMNS)
            for fit in sorted(self.fits.values(), key=lambda f: f.key):
                t = fit.transit
                out.writerow(
                    [fit.level, fit.service, fit.lane, fit.month, fit.n]
                    + [f"{x:.4f}" for x in (t.min_days, t.p50_days, t.p90_days, t.p95_days)]
                )

    @classmethod
    def read_csv(cls, path: Path) -> Calibration:
        fits: dict[Key, Fit] = {}
        with path.open(newline="", encoding="utf-8-sig") as f:
            for line, row in enumerate(csv.DictReader(f), 2):
                try:
                    transit = TransitTime(
                        float(row["min_days"]), float(row["p50_days"]), float(row["p90_days"])
                    )
                    fit = Fit(
                        row["level"],
                        row["service"],
                        row["lane"],
                        int(row["month"]),
                        int(row["n"]),
                        transit,
                    )
                except (KeyError, TypeError, ValueError) as exc:
                    raise InvalidRule(f"{path}:{line}: not a calibration row: {exc}") from None
                fits[fit.key] = fit
        return cls(fits)


_CSV_COLUMNS = (
    "level",
    "service",
    "lane",
    "month",
    "n",
    "min_days",
    "p50_days",
    "p90_days",
    "p95_days",
)


def fit_transit(days: np.ndarray) -> TransitTime:
    """A shifted log-normal through the sample's P50 and P90, shifted by the three-quantile
    rule (module docstring)."""
    if len(days) < 3:
        raise ValueError(f"need at least 3 durations to fit, got {len(days)}")
    q10, q50, q90 = (float(x) for x in np.quantile(days, (0.1, 0.5, 0.9)))
    fastest = float(np.min(days))
    denominator = q10 + q90 - 2 * q50
    shift = (q10 * q90 - q50 * q50) / denominator if denominator > 0 else 0.0
    shift = min(max(shift, 0.0), max(fastest - _TINY, 0.0))
    return _through(shift, q50, q90)


def _through(shift: float, p50: float, p90: float) -> TransitTime:
    p50 = max(p50, shift + _TINY)
    return TransitTime(shift, p50, max(p90, p50 + _TINY))


def shrunk(parent: TransitTime, days: np.ndarray, prior_strength: float) -> TransitTime:
    """A child group's fit: the parent's shift, its own P50 and P90 pulled towards the
    parent's in log-excess space by prior_strength / (n + prior_strength)."""
    m = parent.min_days
    q50, q90 = (float(x) for x in np.quantile(days, (0.5, 0.9)))
    w = len(days) / (len(days) + prior_strength)

    def blend(child: float, prior: float) -> float:
        return m + math.exp(w * math.log(max(child - m, _TINY)) + (1 - w) * math.log(prior - m))

    return _through(m, blend(q50, parent.p50_days), blend(q90, parent.p90_days))


def calibrate(history: History, params: CalibrationParams | None = None) -> Calibration:
    """Fit every group of the history (module docstring): shipments end to end, and each
    leg's service where the history has scan events."""
    params = params or CalibrationParams()
    fits: dict[Key, Fit] = {}
    months = history.month
    days = fitting_days(history)
    _fit_level(fits, SHIPMENT, history.service, history.lane, months, days, params)
    for leg in history.legs:
        scanned = ~np.isnan(leg.departed) & ~np.isnan(leg.arrived) & (leg.service != "")
        leg_days = (leg.arrived - leg.departed)[scanned] / MINUTES_PER_DAY
        lanes = np.full(int(scanned.sum()), "", dtype=object)
        _fit_level(fits, LEG, leg.service[scanned], lanes, months[scanned], leg_days, params)
    if not fits:
        raise InvalidHistory(f"{history.source}: no group has {params.min_group} shipments to fit")
    return Calibration(fits)


def fitting_days(history: History) -> np.ndarray:
    """Durations in days. A date-only history says a parcel arrived on day d after it
    shipped, i.e. within [d, d + 1): ties are spread evenly over that day, deterministically,
    so quantiles do not stick to whole days."""
    days = history.days
    if not history.date_only:
        return days
    order = np.lexsort((np.arange(len(days)), days))
    sorted_days = days[order]
    starts = np.flatnonzero(np.diff(sorted_days, prepend=np.nan) != 0)
    sizes = np.diff(np.append(starts, len(days)))
    rank = np.arange(len(days)) - np.repeat(starts, sizes)
    spread = np.empty(len(days))
    spread[order] = sorted_days + (rank + 0.5) / np.repeat(sizes, sizes)
    return spread


def _fit_level(
    fits: dict[Key, Fit],
    level: str,
    services: np.ndarray,
    lanes: np.ndarray,
    months: np.ndarray,
    days: np.ndarray,
    params: CalibrationParams,
) -> None:
    groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for i, (service, lane, month) in enumerate(zip(services, lanes, months, strict=True)):
        groups[(str(service), str(lane), int(month))].append(i)
    by_service = _merge(groups, lambda s, lane, m: (s, "", 0))
    by_lane = _merge(groups, lambda s, lane, m: (s, lane, 0))
    for (service, _, _), index in by_service.items():
        if len(index) >= max(params.min_group, 3):
            fits[(level, service, "", 0)] = Fit(
                level, service, "", 0, len(index), fit_transit(days[index])
            )
    for tier, parent_of in ((by_lane, _service_key), (groups, _lane_key)):
        for (service, lane, month), index in tier.items():
            key = (level, service, lane, month)
            parent = _parent(fits, level, parent_of(service, lane, month))
            if key in fits or parent is None or len(index) < params.min_group:
                continue
            transit = shrunk(parent.transit, days[index], params.prior_strength)
            fits[key] = Fit(level, service, lane, month, len(index), transit)


def _merge(
    groups: Mapping[_Group, list[int]], key_of: Callable[[str, str, int], _Group]
) -> dict[_Group, list[int]]:
    merged: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for key, index in groups.items():
        merged[key_of(*key)].extend(index)
    return merged


def _service_key(service: str, lane: str, month: int) -> _Group:
    return (service, "", 0)


def _lane_key(service: str, lane: str, month: int) -> _Group:
    return (service, lane, 0)


def _parent(fits: Mapping[Key, Fit], level: str, key: tuple[str, str, int]) -> Fit | None:
    found = fits.get((level, *key))
    return found if found is not None else fits.get((level, key[0], "", 0))


# --- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """Coverage of calibrated promises on the later part of a history."""

    n_train: int
    n_test: int
    n_unpromised: int  # test shipments of a service the earlier part never saw
    split_minute: float  # the first test shipment's time (UTC minutes)
    coverage: Mapping[float, float]  # promised quantile -> share delivered on or before
    lead_days: Mapping[float, float]  # promised quantile -> mean days from shipping
    width_days: float  # mean P95 date - P50 date
    own_coverage: float | None = None  # the history's own promised dates, same shipments
    own_lead_days: float | None = None
    own_n: int = 0

    @property
    def curve(self) -> tuple[tuple[float, float], ...]:
        return tuple((q, self.coverage[q]) for q in CURVE_QUANTILES)


def split_by_time(history: History, train_share: float) -> tuple[History, History]:
    order = np.argsort(history.shipped, kind="stable")
    cut = round(train_share * len(order))
    if cut < 3 or cut >= len(order):
        raise InvalidHistory(f"{history.source}: {len(order)} shipments are too few to split")
    return history.take(order[:cut]), history.take(order[cut:])


def evaluate(history: History, params: CalibrationParams | None = None) -> Evaluation:
    """Fit on the earlier `train_share` of shipments (by shipping time), promise the later
    ones, and count how many arrive by each promised date (dates in UTC, whole days)."""
    params = params or CalibrationParams()
    train, test = split_by_time(history, params.train_share)
    calibration = calibrate(train, params)
    fits = [
        calibration.find(s, lane, m)
        for s, lane, m in zip(test.service, test.lane, test.month, strict=True)
    ]
    promised = np.array([f is not None for f in fits])
    quantiles = sorted(set(CURVE_QUANTILES) | {0.5, 0.9, 0.95})
    days = promise_days(fits, quantiles)
    shipped_day = np.floor(test.shipped / MINUTES_PER_DAY)
    delivered_day = np.floor(test.delivered / MINUTES_PER_DAY)[promised]
    promise_day = np.floor(
        (test.shipped[promised, None] + days[promised] * MINUTES_PER_DAY) / MINUTES_PER_DAY
    )
    lead = promise_day - shipped_day[promised, None]
    own_coverage, own_lead, own_n = _own(test, promised, shipped_day, delivered_day)
    return Evaluation(
        n_train=len(train),
        n_test=int(promised.sum()),
        n_unpromised=int((~promised).sum()),
        split_minute=float(test.shipped.min()),
        coverage={
            q: float(np.mean(delivered_day <= promise_day[:, i])) for i, q in enumerate(quantiles)
        },
        lead_days={q: float(np.mean(lead[:, i])) for i, q in enumerate(quantiles)},
        width_days=float(
            np.mean(promise_day[:, quantiles.index(0.95)] - promise_day[:, quantiles.index(0.5)])
        ),
        own_coverage=own_coverage,
        own_lead_days=own_lead,
        own_n=own_n,
    )


def promise_days(fits: Iterable[Fit | None], quantiles: list[float]) -> np.ndarray:
    """Per shipment, the days from shipping to each quantile of its fit (NaN: no fit)."""
    days_of: dict[Key, list[float]] = {}  # shipments share their group's fit
    rows = []
    for fit in fits:
        if fit is None:
            rows.append([math.nan] * len(quantiles))
            continue
        if fit.key not in days_of:
            days_of[fit.key] = [fit.transit.quantile(q) for q in quantiles]
        rows.append(days_of[fit.key])
    return np.array(rows, dtype=np.float64).reshape(-1, len(quantiles))


def _own(
    test: History, promised: np.ndarray, shipped_day: np.ndarray, delivered_day: np.ndarray
) -> tuple[float | None, float | None, int]:
    """The history's own promised dates on the same shipments: coverage, mean lead, count."""
    if test.promised is None:
        return None, None, 0
    own_day = np.floor(test.promised[promised] / MINUTES_PER_DAY)
    known = ~np.isnan(own_day)
    if not known.any():
        return None, None, 0
    coverage = float(np.mean(delivered_day[known] <= own_day[known]))
    lead = float(np.mean(own_day[known] - shipped_day[promised][known]))
    return coverage, lead, int(known.sum())
