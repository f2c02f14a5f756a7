"""routing/network/loader.py: which directory is loaded, and what only the whole graph shows
(uncovered last miles, zones that are left, markets no origin reaches), each named at its
file:line; a network that loads is compiled."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidNetwork
from carriers.registry import DEFAULT_WORLD
from carriers.registry.rate_cards import BREAK_KEYS, CARD_KEYS, ZONE_KEYS
from carriers.registry.services import HEADER_KEYS, PART_KEYS, SERVICE_KEYS
from routing.network import load_network, network_dir
from tests.carriers.registry.conftest import TOML_VALUES, put, toml_text
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


# --- any value in any field of a carrier file -----------------------------------------------

Key = tuple[str | int, ...]


def fields_of(card: str) -> list[Key]:
    """Every field a carrier file may hold (the first service and the first card's), and
    the sections and tables that hold them."""
    service: Key = ("services", 0)
    keys: list[Key] = [("carrier",), ("rate_cards",), ("rate_cards", card), ("services",), service]
    keys += [("carrier", k) for k in sorted(HEADER_KEYS)]
    keys += [("rate_cards", card, k) for k in sorted(CARD_KEYS)]
    keys += [("rate_cards", card, "breaks", 0, k) for k in sorted(BREAK_KEYS)]
    keys += [("rate_cards", card, "zones", 0, k) for k in sorted(ZONE_KEYS)]
    keys += [(*service, k) for k in sorted(SERVICE_KEYS)]
    for part, names in PART_KEYS.items():  # coverage is a list of tables
        where: Key = (*service, part, 0) if part == "coverage" else (*service, part)
        keys += [where, *((*where, k) for k in sorted(names))]
    return keys


def finite(value: Any) -> bool:
    """Every number inside a loaded service (its card, limits, days) is finite and >= 0."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(finite(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | frozenset):
        return all(finite(v) for v in value)
    if isinstance(value, float | Decimal | int):
        return math.isfinite(value) and value >= 0
    return True


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "tiny"
    shutil.copytree(DATA / "tiny", target)
    return target


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_value_in_any_field_loads_or_is_named_at_its_line(
    world: Path, data: st.DataObject
) -> None:
    """One field of a carrier file set to any TOML value (a string, an integer, a float
    with NaN and infinities, a boolean, a date, a list or a table, at any depth): the
    network loads with every number finite, or InvalidNetwork names file:line for each
    problem; never another exception, never a half-loaded network."""
    path = data.draw(st.sampled_from(sorted((world / "carriers").glob("*.toml"))))
    original = path.read_text()
    doc = tomllib.loads(original)
    key = data.draw(st.sampled_from(fields_of(next(iter(doc["rate_cards"])))))
    if not put(doc, key, data.draw(TOML_VALUES, label="value")):
        return
    path.write_text(text := toml_text(doc))
    try:
        network = load_network(world)
    except InvalidNetwork as caught:
        assert caught.problems
        for problem in caught.problems:
            file, line = problem.where.rsplit(":", 1)
            assert Path(file).is_relative_to(world) and re.fullmatch(r"[1-9]\d*", line), problem
            assert file != str(path) or int(line) <= text.count("\n"), problem
    else:
        assert all(finite(s) for s in network.services)
    finally:
        path.write_text(original)
