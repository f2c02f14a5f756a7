"""Column generation: the model starts from the first candidates of the universe and grows
by the routes and departures that pricing finds, until none is left, the LP is within
`pricing_gap` of the bound over every route, or the round limit.

Each round solves the LP relaxation of the restricted model block by block (through the
same `map` as the final solve), prices every order over the whole universe at the LP's
prices (pricing.py), adds the arcs that some order prefers to everything the model has,
and splits the commodities by each order's cheapest arc at those prices (refine.py):
the orders of a commodity then agree on where they should go. It stops when a round adds
no column or its LP is within `pricing_gap` of the bound (after at least `refine_rounds`
splits), or after `pricing_rounds` rounds; the report says which, and the bound is valid
either way (pricing.py).

A wanted arc brings every other departure of its (commodity, route) with it: a group that
the LP charges a whole consolidation unit on one departure otherwise finds a free ride on
the next, one round at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.plan.arcs import Arcs, OrderArcs, take
from routing.plan.blocks import MapFunction, solve_blocks, solve_relaxation
from routing.plan.capacity import CapacityRows, unit_limit
from routing.plan.commodities import Commodities
from routing.plan.costs import OrderCosts
from routing.plan.master import collect, link_groups, model_blocks
from routing.plan.params import PlanParams
from routing.plan.pricing import price_orders
from routing.plan.refine import Splitter
from routing.plan.table import OrdersTable
from routing.plan.universe import Universe


@dataclass(frozen=True)
class Restricted:
    """The model the rounds ended with."""

    com: Commodities
    arcs: Arcs
    pairs: OrderArcs  # every order's arcs of the model, with its own cost on each
    source: np.ndarray  # per model arc, its universe arc
    active: np.ndarray  # per universe arc: in the model


@dataclass(frozen=True)
class ColumnReport:
    rounds: int  # LP solves priced
    columns: int  # universe arcs that pricing added to the first candidates
    converged: bool  # the last round found no column, or its LP was within `pricing_gap`
    # of the bound over every route (else the round limit stopped it)


def generate(
    orders: OrdersTable,
    coarse: Commodities,
    universe: Universe,
    costs: OrderCosts,
    rows: CapacityRows,
    params: PlanParams,
    penalty: float,
    map_fn: MapFunction,
) -> tuple[Restricted, ColumnReport]:
    """`costs` prices the universe's arcs; `penalty` per unplanned order (minor units)."""
    active = universe.initial.copy()
    model = _Model(orders, coarse, universe, costs, active)
    com, arcs, pairs, source = model.split(model.splitter.preferences(params.refine_top))
    limit = unit_limit(rows)
    rounds = added = 0
    converged = False
    while rounds < params.pricing_rounds:
        group = link_groups(coarse, com)
        relaxed = solve_blocks(
            model_blocks(com, arcs, rows, None, params, group), map_fn, solve_relaxation
        )
        prices = collect(relaxed, len(arcs), len(rows), group, com.count)[2]
        found = price_orders(orders, coarse, universe, costs, rows, limit, prices, penalty)
        lp = float(sum(b.lp_bound for b in relaxed))
        close = lp - found.bound <= params.pricing_gap * abs(lp)
        new = _with_departures(universe, found.columns(active), active)
        rounds += 1
        converged = close or not len(new)
        if len(new) and not (converged and rounds >= params.refine_rounds):
            active[new] = True
            added += len(new)
            model = _Model(orders, coarse, universe, costs, active)
        com, arcs, pairs, source = model.split([com.of_order, found.best])
        if converged and rounds >= params.refine_rounds:
            break
    return Restricted(com, arcs, pairs, source, active), ColumnReport(rounds, added, converged)


def _with_departures(universe: Universe, wanted: np.ndarray, active: np.ndarray) -> np.ndarray:
    """The wanted arcs and every other departure of their (commodity, route)."""
    arcs = universe.arcs
    key = arcs.commodity * (int(arcs.route.max(initial=0)) + 1) + arcs.route
    return np.flatnonzero(np.isin(key, key[wanted]) & ~active)


class _Model:
    """The splitter over the universe's active arcs."""

    def __init__(
        self,
        orders: OrdersTable,
        coarse: Commodities,
        universe: Universe,
        costs: OrderCosts,
        active: np.ndarray,
    ) -> None:
        self.ids = np.flatnonzero(active)
        held = take(universe.arcs, self.ids)
        self.splitter = Splitter(orders, coarse, held, costs.with_arcs(held))

    def split(self, keys: list[np.ndarray]) -> tuple[Commodities, Arcs, OrderArcs, np.ndarray]:
        com, arcs, pairs, parent = self.splitter.split(keys)
        return com, arcs, pairs, self.ids[parent]
