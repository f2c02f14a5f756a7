"""carriers/registry/world.py: a whole world directory, loaded whole or refused with every
problem of every file at once, and never a cascade of one problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carriers.errors import InvalidNetwork
from carriers.registry import DEFAULT_WORLD, load_world
from routing.network import Network
from tests.carriers.registry.conftest import break_one
from tests.helpers import DATA

# One break in each of three files (the rules of test_services, test_nodes, test_rate_cards).
BROKEN = {
    "unknown node": ("carriers/skyline.toml", 'to = "ES-MAD-HUB"', 'to = "ES-MAD-HBU"'),
    "bad time zone": ("nodes.csv", "Europe/Lisbon", "Europe/Lisboa"),
    "negative rate": ("carriers/lastmile.toml", "per_kg = 0.5", "per_kg = -0.5"),
}


def test_every_problem_is_reported_at_once(tiny_copy: Path) -> None:
    """Three broken files give three problems in one InvalidNetwork, not the first only."""
    for rule in ("unknown node", "bad time zone", "negative rate"):
        break_one(tiny_copy, *BROKEN[rule][:3])
    with pytest.raises(InvalidNetwork) as caught:
        load_world(tiny_copy)
    assert len(caught.value.problems) == 3


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


def test_carriers_come_in_file_order_and_remember_their_lines() -> None:
    """feeder, lastmile, skyline (sorted file names), their services in file order; each
    service is remembered at its [[services]] header, each node at its row."""
    world = load_world(DATA / "tiny")
    assert [c.id for c in world.carriers] == ["feeder", "lastmile", "skyline"]
    assert [s.id for s in world.services] == [
        "feeder-yiw-pvg",
        "lastmile-es-postal",
        "lastmile-es-courier",
        "lastmile-pt-road",
        "skyline-pvg-mad",
    ]
    carriers = DATA / "tiny" / "carriers"
    assert world.service_lines["skyline-pvg-mad"] == (str(carriers / "skyline.toml"), 14)
    assert world.service_lines["lastmile-pt-road"] == (str(carriers / "lastmile.toml"), 29)
    assert world.node_lines["PT-NAT-ZONE"] == (str(DATA / "tiny" / "nodes.csv"), 6)


def test_a_broken_node_is_one_problem_however_many_services_use_it(tiny_copy: Path) -> None:
    """The Madrid hub (used by four services) with a bad time zone is one problem, at its
    row: the services naming it are not also told it is unknown."""
    break_one(
        tiny_copy, "nodes.csv", "Europe/Madrid,test fixture\nES-PEN", "Madrid,test fixture\nES-PEN"
    )
    with pytest.raises(InvalidNetwork) as caught:
        load_world(tiny_copy)
    reported = [str(p).replace(f"{tiny_copy}/", "") for p in caught.value.problems]
    assert reported == ["nodes.csv:4: tz: unknown IANA time zone 'Madrid'"]


def test_a_world_without_carrier_files_is_refused(tmp_path: Path) -> None:
    """Nodes but no carriers/*.toml: one problem naming the carriers directory."""
    shutil.copy(DATA / "tiny" / "nodes.csv", tmp_path / "nodes.csv")
    with pytest.raises(InvalidNetwork) as caught:
        load_world(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'carriers'}:1: carriers: no carrier files"
    ]


def test_the_default_world_is_the_embedded_data(default_world: Network) -> None:
    """DEFAULT_WORLD is the data/ directory the network loads by default, one carrier per
    file in its carriers/."""
    assert (DEFAULT_WORLD / "nodes.csv").is_file()
    assert default_world.source == DEFAULT_WORLD
    files = sorted(DEFAULT_WORLD.glob("carriers/*.toml"))
    assert len(default_world.carrier_names) == len(files) > 0
