"""routing/orders/postal.py: postal code formats per country, from data/postal_codes.csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from carriers.errors import InvalidRule
from routing.orders.postal import POSTAL_FILE, postal_patterns, postal_problem


@pytest.mark.parametrize(
    ("country", "good", "bad"),
    [("ES", "28013", "99013"), ("BR", "01310-100", "01310 100"), ("PT", "1000-001", "10000"),
     ("GB", "SW1A 1AA", "SW1A"), ("US", "10001-1234", "1000"), ("CN", "200001", "20001"),
     ("ZA", "0001", "'; DROP TABLE")],
)  # fmt: skip
def test_each_country_takes_its_format_only(country: str, good: str, bad: str) -> None:
    assert postal_problem(country, good) is None
    assert bad in (postal_problem(country, bad) or "")


def test_every_example_of_the_data_file_matches_its_pattern() -> None:
    """The file checks itself: each row's example is a code of its own pattern."""
    patterns = postal_patterns(POSTAL_FILE)
    assert {"ES", "BR", "PT", "GB", "US", "*"} <= set(patterns)


def test_a_broken_row_is_named_by_line(tmp_path: Path) -> None:
    path = tmp_path / "postal_codes.csv"
    path.write_text(
        "# c\ncountry,pattern,example,source\n*,[A-Z]+,AB,s\nES,\\d{5},ABC,s\nFR,(,1,s\n"
    )
    with pytest.raises(InvalidRule) as caught:
        postal_patterns(path)
    assert [(p.where, p.field) for p in caught.value.problems] == [
        ("postal_codes.csv:4", "example"),
        ("postal_codes.csv:5", "pattern"),
    ]
