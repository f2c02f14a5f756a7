"""Read the instance's CSV files (`<name>_nodes.csv`, `_legs.csv`, `_commodities.csv`,
`_routes.csv`) from a directory: the one place this package does I/O."""

from __future__ import annotations

import csv
from pathlib import Path

from carriers.errors import GlocalError
from routing.design.renault.instance import Instance, build

PARTS = ("nodes", "legs", "commodities")


def files(directory: Path) -> dict[str, Path]:
    """The instance's files in `directory`, by part (nodes, legs, commodities, routes)."""
    found = {}
    for part in (*PARTS, "routes"):
        matches = sorted(Path(directory).glob(f"*{part}.csv"))
        if matches:
            found[part] = matches[0]
    missing = [p for p in PARTS if p not in found]
    if missing:
        raise GlocalError(
            f"{directory}: no *_{'.csv, *_'.join(missing)}.csv (a Renault inbound instance)"
        )
    return found


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_instance(directory: Path) -> Instance:
    found = files(directory)
    return build(rows(found["nodes"]), rows(found["legs"]), rows(found["commodities"]))


def read_routes(directory: Path) -> list[dict[str, str]]:
    """The as-operated route rows (empty when the instance has none)."""
    path = files(directory).get("routes")
    return rows(path) if path else []
