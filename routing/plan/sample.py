"""Sample orders for a batch plan: a realistic, fixed-seed mix of one week of demand.

Origins, markets, goods and service levels follow the default world's shape: most volume
leaves the Chinese warehouses for Spain, the rest of the EU, the UK, the US, Russia,
Brazil and Indonesia; a tenth is the reverse flow from the Madrid hub into China. Weights
are log-normal (median ~0.6 kg, a tail to 30 kg), sizes follow weight through a density
per category, values are log-normal per category. A fifth of the orders promise express
delivery, half standard, some economy, the rest no date. Same n and seed, same table.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from routing.plan.table import COLUMNS

DEFAULT_START = date(2026, 11, 9)  # a Monday: the week before 11.11 ends

ORIGINS = {
    "CN-YIW-WH": 0.28,
    "CN-SZX-WH": 0.2,
    "CN-CAN-WH": 0.14,
    "CN-HGH-WH": 0.13,
    "CN-NGB-WH": 0.15,
    "ES-MAD-HUB": 0.10,
}
MARKETS = {
    "ES": 0.30,
    "FR": 0.12,
    "DE": 0.10,
    "IT": 0.07,
    "PT": 0.04,
    "GB": 0.10,
    "US": 0.12,
    "RU": 0.07,
    "BR": 0.05,
    "ID": 0.03,
}
# Postal codes: (prefix, share); the rest of the code is random digits.
POSTAL = {
    "ES": (
        [
            ("28", 0.3),
            ("08", 0.2),
            ("46", 0.12),
            ("41", 0.12),
            ("48", 0.1),
            ("07", 0.06),
            ("35", 0.04),
            ("38", 0.03),
            ("51", 0.015),
            ("52", 0.015),
        ],
        5,
    ),
    "FR": ([("75", 0.3), ("69", 0.2), ("13", 0.2), ("33", 0.3)], 5),
    "DE": ([("10", 0.3), ("80", 0.25), ("20", 0.25), ("50", 0.2)], 5),
    "IT": ([("00", 0.3), ("20", 0.3), ("80", 0.2), ("10", 0.2)], 5),
    "PT": ([("1", 0.5), ("4", 0.4), ("9", 0.1)], 4),
    "GB": ([("SW", 0.3), ("M", 0.25), ("B", 0.25), ("EH", 0.2)], 3),
    "US": ([("1", 0.25), ("9", 0.3), ("6", 0.25), ("3", 0.2)], 5),
    "RU": ([("10", 0.5), ("19", 0.3), ("63", 0.2)], 6),
    "BR": ([("01", 0.5), ("20", 0.3), ("80", 0.2)], 8),
    "ID": ([("10", 0.6), ("40", 0.4)], 5),
    "CN": ([("200", 0.4), ("100", 0.3), ("310", 0.3)], 6),
}
# category: share, HS code, median value (EUR), density (kg per m3)
CATEGORIES = {
    "apparel": (0.26, "610910", 18.0, 180.0),
    "electronics": (0.18, "851762", 45.0, 300.0),
    "home": (0.14, "392410", 22.0, 150.0),
    "toys": (0.10, "950300", 15.0, 120.0),
    "footwear": (0.08, "640411", 35.0, 200.0),
    "cosmetics": (0.08, "330499", 20.0, 400.0),
    "bags": (0.06, "420222", 30.0, 150.0),
    "sports": (0.05, "950691", 28.0, 160.0),
    "jewellery": (0.03, "711719", 25.0, 500.0),
    "books": (0.02, "490199", 14.0, 600.0),
}
# service level: share, days from creation to deliver_by (None: no date)
LEVELS = {"express": (0.2, 12), "standard": (0.5, 30), "economy": (0.15, 60), "none": (0.15, None)}
CURRENCY = {
    "ES": "EUR",
    "FR": "EUR",
    "DE": "EUR",
    "IT": "EUR",
    "PT": "EUR",
    "GB": "GBP",
    "US": "USD",
    "RU": "EUR",
    "BR": "USD",
    "ID": "USD",
    "CN": "EUR",
}


def _pick(rng: np.random.Generator, table: dict, n: int) -> np.ndarray:
    keys = list(table)
    shares = np.array([table[k] if isinstance(table[k], float) else table[k][0] for k in keys])
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=shares / shares.sum())]


def _postal(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    out = np.empty(len(country), dtype=object)
    for c, (prefixes, length) in POSTAL.items():
        rows = np.flatnonzero(country == c)
        if not len(rows):
            continue
        share = np.array([s for _, s in prefixes])
        chosen = rng.choice(len(prefixes), size=len(rows), p=share / share.sum())
        digits = rng.integers(0, 10, size=(len(rows), 8))
        for i, row in enumerate(rows):
            prefix = prefixes[chosen[i]][0]
            rest = "".join(map(str, digits[i, : max(length - len(prefix), 0)]))
            out[row] = _postal_format(c, prefix + rest, digits[i])
    return out


def _postal_format(country: str, code: str, digits: np.ndarray) -> str:
    if country == "GB":
        return f"{code[:2].rstrip('0123456789') or code[:1]}{digits[0]} {digits[1]}AB"
    if country == "PT":
        return f"{code}-{digits[5]}{digits[6]}{digits[7]}"
    if country == "BR":
        return f"{code[:5]}-{code[5:]}"
    return code


def sample_orders(n: int, seed: int = 1, start: date = DEFAULT_START) -> pd.DataFrame:
    """`n` orders created over the 7 days from `start`, as an orders table (strings)."""
    rng = np.random.default_rng(seed)
    origin = _pick(rng, ORIGINS, n)
    country = np.where(origin == "ES-MAD-HUB", "CN", _pick(rng, MARKETS, n)).astype(object)
    category = _pick(rng, CATEGORIES, n)
    cat = {
        k: np.array([CATEGORIES[c][i] for c in category])
        for i, k in ((1, "hs"), (2, "value"), (3, "density"))
    }
    weight = np.clip(np.exp(rng.normal(np.log(0.6), 0.9, n)), 0.05, 30.0)
    heavy = rng.random(n) < 0.02
    weight = np.where(heavy, rng.uniform(8, 30, n), weight)
    volume_cm3 = weight / cat["density"].astype(float) * 1e6 * rng.uniform(0.8, 1.6, n)
    sides = _sides(rng, volume_cm3)
    value = np.clip(np.exp(rng.normal(np.log(cat["value"].astype(float)), 0.7)), 1.0, 2500.0)
    battery = np.where(
        category == "electronics",
        _pick(rng, {"in_equipment": 0.6, "none": 0.38, "loose": 0.02}, n),
        "none",
    )
    liquid = (category == "cosmetics") & (rng.random(n) < 0.15)
    created = _created(rng, n, start, origin)
    level = _pick(rng, LEVELS, n)
    return pd.DataFrame(
        {
            "order_id": [f"S{seed}-{i:07d}" for i in range(n)],
            "origin": origin,
            "dest_country": country,
            "dest_postal_code": _postal(rng, country),
            "weight_kg": np.round(weight, 3),
            "length_cm": sides[:, 0],
            "width_cm": sides[:, 1],
            "height_cm": sides[:, 2],
            "value": [f"{v:.2f}" for v in value],
            "currency": [CURRENCY[c] for c in country],
            "category": category,
            "hs_code": cat["hs"],
            "battery": battery,
            "liquid": np.where(liquid, "true", "false"),
            "created_at": [t.isoformat() for t in created],
            "deliver_by": _deadlines(created, level),
        },
        columns=list(COLUMNS),
    )


def _sides(rng: np.random.Generator, volume_cm3: np.ndarray) -> np.ndarray:
    ratios = np.sort(rng.uniform(0.5, 2.0, (len(volume_cm3), 3)), axis=1)[:, ::-1]
    scale = np.cbrt(volume_cm3 / ratios.prod(axis=1))
    return np.clip(np.round(ratios * scale[:, None], 1), 1.0, 150.0)


def _created(rng: np.random.Generator, n: int, start: date, origin: np.ndarray) -> list[datetime]:
    """Creation instants over the week, more by day than by night, in the origin's zone."""
    from zoneinfo import ZoneInfo

    day = rng.integers(0, 7, n)
    hour = np.clip(rng.normal(14, 4, n), 0, 23.99)
    minutes = (day * 1440 + hour * 60).astype(np.int64)
    shanghai, madrid = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Madrid")
    first = datetime(start.year, start.month, start.day)
    return [
        (first + timedelta(minutes=int(m))).replace(
            tzinfo=madrid if o == "ES-MAD-HUB" else shanghai
        )
        for m, o in zip(minutes, origin, strict=True)
    ]


def _deadlines(created: list[datetime], level: np.ndarray) -> list[str]:
    out = []
    for t, lv in zip(created, level, strict=True):
        days = LEVELS[lv][1]
        out.append("" if days is None else (t.date() + timedelta(days=days)).isoformat())
    return out
