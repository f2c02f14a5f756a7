"""Fixtures of the design tests: a hand-checkable order history on the default world."""

from __future__ import annotations

import pandas as pd

from routing.plan.table import COLUMNS

# order_id, origin, country, postal, kg, (l, w, h cm), value, currency, category,
# battery, liquid, created_at, deliver_by
HISTORY = [
    ("A", "CN-YIW-WH", "ES", "28001", 1.0, (10, 10, 10), "10.00", "EUR", "apparel",
     "none", "false", "2026-11-10T10:00:00+08:00", "2026-11-22"),
    ("B", "CN-YIW-WH", "ES", "28002", 2.5, (20, 10, 10), "20.00", "EUR", "home",
     "none", "false", "2026-11-12T23:30:00+08:00", "2026-11-24"),
    ("C", "CN-YIW-WH", "ES", "35001", 0.5, (10, 10, 5), "200.00", "USD", "electronics",
     "in_equipment", "false", "2026-11-15T20:00:00+08:00", ""),
    ("D", "CN-SZX-WH", "US", "10001", 1.25, (20, 20, 10), "100.00", "EUR", "cosmetics",
     "none", "true", "2026-11-16T01:00:00+08:00", "2026-12-16"),
    ("E", "ES-MAD-HUB", "CN", "200000", 0.75, (10, 10, 10), "150.00", "EUR", "cosmetics",
     "none", "false", "2026-11-04T10:00:00+01:00", "2027-01-03"),
]  # fmt: skip


def history_frame(rows: list[tuple] = HISTORY) -> pd.DataFrame:
    """The orders table of `rows`, every cell text as a file holds it."""
    records = [
        (o, origin, c, p, str(kg), *map(str, sides), v, cur, cat, "610910", b, liq, at, by)
        for (o, origin, c, p, kg, sides, v, cur, cat, b, liq, at, by) in rows
    ]
    return pd.DataFrame(records, columns=list(COLUMNS))
