"""What a network holds, in figures a person can check: counts and reach per origin."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from carriers.model import Mode
from routing.network.graph import Network, lanes_by_country


@dataclass(frozen=True)
class Summary:
    source: Path | None  # the network directory
    nodes: int
    services: int
    carriers: int
    nodes_by_kind: dict[str, int]
    services_by_mode: dict[str, int]
    services_by_carrier: dict[str, int]
    origins: list[str]
    destination_countries: list[str]
    modes: list[str]
    reach: dict[str, dict[str, list[str]]]  # origin -> country -> modes


def summarize(network: Network) -> Summary:
    nodes = network.nodes.values()
    reach = {origin: lanes_by_country(network, origin) for origin in network.origins}
    return Summary(
        source=network.source,
        nodes=len(network.nodes),
        services=len(network.services),
        carriers=len(network.carrier_names),
        nodes_by_kind=dict(sorted(Counter(n.kind.value for n in nodes).items())),
        services_by_mode=dict(sorted(Counter(s.mode.value for s in network.services).items())),
        services_by_carrier=dict(sorted(Counter(s.carrier for s in network.services).items())),
        origins=list(network.origins),
        destination_countries=sorted({c for lanes in reach.values() for c in lanes}),
        modes=sorted({s.mode.value for s in network.services}),
        reach={
            origin: {country: _modes(lanes[country]) for country in sorted(lanes)}
            for origin, lanes in reach.items()
        },
    )


def _modes(modes: set[Mode]) -> list[str]:
    return [m.value for m in Mode if m in modes]
