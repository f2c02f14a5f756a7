"""Synthetic shipment histories for the learned promise's tests."""

from __future__ import annotations

import numpy as np
import pytest

from routing.calendar import MINUTES_PER_DAY
from routing.promise.history import History

JAN_1 = 20454 * MINUTES_PER_DAY  # 2026-01-01 UTC


def synthetic(n: int, seed: int = 0, days: int = 360, slower_from: int | None = None) -> History:
    """n shipments over `days` days: air (about 6 days) and sea (about 30) from two origins
    to two destinations, one in twenty with a heavy tail; with `slower_from`, air
    shipments ordered from that day on take 60 % longer. Whole days, like most histories."""
    rng = np.random.default_rng(seed)
    day = np.sort(rng.integers(0, days, n))
    air = rng.random(n) < 0.6
    typical = np.where(air, 6.0, 30.0)
    if slower_from is not None:
        typical = np.where(air & (day >= slower_from), typical * 1.6, typical)
    transit = np.ceil(typical * rng.lognormal(0.0, 0.25, n) + (rng.random(n) < 0.05) * 10)
    origin = np.where(rng.random(n) < 0.5, "CN", "VN").astype(object)
    return History(
        shipped=JAN_1 + day * MINUTES_PER_DAY,
        delivered=JAN_1 + (day + transit) * MINUTES_PER_DAY,
        service=np.where(air, "air", "sea").astype(object),
        lane=(origin + ">" + np.where(rng.random(n) < 0.5, "ES", "BR")).astype(object),
        date_only=True,
        mode=np.where(air, "air", "sea").astype(object),
        weight_kg=rng.lognormal(0.5, 1.0, n),
        source="synthetic",
    )


@pytest.fixture
def history() -> History:
    return synthetic(1500)
