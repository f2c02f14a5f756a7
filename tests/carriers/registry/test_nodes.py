"""carriers/registry/nodes.py: nodes.csv read row by row, every problem named at the file's
own line (comment lines counted) and field; a broken row makes no node."""

from __future__ import annotations

from pathlib import Path

import pytest

from carriers.errors import InvalidNetwork, Problem
from carriers.model import Node, NodeKind
from carriers.registry.nodes import load_nodes
from routing.network import load_network
from tests.carriers.registry.conftest import break_one, said
from tests.helpers import DATA

# (file, text to replace, replacement, "file:line: field" the problem must name)
BROKEN = {
    "bad ISO country": (
        "nodes.csv",
        "ES-MAD-HUB,hub,ES,",
        "ES-MAD-HUB,hub,SP,",
        "nodes.csv:4: country",
    ),
    "bad time zone": (
        "nodes.csv",
        "Europe/Lisbon",
        "Europe/Lisboa",
        "nodes.csv:6: tz",
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


HEADER = "id,kind,country,city,lat,lon,tz,source\n"
YIWU = "CN-YIW-WH,warehouse,CN,Yiwu,29.3069,120.0751,Asia/Shanghai,test fixture\n"
MADRID = "ES-MAD-HUB,hub,ES,Madrid,40.4168,-3.7038,Europe/Madrid,\n"


def read(tmp_path: Path, text: str) -> tuple[dict[str, Node], dict[str, tuple[str, int]], list]:
    path = tmp_path / "nodes.csv"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    nodes, lines = load_nodes(path, problems)
    return nodes, lines, said(problems)


def test_the_tiny_nodes_read_as_written() -> None:
    """Five rows, five nodes, each remembered at its line (the header is line 1)."""
    path = DATA / "tiny" / "nodes.csv"
    problems: list[Problem] = []
    nodes, lines = load_nodes(path, problems)
    assert problems == []
    assert nodes["CN-YIW-WH"] == Node(
        "CN-YIW-WH",
        NodeKind.WAREHOUSE,
        "CN",
        "Yiwu",
        29.3069,
        120.0751,
        "Asia/Shanghai",
        "test fixture",
    )
    assert {n: line for n, (_, line) in lines.items()} == {
        "CN-YIW-WH": 2,
        "CN-PVG-AIR": 3,
        "ES-MAD-HUB": 4,
        "ES-PEN-ZONE": 5,
        "PT-NAT-ZONE": 6,
    }
    assert {p for p, _ in lines.values()} == {str(path)}


def test_comment_lines_are_skipped_and_still_counted(tmp_path: Path) -> None:
    """With comments before and between rows, a problem names the file's own line (5),
    not the row's place among the data lines (3)."""
    text = "# the world's places\n" + HEADER + YIWU + "# the Spanish hub\n"
    nodes, lines, problems = read(tmp_path, text + MADRID.replace("Europe/Madrid", "CET/Madrid"))
    assert problems == ["5: tz: unknown IANA time zone 'CET/Madrid'"]
    assert set(nodes) == {"CN-YIW-WH"}
    assert {n: line for n, (_, line) in lines.items()} == {"CN-YIW-WH": 3, "ES-MAD-HUB": 5}


def test_every_problem_of_a_row_is_named_and_no_node_is_made(tmp_path: Path) -> None:
    """One row with five bad fields gives five problems at its line; its id is still
    remembered, so services naming it are not told the node is unknown as well."""
    row = "ES-MAD-HUB,depot,es,Madrid,91,east,,\n"
    nodes, lines, problems = read(tmp_path, HEADER + row)
    kinds = ", ".join(k.value for k in NodeKind)
    assert problems == [
        f"2: kind: must be one of {kinds}, got 'depot'",
        "2: country: unknown ISO 3166-1 alpha-2 country 'es'",
        "2: lat: must be between -90 and 90, got 91.0",
        "2: lon: must be a number, got 'east'",
        "2: tz: unknown IANA time zone ''",
    ]
    assert nodes == {} and set(lines) == {"ES-MAD-HUB"}


def test_the_poles_and_the_antimeridian_are_places(tmp_path: Path) -> None:
    """Latitudes -90 and 90 and longitudes -180 and 180 are on the globe: accepted."""
    rows = (
        "S,hub,AQ,South Pole,-90,-180,Antarctica/McMurdo,\n"
        "N,hub,NO,North Pole,90,180,Europe/Oslo,\n"
    )
    nodes, _, problems = read(tmp_path, HEADER + rows)
    assert problems == []
    assert [(n.lat, n.lon) for n in nodes.values()] == [(-90.0, -180.0), (90.0, 180.0)]


def test_a_duplicate_id_names_the_first_row(tmp_path: Path) -> None:
    """The second row of an id is refused, naming the line of the first; the first stays."""
    nodes, lines, problems = read(tmp_path, HEADER + MADRID + YIWU + MADRID)
    assert problems == ["4: id: duplicate node id 'ES-MAD-HUB' (first at line 2)"]
    assert set(nodes) == {"ES-MAD-HUB", "CN-YIW-WH"} and lines["ES-MAD-HUB"][1] == 2


def test_an_empty_id_is_named(tmp_path: Path) -> None:
    """A row without an id is refused at its line."""
    nodes, _, problems = read(tmp_path, HEADER + "," + MADRID.split(",", 1)[1])
    assert problems == ["2: id: is empty"] and nodes == {}


def test_a_missing_file_or_column_is_one_problem_at_line_1(tmp_path: Path) -> None:
    """No file: `nodes.csv: file is missing`. A header without tz and source: those
    columns are named, and no row is read."""
    problems: list[Problem] = []
    assert load_nodes(tmp_path / "nodes.csv", problems) == ({}, {})
    assert said(problems) == ["1: nodes.csv: file is missing"]
    nodes, _, problems2 = read(tmp_path, "id,kind,country,city,lat,lon\n" + YIWU)
    assert problems2 == ["1: header: missing column(s) tz, source"] and nodes == {}


def test_a_field_past_the_csv_limit_is_a_problem_at_its_line(tmp_path: Path) -> None:
    """A city of 200,000 characters (past the csv module's 131,072) is named at its row,
    not a csv.Error; the rows before it are still read."""
    nodes, _, problems = read(tmp_path, HEADER + YIWU + MADRID.replace("Madrid", "M" * 200_000))
    assert list(nodes) == ["CN-YIW-WH"]
    assert problems == ["3: csv: field larger than field limit (131072)"]


def test_a_row_longer_than_the_header_is_named(tmp_path: Path) -> None:
    """A value past the last column (an unquoted comma in a source) is not dropped silently."""
    nodes, _, problems = read(tmp_path, HEADER + MADRID.replace(",\n", ",a, b\n"))
    assert nodes == {}
    assert problems == ["2: row: has 1 field(s) more than the header"]
