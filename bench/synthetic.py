"""A generated network shaped like the real one, for benchmarks at scale.

Layers: Chinese origin warehouses -> consolidation centres -> Chinese gateways (air, sea,
rail) -> arrival gateways per destination country -> depots (import clearance) ->
destination zones (last mile with postal-prefix coverage). `synthetic_network(5000, 50000)`
gives about 5,000 nodes and 50,000 services; fixed seed, so every run measures the same.
"""

from __future__ import annotations

import random
from datetime import time

from carriers.model import (
    Coverage,
    CustomsRegime,
    CustomsRole,
    Mode,
    Node,
    NodeKind,
    RateCard,
    Restrictions,
    Schedule,
    Service,
    TransitTime,
    WeightBreak,
)
from routing.network import Network

COUNTRIES = (
    "ES",
    "PT",
    "FR",
    "IT",
    "DE",
    "NL",
    "BE",
    "PL",
    "SE",
    "AT",
    "GB",
    "US",
    "CA",
    "MX",
    "BR",
    "AR",
    "CL",
    "RU",
    "ID",
    "MY",
    "TH",
    "VN",
    "PH",
    "AU",
    "NZ",
    "JP",
    "KR",
    "IN",
    "SA",
    "AE",
    "TR",
    "ZA",
    "NG",
    "EG",
    "IL",
    "CZ",
    "HU",
    "RO",
    "GR",
    "IE",
)
ZONES_PER_COUNTRY = 37


def _card(rng: random.Random, n: int, currency: str = "EUR") -> RateCard:
    per_kg = rng.randint(20, 1500)
    return RateCard(
        id=f"card{n}",
        currency=currency,
        breaks=(
            WeightBreak(2, per_kg + 100, rng.randint(0, 500)),
            WeightBreak(30, per_kg, rng.randint(0, 500)),
            WeightBreak(1000, max(per_kg - 10, 1), rng.randint(0, 500)),
        ),
        rounding_kg=0.5,
        volumetric_divisor=rng.choice([None, 5000, 6000]),
    )


def synthetic_network(n_nodes: int = 5000, n_services: int = 50000, seed: int = 7) -> Network:
    rng = random.Random(seed)
    nodes: dict[str, Node] = {}

    def add(kind: NodeKind, country: str, count: int, tag: str) -> list[str]:
        ids = []
        for i in range(count):
            node_id = f"{country}-{tag}{i:04d}-{kind.value[:3].upper()}"
            nodes[node_id] = Node(
                node_id, kind, country, tag, rng.uniform(-60, 60), rng.uniform(-170, 170), "UTC"
            )
            ids.append(node_id)
        return ids

    per_country = (n_nodes - 1600) // len(COUNTRIES) - ZONES_PER_COUNTRY
    warehouses = add(NodeKind.WAREHOUSE, "CN", 1000, "W")
    centres = add(NodeKind.CONSOLIDATION_CENTRE, "CN", 300, "C")
    gateways = add(NodeKind.AIRPORT, "CN", 300, "G")
    arrivals: dict[str, list[str]] = {}
    depots: dict[str, list[str]] = {}
    zones: dict[str, list[str]] = {}
    for c in COUNTRIES:
        arrivals[c] = add(NodeKind.AIRPORT, c, per_country // 2, "A")
        depots[c] = add(NodeKind.LAST_MILE_DEPOT, c, per_country - per_country // 2, "D")
        zones[c] = add(NodeKind.DESTINATION_ZONE, c, ZONES_PER_COUNTRY, "Z")

    services: list[Service] = []

    def lane(a: str, b: str, mode: Mode, p50: float, **extra: object) -> None:
        n = len(services)
        services.append(
            Service(
                id=f"s{n}",
                carrier=f"carrier{n % 97}",
                name=f"s{n}",
                from_node=a,
                to_node=b,
                mode=mode,
                rate_card=_card(rng, n),
                transit=TransitTime(p50 * 0.6, p50, p50 * 1.6),
                schedule=Schedule(
                    frozenset(rng.sample(range(7), rng.randint(1, 7))), time(18), True
                ),
                restrictions=Restrictions(max_weight_kg=rng.choice([2.0, 30.0, 70.0, None])),
                **extra,  # type: ignore[arg-type]
            )
        )

    budget = n_services
    for w in warehouses:
        for c in rng.sample(centres, 4):
            lane(w, c, Mode.ROAD, rng.uniform(0.5, 2))
    for c in centres:
        for g in rng.sample(gateways, 8):
            lane(c, g, Mode.ROAD, rng.uniform(0.5, 2))
    all_arrivals = [a for c in COUNTRIES for a in arrivals[c]]
    line_haul = (budget - len(services)) * 5 // 16
    for i in range(line_haul):
        mode = rng.choice([Mode.AIR, Mode.AIR, Mode.SEA, Mode.RAIL])
        p50 = {Mode.AIR: 4, Mode.SEA: 34, Mode.RAIL: 18}[mode]
        lane(
            gateways[i % len(gateways)], rng.choice(all_arrivals), mode, p50 * rng.uniform(0.8, 1.2)
        )
    clear = CustomsRole(True, CustomsRegime.B2B_HUB)
    for c in COUNTRIES:
        for a in arrivals[c]:
            for d in rng.sample(depots[c], min(6, len(depots[c]))):
                lane(a, d, Mode.ROAD, rng.uniform(0.5, 2), customs=clear)
    remaining = budget - len(services)
    per_depot = max(1, remaining // sum(len(d) for d in depots.values()))
    for c in COUNTRIES:
        for d in depots[c]:
            for _ in range(per_depot):
                j = rng.randrange(ZONES_PER_COUNTRY)
                mode = rng.choice([Mode.POSTAL, Mode.COURIER])
                coverage = (Coverage(c, (f"{j:02d}",)),)
                lane(d, zones[c][j], mode, rng.uniform(1, 6), coverage=coverage)
    every_depot = [(c, d) for c in COUNTRIES for d in depots[c]]
    while len(services) < budget:
        c, d = rng.choice(every_depot)
        j = rng.randrange(ZONES_PER_COUNTRY)
        lane(
            d, zones[c][j], Mode.COURIER, rng.uniform(1, 6), coverage=(Coverage(c, (f"{j:02d}",)),)
        )
    return Network(nodes, tuple(services))


if __name__ == "__main__":
    import time as clock

    started = clock.perf_counter()
    network = synthetic_network()
    built = clock.perf_counter()
    network.compiled  # noqa: B018
    print(
        f"{len(network.nodes)} nodes, {len(network.services)} services; "
        f"built {built - started:.1f} s, compiled {clock.perf_counter() - built:.1f} s"
    )
