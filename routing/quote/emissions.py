"""CO2e of a route: geodesic lane length x parcel weight x the mode's intensity (data)."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from carriers.errors import InvalidRule, Problem
from carriers.model import Mode, Service
from carriers.registry import DEFAULT_WORLD
from routing.cache import cached
from routing.network import Network

EMISSIONS_FILE = DEFAULT_WORLD / "emissions.csv"


@cached(8)
def intensities(path: Path = EMISSIONS_FILE) -> dict[Mode, float]:
    """kg CO2e per tonne-km by mode; every mode must have a figure."""
    found: dict[Mode, float] = {}
    problems = []
    with path.open(encoding="utf-8") as handle:
        rows = [(n, line) for n, line in enumerate(handle, 1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in rows)
    for row in reader:
        where = f"{path}:{rows[reader.line_num - 1][0]}"
        try:
            found[Mode(row["mode"])] = float(Decimal(row["kg_co2e_per_tonne_km"]))
        except (ValueError, KeyError, InvalidOperation) as exc:
            problems.append(Problem(where, "row", f"bad emission factor: {exc}"))
    for mode in Mode:
        if mode not in found:
            problems.append(Problem(f"{path}:1", "mode", f"no emission factor for {mode.value}"))
    if problems:
        raise InvalidRule(f"{path}: bad emission factors", tuple(problems))
    return found


Factors = tuple[tuple[float, float], ...]  # per leg: km, kg CO2e per tonne-km


def co2e_kg(network: Network, route: tuple[Service, ...], weight_kg: float) -> float:
    return co2e_of(route_factors(network, route), weight_kg)


def route_factors(network: Network, route: tuple[Service, ...]) -> Factors:
    """What a route's CO2e depends on besides the weight (a quote keeps it per route)."""
    factors = intensities()
    return tuple((network.distance_km(s), factors[s.mode]) for s in route)


def co2e_of(factors: Factors, weight_kg: float) -> float:
    tonnes = weight_kg / 1000
    return sum(km * tonnes * intensity for km, intensity in factors)
