"""Fixtures of the planner's tests: the two-lane world and order tables built in memory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from routing.network import Network, load_network
from routing.plan import COLUMNS

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="session")
def two_lanes() -> Network:
    """Two capacitated lanes to one market: the optimal split is known on paper."""
    return load_network(DATA / "plan_two_lanes")


def one_kilo_orders(n: int, weight_kg: float = 1.0, deliver_by: str = "") -> pd.DataFrame:
    """n identical orders Yiwu -> Madrid, created on Monday 2026-11-09 morning."""
    rows = [
        {
            "order_id": f"T{i:04d}",
            "origin": "CN-YIW-WH",
            "dest_country": "ES",
            "dest_postal_code": "28001",
            "weight_kg": str(weight_kg),
            "length_cm": "10",
            "width_cm": "10",
            "height_cm": "10",
            "value": "10.00",
            "currency": "EUR",
            "category": "apparel",
            "hs_code": "610910",
            "battery": "none",
            "liquid": "false",
            "created_at": "2026-11-09T09:00:00+08:00",
            "deliver_by": deliver_by,
        }
        for i in range(n)
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))
