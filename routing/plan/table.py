"""The orders table of a batch plan: read, validated column by column, held as arrays.

One row is one order with one parcel and one line of goods (the order contract flattened):
`order_id, origin, dest_country, dest_postal_code, weight_kg, length_cm, width_cm,
height_cm, value, currency, category, hs_code, battery, liquid, created_at, deliver_by`,
and the optional seller columns `seller_ioss_registered, seller_remessa_conforme,
seller_cross_border_marketplace` (true/false; a column left out is false for every row:
the `Seller` of `routing.orders`). CSV always; Parquet when pyarrow is installed (a null
cell is an empty one). Every bad cell is reported as `path:line: field: message` (line 1
is the header); the run stops unless the caller keeps the valid rows (`--skip-invalid`),
and then the bad rows are returned as `InvalidRow`s so the plan lists them as `invalid`.
Given a `DateWindow` (`routing.coverage`), a row created on a day outside it is such a
bad row: the planner never computes on dates its data does not cover. A file that is not
a table at all (empty, not Parquet, a directory) is one `InvalidPlanInput` naming it.

What customs needs of an order, and what the table assumes (docs/plan-orders.md): the
goods are one line (its HS code, category and total value; the quantity changes no
duty), the seller's programmes are the columns above, the day of creation is the one
`created_at` is written in (a quote at checkout applies the rules and rates of that
day), duties and taxes are paid at checkout (DDP), and the buyer's ids are not carried:
they change no amount, and a route that needs one is assumed to get it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from carriers.errors import InvalidPlanInput, Problem
from carriers.model import BatteryClass, GoodsCategory
from routing.calendar import MINUTES_PER_DAY
from routing.coverage import DateWindow
from routing.network import Network
from routing.orders.model import MAX_PARCEL_KG, MAX_SIDE_CM, Seller
from routing.plan import cells
from routing.plan.cells import NO_DEADLINE as NO_DEADLINE  # the planner reads it here
from routing.plan.cells import Checks

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
# the seller's programmes (the fields of routing.orders.Seller), bit i of OrdersTable.seller
SELLER_FLAGS = tuple(f.name for f in fields(Seller))
OPTIONAL_COLUMNS = tuple(f"seller_{name}" for name in SELLER_FLAGS)  # empty or absent: false
PARQUET = (".parquet", ".pq")
BATTERIES = {b.value: b.rank for b in BatteryClass}


def _unset() -> np.ndarray:
    return np.zeros(0, dtype=np.int8)


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
    # left out (tables built in code): no programme, created_at written in UTC
    seller: np.ndarray = field(default_factory=_unset)  # int8, bit i: SELLER_FLAGS[i]
    utc_offset_min: np.ndarray = field(default_factory=_unset)  # int16, created_at's offset

    def __post_init__(self) -> None:
        n = len(self.order_id)
        for name, dtype in (("seller", np.int8), ("utc_offset_min", np.int16)):
            given = getattr(self, name)
            if len(given) != n:
                if len(given):
                    raise ValueError(f"OrdersTable.{name} has {len(given)} entries, not {n}")
                object.__setattr__(self, name, np.zeros(n, dtype=dtype))

    def __len__(self) -> int:
        return len(self.order_id)

    @cached_property
    def volume_m3(self) -> np.ndarray:
        return self.length_cm * self.width_cm * self.height_cm / 1e6

    @cached_property
    def created_day(self) -> np.ndarray:
        """The day number of creation as `created_at` is written (at its own offset): the
        day whose rules and rates a quote at checkout applies."""
        return (self.created_min + self.utc_offset_min) // MINUTES_PER_DAY

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


def read_table(path: Path, what: str = "orders table") -> pd.DataFrame:
    """The raw table, every cell a string ("" where the file has none); `what` names the
    table in errors."""
    if path.is_dir():
        raise InvalidPlanInput(f"{path}: cannot read the {what}: it is a directory")
    if path.suffix.lower() in PARQUET:
        return text_cells(_read_parquet(path, what))
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InvalidPlanInput(f"{path}: the {what} is empty (not even a header)") from None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InvalidPlanInput(f"{path}: cannot read the {what}: {exc}") from None


def _read_parquet(path: Path, what: str) -> pd.DataFrame:
    try:
        import pyarrow as pa
    except ImportError:
        raise InvalidPlanInput(f"{path}: reading Parquet needs pyarrow; give a CSV") from None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:  # ArrowInvalid: not Parquet
        first = str(exc).strip().split("\n", 1)[0]
        raise InvalidPlanInput(f"{path}: cannot read the {what} as Parquet: {first}") from None


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
    given = COLUMNS + tuple(c for c in OPTIONAL_COLUMNS if c in frame.columns)
    text = {c: cells.stripped(frame[c]) for c in given}
    checks = Checks(len(frame), COLUMNS + OPTIONAL_COLUMNS)
    parsed = _parse(text, checks, network, window)
    found = checks.problems()
    if found and not skip_invalid:
        problems = [Problem(f"{where}:{r + 2}", f, m) for r, f, m in found]
        raise InvalidPlanInput(f"{where}: {len(checks.bad_rows())} invalid row(s)", problems)
    keep = np.flatnonzero(~checks.failed)
    table = OrdersTable(
        line=np.arange(len(frame), dtype=np.int64)[keep] + 2,
        **{k: v[keep] for k, v in parsed.items()},
    )
    first: dict[int, InvalidRow] = {}  # one entry per invalid row: its first problem
    for r, f, m in found:
        first.setdefault(r, InvalidRow(r + 2, str(text["order_id"][r]), f, m))
    return table, [first[r] for r in sorted(first)]


def _parse(
    text: dict[str, np.ndarray], c: Checks, network: Network, window: DateWindow | None
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    cells.order_ids(text["order_id"], c)
    out["order_id"] = text["order_id"]
    origin = text["origin"]
    bad = ~cells.isin(origin, set(network.origins))
    c.fail(
        bad,
        "origin",
        (f"unknown origin {o!r} (not a warehouse or hub of the network)" for o in origin[bad]),
    )
    out["origin"] = origin
    out["dest_country"] = cells.countries(text["dest_country"], c)
    cells.postal_codes(out["dest_country"], text["dest_postal_code"], c)
    out["dest_postal_code"] = text["dest_postal_code"]
    out["weight_kg"] = cells.positive(text["weight_kg"], "weight_kg", c, MAX_PARCEL_KG)
    for name in ("length_cm", "width_cm", "height_cm"):
        out[name] = cells.positive(text[name], name, c, MAX_SIDE_CM)
    out["currency"] = text["currency"]
    out["value_minor"] = cells.amounts(text["value"], text["currency"], c)
    goods = [g.value for g in GoodsCategory]
    out["category"] = cells.enum(text["category"], "category", goods, c)
    hs = np.array([x.replace(".", "") for x in text["hs_code"]], dtype=object)
    ok = np.array([x.isdigit() and 6 <= len(x) <= 10 for x in hs], dtype=bool)
    c.fail(~ok, "hs_code", "must be 6-10 digits")
    out["hs_code"] = hs
    battery = np.where(text["battery"] == "", "none", text["battery"])
    cells.enum(battery, "battery", list(BATTERIES), c)
    out["battery"] = np.array([BATTERIES.get(b, 0) for b in battery], dtype=np.int8)
    out["liquid"] = cells.flags(text["liquid"], "liquid", c)
    out["created_min"], out["utc_offset_min"] = cells.created(text["created_at"], c, window)
    out["deliver_by"] = cells.deadlines(text["deliver_by"], c)
    out["seller"] = np.zeros(len(origin), dtype=np.int8)
    for bit, name in enumerate(OPTIONAL_COLUMNS):
        if name in text:
            out["seller"] |= cells.flags(text[name], name, c).astype(np.int8) << bit
    return out


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
