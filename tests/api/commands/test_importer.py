"""`glocal import renault`: the tiny handmade instance (tests/data/renault_tiny) imported,
then accepted by `glocal network validate`."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.commands.importer import _pair
from carriers.errors import GlocalError
from carriers.money import Money
from carriers.registry.world import load_world

TINY = Path(__file__).resolve().parents[2] / "data" / "renault_tiny"


def test_import_then_validate(tmp_path: Path) -> None:
    """The world holds every point, every leg once, the handling cost and the lane costs."""
    runner = CliRunner()
    imported = runner.invoke(app, ["import", "renault", str(TINY), "--out", str(tmp_path)])
    assert imported.exit_code == 0, imported.output
    checked = runner.invoke(app, ["network", "validate", str(tmp_path)])
    assert checked.exit_code == 0, checked.output
    assert "valid (5 nodes, 6 services)" in checked.output
    world = load_world(tmp_path)
    platform = world.nodes["FR-201-PLATFORM"]
    assert platform.handling_cost_per_m3 == Money(200, "EUR")
    linear = next(s for s in world.services if s.id == "renault-101-201")
    assert linear.unit is None and linear.rate_card.breaks[0].per_kg == 200  # 20 / 10 m3
    assert linear.distance_km == 10.0 and linear.carbon_cost_per_m3 == Money(100, "EUR")
    truck = next(s for s in world.services if s.id == "renault-201-901")
    assert truck.unit is not None and truck.unit.cost == Money(5000, "EUR")


def test_a_country_option_reads_obfuscated_equals_iso() -> None:
    assert _pair("CIO=fr") == ("CIO", "FR")
    with pytest.raises(GlocalError, match="OBFUSCATED=ISO"):
        _pair("CIO")
