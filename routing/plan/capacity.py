"""Capacity per service departure: what the network books, what a capacity file overrides,
and what a scenario scales or closes.

The capacity file and the limits per departure are `routing.capacity`'s (the server reads
them too); here they become the planner's capacity rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from carriers.errors import InvalidPlanInput
from routing.capacity import CapacityLimits, Override, read_capacity
from routing.network import CompiledNetwork
from routing.plan.params import Scenario

__all__ = [
    "CapacityRows",
    "Override",
    "build_rows",
    "check_scenario",
    "read_capacity",
    "unit_limit",
]


@dataclass(frozen=True)
class CapacityRows:
    """One row per capacitated service departure used by some candidate."""

    service: np.ndarray  # int compiled service index
    day: np.ndarray  # int local day number of the departure
    cap_kg: np.ndarray  # float64, inf = not limited
    cap_m3: np.ndarray
    unit_kg: np.ndarray  # float64, 0 = no consolidation unit
    unit_m3: np.ndarray
    unit_cost: np.ndarray  # float64, plan-currency minor units per unit

    def __len__(self) -> int:
        return len(self.service)


def check_scenario(scenario: Scenario, net: CompiledNetwork) -> None:
    unknown = [s for s in (*scenario.close, *scenario.scales) if s not in net.service_index]
    if unknown:
        raise InvalidPlanInput(f"unknown service(s) in the scenario: {', '.join(sorted(unknown))}")


def build_rows(
    keys: list[tuple[int, int]],
    net: CompiledNetwork,
    overrides: list[Override],
    scenario: Scenario,
    unit_cost: dict[int, float],
) -> CapacityRows:
    """Capacity rows for the (service, day) departures in `keys`, in that order."""
    limits = CapacityLimits(net, overrides)
    scales = {net.service_index[s]: f for s, f in scenario.scales.items()}
    kg, m3, ukg, um3, ucost = [], [], [], [], []
    for k, day in keys:
        s = net.services[k]
        cap_kg, cap_m3 = limits.of(k, day)
        factor = scales.get(k, 1.0)
        kg.append(cap_kg * factor)
        m3.append(cap_m3 * factor)
        ukg.append(s.unit.capacity_kg if s.unit else 0.0)
        um3.append(s.unit.capacity_m3 if s.unit else 0.0)
        ucost.append(unit_cost.get(k, 0.0))
    return CapacityRows(
        service=np.array([k for k, _ in keys], dtype=np.int64),
        day=np.array([d for _, d in keys], dtype=np.int64),
        cap_kg=np.array(kg, dtype=np.float64),
        cap_m3=np.array(m3, dtype=np.float64),
        unit_kg=np.array(ukg, dtype=np.float64),
        unit_m3=np.array(um3, dtype=np.float64),
        unit_cost=np.array(ucost, dtype=np.float64),
    )


def unit_limit(rows: CapacityRows) -> np.ndarray:
    """The most units a departure can use: enough to hold its whole booked capacity."""
    with np.errstate(divide="ignore", invalid="ignore"):
        by_kg = np.where(
            rows.unit_kg > 0, np.ceil(rows.cap_kg / np.maximum(rows.unit_kg, 1e-12)), 0
        )
        by_m3 = np.where(
            rows.unit_m3 > 0, np.ceil(rows.cap_m3 / np.maximum(rows.unit_m3, 1e-12)), 0
        )
    limit = np.maximum(np.nan_to_num(by_kg, posinf=1e6), np.nan_to_num(by_m3, posinf=1e6))
    return np.minimum(limit, 1e6)
