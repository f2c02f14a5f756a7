"""Parameters of a batch plan: validated dataclasses with defaults, loadable from TOML.

`PlanParams` says how to plan (horizon, solver, penalties, time limit); `Scenario` says
what to ask (close a service, scale a capacity, resample demand). Both check themselves
in `__post_init__` with messages a planner can act on.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from carriers.errors import InvalidPlanInput
from carriers.money import is_currency

SOLVERS = ("highs", "scip", "cp_sat")
ROUNDINGS = ("descent", "window")
LP_SOLVERS = ("glop", "highs", "pdlp")


MONEY = ("late_fee", "late_penalty_per_day", "unplanned_penalty")  # Decimals, plan currency
SHARES = ("late_share", "late_share_per_day")  # of an order's goods value


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise InvalidPlanInput(f"{name} must be > 0, got {value}")


def _amount(name: str, value: object, allow_zero: bool) -> None:
    rule = ">= 0" if allow_zero else "> 0"
    ok = isinstance(value, Decimal) and value.is_finite()
    if not ok or value < 0 or (value == 0 and not allow_zero):  # type: ignore[operator]
        raise InvalidPlanInput(f"{name} must be an amount {rule}, got {value}")


def _share(name: str, value: object) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not 0 <= value <= 1:  # type: ignore[operator]
        raise InvalidPlanInput(
            f"{name} must be a share of the goods' value in [0, 1], got {value!r}"
        )


@dataclass(frozen=True)
class PlanParams:
    horizon_days: int = 14  # departures considered: from the first ready day, this many days
    time_limit_s: float = 60.0  # per solve; a block gets a share by its size (at least 1/4);
    # the callers (glocal plan, plan jobs) bound the whole plan by it too (deadline.py)
    rounding: str = "descent"  # whole units from the LP: "descent" or "window" (blocks.py)
    solver: str = "highs"  # MIP solver: window rounding, small blocks (bench/plan_solvers.py)
    lp_solver: str = "highs"  # LP bound, prices and the descent's LPs (bench/plan_solvers.py)
    threads: int = 2  # per solver, for those that take it (HiGHS runs one)
    workers: int = 1  # processes solving blocks side by side (a script's main module needs
    # the `if __name__ == "__main__":` guard for more than 1: workers are started fresh)
    seed: int = 7
    relative_gap: float = 0.002  # the MIP stops when proven within this of its bound
    currency: str = "EUR"  # the plan's money
    # What a late order costs (P90 past deliver_by; late.py): once, a fee and a share of the
    # goods' value; then per day, an amount and a share of the value
    late_fee: Decimal = Decimal("5.00")  # a service contact and the shipping fee refunded
    late_share: float = 0.10  # the voucher or partial refund for the broken promise
    late_penalty_per_day: Decimal = Decimal("0.50")  # the contacts of each further day
    late_share_per_day: float = 0.03  # the buyers who cancel or are refunded, per day
    unplanned_penalty: Decimal = Decimal("500.00")  # per order the plan leaves unplanned
    hard_deadlines: bool = False  # True: a route-departure late at P90 is not a candidate
    max_departures: int = 3  # departures of the first capacitated leg tried per route
    max_signatures: int = 8  # line-haul combinations kept per commodity (cheapest first)
    deadline_bucket_days: int = 2  # deadlines within this many days share a commodity
    refine_top: int = 2  # commodities split by their orders' this many cheapest arcs (0: not)
    refine_rounds: int = 2  # splits by the orders' cheapest arc at the LP's prices (refine.py)
    pricing_rounds: int = 2  # column generation: LP solves priced over every route at most
    # (columns.py); 0: the first candidates only. A third changed the gap by 0.02-0.06 points
    # on the sample weeks for ten seconds more on 100,000 orders (bench/plan.py)
    cut_rounds: int = 3  # LP rounds of cutset inequalities per block in the final solve
    # (cuts.py): they lift the bound where the LP buys fractions of units; 0: none
    cut_arcs: int = 30_000  # ... on blocks of at most this many arcs (a round is a fresh LP)
    solo_pairs: int = 30_000  # a block whose orders have at most this many (order, arc)
    # pairs is solved with each order a commodity of its own (columns.py); 0: never
    exact_pairs: int = 50_000  # pieces of the universe (no capacity row shared) of at most
    # this many (order, arc) pairs get a bound with whole units, their MIP's (pieces.py)
    complete_departures: bool = True  # the final model holds, per commodity, an arc on
    # every set of departures the universe offers it (columns.py)
    pricing_gap: float = 0.001  # column generation stops once the LP is within this share
    # of the bound over every route
    integer_flows: bool = False  # True: whole orders per arc in the model (slower); False:
    # the disaggregation makes whole orders of the flows
    plan_quantile: float = 0.9  # a leg's planned departure: the first its parcels reach with
    # at least this probability

    def __post_init__(self) -> None:
        for name in (
            "horizon_days",
            "threads",
            "workers",
            "max_departures",
            "max_signatures",
            "deadline_bucket_days",
        ):
            _positive(name, getattr(self, name))
        _positive("time_limit_s", self.time_limit_s)
        if self.solver not in SOLVERS:
            raise InvalidPlanInput(
                f"solver must be one of {', '.join(SOLVERS)}, got {self.solver!r}"
            )
        if self.rounding not in ROUNDINGS:
            raise InvalidPlanInput(
                f"rounding must be one of {', '.join(ROUNDINGS)}, got {self.rounding!r}"
            )
        if self.lp_solver not in LP_SOLVERS:
            raise InvalidPlanInput(
                f"lp_solver must be one of {', '.join(LP_SOLVERS)}, got {self.lp_solver!r}"
            )
        if not 0 <= self.pricing_gap < 1:
            raise InvalidPlanInput(f"pricing_gap must be in [0, 1), got {self.pricing_gap}")
        if not 0 <= self.relative_gap < 1:
            raise InvalidPlanInput(f"relative_gap must be in [0, 1), got {self.relative_gap}")
        if not is_currency(self.currency):
            raise InvalidPlanInput(
                f"currency must be an ISO 4217 code we know, got {self.currency!r}"
            )
        for name in MONEY:
            _amount(name, getattr(self, name), allow_zero=name != "unplanned_penalty")
        for name in SHARES:
            _share(name, getattr(self, name))
        for name in (
            "refine_top",
            "refine_rounds",
            "pricing_rounds",
            "cut_rounds",
            "cut_arcs",
            "solo_pairs",
            "exact_pairs",
        ):
            if getattr(self, name) < 0:
                raise InvalidPlanInput(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("hard_deadlines", "integer_flows", "complete_departures"):
            if not isinstance(getattr(self, name), bool):  # "no" from a file is not False
                raise InvalidPlanInput(f"{name} must be true or false, got {getattr(self, name)!r}")
        if not 0 < self.plan_quantile < 1:
            raise InvalidPlanInput(f"plan_quantile must be in (0, 1), got {self.plan_quantile}")

    @classmethod
    def from_file(cls, path: str | Path) -> PlanParams:
        """Parameters from a TOML file with the field names above as keys."""
        return cls(**_read_toml(Path(path), {f.name for f in fields(cls)}))


@dataclass(frozen=True)
class Scenario:
    """A what-if: services closed, capacities scaled, demand resampled by a factor."""

    close: frozenset[str] = frozenset()
    scale_capacity: tuple[tuple[str, float], ...] = ()
    demand: float = 1.0
    seed: int = 11  # for resampling demand

    def __post_init__(self) -> None:
        _positive("demand", self.demand)
        for service, factor in self.scale_capacity:
            if not factor >= 0:
                raise InvalidPlanInput(f"capacity factor of {service} must be >= 0, got {factor}")

    @property
    def scales(self) -> dict[str, float]:
        return dict(self.scale_capacity)


def parse_scale(texts: list[str] | tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    """`SERVICE_ID=FACTOR` pairs, as given on the command line."""
    out = []
    for text in texts:
        service, sep, factor = text.partition("=")
        try:
            value = float(factor)
        except ValueError:
            value = float("nan")
        if not sep or not service.strip() or value != value:
            raise InvalidPlanInput(f"--scale-capacity wants SERVICE_ID=FACTOR, got {text!r}")
        out.append((service.strip(), value))
    return tuple(out)


def _read_toml(path: Path, known: set[str]) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidPlanInput(f"{path}: {exc}") from None
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidPlanInput(f"{path}: unknown parameter(s) {', '.join(unknown)}")
    for key in MONEY:
        if key in data:
            data[key] = _decimal(path, key, data[key])
    return data


def _decimal(path: Path, key: str, value: object) -> Decimal:
    """A TOML number as the Decimal of its written text (250.1 is exactly 250.1)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidPlanInput(f"{path}: {key} must be a number, got {value!r}")
    return Decimal(str(value))
