"""api/schemas/types.py: the value types of the JSON shapes accept what the contract
writes (amounts as plain decimal strings, ISO codes) and nothing looser."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from api.schemas.types import Country, Currency, Decimal, Positive


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (Decimal, ["12.34", "0", "-1", "1000000.005"], ["1e3", "12.", ".5", "1,5", "+1", ""]),
        (Currency, ["EUR", "BRL"], ["eur", "EURO", "E1R"]),
        (Country, ["ES", "es", "Br"], ["ESP", "E", "E5"]),
        (Positive, [0.001, 3], [0, -1]),
    ],
    ids=["decimal", "currency", "country", "positive"],
)
def test_each_type_takes_its_shape_and_refuses_near_misses(
    kind: Any, good: list[Any], bad: list[Any]
) -> None:
    """Hand-picked values on each side of the line."""
    adapter = TypeAdapter(kind)
    for value in good:
        adapter.validate_python(value)
    for value in bad:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
