"""carriers/registry/booking.py: a service's booking option read as written, and every
broken option or contradiction with its service (no unit, a unit heavier than the plane,
min over max, a negative rate, a ULD on a ship) named as `path:line: field`."""

from __future__ import annotations

from pathlib import Path

import pytest

from carriers.errors import Problem
from carriers.model import BookingOption, Commitment, Node, UnitType
from carriers.money import Money
from carriers.registry.nodes import load_nodes
from carriers.registry.services import load_carrier
from routing.network import Network
from tests.carriers.registry.conftest import said
from tests.carriers.registry.test_services import HEAD
from tests.helpers import DATA

# lines 1-9: the header and a rate card; 10-17: an air service; 18: its unit; 19: booking
ACME = (
    HEAD
    + """
[[services]]
id = "acme-pvg-mad"
from = "CN-PVG-AIR"
to = "ES-MAD-HUB"
mode = "{mode}"
rate_card = "std"
transit_days = { min = 2, p50 = 3, p90 = 5 }
unit = { name = "PMC", cost = "4800 EUR", capacity_kg = 4600, capacity_m3 = 10 }
booking = { {booking} }
"""
)
GOOD = (
    'unit_type = "uld", min_units = 0, max_units = 6, commitment = "weekly", '
    'vehicle_kg = 30000, vehicle_m3 = 120, spot_rate = "5.40 EUR", spot_cap_kg = 1500, '
    'spot_kg_per_m3 = 167, source = "illustrative"'
)


@pytest.fixture(scope="module")
def nodes() -> dict[str, Node]:
    found, _ = load_nodes(DATA / "tiny" / "nodes.csv", [])
    return found


def load(tmp_path: Path, nodes: dict[str, Node], booking: str, mode: str = "air") -> tuple:
    path = tmp_path / "acme.toml"
    text = ACME.replace("{mode}", mode).replace("{booking}", booking)
    path.write_text(text)
    problems: list[Problem] = []
    carrier = load_carrier(path, nodes, problems, {})
    return carrier, said(problems), path


def test_a_booking_option_reads_as_written(tmp_path: Path, nodes: dict[str, Node]) -> None:
    carrier, problems, _ = load(tmp_path, nodes, GOOD)
    assert problems == []
    assert carrier.services[0].booking == BookingOption(
        unit_type=UnitType.ULD,
        min_units=0,
        max_units=6,
        commitment=Commitment.WEEKLY,
        vehicle_kg=30000.0,
        vehicle_m3=120.0,
        spot_rate=Money(540, "EUR"),
        spot_cap_kg=1500.0,
        spot_kg_per_m3=167.0,
        illustrative=True,
        source="illustrative",
    )


def test_no_spot_rate_means_no_spot(tmp_path: Path, nodes: dict[str, Node]) -> None:
    booking = GOOD.replace('spot_rate = "5.40 EUR", spot_cap_kg = 1500, ', "")
    carrier, problems, _ = load(tmp_path, nodes, booking)
    assert problems == [] and carrier.services[0].booking.spot_rate is None


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("vehicle_kg = 30000", "vehicle_kg = 4000",
         "services.booking.vehicle_kg: one unit (PMC, 4600 kg) is more than the vehicle "
         "carries (4000 kg)"),
        ("min_units = 0, max_units = 6", "min_units = 5, max_units = 4",
         "services.booking.min_units: must be at most max_units (4), got 5"),
        ("min_units = 0, max_units = 6", "min_units = 7, max_units = 8",
         "services.booking.min_units: 7 units of 4600 kg are more than the vehicle carries "
         "(30000 kg)"),
        ('"5.40 EUR"', '"-5.40 EUR"', "services.booking.spot_rate: must be >= 0, got -5.40"),
        ("spot_cap_kg = 1500", "spot_cap_kg = -1",
         "services.booking.spot_cap_kg: must be a number from 0 to 1,000,000,000, got -1"),
        ("max_units = 6", "max_units = 2.5",
         "services.booking.max_units: must be a whole number from 0 to 100,000, got 2.5"),
        ('"weekly"', '"monthly"',
         "services.booking.commitment: must be one of departure, weekly, got 'monthly'"),
        ('"uld"', '"pallet"', "services.booking.unit_type: must be one of uld, container_20, "
         "container_40, trailer, rail_slot, got 'pallet'"),
        ("max_units = 6, ", "", "services.booking.max_units: is required"),
        ("spot_kg_per_m3 = 167, ", "",
         "services.booking.spot_kg_per_m3: is required with a spot_rate (167 air, 1000 W/M)"),
        ("source", "sauce", "services.booking.sauce: unknown field 'sauce'"),
    ],
)  # fmt: skip
def test_each_bad_booking_option_is_named_at_its_line(
    tmp_path: Path, nodes: dict[str, Node], old: str, new: str, problem: str
) -> None:
    carrier, problems, _ = load(tmp_path, nodes, GOOD.replace(old, new))
    assert carrier is None
    assert problems == [f"19: {problem}"]


def test_a_uld_on_a_ship_is_refused(tmp_path: Path, nodes: dict[str, Node]) -> None:
    _, problems, _ = load(tmp_path, nodes, GOOD, mode="sea")
    assert problems == ["19: services.booking.unit_type: a uld does not travel by sea (only air)"]


def test_a_booking_option_needs_a_unit(tmp_path: Path, nodes: dict[str, Node]) -> None:
    path = tmp_path / "acme.toml"
    text = ACME.replace("{mode}", "air").replace("{booking}", GOOD)
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("unit")))
    problems: list[Problem] = []
    assert load_carrier(path, nodes, problems, {}) is None
    assert said(problems) == [
        "18: services.booking: needs the service's unit = { name, cost, capacity_kg, capacity_m3 }"
    ]


def test_the_default_worlds_line_hauls_have_booking_options(default_world: Network) -> None:
    """Every service bought in units has a booking option that books more than today's
    capacity and prices spot above a full unit's cost per kg."""
    units = [s for s in default_world.services if s.unit is not None]
    assert len(units) >= 40
    for s in units:
        b, unit = s.booking, s.unit
        assert b is not None and b.source, s.id
        assert b.max_units * unit.capacity_kg > (s.capacity.kg or 0), s.id
        assert b.spot_rate is not None and b.spot_rate.currency == unit.cost.currency, s.id
        full = min(unit.capacity_kg, unit.capacity_m3 * 161)  # a unit full of parcels
        chargeable = max(full, full / 161 * b.spot_kg_per_m3)
        assert b.spot_rate.amount * chargeable > 1.2 * unit.cost.amount, s.id
