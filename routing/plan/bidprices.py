"""Bid prices from the planner's LP, made robust to degeneracy by averaging.

The duals of a degenerate LP are not unique: where a departure's capacity equals, to the
kg, what the optimum puts on it, any price between the saving of one more kg (often 0)
and the loss of one kg less is a dual, and the solver returns whichever its final
vertex gives. A bid price taken from one solve can be 0 or the full loss by accident.

`averaged_prices` re-solves every block's LP relaxation `draws` times with each
departure's booked capacity (kg and m3) scaled by 1 + e or 1 - e, e ~ U(0, spread) drawn
per departure with a fixed seed, in antithetic pairs (each draw and its mirror), and
publishes the mean of the duals. A perturbed LP is almost never degenerate, so each
solve's duals are the derivative of the cost on one side of the capacity; the mean of a
pair sits between the left and right derivatives, i.e. within the set of valid duals,
and no longer depends on the vertex a solver happened to stop at. It also returns the
lowest and highest dual seen per departure (the spread of the prices).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from routing.calendar import day_date
from routing.capacity.bidprices import BidPrices, write_bid_prices
from routing.plan.blocks import MapFunction, solve_blocks, solve_relaxation
from routing.plan.model import BlockData

if TYPE_CHECKING:
    from routing.plan.planner import PlanResult

DRAWS = 4  # re-solves (two antithetic pairs)
SPREAD = 0.05  # capacities scaled by 1 +- U(0, SPREAD)
SEED = 7


@dataclass(frozen=True)
class AveragedPrices:
    """Per capacity row (global ids): mean, lowest and highest LP dual over the re-solves,
    in plan minor units per kg and per m3."""

    kg: np.ndarray
    m3: np.ndarray
    kg_low: np.ndarray
    kg_high: np.ndarray
    m3_low: np.ndarray
    m3_high: np.ndarray
    draws: int
    spread: float
    seed: int

    @property
    def method(self) -> str:
        return (
            f"mean of the LP duals over {self.draws} re-solves with each departure's "
            f"capacity scaled by 1 +- e, e ~ U(0, {self.spread:g}) in antithetic pairs "
            f"(seed {self.seed})"
        )


def averaged_prices(
    blocks: Sequence[BlockData],
    n_rows: int,
    draws: int = DRAWS,
    spread: float = SPREAD,
    seed: int = SEED,
    map_fn: MapFunction = map,
) -> AveragedPrices:
    """The mean of the capacity duals over `draws` (even, >= 2) perturbed re-solves of
    every block's LP relaxation."""
    if draws < 2 or draws % 2:
        raise ValueError(f"draws must be an even number >= 2, got {draws}")
    rng = np.random.default_rng(seed)
    total_kg, total_m3 = np.zeros(n_rows), np.zeros(n_rows)
    low_kg, low_m3 = np.full(n_rows, np.inf), np.full(n_rows, np.inf)
    high_kg, high_m3 = np.zeros(n_rows), np.zeros(n_rows)
    for _ in range(draws // 2):
        e = rng.uniform(0.0, spread, n_rows)
        for sign in (1.0, -1.0):
            scale = 1.0 + sign * e
            moved = [
                replace(
                    b,
                    cap_kg=b.cap_kg * scale[b.rows],
                    cap_m3=b.cap_m3 * scale[b.rows],
                    lp=None,
                )
                for b in blocks
            ]
            for r in solve_blocks(moved, map_fn, solve_relaxation):
                total_kg[r.rows] += r.price_kg
                total_m3[r.rows] += r.price_m3
                low_kg[r.rows] = np.minimum(low_kg[r.rows], r.price_kg)
                low_m3[r.rows] = np.minimum(low_m3[r.rows], r.price_m3)
                high_kg[r.rows] = np.maximum(high_kg[r.rows], r.price_kg)
                high_m3[r.rows] = np.maximum(high_m3[r.rows], r.price_m3)
    low_kg[~np.isfinite(low_kg)] = 0.0
    low_m3[~np.isfinite(low_m3)] = 0.0
    return AveragedPrices(
        total_kg / draws,
        total_m3 / draws,
        low_kg,
        high_kg,
        low_m3,
        high_m3,
        draws,
        spread,
        seed,
    )


def snapshot(
    result: PlanResult, averaged: AveragedPrices, now: datetime | None = None
) -> BidPrices:
    """The bid-price snapshot of a plan: per capacitated departure (service id, local
    date) its averaged kg and m3 prices, in the plan currency's minor units; departures
    whose capacity is not limited are left out (their price is 0)."""
    rows, net = result.rows, result.network.compiled
    prices = {}
    for r in range(len(rows)):
        if not (np.isfinite(rows.cap_kg[r]) or np.isfinite(rows.cap_m3[r])):
            continue
        key = (net.services[int(rows.service[r])].id, day_date(int(rows.day[r])))
        prices[key] = (float(averaged.kg[r]), float(averaged.m3[r]))
    now = now or datetime.now(UTC)
    digest = hashlib.blake2b(repr(sorted(prices.items())).encode(), digest_size=4).hexdigest()
    return BidPrices(
        f"plan-{now:%Y%m%dT%H%M%SZ}-{digest}", result.params.currency, prices, averaged.method
    )


def publish(result: PlanResult, path: Path, map_fn: MapFunction = map) -> BidPrices:
    """Average the plan's duals, write the snapshot to `path` atomically, return it."""
    found = snapshot(result, averaged_prices(result.block_data, len(result.rows), map_fn=map_fn))
    write_bid_prices(path, found)
    return found
