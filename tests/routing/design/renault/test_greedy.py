"""The greedy on the tiny instance (tests/routing/design/renault/test_evaluate.py has
the costs): 101 goes first (6.5 m3 against 6) and takes the platform (133.60 alone
against 201 direct); 102's cheapest path, via the pol (10.00), takes 2 weeks where its
order may take 1, so it takes the platform and fills 201 -> 901's week-1 vehicle."""

import pytest

from routing.design.renault.greedy import Lanes, best_path, greedy
from routing.design.renault.instance import Instance


def test_the_greedy_finds_the_solution_worked_out_on_paper(tiny: Instance) -> None:
    paths, found = greedy(tiny)
    assert paths == {0: ("101", "201", "901"), 1: ("102", "201", "901")}
    assert found.feasible
    assert found.cost == pytest.approx(175.6)


def test_a_deadline_rules_out_the_cheapest_path(tiny: Instance) -> None:
    """With the deadline, 102 avoids the 2-week path via the pol; without it (a bundle of
    the same orders allowed 2 weeks) that path is the cheapest."""
    lanes = Lanes.of(tiny)
    assert best_path(tiny, lanes, 1) == ("102", "201", "901")
    relaxed = (
        tiny.bundles[1].orders[0].__class__(**{**vars(tiny.bundles[1].orders[0]), "max_weeks": 2})
    )
    bundle = tiny.bundles[1].__class__("102", "901", (relaxed,))
    loose = Instance(
        tiny.points, tiny.legs, (tiny.bundles[0], bundle), tiny.horizon, tiny.first_week
    )
    assert best_path(loose, Lanes.of(loose), 1) == ("102", "301", "901")


def test_loads_are_added_and_removed_along_a_path(tiny: Instance) -> None:
    lanes = Lanes.of(tiny)
    lanes.carry(tiny, tiny.bundles[1], ("102", "201", "901"), 1)
    assert lanes.load.sum() == 1200  # 6 m3 on two per-vehicle legs
    lanes.carry(tiny, tiny.bundles[1], ("102", "201", "901"), -1)
    assert lanes.load.sum() == 0
