"""A service's booking option (`booking = { ... }` in a carrier file): how its capacity is
bought for a season. Each field is checked, and so is the option against its service:
the unit it books (`unit`) must exist, fit the mode and the vehicle, and a minimum must
fit under the maximum. Every problem names `path:line: services.booking.FIELD`."""

from __future__ import annotations

from typing import Any

from carriers.model import (
    UNIT_MODES,
    BookingOption,
    Commitment,
    ConsolidationUnit,
    Mode,
    Schedule,
    UnitType,
)
from carriers.money import Money
from carriers.registry.fields import (
    MAX_LOAD_KG,
    MAX_LOAD_M3,
    CarrierFile,
    enum,
    flag,
    money_text,
    number,
    shown,
    text,
)

BOOKING_KEYS = {
    "unit_type",
    "min_units",
    "max_units",
    "commitment",
    "vehicle_kg",
    "vehicle_m3",
    "spot_rate",
    "spot_cap_kg",
    "spot_kg_per_m3",
    "illustrative",
    "source",
}
MAX_UNITS = 100_000  # units a departure: past any real aircraft, vessel or train
MAX_KG_PER_M3 = 10_000


def booking_option(
    f: CarrierFile,
    key: tuple,
    t: Any,
    mode: Mode | None,
    unit: ConsolidationUnit | None,
    schedule: Schedule | None,
) -> BookingOption | None:
    """The booking option of the service at `key`, if it has one; None and problems if
    it is broken or contradicts the service (`mode`, `unit`, `schedule`)."""
    where = (*key, "booking")
    if t is None:
        return None
    if not isinstance(t, dict):
        f.fail(where, f"must be a table {{ unit_type, min_units, max_units, ... }}, got {shown(t)}")
        return None
    before = len(f.out.problems)
    f.unknown_keys(t, BOOKING_KEYS, where)
    fields = _fields(f, where, t)
    if len(f.out.problems) > before:
        return None
    option = BookingOption(**fields)
    _against_service(f, where, option, mode, unit, schedule)
    return None if len(f.out.problems) > before else option


def _fields(f: CarrierFile, where: tuple, t: dict[str, Any]) -> dict[str, Any]:
    def required(name: str, value: Any) -> Any:
        if value is None and t.get(name) is None:
            f.fail((*where, name), "is required")
        return value

    out: dict[str, Any] = {
        "unit_type": _choice(f, where, t, "unit_type", UnitType),
        "commitment": _choice(f, where, t, "commitment", Commitment),
        "min_units": _whole(f, (*where, "min_units"), t.get("min_units", 0)),
        "max_units": required("max_units", _whole(f, (*where, "max_units"), t.get("max_units"))),
        "vehicle_kg": required(
            "vehicle_kg", number(f, (*where, "vehicle_kg"), t.get("vehicle_kg"), MAX_LOAD_KG)
        ),
        "vehicle_m3": required(
            "vehicle_m3", number(f, (*where, "vehicle_m3"), t.get("vehicle_m3"), MAX_LOAD_M3)
        ),
        "spot_rate": _spot_rate(f, where, t.get("spot_rate")),
        "spot_cap_kg": number(f, (*where, "spot_cap_kg"), t.get("spot_cap_kg"), MAX_LOAD_KG),
        "illustrative": flag(f, (*where, "illustrative"), t.get("illustrative"), True),
        "source": text(f, (*where, "source"), t.get("source")),
    }
    per_m3 = number(f, (*where, "spot_kg_per_m3"), t.get("spot_kg_per_m3"), MAX_KG_PER_M3, least=1)
    if per_m3 is None and t.get("spot_rate") is not None and t.get("spot_kg_per_m3") is None:
        f.fail((*where, "spot_kg_per_m3"), "is required with a spot_rate (167 air, 1000 W/M)")
    if per_m3 is not None:
        out["spot_kg_per_m3"] = per_m3
    return out


def _choice(f: CarrierFile, where: tuple, t: dict[str, Any], name: str, kind: type) -> Any:
    return enum(kind, t.get(name), lambda message: f.fail((*where, name), message))


def _whole(f: CarrierFile, key: tuple, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_UNITS:
        f.fail(key, f"must be a whole number from 0 to {MAX_UNITS:,}, got {shown(value)}")
        return None
    return value


def _spot_rate(f: CarrierFile, where: tuple, value: Any) -> Money | None:
    """A rate per chargeable kg, "4.50 EUR" (negative amounts are refused as money is)."""
    if value is None:
        return None
    return money_text(f, (*where, "spot_rate"), value)


def _against_service(
    f: CarrierFile,
    where: tuple,
    option: BookingOption,
    mode: Mode | None,
    unit: ConsolidationUnit | None,
    schedule: Schedule | None,
) -> None:
    if option.min_units > option.max_units:
        f.fail(
            (*where, "min_units"),
            f"must be at most max_units ({option.max_units}), got {option.min_units}",
        )
    if mode is not None and mode not in UNIT_MODES[option.unit_type]:
        modes = ", ".join(sorted(m.value for m in UNIT_MODES[option.unit_type]))
        f.fail(
            (*where, "unit_type"),
            f"a {option.unit_type.value} does not travel by {mode.value} (only {modes})",
        )
    if unit is None:
        f.fail(where, "needs the service's unit = { name, cost, capacity_kg, capacity_m3 }")
    else:
        _fits_vehicle(f, where, option, unit)
    if option.commitment is Commitment.WEEKLY and schedule is not None and not schedule.weekdays:
        f.fail((*where, "commitment"), "weekly needs a service that departs every week")


def _fits_vehicle(
    f: CarrierFile, where: tuple, option: BookingOption, unit: ConsolidationUnit
) -> None:
    """A unit, and the least units booked, fit in what one departure carries."""
    for dim, vehicle, size in (
        ("kg", option.vehicle_kg, unit.capacity_kg),
        ("m3", option.vehicle_m3, unit.capacity_m3),
    ):
        if size > vehicle:
            f.fail(
                (*where, f"vehicle_{dim}"),
                f"one unit ({unit.name}, {size:g} {dim}) is more than the vehicle carries "
                f"({vehicle:g} {dim})",
            )
        elif size * option.min_units > vehicle:
            f.fail(
                (*where, "min_units"),
                f"{option.min_units} units of {size:g} {dim} are more than the vehicle "
                f"carries ({vehicle:g} {dim})",
            )
