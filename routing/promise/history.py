"""Shipment histories: read a user's table robustly, under their own column names.

One row per shipment. glocal's names for the columns (map yours with `parse_columns`):

- `shipped_at`, `delivered_at` (required): dates or date-times: ISO 8601 with or without
  an offset, `2-Jun-06`, `6/2/06`, `02/06/2006`...; each column is read in the format
  that reads most of its values;
- `service`: what a transit distribution is fitted for (a service id, a product), else
  `mode`; `lane`: a lane id, else `origin>destination`, else `destination`;
- `promised_at`: the shipper's own promised date, evaluated beside glocal's;
- `shipment_id`; `origin`, `destination`, `mode` (used when `service` or `lane` are absent,
  and as features of the learned promise, `routing.promise.features`);
- `weight_kg`: the parcel's weight (text such as "Weight Captured Separately" is unknown);
- `shipper`: who ships and sets the schedule (a vendor, a distribution centre, a carrier),
  a segment of the learned promise's conformal layer;
- `leg<i>_service`, `leg<i>_departed_at`, `leg<i>_arrived_at` (optional scan events of
  leg i = 1, 2, ...): each leg's service gets its own transit-time fit.

Files may start with a BOM, use CR, LF or CRLF line ends, and be UTF-8 or Windows-1252.
Rows whose dates cannot be read, or that arrive before they ship, are left out and
counted by reason.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carriers.errors import InvalidHistory, Problem
from routing.calendar import MINUTES_PER_DAY

COLUMNS = (
    "shipment_id",
    "service",
    "mode",
    "lane",
    "origin",
    "destination",
    "shipped_at",
    "delivered_at",
    "promised_at",
    "weight_kg",
    "shipper",
)
REQUIRED = ("shipped_at", "delivered_at")
_LEG = re.compile(r"^leg(\d+)_(service|departed_at|arrived_at)$")
# Candidate formats, tried on each date column; the one that reads most values wins.
DATE_FORMATS = (
    "ISO8601",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%m/%d/%y",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%Y/%m/%d",
    "%d.%m.%Y",
)
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


@dataclass(frozen=True, eq=False)
class LegScans:
    service: np.ndarray  # str per shipment ("" when the shipment has no such leg)
    departed: np.ndarray  # float minutes since the epoch (UTC); NaN when missing
    arrived: np.ndarray


@dataclass(frozen=True, eq=False)
class History:
    """Shipments with their times as float minutes since 1970-01-01 UTC."""

    shipped: np.ndarray
    delivered: np.ndarray
    service: np.ndarray  # str
    lane: np.ndarray  # str ("" when the table has none)
    promised: np.ndarray | None = None
    date_only: bool = False  # shipped and delivered carry dates, no times of day
    legs: tuple[LegScans, ...] = ()
    dropped: Mapping[str, int] = field(default_factory=dict)
    source: str = ""
    mode: np.ndarray | None = None  # str per shipment, as the table says ("" unknown)
    origin: np.ndarray | None = None
    destination: np.ndarray | None = None
    weight_kg: np.ndarray | None = None  # float, NaN unknown
    shipper: np.ndarray | None = None  # str per shipment ("" unknown)

    def __len__(self) -> int:
        return len(self.shipped)

    @property
    def days(self) -> np.ndarray:
        return (self.delivered - self.shipped) / MINUTES_PER_DAY

    @property
    def month(self) -> np.ndarray:
        """Calendar month (1-12, UTC) of each shipping time."""
        stamps = pd.to_datetime(self.shipped * 60, unit="s", utc=True)
        return np.asarray(stamps.month, dtype=np.int64)

    def take(self, index: np.ndarray) -> History:
        return History(
            self.shipped[index],
            self.delivered[index],
            self.service[index],
            self.lane[index],
            None if self.promised is None else self.promised[index],
            self.date_only,
            tuple(
                LegScans(g.service[index], g.departed[index], g.arrived[index]) for g in self.legs
            ),
            self.dropped,
            self.source,
            *(None if a is None else a[index] for a in self._attributes),
        )

    @property
    def _attributes(self) -> tuple[np.ndarray | None, ...]:
        return (self.mode, self.origin, self.destination, self.weight_kg, self.shipper)

    def concat(self, other: History) -> History:
        """This history followed by `other` (the columns either lacks are unknown there)."""
        return History(
            np.concatenate([self.shipped, other.shipped]),
            np.concatenate([self.delivered, other.delivered]),
            np.concatenate([self.service, other.service]),
            np.concatenate([self.lane, other.lane]),
            _joined(self.promised, other.promised, len(self), len(other), np.nan),
            self.date_only and other.date_only,
            (),
            {},
            f"{self.source} + {other.source}",
            *(
                _joined(a, b, len(self), len(other), np.nan if i == 3 else "")
                for i, (a, b) in enumerate(zip(self._attributes, other._attributes, strict=True))
            ),
        )


def _joined(
    a: np.ndarray | None, b: np.ndarray | None, n_a: int, n_b: int, missing: object
) -> np.ndarray | None:
    if a is None and b is None:
        return None
    dtype = np.float64 if isinstance(missing, float) else object
    first = np.full(n_a, missing, dtype=dtype) if a is None else a
    second = np.full(n_b, missing, dtype=dtype) if b is None else b
    return np.concatenate([first, second])


def parse_columns(specs: Iterable[str]) -> dict[str, str]:
    """`["shipped_at=PO Sent to Vendor Date,delivered_at=Delivered to Client Date"]` ->
    {canonical name: the user's column}. Pairs are separated by commas or given one per
    option."""
    mapping: dict[str, str] = {}
    for spec in specs:
        for pair in spec.split(","):
            if not pair.strip():
                continue
            name, sep, column = pair.partition("=")
            name = name.strip()
            if not sep or not column.strip():
                raise InvalidHistory(f"--columns wants NAME=COLUMN pairs, got {pair.strip()!r}")
            if name not in COLUMNS and not _LEG.match(name):
                known = ", ".join(COLUMNS)
                raise InvalidHistory(f"unknown column name {name!r} in --columns (known: {known})")
            mapping[name] = column.strip()
    return mapping


def read_table(path: Path) -> pd.DataFrame:
    """All cells as text: BOM, CR / LF / CRLF line ends, UTF-8 or Windows-1252."""
    return table_from_bytes(path.read_bytes(), str(path))


def table_from_bytes(raw: bytes, source: str = "") -> pd.DataFrame:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidHistory(f"{source}: not a CSV table: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read_history(path: str | Path, columns: Mapping[str, str] | None = None) -> History:
    path = Path(path)
    if not path.is_file():
        raise InvalidHistory(f"{path}: no such file")
    return history_from_frame(read_table(path), columns, str(path))


def history_from_frame(
    frame: pd.DataFrame, columns: Mapping[str, str] | None = None, source: str = ""
) -> History:
    """A History from a table of text cells, under the user's column names."""
    cols = _resolve(frame, dict(columns or {}), source)
    text = {name: _text(frame[col]) for name, col in cols.items() if name in COLUMNS}
    shipped, ship_date_only = parse_times(text["shipped_at"])
    delivered, delivery_date_only = parse_times(text["delivered_at"])
    dropped: dict[str, int] = {}
    keep = _keep(shipped, delivered, text, dropped)
    if not keep.any():
        raise InvalidHistory(f"{source}: no shipment has readable shipped_at and delivered_at")
    promised = parse_times(text["promised_at"])[0][keep] if "promised_at" in text else None
    return History(
        shipped=shipped[keep],
        delivered=delivered[keep],
        service=_service(text, len(frame))[keep],
        lane=_lane(text, len(frame))[keep],
        promised=promised,
        date_only=ship_date_only and delivery_date_only,
        legs=tuple(_legs(frame, cols, keep)),
        dropped=dropped,
        source=source,
        mode=_column(text, "mode", keep),
        origin=_column(text, "origin", keep),
        destination=_column(text, "destination", keep),
        weight_kg=_weights(text, keep),
        shipper=_column(text, "shipper", keep),
    )


def _column(text: dict[str, pd.Series], name: str, keep: np.ndarray) -> np.ndarray | None:
    return text[name].to_numpy(dtype=object)[keep] if name in text else None


def _weights(text: dict[str, pd.Series], keep: np.ndarray) -> np.ndarray | None:
    """Weights in kg; a cell that is not a non-negative number is unknown (NaN)."""
    if "weight_kg" not in text:
        return None
    kg = pd.to_numeric(text["weight_kg"].str.replace(",", ""), errors="coerce")
    kg = kg.to_numpy(dtype=np.float64)[keep]
    return np.where(kg >= 0, kg, np.nan)


def _text(column: pd.Series) -> pd.Series:
    """Cells as stripped text; missing cells are empty."""
    cells = column.to_numpy(dtype=object)
    stripped = ["" if v is None or v != v else str(v).strip() for v in cells]  # v != v: NaN
    return pd.Series(stripped, index=column.index, dtype=object)


def _resolve(frame: pd.DataFrame, mapping: dict[str, str], source: str) -> dict[str, str]:
    by_lower = {c.lower(): c for c in frame.columns}
    problems = [
        Problem(source, name, f"column {col!r} is not in the table")
        for name, col in mapping.items()
        if col not in frame.columns
    ]
    if problems:
        have = ", ".join(repr(c) for c in frame.columns[:40])
        raise InvalidHistory(f"{problems[0].field}: {problems[0].message} (columns: {have})")
    names = [*COLUMNS, *(c.lower() for c in frame.columns if _LEG.match(c.lower()))]
    cols = {n: mapping.get(n) or by_lower.get(n) for n in names}
    found = {n: c for n, c in cols.items() if c is not None}
    found.update({n: c for n, c in mapping.items() if _LEG.match(n)})
    missing = [n for n in REQUIRED if n not in found]
    if missing:
        have = ", ".join(repr(c) for c in frame.columns[:40])
        raise InvalidHistory(
            f"{source}: no column for {', '.join(missing)}; map yours with --columns "
            f"{missing[0]}=YOUR_COLUMN (columns: {have})"
        )
    return found


def parse_times(values: pd.Series) -> tuple[np.ndarray, bool]:
    """Minutes since the epoch (UTC; NaN where unreadable), and whether all are dates only."""
    values = values.replace("", None)
    present = int(values.notna().sum())
    best: pd.Series | None = None
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce", utc=True)
        if best is None or parsed.notna().sum() > best.notna().sum():
            best = parsed
        if best.notna().sum() == present:
            break
    assert best is not None
    minutes = ((best - _EPOCH) / pd.Timedelta(minutes=1)).to_numpy(dtype=np.float64)
    readable = minutes[~np.isnan(minutes)]
    return minutes, bool(len(readable)) and bool(np.all(readable % MINUTES_PER_DAY == 0))


def _keep(
    shipped: np.ndarray, delivered: np.ndarray, text: dict[str, pd.Series], dropped: dict[str, int]
) -> np.ndarray:
    for name, minutes in (("shipped_at", shipped), ("delivered_at", delivered)):
        bad = np.isnan(minutes)
        if bad.any():
            examples = text[name][bad].value_counts().index[:3].tolist()
            dropped[f"{name} unreadable (e.g. {', '.join(map(repr, examples))})"] = int(bad.sum())
    readable = ~np.isnan(shipped) & ~np.isnan(delivered)
    backwards = readable & (delivered < shipped)
    if backwards.any():
        dropped["delivered before shipped"] = int(backwards.sum())
    return readable & ~backwards


def _service(text: dict[str, pd.Series], n: int) -> np.ndarray:
    for name in ("service", "mode"):
        if name in text:
            return text[name].to_numpy(dtype=object)
    return np.full(n, "all", dtype=object)


def _lane(text: dict[str, pd.Series], n: int) -> np.ndarray:
    if "lane" in text:
        return text["lane"].to_numpy(dtype=object)
    if "origin" in text and "destination" in text:
        return (text["origin"] + ">" + text["destination"]).to_numpy(dtype=object)
    if "destination" in text:
        return text["destination"].to_numpy(dtype=object)
    return np.full(n, "", dtype=object)


def _legs(frame: pd.DataFrame, cols: dict[str, str], keep: np.ndarray) -> list[LegScans]:
    numbers = sorted({int(m.group(1)) for n in cols if (m := _LEG.match(n))})
    legs = []
    for i in numbers:
        names = [f"leg{i}_service", f"leg{i}_departed_at", f"leg{i}_arrived_at"]
        if not all(n in cols for n in names):
            continue
        service = _text(frame[cols[names[0]]]).to_numpy(dtype=object)
        departed = parse_times(_text(frame[cols[names[1]]]))[0]
        arrived = parse_times(_text(frame[cols[names[2]]]))[0]
        legs.append(LegScans(service[keep], departed[keep], arrived[keep]))
    return legs
