"""Sample orders for a batch plan: a realistic, fixed-seed mix of demand, shaped by a
profile.

Origins, markets, goods and service levels follow the default world's shape: most volume
leaves the Chinese warehouses for Spain, the rest of the EU, the UK, the US, Russia,
Brazil and Indonesia; a tenth is the reverse flow from the Madrid hub into China, in
goods that China's cross-border e-commerce positive list admits (`EXPORTS_TO_CN`). Weights
are log-normal (median ~0.6 kg, a tail to 30 kg), sizes follow weight through a density
per category, values are log-normal per category. A fifth of the orders promise express
delivery, half standard, some economy, the rest no date.

`n` is the base volume, the orders of an ordinary week. A profile says over which days
orders are created and with what goods: each day has a weight against an ordinary day
(n/7 orders) and an electronics share (`Demand`); a profile's table holds as many orders
as its days weigh.

- `normal`: an ordinary week, 7 days at weight 1, the base mix. The default world's
  booked capacity is sized for 100,000 orders of this week (docs/world.md).
- `peak`: the 11.11 week; 10, 11 and 12 November at 3x an ordinary day, electronics-heavy.
- `cny`: the weeks around the Chinese New Year closure of the origin warehouses, dated by
  data/calendar/closures.csv.

Same n, seed, start and profile, same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from carriers.errors import InvalidPlanInput
from routing.calendar import Closures, load_closures
from routing.plan.table import COLUMNS

# Monday 19 October 2026: a week without a public holiday in China or any of the ten
# markets (checked with the `holidays` package), twelve days after Golden Week's backlog
# and three weeks before 11.11: the ordinary week the default world is sized for.
DEFAULT_START = date(2026, 10, 19)
PEAK_START = date(2026, 11, 9)  # the Monday of the 11.11 week of 2026
PROFILES = ("normal", "peak", "cny")

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
_ELECTRONICS = CATEGORIES["electronics"][0]
# The reverse flow (Madrid hub -> China, cross-border e-commerce): Spain sells China
# cosmetics, fashion and bags (and food and wine, which these categories do not carry),
# and a merchant on that channel ships only goods its positive list admits
# (data/customs/cn.toml, cn.cbec.positive-list): these categories' HS codes are on it.
EXPORTS_TO_CN = {"cosmetics": 0.35, "apparel": 0.3, "bags": 0.25, "toys": 0.1}
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
            out[row] = postal_format(c, prefix + rest, digits[i])
    return out


def postal_format(country: str, code: str, digits: np.ndarray) -> str:
    if country == "GB":
        return f"{code[:2].rstrip('0123456789') or code[:1]}{digits[0]} {digits[1]}AB"
    if country == "PT":
        return f"{code}-{digits[5]}{digits[6]}{digits[7]}"
    if country == "BR":
        return f"{code[:5]}-{code[5:]}"
    return code


# peak, illustrative: 11.11 (Singles' Day) is the year's largest sale of Chinese
# e-commerce; its three days carry 3x an ordinary day and lead with phones, gadgets and
# accessories, so electronics double their share of those days' orders.
SURGE_DAYS = (10, 11, 12)  # of November
SURGE = 3.0
SURGE_ELECTRONICS = 0.36
# cny, illustrative: buyers order ahead in the week before the warehouses close (1.5x),
# fewer order while shops show the holiday's handling times (0.5x), then demand is
# ordinary again. The closure itself is data: the Spring Festival rows of closures.csv.
SPRING_FESTIVAL = "cn-spring-festival-"  # closures.csv ids
CNY_RUSH, CNY_CLOSED = 1.5, 0.5
CNY_MARGIN_DAYS = 7  # days sampled on either side of the closure (widened to whole weeks)


@dataclass(frozen=True)
class Demand:
    """The days a sample's orders are created on, from `first`: each day's weight against
    an ordinary day (1.0) and its share of electronics."""

    first: date
    weight: tuple[float, ...]
    electronics: tuple[float, ...]

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(len(self.weight))]

    def orders(self, n: int) -> int:
        """How many orders these days hold when an ordinary week holds `n`."""
        return round(n * sum(self.weight) / 7)


def demand(profile: str, start: date | None = None, closures: Closures | None = None) -> Demand:
    """The days of a profile (see `sample_orders`); `closures` defaults to the default
    world's calendar (read only for `cny`)."""
    if profile == "normal":
        return _normal(start or DEFAULT_START)
    if profile == "peak":
        return _peak(start or PEAK_START)
    if profile == "cny":
        return _cny(start or DEFAULT_START, load_closures() if closures is None else closures)
    raise InvalidPlanInput(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")


def _normal(start: date) -> Demand:
    """An ordinary week: it stresses nothing on purpose. 100,000 of its orders are the
    volume the default world's booked capacity is sized for."""
    return Demand(start, (1.0,) * 7, (_ELECTRONICS,) * 7)


def _peak(start: date) -> Demand:
    """11.11: the week from `start`, whose 10, 11 and 12 November carry 3x an ordinary day,
    electronics-heavy: 13 ordinary days' orders in 7. It stresses the line-haul capacity
    booked for an ordinary week: the week's air and rail demand is close to twice that
    capacity, denser and more often with batteries, and the express orders of the three
    days must fly within days of each other."""
    surge = {date(start.year, 11, d) for d in SURGE_DAYS}
    days = [start + timedelta(days=i) for i in range(7)]
    if not surge <= set(days):
        raise InvalidPlanInput(
            f"the peak profile's week must hold 10-12 November; the week from {start} does not"
        )
    return Demand(
        start,
        tuple(SURGE if d in surge else 1.0 for d in days),
        tuple(SURGE_ELECTRONICS if d in surge else _ELECTRONICS for d in days),
    )


def _cny(start: date, closures: Closures) -> Demand:
    """The weeks around the first Spring Festival closure of the origin warehouses that
    ends on or after `start`: from the Monday of the week before it to the Sunday of the
    week after. It stresses the calendar: orders made while the warehouses are closed wait
    for them to reopen, so the departures after the restart take the closure's backlog
    on top of their own week, and deadlines run out while the parcels wait."""
    found = sorted(
        (c for c in closures.items if c.id.startswith(SPRING_FESTIVAL) and c.last_day >= start),
        key=lambda c: c.first_day,
    )
    if not found:
        raise InvalidPlanInput(
            f"the calendar has no Spring Festival closure ending on or after {start}"
        )
    closed = found[0]
    rush = closed.first_day - timedelta(days=CNY_MARGIN_DAYS)
    first = rush - timedelta(days=rush.weekday())
    after = closed.last_day + timedelta(days=CNY_MARGIN_DAYS)
    days = [first + timedelta(days=i) for i in range((after - first).days + 7 - after.weekday())]

    def weight(d: date) -> float:
        if rush <= d < closed.first_day:
            return CNY_RUSH
        return CNY_CLOSED if closed.first_day <= d <= closed.last_day else 1.0

    return Demand(first, tuple(weight(d) for d in days), (_ELECTRONICS,) * len(days))


def sample_orders(
    n: int,
    seed: int = 1,
    start: date | None = None,
    profile: str = "normal",
    closures: Closures | None = None,
) -> pd.DataFrame:
    """The orders of a business whose ordinary week holds `n`, over the days of `profile`,
    as an orders table (strings).

    `n` is the base volume: an ordinary day holds n/7 orders and each day of the profile
    its weight times that (`demand`), so the table has `Demand.orders(n)` rows:

    - `normal`: the 7 days from `start` (default Monday 2026-10-19): n rows;
    - `peak`: the 7 days from `start` (default 2026-11-09), which must hold 10-12 November,
      each of those at 3x: 13/7 n rows (185,714 for n = 100,000);
    - `cny`: the weeks around the first Spring Festival closure of `closures` ending on or
      after `start` (default 2026-10-19, so February 2027): 31/7 n rows for 2027's.
    """
    shape = demand(profile, start, closures)
    rng = np.random.default_rng(seed)
    weights = np.array(shape.weight)
    n = shape.orders(n)
    day = rng.choice(len(weights), size=n, p=weights / weights.sum())
    origin = _pick(rng, ORIGINS, n)
    country = np.where(origin == "ES-MAD-HUB", "CN", _pick(rng, MARKETS, n)).astype(object)
    category = _categories(rng, np.array(shape.electronics)[day])
    to_cn = np.flatnonzero(origin == "ES-MAD-HUB")  # own stream: the rest stays as it was
    category[to_cn] = _pick(np.random.default_rng([seed, 86]), EXPORTS_TO_CN, len(to_cn))
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
    created = _created(rng, day, shape.first, origin)
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


def _categories(rng: np.random.Generator, electronics: np.ndarray) -> np.ndarray:
    """A category per order; electronics at the order's own share, the others in their
    base proportions."""
    keys = np.array(list(CATEGORIES), dtype=object)
    base = np.array([CATEGORIES[k][0] for k in keys])
    base = base / base.sum()
    is_e = keys == "electronics"
    draw = rng.random(len(electronics))
    out = np.empty(len(electronics), dtype=object)
    for share in np.unique(electronics):
        rows = electronics == share
        p = np.where(is_e, share, base * (1 - share) / (1 - base[is_e].sum()))
        index = np.searchsorted(np.cumsum(p), draw[rows], side="right")
        out[rows] = keys[np.minimum(index, len(keys) - 1)]
    return out


def _sides(rng: np.random.Generator, volume_cm3: np.ndarray) -> np.ndarray:
    ratios = np.sort(rng.uniform(0.5, 2.0, (len(volume_cm3), 3)), axis=1)[:, ::-1]
    scale = np.cbrt(volume_cm3 / ratios.prod(axis=1))
    return np.clip(np.round(ratios * scale[:, None], 1), 1.0, 150.0)


def _created(
    rng: np.random.Generator, day: np.ndarray, start: date, origin: np.ndarray
) -> list[datetime]:
    """Creation instants on each order's day from `start`, more by day than by night, in
    the origin's zone."""
    from zoneinfo import ZoneInfo

    hour = np.clip(rng.normal(14, 4, len(day)), 0, 23.99)
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
