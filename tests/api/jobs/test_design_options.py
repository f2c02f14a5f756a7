"""api/jobs/design_options.py: what a planner may ask of a design job, the defaults of
`glocal design` and its replay, bad values refused naming the field, one canonical form."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.jobs.design_options import DesignOptions
from routing.design.forecast import COLUMNS


def test_the_defaults_design_every_week_and_replay_five_scenarios() -> None:
    options = DesignOptions()
    assert options.canonical() == {
        "weeks": None, "time_limit_s": 300.0, "scenarios": 5, "seed": 1,
        "demand_quantile": None,
    }  # fmt: skip
    assert options.kind == "design" and options.columns == COLUMNS
    assert options.callback_url is None


def test_the_fingerprint_is_the_same_for_the_same_options() -> None:
    one = DesignOptions(weeks=2, time_limit_s=30, scenarios=3)
    other = DesignOptions.model_validate({"scenarios": 3, "time_limit_s": 30.0, "weeks": 2})
    assert one.fingerprint() == other.fingerprint()
    assert one.fingerprint() != DesignOptions(weeks=2, time_limit_s=30).fingerprint()


@pytest.mark.parametrize(
    ("field", "value"),
    [("weeks", 0), ("time_limit_s", 0), ("time_limit_s", 4000), ("scenarios", -1),
     ("scenarios", 51), ("demand_quantile", 1.0), ("demand_quantile", 0), ("horizon_days", 7)],
)  # fmt: skip
def test_a_bad_option_is_refused_naming_its_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        DesignOptions.model_validate({field: value})
    assert refused.value.errors()[0]["loc"] == (field,)
