"""api/schemas/promises.py: `promises_body` writes the engine's destination promises
exactly as `PromiseResponse` declares them, shipping or not."""

from __future__ import annotations

from datetime import UTC, datetime

from api.schemas import PromiseResponse, promises_body
from routing.network import load_network
from routing.orders import parse_order
from routing.quote import product_order, product_promises

PRODUCT = {
    "origin": "CN-YIW-WH", "weight_kg": 0.8, "length_cm": 30, "width_cm": 20,
    "height_cm": 10, "category": "electronics", "hs_code": "851830",
    "value": {"amount": "39.90", "currency": "EUR"}, "battery": "in_equipment",
}  # fmt: skip


def test_shipping_and_unserved_destinations_are_written_as_declared() -> None:
    """Spain ships (a price range, the cheapest and the fastest window); Japan has no
    last mile (no prices, its reasons); both read back through the model unchanged."""
    at = datetime(2026, 11, 26, 2, tzinfo=UTC)
    destinations = [("ES", "28013"), ("JP", "100-0001")]
    product = parse_order(product_order(PRODUCT, destinations[0], at))
    body = promises_body(at, product_promises(load_network(), product, destinations, at))
    spain, japan = body["destinations"]
    assert spain["options"] > 0 and spain["price_range"]["min"] == spain["cheapest"]["total"]
    assert spain["cheapest"]["p90"] >= spain["fastest"]["p90"]
    assert japan == {"country": "JP", "postal_code": "100-0001", "options": 0,
                     "currency": "JPY", "reasons": ["no_coverage"]}  # fmt: skip
    model = PromiseResponse.model_validate(body)
    assert model.model_dump(mode="json", exclude_unset=True) == body
