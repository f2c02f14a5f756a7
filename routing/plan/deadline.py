"""The time limit of a whole plan: loading, every stage of the planner and writing, not
only the solver.

    deadline = Deadline(60, "--time-limit")
    stages, map_fn = deadline.stages(stages), deadline.map(map_fn)
    plan_orders(..., map_fn=map_fn, stages=stages)

Before each stage and each block of the model it checks the clock: past the limit, the
plan ends as an `InvalidPlanInput` naming the stage and the limit (the limit is a plan
parameter that this input cannot be planned within). A block is given at most the time
left, less a share kept for the stages after the solve (`RESERVE`), so the solver does
not spend what disaggregating and writing need. A stage that has begun is not
interrupted: whoever runs the plan bounds it from outside (the API's job runner ends the
planning process a margin past the limit).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from carriers.errors import InvalidPlanInput
from routing.plan.model import BlockData
from routing.plan.planner import Stages

RESERVE = 0.1  # share of the limit kept for the stages after the solve
MIN_BLOCK_S = 0.1  # a block is never given less (it then keeps its greedy plan)

MapFunction = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]


def time_limit_error(seconds: float, stage: str, name: str = "time_limit_s") -> InvalidPlanInput:
    """The error of a plan that ran past its limit of `seconds` (the option `name`)."""
    return InvalidPlanInput(
        f"the plan ran past its time limit of {seconds:g} s ({name}) in the {stage} stage; "
        "the limit covers every stage, not only the solver: give it more time or fewer orders"
    )


class Deadline:
    """`seconds` from `started` (a `time.monotonic()` instant; default: now)."""

    def __init__(
        self,
        seconds: float,
        name: str = "time_limit_s",
        started: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds, self.name, self.clock = seconds, name, clock
        self.ends = (clock() if started is None else started) + seconds
        self.stage = "load"

    def left(self) -> float:
        return self.ends - self.clock()

    def check(self) -> None:
        """Raise the time-limit error when no time is left."""
        if self.left() <= 0:
            raise time_limit_error(self.seconds, self.stage, self.name)

    def stages(self, inner: Stages) -> Stages:
        """`inner`, with the clock checked before each stage begins."""

        @contextmanager
        def bounded(name: str) -> Iterator[None]:
            self.stage = name
            self.check()
            with inner(name):
                yield

        return bounded

    def map(self, inner: MapFunction) -> MapFunction:
        """`inner` over the blocks, each checked for time and given at most what is left
        (lazily: a map that takes one block after another gives each the time left then)."""

        def mapped(function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
            return inner(function, self._bounded(items))

        return mapped

    def _bounded(self, blocks: Iterable[BlockData]) -> Iterator[BlockData]:
        for block in blocks:
            self.check()
            yield replace(block, time_limit_s=self.block_limit(block.time_limit_s))

    def block_limit(self, own: float) -> float:
        """A block's time limit: its own, within the time left less the reserve."""
        return min(own, max(self.left() - RESERVE * self.seconds, MIN_BLOCK_S))
