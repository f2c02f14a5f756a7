"""The learned promise: a quantile model over shipment features, corrected by the conformal
layer, fitted from a history and updated online.

    model = fit_model(history)              # boosters on the earlier 75 %, scores of the rest
    days = model.promise_days(shipments)    # days from each base, per level
    model = model.appended(new_history)     # the conformal state replays the new deliveries
    model.save(path); PromiseModel.load(path)

`fit_model` trains the boosters on the earliest `fit_share` of the history (by shipping
time) and seeds the conformal window with the scores of the rest, the most recent
shipments: a split-conformal model with a_t at nominal. `appended` keeps the boosters and
replays the new shipments in time order (each promised with the state of its shipping day,
each delivery absorbed from the next day on), so the window refreshes and a_t adapts
without a refit. docs/promise.md gives the tolerance of `appended` against a full refit.

A model is never changed in place once built: `appended` returns a new one, so a server can
swap models with one reference assignment.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from carriers.errors import InvalidHistory, InvalidRule
from routing.calendar import MINUTES_PER_DAY
from routing.promise import features as ft
from routing.promise.conformal import ConformalParams, ConformalState
from routing.promise.history import History
from routing.promise.quantiles import BoostParams, QuantileModel, boost_params, fit_quantiles

FORMAT = "glocal-promise-model/1"
LEVELS = (0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)


@dataclass(frozen=True)
class LearnParams:
    """What the learned promise is fitted on and how its conformal layer behaves."""

    levels: tuple[float, ...] = LEVELS
    fit_share: float = 0.75  # the earliest share trains the boosters; the rest seeds scores
    min_history: int = 40  # fewer shipments: no learned model (the schedule engine stands)
    segment_by: tuple[str, ...] = ("mode", "origin")
    from_schedule: bool = False  # a scheduled shipment's base is its schedule (every level
    # 0 days), the conformal layer alone moving it; the boosters serve the unscheduled
    boost: BoostParams = field(default_factory=BoostParams)
    conformal: ConformalParams = field(default_factory=ConformalParams)

    def __post_init__(self) -> None:
        if not self.levels or any(not 0 < q < 1 for q in self.levels):
            raise ValueError(f"levels must be in (0, 1), got {self.levels}")
        if not 0 < self.fit_share < 1:
            raise ValueError(f"fit_share must be in (0, 1), got {self.fit_share}")
        if self.min_history < 10:
            raise ValueError(f"min_history must be >= 10, got {self.min_history}")
        unknown = set(self.segment_by) - set(ft.SEGMENTABLE)
        if unknown:
            raise ValueError(f"segment_by must be among {ft.SEGMENTABLE}, got {sorted(unknown)}")


@dataclass(frozen=True, eq=False)
class PromiseModel:
    params: LearnParams
    vocabulary: ft.Vocabulary
    quantiles: QuantileModel
    conformal: ConformalState
    n_fit: int  # shipments the boosters were trained on
    n_seen: int  # shipments the conformal layer has absorbed, all appends included

    @property
    def levels(self) -> tuple[float, ...]:
        return self.params.levels

    def keys(self, raw: Mapping[str, np.ndarray], scheduled: np.ndarray) -> np.ndarray:
        """Segment keys per shipment, finest first: (n, len(segment_by) + 1)."""
        by = self.params.segment_by
        return np.column_stack(
            [ft.segments(raw, by[:d], scheduled) for d in range(len(by), -1, -1)]
        )

    def base_days(self, history: History) -> np.ndarray:
        """The base quantiles before correction, days from the base."""
        return self.base_of(ft.columns(history), _scheduled(history))

    def base_of(self, raw: Mapping[str, np.ndarray], scheduled: np.ndarray) -> np.ndarray:
        """The boosters' quantiles, or 0 days (the schedule) for a scheduled shipment when
        `from_schedule`."""
        days = self.quantiles.predict(ft.matrix(raw, self.vocabulary))
        if self.params.from_schedule:
            days[scheduled] = 0.0
        return days

    def promise_days(self, history: History) -> np.ndarray:
        """Days from each shipment's base to its promise per level, with today's state."""
        return self.days_of(ft.columns(history), _scheduled(history))

    def days_of(self, raw: Mapping[str, np.ndarray], scheduled: np.ndarray) -> np.ndarray:
        """`promise_days` of shipments given by their raw feature columns (`ft.columns`)."""
        keys = self.keys(raw, scheduled)
        days = self.base_of(raw, scheduled)
        for i in range(len(days)):
            days[i] += self.conformal.correction(list(keys[i]))
        return np.maximum.accumulate(days, axis=1)

    def knows(self, mode: str, destination: str) -> bool:
        """Whether the fitting history had this mode and destination (else: thin data)."""
        v = self.vocabulary.values
        return mode in v.get("mode", ()) and destination in v.get("destination", ())

    def appended(self, history: History) -> PromiseModel:
        """A new model whose conformal state has replayed `history` (module docstring)."""
        state = copy.deepcopy(self.conformal)
        replay(self, state, history)
        return PromiseModel(
            self.params,
            self.vocabulary,
            self.quantiles,
            state,
            self.n_fit,
            self.n_seen + len(history),
        )

    def as_dict(self) -> dict[str, object]:
        params = asdict(self.params)
        return {
            "format": FORMAT,
            "params": params,
            "vocabulary": self.vocabulary.as_dict(),
            "quantiles": self.quantiles.as_dict(),
            "conformal": self.conformal.as_dict(),
            "n_fit": self.n_fit,
            "n_seen": self.n_seen,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object], source: str = "") -> PromiseModel:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise InvalidRule(f"{source}: not a glocal promise model (format {FORMAT!r} expected)")
        try:
            p: dict = dict(data["params"])  # type: ignore[call-overload]
            params = LearnParams(
                levels=tuple(p["levels"]),
                fit_share=p["fit_share"],
                min_history=p["min_history"],
                segment_by=tuple(p["segment_by"]),
                from_schedule=bool(p.get("from_schedule", False)),
                boost=boost_params(p["boost"]),
                conformal=ConformalParams(**p["conformal"]),
            )
            return cls(
                params,
                ft.Vocabulary.from_dict(data["vocabulary"]),  # type: ignore[arg-type]
                QuantileModel.from_dict(data["quantiles"]),  # type: ignore[arg-type]
                ConformalState.from_dict(data["conformal"]),  # type: ignore[arg-type]
                int(data["n_fit"]),  # type: ignore[call-overload]
                int(data["n_seen"]),  # type: ignore[call-overload]
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise InvalidRule(f"{source}: a promise model with a bad field: {exc}") from None
        except Exception as exc:  # LightGBM's own error for a corrupt booster text
            if type(exc).__name__ != "LightGBMError":
                raise
            raise InvalidRule(f"{source}: quantiles.boosters: {exc}") from None

    def save(self, path: Path) -> None:
        """Written to a temporary file beside `path`, then renamed: a reader never sees half."""
        text = json.dumps(self.as_dict())
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> PromiseModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidRule(f"{path}: not a promise model: {exc}") from None
        return cls.from_dict(data, str(path))


def _scheduled(history: History) -> np.ndarray:
    if history.promised is None:
        return np.zeros(len(history), dtype=bool)
    return ~np.isnan(history.promised)


def fit_model(history: History, params: LearnParams | None = None) -> PromiseModel:
    """Boosters on the earliest `fit_share`, conformal scores of the rest (module docstring)."""
    params = params or LearnParams()
    if len(history) < params.min_history:
        raise InvalidHistory(
            f"{history.source}: {len(history)} shipments, fewer than the {params.min_history} "
            "a learned promise needs; the schedule-based promise stands"
        )
    order = np.argsort(history.shipped, kind="stable")
    cut = round(params.fit_share * len(order))
    fitting, recent = history.take(order[:cut]), history.take(order[cut:])
    raw = ft.columns(fitting)
    vocabulary = ft.Vocabulary.learn(raw)
    quantiles = fit_quantiles(
        ft.matrix(raw, vocabulary), ft.target_days(fitting), params.levels, params.boost
    )
    depth = len(params.segment_by) + 1
    state = ConformalState.start(params.levels, params.conformal, depth)
    model = PromiseModel(params, vocabulary, quantiles, state, len(fitting), len(recent))
    seed_scores(model, recent)
    return model


def seed_scores(model: PromiseModel, recent: History) -> None:
    """Split conformal: the recent shipments' scores, all known, a_t left at nominal."""
    raw = ft.columns(recent)
    scores = ft.target_days(recent)[:, None] - model.base_days(recent)
    keys = model.keys(raw, _scheduled(recent))
    gamma = model.conformal.params
    state = model.conformal
    state.params = replace(gamma, gamma=0.0)
    state.absorb(scores, np.zeros_like(scores, dtype=bool), keys, recent.delivered)
    state.params = gamma


def replay(
    model: PromiseModel, state: ConformalState, history: History, issued: np.ndarray | None = None
) -> np.ndarray:
    """Promise each shipment of `history` in the order of `issued` (UTC minutes when each
    promise was asked; default its shipping time) with the state of that day, absorbing
    each delivery from the day after it; returns the promised days (n, levels) in the
    history's own row order. `state` ends with every delivery absorbed."""
    raw = ft.columns(history)
    keys = model.keys(raw, _scheduled(history))
    base = model.base_of(raw, _scheduled(history))
    y = ft.target_days(history)
    base_min = ft.base_minutes(history)
    asked = history.shipped if issued is None else issued
    ship_day = np.floor(asked / MINUTES_PER_DAY)
    delivered_day = np.floor(history.delivered / MINUTES_PER_DAY)
    promised = np.full(base.shape, np.nan)
    by_ship = np.argsort(asked, kind="stable")
    by_delivery = np.argsort(history.delivered, kind="stable")
    done = 0

    def absorb_until(day: float) -> int:
        end = int(np.searchsorted(delivered_day[by_delivery], day, side="left"))
        j = by_delivery[done:end]
        j = j[~np.isnan(promised[j, 0])]  # promised already (delivery on its shipping day)
        if len(j):
            promise_day = np.floor(
                (base_min[j, None] + promised[j] * MINUTES_PER_DAY) / MINUTES_PER_DAY
            )
            missed = delivered_day[j, None] > promise_day
            state.absorb(y[j, None] - base[j], missed, keys[j], history.delivered[j])
        return end

    for i in by_ship:
        done = absorb_until(ship_day[i])
        promised[i] = base[i] + state.correction(list(keys[i]))
    absorb_until(np.inf)
    return np.maximum.accumulate(promised, axis=1)
