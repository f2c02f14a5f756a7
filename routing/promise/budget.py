"""A coverage budget shared by segments: the corrections of one level chosen together, so
that the recent shipments are covered at the level overall with the earliest mean promise.

Per-segment split conformal (`conformal.py`) covers every segment at the level: a segment
whose late shipments are few but very late (a long tail) is promised far out, to cover a
tail that a segment of on-time shipments has none of. The budget instead spends the misses
a level allows (5 % at P95) where covering costs most days:

    minimise   sum_s n_s c_s
    such that  sum_s n_s F_s(c_s) >= target * N

over the recent pool of N scores, n_s of them in segment s, c_s its correction and F_s the
share of its scores at or below c_s. With weights (the state's `half_life`: recent scores
weigh more, for histories that drift), N, n_s and F_s count weight instead of scores. The
Lagrangian splits it by segment: at a price `lam` per covered shipment, segment s takes
the c minimising `c - lam F_s(c)` among its own scores; `lam` is bisected to the least
price that covers `target`. A segment thinner than `min_scores` scores in the pool takes
the correction of its next coarser key (the same backing off as `conformal.py`).

What it promises is marginal: `target` of the recent pool is covered, not `target` of each
segment. A segment of on-time shipments gets its on-time date and holds it more often than
the level; one with a long tail may be promised at its median and hold less often.
docs/promise.md has the figures and the trade-off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_BISECTIONS = 60


@dataclass(frozen=True)
class Budget:
    """One level's corrections: per segment key (at the depth it was resolved), and the
    pool's own quantile at `target` for a key the pool never saw."""

    offsets: Mapping[str, float]
    counts: tuple[Mapping[str, int], ...]  # per depth, the pool's count of each key
    fallback: float
    min_scores: int

    def correction(self, keys: Sequence[str]) -> float:
        """The correction of a shipment whose segment keys (finest first) are `keys`."""
        return self.offsets.get(resolve(keys, self.counts, self.min_scores), self.fallback)


def resolve(keys: Sequence[str], counts: Sequence[Mapping[str, int]], min_scores: int) -> str:
    """The finest key with `min_scores` or more in the pool, else the coarsest."""
    for depth, key in enumerate(keys):
        if counts[depth].get(key, 0) >= min_scores:
            return f"{depth}:{key}"
    return f"{len(keys) - 1}:{keys[-1]}"


def allocate(
    scores: np.ndarray,
    keys: np.ndarray,
    target: float,
    min_scores: int,
    weights: np.ndarray | None = None,
) -> Budget:
    """The budget of one level over the pool: `scores` (N,), `keys` (N, depth) finest first;
    `target` a share of the pool's `weights` (default: all 1). A segment's count for
    `min_scores` is its number of scores, whatever they weigh."""
    weights = np.ones(len(scores)) if weights is None else np.asarray(weights, dtype=np.float64)
    counts = tuple(
        dict(zip(*np.unique(keys[:, d].astype(str), return_counts=True), strict=True))
        for d in range(keys.shape[1])
    )
    resolved = np.array([resolve(list(row), counts, min_scores) for row in keys], dtype=object)
    if target >= 1:
        offsets = {k: float(scores[resolved == k].max()) for k in np.unique(resolved)}
    else:
        offsets = _cheapest(scores, resolved, target, weights)
    return Budget(offsets, counts, _quantile(scores, weights, target), min_scores)


def _quantile(scores: np.ndarray, weights: np.ndarray, target: float) -> float:
    """The least score at or below which `target` of the weight lies (the largest for a
    target of 1 or more)."""
    order = np.argsort(scores, kind="stable")
    share = np.cumsum(weights[order]) / weights.sum()
    at = int(np.searchsorted(share, min(target, 1.0) - 1e-12))
    return float(scores[order][min(at, len(order) - 1)])


def _cheapest(
    scores: np.ndarray, resolved: np.ndarray, target: float, weights: np.ndarray
) -> dict[str, float]:
    """Per segment, its correction at the least price that covers `target` of the pool's
    weight."""
    names, segment = np.unique(resolved, return_inverse=True)
    order = np.lexsort((scores, segment))
    seg, value = segment[order], scores[order]
    n_seg = np.bincount(seg, weights[order])
    start = np.concatenate([[0.0], np.cumsum(n_seg)[:-1]])
    # candidates: each distinct score of a segment, with the weight at or below it
    last = np.append((seg[1:] != seg[:-1]) | (value[1:] != value[:-1]), True)
    c_seg, c_value = seg[last], value[last]
    c_weight = np.cumsum(weights[order])[last] - start[c_seg]
    c_share = c_weight / n_seg[c_seg]
    firsts = np.concatenate([[0], np.flatnonzero(c_seg[1:] != c_seg[:-1]) + 1])
    total = float(weights.sum())

    def pick(lam: float) -> tuple[np.ndarray, float]:
        cost = c_value - lam * c_share
        best = np.minimum.reduceat(cost, firsts)
        chosen = np.where(cost <= best[c_seg] + 1e-9, c_share, -1.0)
        share = np.maximum.reduceat(chosen, firsts)
        return share, float(np.sum(share * n_seg)) / total

    # a price past this makes every segment cover its last, lightest score
    lo, hi = 0.0, (float(np.ptp(scores)) + 1.0) * float(n_seg.max() / weights.min()) + 1.0
    for _ in range(_BISECTIONS):
        mid = (lo + hi) / 2
        if pick(mid)[1] >= target:
            hi = mid
        else:
            lo = mid
    share, _ = pick(hi)
    at = np.flatnonzero(c_share == share[c_seg])  # one candidate per segment: shares rise
    return {str(names[c_seg[i]]): float(c_value[i]) for i in at}
