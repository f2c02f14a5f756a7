"""routing/plan/classes.py: orders fall into one duty class exactly when customs looks their
rules up alike (same epoch of rules and rates, jurisdiction and state, origin country,
goods, currency and seller); each is rebuilt as the quote engine's order, and given its
goods' value and weight as customs counts them."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from carriers.money import Money
from routing.calendar import day_number
from routing.customs import load_rules
from routing.fx import load_fx
from routing.network import Network
from routing.plan import validate_orders
from routing.plan.classes import DutyClasses, customs_grams, epochs
from routing.plan.matrix import places
from routing.plan.table import OPTIONAL_COLUMNS
from tests.routing.plan.conftest import one_kilo_orders


def _classes(world: Network, rows: list[dict]) -> DutyClasses:
    frame = one_kilo_orders(len(rows)).assign(**dict.fromkeys(OPTIONAL_COLUMNS, "false"))
    for i, row in enumerate(rows):
        for column, cell in row.items():
            frame.loc[i, column] = cell
    table, _ = validate_orders(frame, world)
    return DutyClasses(world, table, load_fx())


def test_orders_share_a_class_exactly_when_customs_sees_them_alike(world: Network) -> None:
    """EUR 10 and EUR 90 of T-shirts to Madrid: one class (value is arithmetic, not a
    lookup). Another HS code, currency, an IOSS seller, the Canaries (postal code 35)
    or a day of other rules (2026-06-30): a class each. Tuesday and Wednesday of one
    week share their rules and rates: one class."""
    c = _classes(
        world,
        [
            {},
            {"value": "90.00"},
            {"hs_code": "610510"},
            {"currency": "USD"},
            {"seller_ioss_registered": "true"},
            {"dest_postal_code": "35001"},
            {"created_at": "2026-06-30T12:00:00+02:00"},
            {"created_at": "2026-11-11T12:00:00+08:00"},
        ],
    )
    cls = c.of_order.tolist()
    assert cls[0] == cls[1] == cls[7]
    assert len(set(cls[:1] + cls[2:7])) == 6
    assert c.place(cls[5]).id == "ES-CN" and c.place(cls[0]).id == "ES"


def test_an_order_is_rebuilt_as_the_quote_engine_takes_it(world: Network) -> None:
    """Its goods (one line, total value), its parcel, the time and offset it was written
    at (01:00 on 1 July at +08:00 is 1 July, whatever UTC says) and its programmes."""
    c = _classes(
        world,
        [{"created_at": "2026-07-01T01:00:00+08:00", "seller_remessa_conforme": "yes"}],
    )
    order = c.order(0)
    assert order.created_at == datetime.fromisoformat("2026-07-01T01:00:00+08:00")
    assert order.created_at.date() == date(2026, 7, 1) == c.day(0)
    assert order.items[0].value == Money(1000, "EUR") and order.parcels[0].weight_kg == 1.0
    assert order.seller.remessa_conforme and not order.seller.ioss_registered


def test_goods_are_counted_in_the_destinations_currency(world: Network) -> None:
    """USD 10 to Spain is converted to EUR at the day's rate and rounded half up, as
    customs converts it; EUR 10 stays 1000 cents. Weights are read to the gram as customs
    reads them, round(kg, 3): 1.0005 (as a float a hair under) is 1000 g, 0.1234 is 123."""
    c = _classes(world, [{}, {"currency": "USD"}])
    rate = load_fx().rate("USD", "EUR", date(2026, 11, 9)).rate
    assert c.goods.tolist() == [1000, Money.of(Money(1000, "USD").decimal * rate, "EUR").amount]
    assert customs_grams(np.array([1.0005, 0.1234, 30.0])).tolist() == [1000, 123, 30000]


def test_days_with_the_same_rules_and_rates_are_one_epoch() -> None:
    """A week in November 2026 is one epoch, and 1 July 2026 is in it (nothing changed
    since); 30 June 2026, before the EU's flat duty and the new rates, is another."""
    days = [date(2026, 11, 9 + i) for i in range(7)] + [date(2026, 7, 1), date(2026, 6, 30)]
    ids = epochs(np.array([day_number(d) for d in days]), load_rules(), load_fx()).tolist()
    assert len(set(ids[:8])) == 1 and ids[8] != ids[0]


def test_places_are_territories_by_postal_code_and_states_by_cep(world: Network) -> None:
    """Spain by postal code: 28 Madrid, 35 Canaries, 51 Ceuta, 52 Melilla; Brazil's
    state from the CEP (01310 Sao Paulo, 40010 Bahia)."""
    frame = one_kilo_orders(6)
    frame["dest_postal_code"] = ["28013", "35001", "51001", "52001", "01310-100", "40010-000"]
    frame.loc[4:, "dest_country"] = "BR"
    table, _ = validate_orders(frame, world)
    place, state = places(table, load_rules())
    assert place.tolist() == ["ES", "ES-CN", "ES-CE", "ES-ML", "BR", "BR"]
    assert state.tolist() == ["", "", "", "", "SP", "BA"]
