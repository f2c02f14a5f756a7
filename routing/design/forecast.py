"""The demand forecast a season's bookings are designed for: read, validated, written.

A forecast is a table (CSV; Parquet when pyarrow is installed), one row per origin,
destination zone, week, restriction class, deadline class and value class:

    origin,zone,week,restriction,deadline_class,value_class,kg,m3,parcels[,season]

- `origin`: an origin node of the network (a warehouse, or the hub the reverse flow
  leaves from); `zone`: a `destination_zone` node;
- `week`: the Monday of the ISO week, YYYY-MM-DD;
- the classes: `routing.design.classes`;
- `kg`, `m3`: numbers >= 0; `parcels`: a whole number, at least 1 where kg or m3 > 0;
- `season` (optional; empty or absent: read from the calendar, `routing.design.season`):
  normal, peak or cny, what the week is.

Every bad cell is reported as `path:line: field: message` (line 1 is the header); an
empty forecast and a row repeating another's keys are errors too.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from carriers.errors import InvalidPlanInput, Problem
from carriers.model import ORIGIN_KINDS, NodeKind
from routing.calendar import Closures, day_date, day_number, weekday_of
from routing.design.classes import DEADLINE_CLASSES, RESTRICTIONS, VALUE_CLASSES
from routing.design.season import SEASONS, seasons
from routing.network import Network
from routing.plan import cells
from routing.plan.cells import Checks
from routing.plan.table import PARQUET, read_table

KEYS = ("origin", "zone", "week", "restriction", "deadline_class", "value_class")
COLUMNS = (*KEYS, "kg", "m3", "parcels")
OPTIONAL_COLUMNS = ("season",)
_EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class Forecast:
    """A forecast as arrays, one entry per row."""

    origin: np.ndarray  # object: origin node id
    zone: np.ndarray  # object: destination_zone node id
    week: np.ndarray  # int64: day number (days since 1970-01-01) of the week's Monday
    restriction: np.ndarray  # object: RESTRICTIONS
    deadline_class: np.ndarray  # object: DEADLINE_CLASSES
    value_class: np.ndarray  # object: VALUE_CLASSES
    kg: np.ndarray  # float64
    m3: np.ndarray  # float64
    parcels: np.ndarray  # int64
    season: np.ndarray  # object: SEASONS
    source: Path | None = None

    def __len__(self) -> int:
        return len(self.origin)

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the forecast holds, in order."""
        return [day_date(int(w)) for w in np.unique(self.week)]

    def first_weeks(self, weeks: int) -> Forecast:
        """The rows of the first `weeks` weeks the forecast holds."""
        first = np.unique(self.week)[:weeks]
        return self.take(np.flatnonzero(np.isin(self.week, first)))

    def take(self, index: np.ndarray) -> Forecast:
        arrays = {f.name: getattr(self, f.name)[index] for f in fields(self) if f.name != "source"}
        return Forecast(**arrays, source=self.source)

    def frame(self) -> pd.DataFrame:
        """The forecast as a table of the file's columns (week as a date)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}
        out["week"] = [day_date(int(w)).isoformat() for w in self.week]
        return pd.DataFrame(out, columns=[*COLUMNS, *OPTIONAL_COLUMNS])


def forecast_of(frame: pd.DataFrame, source: Path | None = None) -> Forecast:
    """A forecast from a table of typed columns (week as day numbers), sorted by its keys."""
    frame = frame.sort_values(list(KEYS), kind="stable").reset_index(drop=True)
    return Forecast(
        origin=frame["origin"].to_numpy(dtype=object),
        zone=frame["zone"].to_numpy(dtype=object),
        week=frame["week"].to_numpy(dtype=np.int64),
        restriction=frame["restriction"].to_numpy(dtype=object),
        deadline_class=frame["deadline_class"].to_numpy(dtype=object),
        value_class=frame["value_class"].to_numpy(dtype=object),
        kg=frame["kg"].to_numpy(dtype=np.float64),
        m3=frame["m3"].to_numpy(dtype=np.float64),
        parcels=frame["parcels"].to_numpy(dtype=np.int64),
        season=frame["season"].to_numpy(dtype=object),
        source=source,
    )


def concat(parts: list[Forecast]) -> Forecast:
    """The rows of several forecasts in one, sorted by their keys (rows of the same keys
    are not merged: give forecasts of different weeks)."""
    arrays = {
        f.name: np.concatenate([getattr(p, f.name) for p in parts])
        for f in fields(Forecast)
        if f.name != "source"
    }
    return forecast_of(pd.DataFrame(arrays))


def load_forecast(path: str | Path, network: Network, closures: Closures | None = None) -> Forecast:
    """Read and validate a forecast; raises InvalidPlanInput listing every bad cell."""
    path = Path(path)
    frame = read_table(path, "forecast")
    return validate_forecast(frame, network, str(path), closures, source=path)


def validate_forecast(
    frame: pd.DataFrame,
    network: Network,
    where: str = "forecast",
    closures: Closures | None = None,
    source: Path | None = None,
) -> Forecast:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidPlanInput(
            f"{where}: the forecast lacks {len(missing)} required column(s)",
            [Problem(f"{where}:1", "header", f"missing column(s) {', '.join(missing)}")],
        )
    if not len(frame):
        raise InvalidPlanInput(f"{where}: the forecast has no rows")
    text = {c: cells.stripped(frame[c]) for c in (*COLUMNS, *OPTIONAL_COLUMNS) if c in frame}
    checks = Checks(len(frame), (*COLUMNS, *OPTIONAL_COLUMNS))
    parsed = _parse(text, checks, network)
    _duplicates(text, checks)
    found = checks.problems()
    if found:
        problems = [Problem(f"{where}:{r + 2}", f, m) for r, f, m in found]
        raise InvalidPlanInput(f"{where}: {len(checks.bad_rows())} invalid row(s)", problems)
    given = text.get("season", np.full(len(frame), "", dtype=object))
    parsed["season"] = np.where(given == "", seasons(parsed["week"], closures), given)
    return forecast_of(pd.DataFrame(parsed), source)


def _parse(text: dict[str, np.ndarray], c: Checks, network: Network) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    out["origin"] = _nodes(text["origin"], "origin", network, ORIGIN_KINDS, c)
    out["zone"] = _nodes(text["zone"], "zone", network, {NodeKind.DESTINATION_ZONE}, c)
    out["week"] = _mondays(text["week"], c)
    for name, allowed in (
        ("restriction", RESTRICTIONS),
        ("deadline_class", DEADLINE_CLASSES),
        ("value_class", VALUE_CLASSES),
    ):
        out[name] = cells.enum(text[name], name, list(allowed), c)
    out["kg"] = _amounts(text["kg"], "kg", c)
    out["m3"] = _amounts(text["m3"], "m3", c)
    out["parcels"] = _parcels(text["parcels"], (out["kg"] > 0) | (out["m3"] > 0), c)
    if "season" in text:
        given = text["season"]
        bad = (given != "") & ~cells.isin(given, SEASONS)
        names = ", ".join(SEASONS)
        c.fail(bad, "season", (f"must be empty or one of {names}, got {v!r}" for v in given[bad]))
    return out


def _nodes(
    ids: np.ndarray, name: str, network: Network, kinds: Set[NodeKind], c: Checks
) -> np.ndarray:
    wanted = " or ".join(sorted(k.value for k in kinds))
    messages = {}
    for node_id in set(ids.tolist()):
        node = network.nodes.get(node_id)
        if node is None:
            messages[node_id] = f"unknown node {node_id!r} (not in the network)"
        elif node.kind not in kinds:
            messages[node_id] = f"{node_id!r} is a {node.kind.value}, not a {wanted}"
    bad = cells.isin(ids, messages)
    c.fail(bad, name, (messages[x] for x in ids[bad]))
    return ids


def _mondays(text: np.ndarray, c: Checks) -> np.ndarray:
    parsed = pd.to_datetime(pd.Series(text), errors="coerce", format="%Y-%m-%d")
    bad = parsed.isna().to_numpy()
    c.fail(bad, "week", (f"must be a date YYYY-MM-DD, got {t!r}" for t in text[bad]))
    days = (parsed.to_numpy(dtype="datetime64[D]", na_value=_EPOCH) - _EPOCH).astype(np.int64)
    days = np.where(bad, day_number(date(1970, 1, 5)), days)  # a Monday
    wrong = weekday_of(days) != 0
    c.fail(
        wrong,
        "week",
        (
            f"must be a Monday (the ISO week's first day), got {t!r}, a {_weekday(d)}"
            for t, d in zip(text[wrong], days[wrong], strict=True)
        ),
    )
    return days


def _weekday(day: int) -> str:
    return day_date(int(day)).strftime("%A")


def _amounts(text: np.ndarray, name: str, c: Checks) -> np.ndarray:
    values = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values >= 0))
    c.fail(bad, name, (f"must be a number >= 0, got {t!r}" for t in text[bad]))
    return np.where(bad, 0.0, values)


def _parcels(text: np.ndarray, loaded: np.ndarray, c: Checks) -> np.ndarray:
    values = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values >= 0) & (values == np.round(values)))
    c.fail(bad, "parcels", (f"must be a whole number >= 0, got {t!r}" for t in text[bad]))
    none = ~bad & loaded & (values < 1)
    c.fail(none, "parcels", "must be at least 1 where kg or m3 is above 0")
    return np.where(bad, 0, values).astype(np.int64)


def _duplicates(text: dict[str, np.ndarray], c: Checks) -> None:
    keys = pd.DataFrame({k: text[k] for k in KEYS})
    dup = keys.duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    first = keys.drop_duplicates(keep="first").reset_index().set_index(list(KEYS))["index"]
    lines = (int(first.loc[tuple(keys.iloc[r])]) + 2 for r in np.flatnonzero(dup))
    c.fail(dup, "origin", (f"repeats the keys of line {n} (one row per key)" for n in lines))


def write_forecast(forecast: Forecast, path: str | Path) -> None:
    """Write a forecast as CSV (Parquet for .parquet/.pq): kg to the gram, m3 to the cm3."""
    path = Path(path)
    frame = forecast.frame()
    frame["kg"] = frame["kg"].round(3)
    frame["m3"] = frame["m3"].round(6)
    if path.suffix.lower() in PARQUET:
        try:
            frame.to_parquet(path, index=False)
        except ImportError:
            raise InvalidPlanInput(f"{path}: writing Parquet needs pyarrow; use .csv") from None
        return
    frame.to_csv(path, index=False)
