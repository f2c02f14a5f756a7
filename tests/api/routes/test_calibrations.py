"""api/routes/calibrations.py: learned promise models posted to real servers on the tiny
network, over one real SQLite file: a post changes the dates quotes and promises give on
the lanes the model knows and nowhere else, a broken model is a problem that changes
nothing, only admin keys post, quotes racing a reload each use exactly one model, and a
second server process on the same store serves the posted model within its poll."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.schemas import PROMISE_REQUEST, PromiseCalibration
from api.settings import Settings
from routing.network import load_network
from tests.api.live import (
    TINY,
    LiveServer,
    add_key,
    assert_problem,
    bearer,
    start_server,
    tiny_order,
)
from tests.helpers import learned_document

PORTUGAL = {"country": "PT", "postal_code": "1000-001"}


def settings(database: str) -> Settings:
    return Settings(
        network=TINY,
        database_url=database,
        key_cache_seconds=0,
        rate_limit=1000,
        rate_burst=1000,
        promise_poll_seconds=0.1,
    )


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """A server over a fresh SQLite file; (server, database URL)."""
    database = f"sqlite:///{tmp_path_factory.mktemp('calibrations') / 'glocal.sqlite3'}"
    live = start_server(settings(database))
    yield live, database
    live.stop()


@pytest.fixture(scope="module")
def client(servers: tuple[LiveServer, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=servers[0].url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def keys(servers: tuple[LiveServer, str]) -> dict[str, dict[str, str]]:
    return {s: bearer(add_key(servers[1], s)) for s in ("admin", "quote", "promise")}


@pytest.fixture(scope="module")
def models() -> dict[str, bytes]:
    """Two models of Spain only (every delivery 10 and 20 days later than the schedules)."""
    tiny = load_network(TINY)
    return {
        late: json.dumps(learned_document(tiny, late, ("ES-PEN-ZONE",))).encode()
        for late in (10, 20)
    }


def post(client: httpx.Client, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return client.post(
        "/v1/promise-calibrations",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )


def promises(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [o["promise"] for o in answer["options"]]


def test_a_posted_model_promises_the_lanes_it_knows_and_only_those(
    client: httpx.Client, keys: dict[str, dict[str, str]], models: dict[str, bytes]
) -> None:
    """Before: every date from the schedules. After posting a model fitted on deliveries
    10 days late to Spain: Spanish options and promises are learned (later dates, the
    model's id), Portuguese ones still come from the schedules; GET current names it."""
    none = client.get("/v1/promise-calibrations/current", headers=keys["promise"])
    assert_problem(none, 404, "no_promise_model")
    spain = client.post("/v1/quotes", json=tiny_order(), headers=keys["quote"]).json()
    assert {p["source"] for p in promises(spain)} == {"schedule"}

    posted = post(client, models[10], keys["admin"])
    assert posted.status_code == 201, posted.text
    live = PromiseCalibration.model_validate(posted.json())
    assert live.destinations == ["ES-PEN-ZONE"] and live.levels[2] == 0.5
    assert posted.headers["location"] == "/v1/promise-calibrations/current"
    current = client.get("/v1/promise-calibrations/current", headers=keys["promise"])
    assert current.json() == posted.json()

    after = client.post("/v1/quotes", json=tiny_order(), headers=keys["quote"]).json()
    assert {(p["source"], p.get("calibration")) for p in promises(after)} == {("learned", live.id)}
    for old, new in zip(promises(spain), promises(after), strict=True):
        assert new["p95"] > old["p95"] and new["p50"] > old["p50"]
    portugal = tiny_order(destination=PORTUGAL)
    quoted = client.post("/v1/quotes", json=portugal, headers=keys["quote"])
    assert quoted.status_code == 201, quoted.text
    assert {p["source"] for p in promises(quoted.json())} == {"schedule"}
    assert all("calibration" not in p for p in promises(quoted.json()))

    asked = copy.deepcopy(PROMISE_REQUEST)
    asked["destinations"] = [{"country": "ES", "postal_code": "28013"}, PORTUGAL]
    es, pt = client.post("/v1/promises", json=asked, headers=keys["promise"]).json()["destinations"]
    assert (es["fastest"]["source"], es["fastest"]["calibration"]) == ("learned", live.id)
    assert pt["fastest"]["source"] == "schedule" and "calibration" not in pt["fastest"]


def broken(models: dict[str, bytes]) -> dict[str, tuple[bytes, str]]:
    """Bodies that are not a usable model, with the field each problem names."""
    good = json.loads(models[20])
    cases: dict[str, tuple[Any, str]] = {}
    for name, path, value, field in (
        ("format", ("format",), "glocal-promise-model/9", "format"),
        ("levels", ("params", "levels"), [0.1, 0.5, 0.9], "params.levels"),
        ("booster", ("quantiles", "boosters"), None, "quantiles.boosters[1]"),
        ("scores", ("conformal", "scores"), [[1.0, 2.0]], "conformal.scores"),
        ("n_fit", ("n_fit",), -3, "n_fit"),
    ):
        doc = copy.deepcopy(good)
        *parents, last = path
        holder = doc
        for p in parents:
            holder = holder[p]
        if name == "booster":
            holder[last][1] = "tree\nnot a booster"
        else:
            holder[last] = value
        cases[name] = (doc, field)
    return {name: (json.dumps(doc).encode(), field) for name, (doc, field) in cases.items()}


def test_a_broken_model_is_a_problem_naming_its_field_and_changes_nothing(
    client: httpx.Client, keys: dict[str, dict[str, str]], models: dict[str, bytes]
) -> None:
    """Not JSON: 400; each broken field: 422 naming it; the live model stays, and quotes
    keep using it."""
    live = post(client, models[10], keys["admin"]).json()
    assert_problem(post(client, b'{"format": ', keys["admin"]), 400, "malformed_json")
    for body, field in broken(models).values():
        problem = assert_problem(post(client, body, keys["admin"]), 422, "invalid_promise_model")
        assert field in [e["field"] for e in problem["errors"]], problem
    current = client.get("/v1/promise-calibrations/current", headers=keys["admin"]).json()
    assert current["id"] == live["id"] and current["version"] == live["version"]
    after = client.post("/v1/quotes", json=tiny_order(), headers=keys["quote"]).json()
    assert {p.get("calibration") for p in promises(after)} == {live["id"]}


def test_only_an_admin_key_posts_a_model(
    client: httpx.Client, keys: dict[str, dict[str, str]], models: dict[str, bytes]
) -> None:
    """Quote and promise keys get 403 on a post; a quote key cannot read the live model."""
    for scope in ("quote", "promise"):
        assert_problem(post(client, models[20], keys[scope]), 403, "missing_scope")
    current = client.get("/v1/promise-calibrations/current", headers=keys["quote"])
    assert_problem(current, 403, "missing_scope")
    assert_problem(post(client, models[20], {}), 401, "unauthorized")


def test_quotes_during_reloads_each_use_exactly_one_model(
    client: httpx.Client, keys: dict[str, dict[str, str]], models: dict[str, bytes]
) -> None:
    """Quotes sent while the two models are posted in turn all succeed, and each quote's
    options all name one model, whose dates they carry."""
    ids = {late: post(client, models[late], keys["admin"]).json()["id"] for late in (10, 20)}
    p95 = {}
    for late in (10, 20):
        post(client, models[late], keys["admin"])
        answer = client.post("/v1/quotes", json=tiny_order(), headers=keys["quote"]).json()
        p95[ids[late]] = promises(answer)[0]["p95"]
    done = threading.Event()

    def reload() -> int:
        n = 0
        while not done.is_set():
            late = (10, 20)[n % 2]
            assert post(client, models[late], keys["admin"]).status_code == 201
            n += 1
        return n

    def quote(_: int) -> dict[str, Any]:
        answer = client.post("/v1/quotes", json=tiny_order(), headers=keys["quote"])
        assert answer.status_code == 201, answer.text
        return answer.json()

    with ThreadPoolExecutor(5) as pool:
        reloads = pool.submit(reload)
        answers = list(pool.map(quote, range(60)))
        done.set()
        assert reloads.result() >= 2
    seen = set()
    for answer in answers:
        used = {p["calibration"] for p in promises(answer)}
        assert len(used) == 1 and used <= set(ids.values())
        (model,) = used
        assert promises(answer)[0]["p95"] == p95[model]
        seen.add(model)
    assert seen  # (which models the race gave is up to the scheduler)


def test_a_second_worker_on_the_same_store_serves_the_posted_model(
    client: httpx.Client,
    servers: tuple[LiveServer, str],
    keys: dict[str, dict[str, str]],
    models: dict[str, bytes],
    tmp_path: Path,
) -> None:
    """Another server process's app on the same database starts with the live model and
    takes a newer one, posted to the first, within its poll."""
    first = post(client, models[10], keys["admin"]).json()
    other = start_server(settings(servers[1]))
    try:
        with httpx.Client(base_url=other.url, timeout=30) as second:
            read = second.get("/v1/promise-calibrations/current", headers=keys["admin"])
            assert read.json()["id"] == first["id"]
            newer = post(client, models[20], keys["admin"]).json()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                read = second.get("/v1/promise-calibrations/current", headers=keys["admin"])
                if read.json()["version"] == newer["version"]:
                    break
                time.sleep(0.05)
            assert read.json() == newer
            quoted = second.post("/v1/quotes", json=tiny_order(), headers=keys["quote"]).json()
            assert {p["calibration"] for p in promises(quoted)} == {newer["id"]}
    finally:
        other.stop()
