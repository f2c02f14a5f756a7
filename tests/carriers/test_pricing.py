"""Pricing rules, each computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carriers.errors import NotPriceable
from carriers.model import RateCard, WeightBreak, Zone
from carriers.money import Money
from carriers.pricing import ChargeKind, chargeable_grams, price_parcel

AIR = RateCard(
    id="air",
    currency="EUR",
    breaks=(WeightBreak(2, 600, 100), WeightBreak(30, 500, 100)),
    rounding_kg=0.5,
    volumetric_divisor=6000,
)


def amounts(charges: list) -> list[tuple[str, str, int]]:
    return [(c.kind.value, c.name, c.amount.amount) for c in charges]


def test_actual_weight_rounded_up_to_the_increment() -> None:
    """1.2 kg on a 0.5 kg step bills 1.5 kg: 1.00 + 6.00 x 1.5 = 10.00 EUR."""
    assert chargeable_grams(AIR, 1.2, (10, 10, 10)) == 1500
    assert amounts(price_parcel(AIR, 1.2, (10, 10, 10))) == [("freight", "freight", 1000)]


def test_volumetric_weight_wins_when_larger() -> None:
    """60x40x30 cm / 6000 = 12 kg > 3 kg actual: 1.00 + 5.00 x 12 = 61.00 EUR."""
    assert chargeable_grams(AIR, 3, (60, 40, 30)) == 12000
    assert price_parcel(AIR, 3, (60, 40, 30))[0].amount == Money(6100, "EUR")


def test_exact_break_stays_in_the_lower_tier() -> None:
    """2.0 kg is still the <= 2 kg tier: 1.00 + 6.00 x 2 = 13.00; 2.1 kg -> 2.5 kg x 5.00."""
    assert price_parcel(AIR, 2.0, (1, 1, 1))[0].amount.amount == 1300
    assert price_parcel(AIR, 2.1, (1, 1, 1))[0].amount.amount == 100 + 1250


def test_minimum_charge_floors_freight() -> None:
    """0.1 kg at 0.50/kg + 0 per piece is 0.05 EUR; the 3.50 minimum applies."""
    card = RateCard(id="m", currency="EUR", breaks=(WeightBreak(5, 50, 0),), minimum_charge=350)
    assert price_parcel(card, 0.1, (5, 5, 5))[0].amount == Money(350, "EUR")


def test_fuel_surcharge_applies_to_freight_and_surcharges() -> None:
    """Freight 10.00 + oversize 15.00 = 25.00; fuel 24.5 % of it = 6.125 -> 6.13 (half up)."""
    card = RateCard(
        id="f",
        currency="EUR",
        breaks=(WeightBreak(30, 0, 1000),),
        fuel_surcharge_pct=Decimal("24.5"),
        oversize_surcharge=1500,
        oversize_side_cm=120,
    )
    charges = price_parcel(card, 5, (130, 20, 20))
    assert amounts(charges) == [
        ("freight", "freight", 1000),
        ("surcharge", "oversize", 1500),
        ("surcharge", "fuel", 613),
    ]


def test_remote_area_surcharge_by_postal_prefix() -> None:
    """Balearic codes (07xxx) pay 2.00 more; Madrid (28xxx) does not."""
    card = RateCard(
        id="r",
        currency="EUR",
        breaks=(WeightBreak(30, 0, 420),),
        remote_area_surcharge=200,
        remote_area_prefixes=("07",),
    )
    assert sum(c.amount.amount for c in price_parcel(card, 1, (1, 1, 1), "ES", "07001")) == 620
    assert sum(c.amount.amount for c in price_parcel(card, 1, (1, 1, 1), "ES", "28013")) == 420


def test_zone_by_weight_uses_longest_prefix() -> None:
    """Zone 'balearics' (07) beats 'peninsula' (''): 6.10 + 0.60 x 3 = 7.90 EUR."""
    card = RateCard(
        id="z",
        currency="EUR",
        breaks=(WeightBreak(30, 45, 420, "peninsula"), WeightBreak(30, 60, 610, "balearics")),
        zones=(Zone("peninsula", "ES", ("",)), Zone("balearics", "ES", ("07",))),
    )
    assert price_parcel(card, 3, (1, 1, 1), "ES", "07800")[0].amount.amount == 790
    assert price_parcel(card, 3, (1, 1, 1), "ES", "28013")[0].amount.amount == 555
    with pytest.raises(NotPriceable):
        price_parcel(card, 3, (1, 1, 1), "PT", "1000-001")


def test_over_the_last_tier_is_not_priceable() -> None:
    """A 31 kg parcel on a card that ends at 30 kg has no price."""
    with pytest.raises(NotPriceable):
        price_parcel(AIR, 31, (1, 1, 1))


def test_per_kg_rounds_half_up_to_a_minor_unit() -> None:
    """0.333 kg (no rounding step) at 1.50/kg = 0.4995 EUR -> 0.50 EUR."""
    card = RateCard(id="p", currency="EUR", breaks=(WeightBreak(1, 150, 0),))
    charges = price_parcel(card, 0.333, (1, 1, 1))
    assert charges[0].kind is ChargeKind.FREIGHT
    assert charges[0].amount.amount == 50
