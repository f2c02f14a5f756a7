"""What the registry's tests share: breaking one thing in a copy of a world, and a carrier
file read the way `load_carrier` reads it."""

from __future__ import annotations

import tomllib
from pathlib import Path

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
