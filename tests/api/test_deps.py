"""api/deps.py: the API-key dependency over the live server: 401 without a valid key,
403 without the scope, 429 past the key's rate, and usage counted for the requests it
lets through, by route template."""

from __future__ import annotations

import httpx
import pytest

from tests.api.live import LiveServer, add_key, assert_problem, bearer, flushed_usage, tiny_order


@pytest.fixture(scope="module")
def keys(tiny_api: tuple[LiveServer, str]) -> dict[str, str]:
    database = tiny_api[1]
    return {"quote": add_key(database, "quote"), "promise": add_key(database, "promise")}


def test_no_key_bad_key_wrong_scope(client: httpx.Client, keys: dict[str, str]) -> None:
    """401 without a key or with a wrong one (with WWW-Authenticate); 403 without the scope."""
    missing = assert_problem(client.get("/v1/network"), 401, "unauthorized")
    assert "Authorization: Bearer" in missing["detail"]
    wrong = client.get("/v1/network", headers=bearer(keys["quote"][:-2] + "xx"))
    assert_problem(wrong, 401, "unauthorized")
    assert wrong.headers["www-authenticate"] == "Bearer"
    basic = client.get("/v1/network", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(basic, 401, "unauthorized")
    denied = client.get("/v1/network", headers=bearer(keys["promise"]))
    assert "'quote' scope" in assert_problem(denied, 403, "missing_scope")["detail"]
    post = client.post("/v1/quotes", json=tiny_order(), headers=bearer(keys["promise"]))
    assert_problem(post, 403, "missing_scope")


def test_rate_limit_is_429_with_retry_after(tiny_api: tuple[LiveServer, str]) -> None:
    """A key of 0.1 request/s with a burst of 2: two pass, the third waits 10 s."""
    key = add_key(tiny_api[1], "quote", rate=0.1, burst=2)
    with httpx.Client(base_url=tiny_api[0].url) as c:
        codes = [c.get("/v1/network", headers=bearer(key)).status_code for _ in range(2)]
        limited = c.get("/v1/network", headers=bearer(key))
    assert codes == [200, 200]
    assert_problem(limited, 429, "rate_limited")
    assert limited.headers["retry-after"] == "10"


def test_usage_is_written_to_the_store(
    tiny_api: tuple[LiveServer, str], client: httpx.Client
) -> None:
    """Each authorised request counts toward its key's usage, flushed to the database."""
    key = add_key(tiny_api[1], "quote")
    for _ in range(3):
        assert client.get("/v1/carriers", headers=bearer(key)).status_code == 200
    usage = flushed_usage(tiny_api[1], key.split("_")[1], lambda u: sum(u.values()) >= 3)
    assert sum(usage.values()) == 3


def test_the_scheme_is_case_insensitive_and_spaces_before_the_key_are_ignored(
    client: httpx.Client, keys: dict[str, str]
) -> None:
    """`bearer` as well as `Bearer`, with spaces before the key; a scheme alone is 401."""
    loose = client.get("/v1/carriers", headers={"Authorization": f"bearer   {keys['quote']}"})
    assert loose.status_code == 200, loose.text
    assert_problem(
        client.get("/v1/carriers", headers={"Authorization": "Bearer"}), 401, "unauthorized"
    )


def test_only_admitted_requests_count_and_by_route_template(
    tiny_api: tuple[LiveServer, str], client: httpx.Client
) -> None:
    """Two requests refused for their scope count for nothing; a quote id that is not found
    counts once, under `/v1/quotes/{quote_id}` rather than its own path."""
    key = add_key(tiny_api[1], "quote")
    for _ in range(2):
        refused = client.post("/v1/promises", json={}, headers=bearer(key))
        assert_problem(refused, 403, "missing_scope")
    assert client.get("/v1/quotes/q_nothing", headers=bearer(key)).status_code == 404
    usage = flushed_usage(tiny_api[1], key.split("_")[1], lambda u: bool(u))
    assert [(route, n) for (_, _, route), n in usage.items()] == [("/v1/quotes/{quote_id}", 1)]
