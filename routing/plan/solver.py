"""The one place that talks to OR-Tools: a MathOpt model built from numpy arrays, solved
by the chosen solver, its answer read back into arrays and our own result states.

The model is given in standard sparse form (`SparseModel`): variable bounds, integrality,
objective, row bounds and the (row, column, coefficient) triplets. It goes to MathOpt as
a `ModelProto` filled from the arrays directly (no per-variable Python objects), and is
solved in-process by HiGHS, SCIP, CP-SAT, GLOP or PDLP. `assign` is a small
transportation problem for OR-Tools' min-cost flow.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.math_opt import (
    callback_pb2,
    model_parameters_pb2,
    model_pb2,
    parameters_pb2,
    result_pb2,
)
from ortools.math_opt.core.python import solver as core
from ortools.math_opt.python import init_arguments, mathopt

SOLVER_TYPES = {
    "highs": mathopt.SolverType.HIGHS,
    "scip": mathopt.SolverType.GSCIP,
    "cp_sat": mathopt.SolverType.CP_SAT,
    "glop": mathopt.SolverType.GLOP,
    "pdlp": mathopt.SolverType.PDLP,
}


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # stopped (time or gap limit) with a solution
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"  # stopped before finding any
    ERROR = "error"


@dataclass(frozen=True)
class SparseModel:
    lower: np.ndarray  # per variable
    upper: np.ndarray
    integer: np.ndarray  # bool
    cost: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    rows: np.ndarray  # triplets
    cols: np.ndarray
    vals: np.ndarray


@dataclass(frozen=True)
class Solution:
    status: Status
    objective: float  # of the best solution found (nan without one)
    bound: float  # proven bound on the optimum
    values: np.ndarray  # per variable (empty without a solution)
    duals: np.ndarray  # per row (LPs only; empty otherwise)
    seconds: float
    detail: str = ""


def solve(
    model: SparseModel,
    solver: str,
    time_limit_s: float,
    threads: int = 1,
    seed: int = 7,
    relative_gap: float = 1e-4,
    relax: bool = False,
    hint: np.ndarray | None = None,
    node_limit: int | None = None,
) -> Solution:
    """Minimise; `relax` drops integrality (an LP, with duals). `node_limit` stops a MIP
    search after that many branch-and-bound nodes (a work limit: unlike the time limit,
    where it stops does not depend on the machine's speed); it then ends `feasible`."""
    proto = _proto(model, relax)
    params = _params(solver, time_limit_s, threads, seed, relative_gap)
    if node_limit is not None and not relax:
        params.node_limit = node_limit
    model_params = model_parameters_pb2.ModelSolveParametersProto()
    if hint is not None and not relax and solver != "cp_sat":
        h = model_params.solution_hints.add()
        nz = np.flatnonzero(hint)
        h.variable_values.ids[:] = nz.tolist()
        h.variable_values.values[:] = hint[nz].tolist()
    started = time.perf_counter()
    try:
        with _quiet_stdout():
            result = core.solve(
                proto,
                SOLVER_TYPES[solver].value,
                init_arguments.StreamableSolverInitArguments().to_proto(),
                params,
                model_params,
                None,
                callback_pb2.CallbackRegistrationProto(),
                None,
                None,
            )
    except Exception as exc:  # the solver's own errors: a result state, not a crash
        return Solution(
            Status.ERROR,
            np.nan,
            np.nan,
            np.zeros(0),
            np.zeros(0),
            time.perf_counter() - started,
            str(exc),
        )
    return _read(result, len(model.lower), len(model.row_lower), time.perf_counter() - started)


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 (the C-level stdout) to /dev/null while a solver runs: HiGHS
    prints debugging lines there (`HighsMipSolverData::...`) whatever `enable_output`
    says, which would tear the CLI's progress display. Python's own stdout is flushed
    first and is back when the solver is done."""
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1 at all: nothing to silence
        yield
        return
    sys.stdout.flush()
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _proto(m: SparseModel, relax: bool) -> model_pb2.ModelProto:
    p = model_pb2.ModelProto()
    n = len(m.lower)
    p.variables.ids[:] = range(n)
    p.variables.lower_bounds[:] = m.lower.tolist()
    p.variables.upper_bounds[:] = m.upper.tolist()
    p.variables.integers[:] = (np.zeros(n, dtype=bool) if relax else m.integer).tolist()
    nz = np.flatnonzero(m.cost)
    p.objective.maximize = False
    p.objective.linear_coefficients.ids[:] = nz.tolist()
    p.objective.linear_coefficients.values[:] = m.cost[nz].tolist()
    p.linear_constraints.ids[:] = range(len(m.row_lower))
    p.linear_constraints.lower_bounds[:] = m.row_lower.tolist()
    p.linear_constraints.upper_bounds[:] = m.row_upper.tolist()
    order = np.lexsort((m.cols, m.rows))
    mat = p.linear_constraint_matrix
    mat.row_ids[:] = m.rows[order].tolist()
    mat.column_ids[:] = m.cols[order].tolist()
    mat.coefficients[:] = m.vals[order].tolist()
    return p


def _params(
    solver: str, time_limit_s: float, threads: int, seed: int, gap: float
) -> parameters_pb2.SolveParametersProto:
    p = parameters_pb2.SolveParametersProto()
    p.time_limit.seconds = int(time_limit_s)
    p.time_limit.nanos = int((time_limit_s - int(time_limit_s)) * 1e9)
    p.enable_output = False
    if solver != "highs":  # HiGHS takes threads only as a global setting; it runs one
        p.threads = threads
    if solver not in ("pdlp",):
        p.random_seed = seed
    if solver in ("highs", "scip", "cp_sat"):
        p.relative_gap_tolerance = gap
    return p


_REASONS = result_pb2.TerminationReasonProto


def _read(r: result_pb2.SolveResultProto, n: int, m: int, seconds: float) -> Solution:
    reason = r.termination.reason
    status = {
        _REASONS.TERMINATION_REASON_OPTIMAL: Status.OPTIMAL,
        _REASONS.TERMINATION_REASON_FEASIBLE: Status.FEASIBLE,
        _REASONS.TERMINATION_REASON_INFEASIBLE: Status.INFEASIBLE,
        _REASONS.TERMINATION_REASON_NO_SOLUTION_FOUND: Status.NO_SOLUTION,
    }.get(reason, Status.ERROR)
    values, duals, objective = np.zeros(0), np.zeros(0), np.nan
    for s in r.solutions:
        if s.HasField("primal_solution") and not len(values):
            values = _dense(s.primal_solution.variable_values, n)
            objective = s.primal_solution.objective_value
        if s.HasField("dual_solution") and not len(duals):
            duals = _dense(s.dual_solution.dual_values, m)
    if status in (Status.OPTIMAL, Status.FEASIBLE) and not len(values):
        status = Status.NO_SOLUTION
    bound = r.termination.objective_bounds.dual_bound
    return Solution(status, objective, bound, values, duals, seconds, r.termination.detail)


def _dense(vector: object, n: int) -> np.ndarray:
    out = np.zeros(n)
    ids = np.asarray(vector.ids, dtype=np.int64)  # type: ignore[attr-defined]
    out[ids] = np.asarray(vector.values, dtype=np.float64)  # type: ignore[attr-defined]
    return out


def assign(cost: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Rows onto columns at least total cost, column j taking exactly capacity[j] rows
    (capacities sum to the rows); costs are rounded to 1/100 of their unit. Returns the
    column of each row."""
    n, k = cost.shape
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.repeat(np.arange(n), k)
    heads = n + np.tile(np.arange(k), n)
    flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, np.ones(n * k, dtype=np.int64), np.rint(cost.ravel() * 100).astype(np.int64)
    )
    flow.set_nodes_supplies(
        np.arange(n + k), np.concatenate([np.ones(n), -capacity]).astype(np.int64)
    )
    if flow.solve() != flow.OPTIMAL:
        raise ValueError(f"assignment of {n} rows to {k} columns has no solution")
    used = flow.flows(np.arange(n * k)).reshape(n, k)
    return np.argmax(used, axis=1)
