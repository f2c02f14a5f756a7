"""routing/quote/records.py: what a quote is made of: immutable records with their
defaults, a route's legs in order, and a fresh id per quote."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from carriers.model import Mode
from carriers.money import Money
from routing.network import Network, routes_from
from routing.orders import Incoterm
from routing.quote import Leg, Line, Option, PromiseDates, Quote
from routing.quote.records import legs_of, new_quote_id


def test_a_routes_legs_name_each_service_in_order(tiny: Network) -> None:
    """Yiwu to a Portuguese buyer: feeder, air, last mile, each leg with its carrier,
    mode and ends."""
    (route,) = [r for r in routes_from(tiny, "CN-YIW-WH") if r[-1].to_node == "PT-NAT-ZONE"]
    assert legs_of(route) == (
        Leg("feeder", "feeder-yiw-pvg", Mode.ROAD, "CN-YIW-WH", "CN-PVG-AIR"),
        Leg("skyline", "skyline-pvg-mad", Mode.AIR, "CN-PVG-AIR", "ES-MAD-HUB"),
        Leg("lastmile", "lastmile-pt-road", Mode.ROAD, "ES-MAD-HUB", "PT-NAT-ZONE"),
    )
    assert legs_of(()) == ()


def test_every_quote_gets_a_new_id() -> None:
    """`q_` and 32 hex digits, never the same twice in a thousand."""
    ids = {new_quote_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"q_[0-9a-f]{32}", i) for i in ids)


def test_records_are_immutable_with_stated_defaults() -> None:
    """A freight line has no base, rate or rule; an option starts with no messages, tags
    or summary; _replace makes a new record and leaves the old one as it was."""
    line = Line("freight", "air: freight", Money(1000, "EUR"))
    assert (line.base, line.rate, line.rule_id, line.source) == (None, None, "", "")
    when = PromiseDates(date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 4))
    assert when.on_time_probability is None
    option = Option(
        "air#DDP",
        "air",
        Incoterm.DDP,
        (),
        (line,),
        Money(1000, "EUR"),
        Money(0, "EUR"),
        Money(1000, "EUR"),
        when,
        1.5,
    )
    assert (option.messages, option.tags, option.summary) == ((), (), "")
    tagged = option._replace(tags=("cheapest",))
    assert tagged.tags == ("cheapest",) and option.tags == ()
    with pytest.raises(AttributeError):
        option.tags = ("fastest",)  # type: ignore[misc]


def test_a_quote_states_no_rates_unless_given() -> None:
    """A quote in its own currency converted nothing: fx is empty by default."""
    q = Quote("q_1", datetime(2026, 11, 26, tzinfo=UTC), "EUR", (), ())
    assert q.fx == ()
