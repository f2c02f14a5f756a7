"""carriers/errors.py: one documented error tree, each exception with its own stable code,
its problems kept and its message saying what to fix."""

from __future__ import annotations

import inspect
import re

import pytest

from carriers import errors
from carriers.errors import (
    GlocalError,
    InvalidNetwork,
    InvalidOrder,
    InvalidPlanInput,
    Problem,
    StoreError,
    StoreUnavailable,
    UnknownNode,
    shown,
)

TREE = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, GlocalError) and cls.__module__ == errors.__name__
]


def test_the_docstring_tree_lists_every_exception() -> None:
    """The module docstring draws the tree; it names exactly the exceptions defined, each
    directly under GlocalError."""
    drawn = set(re.findall(r"^\s*(?:[├└]── )?([A-Z]\w+)\s{2,}", errors.__doc__ or "", re.M))
    assert drawn == {cls.__name__ for cls in TREE}
    assert all(cls.__bases__ == (GlocalError,) for cls in TREE if cls is not GlocalError)


def test_every_exception_has_its_own_snake_case_code() -> None:
    """Codes are what the API and clients match on: one per class, none inherited."""
    codes = [cls.code for cls in TREE]
    assert len(set(codes)) == len(codes) == len(TREE)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code) for code in codes)
    assert InvalidNetwork.code == "invalid_network" and UnknownNode.code == "unknown_node"


def test_a_problem_reads_where_field_message() -> None:
    """A problem prints as `where: field: message`."""
    assert str(Problem("nodes.csv:4", "tz", "unknown")) == "nodes.csv:4: tz: unknown"


def test_invalid_network_counts_and_lists_every_problem() -> None:
    """Two problems: the message says 2 and lists both, one per line; both are kept."""
    found = [Problem("a.toml:3", "mode", "bad"), Problem("nodes.csv:2", "tz", "unknown")]
    error = InvalidNetwork(found)
    assert error.message == (
        "the network has 2 problem(s):\na.toml:3: mode: bad\nnodes.csv:2: tz: unknown"
    )
    assert error.problems == tuple(found) and str(error) == error.message


def test_invalid_order_names_each_field() -> None:
    """An order's problems are joined as `field: message`, without their place."""
    error = InvalidOrder([Problem("order", "origin", "is required"), Problem("order", "x", "y")])
    assert error.message == "invalid order: origin: is required; x: y"
    assert len(error.problems) == 2


def test_invalid_plan_input_shows_twenty_problems_and_counts_the_rest() -> None:
    """25 bad rows: the first 20 are shown, then `... and 5 more`; all 25 are kept."""
    rows = [Problem(f"orders.csv:{n}", "weight_kg", "must be > 0") for n in range(2, 27)]
    error = InvalidPlanInput("bad orders", rows)
    lines = error.message.splitlines()
    assert lines[0] == "bad orders:" and lines[1] == "orders.csv:2: weight_kg: must be > 0"
    assert len(lines) == 22 and lines[-1] == "... and 5 more"
    assert len(error.problems) == 25
    assert InvalidPlanInput("no file").message == "no file"


def test_unknown_node_keeps_the_id() -> None:
    """The id is kept for the caller and quoted in the message."""
    error = UnknownNode("CN-XXX-WH")
    assert error.node_id == "CN-XXX-WH" and error.message == "unknown node 'CN-XXX-WH'"


@pytest.mark.parametrize(
    "cls", [c for c in TREE if c.__init__ is GlocalError.__init__], ids=lambda c: c.__name__
)
def test_the_plain_exceptions_keep_message_and_problems(cls: type[GlocalError]) -> None:
    """Exceptions without their own constructor keep what they were given."""
    problem = Problem("rules.toml:9", "rate_pct", "must be a number")
    error = cls("rules.toml is broken", (problem,))
    assert (error.message, error.problems, str(error)) == (
        "rules.toml is broken",
        (problem,),
        "rules.toml is broken",
    )
    assert isinstance(error, GlocalError)


def test_a_store_that_fails_now_is_not_a_store_glocal_cannot_use() -> None:
    """StoreUnavailable (try again later: the API's 503) and StoreError (this database or
    URL will never do) are siblings, so neither is caught as the other."""
    assert StoreUnavailable.code == "store_unavailable" and StoreError.code == "store_error"
    assert not issubclass(StoreUnavailable, StoreError)
    assert not issubclass(StoreError, StoreUnavailable)
    assert StoreUnavailable("the database cannot be used now: disk I/O error").problems == ()


def test_a_value_is_shown_cut_to_its_width_never_whole_if_huge() -> None:
    """A problem quotes a value by its repr, cut; an integer past Python's printable
    digits is named by its size (its repr would raise)."""
    assert shown("28013") == "'28013'"
    assert shown("x" * 100, 20) == "'" + "x" * 16 + "..."
    assert shown(10**5000) == "a whole number of 16610 bits"
