"""routing/plan/solver.py, the one module that talks to OR-Tools: a sparse model solved by
each MIP and LP solver to the optimum worked out on paper, the solver's answers turned
into our own result states, LP duals, the min-cost-flow assignment, and a solver's
C-level chatter kept off stdout."""

from __future__ import annotations

import math

import numpy as np
import pytest

from routing.plan.solver import SparseModel, Status, assign, solve


def knapsack(row_lower: float = -math.inf, row_upper: float = 7.0) -> SparseModel:
    """maximise 3x + 2y (minimise -3x - 2y) with 2x + 2y <= 7, 0 <= x <= 3, 0 <= y <= 10,
    both integer. On paper: the LP takes x = 3, y = 0.5 (-10); whole, x = 3, y = 0 (-9)."""
    return SparseModel(
        lower=np.zeros(2),
        upper=np.array([3.0, 10.0]),
        integer=np.array([True, True]),
        cost=np.array([-3.0, -2.0]),
        row_lower=np.array([row_lower]),
        row_upper=np.array([row_upper]),
        rows=np.array([0, 0]),
        cols=np.array([0, 1]),
        vals=np.array([2.0, 2.0]),
    )


@pytest.mark.parametrize("solver", ["highs", "scip", "cp_sat"])
def test_each_mip_solver_finds_the_whole_optimum(solver: str) -> None:
    """x = 3, y = 0: objective -9, proven (the bound is the objective)."""
    found = solve(knapsack(), solver, 5)
    assert found.status is Status.OPTIMAL
    assert found.objective == pytest.approx(-9.0)
    assert found.bound == pytest.approx(-9.0)
    assert found.values == pytest.approx([3.0, 0.0])


@pytest.mark.parametrize("solver", ["highs", "glop", "pdlp"])
def test_the_relaxation_and_its_dual(solver: str) -> None:
    """Relaxed: x = 3, y = 0.5, objective -10; one more unit of the row's right-hand side
    buys half a y, 1 of objective: its dual is -1 (d objective / d bound)."""
    found = solve(knapsack(), solver, 5, relax=True)
    assert found.status is Status.OPTIMAL
    assert found.objective == pytest.approx(-10.0, abs=1e-6)
    assert found.values == pytest.approx([3.0, 0.5], abs=1e-6)
    assert found.duals == pytest.approx([-1.0], abs=1e-6)


@pytest.mark.parametrize("solver", ["highs", "scip", "cp_sat"])
@pytest.mark.parametrize("relax", [False, True], ids=["mip", "lp"])
def test_an_impossible_model_is_infeasible_not_a_crash(solver: str, relax: bool) -> None:
    """2x + 2y >= 30 cannot hold with x <= 3 and y <= 10 (at most 26): `infeasible`, no
    values, objective nan."""
    found = solve(knapsack(row_lower=30.0, row_upper=math.inf), solver, 5, relax=relax)
    assert found.status is Status.INFEASIBLE
    assert len(found.values) == 0 and math.isnan(found.objective)


@pytest.mark.parametrize("solver", ["glop", "nonesuch"])
def test_what_a_solver_refuses_is_an_error_state(solver: str) -> None:
    """An LP solver given integer variables, or a solver we do not have: status `error`
    with the reason in `detail`, not an exception."""
    found = solve(knapsack(), solver, 5)
    assert found.status is Status.ERROR
    assert found.detail and len(found.values) == 0 and math.isnan(found.bound)


def test_a_hint_does_not_change_the_optimum() -> None:
    """Started from the feasible x = 1, y = 2 (-7), HiGHS still ends at -9."""
    found = solve(knapsack(), "highs", 5, hint=np.array([1.0, 2.0]))
    assert found.status is Status.OPTIMAL and found.objective == pytest.approx(-9.0)


def test_assign_puts_rows_on_columns_at_least_cost() -> None:
    """Rows costing (1, 5), (4, 2), (3, 3); column 0 takes one row, column 1 two: row 0 to
    column 0 and the others to column 1 cost 1 + 2 + 3 = 6, the least of the three ways
    (10 with row 2 in column 0, 12 with row 1)."""
    cost = np.array([[1.0, 5.0], [4.0, 2.0], [3.0, 3.0]])
    assert assign(cost, np.array([1, 2])).tolist() == [0, 1, 1]
    assert assign(cost, np.array([2, 1])).tolist() == [0, 1, 0]  # 1 + 2 + 3 again


def test_assign_without_room_for_every_row_is_refused() -> None:
    """Capacities that do not add up to the rows: no assignment, a ValueError."""
    with pytest.raises(ValueError, match="3 rows to 2 columns has no solution"):
        assign(np.ones((3, 2)), np.array([1, 1]))


def test_solver_output_never_reaches_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    """What a solver prints on the C-level stdout (HiGHS debugging lines) is dropped."""
    import os

    from routing.plan.solver import _quiet_stdout

    with _quiet_stdout():
        os.write(1, b"HighsMipSolverData::transformNewIntegerFeasibleSolution\n")
    print("after")
    assert capfd.readouterr().out == "after\n"


def test_a_node_limit_stops_the_search_with_the_best_found() -> None:
    """A five-row knapsack of 30 items (seeded) needs branching: with one node HiGHS stops
    `feasible`, its bound short of the optimum the full search proves; the packing it
    returns fits every row."""
    rng = np.random.default_rng(3)
    weights = rng.integers(10, 100, (5, 30)).astype(float)
    values = rng.integers(10, 100, 30).astype(float)
    rows, cols = np.nonzero(weights)
    model = SparseModel(
        lower=np.zeros(30),
        upper=np.ones(30),
        integer=np.ones(30, dtype=bool),
        cost=-values,
        row_lower=np.full(5, -math.inf),
        row_upper=weights.sum(axis=1) / 2,
        rows=rows,
        cols=cols,
        vals=weights[rows, cols],
    )
    full = solve(model, "highs", 20, relative_gap=0.0)
    limited = solve(model, "highs", 20, relative_gap=0.0, node_limit=1)
    assert full.status is Status.OPTIMAL
    assert limited.status is Status.FEASIBLE
    assert limited.bound < full.objective - 1
    assert np.all(weights @ np.rint(limited.values) <= model.row_upper)
