"""What one order costs on one arc, on its own figures: its own lane prices on the arc's
route, its DDP duties on that route and its own late penalty (`late.py`: once late, and
per day) for the arc's P90 against its own deliver_by. The model works with commodity
means; both plans (greedy and optimised) are costed with this, and the disaggregation
chooses with it, so a plan costs what it says.
"""

from __future__ import annotations

import numpy as np

from routing.plan.arcs import Arcs
from routing.plan.assign import Assignment, Evaluation, evaluate
from routing.plan.capacity import CapacityRows
from routing.plan.duties import Duties
from routing.plan.late import LateCost
from routing.plan.matrix import LaneMatrix
from routing.plan.routes import RouteSet
from routing.plan.table import NO_DEADLINE, OrdersTable


class OrderCosts:
    """Costs of (order, arc) pairs, in plan-currency minor units."""

    def __init__(
        self,
        orders: OrdersTable,
        lanes: LaneMatrix,
        routes: RouteSet,
        arcs: Arcs,
        duties: Duties,
        late: LateCost,
        unplanned_penalty: float,
    ) -> None:
        self.orders, self.lanes, self.routes, self.arcs = orders, lanes, routes, arcs
        self.duties = duties
        self.late = late
        self.unplanned_penalty = unplanned_penalty

    def shipping(self, order: np.ndarray, arc: np.ndarray) -> np.ndarray:
        legs = self.routes.legs[self.arcs.route[arc]]  # (pairs x MAX_LEGS), -1 padding
        price = self.lanes.price[np.maximum(legs, 0), order[:, None]]
        return np.where(legs >= 0, price, 0.0).sum(axis=1)

    def duty(self, order: np.ndarray, arc: np.ndarray) -> np.ndarray:
        return self.duties.of(order, self.arcs.route[arc])

    def late_days(self, order: np.ndarray, arc: np.ndarray) -> np.ndarray:
        deadline = self.orders.deliver_by[order]
        late = np.maximum(self.arcs.p90[arc] - deadline, 0)
        return np.where(deadline == NO_DEADLINE, 0, late)

    def late_penalty(self, order: np.ndarray, arc: np.ndarray) -> np.ndarray:
        return self.late.of(order, self.late_days(order, arc))

    def parts(self, order: np.ndarray, arc: np.ndarray) -> tuple[np.ndarray, ...]:
        """Shipping, duties and late days of each order on the arc beside it."""
        return self.shipping(order, arc), self.duty(order, arc), self.late_days(order, arc)

    def __call__(self, order: np.ndarray, arc: np.ndarray) -> np.ndarray:
        """Shipping + duties + late penalty of each order on the arc beside it."""
        if not len(order):
            return np.zeros(0)
        shipping, duty, late = self.parts(order, arc)
        return shipping + duty + self.late.of(order, late)

    def with_arcs(self, arcs: Arcs) -> OrderCosts:
        return OrderCosts(
            self.orders,
            self.lanes,
            self.routes,
            arcs,
            self.duties,
            self.late,
            self.unplanned_penalty,
        )

    def evaluate(self, plan: Assignment, rows: CapacityRows) -> Evaluation:
        """The plan costed order by order, with the units its loads need."""
        who = np.flatnonzero(plan.arc >= 0)
        shipping, duty = np.zeros(len(plan.arc)), np.zeros(len(plan.arc))
        if len(who):
            shipping[who] = self.shipping(who, plan.arc[who])
            duty[who] = self.duty(who, plan.arc[who])
        return evaluate(
            self.orders,
            self.arcs,
            rows,
            plan,
            shipping,
            duty,
            self.late.per_day,
            self.unplanned_penalty,
            late_once=self.late.once,
        )
