"""routing/promise/served.py: a route's lane, the learned dates a quote reads for it, and
the lanes a model does not know (the schedule engine's)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from routing.network import Network, routes_from
from routing.promise.learned import LearnParams, PromiseModel, fit_model
from routing.promise.quantiles import BoostParams
from routing.promise.served import Lane, LearnedDates, ServedModel, lane_of, model_id_of
from tests.routing.promise.conftest import synthetic

ORDERED = datetime(2026, 6, 3, 22, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def model() -> PromiseModel:
    """Air and sea from CN and VN to ES and BR (destinations read from `CN>ES` lanes)."""
    return fit_model(synthetic(1500), LearnParams(boost=BoostParams(trees=30)))


def lane(family: str = "air courier", line_mode: str = "air", country: str = "ES") -> Lane:
    return Lane(family, line_mode, "CN", f"{country}-ZONE", country, "Europe/Madrid")


def test_a_route_lane_names_its_family_line_haul_origin_and_zone(tiny: Network) -> None:
    """The tiny network's Spanish courier route: air courier, flown, from Yiwu to the
    peninsula zone in Madrid's time zone."""
    route = next(r for r in routes_from(tiny, "CN-YIW-WH") if r[-1].id == "lastmile-es-courier")
    assert lane_of(route, tiny.nodes) == Lane(
        "air courier", "air", "CN-YIW-WH", "ES-PEN-ZONE", "ES", "Europe/Madrid"
    )


def test_a_lane_is_known_by_its_family_else_its_mode_and_zone_else_country(
    model: PromiseModel,
) -> None:
    """The model's history says `air` and `ES`: a lane of the air courier family to a
    Spanish zone is known as (air, ES); rail, or a country it never saw, is not."""
    served = ServedModel("pm_x", model)
    assert served.known(lane()) == ("air", "ES")
    assert served.known(lane(family="sea", line_mode="sea", country="BR")) == ("sea", "BR")
    assert served.known(lane(family="rail", line_mode="rail")) is None
    assert served.known(lane(country="PT")) is None
    assert served.dates(lane(country="PT"), ORDERED, 1.0) is None


def test_learned_dates_are_the_model_days_after_the_order_in_the_zones_calendar(
    model: PromiseModel,
) -> None:
    """P50 <= P90 <= P95, each the local (Madrid) date of the order time plus the model's
    days at that level; asked again, the days come from the cache, unchanged."""
    served = ServedModel("pm_x", model)
    found = served.dates(lane(), ORDERED, 1.0)
    assert isinstance(found, LearnedDates)
    p50, p90, p95 = found.standard
    assert p50 <= p90 <= p95
    days = served.days("air", "CN", "ES", 1.0, 6)
    madrid = ORDERED + timedelta(hours=2)  # CEST
    assert p95 == (madrid + timedelta(days=float(days[model.levels.index(0.95)]))).date()
    assert served.days("air", "CN", "ES", 1.0, 6) is days
    assert served.dates(lane(family="sea", line_mode="sea"), ORDERED, 1.0).standard[0] > p95  # type: ignore[union-attr]


def test_on_time_probability_is_the_highest_level_met() -> None:
    """A lower bound from the levels: by the P90 date, 0.9; before the first, 0."""
    d = [date(2026, 6, 10 + i) for i in range(3)]
    found = LearnedDates((d[0], d[1], d[2]), (0.5, 0.9, 0.95), tuple(d))
    assert found.probability_by(d[1]) == 0.9
    assert found.probability_by(d[0] - timedelta(days=1)) == 0.0
    assert found.probability_by(d[2] + timedelta(days=9)) == 0.95


def test_a_model_id_is_its_content_whatever_the_key_order(model: PromiseModel) -> None:
    document = model.as_dict()
    reordered = json.loads(json.dumps(dict(reversed(list(document.items())))))
    assert model_id_of(document) == model_id_of(reordered)
    assert model_id_of({**document, "n_seen": 1}) != model_id_of(document)
    assert model_id_of(document).startswith("pm_")


def test_warm_computes_every_band_and_month_of_the_known_lanes_at_once(
    model: PromiseModel,
) -> None:
    """Two known lanes (one twice) and an unknown one: 2 x 8 bands x 12 months keys, the
    same days a single computation gives; nothing for a model that knows no lane."""
    served = ServedModel("pm_x", model)
    assert (
        served.warm([lane(), lane(), lane(family="sea", line_mode="sea"), lane(country="PT")])
        == 192
    )
    warmed = served._days.get(("air", "CN", "ES", 0.0, 6))
    assert warmed is not None
    fresh = ServedModel("pm_y", model).days("air", "CN", "ES", 0.1, 6)
    assert warmed.tolist() == pytest.approx(fresh.tolist())
    assert ServedModel("pm_z", model).warm([lane(country="PT")]) == 0
