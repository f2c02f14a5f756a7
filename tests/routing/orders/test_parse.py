"""routing/orders/parse.py: order validation, every problem named by its field path; units
normalised; any JSON gives an Order or InvalidOrder."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidOrder
from routing.coverage import date_window
from routing.orders import OrderLimits, parse_order
from routing.orders.model import MAX_PARCEL_KG, MAX_QUANTITY
from tests.routing.orders.conftest import GOOD


def problems(data: Any) -> list[str]:
    with pytest.raises(InvalidOrder) as caught:
        parse_order(data)
    return [f"{p.field}: {p.message}" for p in caught.value.problems]


def test_every_problem_is_listed_with_its_path() -> None:
    """Three broken fields give three problems, each at its field path."""
    data = copy.deepcopy(GOOD)
    data["items"].append({**data["items"][0], "hs_code": "85"})
    data["destination"]["country"] = "XX"
    data["parcels"][0]["weight_kg"] = -1
    assert problems(data) == [
        "destination.country: unknown ISO 3166-1 alpha-2 country 'XX'",
        "parcels[0].weight_kg: must be > 0, got -1",
        "items[1].hs_code: must be 6-10 digits",
    ]


def test_pounds_and_inches_become_kg_and_cm() -> None:
    """2.2046 lb is 1.0 kg (to the gram); 10 in is 25.4 cm."""
    data = copy.deepcopy(GOOD)
    data["parcels"] = [{"weight_lb": 2.20462, "length_in": 10, "width_in": 10, "height_cm": 5}]
    parcel = parse_order(data).parcels[0]
    assert parcel.weight_kg == pytest.approx(1.0, abs=1e-4)
    assert parcel.length_cm == pytest.approx(25.4)


def test_wrong_types_are_problems_not_crashes() -> None:
    """A list where an object belongs, a string flag, a list locale: 422-style problems."""
    data = copy.deepcopy(GOOD)
    data.update(seller=[1], buyer="x", locale=["es"], created_at="2026-11-26T10:00:00")
    assert problems(data) == [
        "created_at: must carry a UTC offset (e.g. 2026-11-26T10:00:00+08:00)",
        "locale: must be a language tag like es-ES, got ['es']",
        "buyer: must be an object",
        "seller: must be an object",
    ]


@given(
    st.dictionaries(
        st.sampled_from(sorted(GOOD)),
        st.none() | st.integers() | st.text() | st.lists(st.integers()),
    )
)
def test_any_document_is_an_order_or_invalid_order(changes: dict[str, Any]) -> None:
    """Whatever the fields hold, parsing returns an Order or raises InvalidOrder, never a crash."""
    data = {**copy.deepcopy(GOOD), **changes}
    try:
        parse_order(data)
    except InvalidOrder as exc:
        assert exc.problems


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from([
    "order_id", "origin", "destination", "parcels", "items", "created_at", "deliver_by",
    "incoterm", "buyer", "seller", "currency", "locale",
])  # fmt: skip
ITEM_FIELDS = st.sampled_from(
    ["description", "hs_code", "category", "quantity", "unit_value", "battery", "liquid"]
)


@settings(max_examples=400, deadline=None)
@given(top=st.dictionaries(FIELDS, JSON, max_size=4), item=st.dictionaries(ITEM_FIELDS, JSON))
def test_any_json_is_an_order_or_invalid_order(top: dict[str, Any], item: dict[str, Any]) -> None:
    """Whatever JSON replaces fields of a good order (its top level, or an item's), the
    parser answers an Order or InvalidOrder naming fields: it is the one validator of an
    order, so no other exception may escape it."""
    data = {**copy.deepcopy(GOOD), **top}
    data["items"] = [{**GOOD["items"][0], **item}] if "items" not in top else data["items"]
    try:
        parse_order(data)
    except InvalidOrder as exc:
        assert exc.problems and all(p.field or p.message for p in exc.problems)


def test_limits_refuse_long_lists_before_any_work() -> None:
    """Over the caps the service sets, parcels and items are refused by count, by name."""
    data = {**copy.deepcopy(GOOD), "parcels": GOOD["parcels"] * 3, "items": GOOD["items"] * 5}
    with pytest.raises(InvalidOrder) as caught:
        parse_order(data, OrderLimits(max_parcels=2, max_items=4))
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("parcels", "at most 2 per request, got 3"),
        ("items", "at most 4 per request, got 5"),
    ]
    assert len(parse_order(data, OrderLimits(max_parcels=3, max_items=5)).items) == 5


def test_codes_are_normalised_and_omitted_fields_take_their_defaults() -> None:
    """'8518.22' is HS 851822 and 'es' is ES; an item without quantity, battery or liquid
    is one unit, no battery, no liquid; no buyer, seller or incoterm given: empty, none."""
    item = {k: v for k, v in GOOD["items"][0].items() if k != "quantity"}
    data = {
        **copy.deepcopy(GOOD),
        "destination": {"country": "es", "postal_code": " 28013 "},
        "items": [{**item, "hs_code": "8518.22"}],
    }
    order = parse_order(data)
    assert order.destination.country == "ES" and order.destination.postal_code == "28013"
    (parsed,) = order.items
    assert (parsed.hs_code, parsed.quantity, parsed.battery, parsed.liquid) == (
        "851822",
        1,
        "none",
        False,
    )
    assert order.buyer.tax_id == "" and not order.seller.ioss_registered
    assert (order.incoterm, order.currency, order.deliver_by) == (None, None, None)


def test_a_measure_is_given_in_exactly_one_unit() -> None:
    """Both weight_kg and weight_lb, or neither: one problem naming both keys."""
    both = copy.deepcopy(GOOD)
    both["parcels"][0]["weight_lb"] = 2.2
    none = copy.deepcopy(GOOD)
    del none["parcels"][0]["weight_kg"]
    for data in (both, none):
        assert problems(data) == [
            "parcels[0].weight_kg: give exactly one of weight_kg or weight_lb"
        ]


def test_items_valued_in_two_currencies_are_refused() -> None:
    """Customs values the goods in one currency: EUR and USD items are one problem."""
    data = copy.deepcopy(GOOD)
    data["items"].append({**GOOD["items"][0], "unit_value": {"amount": "5", "currency": "USD"}})
    assert problems(data) == ["items: all unit values must be in one currency, got ['EUR', 'USD']"]


def problem_of(path: tuple[Any, ...], value: Any, limits: OrderLimits | None = None) -> str:
    """The one problem of GOOD with the field at `path` set to `value`."""
    data = copy.deepcopy(GOOD)
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    with pytest.raises(InvalidOrder) as caught:
        parse_order(data, limits)
    (found,) = caught.value.problems
    return f"{found.field}: {found.message}"


HUGE = 10**5000  # beyond Python's 4,300 digits of int-to-str conversion


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("parcels", 0, "weight_kg"), 1e308, "parcels[0].weight_kg: must be at most 1000 kg"),
        (("parcels", 0, "weight_kg"), "Infinity", "parcels[0].weight_kg: must be a finite"),
        (("parcels", 0, "weight_kg"), "1e309", "parcels[0].weight_kg: must be a finite"),
        (("parcels", 0, "weight_kg"), HUGE, "parcels[0].weight_kg: must be a finite"),
        (("parcels", 0, "weight_kg"), "nan", "parcels[0].weight_kg: must be > 0"),
        (("parcels", 0, "length_cm"), 401, "parcels[0].length_cm: must be at most 400 cm"),
        (("items", 0, "quantity"), 10**20, "items[0].quantity: must be a whole number from 1"),
        (("items", 0, "unit_value", "amount"), "1" * 30, "items[0].unit_value.amount: must be > 0"),
        (("items", 0, "unit_value", "amount"), HUGE, "items[0].unit_value.amount: must be > 0"),
        (("items", 0, "unit_value", "amount"), "0.001", "items[0].unit_value.amount: EUR has 2"),
        (("items", 0, "unit_value", "amount"), "1" * 50, "items[0].unit_value.amount: must be a"),
        (("destination", "postal_code"), "'; DROP TABLE", "destination.postal_code: \"'; DROP"),
        (("destination", "postal_code"), "99001", "destination.postal_code: '99001' is not a"),
        (("order_id",), "x" * 300, "order_id: must be at most 256 characters"),
        (("created_at",), "9999-12-31T23:00:00-05:00", "created_at: must be from 2025-10-09"),
        (("created_at",), "2060-01-01T00:00:00+00:00", "created_at: must be from 2025-10-09"),
        (("created_at",), "2020-01-01T00:00:00+00:00", "created_at: must be from 2025-10-09"),
        (("deliver_by",), "9999-12-31", "deliver_by: must be from 2025-10-09"),
    ],
    ids=lambda v: "huge" if v is HUGE else None,
)
def test_numbers_strings_and_dates_out_of_range_are_named(
    path: tuple[Any, ...], value: Any, expected: str
) -> None:
    """Each value beyond the documented ranges (README, Orders) or the dates the data covers
    is a problem at its field, never an overflow, an endless search or a silent rounding."""
    assert problem_of(path, value).startswith(expected)


def test_the_window_names_the_data_that_bounds_it() -> None:
    """The date message says which data ends where, so the fix (new data) is evident."""
    message = problem_of(("created_at",), "2099-01-01T00:00:00+00:00")
    assert message == (
        "created_at: must be from 2025-10-09 (the first date of the calendar data) to "
        "2027-06-30 (the last date of the fx data), got 2099-01-01"
    )


def test_the_service_window_narrows_the_data_window() -> None:
    """With a window around now, a date the data covers but outside the window is refused."""
    now = datetime(2026, 12, 4, tzinfo=UTC)
    limits = OrderLimits(50, 100, date_window(now, back_days=7, ahead_days=30))
    message = problem_of(("created_at",), "2026-11-26T10:00:00+08:00", limits)
    assert message == (
        "created_at: must be from 2026-11-27 (7 days before today) to 2027-01-03 "
        "(30 days after today), got 2026-11-26"
    )
    assert parse_order({**GOOD, "created_at": "2026-12-01T00:00:00+00:00"}, limits)


@pytest.mark.parametrize(
    ("country", "code"),
    [("ES", "28013"), ("PT", "1000-001"), ("BR", "01310-100"), ("BR", "01310100"),
     ("GB", "sw1a 1aa"), ("US", "10001-1234"), ("JP", "100-0001"), ("CA", "K1A 0B1")],
)  # fmt: skip
def test_postal_codes_of_each_country_format_pass(country: str, code: str) -> None:
    data = {**copy.deepcopy(GOOD), "destination": {"country": country, "postal_code": code}}
    assert parse_order(data).destination.postal_code == code


@settings(max_examples=300, deadline=None)
@given(
    weight=st.floats() | st.integers() | st.text(max_size=12),
    amount=st.decimals() | st.floats() | st.integers() | st.text(max_size=40),
    quantity=st.integers() | st.floats(),
)
def test_any_number_is_in_range_or_named(weight: Any, amount: Any, quantity: Any) -> None:
    """Whatever numbers an order holds, it parses to a parcel and item within the ranges
    or is refused naming the field: nothing beyond them reaches pricing."""
    data = copy.deepcopy(GOOD)
    data["parcels"][0]["weight_kg"] = weight
    data["items"][0]["unit_value"]["amount"] = (
        str(amount) if not isinstance(amount, float) else amount
    )
    data["items"][0]["quantity"] = quantity
    try:
        order = parse_order(data)
    except InvalidOrder as exc:
        assert {p.field for p in exc.problems} <= {
            "parcels[0].weight_kg",
            "items[0].unit_value.amount",
            "items[0].quantity",
        }
        return
    assert 0 < order.parcels[0].weight_kg <= MAX_PARCEL_KG
    assert 1 <= order.items[0].quantity <= MAX_QUANTITY
    assert 0 < order.items[0].unit_value.amount < 10**14
