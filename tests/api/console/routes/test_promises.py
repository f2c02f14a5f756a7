"""The promises page in a real Chromium: a product and destinations give a row per
destination with the dates and price range of `POST /v1/promises` for the same product."""

from __future__ import annotations

from typing import Any

from tests.api.console.conftest import Console, shoot


def test_a_product_is_promised_to_each_destination(signed_in: Any, console: Console) -> None:
    page = signed_in
    page.goto("/console/promises")
    page.get_by_label("Destinations").fill("ES 28013\nBR 01310-100")
    page.get_by_role("button", name="Promise").click()
    page.locator("#promises tbody tr").first.wait_for()
    body = {
        "product": {
            "origin": page.get_by_label("Ships from").input_value(),
            "weight_kg": 0.8,
            "length_cm": 30,
            "width_cm": 20,
            "height_cm": 10,
            "category": "electronics",
            "hs_code": "851830",
            "value": {"amount": "39.90", "currency": "EUR"},
            "battery": "in_equipment",
        },
        "destinations": [
            {"country": "ES", "postal_code": "28013"},
            {"country": "BR", "postal_code": "01310-100"},
        ],
        "currency": "EUR",
    }
    with console.api() as http:
        answer = http.post("/v1/promises", json=body).json()
    for d in answer["destinations"]:
        row = page.locator(f'#promises tr[data-destination="{d["country"]}"]')
        text = row.inner_text()
        assert d["cheapest"]["p90"] in text and d["fastest"]["p95"] in text
        low = row.locator("td").nth(2).get_attribute("data-sort")
        assert low == d["price_range"]["min"]["amount"]
    shoot(page, console, "promises")
