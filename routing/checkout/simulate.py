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

import numpy as np

from carriers.errors import GlocalError, InvalidPlanInput
from routing.capacity.bidprices import BidPrices
from routing.capacity.state import CapacityView
from routing.checkout.arrivals import Arrivals, peak_arrivals, scaled_limits
from routing.checkout.choice import Logit
from routing.checkout.costs import CostBook
from routing.checkout.ledger import Ledger, overflow
from routing.checkout.offline import Choice, Menu, OfflineLP, Prices, solve_offline
from routing.checkout.outcome import Result, Tally
from routing.network import Network
from routing.orders import Order
from routing.quote import quote
from routing.quote.capacity import PRICING, order_load
from routing.quote.records import Option

POLICIES = ("fcfs", "bid-price", "hindsight")
FORECAST_SEED = 1_000_003  # the forecast's samples: seed + this + i (never the arrivals')
FORECAST_DRAWS = 3  # samples averaged into the forecast
FORECAST_SAMPLE = 5_000  # orders a sample at most: a bigger week's orders count more each
RESOLVES = 20  # bid-price: re-solves over a week unless `resolve_every` says otherwise
DLP = "DLP over the forecast, mean duals of an antithetic pair of perturbed solves"


@dataclass(frozen=True)
class Settings:
    profile: str = "peak"
    seed: int = 1
    arrivals: int = 20_000
    pricing: str = "hide"  # bid-price: how the quotes use the prices (PRICING)
    resolve_every: int | None = None  # bid-price: arrivals between re-solves (None: a
    # 20th of the week's, RESOLVES)
    capacity: float = 1.0  # booked capacity and spot caps per buyer, x the default world's
    margin: float = 0.2  # hide: an option's margin, a share of its shipping (as the server's)
    logit: Logit = field(default_factory=Logit)

    @property
    def every(self) -> int:
        """Arrivals between bid-price re-solves."""
        return self.resolve_every or max(1, self.arrivals // RESOLVES)

    def __post_init__(self) -> None:
        if self.pricing not in PRICING:
            raise InvalidPlanInput(
                f"pricing must be one of {', '.join(PRICING)}, got {self.pricing!r}"
            )
        for name in ("arrivals", "resolve_every"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise InvalidPlanInput(f"{name} must be >= 1, got {value}")
        if not self.capacity > 0:
            raise InvalidPlanInput(f"capacity must be > 0, got {self.capacity}")


def simulate(network: Network, settings: Settings, policy: str) -> Result:
    if policy not in POLICIES:
        raise InvalidPlanInput(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    started = time.perf_counter()
    week = peak_arrivals(settings.profile, settings.seed, settings.arrivals)
    scale = week.scale * settings.capacity
    limits = scaled_limits(network, scale)
    costs = CostBook(network)
    ledger = Ledger(network, limits, costs, scale)
    if policy == "hindsight":
        return _hindsight(network, settings, week, ledger, started)
    return _online(network, settings, policy, week, ledger, started)


def _online(
    network: Network,
    settings: Settings,
    policy: str,
    week: Arrivals,
    ledger: Ledger,
    started: float,
) -> Result:
    limits, costs = ledger.limits, ledger.costs
    rng = np.random.default_rng([settings.seed, 19])
    view = CapacityView(limits, ledger.sold, pricing=settings.pricing, margin_share=settings.margin)
    blind = CapacityView(limits)
    forecast = (
        _forecast(network, settings, len(week), ledger, costs) if policy == "bid-price" else None
    )
    tally = Tally()
    resolves = 0
    prices = None
    for j, order in enumerate(week.orders):
        if forecast is not None and j % settings.every == 0:
            prices = _prices(forecast, order, ledger)
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
        shipped = overflow(order, every, ledger, costs, prices)
        if shipped is None:
            tally.add(costs, order, None)
        else:
            o, plan = shipped
            ledger.ship(order, plan)
            tally.add(costs, order, o, ledger.spot_cost(plan))
    result = tally.result(policy, settings.seed, len(week), time.perf_counter() - started, resolves)
    return replace(result, max_fill=ledger.max_fill())


@dataclass
class _Forecast:
    created: np.ndarray  # per order, its instant (UTC seconds)
    weight: np.ndarray  # per order, its share of the week's buyers
    lp: OfflineLP


def _forecast(
    network: Network, settings: Settings, buyers: int, ledger: Ledger, costs: CostBook
) -> _Forecast:
    """The forecast of the week's `buyers`: FORECAST_DRAWS independent samples of the
    profile of at most FORECAST_SAMPLE orders, each order counting for its share of the
    week (the expected demand, less the noise of one sample; a DLP whose size does not
    grow with the week), with their menus."""
    blind = CapacityView(ledger.limits)
    size = min(settings.arrivals, FORECAST_SAMPLE)
    orders: list[Order] = []
    menus: list[Menu] = []
    for i in range(FORECAST_DRAWS):
        sample = peak_arrivals(settings.profile, settings.seed + FORECAST_SEED + i, size)
        weight = buyers / (len(sample) * FORECAST_DRAWS)
        orders += sample.orders
        menus += [replace(menu_of(o, network, blind, costs), weight=weight) for o in sample.orders]
    created = np.array([o.created_at.timestamp() for o in orders])
    lp = OfflineLP(menus, ledger.room(), costs.unplanned)
    return _Forecast(created, np.array([m.weight for m in menus]), lp)


def _prices(forecast: _Forecast, now: Order, ledger: Ledger) -> Prices:
    """Bid prices from the DLP over the forecast buyers still to come and the room left."""
    still = forecast.created >= now.created_at.timestamp()
    if not still.any():
        return Prices({}, {})
    return forecast.lp.bid_prices(ledger.room(), np.where(still, forecast.weight, 0.0))


def menu_of(order: Order, network: Network, blind: CapacityView, costs: CostBook) -> Menu:
    """The order's options in a quote that ignores what is sold, as the LP sees them."""
    return menu(order, quote(order, network, capacity=blind).options, costs)


def menu(order: Order, options: Sequence[Option], costs: CostBook) -> Menu:
    choices = tuple(
        Choice(costs.option(order, o), tuple((d.service, d.date) for d in o.departures))
        for o in options
    )
    return Menu(*order_load(order), choices)


def _hindsight(
    network: Network,
    settings: Settings,
    week: Arrivals,
    ledger: Ledger,
    started: float,
) -> Result:
    limits, costs = ledger.limits, ledger.costs
    blind = CapacityView(limits)
    quotes = [quote(o, network, capacity=blind).options for o in week.orders]
    menus = [
        menu(order, options, costs) for order, options in zip(week.orders, quotes, strict=True)
    ]
    found = solve_offline(menus, ledger.room(), costs.unplanned)
    if not len(found.taken):  # the LP always has a solution (everything unplanned)
        raise GlocalError(f"the hindsight LP ended {found.status}, without an optimum")
    tally = Tally()
    for order, options, i, spot in zip(week.orders, quotes, found.taken, found.spot, strict=True):
        tally.offered += len(options)
        o = None if i < 0 else options[i]
        tally.add(costs, order, o, spot=bool(spot))
    tally.parts["spot"] = found.objective - sum(tally.parts.values())  # the LP's own spot
    return tally.result("hindsight", settings.seed, len(week), time.perf_counter() - started, 1)
