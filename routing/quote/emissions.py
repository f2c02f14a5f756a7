"""CO2e of a route: geodesic lane length x parcel weight x the mode's intensity (data)."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

from carriers.errors import InvalidRule, Problem, shown
from carriers.model import Mode, Service
from carriers.registry import DEFAULT_WORLD
from routing.cache import cached
from routing.network import Network

EMISSIONS_FILE = DEFAULT_WORLD / "emissions.csv"
FACTOR = "kg_co2e_per_tonne_km"
MAX_FACTOR = 100  # kg CO2e per tonne-km: air freight is about 0.6, a van about 0.6-2


@cached(8)
def intensities(path: Path = EMISSIONS_FILE) -> dict[Mode, float]:
    """kg CO2e per tonne-km by mode: every mode has one figure, finite and from 0 to
    MAX_FACTOR; otherwise InvalidRule naming each bad row as file:line."""
    found: dict[Mode, float] = {}
    lines: dict[Mode, int] = {}  # the line of each mode's row, good or bad
    problems: list[Problem] = []
    with path.open(encoding="utf-8") as handle:
        rows = [(n, line) for n, line in enumerate(handle, 1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in rows)
    try:
        missing = [c for c in ("mode", FACTOR) if c not in (reader.fieldnames or [])]
        if missing:
            where = f"{path}:{rows[0][0] if rows else 1}"
            problems.append(Problem(where, "header", f"missing column(s) {', '.join(missing)}"))
            return _refuse(path, problems)
        last = reader.line_num  # lines read: a row starts on the next one
        for row in reader:
            line, last = rows[last][0], reader.line_num
            _row(row, f"{path}:{line}", line, found, lines, problems)
    except csv.Error as exc:  # a field past the csv module's limit, in the row after
        line = rows[min(reader.line_num, len(rows) - 1)][0]
        problems.append(Problem(f"{path}:{line}", "csv", str(exc)))
    for mode in Mode:
        if mode not in lines:
            problems.append(Problem(f"{path}:1", "mode", f"no emission factor for {mode.value}"))
    if problems:
        _refuse(path, problems)
    return found


def _row(
    row: dict[str, str],
    where: str,
    line: int,
    found: dict[Mode, float],
    lines: dict[Mode, int],
    problems: list[Problem],
) -> None:
    """One row's mode and figure into `found`, or its problem into `problems`."""
    try:
        mode = Mode((row.get("mode") or "").strip())
    except ValueError:
        modes = ", ".join(m.value for m in Mode)
        message = f"must be one of {modes}, got {shown(row.get('mode'))}"
        problems.append(Problem(where, "mode", message))
        return
    if mode in lines:
        problems.append(Problem(where, "mode", f"{mode.value} is given twice (line {lines[mode]})"))
        return
    lines[mode] = line
    text = (row.get(FACTOR) or "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value <= MAX_FACTOR:
        message = f"must be a number from 0 to {MAX_FACTOR}, got {shown(text)}"
        problems.append(Problem(where, FACTOR, message))
        return
    found[mode] = float(value)


def _refuse(path: Path, problems: list[Problem]) -> NoReturn:
    raise InvalidRule(f"{path}: bad emission factors", tuple(problems))


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
