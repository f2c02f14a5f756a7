"""A service's optional distance_km and carbon_cost_per_m3: read when given, each bad
value named at its file and line, and none when not given."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from carriers.errors import InvalidNetwork
from carriers.registry.world import load_world

TINY = Path(__file__).resolve().parents[2] / "data" / "renault_tiny"


@pytest.fixture
def world(tmp_path: Path) -> Path:
    result = CliRunner().invoke(app, ["import", "renault", str(TINY), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return tmp_path


def test_bad_lane_costs_are_named_at_their_line(world: Path) -> None:
    path = world / "carriers" / "renault-direct.toml"
    text = path.read_text().replace("distance_km = 100.000", "distance_km = -3", 1)
    path.write_text(text.replace('carbon_cost_per_m3 = "0.00 EUR"', 'carbon_cost_per_m3 = "x"', 1))
    with pytest.raises(InvalidNetwork) as caught:
        load_world(world)
    found = [(p.field, p.where.rsplit(":", 1)[0]) for p in caught.value.problems]
    assert ("services.distance_km", str(path)) in found
    assert ("services.carbon_cost_per_m3", str(path)) in found


def test_lane_costs_not_given_are_none(world: Path) -> None:
    path = world / "carriers" / "renault-direct.toml"
    lines = [
        line
        for line in path.read_text().splitlines()
        if not line.startswith(("distance_km", "carbon_cost_per_m3"))
    ]
    path.write_text("\n".join(lines) + "\n")
    services = [s for s in load_world(world).services if s.carrier == "renault-direct"]
    assert services
    assert all(s.distance_km is None and s.carbon_cost_per_m3 is None for s in services)
