"""routing/network/loader.py: which directory is loaded, and what only the whole graph shows
(uncovered last miles, zones that are left, markets no origin reaches), each named at its
file:line; a network that loads is compiled."""

from __future__ import annotations

from pathlib import Path

import pytest

from carriers.errors import InvalidNetwork
from carriers.registry import DEFAULT_WORLD
from routing.network import load_network, network_dir
from tests.helpers import DATA

# (file, text to replace, replacement, "file:line: field" the problem must name)
BROKEN = {
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


def test_a_zone_cannot_be_left(tiny_copy: Path) -> None:
    """A service out of a destination zone is named at its header, by its from-node."""
    break_one(tiny_copy, "carriers/feeder.toml", 'from = "CN-YIW-WH"', 'from = "ES-PEN-ZONE"')
    with pytest.raises(InvalidNetwork) as caught:
        load_network(tiny_copy)
    reported = [str(p).replace(f"{tiny_copy}/", "") for p in caught.value.problems]
    assert "carriers/feeder.toml:11: from: a destination zone (ES-PEN-ZONE) cannot be left" in (
        reported
    )


def test_the_argument_then_the_environment_then_the_embedded_world(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """network_dir: an argument wins; without one $GLOCAL_NETWORK; without both data/."""
    monkeypatch.delenv("GLOCAL_NETWORK", raising=False)
    assert network_dir() == DEFAULT_WORLD
    monkeypatch.setenv("GLOCAL_NETWORK", str(DATA / "tiny"))
    assert network_dir() == DATA / "tiny"
    assert network_dir(DATA / "three_routes") == DATA / "three_routes"
    assert network_dir(str(DATA / "three_routes")) == DATA / "three_routes"


def test_the_environment_names_the_network_to_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """With $GLOCAL_NETWORK set, load_network() loads that directory."""
    monkeypatch.setenv("GLOCAL_NETWORK", str(DATA / "tiny"))
    network = load_network()
    assert network.source == DATA / "tiny" and len(network.services) == 5


def test_a_path_that_is_no_directory_is_refused(tmp_path: Path) -> None:
    """A missing directory is one problem, `is not a directory`, at that path."""
    with pytest.raises(InvalidNetwork) as caught:
        load_network(tmp_path / "nowhere")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'nowhere'}:1: network: is not a directory"
    ]


def test_a_loaded_network_is_compiled_and_knows_its_carriers() -> None:
    """load_network compiles at load (never on a request) and keeps each carrier's name."""
    network = load_network(DATA / "tiny")
    assert "compiled" in vars(network)  # the cached property was computed by the loader
    assert network.carrier_names == {
        "feeder": "Test Feeder",
        "lastmile": "Test Last Mile",
        "skyline": "Test Air",
    }
