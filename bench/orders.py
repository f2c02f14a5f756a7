"""Realistic random checkout orders for the benchmarks (fixed seed): the markets, weights,
goods, values, batteries and sellers of a China -> world cross-border shop, plus the
Spain -> China reverse flow."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from routing.coverage import data_window

# market -> (share, postal codes, currency of the goods, mean value)
MARKETS: dict[str, tuple[float, list[str], str, float]] = {
    "ES": (0.26, ["28013", "08001", "41001", "46001", "48001", "07001", "35001", "38001"],
           "EUR", 30),
    "FR": (0.08, ["75001", "69001", "13001", "33000"], "EUR", 30),
    "IT": (0.06, ["20121", "00184", "80133"], "EUR", 30),
    "DE": (0.06, ["10115", "80331", "20095", "50667"], "EUR", 30),
    "PT": (0.04, ["1100-148", "4000-322"], "EUR", 25),
    "BR": (0.12, ["01310-100", "20040-002", "30130-000", "40020-000", "69005-000"], "USD", 30),
    "RU": (0.10, ["101000", "190000", "630000"], "EUR", 35),
    "US": (0.10, ["10001", "90012", "60601", "77002"], "USD", 35),
    "GB": (0.06, ["SW1A 1AA", "M1 1AE", "EH1 1YZ"], "GBP", 30),
    "ID": (0.04, ["10110", "40111", "60111"], "USD", 20),
    "CN": (0.08, ["200001", "100000", "310000", "510000"], "EUR", 90),
}  # fmt: skip
ORIGINS = ["CN-YIW-WH", "CN-SZX-WH", "CN-CAN-WH", "CN-HGH-WH", "CN-NGB-WH"]
GOODS = [  # hs code, category, battery, liquid, share
    ("610910", "apparel", "none", False, 0.22),
    ("640299", "footwear", "none", False, 0.08),
    ("420221", "bags", "none", False, 0.06),
    ("851830", "electronics", "in_equipment", False, 0.14),
    ("851762", "electronics", "in_equipment", False, 0.06),
    ("850760", "electronics", "loose", False, 0.02),
    ("330499", "cosmetics", "none", True, 0.06),
    ("950300", "toys", "none", False, 0.08),
    ("392410", "home", "none", False, 0.14),
    ("950699", "sports", "none", False, 0.08),
    ("711719", "jewellery", "none", False, 0.06),
]
REVERSE_GOODS = [
    ("150910", "food", "none", True),
    ("330499", "cosmetics", "none", True),
    ("420221", "bags", "none", False),
    ("640399", "footwear", "none", False),
]


def random_order(rng: random.Random, i: int, start: datetime, spread_hours: float) -> dict:
    country = rng.choices(list(MARKETS), weights=[m[0] for m in MARKETS.values()])[0]
    _, codes, currency, mean_value = MARKETS[country]
    reverse = country == "CN"
    hs, category, battery, liquid = (
        rng.choice(REVERSE_GOODS) if reverse
        else rng.choices([g[:4] for g in GOODS], weights=[g[4] for g in GOODS])[0]
    )  # fmt: skip
    weight = round(min(max(rng.lognormvariate(-0.7, 0.8), 0.05), 25), 3)
    side = (weight * 1000 / 0.2) ** (1 / 3)  # ~200 kg/m3 parcels
    items = [_item(rng, hs, category, battery, liquid, currency, mean_value)]
    if rng.random() < 0.2:
        items.append(_item(rng, hs, category, battery, liquid, currency, mean_value / 2))
    created = start + timedelta(hours=rng.uniform(0, spread_hours))
    order: dict[str, Any] = {
        "order_id": f"bench-{i}",
        "origin": "ES-MAD-HUB" if reverse else rng.choice(ORIGINS),
        "destination": {"country": country, "postal_code": rng.choice(codes)},
        "parcels": [{"weight_kg": weight, "length_cm": round(side * 1.4, 1),
                     "width_cm": round(side, 1), "height_cm": round(side / 1.4, 1)}],
        "items": items,
        "created_at": created.isoformat(),
        "seller": {"ioss_registered": rng.random() < 0.85, "remessa_conforme": rng.random() < 0.8},
    }  # fmt: skip
    if country == "BR":
        order["buyer"] = {"tax_id": "529.982.247-25"}
    if country == "RU":
        order["buyer"] = {"tax_id": "500100732259", "id_number": "4509 235857"}
    if reverse:
        order["buyer"] = {"name": "Wang Fang", "id_number": "11010519491231002X"}
    return order


def _item(rng: random.Random, hs: str, category: str, battery: str, liquid: bool,
          currency: str, mean: float) -> dict:  # fmt: skip
    value = max(1.0, rng.lognormvariate(0, 0.7) * mean)
    return {
        "description": f"{category} item",
        "hs_code": hs,
        "category": category,
        "quantity": rng.choice([1, 1, 1, 2, 3]),
        "unit_value": {"amount": f"{value:.2f}", "currency": currency},
        "battery": battery,
        "liquid": liquid,
    }


def random_orders(n: int, seed: int = 20261126, spread_hours: float = 24.0) -> list[dict]:
    """`n` orders placed over `spread_hours` from 2026-11-26 00:00 UTC, or earlier when
    that would run past the last date the data covers (data/coverage.toml): a year of
    orders ends there."""
    rng = random.Random(seed)
    last = datetime.combine(data_window().last, time(), UTC)
    start = min(datetime(2026, 11, 26, tzinfo=UTC), last - timedelta(hours=spread_hours))
    return [random_order(rng, i, start, spread_hours) for i in range(n)]
