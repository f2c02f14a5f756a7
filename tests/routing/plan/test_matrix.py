"""routing/plan/matrix.py: every order priced and checked on every lane at once, equal to
the lane table's own per-parcel pricing (routing.network.lanes), in the plan's currency;
lanes off an order's way are neither priced nor allowed."""

from __future__ import annotations

from datetime import date

import numpy as np

from carriers.model import BatteryClass, GoodsCategory
from carriers.pricing import price_parcel
from routing.calendar import day_date
from routing.fx import load_fx
from routing.network import Network
from routing.network.lanes import NOT_PRICEABLE, lane_blocks, lane_charges
from routing.plan import sample_orders, validate_orders
from routing.plan.matrix import lane_matrix
from routing.plan.table import BATTERIES
from routing.quote.charges import Converter
from tests.routing.plan.conftest import one_kilo_orders

MONDAY = date(2026, 11, 9)
RANKS = {rank: BatteryClass(name) for name, rank in BATTERIES.items()}


def test_lane_matrix_prices_like_the_quotes_shipping_lines(world: Network) -> None:
    """In US dollars, for sample orders of the week across 1 July 2026 (new exchange
    rates): each order's price on each lane that prices it is the sum of the parcel's
    charge lines (`price_parcel`), each converted by the quote's `Converter` on the day
    the order was made and rounded on its own; and the lane table prices it too."""
    table, _ = validate_orders(sample_orders(300, seed=9, start=date(2026, 6, 27)), world)
    fx, net = load_fx(), world.compiled
    m = lane_matrix(net, table, fx, date(2026, 6, 27), "USD")
    days = {day_date(int(d)) for d in table.created_day}
    assert date(2026, 6, 30) in days and date(2026, 7, 1) in days
    checked = 0
    for i in range(0, 300, 7):
        to, day = (
            (table.dest_country[i], table.dest_postal_code[i]),
            day_date(int(table.created_day[i])),
        )
        dims = (table.length_cm[i], table.width_cm[i], table.height_cm[i])
        p = lane_charges(net.lanes, net.services, float(table.weight_kg[i]), dims, *to).total
        money = Converter(fx, "USD", day)
        for k in np.flatnonzero(np.isfinite(m.price[:, i])):
            assert p[k] != NOT_PRICEABLE
            lines = price_parcel(net.services[k].rate_card, table.weight_kg[i], dims, *to)
            assert m.price[k, i] == sum(money(c.amount).amount for c in lines), (i, k)
            checked += 1
    assert checked > 100


def _matrix(network: Network, weights: list[str], currency: str = "EUR"):
    frame = one_kilo_orders(len(weights))
    frame["weight_kg"] = weights
    table, _ = validate_orders(frame, network)
    return lane_matrix(network.compiled, table, load_fx(), MONDAY, currency)


def test_two_lane_prices_worked_by_hand(two_lanes: Network) -> None:
    """Rail EUR 1/kg, air EUR 3/kg by the gram, rounded half up to the cent, the post
    EUR 1 a parcel: 1 kg costs 100, 300 and 100 cents; 2.345 kg 235 (234.5 up), 704
    (703.5 up) and 100. 31 kg is past every card's last tier (30 kg): no price, refused."""
    m = _matrix(two_lanes, ["1", "2.345", "31"])
    k = two_lanes.compiled.service_index
    rail, air, post = k["lanes-rail"], k["lanes-air"], k["post-es"]
    assert m.price[[rail, air, post], 0].tolist() == [100.0, 300.0, 100.0]
    assert m.price[[rail, air, post], 1].tolist() == [235.0, 704.0, 100.0]
    assert np.isinf(m.price[:, 2]).all() and not m.allowed[:, 2].any()
    assert m.allowed[:, :2].all() and m.currency == "EUR"


def test_prices_in_the_plans_currency_line_by_line_at_the_orders_rate(
    two_lanes: Network,
) -> None:
    """Planned in US dollars at EUR/USD 1.1650 (from 1 July 2026): each charge line rounded
    half up to the cent, 100 -> 117 (116.5), 235 -> 274 (273.775), 300 -> 350 (349.5),
    704 -> 820 (820.16); an order made on 30 June is priced at that day's 1.2000 (100 ->
    120), whatever the plan's first day."""
    usd = _matrix(two_lanes, ["1", "2.345"], "USD")
    k = two_lanes.compiled.service_index
    rail, air, post = k["lanes-rail"], k["lanes-air"], k["post-es"]
    assert usd.price[[rail, air, post], 0].tolist() == [117.0, 350.0, 117.0]
    assert usd.price[[rail, air, post], 1].tolist() == [274.0, 820.0, 117.0]
    assert usd.currency == "USD"
    frame = one_kilo_orders(2)
    frame.loc[1, "created_at"] = "2026-06-30T23:30:00+08:00"  # 15:30 UTC, written on the 30th
    table, _ = validate_orders(frame, two_lanes)
    m = lane_matrix(two_lanes.compiled, table, load_fx(), MONDAY, "USD")
    assert m.price[rail].tolist() == [117.0, 120.0]


def test_lanes_off_the_way_are_neither_priced_nor_allowed(two_lanes: Network) -> None:
    """From the Madrid hub to Spain only the post is on the way (the line-hauls leave
    Yiwu); to France no lane is (no zone there)."""
    frame = one_kilo_orders(3)
    frame.loc[1, "origin"] = "ES-MAD-HUB"
    frame.loc[2, ["dest_country", "dest_postal_code"]] = ["FR", "75001"]
    table, _ = validate_orders(frame, two_lanes)
    m = lane_matrix(two_lanes.compiled, table, load_fx(), MONDAY, "EUR")
    k = two_lanes.compiled.service_index
    assert m.allowed[:, 0].all()
    post = k["post-es"]
    assert m.allowed[:, 1].tolist() == [s == post for s in range(3)]
    assert m.price[post, 1] == 100.0
    assert np.isinf(m.price[[k["lanes-rail"], k["lanes-air"]], 1]).all()
    assert not m.allowed[:, 2].any() and np.isinf(m.price[:, 2]).all()


def test_a_lane_that_refuses_a_parcel_never_allows_it(world: Network) -> None:
    """Sample orders on the default world: wherever `lane_blocks` (weight, size, battery,
    liquid, category) refuses a parcel on a lane, the matrix does not allow it; wherever
    the matrix allows one, it has a price."""
    table, _ = validate_orders(sample_orders(300, seed=13), world)
    net = world.compiled
    m = lane_matrix(net, table, load_fx(), MONDAY, "EUR")
    refused = 0
    for i in range(len(table)):
        blocks = lane_blocks(
            net.lanes,
            float(table.weight_kg[i]),
            (table.length_cm[i], table.width_cm[i], table.height_cm[i]),
            RANKS[int(table.battery[i])],
            bool(table.liquid[i]),
            frozenset({GoodsCategory(table.category[i])}),
        )
        assert not (m.allowed[:, i] & (blocks != 0)).any(), table.order_id[i]
        refused += int((blocks != 0).sum())
    assert refused > 0  # the sample does meet lanes that refuse it
    assert np.isfinite(m.price[m.allowed]).all()


def test_no_orders_is_an_empty_matrix(world: Network) -> None:
    """Zero orders (every row of a table invalid): a matrix of no columns, its masks
    boolean, not a TypeError of numpy's empty float arrays."""
    frame = sample_orders(3, seed=9)
    frame["weight_kg"] = "-1"
    table, invalid = validate_orders(frame, world, skip_invalid=True)
    assert len(table) == 0 and len(invalid) == 3
    m = lane_matrix(world.compiled, table, load_fx(), MONDAY, "EUR")
    assert m.price.shape == m.allowed.shape == (len(world.compiled.services), 0)
    assert m.allowed.dtype == bool


def test_goods_off_chinas_positive_list_take_no_lane_into_china(world: Network) -> None:
    """From the Madrid hub to Shanghai (CBEC, duty due): a T-shirt (HS 610910, on the
    positive list) may take the CBEC 9610 flight; a phone (HS 851713, off it) takes no
    lane at all, as the quote refuses it on every route (`prohibited`); to Spain the
    same phone is not screened by China's list."""
    frame = one_kilo_orders(3)
    frame["origin"] = "ES-MAD-HUB"
    frame.loc[[0, 1], ["dest_country", "dest_postal_code"]] = ["CN", "200000"]
    frame.loc[[1, 2], ["hs_code", "category"]] = ["851713", "electronics"]
    table, _ = validate_orders(frame, world)
    m = lane_matrix(world.compiled, table, load_fx(), MONDAY, "EUR")
    cbec = world.compiled.service_index["silkroute-china-inbound-mad-sha-9610"]
    assert m.allowed[cbec, 0] and np.isfinite(m.price[cbec, 0])
    assert not m.allowed[:, 1].any() and np.isfinite(m.price[cbec, 1])
    assert m.allowed[:, 2].any()


def test_goods_over_brazils_ceiling_take_no_lane_into_brazil(world: Network) -> None:
    """Shenzhen to Sao Paulo: goods of USD 3,000.01 are over Brazil's USD 3,000 CIF
    ceiling on every route before any freight is added (the quote refuses each route:
    `over_value_limit`); goods of USD 2,000.00 may take lanes into Brazil."""
    frame = one_kilo_orders(2)
    frame["origin"] = "CN-SZX-WH"
    frame[["dest_country", "dest_postal_code"]] = ["BR", "01310-100"]
    frame[["value", "currency"]] = [["3000.01", "USD"], ["2000.00", "USD"]]
    table, _ = validate_orders(frame, world)
    m = lane_matrix(world.compiled, table, load_fx(), MONDAY, "EUR")
    assert not m.allowed[:, 0].any()
    assert m.allowed[:, 1].any()


def test_indonesias_floor_price_refuses_cheap_goods_of_marketplace_sellers(
    world: Network,
) -> None:
    """To Jakarta, a seller on a cross-border marketplace may not send a unit under USD
    100 FOB (no lane at all); the same goods from another seller, or at USD 100, may."""
    frame = one_kilo_orders(3)
    frame[["dest_country", "dest_postal_code"]] = ["ID", "10110"]
    frame[["value", "currency"]] = [["99.99", "USD"], ["99.99", "USD"], ["100.00", "USD"]]
    frame["seller_cross_border_marketplace"] = ["true", "false", "true"]
    table, _ = validate_orders(frame, world)
    m = lane_matrix(world.compiled, table, load_fx(), MONDAY, "EUR")
    assert not m.allowed[:, 0].any()
    assert m.allowed[:, 1].any() and m.allowed[:, 2].any()


def test_loose_batteries_take_no_air_or_postal_lane(world: Network) -> None:
    """The UPU ban: loose lithium batteries never travel by air or post, whatever the
    lane's own limits; equipment with batteries inside may."""
    frame = one_kilo_orders(2)
    frame["battery"] = ["loose", "in_equipment"]
    table, _ = validate_orders(frame, world)
    m = lane_matrix(world.compiled, table, load_fx(), MONDAY, "EUR")
    net = world.compiled
    banned = np.array([s.mode.value in ("air", "postal") for s in net.services])
    assert not m.allowed[banned, 0].any()
    assert m.allowed[banned, 1].any()
