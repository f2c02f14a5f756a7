"""The quote sandbox in a real Chromium: an order quoted in a chosen locale shows the
options of the very quote the API stored (totals, tags), and its excluded routes; an order
that is not valid gets the error in place, naming the field."""

from __future__ import annotations

import json
from typing import Any

from api.schemas import SPANISH_ORDER
from tests.api.console.conftest import Console, shoot


def test_a_quote_in_the_sandbox_shows_the_stored_quote(signed_in: Any, console: Console) -> None:
    page = signed_in
    page.goto("/console/quote")
    page.get_by_label("Buyer's locale").select_option("es-ES")
    page.get_by_role("button", name="Quote").click()
    page.locator("#options tbody tr[data-option]").first.wait_for()
    quote_id = page.locator("#quote-result h2 code").inner_text()
    with console.api() as http:
        stored = http.get(f"/v1/quotes/{quote_id}").json()
    rows = page.locator("#options tbody tr[data-option]")
    assert rows.count() == len(stored["options"])
    for option in stored["options"]:
        row = page.locator(f'#options tr[data-option="{option["option_id"]}"]')
        assert row.locator("[data-total]").get_attribute("data-total") == option["total"]["amount"]
        assert row.locator(".tag").all_inner_texts() == option["tags"]
        assert option["summary"] in row.inner_text()  # the localized one-liner
    assert page.locator("#excluded tbody tr").count() == max(1, len(stored["excluded"]))
    shoot(page, console, "quote")


def test_an_invalid_order_is_answered_in_place_with_its_field(signed_in: Any) -> None:
    page = signed_in
    page.goto("/console/quote")
    broken = dict(SPANISH_ORDER, parcels=[{"weight_kg": -1, "length_cm": 1, "width_cm": 1}])
    page.get_by_label("Order (JSON").fill(json.dumps(broken))
    page.get_by_role("button", name="Quote").click()
    alert = page.locator("#quote-result [role=alert]")
    alert.wait_for()
    assert "parcels[0]" in alert.inner_text()
    assert "What to do" in alert.inner_text()
