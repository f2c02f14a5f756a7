"""api/jobs/options.py: what a client may ask of a plan job, checked before it is queued,
kept in one canonical form (so a retried POST is recognised), and turned into the
planner's parameters and scenario."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from api.jobs.options import FORMATS, MEDIA_TYPES, PlanOptions
from carriers.errors import InvalidPlanInput
from routing.plan import PlanParams, Scenario


def test_the_defaults_are_those_of_glocal_plan() -> None:
    """No options: 14 days, 60 s, soft deadlines, nothing closed or scaled, demand 1."""
    options = PlanOptions()
    assert options.params() == PlanParams(horizon_days=14, time_limit_s=60, hard_deadlines=False)
    assert options.scenario() == Scenario(frozenset(), (), 1.0)
    assert options.canonical() == {
        "horizon_days": 14, "time_limit_s": 60.0, "hard_deadlines": False,
        "skip_invalid": False, "close": [], "scale_capacity": [], "demand": 1.0,
        "callback_url": None,
    }  # fmt: skip


def test_options_become_the_planners_parameters_and_scenario() -> None:
    """horizon, time limit and deadlines go to PlanParams; closed services, capacity
    factors and demand to the Scenario."""
    options = PlanOptions(
        horizon_days=7,
        time_limit_s=5,
        hard_deadlines=True,
        close=["lanes-air"],
        scale_capacity=["lanes-rail=1.5"],
        demand=2,
    )
    params = options.params()
    assert (params.horizon_days, params.time_limit_s, params.hard_deadlines) == (7, 5.0, True)
    assert options.scenario() == Scenario(frozenset({"lanes-air"}), (("lanes-rail", 1.5),), 2.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"horizon_days": 0},
        {"horizon_days": 91},
        {"time_limit_s": 0},
        {"demand": 0},
        {"callback_url": "not a url"},
        {"speed": "fast"},
    ],
    ids=["no-days", "past-90-days", "no-time", "no-demand", "bad-url", "unknown-option"],
)
def test_out_of_range_or_unknown_options_are_refused(bad: dict[str, object]) -> None:
    """A bound crossed, a callback that is no URL, or an option glocal does not have:
    refused before any job exists."""
    with pytest.raises(ValidationError):
        PlanOptions.model_validate(bad)


def test_a_malformed_capacity_factor_is_refused_when_turned_into_a_scenario() -> None:
    """`lanes-rail` without `=FACTOR` is the planner's input error, naming the text."""
    with pytest.raises(InvalidPlanInput, match="SERVICE_ID=FACTOR, got 'lanes-rail'"):
        PlanOptions(scale_capacity=["lanes-rail"]).scenario()


@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=8), st.randoms())
def test_the_fingerprint_ignores_the_order_and_repeats_of_closed_services(
    close: list[str], rng: random.Random
) -> None:
    """Closing [b, a, b] or [a, b] is the same request: same canonical form and
    fingerprint; the canonical list is sorted and without repeats."""
    shuffled = list(close)
    rng.shuffle(shuffled)
    one, other = PlanOptions(close=close), PlanOptions(close=shuffled + close[:1])
    assert one.fingerprint() == other.fingerprint()
    assert one.canonical()["close"] == sorted(set(close))


def test_any_other_option_changes_the_fingerprint() -> None:
    """A different horizon, or a callback, is a different request."""
    base = PlanOptions().fingerprint()
    assert PlanOptions(horizon_days=7).fingerprint() != base
    assert (
        PlanOptions.model_validate({"callback_url": "https://example.com/hook"}).fingerprint()
        != base
    )


def test_every_served_format_is_also_accepted_as_an_upload() -> None:
    """The media type of each result format (csv, parquet) reads back as that format."""
    assert sorted(MEDIA_TYPES) == ["csv", "parquet"]
    for fmt, media in MEDIA_TYPES.items():
        assert FORMATS[media] == fmt
