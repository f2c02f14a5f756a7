"""The classes a forecast row is written in: restriction, deadline and value classes, each
with what one representative order of the class looks like.

- **Restriction** (`RESTRICTIONS`): `battery` (lithium batteries, in equipment or loose),
  `liquid` (liquids, no battery), `general` (neither). A battery order that also holds a
  liquid counts as `battery`: batteries shut more lanes (air especially) than liquids do.
- **Deadline** (`DEADLINE_CLASSES`): days from an order's creation to its `deliver_by`
  date. The representative days (`DEADLINE_DAYS`) are the service levels sample orders
  promise (`routing.plan.sample.LEVELS`: express 12, standard 30, economy 60); an order of
  any other lead time joins the class whose band holds it (`DEADLINE_UP_TO`: up to 20
  days express, up to 45 standard, longer economy, bands cut between the representative
  days). An order without a date is `none`.
- **Value** (`VALUE_CLASSES`): goods value per parcel in EUR, in bands cut at the customs
  thresholds most of the markets apply: 50 (Brazil's Remessa Conforme's USD 50 tier,
  about EUR 46, rounded) and 150 (the EU's customs-duty relief and the UK's GBP 135 low
  value limit). The representative value per parcel (`VALUE_EUR`) is the mean value of
  the band's orders in `sample_orders(100_000, seed=1)` converted to EUR at the rates of
  their day (data/fx.csv): measured 21.66, 75.33 and 205.24 (83 %, 16 % and 1 % of the
  orders), rounded to the euro; illustrative for any other order mix.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from routing.plan.sample import LEVELS

RESTRICTIONS = ("general", "battery", "liquid")
NO_DEADLINE_CLASS = "none"
DEADLINE_DAYS: dict[str, int] = {k: days for k, (_, days) in LEVELS.items() if days is not None}
DEADLINE_CLASSES = (*DEADLINE_DAYS, NO_DEADLINE_CLASS)
# the longest lead time, in days, each dated class holds (None: no limit)
DEADLINE_UP_TO: dict[str, int | None] = {"express": 20, "standard": 45, "economy": None}
VALUE_CLASSES = ("low", "mid", "high")
VALUE_FROM_EUR: dict[str, Decimal] = {
    "low": Decimal(0),
    "mid": Decimal(50),
    "high": Decimal(150),
}
VALUE_EUR: dict[str, Decimal] = {"low": Decimal(22), "mid": Decimal(75), "high": Decimal(205)}


def restriction_classes(battery: np.ndarray, liquid: np.ndarray) -> np.ndarray:
    """The restriction class per order from its battery rank (0 none) and liquid flag."""
    out = np.full(len(battery), "general", dtype=object)
    out[np.asarray(liquid, dtype=bool)] = "liquid"
    out[np.asarray(battery) > 0] = "battery"
    return out


def deadline_classes(days: np.ndarray) -> np.ndarray:
    """The deadline class per order from its days from creation to deadline (NaN for an
    order without one)."""
    days = np.asarray(days, dtype=np.float64)
    names = list(DEADLINE_UP_TO)
    edges = [DEADLINE_UP_TO[k] for k in names[:-1]]
    index = np.searchsorted(np.array(edges, dtype=np.float64), days, side="left")
    out = np.array(names, dtype=object)[np.minimum(index, len(names) - 1)]
    out[np.isnan(days)] = NO_DEADLINE_CLASS
    return out


def value_classes(value_eur: np.ndarray) -> np.ndarray:
    """The value class per order from its goods value in EUR."""
    edges = np.array([float(VALUE_FROM_EUR[k]) for k in VALUE_CLASSES[1:]])
    index = np.searchsorted(edges, np.asarray(value_eur, dtype=np.float64), side="right")
    return np.array(VALUE_CLASSES, dtype=object)[index]


def deadline_class(days: int | None) -> str:
    """The deadline class of an order due `days` after its creation (None: no date)."""
    return str(deadline_classes(np.array([np.nan if days is None else days]))[0])


def value_class(value_eur: Decimal | float) -> str:
    """The value class of goods worth `value_eur`."""
    return str(value_classes(np.array([float(value_eur)]))[0])
