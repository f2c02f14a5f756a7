"""routing/plan/deadline.py: the time limit of a whole plan: checked before every stage and
every block, each block given at most the time left less the reserve for the stages after
it; past the limit the plan ends naming the stage and the limit. On a clock the test moves
by hand, and on the real planner and clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from carriers.errors import InvalidPlanInput
from routing.network import Network
from routing.plan import BlockData, PlanParams, plan_orders, plan_table, validate_orders
from routing.plan.deadline import MIN_BLOCK_S, RESERVE, Deadline, time_limit_error
from tests.routing.plan.conftest import one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def a_block(time_limit_s: float) -> BlockData:
    empty = np.zeros(0)
    return BlockData(*[empty] * 15, unplanned_penalty=1.0, time_limit_s=time_limit_s)


def test_each_stage_is_checked_before_it_begins() -> None:
    """60 s from 1000: a stage begun at 1059 runs; at 1060 the next is refused before it
    begins, the error naming that stage and the option's name."""
    clock, entered = Clock(), []

    @contextmanager
    def inner(name: str) -> Iterator[None]:
        entered.append(name)
        yield

    deadline = Deadline(60, "--time-limit", clock=clock)
    stages = deadline.stages(inner)
    clock.now = 1059
    with stages("routes"):
        clock.now = 1060  # a stage begun in time is not interrupted
    with pytest.raises(InvalidPlanInput) as caught, stages("model"):
        pass
    assert entered == ["routes"]
    assert caught.value.message == (
        "the plan ran past its time limit of 60 s (--time-limit) in the model stage; the limit "
        "covers every stage, not only the solver: give it more time or fewer orders"
    )
    assert caught.value.message == time_limit_error(60, "model", "--time-limit").message


def test_each_block_gets_the_time_left_less_the_reserve() -> None:
    """100 s, reserve 10 s: blocks of 30 s each (each taking 5 s more than its limit),
    taken one by one by the built-in map, get 30 s while 40 s or more are left, then what
    is left less 10 s, never less than MIN_BLOCK_S; past the limit the next block is
    refused, naming the stage."""
    clock = Clock()
    deadline = Deadline(100, clock=clock)
    deadline.stage = "solve"
    given: list[float] = []

    def solve(block: BlockData) -> float:
        given.append(block.time_limit_s)
        clock.now += block.time_limit_s + 5
        return block.time_limit_s

    blocks = [a_block(30.0)] * 5
    with pytest.raises(InvalidPlanInput, match="in the solve stage"):
        list(deadline.map(map)(solve, blocks))
    assert RESERVE * 100 == 10
    # at 1000, 1035, 1070 (30 left: 20 for the block), 1095 (5 left, all of it the reserve)
    assert given == pytest.approx([30, 30, 20, MIN_BLOCK_S])
    assert clock.now == pytest.approx(1100 + MIN_BLOCK_S)


def test_a_block_with_less_than_the_time_left_keeps_its_own() -> None:
    """60 s, reserve 6 s: a 5 s block keeps its 5 s with 11 s left; with 10 left it gets 4;
    with 5 left (less than the reserve) MIN_BLOCK_S."""
    clock = Clock()
    deadline = Deadline(60, clock=clock)
    clock.now += 49
    assert deadline.block_limit(5.0) == 5.0
    clock.now += 1
    assert deadline.block_limit(5.0) == pytest.approx(4.0)
    clock.now += 5
    assert deadline.block_limit(5.0) == MIN_BLOCK_S
    assert deadline.left() == pytest.approx(5)


def test_a_generous_limit_plans_what_no_limit_plans(two_lanes: Network) -> None:
    """The two-lane week under a limit of an hour, through the deadline's stages and map:
    the very plan of no limit."""
    table, _ = validate_orders(one_kilo_orders(150), two_lanes)
    deadline = Deadline(3600)

    @contextmanager
    def quiet(name: str) -> Iterator[None]:
        yield

    bounded = plan_orders(
        table, two_lanes, PARAMS, map_fn=deadline.map(map), stages=deadline.stages(quiet)
    )
    free = plan_orders(table, two_lanes, PARAMS)
    assert plan_table(bounded).equals(plan_table(free))


def test_a_plan_past_its_limit_ends_at_its_next_stage(two_lanes: Network) -> None:
    """A limit of 5 s that began 10 s ago: the planner ends before its first stage
    (aggregate) does any work, naming it."""
    table, _ = validate_orders(one_kilo_orders(3), two_lanes)
    deadline = Deadline(5, started=time.monotonic() - 10)
    seen: list[str] = []

    @contextmanager
    def stages(name: str) -> Iterator[None]:
        seen.append(name)
        yield

    with pytest.raises(
        InvalidPlanInput, match=r"time limit of 5 s \(time_limit_s\) in the aggregate"
    ):
        plan_orders(
            table, two_lanes, PARAMS, map_fn=deadline.map(map), stages=deadline.stages(stages)
        )
    assert seen == []
