"""What the registry's tests share: breaking one thing in a copy of a world, a carrier
file read the way `load_carrier` reads it, and arbitrary TOML values written back as
TOML text (for the property tests of every loader of a TOML data file)."""

from __future__ import annotations

import math
import re
import tomllib
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from carriers.errors import Problem
from carriers.registry.fields import CarrierFile, Collector


def break_one(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text()
    assert old in text, f"fixture drifted: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


def carrier_file(text: str, path: Path = Path("c.toml")) -> CarrierFile:
    """A carrier file's text, parsed and indexed, with an empty list of problems."""
    return CarrierFile(path, text, tomllib.loads(text), Collector(path, []))


def said(problems: list[Problem]) -> list[str]:
    """Problems as `line: field: message`, without the file's path."""
    return [f"{p.where.rsplit(':', 1)[1]}: {p.field}: {p.message}" for p in problems]


# --- arbitrary TOML ------------------------------------------------------------------------

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if _BARE.match(name) else _string(name)


def _string(text: str) -> str:
    escaped = (
        f"\\u{ord(ch):04x}" if ch < " " or ch == "\x7f" else "\\" + ch if ch in '"\\' else ch
        for ch in text
    )
    return '"' + "".join(escaped) + '"'


def toml_value(value: Any) -> str:
    """One value as TOML text on one line (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int | date | time):  # datetime is a date
        return value.isoformat() if isinstance(value, date | time) else str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"not a TOML value: {value!r}")


def toml_text(data: dict[str, Any]) -> str:
    """A document as TOML in the layout of the data files: top-level tables as [headers]
    (their tables of tables as [a.b]), arrays of tables as [[headers]], values one a line,
    so every value has its own line for the loaders to name."""
    lines = [f"{_key(k)} = {toml_value(v)}" for k, v in data.items() if not _block(v)]
    for name, value in data.items():
        if isinstance(value, dict):
            lines += _table([name], value)
        elif _block(value):
            for table in value:
                lines += [f"[[{_key(name)}]]", *_values(table)]
    return "\n".join(lines) + "\n"


def _block(value: Any) -> bool:
    is_tables = isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    return isinstance(value, dict) or is_tables


def _table(path: list[str], table: dict[str, Any]) -> list[str]:
    lines = [f"[{'.'.join(_key(p) for p in path)}]", *_values(table, inline=len(path) > 1)]
    if len(path) == 1:  # its tables of tables: [rate_cards.air]
        for name, value in table.items():
            if isinstance(value, dict):
                lines += _table([*path, name], value)
    return lines


def _values(table: dict[str, Any], inline: bool = True) -> list[str]:
    return [
        f"{_key(k)} = {toml_value(v)}"
        for k, v in table.items()
        if inline or not isinstance(v, dict)
    ]


FIELD_NAMES = st.sampled_from(  # keys of the data files' inline tables, and one of none
    ["min", "p50", "p90", "kg", "m3", "country", "name", "cost", "up_to_kg", "per_kg",
     "hs", "rate_pct", "up_to", "deduction", "x"]
)  # fmt: skip
SCALARS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "daily", "air", "EUR", "1.5 EUR", "-1 EUR", "ES", "18:00", "battery"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, -1, 1, 2**63 - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324]),
    st.booleans(),
    st.dates(),
    st.times().map(lambda t: t.replace(fold=0)),
    st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)).map(lambda d: d.replace(fold=0)),
)
TOML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FIELD_NAMES, inner, max_size=3),
    max_leaves=8,
)


def put(doc: dict[str, Any], key: tuple[str | int, ...], value: Any) -> bool:
    """Set `key` of `doc` to `value`, making the tables and lists on the way; False when
    the way runs through a value that holds nothing (a number, past a list's end)."""
    here: Any = doc
    for step, after in pairwise(key):
        if isinstance(here, list):
            if not isinstance(step, int) or step >= len(here):
                return False
        elif not isinstance(here, dict):
            return False
        elif not isinstance(here.get(step), dict | list):
            here[step] = [{}] if isinstance(after, int) else {}
        here = here[step]
    last = key[-1]
    if isinstance(here, list) and isinstance(last, int) and last < len(here):
        here[last] = value
        return True
    if isinstance(here, dict) and isinstance(last, str):
        here[last] = value
        return True
    return False
