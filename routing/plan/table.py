"""The orders table of a batch plan: read, validated column by column, held as arrays.

One row is one order with one parcel and one line of goods (the order contract flattened):
`order_id, origin, dest_country, dest_postal_code, weight_kg, length_cm, width_cm,
height_cm, value, currency, category, hs_code, battery, liquid, created_at, deliver_by`.
CSV always; Parquet when pyarrow is installed (a null cell is an empty one). Every bad
cell is reported as `path:line: field: message` (line 1 is the header); the run stops
unless the caller keeps the valid rows (`--skip-invalid`), and then the bad rows are
returned as `InvalidRow`s so the plan lists them as `invalid`. Given a `DateWindow`
(`routing.coverage`), a row created on a day outside it is such a bad row: the planner
never computes on dates its data does not cover. A file that is not a table at all (empty,
not Parquet, a directory) is one `InvalidPlanInput` naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from carriers.errors import InvalidPlanInput, Problem
from carriers.model import BatteryClass, GoodsCategory
from carriers.money import MAX_AMOUNT_DIGITS, MINOR_UNITS
from carriers.places import iso_countries
from routing.calendar import day_date, day_number
from routing.coverage import DateWindow
from routing.network import Network
from routing.orders.model import MAX_PARCEL_KG, MAX_SIDE_CM
from routing.orders.postal import postal_problem

COLUMNS = (
    "order_id",
    "origin",
    "dest_country",
    "dest_postal_code",
    "weight_kg",
    "length_cm",
    "width_cm",
    "height_cm",
    "value",
    "currency",
    "category",
    "hs_code",
    "battery",
    "liquid",
    "created_at",
    "deliver_by",
)
NO_DEADLINE = np.iinfo(np.int64).max // 4  # day number of an order without deliver_by
_EPOCH = np.datetime64("1970-01-01", "D")
PARQUET = (".parquet", ".pq")
BATTERIES = {b.value: b.rank for b in BatteryClass}
TRUE, FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True)
class OrdersTable:
    """Valid orders as arrays, one entry per order, in input order."""

    line: np.ndarray  # int64, line of the input file (1 = header)
    order_id: np.ndarray  # object (str)
    origin: np.ndarray  # object (node id)
    dest_country: np.ndarray  # object
    dest_postal_code: np.ndarray  # object
    weight_kg: np.ndarray  # float64
    length_cm: np.ndarray
    width_cm: np.ndarray
    height_cm: np.ndarray
    value_minor: np.ndarray  # int64, minor units of `currency`
    currency: np.ndarray  # object
    category: np.ndarray  # object (GoodsCategory value)
    hs_code: np.ndarray  # object, digits only
    battery: np.ndarray  # int8, BatteryClass rank
    liquid: np.ndarray  # bool
    created_min: np.ndarray  # int64, UTC minutes since the epoch
    deliver_by: np.ndarray  # int64, day number (days since 1970-01-01) or NO_DEADLINE

    def __len__(self) -> int:
        return len(self.order_id)

    @cached_property
    def volume_m3(self) -> np.ndarray:
        return self.length_cm * self.width_cm * self.height_cm / 1e6

    def take(self, index: np.ndarray) -> OrdersTable:
        return OrdersTable(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def with_ids(self, order_id: np.ndarray) -> OrdersTable:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return OrdersTable(**{**values, "order_id": order_id})


@dataclass(frozen=True)
class InvalidRow:
    line: int
    order_id: str
    field: str
    message: str


def read_table(path: Path) -> pd.DataFrame:
    """The raw table, every cell a string ("" where the file has none)."""
    if path.is_dir():
        raise InvalidPlanInput(f"{path}: cannot read the orders table: it is a directory")
    if path.suffix.lower() in PARQUET:
        return text_cells(_read_parquet(path))
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InvalidPlanInput(f"{path}: the orders table is empty (not even a header)") from None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InvalidPlanInput(f"{path}: cannot read the orders table: {exc}") from None


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        import pyarrow as pa
    except ImportError:
        raise InvalidPlanInput(f"{path}: reading Parquet needs pyarrow; give a CSV") from None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:  # ArrowInvalid: not Parquet
        first = str(exc).strip().split("\n", 1)[0]
        raise InvalidPlanInput(
            f"{path}: cannot read the orders table as Parquet: {first}"
        ) from None


def text_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A typed table (Parquet's) as the text its cells print as; a null one (None, NaN,
    NaT) as "", as an empty CSV cell reads."""
    return frame.astype(str).where(frame.notna(), "")


def load_orders(
    path: str | Path,
    network: Network,
    skip_invalid: bool = False,
    window: DateWindow | None = None,
) -> tuple[OrdersTable, list[InvalidRow]]:
    """Read and validate an orders table. Raises InvalidPlanInput listing every bad cell,
    unless `skip_invalid`: then the valid rows come back with the invalid ones. With a
    `window`, a row created outside it is a bad row."""
    path = Path(path)
    return validate_orders(read_table(path), network, str(path), skip_invalid, window)


def validate_orders(
    frame: pd.DataFrame,
    network: Network,
    where: str = "orders",
    skip_invalid: bool = False,
    window: DateWindow | None = None,
) -> tuple[OrdersTable, list[InvalidRow]]:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidPlanInput(
            f"{where}: the orders table lacks {len(missing)} required column(s)",
            [Problem(f"{where}:1", "header", f"missing column(s) {', '.join(missing)}")],
        )
    cells = {c: _stripped(frame[c]) for c in COLUMNS}
    checks = _Checks(len(frame))
    parsed = _parse(cells, checks, network, window)
    bad = checks.bad_rows()
    problems = checks.problems(where, cells["order_id"])
    if problems and not skip_invalid:
        raise InvalidPlanInput(f"{where}: {len(bad)} invalid row(s)", problems)
    keep = np.flatnonzero(~checks.failed)
    table = OrdersTable(
        line=np.arange(len(frame), dtype=np.int64)[keep] + 2,
        **{k: v[keep] for k, v in parsed.items()},
    )
    invalid = [
        InvalidRow(int(p.where.rsplit(":", 1)[1]), oid, p.field, p.message)
        for p, oid in zip(problems, checks.ids(cells["order_id"]), strict=True)
    ]
    return table, _first_per_row(invalid)


def _stripped(column: pd.Series) -> np.ndarray:
    return np.array([str(x).strip() for x in column.tolist()], dtype=object)


def _isin(values: np.ndarray, allowed: Iterable[str]) -> np.ndarray:
    return pd.Series(values, dtype=object).isin(list(allowed)).to_numpy()


def _first_per_row(rows: list[InvalidRow]) -> list[InvalidRow]:
    """One entry per invalid row (its first problem), so each order appears once."""
    seen: dict[int, InvalidRow] = {}
    for r in rows:
        seen.setdefault(r.line, r)
    return sorted(seen.values(), key=lambda r: r.line)


class _Checks:
    """Collects failing cells per column as boolean masks, with a message per cell."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.failed = np.zeros(n, dtype=bool)
        self._found: list[tuple[np.ndarray, str, list[str]]] = []

    def fail(self, mask: np.ndarray, field: str, messages: Iterable[str] | str) -> None:
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        texts = [messages] * len(rows) if isinstance(messages, str) else list(messages)
        self.failed[rows] = True
        self._found.append((rows, field, texts))

    def _sorted(self) -> list[tuple[int, str, str]]:
        out = [(int(r), f, m) for rows, f, ms in self._found for r, m in zip(rows, ms, strict=True)]
        return sorted(out, key=lambda t: (t[0], COLUMNS.index(t[1]) if t[1] in COLUMNS else 99))

    def problems(self, where: str, ids: np.ndarray) -> list[Problem]:
        return [Problem(f"{where}:{r + 2}", f, m) for r, f, m in self._sorted()]

    def ids(self, ids: np.ndarray) -> list[str]:
        return [str(ids[r]) for r, _, _ in self._sorted()]

    def bad_rows(self) -> np.ndarray:
        return np.flatnonzero(self.failed)


def _parse(
    cells: dict[str, np.ndarray], c: _Checks, network: Network, window: DateWindow | None
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    _ids(cells["order_id"], c)
    out["order_id"] = cells["order_id"]
    origins = set(network.origins)
    origin = cells["origin"]
    bad = ~_isin(origin, origins)
    c.fail(
        bad,
        "origin",
        (f"unknown origin {o!r} (not a warehouse or hub of the network)" for o in origin[bad]),
    )
    out["origin"] = origin
    country = np.array([x.upper() for x in cells["dest_country"]], dtype=object)
    bad = ~_isin(country, list(iso_countries()))
    c.fail(bad, "dest_country", (f"unknown ISO 3166-1 alpha-2 country {x!r}" for x in country[bad]))
    out["dest_country"] = country
    postal = cells["dest_postal_code"]
    c.fail(postal == "", "dest_postal_code", "is required")
    _postal_codes(country, postal, c)
    out["dest_postal_code"] = postal
    out["weight_kg"] = _positive(cells["weight_kg"], "weight_kg", c, MAX_PARCEL_KG)
    for name in ("length_cm", "width_cm", "height_cm"):
        out[name] = _positive(cells[name], name, c, MAX_SIDE_CM)
    out["currency"] = cells["currency"]
    bad = ~_isin(cells["currency"], list(MINOR_UNITS))
    c.fail(bad, "currency", (f"unknown currency {x!r}" for x in cells["currency"][bad]))
    out["value_minor"] = _value(cells["value"], cells["currency"], c)
    out["category"] = _enum(cells["category"], "category", [g.value for g in GoodsCategory], c)
    hs = np.array([x.replace(".", "") for x in cells["hs_code"]], dtype=object)
    ok = np.array([x.isdigit() and 6 <= len(x) <= 10 for x in hs], dtype=bool)
    c.fail(~ok, "hs_code", "must be 6-10 digits")
    out["hs_code"] = hs
    battery = np.where(cells["battery"] == "", "none", cells["battery"])
    _enum(battery, "battery", list(BATTERIES), c)
    out["battery"] = np.array([BATTERIES.get(b, 0) for b in battery], dtype=np.int8)
    liquid = np.array([x.lower() for x in cells["liquid"]], dtype=object)
    bad = ~_isin(liquid, list(TRUE | FALSE))
    c.fail(bad, "liquid", (f"must be true or false, got {x!r}" for x in cells["liquid"][bad]))
    out["liquid"] = _isin(liquid, list(TRUE))
    out["created_min"] = _created(cells["created_at"], c, window)
    out["deliver_by"] = _deadline(cells["deliver_by"], c)
    return out


def _ids(ids: np.ndarray, c: _Checks) -> None:
    c.fail(ids == "", "order_id", "is required")
    series = pd.Series(ids)
    dup = series.duplicated(keep="first").to_numpy() & (ids != "")
    if dup.any():
        first = {v: i for i, v in reversed(list(enumerate(ids)))}
        c.fail(
            dup,
            "order_id",
            (
                f"duplicate order_id {ids[i]!r} (first at line {first[ids[i]] + 2})"
                for i in np.flatnonzero(dup)
            ),
        )


def _postal_codes(country: np.ndarray, postal: np.ndarray, c: _Checks) -> None:
    """Each row's postal code in its country's format, as an order's (routing.orders)."""
    known = iso_countries()
    wrong = [
        postal_problem(k, p.strip()) if p and k in known else None
        for k, p in zip(country, postal, strict=True)
    ]
    bad = np.array([w is not None for w in wrong], dtype=bool)
    c.fail(bad, "dest_postal_code", (w for w in wrong if w is not None))


def _positive(text: np.ndarray, name: str, c: _Checks, most: float) -> np.ndarray:
    """Numbers > 0 and at most `most` (the order's ranges: routing.orders.model)."""
    values = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values > 0))
    c.fail(bad, name, (f"must be a number > 0, got {t!r}" for t in text[bad]))
    over = ~bad & (values > most)
    c.fail(over, name, (f"must be at most {most:g}, got {t!r}" for t in text[over]))
    return np.where(bad | over, 1.0, values)


def _value(text: np.ndarray, currency: np.ndarray, c: _Checks) -> np.ndarray:
    values = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values > 0))
    c.fail(bad, "value", (f"must be a decimal amount > 0, got {t!r}" for t in text[bad]))
    over = ~bad & (values >= 10.0**MAX_AMOUNT_DIGITS)
    digits = f"must have at most {MAX_AMOUNT_DIGITS} digits before the point"
    c.fail(over, "value", (f"{digits}, got {t!r}" for t in text[over]))
    bad |= over
    scale = np.array([10 ** MINOR_UNITS.get(x, 2) for x in currency], dtype=np.float64)
    return np.where(bad, 1, np.floor(values * scale + 0.5)).astype(np.int64)


def _enum(values: np.ndarray, name: str, allowed: list[str], c: _Checks) -> np.ndarray:
    bad = ~_isin(values, allowed)
    c.fail(bad, name, (f"must be one of {', '.join(allowed)}, got {v!r}" for v in values[bad]))
    return values


def _created(text: np.ndarray, c: _Checks, window: DateWindow | None) -> np.ndarray:
    series = pd.Series(text, dtype=object)
    parsed = pd.to_datetime(series, errors="coerce", utc=True, format="ISO8601")
    naive = ~series.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True).to_numpy(dtype=bool)
    bad = parsed.isna().to_numpy()
    c.fail(bad, "created_at", (f"must be an ISO 8601 date-time, got {t!r}" for t in text[bad]))
    c.fail(naive & ~bad, "created_at", "must carry a UTC offset (e.g. 2026-11-09T10:00:00+08:00)")
    minutes = parsed.to_numpy(dtype="datetime64[m]", na_value=np.datetime64(0, "m"))
    minutes = minutes.astype(np.int64)
    if window is not None:
        day = (minutes + _offset_minutes(series)) // 1440  # the day as written, at its offset
        first, last = day_number(window.first), day_number(window.last)
        outside = ~bad & ~naive & ((day < first) | (day > last))
        c.fail(outside, "created_at", (str(window.problem(day_date(int(d)))) for d in day[outside]))
    return minutes


def _offset_minutes(series: pd.Series) -> np.ndarray:
    """The UTC offset each date-time is written at, in minutes (0 for Z or none)."""
    parts = series.str.extract(r"([+-])(\d\d):?(\d\d)$")
    hours, mins = (pd.to_numeric(parts[k], errors="coerce").fillna(0).to_numpy() for k in (1, 2))
    sign = np.where(parts[0].to_numpy(dtype=object) == "-", -1, 1)
    return (sign * (hours * 60 + mins)).astype(np.int64)


def _deadline(text: np.ndarray, c: _Checks) -> np.ndarray:
    given = text != ""
    parsed = pd.to_datetime(pd.Series(text), errors="coerce", format="%Y-%m-%d")
    bad = given & parsed.isna().to_numpy()
    c.fail(bad, "deliver_by", (f"must be a date YYYY-MM-DD, got {t!r}" for t in text[bad]))
    days = parsed.to_numpy(dtype="datetime64[D]", na_value=_EPOCH) - _EPOCH
    return np.where(given & ~bad, days.astype(np.int64), NO_DEADLINE)


def resample(table: OrdersTable, factor: float, seed: int) -> OrdersTable:
    """A demand scenario: `factor` times as many orders, drawn with a fixed seed.

    Every original order is kept floor(factor) times (copies get the id suffix `~2`,
    `~3`, ...); the fractional part is drawn without replacement. A factor below 1 keeps
    a random subset. The result is in input order, copies after their original.
    """
    n = len(table)
    whole, frac = int(factor), factor - int(factor)
    rng = np.random.default_rng(seed)
    extra = np.sort(rng.choice(n, size=round(frac * n), replace=False)) if n else np.array([], int)
    copies = np.concatenate([np.repeat(np.arange(n), whole), extra])
    index = np.sort(copies, kind="stable")
    copy_no = _copy_numbers(index)
    ids = np.array(
        [
            oid if k == 1 else f"{oid}~{k}"
            for oid, k in zip(table.order_id[index], copy_no, strict=True)
        ],
        dtype=object,
    )
    return table.take(index).with_ids(ids)


def _copy_numbers(index: np.ndarray) -> np.ndarray:
    """1 for the first copy of each index in a sorted array, 2 for the second, ..."""
    if not len(index):
        return index
    start = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    run = np.repeat(start, np.diff(np.r_[start, len(index)]))
    return np.arange(len(index)) - run + 1
