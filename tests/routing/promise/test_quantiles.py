"""The base quantile model: ordered levels, a faithful text form, its parameters."""

from __future__ import annotations

import numpy as np
import pytest

from routing.promise.features import NAMES
from routing.promise.quantiles import BoostParams, QuantileModel, fit_quantiles


def test_quantiles_follow_the_feature_and_keep_their_order() -> None:
    """y = 10 x + noise: the P50 tracks 10 x, levels never cross, the text form predicts
    exactly the same."""
    rng = np.random.default_rng(0)
    x = np.full((600, len(NAMES)), np.nan)
    x[:, NAMES.index("lead_days")] = rng.uniform(0, 10, 600)
    y = 10 * x[:, NAMES.index("lead_days")] + rng.normal(0, 3, 600)
    model = fit_quantiles(x, y, (0.9, 0.5, 0.1), BoostParams(trees=60))
    assert model.levels == (0.1, 0.5, 0.9)
    days = model.predict(x)
    assert (np.diff(days, axis=1) >= 0).all()
    assert np.mean(np.abs(days[:, 1] - 10 * x[:, NAMES.index("lead_days")])) < 3
    assert 0.85 <= np.mean(y <= days[:, 2]) <= 0.95
    again = QuantileModel.from_dict(model.as_dict())
    assert np.array_equal(again.predict(x), days)
    assert model.predict(x[:0]).shape == (0, 3)


def test_boost_params_refuse_values_out_of_range() -> None:
    with pytest.raises(ValueError, match="trees must be >= 1, got 0"):
        BoostParams(trees=0)
    with pytest.raises(ValueError, match="learning_rate"):
        BoostParams(learning_rate=0)
