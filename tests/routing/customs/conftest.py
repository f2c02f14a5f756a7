"""Customs fixtures: the customs test world (tests/data/customs_world: a zone in every
market, postal and courier ways in, round exchange rates) and the real rules of
data/customs, a builder for orders, and the hand-computed landed-cost `Case`s that
test_landed.py and schemes/test_*.py tabulate.

Fixture rates (tests/data/customs_world/fx.csv): 1 EUR = 1.25 USD = 0.80 GBP = 8 CNY =
6.25 BRL = 100 RUB = 20,000 IDR; 1 USD = 5 BRL = 16,000 IDR; 1 XDR = 1.20 EUR.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import (
    DEFAULT_RULES,
    Collection,
    CustomsRules,
    LandedCost,
    landed_cost,
    load_rules,
    parse_route_id,
)
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


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of data/customs, for breaking one thing at a time."""
    target = tmp_path / "customs"
    shutil.copytree(DEFAULT_RULES, target)
    return target


def append(path: Path, text: str) -> int:
    """Append a block to a rules file; return the line its first row lands on."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + text.split("\n").index("[[rules]]") + 1


# --- hand-computed landed-cost cases -----------------------------------------------------

ES_POST = "feeder-yiw-pvg+line-pvg-mad-post+correos-es-paq"  # postal import, fee 4.50 EUR
ES_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+correos-es-paq"  # bulk import at the hub: DDP
PT_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+road-mad-pt"
FR_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+road-mad-fr"
IT_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+road-mad-it"
DE_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+road-mad-de"
CANARIES = "feeder-yiw-pvg+line-pvg-mad-hub+correos-ic-paq"  # Correos clears, fee 6.00 EUR
CEUTA = "feeder-yiw-pvg+line-pvg-mad-hub+correos-ceu-paq"
GB_POST = "feeder-yiw-pvg+post-pvg-gb"  # fee 8.00 GBP
BR_POST = "feeder-yiw-pvg+post-pvg-br"  # fee 15.00 BRL
RU_POST = "feeder-yiw-pvg+post-pvg-ru"  # fee 300.00 RUB
ID_POST = "feeder-yiw-pvg+post-pvg-id"  # no fee
US_POST = "feeder-yiw-pvg+post-pvg-us"
HUB = "ES-MAD-HUB"

APPAREL = ("610910", "apparel")
SHIRT = ("620520", "apparel")
SHOES = ("640399", "footwear")
EARBUDS = ("851830", "electronics")
BOOK = ("490199", "books")

IOSS = {"seller": {"ioss_registered": True}}
RC = {"seller": {"remessa_conforme": True}}


@dataclass(frozen=True)
class Case:
    """One landed cost computed by hand from the real data/customs rules, rounded half up
    to the minor unit once per line."""

    name: str
    rule: str  # the rule the case exercises
    dest: tuple[str, str]
    items: tuple[tuple[str, str, int, str, str], ...]
    route: str
    at: str
    lines: dict[str, str]  # rule_id -> amount of its line(s)
    ddp: str
    dap: str | None  # None: collected at checkout whatever the incoterm
    collected: Collection = Collection.DELIVERY
    freight: str | None = None  # "5.00 EUR"
    origin: str = "CN-YIW-WH"
    kg: float = 1.0
    ytd: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def item(goods: tuple[str, str], quantity: int, value: str, currency: str) -> tuple:
    return (goods[0], goods[1], quantity, value, currency)


def run(case: Case, world: Any, fx: Any, rules: Any, make_order: Any) -> LandedCost:
    order = make_order(*case.dest, case.items, origin=case.origin, kg=case.kg, **case.extra)
    charges = []
    if case.freight:
        amount, currency = case.freight.split()
        charges = [Charge(ChargeKind.FREIGHT, "freight", Money.of(amount, currency))]
    ytd = Money.of(*case.ytd.split()) if case.ytd else None
    route = parse_route_id(world, case.route)
    at = date.fromisoformat(case.at)
    return landed_cost(order, route, charges, at, rules, fx, buyer_year_to_date=ytd)


def by_rule(landed: LandedCost) -> dict[str, str]:
    amounts: dict[str, Money] = {}
    for line in landed.lines:
        amounts[line.rule_id] = amounts.get(line.rule_id, Money.zero(line.amount.currency))
        amounts[line.rule_id] += line.amount
    return {rule_id: str(amount) for rule_id, amount in amounts.items()}


def assert_as_computed(landed: LandedCost, case: Case) -> None:
    """Each line's amount, the DDP and DAP totals and the collection are the case's."""
    assert by_rule(landed) == case.lines
    assert case.rule in landed.rule_ids
    assert str(landed.ddp_total) == case.ddp
    assert (None if landed.dap_total is None else str(landed.dap_total)) == case.dap
    assert landed.collection is case.collected
