"""The base quantile model: gradient-boosted quantile regression (LightGBM), one booster per
promised level, over the features of `routing.promise.features`.

Chosen by measurement on the SCMS history against a constant (the recent window's empirical
quantile, with or without segments) and the shifted log-normal fits of
`routing.promise.calibration` (docs/promise.md has the figures). LightGBM is small (one
wheel, numpy and scipy), handles missing values and unseen categories natively, and fits
a few thousand shipments in well under a second per level. Training is single-threaded
and seeded, so a fit is reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import lightgbm as lgb
import numpy as np

from routing.promise.features import CATEGORICAL, NAMES


@dataclass(frozen=True)
class BoostParams:
    """Size of the boosted trees; small defaults for histories of thousands of shipments."""

    trees: int = 200
    leaves: int = 15
    min_leaf: int = 20
    learning_rate: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        if self.trees < 1:
            raise ValueError(f"trees must be >= 1, got {self.trees}")
        if self.leaves < 2:
            raise ValueError(f"leaves must be >= 2, got {self.leaves}")
        if self.min_leaf < 1:
            raise ValueError(f"min_leaf must be >= 1, got {self.min_leaf}")
        if not 0 < self.learning_rate <= 1:
            raise ValueError(f"learning_rate must be in (0, 1], got {self.learning_rate}")


@dataclass(frozen=True, eq=False)
class QuantileModel:
    """One booster per level; `predict` returns days per shipment and level, sorted so that
    a higher level never promises earlier than a lower one."""

    levels: tuple[float, ...]
    boosters: tuple[lgb.Booster, ...]

    def predict(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.empty((0, len(self.levels)))
        days = np.column_stack([b.predict(x, num_threads=1) for b in self.boosters])
        return np.maximum.accumulate(days, axis=1)

    def as_dict(self) -> dict[str, object]:
        return {
            "levels": list(self.levels),
            "boosters": [b.model_to_string() for b in self.boosters],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> QuantileModel:
        levels = tuple(float(q) for q in data["levels"])  # type: ignore[attr-defined]
        texts: Sequence[str] = data["boosters"]  # type: ignore[assignment]
        return cls(levels, tuple(lgb.Booster(model_str=t) for t in texts))


def fit_quantiles(
    x: np.ndarray, y: np.ndarray, levels: Sequence[float], params: BoostParams | None = None
) -> QuantileModel:
    """A booster per level, minimising the pinball loss of that level."""
    params = params or BoostParams()
    boosters = []
    for q in sorted(levels):
        config = {
            "objective": "quantile",
            "alpha": q,
            "learning_rate": params.learning_rate,
            "num_leaves": params.leaves,
            "min_data_in_leaf": params.min_leaf,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "feature_fraction": 0.8,
            "seed": params.seed,
            "deterministic": True,
            "num_threads": 1,
            "verbose": -1,
            **_sizes(len(y), params),
        }
        data = lgb.Dataset(
            x,
            y,
            feature_name=list(NAMES),
            categorical_feature=list(CATEGORICAL),
            free_raw_data=False,
            params={"verbose": -1},
        )
        boosters.append(lgb.train(config, data, num_boost_round=params.trees))
    return QuantileModel(tuple(sorted(levels)), tuple(boosters))


def _sizes(n: int, params: BoostParams) -> dict[str, int]:
    """Leaves no larger than a tiny history can fill (tests and first fits)."""
    return {"min_data_in_bin": 1, "min_data_per_group": max(1, min(params.min_leaf, n // 10))}


def boost_params(data: Mapping[str, object]) -> BoostParams:
    return BoostParams(**{k: v for k, v in data.items() if k in asdict(BoostParams())})  # type: ignore[arg-type]
