"""What the order tests share: one good order document, as the JSON contract reads."""

from __future__ import annotations

from typing import Any

GOOD: dict[str, Any] = {
    "order_id": "A1",
    "origin": "CN-YIW-WH",
    "destination": {"country": "ES", "postal_code": "28013"},
    "parcels": [{"weight_kg": 1.2, "length_cm": 30, "width_cm": 20, "height_cm": 10}],
    "items": [
        {
            "description": "speaker",
            "hs_code": "851822",
            "category": "electronics",
            "quantity": 1,
            "unit_value": {"amount": "39.90", "currency": "EUR"},
        }
    ],
    "created_at": "2026-11-26T10:00:00+08:00",
}
