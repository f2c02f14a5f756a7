"""The public MCND benchmark (Crainic, Frangioni and Gendron's "canad" `.dow` files) read
into the design problem, and the shortest-path pricer of its path columns.

An arc is a capacity row of one unit (unit_kg = its capacity, min 0, max 1, no spot) at
its fixed cost; a commodity must be served (kg = its demand); a column is a path, its
cost the arc's unit cost x the demand summed over the path. The first columns are each
commodity's cheapest path; the pricer finds the cheapest path of every commodity at the
LP's prices (Dijkstra, scipy), so the design LP converges to the strong LP bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from carriers.errors import InvalidNetwork, Problem
from routing.design.duals import Duals, Pricer
from routing.design.problem import CapacityRows, Columns, Commodities, DesignProblem

HEADER = "MULTIGEN.DAT:"


@dataclass(frozen=True)
class Network:
    """The arcs and commodities of a `.dow` file, 0-based."""

    nodes: int
    tail: np.ndarray
    head: np.ndarray
    unit_cost: np.ndarray  # per unit of flow
    capacity: np.ndarray
    fixed: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    demand: np.ndarray


def read_dow(path: str | Path) -> Network:
    """The `.dow` file at `path`; what it gets wrong raises InvalidNetwork, every problem
    as `path:line: field: message`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise InvalidNetwork([Problem(f"{path}:1", "file", "not a text .dow file")]) from None
    lines = [(n, line.split()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines or lines[0][1] != [HEADER]:
        where = f"{path}:{lines[0][0] if lines else 1}"
        raise InvalidNetwork([Problem(where, "header", f"expected the token {HEADER}")])
    sizes = _integers(path, lines[1:2], 3, "sizes", "|N| |A| |K|")
    n, a, k = (int(v) for v in sizes[0])
    arcs = _integers(path, lines[2 : 2 + a], 7, "arc", "tail head cost capacity fixed 1 id")
    coms = _integers(path, lines[2 + a : 2 + a + k], 3, "commodity", "origin destination demand")
    last = lines[-1][0]
    if len(arcs) < a or len(coms) < k:
        what = f"{a} arcs and {k} commodities" if len(arcs) < a else f"{k} commodities"
        raise InvalidNetwork(
            [Problem(f"{path}:{last}", "file", f"ends early: the sizes line promises {what}")]
        )
    if len(lines) > 2 + a + k:
        raise InvalidNetwork(
            [Problem(f"{path}:{lines[2 + a + k][0]}", "file", "lines past the last commodity")]
        )
    net = Network(
        n, arcs[:, 0] - 1, arcs[:, 1] - 1, arcs[:, 2].astype(float), arcs[:, 3].astype(float),
        arcs[:, 4].astype(float), coms[:, 0] - 1, coms[:, 1] - 1, coms[:, 2].astype(float),
    )  # fmt: skip
    problems = _checked(path, net, [lines[2 + i][0] for i in range(a + k)])
    if problems:
        raise InvalidNetwork(problems)
    return net


def _integers(
    path: Path, rows: list[tuple[int, list[str]]], width: int, field: str, shape: str
) -> np.ndarray:
    out = np.zeros((len(rows), width), dtype=np.int64)
    for i, (n, tokens) in enumerate(rows):
        try:
            if len(tokens) != width:
                raise ValueError
            out[i] = [int(t) for t in tokens]
        except ValueError:
            raise InvalidNetwork(
                [
                    Problem(
                        f"{path}:{n}",
                        field,
                        f"expected {width} integers ({shape}), got {' '.join(tokens)[:60]!r}",
                    )
                ]
            ) from None
    return out


def _checked(path: Path, net: Network, line_of: list[int]) -> list[Problem]:
    """Node ids in range, costs and capacities that make sense, every destination
    reachable from its origin."""
    problems: list[Problem] = []
    a = len(net.tail)

    def bad(index: int, field: str, message: str) -> None:
        problems.append(Problem(f"{path}:{line_of[index]}", field, message))

    for i in range(a):
        for field, node in (("tail", net.tail[i]), ("head", net.head[i])):
            if not 0 <= node < net.nodes:
                bad(i, field, f"node {node + 1} is not in 1..{net.nodes}")
        for field, value in (("unit_cost", net.unit_cost[i]), ("fixed_cost", net.fixed[i])):
            if value < 0:
                bad(i, field, f"must be >= 0, got {value:g}")
        if net.capacity[i] <= 0:
            bad(i, "capacity", f"must be > 0, got {net.capacity[i]:g}")
    for j in range(len(net.origin)):
        for field, node in (("origin", net.origin[j]), ("destination", net.destination[j])):
            if not 0 <= node < net.nodes:
                bad(a + j, field, f"node {node + 1} is not in 1..{net.nodes}")
        if net.demand[j] <= 0:
            bad(a + j, "demand", f"must be > 0, got {net.demand[j]:g}")
        if net.origin[j] == net.destination[j]:
            bad(a + j, "destination", "is the commodity's origin")
    if problems:
        return problems
    dist, _ = _shortest(net, net.unit_cost, np.unique(net.origin))
    origins = np.unique(net.origin)
    reach = dist[np.searchsorted(origins, net.origin), net.destination]
    for j in np.flatnonzero(~np.isfinite(reach)).tolist():
        bad(
            a + j,
            "destination",
            f"node {net.destination[j] + 1} cannot be reached from node {net.origin[j] + 1}",
        )
    return problems


def _shortest(
    net: Network, weight: np.ndarray, sources: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distances and predecessors from `sources` over the arcs at `weight` (of parallel
    arcs, the lighter counts)."""
    order = np.lexsort((weight, net.head, net.tail))
    first = np.r_[True, (np.diff(net.tail[order]) != 0) | (np.diff(net.head[order]) != 0)]
    keep = order[first]
    graph = sp.csr_matrix(
        (weight[keep], (net.tail[keep], net.head[keep])), shape=(net.nodes, net.nodes)
    )
    dist, pred = dijkstra(graph, indices=sources, return_predecessors=True)
    return dist, pred


def _arc_of(net: Network, weight: np.ndarray) -> dict[tuple[int, int], int]:
    order = np.lexsort((np.arange(len(weight)), weight, net.head, net.tail))
    out: dict[tuple[int, int], int] = {}
    for i in order[::-1]:  # the lightest arc of a pair is written last
        out[(int(net.tail[i]), int(net.head[i]))] = int(i)
    return out


def _path(
    pred: np.ndarray, origin: int, destination: int, arc_of: dict[tuple[int, int], int]
) -> list[int]:
    arcs, node = [], destination
    while node != origin:
        back = int(pred[node])
        arcs.append(arc_of[(back, node)])
        node = back
    return arcs[::-1]


def design_problem(net: Network) -> DesignProblem:
    """The network as a design problem, each commodity's cheapest path its first column."""
    a = len(net.tail)
    rows = CapacityRows(
        name=[f"arc {t + 1}->{h + 1}" for t, h in zip(net.tail, net.head, strict=True)],
        unit_kg=net.capacity,
        unit_m3=np.zeros(a),
        fixed=net.fixed,
        commitment=np.arange(a, dtype=np.int64),
        min_units=np.zeros(a, dtype=np.int64),
        max_units=np.ones(a, dtype=np.int64),
        spot_rate=np.full(a, np.inf),
        spot_cap_kg=np.zeros(a),
        spot_kg_per_m3=np.zeros(a),
    )
    com = Commodities(
        kg=net.demand, m3=np.zeros(len(net.demand)), unserved=np.full(len(net.demand), np.inf)
    )
    everyone = np.arange(len(net.demand))
    first = _cheapest_paths(
        net, everyone, net.unit_cost, np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    )
    return DesignProblem(rows, com, _columns(net, everyone, first))


def shortest_path_pricer(net: Network) -> Pricer:
    """Every commodity's cheapest path at the LP's prices whose reduced cost is negative:
    exact pricing, so a design LP that gets nothing from it is converged."""

    def price(duals: Duals) -> Columns:
        per_unit = net.unit_cost + duals.price_kg
        links = np.stack([duals.link_commodity, duals.link_row], axis=1)
        everyone = np.arange(len(net.demand))
        paths = _cheapest_paths(net, everyone, per_unit, links, duals.link_price)
        reduced = [
            net.demand[k] * per_unit[p].sum()
            + _linked(links, duals.link_price, k, p)
            - duals.demand[k]
            for k, p in zip(everyone.tolist(), paths, strict=True)
        ]
        keep = np.flatnonzero(np.array(reduced) < -1e-6 * (1.0 + np.abs(duals.demand)))
        return _columns(net, keep, [paths[k] for k in keep])

    return price


def _linked(links: np.ndarray, price: np.ndarray, k: int, path: list[int]) -> float:
    mine = links[:, 0] == k
    return float(price[mine][np.isin(links[mine, 1], path)].sum())


def _cheapest_paths(
    net: Network, which: np.ndarray, per_unit: np.ndarray, links: np.ndarray, link_price: np.ndarray
) -> list[list[int]]:
    """The cheapest path of each commodity in `which` at `per_unit` per unit of flow plus,
    for a commodity with link prices, those prices on its arcs (Dijkstra once per origin
    for the commodities without, once per commodity for those with)."""
    paths: dict[int, list[int]] = {}
    linked = set(links[:, 0].tolist())
    plain = np.array([k for k in which if k not in linked], dtype=np.int64)
    origins = np.unique(net.origin[plain])
    if len(origins):
        _, pred = _shortest(net, per_unit, origins)
        arc_of = _arc_of(net, per_unit)
        row = np.searchsorted(origins, net.origin[plain])
        for k, r in zip(plain, row, strict=True):
            paths[int(k)] = _path(pred[r], net.origin[k], net.destination[k], arc_of)
    for k in sorted(linked & set(which.tolist())):
        mine = links[:, 0] == k
        weight = per_unit * net.demand[k]
        np.add.at(weight, links[mine, 1], link_price[mine])
        _, pred = _shortest(net, weight, np.array([net.origin[k]]))
        paths[k] = _path(pred[0], net.origin[k], net.destination[k], _arc_of(net, weight))
    return [paths[int(k)] for k in which]


def _columns(net: Network, commodity: np.ndarray, paths: list[list[int]]) -> Columns:
    lengths = np.array([len(p) for p in paths], dtype=np.int64)
    rows = (
        np.concatenate([np.asarray(p, dtype=np.int64) for p in paths])
        if paths
        else np.zeros(0, np.int64)
    )
    owner = np.repeat(np.arange(len(paths)), lengths)
    cost = net.demand[commodity] * np.bincount(owner, net.unit_cost[rows], minlength=len(paths))
    return Columns(
        commodity=commodity.astype(np.int64),
        cost=cost,
        start=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        rows=rows,
    )
