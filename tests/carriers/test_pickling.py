"""carriers/pickling.py: frozen dataclasses registered here pickle, and copy, as their class
called with their fields in order, so a value comes back whole whatever its class does
when unpickled field by field."""

from __future__ import annotations

import copy
import copyreg
import pickle
from dataclasses import dataclass, field

import pytest

from carriers.money import Money
from carriers.pickling import pickled_by_fields

BUILT: list[tuple[str, int]] = []  # every construction of Weighed, in order


@dataclass(frozen=True)
class Weighed:
    """A frozen record that checks itself when built (as compiled records must be built)."""

    name: str
    grams: int
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.grams < 0:
            raise ValueError("grams must be >= 0")
        BUILT.append((self.name, self.grams))


@dataclass(frozen=True)
class Plain:
    name: str


pickled_by_fields(Weighed)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_registered_class_is_rebuilt_from_its_fields(protocol: int) -> None:
    """Unpickling calls the class with the fields in order (its __post_init__ runs), in
    every pickle protocol; the default protocol would set the fields and bypass it."""
    value = Weighed("parcel", 1200, ("fragile",))
    BUILT.clear()
    back = pickle.loads(pickle.dumps(value, protocol=protocol))
    assert back == value and BUILT == [("parcel", 1200)]
    plain = Plain("x")
    assert pickle.loads(pickle.dumps(plain, protocol=protocol)) == plain  # untouched default


def test_copies_are_rebuilt_too() -> None:
    """copy.copy and copy.deepcopy go the same way: a new instance, built, equal."""
    value = Weighed("parcel", 5, ("a",))
    BUILT.clear()
    for twin in (copy.copy(value), copy.deepcopy(value)):
        assert twin == value and twin is not value
    assert BUILT == [("parcel", 5), ("parcel", 5)]


def test_registration_reduces_to_class_and_fields() -> None:
    """What the registration gives pickle: the class and the field values, in order."""
    reduce = copyreg.dispatch_table[Weighed]
    assert reduce(Weighed("a", 1, ("t",))) == (Weighed, ("a", 1, ("t",)))


def test_money_travels_whole() -> None:
    """Money (slots, its own __init__) is registered: negative, zero-decimal and two-decimal
    amounts come back equal, in their currency."""
    for money in (Money(-5, "EUR"), Money(1234, "JPY"), Money(10**15, "USD")):
        assert pickle.loads(pickle.dumps(money)) == money
        assert copy.deepcopy(money) == money
