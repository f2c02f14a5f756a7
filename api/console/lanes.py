"""The network as the console's map draws it, and one lane's services as its panel shows.

A lane is a pair of nodes (from, to) with the services that run on it. The map colours a
lane by its services' mode (the colours of `glocal network map`), states its capacity per
departure, and weighs its line by the utilisation of the key's last plan (the mean over
that plan's departures of the lane's services).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from carriers.model import Service
from carriers.money import Money
from routing.network import Network
from routing.network.draw import MODE_COLOURS

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def lane_id(service: Service) -> str:
    return f"{service.from_node}>{service.to_node}"


def utilisation_by_service(summary: dict[str, Any] | None) -> dict[str, float]:
    """The mean utilisation of each service's departures in a plan's summary."""
    if summary is None:
        return {}
    found: dict[str, list[float]] = defaultdict(list)
    for d in summary.get("departures", []):
        if d.get("utilisation") is not None:
            found[d["service"]].append(float(d["utilisation"]))
    return {s: round(sum(v) / len(v), 4) for s, v in found.items()}


def _capacity(services: list[Service]) -> float | None:
    """kg per departure over the lane's services (None: not limited by the data)."""
    limited = [s.capacity.kg for s in services if s.capacity.kg is not None]
    return None if not limited else float(sum(limited))


def map_data(network: Network, utilisation: dict[str, float]) -> dict[str, Any]:
    """Nodes and lanes, for the map (`/console/network/lanes.json`)."""
    by_lane: dict[str, list[Service]] = defaultdict(list)
    for s in network.services:
        by_lane[lane_id(s)].append(s)
    lanes = []
    for key, services in sorted(by_lane.items()):
        modes = sorted({s.mode.value for s in services})
        used = [utilisation[s.id] for s in services if s.id in utilisation]
        lanes.append(
            {
                "id": key,
                "from": services[0].from_node,
                "to": services[0].to_node,
                "mode": modes[0] if len(modes) == 1 else "mixed",
                "modes": modes,
                "colour": MODE_COLOURS[services[0].mode] if len(modes) == 1 else "#6a3d9a",
                "services": sorted(s.id for s in services),
                "capacity_kg": _capacity(services),
                "utilisation": None if not used else round(sum(used) / len(used), 4),
            }
        )
    nodes = [
        {"id": n.id, "kind": n.kind.value, "city": n.city, "country": n.country}
        | {"lat": n.lat, "lon": n.lon}
        for n in sorted(network.nodes.values(), key=lambda n: n.id)
    ]
    legend = [{"mode": m.value, "colour": c} for m, c in MODE_COLOURS.items()]
    return {"nodes": nodes, "lanes": lanes, "legend": legend}


def service_detail(service: Service) -> dict[str, Any]:
    """What the lane panel shows of one service: schedule, transit, rates, capacity."""
    card = service.rate_card
    breaks = sorted(card.breaks, key=lambda b: (b.zone, b.up_to_kg))
    schedule = service.schedule
    return {
        "id": service.id,
        "name": service.name,
        "carrier": service.carrier,
        "mode": service.mode.value,
        "departs": [WEEKDAYS[d] for d in sorted(schedule.weekdays)],
        "cutoff": schedule.cutoff.strftime("%H:%M"),
        "transit": {
            "min": service.transit.min_days,
            "p50": service.transit.p50_days,
            "p90": service.transit.p90_days,
        },
        "capacity_kg": service.capacity.kg,
        "capacity_m3": service.capacity.m3,
        "unit": None if service.unit is None else service.unit.name,
        "rates": {
            "currency": card.currency,
            "tiers": [
                {
                    "zone": b.zone,
                    "up_to_kg": b.up_to_kg,
                    "per_kg": Money(b.per_kg, card.currency).text,
                    "per_piece": Money(b.per_piece, card.currency).text,
                }
                for b in breaks
            ],
            "minimum": Money(card.minimum_charge, card.currency).text,
            "fuel_surcharge_pct": str(card.fuel_surcharge_pct),
            "volumetric_divisor": card.volumetric_divisor,
            "illustrative": card.illustrative,
            "source": card.source,
        },
    }


def lane_services(network: Network, lane: str) -> list[dict[str, Any]]:
    """The services of one lane (`FROM>TO`), in id order; empty for no such lane."""
    return [
        service_detail(s)
        for s in sorted(network.services, key=lambda s: s.id)
        if lane_id(s) == lane
    ]
