"""The lane booking problem every design instance is read into, whatever it comes from
(a forecast on a glocal network, a public MCND `.dow` file): capacitated multicommodity
fixed-charge network design with integer units, on arrays.

- **Capacity rows**: what can be booked, one row per service departure (or MCND arc). A
  row is bought in whole units of `unit_kg` and `unit_m3` (0: that dimension does not
  bind) at `fixed` per unit, paid whether used or not. Rows with the same `commitment`
  book the same number of units (a weekly commitment over a season); every row's units lie
  in [min_units, max_units]. Load beyond the booked units moves at spot, `spot_rate` per
  chargeable kg (kg, or m3 x `spot_kg_per_m3` where that is more), at most `spot_cap_kg`
  (inf: unlimited; a row with `spot_rate` inf has no spot at all).
- **Commodities**: a quantity moved whole or split across routes: its `kg` and `m3`,
  and the cost of leaving it all unserved (`unserved`, inf: it must be served).
- **Columns**: one route of one commodity: the cost of carrying the whole commodity on it
  (variable freight, duties, late penalty: everything but units and spot) and the capacity
  rows it takes, each taking the commodity's full kg and m3 for the share it carries.
- **Bundles** (optional): commodities that must all take one route (the orders of one
  supplier and plant, week by week); the LP relaxes it, the insertion search keeps it.
- **Pieces** (optional): the indivisible pieces a commodity's m3 comes in (pallets,
  parts): a unit must hold whole pieces, so the units a row needs are those First-Fit
  Decreasing packs its pieces into, not its m3 over the unit's. The LP relaxes it (its
  units are fluid, a lower bound); the insertion search counts them.

A solution books integer units per row, splits every commodity over its columns (shares
summing to 1 less the unserved share) and buys spot where load exceeds the units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CapacityRows:
    name: list[str]  # for output: "service@YYYY-MM-DD", "arc 3->7"
    unit_kg: np.ndarray  # float64 per row, kg a unit holds (0: kg does not bind)
    unit_m3: np.ndarray  # float64 per row (0: m3 does not bind)
    fixed: np.ndarray  # float64 per row, cost of one unit
    commitment: np.ndarray  # int64 per row: rows sharing a value book the same units
    min_units: np.ndarray  # int64 per row
    max_units: np.ndarray  # int64 per row
    spot_rate: np.ndarray  # float64 per row, per chargeable kg past the units (inf: none)
    spot_cap_kg: np.ndarray  # float64 per row (inf: unlimited)
    spot_kg_per_m3: np.ndarray  # float64 per row: chargeable kg of one m3 on spot

    def __len__(self) -> int:
        return len(self.unit_kg)


@dataclass(frozen=True)
class Commodities:
    kg: np.ndarray  # float64
    m3: np.ndarray  # float64
    unserved: np.ndarray  # float64, cost of leaving the whole commodity unserved (inf: never)

    def __len__(self) -> int:
        return len(self.kg)


@dataclass(frozen=True)
class Columns:
    commodity: np.ndarray  # int64 per column
    cost: np.ndarray  # float64 per column, for the whole commodity
    start: np.ndarray  # int64 (columns + 1): rows[start[j]:start[j + 1]] are column j's
    rows: np.ndarray  # int64 capacity rows

    def __len__(self) -> int:
        return len(self.commodity)

    def rows_of(self, j: int) -> np.ndarray:
        return self.rows[self.start[j] : self.start[j + 1]]


@dataclass(frozen=True)
class Pieces:
    """The pieces of each commodity: `m3[start[k]:start[k + 1]]` are commodity k's."""

    start: np.ndarray  # int64 (commodities + 1)
    m3: np.ndarray  # float64 per piece

    def of(self, k: int) -> np.ndarray:
        return self.m3[self.start[k] : self.start[k + 1]]


@dataclass(frozen=True)
class DesignProblem:
    capacity: CapacityRows
    commodities: Commodities
    columns: Columns  # every column known up front (a pricer may add more)
    initial: np.ndarray | None = None  # bool per column: the first restricted master's
    # (None: all of them)
    bundle: np.ndarray | None = None  # int64 per commodity: commodities sharing a value
    # take one route (None: each its own)
    pieces: Pieces | None = None  # None: the m3 is divisible
