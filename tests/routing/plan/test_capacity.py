"""routing/plan/capacity.py: the capacity file (overrides per service and departure, every
bad cell named by file, line and field), the capacity rows a plan loads (the network's
figures, overridden, scaled by a scenario) and the units a departure can use."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from carriers.errors import InvalidPlanInput
from routing.calendar import day_number
from routing.network import Network
from routing.plan import PlanParams, Scenario, plan_orders, plan_table, validate_orders
from routing.plan.capacity import Override, build_rows, check_scenario, read_capacity, unit_limit
from tests.routing.plan.conftest import one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)
TUESDAY = day_number(date(2026, 11, 10))


def _plan(network: Network, n: int = 150, **kwargs):
    table, _ = validate_orders(one_kilo_orders(n), network)
    return plan_orders(table, network, kwargs.pop("params", PARAMS), **kwargs)


def test_capacity_file_overrides_and_rejects_unknown_services(
    two_lanes: Network, tmp_path: Path
) -> None:
    good = tmp_path / "capacity.csv"
    good.write_text("service_id,departure_date,kg,m3\nlanes-rail,2026-11-10,130,\n")
    overrides = read_capacity(good, two_lanes.compiled)
    table = plan_table(_plan(two_lanes, overrides=overrides))
    assert (table["route"].str.startswith("lanes-rail")).sum() == 130
    bad = tmp_path / "bad.csv"
    bad.write_text("service_id,departure_date,kg,m3\nlanes-rail,,10,\nno-such-lane,,5,\n")
    with pytest.raises(InvalidPlanInput, match=r"bad\.csv:3: service_id: unknown service"):
        read_capacity(bad, two_lanes.compiled)


def test_scenario_rejects_unknown_services(two_lanes: Network) -> None:
    table, _ = validate_orders(one_kilo_orders(3), two_lanes)
    with pytest.raises(InvalidPlanInput, match="unknown service"):
        plan_orders(table, two_lanes, PARAMS, Scenario(scale_capacity=(("nope", 2.0),)))


def test_a_capacity_row_reads_as_its_override(two_lanes: Network, tmp_path: Path) -> None:
    """A dated row overrides that departure (day number of its date), an undated one every
    departure; an empty kg or m3 keeps the network's figure (None)."""
    path = tmp_path / "capacity.csv"
    path.write_text(
        "service_id,departure_date,kg,m3\nlanes-rail,2026-11-10,130,\nlanes-air,,,2.5\n"
    )
    net = two_lanes.compiled
    assert read_capacity(path, net) == [
        Override(net.service_index["lanes-rail"], TUESDAY, 130.0, None),
        Override(net.service_index["lanes-air"], None, None, 2.5),
    ]


def test_every_bad_cell_is_named_by_its_line_in_the_file(
    two_lanes: Network, tmp_path: Path
) -> None:
    """Comment and blank lines are skipped but counted: the problems name the lines of the
    file as an editor shows them, each with its field, all of them at once."""
    path = tmp_path / "capacity.csv"
    path.write_text(
        "service_id,departure_date,kg,m3\n"
        "# rail booked for the peak week\n"
        "\n"
        "lanes-rail,2026-13-01,-5,\n"  # line 4
        "lanes-air,,ten,1\n"  # line 5
    )
    with pytest.raises(InvalidPlanInput) as caught:
        read_capacity(path, two_lanes.compiled)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:4: departure_date: must be YYYY-MM-DD, got '2026-13-01'",
        f"{path}:4: kg: must be a number >= 0, got '-5'",
        f"{path}:5: kg: must be a number >= 0, got 'ten'",
    ]
    assert caught.value.message.startswith(f"{path}: 3 problem(s)")


def test_a_capacity_file_without_its_columns_or_at_all(two_lanes: Network, tmp_path: Path) -> None:
    """A header without `m3` is a problem of line 1; a missing file one line naming it."""
    path = tmp_path / "capacity.csv"
    path.write_text("service_id,departure_date,kg\nlanes-rail,,10\n")
    with pytest.raises(InvalidPlanInput, match=r"capacity\.csv:1: missing column\(s\) m3"):
        read_capacity(path, two_lanes.compiled)
    with pytest.raises(InvalidPlanInput, match=r"nowhere\.csv: cannot read the capacity file"):
        read_capacity(tmp_path / "nowhere.csv", two_lanes.compiled)


def test_rows_take_the_network_then_the_overrides_then_the_scenario(two_lanes: Network) -> None:
    """Rail books 100 kg and 10 m3 a departure. Every rail departure is overridden to
    80 kg, the one of Tuesday 10 November to 130 kg (the dated row wins on its day), and
    the scenario scales rail by 1.5: 195 kg that Tuesday, 120 kg the next. Air keeps its
    1,000 kg and its 100 kg / 10 m3 pallet at EUR 50."""
    net = two_lanes.compiled
    rail, air = net.service_index["lanes-rail"], net.service_index["lanes-air"]
    overrides = [Override(rail, TUESDAY, 130.0, None), Override(rail, None, 80.0, None)]
    scenario = Scenario(scale_capacity=(("lanes-rail", 1.5),))
    rows = build_rows(
        [(rail, TUESDAY), (rail, TUESDAY + 7), (air, TUESDAY)],
        net,
        overrides,
        scenario,
        {air: 5000.0},
    )
    assert rows.cap_kg.tolist() == [195.0, 120.0, 1000.0]
    assert rows.cap_m3.tolist() == [15.0, 15.0, 100.0]
    assert rows.unit_kg.tolist() == [0.0, 0.0, 100.0]
    assert rows.unit_m3.tolist() == [0.0, 0.0, 10.0]
    assert rows.unit_cost.tolist() == [0.0, 0.0, 5000.0]
    assert rows.day.tolist() == [TUESDAY, TUESDAY + 7, TUESDAY] and len(rows) == 3


def test_a_closed_capacity_is_zero_not_unlimited(two_lanes: Network) -> None:
    """Scaled by 0, a departure holds nothing; a service without a booked figure is
    unlimited (inf), and stays so when scaled."""
    net = two_lanes.compiled
    rail, post = net.service_index["lanes-rail"], net.service_index["post-es"]
    rows = build_rows(
        [(rail, TUESDAY), (post, TUESDAY)],
        net,
        [],
        Scenario(scale_capacity=(("lanes-rail", 0.0), ("post-es", 2.0))),
        {},
    )
    assert rows.cap_kg[0] == 0.0 and rows.cap_m3[0] == 0.0
    assert math.isinf(rows.cap_kg[1]) and math.isinf(rows.cap_m3[1])


def test_unit_limit_is_the_units_that_hold_the_booked_capacity(two_lanes: Network) -> None:
    """Air: 1,000 kg / 100 kg = 10 pallets and 100 m3 / 10 m3 = 10; cut to 250 kg it is
    3 (ceil 2.5); rail has no unit: 0."""
    net = two_lanes.compiled
    rail, air = net.service_index["lanes-rail"], net.service_index["lanes-air"]
    keys = [(rail, TUESDAY), (air, TUESDAY), (air, TUESDAY + 7)]
    rows = build_rows(keys, net, [Override(air, TUESDAY + 7, 250.0, 20.0)], Scenario(), {})
    assert unit_limit(rows).tolist() == [0.0, 10.0, 3.0]


def test_check_scenario_names_every_unknown_service(two_lanes: Network) -> None:
    """Closed and scaled services alike; the names sorted, the known ones not listed."""
    scenario = Scenario(close=frozenset({"zz-gone", "lanes-rail"}), scale_capacity=(("aa", 2.0),))
    with pytest.raises(InvalidPlanInput) as caught:
        check_scenario(scenario, two_lanes.compiled)
    assert caught.value.message == "unknown service(s) in the scenario: aa, zz-gone"
    check_scenario(Scenario(close=frozenset({"lanes-rail"})), two_lanes.compiled)  # known
