"""What a late order costs the merchant: per order, a one-off amount once its P90 arrival
passes its `deliver_by`, and an amount per day past it.

A merchant who promised a date on the product page pays for missing it, and pays more
for a dearer basket and a longer wait:

- once late: a customer-service contact and the shipping fee refunded (`late_fee`), and
  the voucher or partial refund granted for the broken promise, a share of the goods'
  value (`late_share`);
- per day late: the contacts that follow (`late_penalty_per_day`) and the buyers who
  give up, cancel or are refunded in full, more of them each day: a share of the value
  per day (`late_share_per_day`).

So an order of EUR 40 three days late costs, at the defaults (`PlanParams`),
5.00 + 0.10 x 40 + 3 x (0.50 + 0.03 x 40) = EUR 14.10. The figures are per order and in
the plan's minor units; the goods' value is converted at the plan's first day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from carriers.money import minor_units
from routing.fx import FxRates
from routing.plan.params import PlanParams
from routing.plan.table import OrdersTable


@dataclass(frozen=True)
class LateCost:
    """Per order (plan minor units): `once` when it is late at all, `per_day` per day."""

    once: np.ndarray  # float64
    per_day: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.once)

    def of(self, order: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The penalty of each order `days` late (0 where it is not late)."""
        late = days > 0
        return np.where(late, self.once[order] + self.per_day[order] * days, 0.0)

    @classmethod
    def flat(cls, n: int, per_day: float, once: float = 0.0) -> LateCost:
        """The same amounts for each of `n` orders."""
        return cls(np.full(n, float(once)), np.full(n, float(per_day)))


def late_costs(orders: OrdersTable, params: PlanParams, fx: FxRates, at: date) -> LateCost:
    """The orders' late penalties under `params`, in `params.currency` minor units."""
    scale = 10 ** minor_units(params.currency)
    value = goods_value(orders, fx, at, params.currency)
    once = float(params.late_fee) * scale + params.late_share * value
    per_day = float(params.late_penalty_per_day) * scale + params.late_share_per_day * value
    return LateCost(once, per_day)


def goods_value(orders: OrdersTable, fx: FxRates, at: date, currency: str) -> np.ndarray:
    """Each order's goods value in `currency` minor units, at the rate of day `at`."""
    out = np.zeros(len(orders))
    for cur in sorted(set(orders.currency.tolist())):
        rows = orders.currency == cur
        factor = float(fx.rate(cur, currency, at).rate) * 10.0 ** (
            minor_units(currency) - minor_units(cur)
        )
        out[rows] = orders.value_minor[rows] * factor
    return out
