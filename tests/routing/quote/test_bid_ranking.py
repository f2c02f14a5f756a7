"""The bid price moves the ranking (routing/quote/capacity.py `opportunity_costs`, and
`ranking.ranked`): the three-routes world, worked out on paper in test_engine.py (sea
16.30 EUR, rail 18.72, air 35.66), with sea's and rail's departures capacitated."""

from __future__ import annotations

from datetime import date

from routing.capacity import CapacityLimits, Override
from routing.capacity.bidprices import BidPrices
from routing.capacity.state import CapacityView
from routing.network import load_network
from routing.orders import parse_order
from routing.quote import quote
from routing.quote.capacity import order_load
from tests.helpers import DATA, SPEAKER_ORDER


def test_a_bid_price_on_the_sea_departure_moves_rail_first() -> None:
    """Sea's ranking cost is 16.30 + bid x kg. A bid worth 2.00 EUR on this order keeps
    sea first (18.30 < 18.72); one worth 3.00 EUR puts rail first (19.30 > 18.72). The
    buyer's prices and the cheapest tag do not move; the quote names the snapshot."""
    three = load_network(DATA / "three_routes")
    net = three.compiled
    order = parse_order(SPEAKER_ORDER)
    limits = CapacityLimits(
        net, [Override(net.service_index[s], None, 1000.0, None) for s in ("sea", "rail")]
    )
    plain = quote(order, three, capacity=CapacityView(limits))
    assert plain.capacity_snapshot is None
    departure = {o.route_id: o.departures for o in plain.options}
    [(sea, sea_day)] = departure["sea+courier-es"]
    [(rail, rail_day)] = departure["rail+courier-es"]
    kg, _ = order_load(order)

    def ranked_with(eur: float) -> list[tuple[str, str, tuple[str, ...]]]:
        bids = BidPrices(
            "bp_test", "EUR", {(sea, sea_day): (eur * 100 / kg, 0.0), (rail, rail_day): (0.0, 0.0)}
        )
        q = quote(order, three, capacity=CapacityView(limits, bid_prices=bids))
        assert q.capacity_snapshot == "bp_test"
        ddp = [o for o in q.options if o.incoterm.value == "DDP"] or list(q.options)
        return [(o.route_id.split("+")[0], str(o.total), o.tags) for o in ddp]

    assert [r for r, _, _ in ranked_with(2.0)] == ["sea", "rail", "air"]
    moved = ranked_with(3.0)
    assert [r for r, _, _ in moved] == ["rail", "sea", "air"]
    assert {r: t for r, t, _ in moved} == {
        "sea": "16.30 EUR",
        "rail": "18.72 EUR",
        "air": "35.66 EUR",
    }
    assert "cheapest" in dict((r, tags) for r, _, tags in moved)["sea"]
    assert date(2026, 1, 1) < sea_day


def _sea_bid(eur: float, pricing: str) -> list:
    """The three-routes quote with sea's departure worth `eur` EUR to this order, under
    the price policy `pricing`: (options, excluded)."""
    three = load_network(DATA / "three_routes")
    net = three.compiled
    order = parse_order(SPEAKER_ORDER)
    limits = CapacityLimits(
        net, [Override(net.service_index[s], None, 1000.0, None) for s in ("sea", "rail")]
    )
    [(sea, day)] = next(
        o.departures for o in quote(order, three, capacity=CapacityView(limits)).options
        if o.route_id.startswith("sea")
    )  # fmt: skip
    kg, _ = order_load(order)
    bids = BidPrices("bp_test", "EUR", {(sea, day): (eur * 100 / kg, 0.0)})
    q = quote(order, three, capacity=CapacityView(limits, bid_prices=bids, pricing=pricing))
    return [list(q.options), list(q.excluded)]


def test_surcharge_adds_an_itemised_line_capped_at_half_the_freight() -> None:
    """Sea's freight is 7.00 EUR, so its surcharge is capped at 3.50. Worth 3.00: a 3.00
    line, total 19.30, rail (18.72) first. Worth 5.00: the line is 3.50 (total 19.80),
    and the ranking still counts 16.30 + 5.00."""
    options, _ = _sea_bid(3.0, "surcharge")
    assert [o.route_id.split("+")[0] for o in options] == ["rail", "sea", "air"]
    sea = options[1]
    assert [(ln.kind, ln.name, str(ln.amount)) for ln in sea.charges][-1] == (
        "surcharge",
        "capacity surcharge",
        "3.00 EUR",
    )
    assert (str(sea.shipping), str(sea.total)) == ("10.00 EUR", "19.30 EUR")
    assert str(options[0].total) == "18.72 EUR"  # rail's departure has no price
    capped, _ = _sea_bid(5.0, "surcharge")
    sea = next(o for o in capped if o.route_id.startswith("sea"))
    assert (str(sea.charges[-1].amount), str(sea.total)) == ("3.50 EUR", "19.80 EUR")
    assert [o.route_id.split("+")[0] for o in capped] == ["rail", "sea", "air"]


def test_hide_leaves_out_an_option_whose_opportunity_cost_exceeds_its_margin() -> None:
    """Sea's margin is 20 % of its 7.00 EUR shipping, 1.40. Worth 1.00: offered, price
    unchanged. Worth 2.00: left out, excluded with capacity_reserved."""
    options, excluded = _sea_bid(1.0, "hide")
    first = options[0]
    assert (first.route_id, str(first.total)) == ("sea+courier-es", "16.30 EUR")
    assert not [e for e in excluded if e.reasons[0].code == "capacity_reserved"]
    options, excluded = _sea_bid(2.0, "hide")
    assert [o.route_id.split("+")[0] for o in options] == ["rail", "air"]
    [hidden] = [e for e in excluded if e.reasons[0].code == "capacity_reserved"]
    assert hidden.route == "sea+courier-es"
    assert "2.00 EUR over a margin of 1.40 EUR (20% of shipping)" in hidden.reasons[0].message
