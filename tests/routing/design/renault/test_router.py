"""The bundle router on the tiny instance (test_evaluate.py has the costs): a deadline
rules out the cheapest path, a bundle's orders take one path, and the engine's insertion
search finds the solution worked out on paper."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from routing.design.loads import Loads
from routing.design.master import commitment_groups
from routing.design.renault.design import RenaultDesign, design_problem
from routing.design.renault.engine import bundle_paths
from routing.design.renault.evaluate import evaluate
from routing.design.renault.instance import Instance
from routing.design.renault.router import bundle_router
from routing.design.solve import solve_design


def _path(design: RenaultDesign, commodities: list[int]) -> list[tuple[str, ...]]:
    p = design.problem
    found = bundle_router(design)(np.array(commodities), Loads(p, commitment_groups(p)).added)
    assert found is not None
    return [design.path_of(found, j) for j in range(len(found))]


def test_a_deadline_rules_out_the_cheapest_path(tiny: Instance) -> None:
    """102's order may take 1 week: the platform; allowed 2, the pol (10.00)."""
    design = design_problem(tiny)
    assert _path(design, [2]) == [("102", "201", "901")]
    order = replace(tiny.bundles[1].orders[0], max_weeks=2)
    loose = replace(tiny, bundles=(tiny.bundles[0], replace(tiny.bundles[1], orders=(order,))))
    assert _path(design_problem(loose), [2]) == [("102", "301", "901")]


def test_the_orders_of_a_bundle_take_one_path(tiny: Instance) -> None:
    design = design_problem(tiny)
    assert _path(design, [0, 1]) == [("101", "201", "901")] * 2


def test_the_engine_s_insertion_search_finds_the_solution_worked_out_on_paper(
    tiny: Instance,
) -> None:
    design = design_problem(tiny)
    solved = solve_design(
        design.problem, 30.0, design.pricer, "insert", router=bundle_router(design)
    )
    paths = bundle_paths(design, solved.columns, solved.share)
    assert paths == {0: ("101", "201", "901"), 1: ("102", "201", "901")}
    assert solved.value == pytest.approx(175.6)
    assert evaluate(tiny, paths).cost == pytest.approx(175.6)
    assert solved.bound == pytest.approx(175.6)
