"""Product-page promises: one product, many destinations -> per destination the delivery
dates a merchant can show and the price range of the options."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from carriers.money import Money
from routing.network import Network
from routing.orders import Address, Order
from routing.promise.served import ServedModel
from routing.quote.engine import quote
from routing.quote.records import Option, PromiseDates


@dataclass(frozen=True)
class Window:
    """One option's total and delivery dates."""

    total: Money
    dates: PromiseDates


@dataclass(frozen=True)
class DestinationPromise:
    """What a product page can show for one destination; `reasons` when nothing ships."""

    country: str
    postal_code: str
    options: int
    currency: str
    lowest: Money | None = None  # the price range: the cheapest and the dearest total
    highest: Money | None = None
    cheapest: Window | None = None
    fastest: Window | None = None
    reasons: tuple[str, ...] = ()


def product_promises(
    network: Network,
    product: Order,
    destinations: list[tuple[str, str]],
    at: datetime,
    currency: str | None = None,
    learned: ServedModel | None = None,
) -> list[DestinationPromise]:
    """For each (country, postal code): the cheapest and the fastest option's P50/P90/P95
    and the range of totals of `product`, an order of one unit (its own destination is
    replaced by each of them), placed at `at`; `learned` as for `quote`."""
    answers = []
    for country, postal_code in destinations:
        order = replace(product, destination=Address(country, postal_code), created_at=at)
        q = quote(order, network, at, currency, learned=learned)
        answers.append(_answer(country, postal_code, q.currency, q.options, q.excluded))
    return answers


def _answer(
    country: str, postal: str, currency: str, options: tuple[Option, ...], excluded: tuple
) -> DestinationPromise:
    if not options:
        reasons = tuple(sorted({r.code for e in excluded for r in e.reasons}))
        return DestinationPromise(country, postal, 0, currency, reasons=reasons)
    cheapest = min(options, key=lambda o: (o.total.amount, o.promise.p90))
    fastest = min(options, key=lambda o: (o.promise.p90, o.total.amount))
    return DestinationPromise(
        country,
        postal,
        len(options),
        currency,
        lowest=cheapest.total,
        highest=max(o.total for o in options),
        cheapest=Window(cheapest.total, cheapest.promise),
        fastest=Window(fastest.total, fastest.promise),
    )


def product_order(product: dict[str, Any], destination: tuple[str, str], at: datetime) -> dict:
    """The order document of one unit of `product` (its fields: `origin`, `weight_kg`,
    `length_cm`, `width_cm`, `height_cm`, `category`, `hs_code`, `value` {amount,
    currency}, optionally `battery`, `liquid`, `description`, `seller`) to `destination`,
    placed at `at`: what `parse_order` reads, once per request."""
    country, postal_code = destination
    return {
        "order_id": "product",
        "origin": product.get("origin"),
        "destination": {"country": country, "postal_code": postal_code},
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
