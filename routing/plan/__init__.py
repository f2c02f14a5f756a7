"""Batch planning with OR-Tools (the only package that imports it).

    table = load_orders(path, network)                    # validated arrays
    result = plan_orders(table, network, PlanParams())    # aggregate, route, solve, assign
    plan_table(result); summary(result); write_report(result, summary(result), path)

The model is cut into independent blocks (`BlockData`, plain numpy arrays) solved by
`solve_block` (and, while refining, `solve_relaxation`) through one `map`:
`plan_orders(..., map_fn=...)` takes any map, e.g. a Dask client's
`lambda f, xs: client.gather(client.map(f, xs))`; by default `worker_pool(params.workers)`.
A `Deadline` bounds a whole plan: `plan_orders(..., map_fn=deadline.map(map_fn),
stages=deadline.stages(stages))`.
"""

from carriers.errors import InvalidPlanInput
from routing.plan.blocks import (
    BlockResult,
    solve_block,
    solve_blocks,
    solve_relaxation,
    worker_pool,
)
from routing.plan.capacity import read_capacity
from routing.plan.deadline import Deadline, time_limit_error
from routing.plan.model import BlockData
from routing.plan.output import PLAN_COLUMNS, plan_table, summary
from routing.plan.params import PlanParams, Scenario, parse_scale
from routing.plan.planner import PlanResult, plan_orders
from routing.plan.report import write_report
from routing.plan.sample import sample_orders
from routing.plan.table import COLUMNS, InvalidRow, OrdersTable, load_orders, validate_orders

__all__ = [
    "COLUMNS",
    "PLAN_COLUMNS",
    "BlockData",
    "BlockResult",
    "Deadline",
    "InvalidPlanInput",
    "InvalidRow",
    "OrdersTable",
    "PlanParams",
    "PlanResult",
    "Scenario",
    "load_orders",
    "parse_scale",
    "plan_orders",
    "plan_table",
    "read_capacity",
    "sample_orders",
    "solve_block",
    "solve_blocks",
    "solve_relaxation",
    "summary",
    "time_limit_error",
    "validate_orders",
    "worker_pool",
    "write_report",
]
