"""api/calibration/live.py: a process's live model changes whole or not at all, and each
process of one store comes to serve the newest model."""

from __future__ import annotations

import asyncio
import json

import pytest

from api.calibration import LivePromise, parsed_model
from api.store import Store
from carriers.errors import InvalidRule
from routing.network import Network
from tests.helpers import learned_document


@pytest.fixture(scope="module")
def bodies(tiny: Network) -> list[bytes]:
    return [json.dumps(learned_document(tiny, late)).encode() for late in (0, 5)]


def test_a_post_is_live_here_and_a_later_poll_brings_it_elsewhere(
    store: Store, bodies: list[bytes]
) -> None:
    """Worker one posts; worker two, started before, serves it after its next refresh;
    a third started later has it from `load`."""
    one, two = LivePromise(store), LivePromise(store)
    one.load()
    two.load()
    assert one.served() is None and two.served() is None
    live = asyncio.run(one.post(bodies[0], "k1"))
    assert one.served() is live.served and two.served() is None
    asyncio.run(two.refresh())
    assert two.served() is not None and two.served().model_id == live.served.model_id  # type: ignore[union-attr]
    three = LivePromise(store)
    three.load()
    assert three.current is not None and three.current.stored.seq == live.stored.seq


def test_a_broken_post_or_stored_document_leaves_the_live_model(
    store: Store, bodies: list[bytes]
) -> None:
    """A post that fails its checks stores nothing; a stored row this process cannot read
    is refused once and the served model stays."""
    live = LivePromise(store)
    first = asyncio.run(live.post(bodies[1], "k1"))
    with pytest.raises(InvalidRule):
        asyncio.run(live.post(b'{"format": "glocal-promise-model/1"}', "k1"))
    with pytest.raises(ValueError):
        asyncio.run(live.post(b"{", "k1"))
    assert live.records.latest() == (first.stored.seq, first.served.model_id)
    live.records.add("pm_broken", "k2", '{"format": "nope"}')
    asyncio.run(live.refresh())
    assert live.served() is first.served
    assert live._refused == first.stored.seq + 1


def test_parsed_model_names_its_source_in_problems(bodies: list[bytes]) -> None:
    doc = json.loads(bodies[0])
    doc["n_fit"] = -1
    with pytest.raises(InvalidRule) as raised:
        parsed_model(json.dumps(doc), "upload")
    assert [(p.where, p.field) for p in raised.value.problems] == [("upload", "n_fit")]
