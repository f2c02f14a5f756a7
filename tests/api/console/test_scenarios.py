"""What-ifs as differences from a baseline's options, and KPI deltas against it."""

from __future__ import annotations

import pytest

from api.console.scenarios import KPIS, WhatIf, WhatIfError, compare, delta, lane_deltas

BASE = {"horizon_days": 14, "time_limit_s": 60.0, "hard_deadlines": False, "skip_invalid": False,
        "close": ["a"], "scale_capacity": [], "demand": 1.0, "callback_url": None}  # fmt: skip


def test_a_what_if_changes_only_its_own_option() -> None:
    closed = WhatIf("close b", "close", service="b").options(BASE)
    assert closed.close == ["a", "b"] and closed.demand == 1.0
    scaled = WhatIf("half", "scale_capacity", service="b", factor=0.5)
    assert scaled.difference() == {"scale_capacity": ["b=0.5"]}
    assert scaled.options(BASE).scale_capacity == ["b=0.5"]
    assert WhatIf("more", "demand", factor=1.5).options(BASE).demand == 1.5
    assert WhatIf("hard", "hard_deadlines").options(BASE).hard_deadlines is True
    assert BASE["close"] == ["a"]  # the baseline is never changed


@pytest.mark.parametrize(
    ("kind", "service", "factor", "says"),
    [("close", "", 1.0, "choose the lane"), ("demand", "", 0.0, "factor"), ("open", "", 1, "kind")],
)
def test_a_what_if_that_cannot_run_says_why(
    kind: str, service: str, factor: float, says: str
) -> None:
    with pytest.raises(WhatIfError, match=says):
        WhatIf("x", kind, service=service, factor=factor)


def test_deltas_are_absolute_and_relative_and_coloured_by_which_way_is_better() -> None:
    cost, on_time = KPIS[0], next(k for k in KPIS if k.better == "higher")
    assert delta(cost, 100.0, 80.0) == {
        "value": 80.0,
        "delta": -20.0,
        "percent": -0.2,
        "verdict": "better",
    }
    assert delta(on_time, 0.5, 0.4)["verdict"] == "worse"
    assert delta(cost, 0.0, 5.0)["percent"] is None
    assert delta(cost, 3.0, 3.0)["verdict"] == "same"
    assert delta(cost, None, 3.0)["verdict"] == "unknown"
    base = {"optimized": {"cost": 10.0}, "orders": {"planned": 3}}
    rows = compare(base, [{"optimized": {"cost": 12.0}, "orders": {"planned": 4}}, None])
    assert rows[0]["baseline"] == 10.0 and rows[0]["scenarios"][0]["delta"] == 2.0
    assert rows[0]["scenarios"][1] is None


def test_lane_deltas_list_only_the_services_whose_load_changed() -> None:
    base = {"departures": [{"service": "a", "load_kg": 5}, {"service": "a", "load_kg": 5},
                           {"service": "b", "load_kg": 1}]}  # fmt: skip
    other = {"departures": [{"service": "a", "load_kg": 10}, {"service": "c", "load_kg": 2}]}
    assert lane_deltas(base, other) == {"b": -1.0, "c": 2.0}
