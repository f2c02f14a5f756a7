"""Brazil (`routing.customs.schemes.br`): the import tax (II) in bands of the CIF value in
USD, then the state's ICMS "por dentro" on customs value + II; Remessa Conforme sellers
collect at checkout, other parcels pay on delivery. Amounts computed by hand at the
fixture rate 1 USD = 5 BRL, rounded half up once per line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from carriers.errors import InvalidOrder
from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import Collection, LineKind, landed_cost, parse_route_id
from tests.routing.customs.conftest import (
    APPAREL,
    BR_POST,
    RC,
    Case,
    assert_as_computed,
    item,
    run,
)

BR_EXPRESS = "feeder-yiw-pvg+express-pvg-br"  # courier DDP, no clearance fee
SAO_PAULO = ("BR", "01001-000")

CASES = [
    # --- Brazil ---------------------------------------------------------------------------
    Case("USD 50 -> 72.29 at 17 % (x 5 BRL)", "br.icms.uniform", ("BR", "01001-000"),
         (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2025-01-01",
         {"br.ii.remessa-conforme": "50.00 BRL", "br.icms.uniform": "61.45 BRL"},
         "111.45 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("USD 100: 60 % minus USD 20", "br.ii.remessa-conforme", ("BR", "01001-000"),
         (item(APPAREL, 1, "100.00", "USD"),), BR_POST, "2025-01-01",
         {"br.ii.remessa-conforme": "200.00 BRL", "br.icms.uniform": "143.37 BRL"},
         "343.37 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("Bahia at 20 % from 2025-04-01", "br.icms.20pct-states", ("BR", "40000-000"),
         (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2025-04-01",
         {"br.ii.remessa-conforme": "50.00 BRL", "br.icms.20pct-states": "75.00 BRL"},
         "125.00 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("Sao Paulo stays at 17 %", "br.icms.standard", ("BR", "01001-000"),
         (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2025-04-01",
         {"br.ii.remessa-conforme": "50.00 BRL", "br.icms.standard": "61.45 BRL"},
         "111.45 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("outside Remessa Conforme: 60 %, on delivery", "br.ii.simplified",
         ("BR", "01001-000"), (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2025-01-01",
         {"br.ii.simplified": "150.00 BRL", "br.icms.uniform": "81.93 BRL",
          "carrier.post-pvg-br": "15.00 BRL"}, "231.93 BRL", "246.93 BRL"),
    Case("Remessa Conforme phase 1: 0 % up to USD 50", "br.ii.remessa-conforme",
         ("BR", "01001-000"), (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2024-07-31",
         {"br.ii.remessa-conforme": "0.00 BRL", "br.icms.uniform": "51.20 BRL"},
         "51.20 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("freight counts (CIF): USD 45 + 10 is over 50", "br.ii.remessa-conforme",
         ("BR", "01001-000"), (item(APPAREL, 1, "45.00", "USD"),), BR_POST, "2025-01-01",
         {"br.ii.remessa-conforme": "65.00 BRL", "br.icms.uniform": "69.64 BRL"},
         "134.64 BRL", None, Collection.CHECKOUT, freight="10.00 USD", extra=RC),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_landed_cost_matches_the_hand_computed_case(
    case: Case, world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Each line's amount, the DDP and DAP totals and the collection are as computed by
    hand from the cited rule."""
    assert_as_computed(run(case, world, fx, rules, make_order), case)


def test_brazil_usd_50_lands_at_usd_72_29(world: Any, fx: Any, rules: Any, make_order) -> None:
    """The reference's check: USD 50 -> II 10 -> ICMS 12.29 -> 72.29, here in BRL at 5."""
    case = next(c for c in CASES if c.name.startswith("USD 50"))
    landed = run(case, world, fx, rules, make_order)
    landed_brl = landed.customs_value + landed.ddp_total
    assert landed_brl == Money.of("361.45", "BRL")
    assert landed_brl.decimal / 5 == Decimal("72.29")


def test_landed_cost_states_the_exchange_rates_it_used(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """A USD basket into Brazil converts with USD->BRL of the quote date and says so."""
    case = next(c for c in CASES if c.name.startswith("USD 100"))
    landed = run(case, world, fx, rules, make_order)
    used = {(r.base, r.quote): r.rate for r in landed.fx}
    assert used[("USD", "BRL")] == Decimal("5.00")


def test_a_cep_outside_every_state_range_is_an_error(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """A CEP in no state's range names destination.postal_code; one not of 8 digits is
    refused by the order's parser already, at the same field."""
    order = make_order("BR", "78950-000", [item(APPAREL, 1, "10.00", "USD")], **RC)
    with pytest.raises(InvalidOrder, match=r"destination\.postal_code"):
        landed_cost(order, parse_route_id(world, BR_POST), [], date(2026, 7, 1), rules, fx)
    with pytest.raises(InvalidOrder, match=r"destination\.postal_code"):
        make_order("BR", "1234", [item(APPAREL, 1, "10.00", "USD")], **RC)


def test_ii_and_icms_stack_item_by_item_into_one_icms_line(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """USD 30 + USD 20 (150 + 100 BRL) under Remessa Conforme on 2025-01-01: II 20 % =
    50.00 BRL; ICMS 17 % por dentro on 250 + 50 = 300: 300 x 0.17 / 0.83 = 61.45 BRL, one
    line whose base is the stacked 300.00 BRL."""
    items = [("610910", "apparel", 1, "30.00", "USD"), ("620520", "apparel", 1, "20.00", "USD")]
    order = make_order(*SAO_PAULO, items, **RC)
    route = parse_route_id(world, BR_POST)
    landed = landed_cost(order, route, [], date(2025, 1, 1), rules, fx)
    [ii] = [x for x in landed.lines if x.kind is LineKind.DUTY]
    [icms] = [x for x in landed.lines if x.kind is LineKind.TAX]
    assert (ii.amount, ii.rate) == (Money.of("50.00", "BRL"), Decimal("0.20"))
    assert icms.base == Money.of("300.00", "BRL")
    assert icms.amount == Money.of("61.45", "BRL")
    assert "por dentro" in icms.note and "state SP" in icms.note


def test_remessa_conforme_collects_at_checkout_whatever_the_incoterm(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """A certified seller's parcel is "Remessa Conforme" and paid at checkout even under
    DAP: no DAP total and no clearance fee line."""
    order = make_order(*SAO_PAULO, [item(APPAREL, 1, "50.00", "USD")], incoterm="DAP", **RC)
    landed = landed_cost(order, parse_route_id(world, BR_POST), [], date(2025, 1, 1), rules, fx)
    assert landed.regime == "Remessa Conforme"
    assert landed.collection is Collection.CHECKOUT and landed.checkout_only
    assert landed.dap_total is None
    assert all(x.kind is not LineKind.FEE for x in landed.lines)


def test_other_sellers_pay_60_percent_and_a_courier_collects_it_at_checkout(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """br.ii.simplified on a courier DDP route: USD 50 = 250 BRL, II 60 % = 150.00, ICMS
    17 % por dentro on 400.00 = 81.93 BRL; the courier clears DDP, so no fee is added."""
    order = make_order(*SAO_PAULO, [item(APPAREL, 1, "50.00", "USD")])
    route = parse_route_id(world, BR_EXPRESS)
    landed = landed_cost(order, route, [], date(2025, 1, 1), rules, fx)
    assert [(x.rule_id, str(x.amount)) for x in landed.lines] == [
        ("br.ii.simplified", "150.00 BRL"),
        ("br.icms.uniform", "81.93 BRL"),
    ]
    assert landed.regime == "DDP" and landed.collection is Collection.CHECKOUT
    assert not landed.checkout_only


def test_above_usd_3000_the_top_band_applies_and_the_figures_are_indicative(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """USD 3,000 + 100 freight (CIF 15,500 BRL) is above every band: the top band is used,
    60 % less USD 20 = 9,300 - 100 = 9,200.00 BRL, with a note that it is a formal import;
    ICMS on 24,700: 24,700 x 0.17 / 0.83 = 5,059.04 BRL."""
    order = make_order(*SAO_PAULO, [item(APPAREL, 1, "3000.00", "USD")], **RC)
    freight = [Charge(ChargeKind.FREIGHT, "freight", Money.of("100", "USD"))]
    route = parse_route_id(world, BR_POST)
    landed = landed_cost(order, route, freight, date(2025, 1, 1), rules, fx)
    assert [str(x.amount) for x in landed.lines] == ["9200.00 BRL", "5059.04 BRL"]
    assert any("formal import" in note for note in landed.notes)
