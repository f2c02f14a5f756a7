"""The conformal layer: split-conformal coverage on exchangeable data, and the adaptive
update's recovery after a shift."""

from __future__ import annotations

import numpy as np
import pytest

from routing.calendar import MINUTES_PER_DAY
from routing.promise.conformal import ConformalParams, ConformalState

LEVELS = (0.5, 0.9, 0.95)


def state(gamma: float = 0.0, window: int = 300, min_scores: int = 10) -> ConformalState:
    params = ConformalParams(
        window=window, min_scores=min_scores, gamma=gamma, keep=max(window, 500)
    )
    return ConformalState.start(LEVELS, params, depth=1)


def absorb(
    s: ConformalState, scores: np.ndarray, day: float, missed: np.ndarray | None = None
) -> None:
    n = len(scores)
    s.absorb(
        np.repeat(scores[:, None], len(LEVELS), axis=1),
        np.zeros((n, len(LEVELS)), bool) if missed is None else missed,
        np.full((n, 1), "all", dtype=object),
        np.full(n, day * MINUTES_PER_DAY),
    )


def test_split_conformal_covers_at_least_nominal_on_exchangeable_scores() -> None:
    """Over many draws of a small calibration set (n = 40), the share of fresh scores at or
    below the correction is at least the level (the finite-sample guarantee), give or take
    the Monte Carlo error."""
    rng = np.random.default_rng(1)
    covered = {q: [] for q in LEVELS}
    for _ in range(400):
        s = state()
        absorb(s, rng.standard_t(3, 40), day=0)
        c = s.correction(["all"])
        fresh = rng.standard_t(3, 200)
        for i, q in enumerate(LEVELS):
            covered[q].append(np.mean(fresh <= c[i]))
    for q in LEVELS:
        assert np.mean(covered[q]) >= q - 0.005, (q, np.mean(covered[q]))


def test_adaptive_update_recovers_after_a_shift() -> None:
    """Scores jump by 3 (a lane slows) on day 100: the plain window would need its 300
    old scores to age out; with the adaptive step, P90 coverage over days 130-200 is back
    within 3 points of 90 %."""
    rng = np.random.default_rng(2)
    s = state(gamma=0.05)
    absorb(s, rng.normal(0, 1, 300), day=-1)
    hits = []
    for day in range(200):
        c = s.correction(["all"])
        scores = rng.normal(3.0 if day >= 100 else 0.0, 1.0, 20)
        missed = scores[:, None] > c[None, :]
        hits.append(1 - missed[:, 1].mean())
        absorb(s, scores, day, missed)
    assert np.mean(hits[100:110]) < 0.8  # the shift does bite at first
    assert abs(np.mean(hits[130:]) - 0.9) <= 0.03


def test_no_scores_no_correction_and_round_trip() -> None:
    s = state(gamma=0.01)
    assert s.correction(["all"]).tolist() == [0.0, 0.0, 0.0]
    absorb(s, np.arange(50.0), day=3, missed=np.ones((50, 3), bool))
    again = ConformalState.from_dict(s.as_dict())
    assert again.alpha.tolist() == s.alpha.tolist()
    assert again.correction(["all"]).tolist() == s.correction(["all"]).tolist()


def test_thin_segment_backs_off_to_the_coarser_one() -> None:
    """Five scores of "air" are too few (min_scores 10): all 105 scores decide."""
    s = ConformalState.start((0.5,), ConformalParams(min_scores=10, window=300), depth=2)
    keys = np.array([["sea", "all"]] * 100 + [["air", "all"]] * 5, dtype=object)
    scores = np.r_[np.zeros(100), np.full(5, 9.0)][:, None]
    s.absorb(scores, np.zeros((105, 1), bool), keys, np.zeros(105))
    assert s.correction(["air", "all"])[0] == 0.0
    assert s.correction(["sea", "all"])[0] == 0.0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("window", 0, "window must be >= 1"),
        ("gamma", 1.5, "gamma must be in"),
        ("max_age_days", -1, "max_age_days"),
        ("budget_from", 0.0, "budget_from must be in"),
        ("pool", 0, "pool must be >= 1"),
        ("half_life", -1.0, "half_life must be >= 0"),
        ("half_life", float("nan"), "half_life must be >= 0"),
    ],
)
def test_params_refuse_values_out_of_range(field: str, value: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ConformalParams(**{field: value})
