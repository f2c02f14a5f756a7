"""Product-page promises: one product, many destinations -> per destination the delivery
dates a merchant can show and the price range of the options."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from carriers.errors import InvalidOrder, Problem
from routing.network import Network
from routing.orders import parse_order
from routing.quote.engine import quote
from routing.quote.records import Option, money_json

MAX_DESTINATIONS = 200


def product_promises(
    network: Network,
    product: dict[str, Any],
    destinations: list[tuple[str, str]],
    at: datetime,
    currency: str | None = None,
) -> list[dict[str, Any]]:
    """For each (country, postal code): the cheapest and the fastest option's P50/P90/P95
    and the range of totals, for a standard order of one unit of `product`.

    `product` holds `origin`, `weight_kg`, `length_cm`, `width_cm`, `height_cm`,
    `category`, `hs_code`, `value` {amount, currency} and optionally `battery`, `liquid`,
    `description`, `seller`.
    """
    if not 1 <= len(destinations) <= MAX_DESTINATIONS:
        raise InvalidOrder(
            [Problem("request", "destinations", f"give 1 to {MAX_DESTINATIONS} destinations")]
        )
    answers = []
    for i, (country, postal_code) in enumerate(destinations):
        order = parse_order(_order(product, country, postal_code, at, i))
        q = quote(order, network, at, currency)
        answers.append(_answer(country, postal_code, q.currency, q.options, q.excluded))
    return answers


def _order(product: dict[str, Any], country: str, postal: str, at: datetime, i: int) -> dict:
    return {
        "order_id": f"product-{i}",
        "origin": product.get("origin"),
        "destination": {"country": country, "postal_code": postal},
        "parcels": [
            {k: product.get(k) for k in ("weight_kg", "length_cm", "width_cm", "height_cm")}
        ],
        "items": [
            {
                "description": product.get("description") or "product",
                "hs_code": product.get("hs_code"),
                "category": product.get("category"),
                "quantity": 1,
                "unit_value": product.get("value"),
                "battery": product.get("battery", "none"),
                "liquid": product.get("liquid", False),
            }
        ],
        "created_at": at.isoformat(),
        "seller": product.get("seller") or {},
    }


def _dates(o: Option) -> dict[str, str]:
    return {
        "p50": o.promise.p50.isoformat(),
        "p90": o.promise.p90.isoformat(),
        "p95": o.promise.p95.isoformat(),
    }


def _answer(country: str, postal: str, currency: str, options: Any, excluded: Any) -> dict:
    head = {"country": country, "postal_code": postal, "options": len(options)}
    if not options:
        reasons = sorted({r.code for e in excluded for r in e.reasons})
        return {**head, "currency": currency, "reasons": reasons}
    cheapest = min(options, key=lambda o: (o.total.amount, o.promise.p90))
    fastest = min(options, key=lambda o: (o.promise.p90, o.total.amount))
    return {
        **head,
        "currency": currency,
        "price_range": {
            "min": money_json(cheapest.total),
            "max": money_json(max(o.total for o in options)),
        },
        "cheapest": {"total": money_json(cheapest.total), **_dates(cheapest)},
        "fastest": {"total": money_json(fastest.total), **_dates(fastest)},
    }
