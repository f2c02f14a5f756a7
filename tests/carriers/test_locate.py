"""carriers/locate.py: the line of every key path of a carrier file, so a problem can name
`path:line`; checked by hand on a small file and against every real carrier file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from carriers.locate import LineIndex
from carriers.registry import DEFAULT_WORLD
from tests.helpers import DATA

TEXT = """\
# a comment, then a blank line

[carrier]
id = "acme"  # trailing comment
name = "Acme"

[rate_cards.std]
currency = "EUR"
zones = ["a", "b"]
breaks = [
  { up_to_kg = 2, per_kg = 1, per_piece = 2 },

  # a comment inside the array
  { up_to_kg = 30, per_kg = 1, per_piece = 3 },
]
remote_area_prefixes = ["07"]

[[services]]
id = "first"
transit_days = { min = 1, p50 = 2, p90 = 3 }

[[services]]
id = "second"
coverage = [
  { country = "ES" },
]
"""


def test_each_key_of_a_small_file_is_at_its_line() -> None:
    """Tables, arrays of tables counted from 0, multi-line arrays one element
    per line (blank and comment lines skipped), one-line arrays left closed."""
    index = LineIndex(TEXT)
    assert index.line("carrier") == 3
    assert index.line("carrier", "id") == 4
    assert index.line("carrier", "name") == 5
    assert index.line("rate_cards", "std") == 7
    assert index.line("rate_cards", "std", "zones") == 9
    assert index.line("rate_cards", "std", "breaks") == 10
    assert index.line("rate_cards", "std", "breaks", 0) == 11
    assert index.line("rate_cards", "std", "breaks", 1) == 14
    assert index.line("rate_cards", "std", "remote_area_prefixes") == 16  # the array closed
    assert index.line("services", 0) == 18
    assert index.line("services", 0, "transit_days") == 20
    assert index.line("services", 1, "id") == 23
    assert index.line("services", 1, "coverage", 0) == 25


def test_an_unknown_key_falls_back_to_what_encloses_it() -> None:
    """A key the file lacks is placed at its nearest enclosing part; nothing known: 1."""
    index = LineIndex(TEXT)
    assert index.line("services", 1, "mode") == 22  # the second [[services]] header
    assert index.line("rate_cards", "std", "breaks", 7) == 10  # the array's own line
    assert index.line("nothing", "here") == 1
    assert index.line() == 1


def carrier_files() -> list[Path]:
    return sorted(DEFAULT_WORLD.glob("carriers/*.toml")) + sorted(DATA.glob("*/carriers/*.toml"))


@pytest.mark.parametrize("path", carrier_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_key_of_every_real_carrier_file_is_found_at_its_line(path: Path) -> None:
    """In each carrier file glocal ships or tests with: each service's keys and each rate
    card's keys sit on a line that assigns them, and each weight break's line, read as
    TOML on its own, is that break."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    data = tomllib.loads(text)
    index = LineIndex(text)

    def assigns(key: str, *where: str | int) -> bool:
        return re.match(rf"\s*{re.escape(key)}\s*=", lines[index.line(*where, key) - 1]) is not None

    for i, service in enumerate(data.get("services", [])):
        assert all(assigns(key, "services", i) for key in service), service["id"]
    for card_id, card in data.get("rate_cards", {}).items():
        assert all(assigns(key, "rate_cards", card_id) for key in card), card_id
        for j, brk in enumerate(card.get("breaks", [])):
            line = lines[index.line("rate_cards", card_id, "breaks", j) - 1]
            assert tomllib.loads(f"b = {line.strip().rstrip(',')}")["b"] == brk, (card_id, j)
