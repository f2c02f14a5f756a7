"""A service's optional cost facts beyond its rate card: `distance_km` (the lane's
length, which an inventory cost per km is charged on) and `carbon_cost_per_m3` ("0.77
EUR", the carbon price of each m3 carried). Neither given: neither charged."""

from __future__ import annotations

from typing import Any

from carriers.registry.fields import CarrierFile, money_text, number

LANE_COST_KEYS = {"distance_km", "carbon_cost_per_m3"}
MAX_DISTANCE_KM = 50_000  # longer than any lane on Earth


def lane_costs(f: CarrierFile, key: tuple, t: dict[str, Any]) -> dict[str, Any]:
    carbon = t.get("carbon_cost_per_m3")
    return {
        "distance_km": number(f, (*key, "distance_km"), t.get("distance_km"), MAX_DISTANCE_KM),
        "carbon_cost_per_m3": None
        if carbon is None
        else money_text(f, (*key, "carbon_cost_per_m3"), carbon),
    }
