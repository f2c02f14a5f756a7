"""Loading a network directory: `load_network(directory)` validates everything it holds,
the files (`carriers.registry`) and the graph (every market reachable, every last mile
covered), raises `InvalidNetwork` with all problems at once, and compiles the result."""

from __future__ import annotations

import os
from pathlib import Path

from carriers.errors import InvalidNetwork, Problem
from carriers.model import NodeKind
from carriers.registry import DEFAULT_WORLD, World, load_world
from routing.network.graph import Network, reachable_zones


def network_dir(directory: str | Path | None = None) -> Path:
    """The network to use: the argument, else $GLOCAL_NETWORK, else the embedded data/."""
    chosen = directory or os.environ.get("GLOCAL_NETWORK") or DEFAULT_WORLD
    return Path(chosen)


def load_network(directory: str | Path | None = None) -> Network:
    """Load, validate and compile a network directory; all problems or none."""
    path = network_dir(directory)
    if not path.is_dir():
        raise InvalidNetwork([Problem(f"{path}:1", "network", "is not a directory")])
    world = load_world(path)
    network = Network(
        world.nodes,
        world.services,
        path,
        {c.id: c.name for c in world.carriers},
    )
    problems = graph_problems(network, world)
    if problems:
        raise InvalidNetwork(problems)
    network.compiled  # noqa: B018 - compile once, at load, never on a request
    return network


def graph_problems(network: Network, world: World) -> list[Problem]:
    """What only the whole graph shows: dead-end zones, uncovered last miles, lost markets."""
    problems: list[Problem] = []
    for s in network.services:
        path, line = world.service_lines[s.id]
        to_zone = network.nodes[s.to_node].kind is NodeKind.DESTINATION_ZONE
        if to_zone and not s.coverage:
            problems.append(
                Problem(
                    f"{path}:{line}",
                    "coverage",
                    f"last-mile service {s.id!r} has no postal-code coverage",
                )
            )
        if network.nodes[s.from_node].kind is NodeKind.DESTINATION_ZONE:
            problems.append(
                Problem(
                    f"{path}:{line}", "from", f"a destination zone ({s.from_node}) cannot be left"
                )
            )
    reached = reachable_zones(network)
    for zone in network.zones:
        if zone not in reached:
            path, line = world.node_lines[zone]
            problems.append(
                Problem(
                    f"{path}:{line}", "id", f"market {zone!r} cannot be reached from any origin"
                )
            )
    return problems
