"""The conformal layer: corrections to any quantile model so that its P-levels hold on what
comes next (docs/promise.md has the method and its guarantee).

Scores. For a shipment with base-model quantile q_hat(x) and outcome y (days from the base),
the score at a level is s = y - q_hat(x): how far the model fell short. The promise at
that level is q_hat(x) + c, c the conformal quantile of recent scores.

Split conformal per segment. The state keeps the scores of the most recent `keep` delivered
shipments. A shipment's correction c comes from the last `window` scores of its segment (a
key such as "scheduled|Air|Nigeria"), backing off to a coarser key ("scheduled|Air", then
"scheduled") while the segment has fewer than `min_scores`. c is the
ceil((n + 1)(1 - a)) -th smallest of the n scores (with `max_age_days`, scores older
than that are left out of a segment's window while `min_scores` remain): for exchangeable shipments
P(y <= q_hat + c) >= 1 - a.

Adaptive conformal inference (Gibbs and Candes 2021). Each level keeps its own a_t, which
starts at the nominal a = 1 - level; after each delivery day,
    a_t <- a_t + gamma (a - share of that day's deliveries that missed their promise).
A run of misses lowers a_t and widens the promise; a run of hits narrows it. Whatever the
drift, the long-run miss rate over T days with deliveries stays within
(max(a_1, 1 - a_1) + gamma) / (gamma T) of a. When (n + 1)(1 - a_t) > n the promise is the
largest recent score (the paper's infinite interval, made finite for a date).

A shared budget (`budget_from` <= a level): that level's corrections are instead chosen
together over the last `pool` scores of all segments (`routing.promise.budget`), so that
1 - a_t of the pool is covered at the least mean promise; a_t adapts as above. With
`half_life`, a score of the pool weighs 2^(-k / half_life), k the scores newer than it,
and the pool's weight is covered instead of its count (weighted conformal prediction,
Barber, Candes, Ramdas and Tibshirani 2023: under exchangeability it still covers 1 - a;
under drift it leans on the recent shipments, and the coverage it may lose is bounded by
how far the weighted old scores differ from the new).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from routing.calendar import MINUTES_PER_DAY
from routing.promise.budget import Budget, allocate


@dataclass(frozen=True)
class ConformalParams:
    window: int = 300  # the most recent scores of a segment that set its correction
    min_scores: int = 30  # fewer in a segment: the next coarser segment's scores
    gamma: float = 0.002  # ACI step per delivery day; 0 turns the adaptive update off
    keep: int = 5000  # the most recent delivered shipments kept, all segments together
    max_age_days: float = 0.0  # > 0: scores older than this before the newest are dropped
    # from a segment's window while `min_scores` remain (busy histories adapt in days)
    budget_from: float = 1.0  # levels >= this share one coverage budget (1: none do)
    pool: int = 1000  # the most recent scores, all segments, that a shared budget spends
    # (at most `keep`)
    half_life: float = 0.0  # > 0: in a shared budget a score weighs half as much for every
    # `half_life` newer scores in the pool (weighted conformal); 0: all weigh the same

    def __post_init__(self) -> None:
        if self.window < 1:
            raise ValueError(f"window must be >= 1, got {self.window}")
        if not 1 <= self.min_scores <= self.window:
            raise ValueError(f"min_scores must be in [1, window], got {self.min_scores}")
        if not 0 <= self.gamma < 1:
            raise ValueError(f"gamma must be in [0, 1), got {self.gamma}")
        if self.keep < self.window:
            raise ValueError(f"keep must be >= window ({self.window}), got {self.keep}")
        if self.max_age_days < 0:
            raise ValueError(f"max_age_days must be >= 0, got {self.max_age_days}")
        if not 0 < self.budget_from <= 1:
            raise ValueError(f"budget_from must be in (0, 1], got {self.budget_from}")
        if self.pool < 1:
            raise ValueError(f"pool must be >= 1, got {self.pool}")
        if not self.half_life >= 0:
            raise ValueError(f"half_life must be >= 0, got {self.half_life}")


@dataclass(eq=False)
class ConformalState:
    """Recent scores and the adaptive levels; `absorb` and `correction` are its whole use."""

    levels: tuple[float, ...]
    params: ConformalParams
    alpha: np.ndarray  # a_t per level
    scores: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))  # (n, levels)
    keys: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=object))  # (n, depth)
    delivered: np.ndarray = field(default_factory=lambda: np.empty(0))  # UTC minutes
    _cache: dict[tuple[int, str], np.ndarray] = field(default_factory=dict, repr=False)
    _budgets: dict[int, Budget] = field(default_factory=dict, repr=False)

    @classmethod
    def start(cls, levels: Sequence[float], params: ConformalParams, depth: int) -> ConformalState:
        return cls(
            tuple(levels),
            params,
            np.array([1 - q for q in levels], dtype=np.float64),
            np.empty((0, len(levels))),
            np.empty((0, depth), dtype=object),
        )

    def correction(self, keys: Sequence[str]) -> np.ndarray:
        """Per level, the days to add to the base model's quantile for a shipment whose
        segment keys (finest first) are `keys`. No scores at all: no correction."""
        if len(self.scores) == 0:
            return np.zeros(len(self.levels))
        recent = self._recent(keys)
        n = len(recent)
        out = np.empty(len(self.levels))
        for i, a in enumerate(self.alpha):
            if self.levels[i] >= self.params.budget_from:
                out[i] = self._budget(i).correction(keys)
                continue
            rank = int(np.ceil((n + 1) * (1 - a)))
            out[i] = recent[min(max(rank, 1), n) - 1, i]
        return out

    def _budget(self, i: int) -> Budget:
        """Level i's shared budget over the last `pool` scores, at 1 - a_t (module doc)."""
        found = self._budgets.get(i)
        if found is None:
            pool = slice(-self.params.pool, None)
            weights = self._weights(len(self.scores[pool]))
            # the next shipment weighs 1 (weighted split conformal's finite-sample share)
            total = float(weights.sum())
            target = min(1.0, (1 - float(self.alpha[i])) * (total + 1) / total)
            found = allocate(
                self.scores[pool, i], self.keys[pool], target, self.params.min_scores, weights
            )
            self._budgets[i] = found
        return found

    def _weights(self, n: int) -> np.ndarray:
        """Per score of a pool of n, oldest first: 1/2 per `half_life` newer scores."""
        if self.params.half_life <= 0:
            return np.ones(n)
        return 0.5 ** (np.arange(n - 1, -1, -1) / self.params.half_life)

    def _recent(self, keys: Sequence[str]) -> np.ndarray:
        """Each level's column sorted, from the finest segment with enough scores."""
        for depth, key in enumerate(keys):
            found = self._cache.get((depth, key))
            if found is None:
                index = self._fresh(np.flatnonzero(self.keys[:, depth] == key))
                found = np.sort(self.scores[index], axis=0)
                self._cache[(depth, key)] = found
            if len(found) >= self.params.min_scores:
                return found
        return np.sort(self.scores[self._fresh(np.arange(len(self.scores)))], axis=0)

    def _fresh(self, index: np.ndarray) -> np.ndarray:
        """The last `window` of these scores, less those past `max_age_days` (module doc)."""
        index = index[-self.params.window :]
        if self.params.max_age_days > 0 and len(index) > self.params.min_scores:
            oldest = self.delivered[-1] - self.params.max_age_days * MINUTES_PER_DAY
            young = index[self.delivered[index] >= oldest]
            enough = len(young) >= self.params.min_scores
            index = young if enough else index[-self.params.min_scores :]
        return index

    def absorb(
        self, scores: np.ndarray, missed: np.ndarray, keys: np.ndarray, delivered: np.ndarray
    ) -> None:
        """Deliveries that became known: each delivery day moves a_t by its miss share,
        and the scores join the window (oldest dropped past `keep`)."""
        if len(scores) == 0:
            return
        order = np.argsort(delivered, kind="stable")
        scores, missed, keys, delivered = (
            scores[order],
            missed[order],
            keys[order],
            delivered[order],
        )
        days = np.floor(delivered / MINUTES_PER_DAY)
        starts = np.flatnonzero(np.diff(days, prepend=np.nan) != 0)
        nominal = np.array([1 - q for q in self.levels])
        for share in (
            np.add.reduceat(missed.astype(np.float64), starts, axis=0)
            / np.diff(np.append(starts, len(days)))[:, None]
        ):
            self.alpha = self.alpha + self.params.gamma * (nominal - share)
        if len(self.scores) == 0:
            self.keys = keys[:0]
        keep = self.params.keep
        self.scores = np.concatenate([self.scores, scores])[-keep:]
        self.keys = np.concatenate([self.keys, keys])[-keep:]
        self.delivered = np.concatenate([self.delivered, delivered])[-keep:]
        self._cache.clear()
        self._budgets.clear()

    def as_dict(self) -> dict[str, object]:
        return {
            "levels": list(self.levels),
            "params": self.params.__dict__,
            "alpha": self.alpha.tolist(),
            "scores": self.scores.tolist(),
            "keys": self.keys.tolist(),
            "delivered": self.delivered.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ConformalState:
        levels = tuple(float(q) for q in data["levels"])  # type: ignore[attr-defined]
        keys = [list(map(str, row)) for row in data["keys"]]  # type: ignore[attr-defined]
        depth = len(keys[0]) if keys else 0
        return cls(
            levels,
            ConformalParams(**data["params"]),  # type: ignore[arg-type]
            np.array(data["alpha"], dtype=np.float64),
            np.array(data["scores"], dtype=np.float64).reshape(-1, len(levels)),
            np.array(keys, dtype=object).reshape(-1, depth),
            np.array(data["delivered"], dtype=np.float64),
        )
