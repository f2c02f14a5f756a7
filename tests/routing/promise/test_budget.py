"""The shared coverage budget: it covers its target share of the pool, spends the misses
where covering costs most days, backs thin segments off to coarser keys, and on
exchangeable shipments holds its level marginally."""

from __future__ import annotations

import numpy as np
import pytest

from routing.calendar import MINUTES_PER_DAY
from routing.promise.budget import allocate
from routing.promise.conformal import ConformalParams, ConformalState


def keys(*segments: tuple[str, int]) -> np.ndarray:
    """Two-deep keys (segment, "all") for runs of (segment, count)."""
    return np.array([[name, "all"] for name, n in segments for _ in range(n)], dtype=object)


def test_the_misses_go_where_covering_costs_most() -> None:
    """ "short": 85 on time, 15 a day late; "long": 80 on time, 20 late by 10 to 200 days.
    Per segment, P90 is +1 and about +10 days; sharing 10 % of misses over the 200, the
    budget covers all of "short" at +1 and leaves "long"'s 20 late ones out at 0 (mean +0.5
    day for exactly 90 %)."""
    scores = np.r_[np.zeros(85), np.ones(15), np.zeros(80), np.linspace(10, 200, 20)]
    budget = allocate(scores, keys(("short", 100), ("long", 100)), 0.9, min_scores=10)
    assert budget.correction(["short", "all"]) == 1.0
    assert budget.correction(["long", "all"]) == 0.0


def test_it_covers_its_target_at_no_more_days_than_per_segment_quantiles() -> None:
    """Random segments of different tails: the pool is covered at the target, and the mean
    correction is no larger than each segment's own quantile at the target."""
    rng = np.random.default_rng(3)
    names = ["a", "b", "c", "d"]
    sizes = [300, 200, 150, 50]
    scores = np.concatenate(
        [
            np.round(rng.exponential(s, n) * (rng.random(n) < p))
            for s, n, p in zip([2, 20, 5, 60], sizes, [0.1, 0.3, 0.5, 0.2], strict=True)
        ]
    )
    k = keys(*zip(names, sizes, strict=True))
    for target in (0.8, 0.9, 0.95):
        budget = allocate(scores, k, target, min_scores=10)
        c = np.array([budget.correction(list(row)) for row in k])
        assert np.mean(scores <= c) >= target
        own = np.concatenate(
            [
                np.full(n, np.quantile(scores[k[:, 0] == s], target, method="inverted_cdf"))
                for s, n in zip(names, sizes, strict=True)
            ]
        )
        assert np.mean(c) <= np.mean(own)


def test_thin_and_unseen_segments_back_off() -> None:
    """Three scores of "thin" (min_scores 10) count with their coarser key's; a key the
    pool never saw takes the pool's own quantile; at a target of 1 every segment is
    covered whole."""
    scores = np.r_[np.zeros(50), np.full(3, 40.0), np.arange(50.0)]
    k = np.array([["x", "sea"]] * 50 + [["thin", "sea"]] * 3 + [["y", "air"]] * 50, dtype=object)
    budget = allocate(scores, k, 0.9, min_scores=10)
    assert budget.correction(["thin", "sea"]) == budget.correction(["other", "sea"])
    assert budget.correction(["new", "rail"]) == budget.fallback
    full = allocate(scores, k, 1.0, min_scores=10)
    assert full.correction(["y", "air"]) == 49.0 and full.correction(["thin", "sea"]) == 40.0


@pytest.mark.parametrize("half_life", [0.0, 150.0])
def test_a_shared_budget_holds_its_level_on_exchangeable_shipments(half_life: float) -> None:
    """Two segments, one with a long tail: over 60 draws of a pool of 600, fresh
    shipments of the same mix are covered at the level or above on average, give or take
    the Monte Carlo error; the per-segment shares differ (the guarantee is marginal).
    Weighted by recency (weighted conformal) it holds too: on exchangeable shipments any
    fixed weights keep the level."""
    rng = np.random.default_rng(4)
    levels = (0.5, 0.9, 0.95)
    params = ConformalParams(
        min_scores=10, budget_from=0.9, pool=600, gamma=0.0, half_life=half_life
    )

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        tail = rng.random(n) < 0.4
        late = rng.random(n) < np.where(tail, 0.25, 0.08)
        days = np.ceil(rng.exponential(np.where(tail, 40.0, 3.0)) * late)
        segment = np.where(tail, "tail", "short").astype(object)
        return days, np.column_stack([segment, np.full(n, "all", dtype=object)])

    covered = {q: [] for q in levels[1:]}
    for _ in range(60):
        state = ConformalState.start(levels, params, depth=2)
        days, k = draw(600)
        scores = np.repeat(days[:, None], 3, axis=1)
        state.absorb(scores, np.zeros_like(scores, bool), k, np.zeros(600) * MINUTES_PER_DAY)
        fresh, fk = draw(400)
        c = {seg: state.correction([seg, "all"]) for seg in ("tail", "short")}
        for i, q in enumerate(levels[1:], start=1):
            limit = np.array([c[seg][i] for seg in fk[:, 0]])
            covered[q].append(np.mean(fresh <= limit))
    for q, shares in covered.items():
        assert np.mean(shares) >= q - 0.01, (q, np.mean(shares))


def test_weighted_by_recency_it_covers_shipments_after_a_shift() -> None:
    """400 old scores, 4 % of them 5 days late, then 200 new ones, every tenth 30 days
    late. Counted alike, P95 of the 600 is +5 days and covers only 90 % of shipments like
    the new ones; with a half-life of 100 scores the new ones weigh 3 in 4 of the pool and
    the P95 is +30 days, which covers them all."""
    old = np.where(np.arange(400) % 25 == 0, 5.0, 0.0)
    new = np.where(np.arange(200) % 10 == 0, 30.0, 0.0)
    scores = np.concatenate([old, new])[:, None]
    k = keys(("lane", 600))
    corrections = {}
    for half_life in (0.0, 100.0):
        params = ConformalParams(
            min_scores=10, budget_from=0.9, pool=600, gamma=0.0, half_life=half_life
        )
        state = ConformalState.start((0.95,), params, depth=2)
        state.absorb(scores, np.zeros_like(scores, bool), k, np.arange(600.0) * MINUTES_PER_DAY)
        corrections[half_life] = float(state.correction(["lane", "all"])[0])
    assert corrections == {0.0: 5.0, 100.0: 30.0}


def test_weights_that_are_all_equal_change_nothing() -> None:
    """Any constant weight gives the unweighted budget, corrections and fallback alike."""
    rng = np.random.default_rng(5)
    scores = np.round(rng.exponential(8, 300) * (rng.random(300) < 0.3))
    k = keys(("a", 120), ("b", 100), ("c", 80))
    plain = allocate(scores, k, 0.9, min_scores=10)
    weighted = allocate(scores, k, 0.9, min_scores=10, weights=np.full(300, 0.37))
    assert weighted.offsets == plain.offsets and weighted.fallback == plain.fallback
