"""routing/plan/params.py: the plan's parameters and scenarios check themselves with
messages a planner can act on, load from TOML, and `--scale-capacity` pairs parse."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

from carriers.errors import InvalidPlanInput
from routing.plan import PlanParams, Scenario, parse_scale


def test_the_defaults_are_valid() -> None:
    """PlanParams() and Scenario() need nothing: a two-week horizon in EUR, nothing closed."""
    params, scenario = PlanParams(), Scenario()
    assert (params.horizon_days, params.currency, params.solver) == (14, "EUR", "highs")
    assert scenario.close == frozenset() and scenario.scales == {} and scenario.demand == 1.0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("horizon_days", 0, "horizon_days must be > 0, got 0"),
        ("workers", -1, "workers must be > 0, got -1"),
        ("max_signatures", 0, "max_signatures must be > 0, got 0"),
        ("time_limit_s", -3, "time_limit_s must be > 0, got -3"),
        ("time_limit_s", math.nan, "time_limit_s must be > 0, got nan"),
        ("solver", "gurobi", "solver must be one of highs, scip, cp_sat, got 'gurobi'"),
        ("rounding", "up", "rounding must be one of descent, window, got 'up'"),
        ("lp_solver", "scip", "lp_solver must be one of glop, highs, pdlp, got 'scip'"),
        ("relative_gap", 1.0, "relative_gap must be in [0, 1), got 1.0"),
        ("currency", "EURO", "currency must be an ISO 4217 code we know, got 'EURO'"),
        (
            "late_penalty_per_day",
            Decimal("-0.01"),
            "late_penalty_per_day must be an amount >= 0, got -0.01",
        ),
        ("late_fee", Decimal("NaN"), "late_fee must be an amount >= 0, got NaN"),
        ("late_fee", 5.0, "late_fee must be an amount >= 0, got 5.0"),
        ("unplanned_penalty", Decimal("0"), "unplanned_penalty must be an amount > 0, got 0"),
        (
            "late_share",
            1.5,
            "late_share must be a share of the goods' value in [0, 1], got 1.5",
        ),
        (
            "late_share_per_day",
            -0.01,
            "late_share_per_day must be a share of the goods' value in [0, 1], got -0.01",
        ),
        (
            "late_share_per_day",
            math.nan,
            "late_share_per_day must be a share of the goods' value in [0, 1], got nan",
        ),
        (
            "late_share",
            True,
            "late_share must be a share of the goods' value in [0, 1], got True",
        ),
        ("refine_rounds", -1, "refine_rounds must be >= 0, got -1"),
        ("solo_pairs", -1, "solo_pairs must be >= 0, got -1"),
        ("exact_pairs", -1, "exact_pairs must be >= 0, got -1"),
        ("plan_quantile", 1.0, "plan_quantile must be in (0, 1), got 1.0"),
        ("complete_departures", "no", "complete_departures must be true or false, got 'no'"),
        ("hard_deadlines", 1, "hard_deadlines must be true or false, got 1"),
    ],
)
def test_a_bad_parameter_says_which_and_why(field: str, value: object, message: str) -> None:
    """Each parameter out of range is refused with its name, its rule and the value."""
    with pytest.raises(InvalidPlanInput) as caught:
        PlanParams(**{field: value})
    assert caught.value.message == message


def test_the_edges_of_the_ranges_are_allowed() -> None:
    """A gap of 0, no late penalty, no refinement, the whole value once and per day: all
    valid."""
    PlanParams(relative_gap=0.0, late_penalty_per_day=Decimal(0), refine_top=0, refine_rounds=0)
    PlanParams(late_fee=Decimal(0), late_share=0, late_share_per_day=0.0)
    PlanParams(late_share=1, late_share_per_day=1.0)


def test_the_default_late_penalty_follows_the_orders_value() -> None:
    """By default a late order pays once (a fee and a tenth of its value) and per day (an
    amount and 3 % of its value), so a dearer order weighs more than the old flat
    EUR 1.50 a day."""
    p = PlanParams()
    assert (p.late_fee, p.late_share) == (Decimal("5.00"), 0.10)
    assert (p.late_penalty_per_day, p.late_share_per_day) == (Decimal("0.50"), 0.03)


def test_parameters_load_from_toml_with_money_as_decimals(tmp_path: Path) -> None:
    """A TOML file sets what it names, the rest keeps its default; penalties become
    Decimals from their written text (250.1 is exactly 250.1)."""
    path = tmp_path / "plan.toml"
    path.write_text(
        'horizon_days = 7\nsolver = "scip"\nunplanned_penalty = 250.1\n'
        "late_fee = 2\nlate_share = 0.25\nlate_penalty_per_day = 0.1\nlate_share_per_day = 0\n"
    )
    params = PlanParams.from_file(path)
    assert (params.horizon_days, params.solver) == (7, "scip")
    assert params.unplanned_penalty == Decimal("250.1")
    assert (params.late_fee, params.late_penalty_per_day) == (Decimal(2), Decimal("0.1"))
    assert (params.late_share, params.late_share_per_day) == (0.25, 0)
    assert params.time_limit_s == PlanParams().time_limit_s


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("horizon_days = 7\nspeed = 3\nzoom = 1\n", "{path}: unknown parameter(s) speed, zoom"),
        ("horizon_days = \n", "{path}: Invalid value"),
        ("time_limit_s = -3\n", "time_limit_s must be > 0, got -3"),
        ('late_fee = "five"\n', "{path}: late_fee must be a number, got 'five'"),
        ("late_penalty_per_day = true\n", "{path}: late_penalty_per_day must be a number"),
        ("late_fee = nan\n", "late_fee must be an amount >= 0, got NaN"),
        ("unplanned_penalty = -inf\n", "unplanned_penalty must be an amount > 0, got -Infinity"),
        (
            'integer_flows = "false"\n',
            "integer_flows must be true or false, got 'false'",
        ),
        (
            'late_share = "10%"\n',
            "late_share must be a share of the goods' value in [0, 1], got '10%'",
        ),
    ],
    ids=[
        "unknown-keys",
        "not-toml",
        "out-of-range",
        "amount-text",
        "amount-bool",
        "amount-nan",
        "amount-inf",
        "flag-text",
        "share-text",
    ],
)
def test_a_bad_parameter_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    """Unknown keys and broken TOML are refused naming the file; a bad value as in code."""
    path = tmp_path / "plan.toml"
    path.write_text(text)
    with pytest.raises(InvalidPlanInput) as caught:
        PlanParams.from_file(path)
    assert caught.value.message.startswith(message.format(path=path))


def test_a_missing_parameter_file_is_one_line(tmp_path: Path) -> None:
    """A file that is not there: an InvalidPlanInput naming it, not an OSError."""
    with pytest.raises(InvalidPlanInput, match=r"nowhere\.toml"):
        PlanParams.from_file(tmp_path / "nowhere.toml")


def test_a_scenario_checks_its_demand_and_factors() -> None:
    """Demand must be > 0; a capacity factor >= 0 (0 closes the capacity, -1 means nothing)."""
    with pytest.raises(InvalidPlanInput, match=r"^demand must be > 0, got 0$"):
        Scenario(demand=0)
    with pytest.raises(
        InvalidPlanInput, match="capacity factor of lanes-rail must be >= 0, got -1"
    ):
        Scenario(scale_capacity=(("lanes-rail", -1.0),))
    scenario = Scenario(scale_capacity=(("lanes-rail", 0.0), ("lanes-air", 1.5)))
    assert scenario.scales == {"lanes-rail": 0.0, "lanes-air": 1.5}


def test_scale_pairs_parse_from_the_command_line() -> None:
    """`SERVICE=FACTOR`, spaces around the service ignored."""
    assert parse_scale(["lanes-rail=1.2", " lanes-air =0"]) == (
        ("lanes-rail", 1.2),
        ("lanes-air", 0.0),
    )


@pytest.mark.parametrize("text", ["lanes-rail", "=2", "lanes-rail=x", "lanes-rail=nan"])
def test_a_scale_pair_that_is_not_one_is_refused(text: str) -> None:
    """No `=`, no service, or a factor that is not a number: the message shows the form."""
    with pytest.raises(InvalidPlanInput) as caught:
        parse_scale([text])
    assert caught.value.message == f"--scale-capacity wants SERVICE_ID=FACTOR, got {text!r}"
