"""Evaluating the learned promise as it would have run: fit on one part of a history, then
promise the rest in shipping order, each delivery feeding the conformal layer from the day
after it arrives (`learned.replay`).

`split="time"` fits on the earliest `train_share` by shipping time (what drift does to a
promise); `split="random"` on a seeded random share (exchangeable: the conformal guarantee
in its plain form). Either way the test part is replayed in time order.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from carriers.errors import InvalidHistory
from routing.calendar import MINUTES_PER_DAY
from routing.promise import features as ft
from routing.promise.history import History
from routing.promise.learned import LearnParams, PromiseModel, fit_model, replay

SPLITS = ("time", "random")


@dataclass(frozen=True, eq=False)
class OnlineEvaluation:
    """Per tested shipment (in shipping order): days, promise dates per level, segment."""

    levels: tuple[float, ...]
    split: str
    n_train: int
    shipped_day: np.ndarray
    delivered_day: np.ndarray
    promise_day: np.ndarray  # (n, levels)
    schedule_day: np.ndarray  # NaN where the history has no schedule
    segment: np.ndarray  # "mode|destination"

    @property
    def n_test(self) -> int:
        return len(self.shipped_day)

    def column(self, q: float) -> np.ndarray:
        return self.promise_day[:, self.levels.index(q)]

    def coverage(self, q: float) -> float:
        return float(np.mean(self.delivered_day <= self.column(q)))

    def lead_days(self, q: float) -> float:
        """Mean days from shipping to the promised date."""
        return float(np.mean(self.column(q) - self.shipped_day))

    def after_schedule(self, q: float) -> float | None:
        known = ~np.isnan(self.schedule_day)
        if not known.any():
            return None
        return float(np.mean(self.column(q)[known] - self.schedule_day[known]))

    def widths(self, upper: float = 0.95, lower: float = 0.5) -> tuple[float, float]:
        """Mean and median of the promised P-upper date minus the P-lower date, in days."""
        width = self.column(upper) - self.column(lower)
        return float(np.mean(width)), float(np.median(width))

    def schedule(self) -> tuple[float, float] | None:
        """The shipper's schedule on the same shipments: coverage and mean lead days."""
        known = ~np.isnan(self.schedule_day)
        if not known.any():
            return None
        covered = np.mean(self.delivered_day[known] <= self.schedule_day[known])
        return float(covered), float(np.mean(self.schedule_day[known] - self.shipped_day[known]))

    def at_schedule_lead(self) -> float | None:
        """glocal's coverage at the schedule's mean lead time, interpolated between levels
        (None without a schedule, or when the schedule's lead is outside glocal's range)."""
        own = self.schedule()
        if own is None:
            return None
        leads = np.array([self.lead_days(q) for q in self.levels])
        covers = np.array([self.coverage(q) for q in self.levels])
        if not leads[0] <= own[1] <= leads[-1]:
            return None
        return float(np.interp(own[1], leads, covers))

    def rolling(self, q: float, days: int = 28) -> tuple[np.ndarray, np.ndarray]:
        """Coverage of the shipments shipped in each window of `days` days, stepped by a week:
        (window end days, coverage; NaN for an empty window)."""
        hit = (self.delivered_day <= self.column(q)).astype(np.float64)
        ends = np.arange(self.shipped_day.min() + days, self.shipped_day.max() + 7, 7)
        share = np.full(len(ends), np.nan)
        for k, end in enumerate(ends):
            inside = (self.shipped_day > end - days) & (self.shipped_day <= end)
            if inside.any():
                share[k] = hit[inside].mean()
        return ends, share

    def worst_segments(
        self, q: float = 0.95, least: int = 20, top: int = 10
    ) -> list[tuple[str, int, float]]:
        """Segments of `least` or more tested shipments with the lowest coverage at q."""
        hit = self.delivered_day <= self.column(q)
        rows = []
        for key in np.unique(self.segment):
            inside = self.segment == key
            if inside.sum() >= least:
                rows.append((str(key), int(inside.sum()), float(hit[inside].mean())))
        return sorted(rows, key=lambda r: r[2])[:top]


def split_history(
    history: History, split: str, train_share: float, seed: int = 0
) -> tuple[History, History]:
    if split not in SPLITS:
        raise InvalidHistory(f"--split must be one of {', '.join(SPLITS)}, got {split!r}")
    if split == "time":
        order = np.argsort(history.shipped, kind="stable")
    else:
        order = np.random.default_rng(seed).permutation(len(history))
    cut = round(train_share * len(order))
    if cut < 3 or cut >= len(order):
        raise InvalidHistory(f"{history.source}: {len(order)} shipments are too few to split")
    return history.take(np.sort(order[:cut])), history.take(np.sort(order[cut:]))


def evaluate_online(
    history: History,
    split: str = "time",
    train_share: float = 0.7,
    params: LearnParams | None = None,
    seed: int = 0,
) -> OnlineEvaluation:
    train, test = split_history(history, split, train_share, seed)
    model = fit_model(train, params)
    return evaluate_model(model, test, split, len(train))


def evaluate_model(
    model: PromiseModel,
    test: History,
    split: str = "time",
    n_train: int = 0,
    issued: np.ndarray | None = None,
) -> OnlineEvaluation:
    """Replay `test` through a copy of the model's state (the model is left as it was);
    `issued`: when each promise was asked (UTC minutes), if not at shipping."""
    state = copy.deepcopy(model.conformal)
    days = replay(model, state, test, issued)
    order = np.argsort(test.shipped, kind="stable")
    base = ft.base_minutes(test)
    promise_day = np.floor((base[:, None] + days * MINUTES_PER_DAY) / MINUTES_PER_DAY)
    schedule = test.promised if test.promised is not None else np.full(len(test), np.nan)
    keys = model.keys(ft.columns(test), np.zeros(len(test), dtype=bool))
    return OnlineEvaluation(
        levels=model.levels,
        split=split,
        n_train=n_train,
        shipped_day=np.floor(test.shipped / MINUTES_PER_DAY)[order],
        delivered_day=np.floor(test.delivered / MINUTES_PER_DAY)[order],
        promise_day=promise_day[order],
        schedule_day=np.floor(schedule / MINUTES_PER_DAY)[order],
        segment=np.array([k.split("|", 1)[-1] for k in keys[:, 0]], dtype=object)[order],
    )


def summary(e: OnlineEvaluation) -> Mapping[str, object]:
    """The figures of an evaluation, as JSON-ready numbers."""
    mean, median = e.widths()
    own = e.schedule()
    return {
        "split": e.split,
        "train": e.n_train,
        "test": e.n_test,
        "coverage": {f"P{round(q * 100)}": e.coverage(q) for q in e.levels},
        "lead_days": {f"P{round(q * 100)}": e.lead_days(q) for q in e.levels},
        "width_mean_days": mean,
        "width_median_days": median,
        "schedule": None if own is None else {"coverage": own[0], "lead_days": own[1]},
        "coverage_at_schedule_lead": e.at_schedule_lead(),
    }
