"""What a network holds, in figures a person can check: counts and reach per origin."""

from __future__ import annotations

from collections import Counter
from typing import Any

from carriers.model import Mode
from routing.network.graph import Network, lanes_by_country


def summarize(network: Network) -> dict[str, Any]:
    nodes = network.nodes.values()
    reach = {origin: lanes_by_country(network, origin) for origin in network.origins}
    countries = sorted({c for lanes in reach.values() for c in lanes})
    return {
        "network": str(network.source) if network.source else None,
        "nodes": len(network.nodes),
        "services": len(network.services),
        "carriers": len(network.carrier_names),
        "nodes_by_kind": dict(sorted(Counter(n.kind.value for n in nodes).items())),
        "services_by_mode": dict(sorted(Counter(s.mode.value for s in network.services).items())),
        "services_by_carrier": dict(sorted(Counter(s.carrier for s in network.services).items())),
        "origins": list(network.origins),
        "destination_countries": countries,
        "modes": sorted({s.mode.value for s in network.services}),
        "reach": {
            origin: {country: _modes(lanes[country]) for country in sorted(lanes)}
            for origin, lanes in reach.items()
        },
    }


def _modes(modes: set[Mode]) -> list[str]:
    return [m.value for m in Mode if m in modes]
