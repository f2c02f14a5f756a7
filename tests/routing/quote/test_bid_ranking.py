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
