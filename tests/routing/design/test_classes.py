"""routing/design/classes.py: an order's restriction, deadline and value classes, and
the representative order of each class."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from routing.design.classes import (
    DEADLINE_CLASSES,
    DEADLINE_DAYS,
    VALUE_CLASSES,
    VALUE_EUR,
    deadline_class,
    deadline_classes,
    restriction_classes,
    value_class,
    value_classes,
)
from routing.plan.sample import LEVELS


def test_the_representative_deadlines_are_the_sample_orders_service_levels() -> None:
    assert DEADLINE_DAYS == {"express": 12, "standard": 30, "economy": 60}
    assert {k: d for k, (_, d) in LEVELS.items() if d} == DEADLINE_DAYS
    assert DEADLINE_CLASSES == ("express", "standard", "economy", "none")


def test_each_class_holds_its_representative_order() -> None:
    """A representative deadline or value maps back to its own class."""
    assert [deadline_class(d) for d in DEADLINE_DAYS.values()] == list(DEADLINE_DAYS)
    assert [value_class(v) for v in VALUE_EUR.values()] == list(VALUE_CLASSES)


def test_deadline_bands_cut_between_the_representative_days() -> None:
    days = np.array([0, 20, 21, 45, 46, 400, np.nan])
    assert deadline_classes(days).tolist() == [
        "express", "express", "standard", "standard", "economy", "economy", "none"
    ]  # fmt: skip
    assert deadline_class(None) == "none"


def test_value_bands_start_at_50_and_150_eur() -> None:
    values = np.array([0.01, 49.99, 50, 149.99, 150, 2500])
    assert value_classes(values).tolist() == ["low", "low", "mid", "mid", "high", "high"]
    assert value_class(Decimal("149.99")) == "mid"


def test_batteries_come_before_liquids() -> None:
    battery = np.array([0, 1, 2, 0, 1], dtype=np.int8)
    liquid = np.array([False, False, False, True, True])
    assert restriction_classes(battery, liquid).tolist() == [
        "general", "battery", "battery", "liquid", "battery"
    ]  # fmt: skip
