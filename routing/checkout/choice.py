"""How a simulated buyer chooses among the options a checkout shows: a multinomial logit
on price and days (McFadden), with a default effect for the option listed first.

The utility of option i, in units of a price step, is

    U_i = -(price_i / cheapest - 1) / PRICE_STEP      price: the total the buyer pays
          - per_day x (days_i - fewest)               days: from the order to the P90 date
          - LATE x [P90_i after the buyer's deliver_by]
          + FIRST x [i is listed first]               the checkout preselects it
          + e_i,  e_i ~ Gumbel(0, 1) independent

so P(i) = exp(V_i) / sum_j exp(V_j). The parameters are stated, not estimated (no public
panel of cross-border checkout choices was at hand); they are in the range of published
e-commerce delivery-choice studies: a 10 % dearer option loses one unit, a buyer who
needs the parcel within two weeks (`deliver_by` at most EXPRESS_DAYS after the order)
gives up 5 % of the price per day saved, one within 5 weeks 1.5 %, the others 0.5 %.
A buyer with no options buys nothing from this checkout (the simulation ships the order
on spot or leaves it unplanned; `routing.checkout.simulate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from routing.orders import Order
from routing.quote.records import Option

PRICE_STEP = 0.10  # a price this share above the cheapest costs one unit of utility
EXPRESS_DAYS, STANDARD_DAYS = 14, 35  # deliver_by within these many days of the order
PER_DAY = (0.5, 0.15, 0.05)  # units per P90 day: express, standard, other buyers
LATE = 2.0  # units lost by an option whose P90 misses the buyer's deliver_by
FIRST = 0.5  # units gained by the option the checkout lists (and preselects) first


@dataclass(frozen=True)
class Logit:
    price_step: float = PRICE_STEP
    per_day: tuple[float, float, float] = PER_DAY
    late: float = LATE
    first: float = FIRST

    def day_weight(self, order: Order) -> float:
        if order.deliver_by is None:
            return self.per_day[2]
        days = (order.deliver_by - order.created_at.date()).days
        if days <= EXPRESS_DAYS:
            return self.per_day[0]
        return self.per_day[1] if days <= STANDARD_DAYS else self.per_day[2]

    def utilities(self, options: Sequence[Option], order: Order) -> np.ndarray:
        """The options' systematic utilities V_i, in the order shown."""
        cheapest = max(min(o.total.amount for o in options), 1)
        created = order.created_at.date()
        days = [(o.promise.p90 - created).days for o in options]
        fewest, weight = min(days), self.day_weight(order)
        out = np.empty(len(options))
        for i, (o, d) in enumerate(zip(options, days, strict=True)):
            v = -(o.total.amount / cheapest - 1.0) / self.price_step - weight * (d - fewest)
            if order.deliver_by is not None and o.promise.p90 > order.deliver_by:
                v -= self.late
            out[i] = v + (self.first if i == 0 else 0.0)
        return out

    def probabilities(self, options: Sequence[Option], order: Order) -> np.ndarray:
        v = self.utilities(options, order)
        e = np.exp(v - v.max())
        return e / e.sum()

    def choose(self, options: Sequence[Option], order: Order, rng: np.random.Generator) -> int:
        """The index of the option the buyer takes (a draw from the logit)."""
        if len(options) == 1:
            return 0
        u = rng.random(len(options))
        gumbel = -np.log(-np.log(np.clip(u, 1e-300, 1.0 - 1e-16)))
        return int(np.argmax(self.utilities(options, order) + gumbel))
