"""routing/network/summary.py: a network's figures, checked on paper and against the brief."""

from __future__ import annotations

from routing.network import Network
from routing.network.summary import summarize


def test_tiny_summary_matches_paper(tiny: Network) -> None:
    """5 nodes, 5 services; Yiwu reaches ES by air+road+postal/courier, PT by air+road."""
    s = summarize(tiny)
    assert (s.nodes, s.services, s.carriers) == (5, 5, 3)
    assert s.nodes_by_kind == {"airport": 1, "destination_zone": 2, "hub": 1, "warehouse": 1}
    assert s.services_by_mode == {"air": 1, "courier": 1, "postal": 1, "road": 2}
    assert s.origins == ["CN-YIW-WH", "ES-MAD-HUB"]
    assert s.reach["CN-YIW-WH"] == {
        "ES": ["air", "road", "postal", "courier"],
        "PT": ["air", "road"],
    }
    assert s.reach["ES-MAD-HUB"] == {"ES": ["postal", "courier"], "PT": ["road"]}


def test_default_world_summary_meets_the_brief(default_world: Network) -> None:
    """At least 5 origins, 10+ destination countries incl. ES BR RU ID US CN, all six modes."""
    s = summarize(default_world)
    assert len(s.origins) >= 5
    assert {"ES", "BR", "RU", "ID", "US", "CN"} <= set(s.destination_countries)
    assert len(s.destination_countries) >= 10
    assert set(s.modes) == {"air", "sea", "rail", "road", "postal", "courier"}
    assert "CN" in s.reach["ES-MAD-HUB"]
    assert "CN" not in s.reach["CN-YIW-WH"]
