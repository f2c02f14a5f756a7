"""Builders for test networks made in code (random ones for property tests), and a test order."""

from __future__ import annotations

import random
from datetime import time
from pathlib import Path
from typing import Any

from carriers.model import (
    Coverage,
    Mode,
    Node,
    NodeKind,
    RateCard,
    Schedule,
    Service,
    TransitTime,
    WeightBreak,
)
from routing.network import Network

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"  # the small named worlds

DAILY = Schedule(frozenset(range(7)), time(18, 0), moves_weekends=True)
LAYERS = (
    NodeKind.WAREHOUSE,
    NodeKind.CONSOLIDATION_CENTRE,
    NodeKind.AIRPORT,
    NodeKind.LAST_MILE_DEPOT,
    NodeKind.DESTINATION_ZONE,
)


# A one-item order of a speaker from Yiwu to Madrid, as the JSON contract reads (quotes
# on the small named worlds start from it).
SPEAKER_ORDER: dict[str, Any] = {
    "order_id": "T1",
    "origin": "CN-YIW-WH",
    "destination": {"country": "ES", "postal_code": "28013"},
    "parcels": [{"weight_kg": 1.2, "length_cm": 30, "width_cm": 20, "height_cm": 10}],
    "items": [
        {
            "description": "bluetooth speaker",
            "hs_code": "851822",
            "category": "electronics",
            "quantity": 1,
            "unit_value": {"amount": "20.00", "currency": "EUR"},
            "battery": "none",
            "liquid": False,
        }
    ],
    "created_at": "2026-11-26T10:00:00+08:00",
    "seller": {"ioss_registered": True},
}


def card(per_kg: int, per_piece: int, currency: str = "EUR") -> RateCard:
    return RateCard(
        id=f"c{per_kg}-{per_piece}", currency=currency, breaks=(WeightBreak(70, per_kg, per_piece),)
    )


def random_network(
    seed: int, width: int = 3, countries: tuple[str, ...] = ("CN", "ES", "PT")
) -> Network:
    """A layered network of `width` nodes per layer with random lanes (some skip layers).

    The first two layers are in the first country, the rest spread over the others, so
    routes cross borders and the no-re-entry rule has work to do.
    """
    rng = random.Random(seed)
    nodes: dict[str, Node] = {}
    layers: list[list[str]] = []
    for depth, kind in enumerate(LAYERS):
        layer = []
        for i in range(width):
            country = countries[0] if depth < 2 else rng.choice(countries)
            node_id = f"{country}-L{depth}N{i}-{kind.value[:3].upper()}"
            nodes[node_id] = Node(node_id, kind, country, "x", 10.0 * depth, float(i), "UTC")
            layer.append(node_id)
        layers.append(layer)
    services = []
    for depth in range(len(LAYERS) - 1):
        for a in layers[depth]:
            for step in (1, 2):
                if depth + step >= len(LAYERS):
                    continue
                for b in layers[depth + step]:
                    if rng.random() < 0.45:
                        services.append(_service(rng, len(services), a, b, nodes[b]))
    return Network(nodes, tuple(services))


def _service(rng: random.Random, n: int, a: str, b: str, to: Node) -> Service:
    p50 = rng.uniform(1, 10)
    coverage = (Coverage(to.country, ("",)),) if to.kind is NodeKind.DESTINATION_ZONE else ()
    return Service(
        id=f"s{n}",
        carrier="rand",
        name=f"s{n}",
        from_node=a,
        to_node=b,
        mode=rng.choice(list(Mode)),
        rate_card=card(rng.randint(50, 900), rng.randint(0, 500)),
        transit=TransitTime(p50 * 0.5, p50, p50 * rng.uniform(1.2, 2.0)),
        schedule=DAILY,
        coverage=coverage,
    )


def learned_document(
    network: Network, late_days: float = 0.0, destinations: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A learned promise model of the network's simulated history (every delivery
    `late_days` later than the network's schedules make it; only the shipments to the
    zones `destinations`, when given), small boosters: fitted in a fraction of a second."""
    from routing.promise import simulate_history
    from routing.promise.history import history_from_frame
    from routing.promise.learned import LearnParams, fit_model
    from routing.promise.quantiles import BoostParams

    frame = simulate_history(network, 300, seed=1)
    if destinations:
        frame = frame[frame.destination.isin(destinations)]
    history = history_from_frame(frame)
    late = history.delivered + late_days * 1440
    history = type(history)(**{**history.__dict__, "delivered": late})
    return fit_model(history, LearnParams(boost=BoostParams(trees=20))).as_dict()
