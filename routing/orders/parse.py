"""`parse_order(data, limits)` takes the JSON contract (see README) and returns an `Order`,
or raises `InvalidOrder` listing every problem with its field path (`items[1].hs_code`):
whatever JSON it is given, it never fails otherwise (a property test holds it). It is the
one validator of an order, for the API, the CLI and the planner alike. Weights arrive in
kg or lb, lengths in cm or in; inside glocal they are kg and cm.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from carriers.errors import InvalidOrder, Problem, shown
from carriers.model import BatteryClass, GoodsCategory
from carriers.money import MAX_AMOUNT_DIGITS, Money, is_currency, minor_units
from carriers.places import is_country
from routing.coverage import DateWindow, data_window
from routing.orders.model import (
    MAX_PARCEL_KG,
    MAX_QUANTITY,
    MAX_SIDE_CM,
    MAX_TEXT,
    Address,
    Buyer,
    Incoterm,
    Item,
    Order,
    OrderLimits,
    Parcel,
    Seller,
)
from routing.orders.postal import postal_problem

LB_KG = Decimal("0.45359237")  # exact, by the international yard and pound agreement
IN_CM = Decimal("2.54")


class _Reader:
    """Collects every problem of a JSON document instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem("order", path, message))

    def get(self, obj: Mapping[str, Any], key: str, path: str, required: bool = True) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                self.fail(_join(path, key), "is required")
            return None
        return obj[key]

    def text(self, obj: Mapping[str, Any], key: str, path: str, required: bool = True) -> str:
        value = self.get(obj, key, path, required)
        if value is None:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(_join(path, key), "must be a non-empty string")
            return ""
        if len(value) > MAX_TEXT:
            self.fail(_join(path, key), f"must be at most {MAX_TEXT} characters, got {len(value)}")
            return ""
        return value.strip()

    def number(self, obj: Mapping[str, Any], key: str, path: str) -> float | None:
        value = self.get(obj, key, path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(_join(path, key), "must be a number")
            return None
        try:
            number = float(value)
        except (ValueError, OverflowError):
            self.fail(_join(path, key), f"must be a finite number, got {shown(value)}")
            return None
        if not number > 0:
            self.fail(_join(path, key), f"must be > 0, got {shown(value)}")
            return None
        if number == float("inf"):
            self.fail(_join(path, key), f"must be a finite number, got {shown(value)}")
            return None
        return number

    def enum(self, kind: type[StrEnum], obj: Mapping[str, Any], key: str, path: str) -> Any:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return kind(value)
            except ValueError:
                pass
        allowed = ", ".join(m.value for m in kind)
        self.fail(_join(path, key), f"must be one of {allowed}, got {shown(value)}")
        return None

    def each(self, obj: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Mapping]]:
        value = self.get(obj, key, path)
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.fail(_join(path, key), "must be a non-empty list")
            return []
        rows = []
        for i, row in enumerate(value):
            where = f"{_join(path, key)}[{i}]"
            if isinstance(row, Mapping):
                rows.append((where, row))
            else:
                self.fail(where, "must be an object")
        return rows


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _measure(
    r: _Reader,
    obj: Mapping[str, Any],
    path: str,
    name: str,
    units: dict[str, Decimal],
    most: float,
) -> float:
    """A measure given in any one of `units` (e.g. weight_kg or weight_lb), in the first
    unit, at most `most` of it."""
    given = [u for u in units if obj.get(f"{name}_{u}") is not None]
    if len(given) != 1:
        keys = " or ".join(f"{name}_{u}" for u in units)
        r.fail(_join(path, f"{name}_{next(iter(units))}"), f"give exactly one of {keys}")
        return 0.0
    key = f"{name}_{given[0]}"
    value = r.number(obj, key, path)
    if value is None:
        return 0.0
    if value > most / float(units[given[0]]):
        limit = f"{most:g} {next(iter(units))}"
        r.fail(_join(path, key), f"must be at most {limit}, got {value:g} {given[0]}")
        return 0.0
    return float(Decimal(str(value)) * units[given[0]])


def _parcel(r: _Reader, path: str, obj: Mapping[str, Any]) -> Parcel:
    kg = {"kg": Decimal(1), "lb": LB_KG}
    cm = {"cm": Decimal(1), "in": IN_CM}
    return Parcel(
        weight_kg=_measure(r, obj, path, "weight", kg, MAX_PARCEL_KG),
        length_cm=_measure(r, obj, path, "length", cm, MAX_SIDE_CM),
        width_cm=_measure(r, obj, path, "width", cm, MAX_SIDE_CM),
        height_cm=_measure(r, obj, path, "height", cm, MAX_SIDE_CM),
    )


def _money(r: _Reader, obj: Mapping[str, Any], path: str) -> Money | None:
    if not isinstance(obj, Mapping):
        r.fail(path, "must be an object {amount, currency}")
        return None
    currency = obj.get("currency")
    amount = obj.get("amount")
    if not isinstance(currency, str) or not is_currency(currency):
        r.fail(f"{path}.currency", f"unknown currency {shown(currency)}")
        return None
    quoted = shown(amount)
    too_long = isinstance(amount, str) and len(amount) > 40
    if isinstance(amount, bool) or not isinstance(amount, str | int | float) or too_long:
        r.fail(f"{path}.amount", f"must be a decimal string of up to 40 characters, got {quoted}")
        return None
    try:
        value = Decimal(amount) if isinstance(amount, int) else Decimal(str(amount))
    except InvalidOperation:
        r.fail(f"{path}.amount", f"must be a decimal string, got {quoted}")
        return None
    digits = minor_units(currency)
    if not value.is_finite() or value <= 0 or value.adjusted() >= MAX_AMOUNT_DIGITS:
        digits_text = f"at most {MAX_AMOUNT_DIGITS} digits before the decimal point"
        r.fail(f"{path}.amount", f"must be > 0 with {digits_text}, got {quoted}")
        return None
    if value != value.quantize(Decimal(1).scaleb(-digits)):
        r.fail(f"{path}.amount", f"{currency} has {digits} decimals, got {quoted}")
        return None
    return Money.of(value, currency)


def _item(r: _Reader, path: str, obj: Mapping[str, Any]) -> Item | None:
    given = obj.get("hs_code")
    hs_code = given.replace(".", "") if isinstance(given, str) else ""
    if not (hs_code.isdigit() and 6 <= len(hs_code) <= 10):
        kind = "6-10 digits" if isinstance(given, str) else "a string of 6-10 digits"
        r.fail(f"{path}.hs_code", f"must be {kind}")
    quantity = obj.get("quantity", 1)
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or not 1 <= quantity <= MAX_QUANTITY
    ):
        message = f"must be a whole number from 1 to {MAX_QUANTITY}, got {shown(quantity)}"
        r.fail(f"{path}.quantity", message)
        quantity = None
    category = r.enum(GoodsCategory, obj, "category", path)
    if obj.get("category") is None:
        r.fail(f"{path}.category", "is required")
    battery = r.enum(BatteryClass, obj, "battery", path) or BatteryClass.NONE
    liquid = obj.get("liquid", False)
    if not isinstance(liquid, bool):
        r.fail(f"{path}.liquid", "must be true or false")
    value = _money(r, obj.get("unit_value") or {}, f"{path}.unit_value")
    description = r.text(obj, "description", path)
    if category is None or value is None or not isinstance(quantity, int):
        return None
    return Item(description, hs_code, category, quantity, value, battery, bool(liquid))


def _address(r: _Reader, obj: Any) -> Address:
    if not isinstance(obj, Mapping):
        r.fail("destination", "is required: {country, postal_code}")
        return Address("", "")
    country = r.text(obj, "country", "destination").upper()
    if country and not is_country(country):
        r.fail("destination.country", f"unknown ISO 3166-1 alpha-2 country {shown(country)}")
    postal = r.text(obj, "postal_code", "destination")
    wrong = postal_problem(country, postal) if postal and is_country(country) else None
    if wrong:
        r.fail("destination.postal_code", wrong)
    city = r.text(obj, "city", "destination", required=False)
    lat = _coordinate(r, obj, "lat", 90)
    lon = _coordinate(r, obj, "lon", 180)
    return Address(country, postal, city, lat, lon)


def _coordinate(r: _Reader, obj: Mapping[str, Any], key: str, bound: float) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not -bound <= value <= bound
    ):
        r.fail(
            f"destination.{key}", f"must be a number from {-bound} to {bound}, got {shown(value)}"
        )
        return None
    return float(value)


def _when(r: _Reader, value: Any, path: str, parse: Callable[[str], Any]) -> Any:
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return parse(value)
    except ValueError:
        r.fail(path, f"must be an ISO 8601 date/time, got {shown(value)}")
        return None


def _created_at(r: _Reader, data: Mapping[str, Any], dates: DateWindow) -> datetime | None:
    created = _when(r, r.get(data, "created_at", ""), "created_at", datetime.fromisoformat)
    if created is None:
        return None
    if created.tzinfo is None:
        r.fail("created_at", "must carry a UTC offset (e.g. 2026-11-26T10:00:00+08:00)")
        return None
    wrong = dates.problem(created.date())
    if wrong:
        r.fail("created_at", wrong)
        return None
    return created


def _deliver_by(r: _Reader, data: Mapping[str, Any], dates: DateWindow) -> date | None:
    """The buyer's date, within a year of the dates an order may be made on."""
    when = _when(r, data.get("deliver_by"), "deliver_by", date.fromisoformat)
    if when is None:
        return None
    latest = dates.last + timedelta(days=365)
    if not dates.first <= when <= latest:
        message = f"must be from {dates.first} to {latest} (a year after {dates.until})"
        r.fail("deliver_by", f"{message}, got {when}")
        return None
    return when


def _options(r: _Reader, data: Mapping[str, Any], dates: DateWindow) -> dict[str, Any]:
    currency = data.get("currency")
    if currency is not None and not (isinstance(currency, str) and is_currency(currency)):
        r.fail("currency", f"unknown currency {shown(currency)}")
    locale = data.get("locale")
    if locale is not None and not isinstance(locale, str):
        r.fail("locale", f"must be a language tag like es-ES, got {shown(locale)}")
    buyer = _table(r, data, "buyer")
    seller = _table(r, data, "seller")
    flags = {}
    for name in ("ioss_registered", "remessa_conforme", "cross_border_marketplace"):
        flags[name] = seller.get(name, False)
        if not isinstance(flags[name], bool):
            r.fail(f"seller.{name}", "must be true or false")
    return {
        "deliver_by": _deliver_by(r, data, dates),
        "incoterm": r.enum(Incoterm, data, "incoterm", ""),
        "currency": currency,
        "locale": locale,
        "buyer": Buyer(
            *(r.text(buyer, k, "buyer", False) for k in ("tax_id", "id_number", "name"))
        ),
        "seller": Seller(**{k: bool(v) for k, v in flags.items()}),
    }


def _table(r: _Reader, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        r.fail(key, "must be an object")
        return {}
    return value


def parse_order(data: Any, limits: OrderLimits | None = None) -> Order:
    """Validate an order document; raises InvalidOrder with every problem found. With
    `limits`, lists longer than their cap are refused before any work is done on them."""
    if not isinstance(data, Mapping):
        raise InvalidOrder([Problem("order", "", "must be a JSON object")])
    if limits is not None:
        _check_counts(data, limits)
    r = _Reader()
    order_id = r.text(data, "order_id", "")
    origin = r.text(data, "origin", "")
    destination = _address(r, data.get("destination"))
    parcels = tuple(_parcel(r, p, o) for p, o in r.each(data, "parcels", ""))
    items = [_item(r, p, o) for p, o in r.each(data, "items", "")]
    currencies = {i.unit_value.currency for i in items if i is not None}
    if len(currencies) > 1:
        r.fail("items", f"all unit values must be in one currency, got {sorted(currencies)}")
    dates = limits.dates if limits is not None and limits.dates is not None else data_window()
    created_at = _created_at(r, data, dates)
    options = _options(r, data, dates)
    if r.problems:
        raise InvalidOrder(r.problems)
    assert created_at is not None
    return Order(
        order_id,
        origin,
        destination,
        parcels,
        tuple(i for i in items if i is not None),
        created_at,
        **options,
    )


def _check_counts(data: Mapping[str, Any], limits: OrderLimits) -> None:
    caps = {"parcels": limits.max_parcels, "items": limits.max_items}
    problems = [
        Problem("order", name, f"at most {cap} per request, got {len(data[name])}")
        for name, cap in caps.items()
        if isinstance(data.get(name), list) and len(data[name]) > cap
    ]
    if problems:
        raise InvalidOrder(problems)
