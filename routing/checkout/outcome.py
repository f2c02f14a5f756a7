"""What a run of the simulation reports: per order its cost parts, on-time and spot, and
per run the totals (`Result`, its JSON as `--json` prints it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from routing.checkout.costs import CostBook
from routing.orders import Order
from routing.quote.records import Option


@dataclass(frozen=True)
class Result:
    policy: str
    seed: int
    arrivals: int
    cost: float  # EUR, the week's logistics cost (`costs`)
    on_time_share: float  # orders whose P90 meets their deliver_by (none: on time)
    spot_share: float  # orders riding spot on some departure
    unplanned: int
    options_per_quote: float
    seconds: float
    resolves: int = 0
    parts: dict[str, float] = field(default_factory=dict)  # EUR: carriage, late, spot, unplanned
    max_fill: float | None = None  # online: the fullest departure's booked share (kg, m3)

    def as_json(self) -> dict:
        return {
            "policy": self.policy,
            "seed": self.seed,
            "arrivals": self.arrivals,
            "cost": round(self.cost, 2),
            "on_time_share": round(self.on_time_share, 5),
            "spot_share": round(self.spot_share, 5),
            "unplanned": self.unplanned,
            "options_per_quote": round(self.options_per_quote, 3),
            "seconds": round(self.seconds, 2),
            "resolves": self.resolves,
            "parts": {k: round(v, 2) for k, v in self.parts.items()},
            "max_fill": None if self.max_fill is None else round(self.max_fill, 4),
        }


@dataclass
class Tally:
    on_time: int = 0
    spot: int = 0
    unplanned: int = 0
    offered: int = 0
    n: int = 0
    parts: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("carriage", "late", "spot", "unplanned"), 0.0)
    )

    def add(
        self, costs: CostBook, order: Order, option: Option | None, spot: float | bool = 0.0
    ) -> None:
        """An order shipped on `option` (None: unplanned), `spot`: its spot cost (cents),
        or whether it rides spot where the cost is counted elsewhere."""
        self.n += 1
        self.spot += bool(spot)
        if option is None:
            self.unplanned += 1
            self.parts["unplanned"] += costs.unplanned
            return
        late = costs.late(order, option.promise.p90)
        self.parts["carriage"] += costs.option(order, option) - late
        self.parts["late"] += late
        if not isinstance(spot, bool):
            self.parts["spot"] += spot
        if late == 0:
            self.on_time += 1

    def result(self, policy: str, seed: int, n: int, seconds: float, resolves: int) -> Result:
        parts = {k: v / 100 for k, v in self.parts.items()}
        return Result(
            policy,
            seed,
            n,
            sum(parts.values()),
            self.on_time / max(self.n, 1),
            self.spot / max(self.n, 1),
            self.unplanned,
            self.offered / max(self.n, 1),
            seconds,
            resolves,
            parts,
        )
