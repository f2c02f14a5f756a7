"""Customs fixtures: the customs test world (tests/data/customs_world: a zone in every
market, postal and courier ways in, round exchange rates) and the real rules of
data/customs, plus a builder for orders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from routing.customs import CustomsRules, load_rules
from routing.fx import FxRates, read_fx
from routing.network import Network, load_network
from routing.orders import Order, parse_order

WORLD = Path(__file__).resolve().parents[2] / "data" / "customs_world"

# hs code, category, quantity, unit value, currency; or an item object as in the contract
Item = tuple[str, str, int, str, str] | dict[str, Any]
MakeOrder = Callable[..., Order]


@pytest.fixture(scope="session")
def world() -> Network:
    return load_network(WORLD)


@pytest.fixture(scope="session")
def fx() -> FxRates:
    return read_fx(WORLD / "fx.csv")


@pytest.fixture(scope="session")
def rules() -> CustomsRules:
    return load_rules()


def order_document(
    country: str,
    postal_code: str,
    items: tuple[Item, ...] | list[Item],
    origin: str = "CN-YIW-WH",
    kg: float = 1.0,
    **extra: Any,
) -> dict[str, Any]:
    """An order document as a checkout would send it."""
    document: dict[str, Any] = {
        "order_id": "T-1",
        "origin": origin,
        "destination": {"country": country, "postal_code": postal_code},
        "parcels": [{"weight_kg": kg, "length_cm": 20, "width_cm": 15, "height_cm": 10}],
        "items": [_item(i) for i in items],
        "created_at": "2026-07-01T10:00:00+00:00",
    }
    document.update(extra)
    return document


def _item(item: Item) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    hs, category, quantity, value, currency = item
    return {
        "description": f"goods {hs}",
        "hs_code": hs,
        "category": category,
        "quantity": quantity,
        "unit_value": {"amount": value, "currency": currency},
    }


@pytest.fixture(scope="session")
def world_dir() -> Path:
    return WORLD


@pytest.fixture(scope="session")
def make_document() -> Callable[..., dict[str, Any]]:
    return order_document


@pytest.fixture(scope="session")
def make_order() -> MakeOrder:
    def make(*args: Any, **kwargs: Any) -> Order:
        return parse_order(order_document(*args, **kwargs))

    return make
