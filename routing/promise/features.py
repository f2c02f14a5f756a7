"""Features of a shipment for the learned promise: what a history carries and a quote knows.

    mode         the table's mode, else its service (air, sea, rail, postal, courier...)
    service      the service id (a carrier's product), else the mode
    origin       the origin (country, site or node), else the part of the lane before ">"
    destination  the destination country or zone, else the lane after ">", else the lane
    weight_band  WEIGHT_BANDS_KG: 0 below 0.5 kg ... 7 from 1000 kg; NaN unknown
    lead_days    the shipper's scheduled lead time (promised_at - shipped_at), NaN if none
    month        the calendar month shipped (season)
    shipper      who ships and sets the schedule: a segment of the conformal layer only
                 (SEGMENTABLE), not a booster feature, so a quote's lane needs none

The categorical columns are coded by a `Vocabulary` learnt from the fitting history: a value
it never saw is missing (NaN), which the quantile model sends down its default branch.

The target is the time in days from the *base*: the shipper's scheduled date where the
history has one (the promise corrects the carrier's own estimate), else the shipping time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from routing.calendar import MINUTES_PER_DAY
from routing.promise.history import History

CATEGORICAL = ("mode", "service", "origin", "destination")
NUMERIC = ("weight_band", "lead_days", "month")
NAMES = (*CATEGORICAL, *NUMERIC)
SEGMENTABLE = (*CATEGORICAL, "shipper")  # what the conformal layer may segment by
WEIGHT_BANDS_KG = (0.5, 2.0, 10.0, 30.0, 100.0, 300.0, 1000.0)  # upper bounds, bands 0..6


@dataclass(frozen=True)
class Vocabulary:
    """Per categorical feature, its values in the order of their codes."""

    values: Mapping[str, tuple[str, ...]]

    @classmethod
    def learn(cls, columns: Mapping[str, np.ndarray]) -> Vocabulary:
        return cls(
            {name: tuple(sorted({str(v) for v in columns[name]} - {""})) for name in CATEGORICAL}
        )

    def codes(self, name: str, values: np.ndarray) -> np.ndarray:
        """Float codes (NaN for a value never seen or empty)."""
        index = {v: float(i) for i, v in enumerate(self.values.get(name, ()))}
        return np.array([index.get(str(v), np.nan) for v in values], dtype=np.float64)

    def as_dict(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.values.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, list[str]]) -> Vocabulary:
        return cls({name: tuple(str(v) for v in data.get(name, [])) for name in CATEGORICAL})


def columns(history: History) -> dict[str, np.ndarray]:
    """The raw feature columns of every shipment (module docstring)."""
    n = len(history)
    service = history.service.astype(object)
    mode = history.mode if history.mode is not None else service
    lane = history.lane.astype(object)
    has_arrow = np.array([">" in str(x) for x in lane], dtype=bool)
    origin = history.origin
    if origin is None:
        origin = np.array(
            [str(x).split(">", 1)[0] if a else "" for x, a in zip(lane, has_arrow, strict=True)],
            dtype=object,
        )
    destination = history.destination
    if destination is None:
        destination = np.array([str(x).split(">", 1)[-1] for x in lane], dtype=object)
    return {
        "mode": np.asarray(mode, dtype=object),
        "service": service,
        "origin": np.asarray(origin, dtype=object),
        "destination": np.asarray(destination, dtype=object),
        "weight_band": weight_band(
            history.weight_kg if history.weight_kg is not None else np.full(n, np.nan)
        ),
        "lead_days": scheduled_lead_days(history),
        "month": history.month.astype(np.float64),
        "shipper": np.asarray(
            history.shipper if history.shipper is not None else np.full(n, "", dtype=object),
            dtype=object,
        ),
    }


def weight_band(kg: np.ndarray) -> np.ndarray:
    """The band index of each weight (NaN stays NaN)."""
    kg = np.asarray(kg, dtype=np.float64)
    bands = np.searchsorted(np.array(WEIGHT_BANDS_KG), kg, side="right").astype(np.float64)
    return np.where(np.isnan(kg), np.nan, bands)


def scheduled_lead_days(history: History) -> np.ndarray:
    if history.promised is None:
        return np.full(len(history), np.nan)
    return (history.promised - history.shipped) / MINUTES_PER_DAY


def base_minutes(history: History) -> np.ndarray:
    """Where each promise starts: the scheduled date where known, else the shipping time."""
    if history.promised is None:
        return history.shipped.copy()
    return np.where(np.isnan(history.promised), history.shipped, history.promised)


def target_days(history: History) -> np.ndarray:
    """Days from the base to the delivery (negative: delivered before its scheduled date)."""
    return (history.delivered - base_minutes(history)) / MINUTES_PER_DAY


def matrix(raw: Mapping[str, np.ndarray], vocabulary: Vocabulary) -> np.ndarray:
    """The model's input, one row per shipment, columns in NAMES order."""
    coded = [vocabulary.codes(name, raw[name]) for name in CATEGORICAL]
    numeric = [np.asarray(raw[name], dtype=np.float64) for name in NUMERIC]
    return np.column_stack([*coded, *numeric]) if len(raw["mode"]) else np.empty((0, len(NAMES)))


def segments(
    raw: Mapping[str, np.ndarray], by: tuple[str, ...], scheduled: np.ndarray
) -> np.ndarray:
    """Each shipment's conformal segment: the values of `by` (a column `raw` lacks is
    unknown, ""), and whether it had a schedule."""
    parts = [np.where(scheduled, "scheduled", "unscheduled").astype(object)]
    empty = np.full(len(scheduled), "", dtype=object)
    parts += [np.asarray(raw.get(name, empty)).astype(str).astype(object) for name in by]
    out = parts[0]
    for part in parts[1:]:
        out = out + "|" + part
    return out.astype(object)
