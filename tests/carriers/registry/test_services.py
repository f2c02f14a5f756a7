"""carriers/registry/services.py: a carrier file's header and services, every field read as
written, every problem named at its file:line and field, nothing half-loaded."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from carriers.errors import InvalidNetwork, Problem
from carriers.model import (
    BatteryClass,
    Capacity,
    Carrier,
    ConsolidationUnit,
    Coverage,
    CustomsRegime,
    CustomsRole,
    GoodsCategory,
    Mode,
    Node,
    Restrictions,
    Schedule,
    TransitTime,
)
from carriers.money import Money
from carriers.registry import load_world
from carriers.registry.nodes import load_nodes
from carriers.registry.services import load_carrier
from routing.network import load_network
from tests.carriers.registry.conftest import break_one, said
from tests.helpers import DATA

# (file, text to replace, replacement, "file:line: field" the problem must name)
BROKEN = {
    "unknown node": (
        "carriers/skyline.toml",
        'to = "ES-MAD-HUB"',
        'to = "ES-MAD-HBU"',
        "carriers/skyline.toml:17: services.to",
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
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_names_the_exact_place(rule: str, tiny_copy: Path) -> None:
    """A network broken in one place reports that place as path:line: field."""
    file, old, new, expected = BROKEN[rule]
    break_one(tiny_copy, file, old, new)
    with pytest.raises(InvalidNetwork) as caught:
        load_network(tiny_copy)
    reported = [str(p).replace(f"{tiny_copy}/", "") for p in caught.value.problems]
    assert any(line.startswith(expected + ":") for line in reported), reported


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


# A carrier file's first nine lines; the services written after it start at line 10.
HEAD = """[carrier]
id = "acme"
name = "Acme"

[rate_cards.std]
currency = "EUR"
breaks = [
  { up_to_kg = 30, per_kg = 1.0, per_piece = 2.0 },
]
"""
# Lines 10-17; whatever a test adds starts at line 18.
SERVICE = """
[[services]]
id = "acme-pvg-mad"
from = "CN-PVG-AIR"
to = "ES-MAD-HUB"
mode = "air"
rate_card = "std"
transit_days = { min = 2, p50 = 3, p90 = 5 }
"""


@pytest.fixture(scope="module")
def nodes() -> dict[str, Node]:
    found, _ = load_nodes(DATA / "tiny" / "nodes.csv", [])
    return found


def load(
    tmp_path: Path, text: str, nodes: dict[str, Node], broken_nodes: set[str] | None = None
) -> tuple[Carrier | None, list[str], dict[str, tuple[str, int]]]:
    """load_carrier on `text`: the carrier (or None), its problems, the services' lines."""
    path = tmp_path / "acme.toml"
    path.write_text(text)
    problems: list[Problem] = []
    lines: dict[str, tuple[str, int]] = {}
    carrier = load_carrier(path, nodes, problems, lines, broken_nodes)
    return carrier, said(problems), lines


def test_a_service_reads_as_written(nodes: dict[str, Node]) -> None:
    """The tiny world's air service: Tuesday and Friday departures at 18:00 local, no
    weekend moves, clearing import under b2b_hub, its card shared with the carrier."""
    path = DATA / "tiny" / "carriers" / "skyline.toml"
    lines: dict[str, tuple[str, int]] = {}
    carrier = load_carrier(path, nodes, [], lines)
    assert carrier is not None and carrier.name == "Test Air"
    (s,) = carrier.services
    assert (s.id, s.carrier, s.from_node, s.to_node, s.mode) == (
        "skyline-pvg-mad",
        "skyline",
        "CN-PVG-AIR",
        "ES-MAD-HUB",
        Mode.AIR,
    )
    assert s.schedule == Schedule(frozenset({1, 4}), time(18, 0), False)
    assert s.transit == TransitTime(2, 3, 5)
    assert s.customs == CustomsRole(True, CustomsRegime.B2B_HUB, None)
    assert s.rate_card is carrier.rate_cards[0]
    assert lines == {"skyline-pvg-mad": (str(path), 14)}  # its [[services]] header


def test_what_a_service_leaves_out_takes_the_documented_default(
    tmp_path: Path, nodes: dict[str, Node]
) -> None:
    """No departures, cut-off, limits or coverage written: daily at 23:59, no weekend
    moves, batteries in equipment and liquids allowed, no capacity limit, named by its id."""
    carrier, problems, _ = load(tmp_path, HEAD + SERVICE, nodes)
    assert problems == [] and carrier is not None
    (s,) = carrier.services
    assert s.name == "acme-pvg-mad" and s.handling_days == 0.0
    assert s.schedule == Schedule(frozenset(range(7)), time(23, 59), False)
    assert s.restrictions == Restrictions(max_battery=BatteryClass.IN_EQUIPMENT, liquids=True)
    assert (s.capacity, s.unit, s.coverage) == (Capacity(), None, ())
    assert s.customs == CustomsRole()


def test_every_part_of_a_full_service_is_read(tmp_path: Path, nodes: dict[str, Node]) -> None:
    """Capacity, unit, limits, customs and coverage as written; money from "AMOUNT CUR"."""
    full = SERVICE + (
        'departures = ["mon", "thu"]\n'
        'cutoff = "07:30"\n'
        "weekends = true\n"
        "handling_days = 1.5\n"
        "capacity = { kg = 1000, m3 = 8 }\n"
        'unit = { name = "ULD", cost = "1200 EUR", capacity_kg = 1500, capacity_m3 = 10 }\n'
        "restrictions = { max_weight_kg = 30, max_side_cm = 120, max_sum_sides_cm = 300, "
        'max_battery = "loose", liquids = false, forbidden_categories = ["weapons", "food"], '
        'max_value = "150 EUR" }\n'
        'customs = { clears_import = true, regime = "ioss", clearance_fee = "2.50 EUR" }\n'
        'coverage = [{ country = "ES", postal_prefixes = ["28", "08"] }, '
        '{ country = "PT", except_prefixes = ["9"] }]\n'
    )
    carrier, problems, _ = load(tmp_path, HEAD + full, nodes)
    assert problems == [] and carrier is not None
    (s,) = carrier.services
    assert s.schedule == Schedule(frozenset({0, 3}), time(7, 30), True)
    assert s.handling_days == 1.5
    assert s.capacity == Capacity(1000.0, 8.0)
    assert s.unit == ConsolidationUnit("ULD", 1500.0, 10.0, Money(120_000, "EUR"))
    assert s.restrictions == Restrictions(
        max_weight_kg=30.0,
        max_side_cm=120.0,
        max_sum_sides_cm=300.0,
        max_battery=BatteryClass.LOOSE,
        liquids=False,
        forbidden_categories=frozenset({GoodsCategory.WEAPONS, GoodsCategory.FOOD}),
        max_value=Money(15_000, "EUR"),
    )
    assert s.customs == CustomsRole(True, CustomsRegime.IOSS, Money(250, "EUR"))
    assert s.coverage == (Coverage("ES", ("28", "08")), Coverage("PT", ("",), ("9",)))


def test_a_broken_rate_card_is_reported_once(tmp_path: Path, nodes: dict[str, Node]) -> None:
    """A service on a card that failed to load is not also told the card is unknown."""
    text = HEAD.replace('currency = "EUR"', 'currency = "EUD"') + SERVICE
    carrier, problems, lines = load(tmp_path, text, nodes)
    assert carrier is None and lines == {}
    assert problems == ["6: rate_cards.std.currency: unknown ISO 4217 currency 'EUD'"]


def test_a_node_broken_in_nodes_csv_is_not_reported_again(
    tmp_path: Path, nodes: dict[str, Node]
) -> None:
    """A service from a node nodes.csv declared but could not read gets no second problem
    (nodes.csv's own problem names it, and refuses the world); an undeclared node does."""
    text = HEAD + SERVICE.replace('"CN-PVG-AIR"', '"CN-XXX-AIR"')
    _, problems, _ = load(tmp_path, text, nodes)
    assert problems == ["13: services.from: unknown node 'CN-XXX-AIR'"]
    _, problems, _ = load(tmp_path, text, nodes, broken_nodes={"CN-XXX-AIR"})
    assert problems == []


def test_a_carrier_needs_a_header_id_and_a_service(tmp_path: Path, nodes: dict[str, Node]) -> None:
    """No [carrier] id: one problem, nothing else read. No [[services]]: one problem."""
    carrier, problems, _ = load(tmp_path, HEAD.replace('id = "acme"\n', "") + SERVICE, nodes)
    assert carrier is None
    assert problems == ["1: carrier.id: a [carrier] table with an id is required"]
    carrier, problems, _ = load(tmp_path, HEAD, nodes)
    assert carrier is None
    assert problems == ["1: services: a carrier needs at least one [[services]] entry"]


def test_broken_parts_are_each_named_at_their_line(tmp_path: Path, nodes: dict[str, Node]) -> None:
    """Departures, a unit without capacity, an unknown regime and category: four problems,
    each at the line of its field, and the service is not made."""
    broken = SERVICE + (
        'departures = ["tuesday"]\n'
        'unit = { cost = "900 EUR" }\n'
        'customs = { clears_import = true, regime = "smuggling" }\n'
        'restrictions = { forbidden_categories = ["ivory"] }\n'
    )
    carrier, problems, lines = load(tmp_path, HEAD + broken, nodes)
    assert carrier is None and lines == {}
    allowed = ", ".join(c.value for c in GoodsCategory)
    regimes = ", ".join(r.value for r in CustomsRegime)
    assert problems == [
        '18: services.departures: must be "daily" or a list of mon, tue, wed, thu, fri, sat, '
        "sun, got ['tuesday']",
        "19: services.unit: needs capacity_kg > 0 and capacity_m3 > 0",
        f"21: services.restrictions.forbidden_categories: must be one of {allowed}, got 'ivory'",
        f"20: services.customs.regime: must be one of {regimes}, got 'smuggling'",
    ]


def test_duplicate_service_id_in_one_file_names_the_first(
    tmp_path: Path, nodes: dict[str, Node]
) -> None:
    """The second service of an id is refused, naming where the first one is."""
    carrier, problems, _ = load(tmp_path, HEAD + SERVICE + SERVICE, nodes)
    assert carrier is None
    path = tmp_path / "acme.toml"
    assert problems == [
        f"20: services.id: duplicate service id 'acme-pvg-mad' (first at {path}:11)"
    ]


# A line added to a valid service (line 18) and the one problem it must give: every field
# of the wrong TOML type, non-finite or out of range.
WRONG = {
    "capacity a number": ("capacity = 5", "services.capacity: must be a table, got 5"),
    "capacity NaN": (
        "capacity = { kg = nan }",
        "services.capacity.kg: must be a number from 0 to 1,000,000,000, got nan",
    ),
    "categories a string": (
        'restrictions = { forbidden_categories = "battery" }',
        "services.restrictions.forbidden_categories: must be a list, got 'battery'",
    ),
    "liquids a string": (
        'restrictions = { liquids = "no" }',
        "services.restrictions.liquids: must be true or false, got 'no'",
    ),
    "weight limit infinite": (
        "restrictions = { max_weight_kg = inf }",
        "services.restrictions.max_weight_kg: must be a number from 0 to 100,000, got inf",
    ),
    "battery class a number": (
        "restrictions = { max_battery = 2 }",
        f"services.restrictions.max_battery: must be one of "
        f"{', '.join(b.value for b in BatteryClass)}, got 2",
    ),
    "customs a string": ('customs = "ioss"', "services.customs: must be a table, got 'ioss'"),
    "clears import a number": (
        'customs = { clears_import = 1, regime = "ioss" }',
        "services.customs.clears_import: must be true or false, got 1",
    ),
    "fee a number": (
        "customs = { clearance_fee = 2.5 }",
        'services.customs.clearance_fee: must read "AMOUNT CURRENCY" with an ISO 4217 code, '
        "got 2.5",
    ),
    "unit a string": (
        'unit = "ULD"',
        "services.unit: must be a table { name, cost, capacity_kg, capacity_m3 }, got 'ULD'",
    ),
    "unit capacity true": (
        'unit = { cost = "900 EUR", capacity_kg = true, capacity_m3 = 10 }',
        "services.unit.capacity_kg: must be a number from 0 to 1,000,000,000, got True",
    ),
    "cut-off a number": ("cutoff = 1800", "services.cutoff: must be a local time HH:MM, got 1800"),
    "cut-off 25:00": (
        'cutoff = "25:00"',
        "services.cutoff: must be a local time HH:MM, got '25:00'",
    ),
    "weekends a string": (
        'weekends = "yes"',
        "services.weekends: must be true or false, got 'yes'",
    ),
    "handling days true": (
        "handling_days = true",
        "services.handling_days: must be a number from 0 to 365, got True",
    ),
    "handling days NaN": (
        "handling_days = nan",
        "services.handling_days: must be a number from 0 to 365, got nan",
    ),
    "coverage a table": (
        'coverage = { country = "ES" }',
        "services.coverage: must be a list, got {'country': 'ES'}",
    ),
    "coverage row a string": (
        'coverage = ["ES"]',
        "services.coverage: must be a table { country, postal_prefixes }, got 'ES'",
    ),
    "name a number": ("name = 5", "services.name: must be a string, got 5"),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_each_wrong_value_is_one_problem_at_its_line(
    case: str, tmp_path: Path, nodes: dict[str, Node]
) -> None:
    """A field of the wrong TOML type (a number for a table, a string for a list or a
    flag), NaN, infinity or out of its range: one problem at its line naming the field and
    what was written, no service, never an exception."""
    line, problem = WRONG[case]
    carrier, problems, _ = load(tmp_path, HEAD + SERVICE + line + "\n", nodes)
    assert carrier is None
    assert problems == [f"18: {problem}"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('id = "acme-pvg-mad"', "id = 5", "12: services.id: is required: a string, got 5"),
        ('from = "CN-PVG-AIR"', "from = {}", "13: services.from: must be a string, got {}"),
        (
            'rate_card = "std"',
            'rate_card = ["std"]',
            "16: services.rate_card: must be a string, got ['std']",
        ),
        (
            "p90 = 5",
            "p90 = inf",
            "17: services.transit_days.p90: must be a number from 0 to 365, got inf",
        ),
        (
            "p90 = 5",
            'p90 = "5"',
            "17: services.transit_days.p90: must be a number from 0 to 365, got '5'",
        ),
        (
            "transit_days = { min = 2, p50 = 3, p90 = 5 }",
            "transit_days = 3",
            "17: services.transit_days: is required: { min = D, p50 = D, p90 = D }, got 3",
        ),
    ],
)
def test_a_services_own_fields_of_the_wrong_type(
    old: str, new: str, problem: str, tmp_path: Path, nodes: dict[str, Node]
) -> None:
    """An id, a node or a card that is not a string, transit days not finite numbers: one
    problem each, at the field's line."""
    carrier, problems, _ = load(tmp_path, HEAD + SERVICE.replace(old, new), nodes)
    assert carrier is None and problems == [problem]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('name = "Acme"', "name = 5", "3: carrier.name: must be a string, got 5"),
        ('name = "Acme"', 'nmae = "Acme"', "3: carrier.nmae: unknown field 'nmae'"),
        ('id = "acme"', "id = 7", "2: carrier.id: must be a string, got 7"),
    ],
)
def test_the_header_holds_strings_it_knows(
    old: str, new: str, problem: str, tmp_path: Path, nodes: dict[str, Node]
) -> None:
    """[carrier] takes id, name, source and website, each a string."""
    carrier, problems, _ = load(tmp_path, HEAD.replace(old, new) + SERVICE, nodes)
    assert carrier is None and problems == [problem]


def test_services_that_are_not_an_array_of_tables(tmp_path: Path, nodes: dict[str, Node]) -> None:
    """`services = 5` and `services = ["a"]` are refused at their line, not iterated."""
    carrier, problems, _ = load(tmp_path, "services = 5\n" + HEAD, nodes)
    assert carrier is None and problems == ["1: services: must be a list, got 5"]
    carrier, problems, _ = load(tmp_path, 'services = ["a"]\n' + HEAD, nodes)
    assert carrier is None and problems == ["1: services: must be a table, got 'a'"]
