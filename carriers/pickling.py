"""Frozen dataclasses pickled by their fields: how the quote path's records travel to Dask
workers when the compiled core runs (plan blocks carry orders and money).

A frozen dataclass compiled by mypyc is not unpickled field by field (setting a field of
a frozen instance fails), so the classes registered here are pickled, and copied, as
their class called with their fields in order: compiled or not, a value comes back whole.
"""

from __future__ import annotations

import copyreg
from dataclasses import fields
from typing import Any


def pickled_by_fields(*classes: type) -> None:
    """Register `classes` (frozen dataclasses) to pickle as their class and fields."""
    for cls in classes:
        copyreg.pickle(cls, _by_fields)


def _by_fields(value: Any) -> tuple[type, tuple[Any, ...]]:
    return type(value), tuple(getattr(value, f.name) for f in fields(value))
