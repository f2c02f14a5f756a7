"""Loading a world: every broken input names its file:line and field; nothing half-loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from carriers.errors import InvalidNetwork
from carriers.registry import load_world
from routing.network import load_network

# (file, text to replace, replacement, "file:line: field" the problem must name)
BROKEN = {
    "unknown node": (
        "carriers/skyline.toml",
        'to = "ES-MAD-HUB"',
        'to = "ES-MAD-HBU"',
        "carriers/skyline.toml:17: services.to",
    ),
    "bad ISO country": (
        "nodes.csv",
        "ES-MAD-HUB,hub,ES,",
        "ES-MAD-HUB,hub,SP,",
        "nodes.csv:4: country",
    ),
    "bad currency": (
        "carriers/skyline.toml",
        'currency = "EUR"',
        'currency = "EUD"',
        "carriers/skyline.toml:6: rate_cards.air.currency",
    ),
    "bad time zone": (
        "nodes.csv",
        "Europe/Lisbon",
        "Europe/Lisboa",
        "nodes.csv:6: tz",
    ),
    "unsorted weight breaks": (
        "carriers/skyline.toml",
        "{ up_to_kg = 30,",
        "{ up_to_kg = 1.5,",
        "carriers/skyline.toml:11: rate_cards.air.breaks",
    ),
    "overlapping weight breaks": (
        "carriers/skyline.toml",
        "{ up_to_kg = 30,",
        "{ up_to_kg = 2,",
        "carriers/skyline.toml:11: rate_cards.air.breaks",
    ),
    "negative rate": (
        "carriers/lastmile.toml",
        "per_kg = 0.5",
        "per_kg = -0.5",
        "carriers/lastmile.toml:8: rate_cards.parcel.breaks",
    ),
    "unknown mode": (
        "carriers/skyline.toml",
        'mode = "air"',
        'mode = "zeppelin"',
        "carriers/skyline.toml:18: services.mode",
    ),
    "unknown field": (
        "carriers/skyline.toml",
        'cutoff = "18:00"',
        'cutof = "18:00"',
        "carriers/skyline.toml:22: services.cutof",
    ),
    "bad cut-off": (
        "carriers/skyline.toml",
        'cutoff = "18:00"',
        'cutoff = "6pm"',
        "carriers/skyline.toml:22: services.cutoff",
    ),
    "bad transit": (
        "carriers/skyline.toml",
        "p50 = 3, p90 = 5",
        "p50 = 6, p90 = 5",
        "carriers/skyline.toml:20: services.transit_days",
    ),
    "clearance without regime": (
        "carriers/skyline.toml",
        ', regime = "b2b_hub"',
        "",
        "carriers/skyline.toml:23: services.customs",
    ),
    "toml syntax": (
        "carriers/skyline.toml",
        'name = "Test Air"',
        'name = "Test Air',
        "carriers/skyline.toml:3: toml",
    ),
    "last mile without coverage": (
        "carriers/lastmile.toml",
        'coverage = [{ country = "PT", postal_prefixes = [""] }]',
        "",
        "carriers/lastmile.toml:29: coverage",
    ),
    "market no origin reaches": (
        "carriers/lastmile.toml",
        'to = "PT-NAT-ZONE"',
        'to = "ES-PEN-ZONE"',
        "nodes.csv:6: id",
    ),
}


def break_one(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text()
    assert old in text, f"fixture drifted: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_names_the_exact_place(rule: str, tiny_copy: Path) -> None:
    """A network broken in one place reports that place as path:line: field."""
    file, old, new, expected = BROKEN[rule]
    break_one(tiny_copy, file, old, new)
    with pytest.raises(InvalidNetwork) as caught:
        load_network(tiny_copy)
    reported = [str(p).replace(f"{tiny_copy}/", "") for p in caught.value.problems]
    assert any(line.startswith(expected + ":") for line in reported), reported


def test_every_problem_is_reported_at_once(tiny_copy: Path) -> None:
    """Three broken files give three problems in one InvalidNetwork, not the first only."""
    for rule in ("unknown node", "bad time zone", "negative rate"):
        break_one(tiny_copy, *BROKEN[rule][:3])
    with pytest.raises(InvalidNetwork) as caught:
        load_world(tiny_copy)
    assert len(caught.value.problems) == 3


def test_duplicate_service_id_across_files(tiny_copy: Path) -> None:
    """Service ids are unique in the whole world; the second one is named."""
    break_one(
        tiny_copy, "carriers/lastmile.toml", 'id = "lastmile-pt-road"', 'id = "skyline-pvg-mad"'
    )
    with pytest.raises(InvalidNetwork) as caught:
        load_world(tiny_copy)
    (problem,) = caught.value.problems
    assert (
        str(problem)
        .replace(f"{tiny_copy}/", "")
        .startswith("carriers/skyline.toml:15: services.id: duplicate service id")
    )


def test_valid_world_loads_whole(tiny_copy: Path) -> None:
    """The untouched copy loads every node and service."""
    world = load_world(tiny_copy)
    assert len(world.nodes) == 5
    assert sorted(s.id for s in world.services) == [
        "feeder-yiw-pvg",
        "lastmile-es-courier",
        "lastmile-es-postal",
        "lastmile-pt-road",
        "skyline-pvg-mad",
    ]


def test_numeric_postal_prefix_is_refused(tiny_copy: Path) -> None:
    """A prefix written as a number (07 -> 7) would silently lose its zero: refused."""
    break_one(
        tiny_copy,
        "carriers/lastmile.toml",
        'except_prefixes = ["35", "38", "51", "52"]',
        "except_prefixes = [35, 38]",
    )
    with pytest.raises(InvalidNetwork) as caught:
        load_world(tiny_copy)
    (problem,) = caught.value.problems
    assert (
        str(problem)
        .replace(f"{tiny_copy}/", "")
        .startswith(
            "carriers/lastmile.toml:18: services.coverage: except_prefixes must be a list of quoted"
        )
    )
