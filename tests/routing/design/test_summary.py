"""summary.json of a design: its parts add up, and what it reports per service and week
is the bookings' own."""

from __future__ import annotations

import pytest

from routing.design.run import SeasonDesign


def test_the_summary_adds_up(tiny_season: SeasonDesign) -> None:
    s = tiny_season.summary
    parts = sum(v for k, v in s["cost"].items() if k != "total")
    assert s["cost"]["total"] == pytest.approx(parts, abs=0.05)
    assert s["bound"] <= s["cost"]["total"] + 1e-6
    assert sum(e["units"] for e in s["by_service"]) == s["booked"]["units"]
    assert sum(w["booked_kg"] for w in s["by_week"]) == pytest.approx(s["booked"]["kg"], abs=1)
    assert sum(e["spot_kg"] for e in s["by_service"]) == pytest.approx(
        s["booked"]["spot_kg"], abs=1
    )
    assert 0 <= s["on_time_share"] <= 1
    fixed = sum(e["fixed_cost"] for e in s["by_service"])
    assert fixed == pytest.approx(s["cost"]["fixed"], abs=0.05 * len(s["by_service"]))


def test_shadow_prices_are_in_words(tiny_season: SeasonDesign) -> None:
    for p in tiny_season.summary["shadow_prices"]:
        assert p["sentence"].startswith("one more ") and " saves at most EUR " in p["sentence"]
        assert p["saving"] > 0
