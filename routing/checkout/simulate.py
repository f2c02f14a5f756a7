"""One run of the checkout simulation: a policy over a peak week's buyers.

Each buyer, in the order they arrive, is quoted by the quote engine over the capacity
left (`CapacityView`: a departure without room for the order is not offered); the buyer
takes one option by the logit of `choice.Logit`; the booking consumes the option's kg and
m3 on each of its departures. A buyer whose quote offers nothing still gets the parcel:
the order ships on its cheapest option of a quote that ignores what is sold, riding
spot on each departure without room (`costs`), or is unplanned where spot is gone too.

Policies:
- `fcfs`: departures are sold first come, first served (what the quotes do without bid
  prices);
- `bid-price`: every `resolve_every` arrivals, the DLP over the forecast of the buyers
  still to come (an independent sample of the same profile, not the real arrivals) and
  the room left gives each departure a bid price (`offline.bid_prices`); the quotes rank
  and price the options by it under `pricing` (rank, surcharge or hide,
  routing.quote.capacity);
- `hindsight`: the offline LP over every buyer's options with the week known in advance
  (`offline.solve_offline`): no policy on these quotes can do better.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from carriers.errors import InvalidPlanInput
from routing.capacity.bidprices import BidPrices
from routing.capacity.limits import CapacityLimits
from routing.capacity.state import CapacityView, Sold
from routing.checkout.arrivals import Arrivals, peak_arrivals, scaled_limits
from routing.checkout.choice import Logit
from routing.checkout.costs import CostBook
from routing.checkout.offline import (
    Choice,
    DepartureKey,
    Menu,
    Prices,
    Room,
    bid_prices,
    solve_offline,
)
from routing.network import Network
from routing.orders import Order
from routing.quote import quote
from routing.quote.capacity import PRICING, order_load
from routing.quote.records import Option

POLICIES = ("fcfs", "bid-price", "hindsight")
FORECAST_SEED = 1_000_003  # the forecast's samples: seed + this + i (never the arrivals')
FORECAST_DRAWS = 3  # samples averaged into the forecast: each order counts 1/3
DLP = "DLP over the forecast, mean duals of an antithetic pair of perturbed solves"


@dataclass(frozen=True)
class Settings:
    profile: str = "peak"
    seed: int = 1
    arrivals: int = 20_000
    pricing: str = "hide"  # bid-price: how the quotes use the prices (PRICING)
    resolve_every: int = 250  # bid-price: arrivals between re-solves
    capacity: float = 1.0  # booked capacity and spot caps per buyer, x the default world's
    margin: float = 0.2  # hide: an option's margin, a share of its shipping (as the server's)
    logit: Logit = field(default_factory=Logit)

    def __post_init__(self) -> None:
        if self.pricing not in PRICING:
            raise InvalidPlanInput(
                f"pricing must be one of {', '.join(PRICING)}, got {self.pricing!r}"
            )
        for name in ("arrivals", "resolve_every"):
            if getattr(self, name) < 1:
                raise InvalidPlanInput(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.capacity > 0:
            raise InvalidPlanInput(f"capacity must be > 0, got {self.capacity}")


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


class _Ledger:
    """What the week has sold: booked kg and m3 per departure, spot chargeable kg."""

    def __init__(self, network: Network, limits: CapacityLimits, costs: CostBook, scale: float):
        self.index = network.compiled.service_index
        self.limits, self.costs, self.scale = limits, costs, scale
        self.sold: dict[DepartureKey, Sold] = {}
        self.spot_used: dict[DepartureKey, float] = {}

    def left(self, key: DepartureKey) -> tuple[float, float]:
        kg, m3 = self.limits.of(self.index[key[0]], _day(key[1]))
        sold = self.sold.get(key, _NONE)
        return kg - sold.kg, m3 - sold.m3

    def spot_left(self, key: DepartureKey) -> float:
        cap = self.costs.spot_cap(key[0])
        return np.inf if cap is None else cap * self.scale - self.spot_used.get(key, 0.0)

    def spot(self, key: DepartureKey) -> tuple[float, float] | None:
        return self.costs.spot_rate(*key)

    def max_fill(self) -> float:
        """The fullest departure's booked share of its capacity, kg or m3."""
        fill = 0.0
        for key, sold in self.sold.items():
            kg, m3 = self.limits.of(self.index[key[0]], _day(key[1]))
            fill = max(fill, sold.kg / kg if kg > 0 else 0.0, sold.m3 / m3 if m3 > 0 else 0.0)
        return fill

    def room(self) -> Room:
        return Room(self.left, self.spot_left, self.spot)

    def book(self, keys: Sequence[DepartureKey], kg: float, m3: float) -> None:
        for key in keys:
            s = self.sold.get(key, _NONE)
            self.sold[key] = Sold(s.kg + kg, s.m3 + m3)

    def spot_plan(
        self, order: Order, option: Option, prices: Prices | None = None
    ) -> tuple[list[tuple[DepartureKey, float]], float] | None:
        """How the order rides the option: per departure 0 (on booked room) or the
        chargeable kg it takes on spot, and what that costs beyond the option, spot and
        (with `prices`) the bid prices of the room and spot it takes. Booked room where
        there is some, unless spot, bid price included, costs less; None where a full
        departure has no spot left."""
        kg, m3 = order_load(order)
        plan, extra = [], 0.0
        for d in option.departures:
            key = (d.service, d.date)
            left_kg, left_m3 = self.left(key)
            room = kg <= left_kg + 1e-9 and m3 <= left_m3 + 1e-9
            booked = _room_price(prices, key, kg, m3) if room else np.inf
            terms = self.spot(key)
            charged = 0.0 if terms is None else max(kg, m3 * terms[1])
            spot = np.inf
            if terms is not None and charged <= self.spot_left(key) + 1e-9:
                spot = (terms[0] + (0.0 if prices is None else prices.spot.get(key, 0.0))) * charged
            if booked == spot == np.inf:
                return None
            if booked <= spot:
                plan.append((key, 0.0))
                extra += booked
            else:
                plan.append((key, charged))
                extra += spot
        return plan, extra

    def spot_cost(self, plan: list[tuple[DepartureKey, float]]) -> float:
        total = 0.0
        for key, charged in plan:
            terms = self.spot(key)
            if charged and terms is not None:
                total += terms[0] * charged
        return total

    def ship(self, order: Order, plan: list[tuple[DepartureKey, float]]) -> None:
        self.book([key for key, charged in plan if not charged], *order_load(order))
        for key, charged in plan:
            if charged:
                self.spot_used[key] = self.spot_used.get(key, 0.0) + charged


_NONE = Sold()


def _day(d: date) -> int:
    return d.toordinal() - date(1970, 1, 1).toordinal()


def simulate(network: Network, settings: Settings, policy: str) -> Result:
    if policy not in POLICIES:
        raise InvalidPlanInput(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    started = time.perf_counter()
    week = peak_arrivals(settings.profile, settings.seed, settings.arrivals)
    scale = week.scale * settings.capacity
    limits = scaled_limits(network, scale)
    costs = CostBook(network)
    ledger = _Ledger(network, limits, costs, scale)
    if policy == "hindsight":
        return _hindsight(network, settings, week, limits, costs, ledger, started)
    return _online(network, settings, policy, week, limits, costs, ledger, started)


def _online(
    network: Network,
    settings: Settings,
    policy: str,
    week: Arrivals,
    limits: CapacityLimits,
    costs: CostBook,
    ledger: _Ledger,
    started: float,
) -> Result:
    rng = np.random.default_rng([settings.seed, 19])
    view = CapacityView(limits, ledger.sold, pricing=settings.pricing, margin_share=settings.margin)
    blind = CapacityView(limits)
    forecast = _forecast(network, settings, limits, costs) if policy == "bid-price" else None
    tally = _Tally()
    resolves = 0
    prices = None
    for j, order in enumerate(week.orders):
        if forecast is not None and j % settings.resolve_every == 0:
            prices = _prices(forecast, order, ledger, costs)
            view = replace(view, bid_prices=BidPrices(f"sim-{j}", "EUR", prices.room, DLP))
            resolves += 1
        options = quote(order, network, capacity=view).options
        tally.offered += len(options)
        if options:
            o = options[settings.logit.choose(options, order, rng)]
            ride = ledger.spot_plan(order, o, prices)  # room on each: never None
            plan = [((d.service, d.date), 0.0) for d in o.departures] if ride is None else ride[0]
            ledger.ship(order, plan)
            tally.add(costs, order, o, ledger.spot_cost(plan))
            continue
        every = quote(order, network, capacity=blind).options
        shipped = _overflow(order, every, ledger, costs, prices)
        if shipped is None:
            tally.add(costs, order, None)
        else:
            o, plan = shipped
            ledger.ship(order, plan)
            tally.add(costs, order, o, ledger.spot_cost(plan))
    result = tally.result(policy, settings, len(week), time.perf_counter() - started, resolves)
    return replace(result, max_fill=ledger.max_fill())


def _overflow(
    order: Order,
    options: Sequence[Option],
    ledger: _Ledger,
    costs: CostBook,
    prices: Prices | None,
) -> tuple[Option, list[tuple[DepartureKey, float]]] | None:
    """The way to ship an order no quote could offer room to: of its options, with spot
    where a departure is full, the one of least cost, bid prices included where the
    policy has them (None: every option has a full departure without spot, or, with bid
    prices, costs more than leaving the order unplanned: its room is worth more to the
    buyers still to come, as the LP would decide)."""
    best, least = None, np.inf if prices is None else costs.unplanned
    for o in options:
        found = ledger.spot_plan(order, o, prices)
        if found is not None and costs.option(order, o) + found[1] < least:
            best, least = (o, found[0]), costs.option(order, o) + found[1]
    return best


def _room_price(prices: Prices | None, key: DepartureKey, kg: float, m3: float) -> float:
    """The bid price of kg and m3 of booked room on the departure (0 without prices)."""
    if prices is None:
        return 0.0
    per_kg, per_m3 = prices.room.get(key, (0.0, 0.0))
    return per_kg * kg + per_m3 * m3


@dataclass
class _Forecast:
    orders: tuple[Order, ...]
    menus: list[Menu]


def _forecast(
    network: Network, settings: Settings, limits: CapacityLimits, costs: CostBook
) -> _Forecast:
    """The forecast of the week's buyers: FORECAST_DRAWS independent samples of the
    profile, each order counting 1/FORECAST_DRAWS (the expected demand, less the noise of
    one sample), with their menus."""
    blind = CapacityView(limits)
    orders: list[Order] = []
    menus: list[Menu] = []
    for i in range(FORECAST_DRAWS):
        sample = peak_arrivals(
            settings.profile, settings.seed + FORECAST_SEED + i, settings.arrivals
        )
        orders += sample.orders
        menus += [
            replace(menu_of(o, network, blind, costs), weight=1 / FORECAST_DRAWS)
            for o in sample.orders
        ]
    return _Forecast(tuple(orders), menus)


def _prices(forecast: _Forecast, now: Order, ledger: _Ledger, costs: CostBook) -> Prices:
    """Bid prices from the DLP over the forecast buyers still to come and the room left."""
    menus = [
        m
        for o, m in zip(forecast.orders, forecast.menus, strict=True)
        if o.created_at >= now.created_at
    ]
    return bid_prices(menus, ledger.room(), costs.unplanned) if menus else Prices({}, {})


def menu_of(order: Order, network: Network, blind: CapacityView, costs: CostBook) -> Menu:
    """The order's options in a quote that ignores what is sold, as the LP sees them."""
    kg, m3 = order_load(order)
    options = quote(order, network, capacity=blind).options
    choices = tuple(
        Choice(costs.option(order, o), tuple((d.service, d.date) for d in o.departures))
        for o in options
    )
    return Menu(kg, m3, choices)


def _hindsight(
    network: Network,
    settings: Settings,
    week: Arrivals,
    limits: CapacityLimits,
    costs: CostBook,
    ledger: _Ledger,
    started: float,
) -> Result:
    blind = CapacityView(limits)
    quotes = [quote(o, network, capacity=blind).options for o in week.orders]
    menus = [
        Menu(
            *order_load(order),
            tuple(
                Choice(costs.option(order, o), tuple((d.service, d.date) for d in o.departures))
                for o in options
            ),
        )
        for order, options in zip(week.orders, quotes, strict=True)
    ]
    found = solve_offline(menus, ledger.room(), costs.unplanned)
    tally = _Tally()
    for order, options, i, spot in zip(week.orders, quotes, found.taken, found.spot, strict=True):
        tally.offered += len(options)
        o = None if i < 0 else options[i]
        tally.add(costs, order, o, spot=bool(spot))
    tally.parts["spot"] = found.objective - sum(tally.parts.values())  # the LP's own spot
    return tally.result("hindsight", settings, len(week), time.perf_counter() - started, 1)


@dataclass
class _Tally:
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

    def result(
        self, policy: str, settings: Settings, n: int, seconds: float, resolves: int
    ) -> Result:
        parts = {k: v / 100 for k, v in self.parts.items()}
        return Result(
            policy,
            settings.seed,
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
