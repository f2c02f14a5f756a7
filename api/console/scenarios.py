"""Scenarios: what-ifs against a baseline plan, and the comparison of their KPIs.

A baseline is a succeeded plan job, never changed. A what-if is stored as its difference
from it (`WhatIf.difference`: the plan options it changes) and run as a plan job of its
own over the baseline's orders, with the baseline's options and that difference. The
comparison reads every job's summary (`summary.json`, as `GET /v1/plans/{id}/summary`
serves it) and gives each KPI's absolute and % delta against the baseline, and whether
it is better or worse; `lane_deltas` gives the change of load per lane for the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from api.jobs.options import PlanOptions

MAX_WHATIFS = 4
KINDS = {
    "close": "close a lane",
    "scale_capacity": "scale a lane's capacity",
    "demand": "scale demand",
    "hard_deadlines": "hard deadlines",
}


class WhatIfError(ValueError):
    """A what-if that cannot be run, said so a person can fix the form."""


@dataclass(frozen=True)
class WhatIf:
    name: str
    kind: str
    service: str = ""
    factor: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise WhatIfError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.kind in ("close", "scale_capacity") and not self.service:
            raise WhatIfError(f"{KINDS[self.kind]}: choose the lane's service")
        if self.kind in ("scale_capacity", "demand") and not 0 < self.factor <= 100:
            raise WhatIfError(f"{KINDS[self.kind]}: the factor must be > 0 and at most 100")
        if not self.name.strip() or len(self.name) > 80:
            raise WhatIfError("a what-if needs a name of at most 80 characters")

    def difference(self) -> dict[str, Any]:
        """The plan options this what-if changes (what the store keeps of it)."""
        if self.kind == "close":
            return {"close": [self.service]}
        if self.kind == "scale_capacity":
            return {"scale_capacity": [f"{self.service}={self.factor:g}"]}
        if self.kind == "demand":
            return {"demand": self.factor}
        return {"hard_deadlines": True}

    def options(self, baseline: dict[str, Any]) -> PlanOptions:
        """The baseline's options with this difference: lists are added to, values set."""
        merged = {k: v for k, v in baseline.items() if k != "callback_url"}
        for name, value in self.difference().items():
            merged[name] = [*merged.get(name, []), *value] if isinstance(value, list) else value
        return PlanOptions(**merged)


@dataclass(frozen=True)
class Kpi:
    path: str  # where it is in the summary: "optimized.cost"
    label: str
    better: Literal["lower", "higher"]
    kind: Literal["money", "share", "count"]


KPIS = (
    Kpi("optimized.cost", "cost", "lower", "money"),
    Kpi("optimized.freight", "freight", "lower", "money"),
    Kpi("optimized.consolidation_units", "consolidation units", "lower", "money"),
    Kpi("optimized.duties_and_taxes", "duties and taxes", "lower", "money"),
    Kpi("optimized.late_penalty", "late penalty", "lower", "money"),
    Kpi("optimized.on_time_share", "on-time share", "higher", "share"),
    Kpi("orders.planned", "planned orders", "higher", "count"),
    Kpi("orders.unplanned", "unplanned orders", "lower", "count"),
    Kpi("optimized.units_bought", "units bought", "lower", "count"),
)


def figure(summary: dict[str, Any], path: str) -> float | None:
    """The number at a dotted path of a summary (None where it is missing or null)."""
    found: Any = summary
    for part in path.split("."):
        if not isinstance(found, dict) or part not in found:
            return None
        found = found[part]
    return None if found is None else float(found)


def delta(kpi: Kpi, base: float | None, other: float | None) -> dict[str, Any]:
    """One KPI of a scenario against the baseline: value, absolute and % delta, verdict
    (better, worse or same; unknown where either figure is missing)."""
    if base is None or other is None:
        return {"value": other, "delta": None, "percent": None, "verdict": "unknown"}
    change = round(other - base, 6)
    percent = None if base == 0 else round(change / abs(base), 6)
    if change == 0:
        verdict = "same"
    else:
        verdict = "better" if (change < 0) == (kpi.better == "lower") else "worse"
    return {"value": other, "delta": change, "percent": percent, "verdict": verdict}


def compare(baseline: dict[str, Any], scenarios: list[dict[str, Any] | None]) -> list[dict]:
    """One row per KPI: the baseline's figure, and each scenario's delta against it (None
    for a scenario whose plan is not there: still running, or failed)."""
    rows = []
    for kpi in KPIS:
        base = figure(baseline, kpi.path)
        cells = [None if s is None else delta(kpi, base, figure(s, kpi.path)) for s in scenarios]
        rows.append({"kpi": kpi, "baseline": base, "scenarios": cells})
    return rows


def lane_loads(summary: dict[str, Any]) -> dict[str, float]:
    """kg planned on each service over the summary's departures."""
    loads: dict[str, float] = {}
    for d in summary.get("departures", []):
        loads[d["service"]] = loads.get(d["service"], 0.0) + float(d["load_kg"])
    return loads


def lane_deltas(baseline: dict[str, Any], scenario: dict[str, Any]) -> dict[str, float]:
    """Services whose planned kg changed, with the change (scenario minus baseline)."""
    base, other = lane_loads(baseline), lane_loads(scenario)
    changes = {s: round(other.get(s, 0.0) - base.get(s, 0.0), 3) for s in base.keys() | other}
    return {s: c for s, c in sorted(changes.items()) if c != 0}
