"""A lower bound on the cost of any plan of the orders themselves.

The LP relaxation bounds the model, in which a commodity moves at its members' mean kg,
m3 and cost. Orders are whole and each has its own figures, so a plan of the orders can
in principle cost less than the model's optimum (where a commodity's orders differ, the
disaggregation exploits it). A bound that holds for the orders comes from Lagrangian
duality: price every booked-capacity, unit and linking row with the LP's duals (any
prices >= 0 give a valid bound; the LP's are good ones) and the problem falls apart into
one choice per order (its cheapest arc at those prices, or unplanned) and one per unit
row (buy none or all, by the sign of the unit's reduced cost):

    bound = sum_o min(penalty, min_a [cost_oa + sum_{r on a} (p_r . size_o + nu_{c(o) r})
                                      + sum_{j: o in S_j, a rides Q_j} mu_j size_o / U_j])
          + sum_r min(0, unit_cost_r - q_r . unit_size_r - sum_c nu_cr n_c
                         - sum_{j: r in Q_j} mu_j f_j) unit_limit_r
          - sum_r pi_r . capacity_r - sum_j mu_j rhs_j

with p_r = pi_r + q_r (booked-capacity and unit prices per kg and per m3) and nu the
linking prices (the orders of a group of commodities c on departure r cannot outnumber
n_c y_r, which holds for whole orders too) and mu the prices of the cutset inequalities
(cuts.py: z_j / U_j - f_j Y_j <= rhs_j over departures Q_j and commodities S_j, which
hold for whole orders too; pricing.py adds a cut's charge per order and arc, as it knows
each order's commodity). Where a commodity's orders are alike it equals the LP bound.
This module holds the two priced parts (per arc, per row); pricing.py takes the minimum
over every route and departure of the universe, order by order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from routing.plan.arcs import Arcs
from routing.plan.capacity import CapacityRows
from routing.plan.cuts import Cuts
from routing.plan.table import OrdersTable


@dataclass(frozen=True)
class RowPrices:
    """Prices (>= 0, plan minor units per kg, per m3, per order) of the model's rows."""

    capacity_kg: np.ndarray  # per capacity row
    capacity_m3: np.ndarray
    unit_kg: np.ndarray
    unit_m3: np.ndarray
    link_group: np.ndarray  # per linking row: its group of commodities, row and price
    link_row: np.ndarray
    link_price: np.ndarray
    group: np.ndarray  # per commodity, its linking group
    group_count: np.ndarray  # per group, its orders
    cuts: Cuts = field(default_factory=Cuts.none)  # cutset inequalities (cuts.py), priced


def unit_reduced_cost(rows: CapacityRows, prices: RowPrices) -> np.ndarray:
    """Per row, a unit's cost less what its unit, linking and cut prices pay for it
    (0 on rows without a unit)."""
    n_row = len(rows)
    linked = np.bincount(
        prices.link_row, prices.link_price * prices.group_count[prices.link_group], n_row
    )
    unit_size = prices.unit_kg * rows.unit_kg + prices.unit_m3 * rows.unit_m3
    paid = unit_size + linked + prices.cuts.unit_reward(n_row)
    has_unit = (rows.unit_kg > 0) | (rows.unit_m3 > 0)
    return np.where(has_unit, rows.unit_cost - paid, 0.0)


def row_terms(rows: CapacityRows, unit_limit: np.ndarray, prices: RowPrices) -> float:
    """The rows' part of the bound: units whose reduced cost is negative bought to their
    limit, less the priced capacity and the cuts' priced right-hand sides."""
    return float(row_parts(rows, unit_limit, prices).sum())


def row_parts(rows: CapacityRows, unit_limit: np.ndarray, prices: RowPrices) -> np.ndarray:
    """`row_terms` per capacity row (a cut's right-hand side on the first row of its Q), so
    that a piece of the network that shares no row with the rest has its own part."""
    reduced_unit = unit_reduced_cost(rows, prices)
    units = np.minimum(reduced_unit, 0.0) * np.where(reduced_unit < 0, unit_limit, 0.0)
    cap_kg, cap_m3 = _capacity_prices(rows, prices)
    capacity = cap_kg * np.where(cap_kg > 0, rows.cap_kg, 0.0) + cap_m3 * np.where(
        cap_m3 > 0, rows.cap_m3, 0.0
    )
    return units - capacity - prices.cuts.constants(len(rows))


@dataclass(frozen=True)
class ArcPrices:
    """Per arc, the price of a kg and of an m3 on its departures, and its commodity's
    linking prices there (per order)."""

    kg: np.ndarray
    m3: np.ndarray
    link: np.ndarray

    def of(self, orders: OrdersTable, owner: np.ndarray, arc: np.ndarray) -> np.ndarray:
        """What each order beside its arc pays for the capacity the arc takes."""
        return (
            orders.weight_kg[owner] * self.kg[arc]
            + orders.volume_m3[owner] * self.m3[arc]
            + self.link[arc]
        )


def arc_prices(arcs: Arcs, rows: CapacityRows, prices: RowPrices, group: np.ndarray) -> ArcPrices:
    """`group`: the linking group of each arc's commodity."""
    n_row = len(rows)
    cap_kg, cap_m3 = _capacity_prices(rows, prices)
    per_kg = np.append(cap_kg + prices.unit_kg, 0.0)  # the extra entry: "no row" (-1)
    per_m3 = np.append(cap_m3 + prices.unit_m3, 0.0)
    link_key = prices.link_group * (n_row + 1) + prices.link_row
    order = np.argsort(link_key)
    out = ArcPrices(np.zeros(len(arcs)), np.zeros(len(arcs)), np.zeros(len(arcs)))
    for slot in range(arcs.rows.shape[1]):
        r = arcs.rows[:, slot]
        out.kg[:] += per_kg[r]
        out.m3[:] += per_m3[r]
        out.link[:] += _lookup(
            link_key[order],
            prices.link_price[order],
            np.where(r >= 0, group * (n_row + 1) + r, -1),
        )
    return out


def _capacity_prices(rows: CapacityRows, prices: RowPrices) -> tuple[np.ndarray, np.ndarray]:
    """Booked-capacity prices, zero where the capacity is unlimited."""
    return (
        np.where(np.isfinite(rows.cap_kg), prices.capacity_kg, 0.0),
        np.where(np.isfinite(rows.cap_m3), prices.capacity_m3, 0.0),
    )


def _lookup(keys: np.ndarray, values: np.ndarray, want: np.ndarray) -> np.ndarray:
    """values[keys == w] for each w of `want` (0 where absent); `keys` sorted."""
    if not len(keys):
        return np.zeros(len(want))
    at = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    return np.where(keys[at] == want, values[at], 0.0)
