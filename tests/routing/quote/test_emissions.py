"""routing/quote/emissions.py: CO2e of a route = lane length x parcel tonnes x the mode's
intensity, with every mode's intensity read from data and checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers.errors import InvalidRule
from carriers.model import Mode
from routing.network import Network, routes_from
from routing.quote.emissions import co2e_kg, co2e_of, intensities, route_factors

HEADER = "mode,kg_co2e_per_tonne_km,source,confidence\n"
ROWS = {
    "air": "air,0.60,x,M\n",
    "sea": "sea,0.016,x,M\n",
    "rail": "rail,0.028,x,M\n",
    "road": "road,0.107,x,M\n",
    "postal": "postal,0.60,x,M\n",
    "courier": "courier,0.60,x,M\n",
}


def test_the_default_figures_are_read_for_every_mode() -> None:
    """data/emissions.csv gives all six modes; air 0.60 and sea 0.016 kg per tonne-km."""
    found = intensities()
    assert set(found) == set(Mode)
    assert (found[Mode.AIR], found[Mode.SEA], found[Mode.RAIL]) == (0.60, 0.016, 0.028)
    assert intensities() is found  # read once


def test_co2e_on_paper() -> None:
    """2 kg over 1,000 km at 0.6 and 500 km at 0.1: 0.002 t x (600 + 50) = 1.3 kg."""
    assert co2e_of(((1000.0, 0.6), (500.0, 0.1)), 2.0) == pytest.approx(1.3)
    assert co2e_of((), 5.0) == 0.0


@given(weight=st.floats(0.01, 100), factor=st.integers(1, 10))
def test_co2e_grows_with_the_weight(weight: float, factor: int) -> None:
    """n times the weight is n times the CO2e, on any route's factors."""
    factors = ((10_300.0, 0.6), (1200.0, 0.107), (350.0, 0.6))
    assert co2e_of(factors, weight * factor) == pytest.approx(factor * co2e_of(factors, weight))


def test_a_routes_factors_are_its_lanes_lengths_and_modes(tiny: Network) -> None:
    """Per leg: the geodesic km of the lane and its mode's intensity; co2e_kg is co2e_of
    those factors."""
    route = next(r for r in routes_from(tiny, "CN-YIW-WH") if r[-1].id == "lastmile-pt-road")
    factors = route_factors(tiny, route)
    figures = intensities()
    assert factors == tuple((tiny.distance_km(s), figures[s.mode]) for s in route)
    assert 10_000 < factors[1][0] < 10_600  # Shanghai to Madrid by air
    assert co2e_kg(tiny, route, 1.2) == co2e_of(factors, 1.2)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "emissions.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_row_is_named_at_the_files_own_line(tmp_path: Path) -> None:
    """With a comment on line 1, a row of an unknown mode on line 3 is named there, and
    the mode it should have given is missing."""
    rows = dict(ROWS, air="plane,0.60,x,M\n")
    path = write(tmp_path, "# factors\n" + HEADER + "".join(rows.values()))
    with pytest.raises(InvalidRule) as caught:
        intensities(path)
    assert [(p.where, p.field) for p in caught.value.problems] == [
        (f"{path}:3", "row"),
        (f"{path}:1", "mode"),
    ]
    assert "'plane' is not a valid Mode" in caught.value.problems[0].message
    assert caught.value.problems[1].message == "no emission factor for air"


def test_a_factor_that_is_no_number_is_refused(tmp_path: Path) -> None:
    """`rail,heavy` is a bad row at its line."""
    path = write(tmp_path, HEADER + "".join(dict(ROWS, rail="rail,heavy,x,M\n").values()))
    with pytest.raises(InvalidRule) as caught:
        intensities(path)
    assert [(p.where, p.field) for p in caught.value.problems] == [
        (f"{path}:4", "row"),
        (f"{path}:1", "mode"),
    ]
