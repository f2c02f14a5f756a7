"""The hostile-input findings against a real server (the tiny network, a SQLite file): each
a 4xx naming what is wrong, within the request's deadline, while `/healthz` keeps
answering; never a 500, a stall, or an answer that depends on what was asked before."""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.schemas import PROMISE_REQUEST
from api.settings import Settings
from tests.api.live import (
    PROBLEM,
    TINY,
    LiveServer,
    add_key,
    assert_problem,
    bearer,
    start_server,
    tiny_order,
)

DEADLINE_S = 5.0  # GLOCAL_REQUEST_TIMEOUT_S's default: the stall cases must answer within it


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    database = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'glocal.sqlite3'}"
    server = start_server(
        Settings(network=TINY, database_url=database, rate_limit=1000, rate_burst=1000)
    )
    yield server, add_key(database, "quote", "promise")
    server.stop()


@pytest.fixture
def client(live: tuple[LiveServer, str]) -> Iterator[httpx.Client]:
    server, key = live
    with httpx.Client(base_url=server.url, timeout=30, headers=bearer(key)) as c:
        yield c


def post(client: httpx.Client, body: bytes | dict[str, Any], path: str = "/v1/quotes") -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()  # any int
    return client.post(path, content=content, headers={"Content-Type": "application/json"})


def with_parcel(**fields: Any) -> dict[str, Any]:
    order = tiny_order()
    order["parcels"] = [{**order["parcels"][0], **fields}]
    return order


def with_item(**fields: Any) -> dict[str, Any]:
    order = tiny_order()
    order["items"] = [{**order["items"][0], **fields}]
    return order


class Probe:
    """`/healthz` asked every 20 ms in a thread while something else runs; the slowest."""

    def __init__(self, url: str) -> None:
        self.url, self.slowest, self.failures = url, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=5) as probe:
            while not self._stop.wait(0.02):
                start = time.perf_counter()
                if probe.get("/healthz").status_code != 200:
                    self.failures += 1
                self.slowest = max(self.slowest, time.perf_counter() - start)


FAR_DATES = [
    "9990-06-01T10:00:00+00:00",
    "2500-06-01T10:00:00+00:00",
    "2200-06-01T10:00:00+00:00",
    "2048-06-01T10:00:00+00:00",
    "9999-12-31T23:59:00-05:00",  # year 10000 in UTC
]


@pytest.mark.parametrize("created_at", FAR_DATES)
def test_far_dates_are_a_422_naming_the_field_within_the_deadline(
    live: tuple[LiveServer, str], client: httpx.Client, created_at: str
) -> None:
    """Years that kept a worker busy for minutes, or answered 500: a 422 on created_at with
    the range, at once, and the health probe answers meanwhile."""
    with Probe(live[0].url) as probe:
        start = time.perf_counter()
        response = post(client, tiny_order(created_at=created_at))
        took = time.perf_counter() - start
    body = assert_problem(response, 422, "invalid_order")
    assert [e["field"] for e in body["errors"]] == ["created_at"]
    assert "must be from" in body["errors"][0]["message"]
    assert took < DEADLINE_S and probe.failures == 0


def test_an_answer_does_not_depend_on_what_was_asked_before(client: httpx.Client) -> None:
    """2200 after a normal quote answers as 2200 first did (on main: 201 fresh, 500 after)."""
    far = tiny_order(created_at="2200-06-01T10:00:00+00:00")
    first = post(client, far)
    assert post(client, tiny_order()).status_code == 201
    again = post(client, far)
    assert (first.status_code, first.json()["errors"]) == (
        again.status_code,
        again.json()["errors"],
    )


@pytest.mark.parametrize(
    ("order", "field"),
    [
        (with_parcel(weight_kg=1e308), "parcels[0].weight_kg"),
        (with_parcel(weight_kg="Infinity"), "parcels[0].weight_kg"),
        (with_parcel(weight_kg="1e309"), "parcels[0].weight_kg"),
        (with_item(unit_value={"amount": "1" * 30, "currency": "EUR"}),
         "items[0].unit_value.amount"),
        (with_item(quantity=10**18), "items[0].quantity"),
        (tiny_order(destination={"country": "ES", "postal_code": "'; DROP TABLE"}),
         "destination.postal_code"),
        (tiny_order(deliver_by="9999-12-31"), "deliver_by"),
    ],
)  # fmt: skip
def test_out_of_range_values_are_a_422_at_their_field(
    client: httpx.Client, order: dict[str, Any], field: str
) -> None:
    body = assert_problem(post(client, order), 422, "invalid_order")
    assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"order_id": ' + b"9" * 5000 + b"}",  # an integer over 4,300 digits
        b'{"parcels": [{"weight_kg": 1e309}]}',  # beyond a double
        b"[" * 5000 + b"]" * 5000,  # nested 5,000 deep
        b'{"weight_kg": NaN}',
        b"\xff\xfe not utf-8",
    ],
    ids=["long-integer", "1e309", "deep", "nan", "binary"],
)
def test_bodies_json_cannot_hold_are_a_400(client: httpx.Client, raw: bytes) -> None:
    assert_problem(post(client, raw), 400, "malformed_json")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_not_declared_json_is_a_415(client: httpx.Client, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    for path in ("/v1/quotes", "/v1/promises"):
        response = client.post(path, content=orjson.dumps(tiny_order()), headers=headers)
        assert_problem(response, 415, "unsupported_media_type")


def test_json_with_a_charset_or_a_json_suffix_is_taken(client: httpx.Client) -> None:
    for declared in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = client.post(
            "/v1/quotes", content=orjson.dumps(tiny_order()), headers={"Content-Type": declared}
        )
        assert response.status_code == 201, response.text


def test_a_422_shows_no_server_path(client: httpx.Client) -> None:
    """An unknown currency is named without the path of the server's fx.csv."""
    response = post(client, tiny_order(currency="XAU"))
    assert response.status_code in (201, 422)
    assert "/" not in response.json().get("detail", "").replace("/v1/", "")


def test_a_client_that_hangs_up_mid_body_is_a_499_not_a_500(
    live: tuple[LiveServer, str], caplog: pytest.LogCaptureFixture
) -> None:
    server, key = live
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        head = (
            f"POST /v1/quotes HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"order_id":'
        )
        sock.sendall(head.encode())
        time.sleep(0.2)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        statuses = [getattr(r, "status", None) for r in caplog.records if r.name == "glocal.access"]
        if 499 in statuses:
            break
        time.sleep(0.05)
    assert 499 in statuses
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_past_the_deadline_a_request_is_a_503_with_retry_after(tmp_path: Path) -> None:
    """A promise to 5,200 destinations (half a second of work or more) with a budget of
    10 ms: 503 problem+json with Retry-After, and the worker goes on answering (health,
    and the next request). The work is far beyond the budget, not a quote against a
    zero one: the thread that computes holds the interpreter (all the longer compiled),
    so a short piece of work may end before the event loop gets to its timer."""
    database = f"sqlite:///{tmp_path / 'glocal.sqlite3'}"
    settings = Settings(
        network=TINY, database_url=database, request_timeout_s=0.01, max_destinations=5200
    )
    server = start_server(settings)
    body = copy.deepcopy(PROMISE_REQUEST)
    body["destinations"] = [
        {"country": "ES", "postal_code": f"{province:02d}{area:03d}"}
        for province in range(1, 53)
        for area in range(100)
    ]
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            client.headers.update(bearer(add_key(database, "quote", "promise")))
            response = post(client, body, "/v1/promises")
            assert_problem(response, 503, "request_timeout")
            assert response.headers["retry-after"] == "1"
            assert client.get("/healthz").status_code == 200
            assert_problem(post(client, body, "/v1/promises"), 503, "request_timeout")
    finally:
        server.stop()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)  # fmt: skip
ORDER_FIELDS = st.sampled_from(sorted(tiny_order()))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=JSON, changes=st.dictionaries(ORDER_FIELDS, JSON, max_size=4))
def test_any_json_gets_no_5xx(client: httpx.Client, document: Any, changes: dict[str, Any]) -> None:
    """Arbitrary JSON as the body, and a good order with arbitrary values in its fields:
    the answer is a quote or a 4xx problem, never a 5xx."""
    for body in (document, {**tiny_order(), **changes}):
        response = post(client, json.dumps(body).encode())
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert response.headers["content-type"] == PROBLEM
