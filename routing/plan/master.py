"""The restricted master problem: the model of the commodities and arcs it holds, cut
into independent blocks for one `map`, and the blocks' answers gathered back into global
flows, units and row prices."""

from __future__ import annotations

import numpy as np

from carriers.money import minor_units
from routing.plan.arcs import Arcs
from routing.plan.blocks import BlockResult, components
from routing.plan.bound import RowPrices
from routing.plan.capacity import CapacityRows, unit_limit
from routing.plan.commodities import Commodities
from routing.plan.cuts import concat
from routing.plan.model import BlockData
from routing.plan.params import PlanParams


def in_minor(amount: object, currency: str) -> float:
    """An amount of the plan's money (a Decimal parameter) in its minor units."""
    return float(amount) * 10 ** minor_units(currency)  # type: ignore[arg-type]


def link_groups(coarse: Commodities, com: Commodities) -> np.ndarray:
    """Per commodity, the coarse commodity it was split from: its linking group."""
    return coarse.of_order[com.members[com.start[:-1]]]


def model_blocks(
    com: Commodities,
    arcs: Arcs,
    rows: CapacityRows,
    params: PlanParams,
    group: np.ndarray,
) -> list[BlockData]:
    """The model cut into independent blocks. An arc is left out where another of its
    commodity loads the same departures for less (the model's optimum is the same
    without it)."""
    block_of = components(arcs.commodity, arcs.rows, len(com), len(rows))
    kept = undominated(arcs)
    limit = unit_limit(rows)
    penalty = in_minor(params.unplanned_penalty, params.currency)
    out = []
    for b in range(int(block_of.max(initial=-1)) + 1):
        cs = np.flatnonzero(block_of == b)
        local_c = np.full(len(com), -1, dtype=np.int64)
        local_c[cs] = np.arange(len(cs))
        a = kept[local_c[arcs.commodity[kept]] >= 0]
        rs = np.unique(arcs.rows[a][arcs.rows[a] >= 0])
        local_r = np.full(len(rows) + 1, -1, dtype=np.int64)
        local_r[rs] = np.arange(len(rs))
        share = max(len(a), 1) / max(len(kept), 1)
        out.append(
            BlockData(
                commodities=cs,
                rows=rs,
                arcs=a,
                demand=com.count[cs],
                arc_commodity=local_c[arcs.commodity[a]],
                arc_cost=arcs.cost[a],
                arc_kg=com.kg[arcs.commodity[a]],
                arc_m3=com.m3[arcs.commodity[a]],
                arc_rows=local_r[arcs.rows[a]],
                cap_kg=rows.cap_kg[rs],
                cap_m3=rows.cap_m3[rs],
                unit_kg=rows.unit_kg[rs],
                unit_m3=rows.unit_m3[rs],
                unit_cost=rows.unit_cost[rs],
                unit_limit=limit[rs],
                unplanned_penalty=penalty,
                solver=params.solver,
                rounding=params.rounding,
                lp_solver=params.lp_solver,
                time_limit_s=max(params.time_limit_s * share, params.time_limit_s / 4),
                threads=params.threads,
                seed=params.seed,
                relative_gap=params.relative_gap,
                integer_flows=params.integer_flows,
                link_group=group[cs],
                cut_rounds=params.cut_rounds,
                cut_arcs=params.cut_arcs,
            )
        )
    return out


def undominated(arcs: Arcs) -> np.ndarray:
    """The arcs that are the cheapest of their commodity on their departures (ties: the
    first)."""
    order = np.lexsort(
        (np.arange(len(arcs)), arcs.cost, arcs.rows[:, 1], arcs.rows[:, 0], arcs.commodity)
    )
    key = np.stack([arcs.commodity, arcs.rows[:, 0], arcs.rows[:, 1]], axis=1)[order]
    first = np.ones(len(arcs), dtype=bool)
    first[1:] = (key[1:] != key[:-1]).any(axis=1)
    return np.sort(order[first])


def collect(
    results: list[BlockResult], n_arcs: int, n_rows: int, group: np.ndarray, count: np.ndarray
) -> tuple[np.ndarray, np.ndarray, RowPrices]:
    """The blocks' flows per arc, units per row and LP prices, in global indices."""
    flow, units = np.zeros(n_arcs), np.zeros(n_rows)
    per_row = [np.zeros(n_rows) for _ in range(4)]
    for b in results:
        flow[b.arcs] = b.flow
        units[b.rows] = np.round(b.units)
        for target, value in zip(
            per_row, (b.price_kg, b.price_m3, b.unit_price_kg, b.unit_price_m3), strict=True
        ):
            target[b.rows] = value
    link = [
        np.concatenate([getattr(b, k) for b in results] or [np.zeros(0)])
        for k in ("link_group", "link_row", "link_price")
    ]
    group_count = np.bincount(group, count, int(group.max(initial=-1)) + 1)
    prices = RowPrices(
        capacity_kg=per_row[0],
        capacity_m3=per_row[1],
        unit_kg=per_row[2],
        unit_m3=per_row[3],
        link_group=link[0].astype(np.int64),
        link_row=link[1].astype(np.int64),
        link_price=link[2],
        group=group,
        group_count=group_count,
        cuts=concat([b.cuts for b in results]),
    )
    return flow, units, prices
