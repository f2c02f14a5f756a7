"""Exchange rates: dated rows with their source, looked up at a quote's date.

`data/fx.csv` holds one row per published rate: `date,base,quote,rate,source,confidence`,
meaning 1 `base` = `rate` `quote` from `date` on (until a later row for the pair). A
rate at date D is the latest row on or before D, taken directly, inverted, or crossed
through EUR. Every rate used says which rows it came from, so a quote can state it.

Amounts convert half up to the target currency's minor unit (`Money.times`). Units of
account without a Money precision (the IMF's SDR, `XDR`) are allowed as rates: limits
written in them (300 SDR) are converted to a real currency before comparing.
"""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from carriers.errors import InvalidRule, Problem, UnknownCurrency
from carriers.money import Money, is_currency
from carriers.registry import DEFAULT_WORLD
from routing.cache import cached

# Units of account that rates may be quoted in but that no price is ever written in.
UNITS_OF_ACCOUNT = frozenset({"XDR"})
PIVOT = "EUR"  # cross rates go through the currency every source quotes against
FX_COLUMNS = ("date", "base", "quote", "rate", "source", "confidence")


def is_rate_currency(code: str) -> bool:
    return is_currency(code) or code in UNITS_OF_ACCOUNT


@dataclass(frozen=True)
class FxRate:
    """1 `base` = `rate` `quote`, as published on `as_of` (the oldest row it rests on)."""

    base: str
    quote: str
    rate: Decimal
    as_of: date
    source: str
    confidence: str = "H"

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate:.6g} {self.quote} ({self.as_of}, {self.source})"


@dataclass(frozen=True)
class _Row:
    day: date
    rate: Decimal
    source: str
    confidence: str


class FxRates:
    """Dated rates by currency pair; lookups are bisections over each pair's dates."""

    def __init__(self, rates: list[FxRate], source: Path | None = None) -> None:
        self.source = source
        series: dict[tuple[str, str], list[_Row]] = {}
        for r in rates:
            series.setdefault((r.base, r.quote), []).append(
                _Row(r.as_of, r.rate, r.source, r.confidence)
            )
        for rows in series.values():
            rows.sort(key=lambda row: row.day)
        self._series = series
        self._days = {pair: [row.day for row in rows] for pair, rows in series.items()}
        self._cache: dict[tuple[str, str, date], FxRate] = {}

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(c for pair in self._series for c in pair)

    def rate(self, base: str, quote: str, at: date) -> FxRate:
        """The rate in force at `at`; raises UnknownCurrency when no row reaches it."""
        key = (base, quote, at)
        found = self._cache.get(key)
        if found is None:
            found = self._find(base, quote, at)
            self._cache[key] = found
        return found

    def convert(self, money: Money, to: str, at: date) -> Money:
        """`money` in currency `to`, rounded half up to `to`'s minor unit."""
        if money.currency == to:
            return money
        fx = self.rate(money.currency, to, at)
        return Money.of(money.decimal * fx.rate, to)

    def _find(self, base: str, quote: str, at: date) -> FxRate:
        if base == quote:
            return FxRate(base, quote, Decimal(1), at, "identity")
        direct = self._latest(base, quote, at)
        if direct is not None:
            return direct
        if PIVOT not in (base, quote):
            first, second = self._latest(base, PIVOT, at), self._latest(PIVOT, quote, at)
            if first is not None and second is not None:
                return FxRate(
                    base,
                    quote,
                    first.rate * second.rate,
                    min(first.as_of, second.as_of),
                    f"{_both(first.source, second.source)} (crossed through {PIVOT})",
                    max(first.confidence, second.confidence, key=_CONFIDENCE_ORDER.index),
                )
        where = f" in {self.source}" if self.source else ""
        raise UnknownCurrency(f"no {base}->{quote} exchange rate on or before {at}{where}")

    def _latest(self, base: str, quote: str, at: date) -> FxRate | None:
        for pair, inverse in (((base, quote), False), ((quote, base), True)):
            days = self._days.get(pair)
            if not days:
                continue
            i = bisect.bisect_right(days, at) - 1
            if i < 0:
                continue
            row = self._series[pair][i]
            rate = Decimal(1) / row.rate if inverse else row.rate
            return FxRate(base, quote, rate, row.day, row.source, row.confidence)
        return None


_CONFIDENCE_ORDER = ("H", "M", "L")


def _both(first: str, second: str) -> str:
    return first if first == second else f"{first}; {second}"


def read_fx(path: Path) -> FxRates:
    """Parse an fx.csv; every bad row is reported as `path:line: field: message`."""
    problems: list[Problem] = []
    rates: list[FxRate] = []
    seen: dict[tuple[date, str, str], int] = {}
    directions: dict[frozenset[str], tuple[str, str, int]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        numbered = [(n, text) for n, text in enumerate(handle, 1) if not text.startswith("#")]
    reader = csv.DictReader(text for _, text in numbered)
    missing = [c for c in FX_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidRule(
            f"{path}: missing column(s) {', '.join(missing)}",
            (Problem(f"{path}:1", "header", f"missing column(s) {', '.join(missing)}"),),
        )
    for row in reader:
        line = numbered[reader.line_num - 1][0]
        rate = _fx_row(row, f"{path}:{line}", problems)
        if rate is None:
            continue
        key = (rate.as_of, rate.base, rate.quote)
        if key in seen:
            problems.append(
                Problem(f"{path}:{line}", "date", f"duplicate rate (first at line {seen[key]})")
            )
            continue
        seen[key] = line
        directions.setdefault(frozenset((rate.base, rate.quote)), (rate.base, rate.quote, line))
        base, quote, first = directions[frozenset((rate.base, rate.quote))]
        if (rate.base, rate.quote) != (base, quote):
            problems.append(
                Problem(
                    f"{path}:{line}",
                    "base",
                    f"write each pair one way: {base}->{quote} at line {first}",
                )
            )
            continue
        rates.append(rate)
    if problems:
        lines = "\n".join(str(p) for p in problems)
        raise InvalidRule(f"{path} has {len(problems)} problem(s):\n{lines}", tuple(problems))
    return FxRates(rates, path)


def _fx_row(row: dict[str, str], where: str, problems: list[Problem]) -> FxRate | None:
    before = len(problems)
    day = None
    try:
        day = date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        problems.append(Problem(where, "date", f"must be YYYY-MM-DD, got {row.get('date')!r}"))
    codes = {}
    for column in ("base", "quote"):
        code = (row.get(column) or "").strip()
        if not is_rate_currency(code):
            problems.append(Problem(where, column, f"unknown currency {code!r}"))
        codes[column] = code
    try:
        rate: Decimal | None = Decimal((row.get("rate") or "").strip())
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or rate <= 0:
        problems.append(Problem(where, "rate", f"must be a number > 0, got {row.get('rate')!r}"))
    confidence = (row.get("confidence") or "").strip()
    if confidence not in _CONFIDENCE_ORDER:
        problems.append(Problem(where, "confidence", f"must be H, M or L, got {confidence!r}"))
    if not (row.get("source") or "").strip():
        problems.append(Problem(where, "source", "is required"))
    if len(problems) > before or day is None or rate is None:
        return None
    source = (row.get("source") or "").strip()
    return FxRate(codes["base"], codes["quote"], rate, day, source, confidence)


DEFAULT_FX = DEFAULT_WORLD / "fx.csv"


@cached(8)
def _load(path: Path) -> FxRates:
    return read_fx(path)


def load_fx(path: str | Path | None = None) -> FxRates:
    """The rates of an fx.csv (default `data/fx.csv`), read once per path and cached."""
    chosen = Path(path) if path is not None else DEFAULT_FX
    if not chosen.is_file():
        raise InvalidRule(
            f"{chosen}: exchange-rate file is missing",
            (Problem(f"{chosen}:1", "fx.csv", "file is missing"),),
        )
    return _load(chosen.resolve())
