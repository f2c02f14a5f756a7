"""The compiled network: index-based numpy arrays over nodes and services, built once per
network and read by every search, price and plan (`Network.compiled`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from carriers.model import CustomsRegime, Mode, Node, NodeKind, Service
from routing.network.lanes import LaneTable, compile_lanes

MODES = tuple(Mode)
REGIMES = tuple(CustomsRegime)


@dataclass(frozen=True)
class CompiledNetwork:
    """Index-based arrays over nodes and services; built once, read by every search.

    Services are sorted by from-node, so the services leaving node i are
    `out_start[i]:out_start[i + 1]` (a CSR adjacency).
    """

    node_ids: tuple[str, ...]
    node_index: dict[str, int]
    services: tuple[Service, ...]  # in compiled order
    service_index: dict[str, int]
    src: np.ndarray  # int32, from-node index per service
    dst: np.ndarray  # int32, to-node index per service
    mode: np.ndarray  # int8, index into MODES
    transit_p90_days: np.ndarray  # float64
    out_start: np.ndarray  # int32, n_nodes + 1
    is_zone: np.ndarray  # bool per node
    country: tuple[str, ...]  # per node
    search_days: np.ndarray  # float64 per service: P90 transit + handling + mean departure wait
    lanes: LaneTable  # restriction limits and rate-card breaks as arrays
    last_miles: dict[str, tuple[int, ...]]  # destination country -> services into its zones
    toward: dict[str, np.ndarray]  # country -> bool per node: some route leads to its zones
    currencies: tuple[str, ...]  # rate-card currencies
    currency_index: np.ndarray  # int per service, into currencies
    regime_group: np.ndarray  # int per service: index in CustomsRegime if it clears, else -1
    value_capped: tuple[int, ...]  # services with a declared-value ceiling

    @cached_property
    def as_lists(self) -> NetworkLists:
        """The arrays a search reads element by element, as Python lists (several times
        faster to index than numpy arrays)."""
        return NetworkLists(
            self.out_start.tolist(),
            self.dst.tolist(),
            self.is_zone.tolist(),
            self.search_days.tolist(),
            self.regime_group.tolist(),
        )


@dataclass(frozen=True)
class NetworkLists:
    out_start: list[int]
    dst: list[int]
    is_zone: list[bool]
    search_days: list[float]
    regime_group: list[int]


def compile_network(nodes: Mapping[str, Node], services: tuple[Service, ...]) -> CompiledNetwork:
    node_ids = tuple(sorted(nodes))
    node_index = {n: i for i, n in enumerate(node_ids)}
    services = tuple(sorted(services, key=lambda s: (node_index[s.from_node], s.id)))
    src = np.array([node_index[s.from_node] for s in services], dtype=np.int32)
    dst = np.array([node_index[s.to_node] for s in services], dtype=np.int32)
    last_miles = _last_miles(nodes, services)
    currencies = tuple(sorted({s.rate_card.currency for s in services}))
    counts = np.bincount(src, minlength=len(node_ids))
    out_start = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    return CompiledNetwork(
        node_ids=node_ids,
        node_index=node_index,
        services=services,
        service_index={s.id: i for i, s in enumerate(services)},
        src=src,
        dst=dst,
        mode=np.array([MODES.index(s.mode) for s in services], dtype=np.int8),
        transit_p90_days=np.array([s.transit.p90_days for s in services], dtype=np.float64),
        out_start=out_start,
        is_zone=np.array(
            [nodes[n].kind is NodeKind.DESTINATION_ZONE for n in node_ids], dtype=bool
        ),
        country=tuple(nodes[n].country for n in node_ids),
        search_days=np.array([_search_days(s) for s in services], dtype=np.float64),
        lanes=compile_lanes(services),
        last_miles=last_miles,
        toward={c: _toward(src, dst, len(node_ids), dst[list(ks)]) for c, ks in last_miles.items()},
        currencies=currencies,
        currency_index=np.array(
            [currencies.index(s.rate_card.currency) for s in services], dtype=np.int32
        ),
        regime_group=np.array([_regime_group(s) for s in services], dtype=np.int32),
        value_capped=tuple(i for i, s in enumerate(services) if s.restrictions.max_value),
    )


def _regime_group(s: Service) -> int:
    """Which customs treatment a lane puts the parcel under: the regime's index, or -1."""
    regime = s.customs.regime
    return REGIMES.index(regime) if s.customs.clears_import and regime is not None else -1


def _toward(src: np.ndarray, dst: np.ndarray, n_nodes: int, zones: np.ndarray) -> np.ndarray:
    """Nodes from which some path of services reaches one of `zones` (reverse BFS)."""
    reach = np.zeros(n_nodes, dtype=bool)
    reach[zones] = True
    while True:
        grown = reach.copy()
        grown[src[reach[dst]]] = True
        if grown.sum() == reach.sum():
            return reach
        reach = grown


def _search_days(s: Service) -> float:
    """The route search's time criterion for one lane: P90 transit, handling, and the mean
    wait for a departure (half the gap between departures). The promise engine later
    computes exact dates for the routes the search keeps."""
    return s.transit.p90_days + s.handling_days + 3.5 / len(s.schedule.weekdays)


def _last_miles(
    nodes: Mapping[str, Node], services: tuple[Service, ...]
) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(services):
        if nodes[s.to_node].kind is NodeKind.DESTINATION_ZONE:
            found[nodes[s.to_node].country].append(i)
    return {country: tuple(ks) for country, ks in found.items()}
