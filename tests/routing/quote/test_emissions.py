"""routing/quote/emissions.py: CO2e of a route = lane length x parcel tonnes x the mode's
intensity, with every mode's intensity read from data and checked."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
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
    assert [str(p).replace(f"{path}:", "") for p in caught.value.problems] == [
        "3: mode: must be one of air, sea, rail, road, postal, courier, got 'plane'",
        "1: mode: no emission factor for air",
    ]


@pytest.mark.parametrize("value", ["heavy", "nan", "NaN", "sNaN", "inf", "-Infinity", "-0.1",
                                   "1e400", "101", ""])  # fmt: skip
def test_a_factor_must_be_a_finite_number_from_0_to_100(tmp_path: Path, value: str) -> None:
    """A rail factor that is a word, NaN, infinite, negative, past 100 kg per tonne-km or
    empty is one problem at its line; rail is not also called missing."""
    path = write(tmp_path, HEADER + "".join(dict(ROWS, rail=f"rail,{value},x,M\n").values()))
    with pytest.raises(InvalidRule) as caught:
        intensities(path)
    assert [str(p).replace(f"{path}:", "") for p in caught.value.problems] == [
        f"4: kg_co2e_per_tonne_km: must be a number from 0 to 100, got {value!r}"
    ]


def test_zero_and_a_hundred_are_factors(tmp_path: Path) -> None:
    """The bounds are figures: rail at 0 (renewable power) and road at 100."""
    rows = dict(ROWS, rail="rail,0,x,M\n", road="road,100,x,M\n")
    found = intensities(write(tmp_path, HEADER + "".join(rows.values())))
    assert (found[Mode.RAIL], found[Mode.ROAD]) == (0.0, 100.0)


def test_a_mode_given_twice_is_named_with_its_first_line(tmp_path: Path) -> None:
    """A second air row would silently replace the first: it is refused at its line."""
    path = write(tmp_path, HEADER + "".join(ROWS.values()) + "air,0.5,x,M\n")
    with pytest.raises(InvalidRule) as caught:
        intensities(path)
    assert [str(p).replace(f"{path}:", "") for p in caught.value.problems] == [
        "8: mode: air is given twice (line 2)"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("kg,mode\n1,air\n", "1: header: missing column(s) kg_co2e_per_tonne_km"),
        (HEADER + '"' + "".join(ROWS.values()), "2: mode: must be one of"),
        (HEADER + "air," + "9" * 200_000 + ",x,M\n", "2: csv: field larger than field limit"),
    ],
    ids=["no factor column", "unclosed quote", "over-long field"],
)
def test_a_broken_file_is_a_problem_at_its_line(tmp_path: Path, text: str, problem: str) -> None:
    """A missing column, an unclosed quote (the rest of the file is one field) and a field
    past the csv module's limit are each named at a line, never a TypeError or csv.Error."""
    path = write(tmp_path, text)
    with pytest.raises(InvalidRule) as caught:
        intensities(path)
    assert str(caught.value.problems[0]).replace(f"{path}:", "").startswith(problem)


@settings(max_examples=200, deadline=None)
@given(
    mode=st.sampled_from(sorted(ROWS)),
    cell=st.text(st.characters(blacklist_categories=["Cs"]), max_size=20)
    | st.floats().map(str)
    | st.sampled_from(["nan", "inf", "-1", "1e999999", "0x10", "1_000"]),
)
def test_any_factor_text_is_a_figure_or_a_problem_at_its_line(mode: str, cell: str) -> None:
    """Any text in a mode's factor cell: the factors load, each finite and from 0 to 100,
    or InvalidRule names the file and a line; never another exception."""
    with tempfile.TemporaryDirectory() as directory:
        quoted = '"' + cell.replace('"', "") + '"'
        text = HEADER + "".join(dict(ROWS, **{mode: f"{mode},{quoted},x,M\n"}).values())
        path = write(Path(directory), text)
        try:
            found = intensities(path)
        except InvalidRule as caught:
            assert caught.problems
            assert all(p.where.startswith(f"{path}:") for p in caught.problems)
        else:
            assert all(math.isfinite(v) and 0 <= v <= 100 for v in found.values())
