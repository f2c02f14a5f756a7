"""routing/quote/ranking.py: which options a quote keeps (none beaten on total and P90 by
one of its incoterm), their tags and their order, and the routes an order could not take
with their reasons; each case worked out by hand."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from carriers.model import GoodsCategory
from carriers.money import Money
from routing.fx import FxRates, read_fx
from routing.network import Network, load_network
from routing.orders import Address, Incoterm, Item, Order, Parcel, parse_order
from routing.quote.order_lanes import order_lanes
from routing.quote.ranking import blocked, ranked, tags, undominated
from routing.quote.records import Excluded, Message, Option, PromiseDates
from tests.helpers import DATA

DAY0 = date(2026, 12, 1)


def option(
    route: str, total: int, p90_days: int, incoterm: Incoterm = Incoterm.DDP, co2e: float = 1.0
) -> Option:
    """An option of `total` cents, arriving (P90) `p90_days` after DAY0."""
    p90 = DAY0 + timedelta(days=p90_days)
    money = Money(total, "EUR")
    return Option(
        f"{route}#{incoterm}",
        route,
        incoterm,
        (),
        (),
        money,
        Money(0, "EUR"),
        money,
        PromiseDates(p90 - timedelta(days=1), p90, p90 + timedelta(days=1)),
        co2e,
    )


def test_an_option_beaten_on_total_and_p90_is_excluded() -> None:
    """A (10.00, day 5) beats B (12.00, day 7); C (12.00, day 3) is dearer but faster, so it
    stays. B is excluded as dominated, naming A."""
    a, b, c = option("A", 1000, 5), option("B", 1200, 7), option("C", 1200, 3)
    kept, beaten = undominated([a, b, c])
    assert kept == [a, c]
    assert beaten == [
        Excluded("B", (Message("dominated", "A costs no more and arrives no later (DDP)"),))
    ]


def test_only_options_of_the_same_incoterm_compete() -> None:
    """A cheaper, earlier DDP option does not beat a DAP one, and equal options do not beat
    each other."""
    ddp, dap = option("A", 1000, 5), option("B", 1200, 7, Incoterm.DAP)
    assert undominated([ddp, dap]) == ([ddp, dap], [])
    twin_a, twin_b = option("A", 1000, 5), option("B", 1000, 5)
    assert undominated([twin_a, twin_b]) == ([twin_a, twin_b], [])


def test_a_beaten_route_is_excluded_once_for_both_incoterms() -> None:
    """B loses to A under DDP and DAP: one exclusion for route B, not two."""
    options = [
        option("A", 1000, 5),
        option("A", 1100, 5, Incoterm.DAP),
        option("B", 1200, 7),
        option("B", 1300, 7, Incoterm.DAP),
    ]
    kept, beaten = undominated(options)
    assert [o.option_id for o in kept] == ["A#DDP", "A#DAP"]
    assert [e.route for e in beaten] == ["B"]


def test_tags_on_paper() -> None:
    """X 10.00 day 30, Y 11.00 day 5, Z 20.00 day 0. Value scores (total + 1 % of the
    cheapest per day behind the fastest, x100): X 100,000 + 30,000; Y 110,000 + 5,000; Z
    200,000: Y is best value. CO2e 0.1 and 0.1004 are equal to the gram: both greenest."""
    x = option("X", 1000, 30, co2e=0.1)
    y = option("Y", 1100, 5, co2e=0.1004)
    z = option("Z", 2000, 0, co2e=5.0)
    assert tags([x, y, z]) == {
        "X#DDP": ("cheapest", "greenest"),
        "Y#DDP": ("best_value", "greenest"),
        "Z#DDP": ("fastest",),
    }
    assert tags([]) == {}


def test_one_day_is_worth_one_percent_of_the_cheapest_exactly() -> None:
    """100.00 a day later against 101.00 now: 1 % of 100.00 is 1.00 a day, so the scores
    tie exactly and both are best value; one cent dearer and the slow one wins alone."""
    slow, quick = option("S", 10_000, 1), option("Q", 10_100, 0)
    assert "best_value" in tags([slow, quick])["Q#DDP"]
    assert "best_value" in tags([slow, quick])["S#DDP"]
    dearer = option("Q", 10_101, 0)
    assert "best_value" not in tags([slow, dearer])["Q#DDP"]


def order(deliver_by: date | None = None) -> Order:
    item = Item("speaker", "851822", GoodsCategory.ELECTRONICS, 1, Money(2000, "EUR"))
    when = datetime(2026, 11, 26, 2, tzinfo=UTC)
    return Order(
        "A1",
        "CN-YIW-WH",
        Address("ES", "28013"),
        (Parcel(1, 1, 1, 1),),
        (item,),
        when,
        deliver_by=deliver_by,
    )


def test_ranked_by_deliver_by_then_total_then_p90() -> None:
    """Without a date: cheapest first, ties by earlier P90. By day 6: X (day 30) is late
    and goes last, however cheap."""
    x, y, z, w = (
        option("X", 1000, 30),
        option("Y", 1100, 5),
        option("Z", 2000, 0),
        option("W", 1100, 2),
    )
    assert [o.route_id for o in ranked([z, y, x, w], order())] == ["X", "W", "Y", "Z"]
    late_last = ranked([z, y, x, w], order(DAY0 + timedelta(days=6)))
    assert [o.route_id for o in late_last] == ["W", "Y", "Z", "X"]


@pytest.fixture(scope="module")
def fx() -> FxRates:
    return read_fx(DATA / "customs_world" / "fx.csv")


ORDER: dict[str, Any] = {
    "order_id": "A1",
    "origin": "CN-YIW-WH",
    "destination": {"country": "ES", "postal_code": "28013"},
    "parcels": [{"weight_kg": 1.2, "length_cm": 30, "width_cm": 20, "height_cm": 10}],
    "items": [
        {
            "description": "speaker",
            "hs_code": "851822",
            "category": "electronics",
            "unit_value": {"amount": "20.00", "currency": "EUR"},
        }
    ],
    "created_at": "2026-11-26T10:00:00+08:00",
}


def excluded(network: Network, fx: FxRates, kept: set, **changes: Any) -> list[Excluded]:
    o = parse_order({**copy.deepcopy(ORDER), **changes})
    return blocked(network, o, order_lanes(network.compiled, o, fx, DAY0), kept)


def test_a_blocked_route_lists_every_refusing_leg(tiny: Network, fx: FxRates) -> None:
    """Loose batteries: no tiny lane takes them. The route the order would have taken
    (feeder, air, courier: the postal one is as dear and slower) is excluded, each leg
    saying `battery`."""
    items = [{**ORDER["items"][0], "battery": "loose"}]
    assert excluded(tiny, fx, set(), items=items) == [
        Excluded(
            "feeder-yiw-pvg+skyline-pvg-mad+lastmile-es-courier",
            (
                Message("battery", "feeder-yiw-pvg (road, feeder): battery"),
                Message("battery", "skyline-pvg-mad (air, skyline): battery"),
                Message("battery", "lastmile-es-courier (courier, lastmile): battery"),
            ),
        )
    ]


def test_nowhere_to_deliver_is_one_no_coverage_reason(tiny: Network, fx: FxRates) -> None:
    """Tokyo has no last mile in the tiny world: one exclusion without a route."""
    found = excluded(tiny, fx, set(), destination={"country": "JP", "postal_code": "100-0001"})
    assert found == [
        Excluded("", (Message("no_coverage", "no last-mile service delivers to JP 100-0001"),))
    ]


def test_nothing_refused_nothing_excluded(tiny: Network, fx: FxRates) -> None:
    """An order every lane takes has no blocked routes."""
    assert excluded(tiny, fx, set()) == []


def weight_limit(root: Path, service: str) -> Network:
    """The tiny world at `root` with a 1 kg limit on one of the Spanish last miles."""
    lastmile = root / "carriers" / "lastmile.toml"
    text = lastmile.read_text()
    anchor = f'id = "{service}"'
    assert anchor in text
    lastmile.write_text(text.replace(anchor, anchor + "\nrestrictions = { max_weight_kg = 1 }"))
    return load_network(root)


def route(network: Network, last_mile: str) -> tuple[int, ...]:
    """The compiled indices of Yiwu's route through `last_mile` (what the search returns)."""
    index = network.compiled.service_index
    return (index["feeder-yiw-pvg"], index["skyline-pvg-mad"], index[last_mile])


def test_a_refused_route_is_listed_only_if_it_would_have_been_chosen(
    tiny_copy: Path, fx: FxRates
) -> None:
    """A 1.2 kg parcel and a 1 kg limit on the postal last mile: the postal route is as
    dear as the courier one and slower, so it would not have been offered: not listed."""
    network = weight_limit(tiny_copy, "lastmile-es-postal")
    assert excluded(network, fx, {route(network, "lastmile-es-courier")}) == []


def test_a_refused_route_that_would_have_been_chosen_says_why(tiny_copy: Path, fx: FxRates) -> None:
    """The same limit on the courier: its route beats the postal one, so it is listed,
    `over_weight_limit` on its last mile only."""
    network = weight_limit(tiny_copy, "lastmile-es-courier")
    assert excluded(network, fx, {route(network, "lastmile-es-postal")}) == [
        Excluded(
            "feeder-yiw-pvg+skyline-pvg-mad+lastmile-es-courier",
            (
                Message(
                    "over_weight_limit",
                    "lastmile-es-courier (courier, lastmile): over_weight_limit",
                ),
            ),
        )
    ]
