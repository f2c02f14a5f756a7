"""Postal code formats per country, from `data/postal_codes.csv` (with their sources): a
destination's code is checked against its country's pattern before it is looked up."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from carriers.errors import InvalidRule, Problem, shown
from carriers.registry import DEFAULT_WORLD
from routing.cache import cached

POSTAL_FILE = DEFAULT_WORLD / "postal_codes.csv"
ANY_COUNTRY = "*"  # the row whose pattern holds for a country without its own


@cached(8)
def postal_patterns(path: Path = POSTAL_FILE) -> dict[str, tuple[re.Pattern[str], str]]:
    """Country -> (compiled pattern, an example); every bad row named as `file:line`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    numbered = [(n, text) for n, text in enumerate(lines, 1) if text and not text.startswith("#")]
    rows = list(csv.reader(text for _, text in numbered))
    patterns, problems = {}, []
    for (line, _), row in zip(numbered[1:], rows[1:], strict=True):
        where = f"{path.name}:{line}"
        if len(row) != 4:
            problems.append(Problem(where, "row", f"needs 4 columns, has {len(row)}"))
            continue
        country, pattern, example, _ = row
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            problems.append(Problem(where, "pattern", f"is not a regular expression: {exc}"))
            continue
        if not compiled.fullmatch(example):
            problems.append(Problem(where, "example", f"{example!r} does not match the pattern"))
        patterns[country] = (compiled, example)
    if ANY_COUNTRY not in patterns:
        problems.append(Problem(path.name, "country", f"no row {ANY_COUNTRY!r}"))
    if problems:
        raise InvalidRule("; ".join(str(p) for p in problems), tuple(problems))
    return patterns


def postal_problem(country: str, code: str) -> str | None:
    """What is wrong with a (trimmed) postal code of `country`, or None."""
    patterns = postal_patterns()
    pattern, example = patterns.get(country) or patterns[ANY_COUNTRY]
    if pattern.fullmatch(code.upper()):
        return None
    if country not in patterns:
        return f"{shown(code, 24)} is not a postal code (2 to 10 letters, digits, spaces or dashes)"
    return f"{shown(code, 24)} is not a postal code of {country} (like {example!r})"
