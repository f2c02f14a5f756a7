"""A world directory: `nodes.csv` plus one TOML file per carrier in `carriers/`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from carriers.errors import InvalidNetwork, Problem
from carriers.model import Carrier, Node, Service
from carriers.registry.nodes import load_nodes
from carriers.registry.services import load_carrier


def _default_world() -> Path:
    """The embedded default world: data/ of a checkout, or the copy a wheel installs as
    carriers/data/ (setup.py)."""
    carriers = Path(__file__).resolve().parents[1]
    installed = carriers / "data"
    return installed if installed.is_dir() else carriers.parent / "data"


DEFAULT_WORLD = _default_world()


@dataclass(frozen=True)
class World:
    """What a network directory holds, validated field by field."""

    nodes: dict[str, Node]
    carriers: tuple[Carrier, ...]
    node_lines: dict[str, tuple[str, int]]  # node id -> (path, line), for later checks
    service_lines: dict[str, tuple[str, int]]

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(s for c in self.carriers for s in c.services)


def load_world(directory: Path) -> World:
    """Every node and carrier of `directory`, or `InvalidNetwork` with every problem."""
    directory = Path(directory)
    problems: list[Problem] = []
    nodes, node_lines = load_nodes(directory / "nodes.csv", problems)
    carriers: list[Carrier] = []
    service_lines: dict[str, tuple[str, int]] = {}
    broken_nodes = set(node_lines) - set(nodes)
    carrier_files = sorted((directory / "carriers").glob("*.toml"))
    if not carrier_files:
        problems.append(Problem(f"{directory / 'carriers'}:1", "carriers", "no carrier files"))
    for path in carrier_files:
        carrier = load_carrier(path, nodes, problems, service_lines, broken_nodes)
        if carrier is not None:
            carriers.append(carrier)
    if problems:
        raise InvalidNetwork(problems)
    return World(nodes, tuple(carriers), node_lines, service_lines)
