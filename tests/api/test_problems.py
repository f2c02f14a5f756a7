"""api/problems.py: every error is an RFC 9457 problem+json document (type, title, status,
detail, code, request id; a 422 lists its fields): glocal's errors, FastAPI's validation
errors and Starlette's HTTP errors, over the live server and through the writers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.problems import ProblemError, field_path, from_glocal_error, problem_body
from api.schemas import SPANISH_ORDER
from carriers.errors import (
    GlocalError,
    InvalidNetwork,
    InvalidOrder,
    NoFeasibleRoute,
    Problem,
    UnknownNode,
)
from tests.api.live import LiveServer, add_key, assert_problem, bearer, tiny_order


@pytest.fixture(scope="module")
def keys(tiny_api: tuple[LiveServer, str]) -> dict[str, str]:
    return {"quote": add_key(tiny_api[1], "quote")}


def test_invalid_order_lists_every_problem_by_field(
    client: httpx.Client, keys: dict[str, str]
) -> None:
    """A 422 names each bad field by its path, all at once."""
    order = tiny_order(destination={"country": "XX", "postal_code": "1"})
    order["parcels"] = [{"length_cm": 10, "width_cm": 10, "height_cm": 10}]
    order["items"] = [dict(SPANISH_ORDER["items"][0], hs_code="12"), "not an item"]
    del order["created_at"]
    body = assert_problem(
        client.post("/v1/quotes", json=order, headers=bearer(keys["quote"])), 422, "invalid_order"
    )
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert set(fields) == {
        "destination.country",
        "parcels[0].weight_kg",
        "items[0].hs_code",
        "items[1]",
        "created_at",
    }
    assert fields["items[0].hs_code"] == "must be 6-10 digits"


def test_unknown_quote_route_and_method(client: httpx.Client, keys: dict[str, str]) -> None:
    """An unknown quote id, route or method is a problem too."""
    missing = client.get("/v1/quotes/q_doesnotexist", headers=bearer(keys["quote"]))
    assert "q_doesnotexist" in assert_problem(missing, 404, "quote_not_found")["detail"]
    assert_problem(client.get("/v2/anything"), 404, "not_found")
    assert_problem(client.delete("/healthz"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("items", 1, "hs_code"), "items[1].hs_code"),
        (("destination", "country"), "destination.country"),
        (("parcels", 0), "parcels[0]"),
        (("origin",), "origin"),
        ((0, "amount"), "[0].amount"),
        ((), ""),
    ],
)
def test_field_path_writes_indices_in_brackets_and_names_after_dots(
    loc: tuple[Any, ...], path: str
) -> None:
    """A location tuple reads as the field path a client sees (worked by hand)."""
    assert field_path(loc) == path


def test_problem_body_has_only_the_members_that_apply() -> None:
    """No instance or request id when unknown; `errors` on a 422 (empty if need be) or
    when there are field errors, and not otherwise."""
    assert problem_body(404, "quote_not_found", "Not found", "no quote", request_id=None) == {
        "type": "urn:glocal:problem:quote_not_found",
        "title": "Not found",
        "status": 404,
        "detail": "no quote",
        "code": "quote_not_found",
    }
    bare_422 = problem_body(422, "invalid_request", "t", "d", request_id="r1", instance="/v1/x")
    assert bare_422["errors"] == [] and bare_422["request_id"] == "r1"
    assert bare_422["instance"] == "/v1/x"
    listed = problem_body(
        400, "bad", "t", "d", request_id=None, errors=[Problem("request", "a[0]", "wrong")]
    )
    assert listed["errors"] == [{"field": "a[0]", "message": "wrong"}]


def test_problem_error_takes_its_title_from_the_status() -> None:
    """The standard title of the status, unless one is given; "Error" for an odd status."""
    assert ProblemError(429, "rate_limited", "wait").title == "Too many requests"
    assert ProblemError(404, "x", "d", title="Gone fishing").title == "Gone fishing"
    assert ProblemError(418, "teapot", "d").title == "Error"


@pytest.mark.parametrize(
    ("error", "code", "title"),
    [
        (
            InvalidOrder([Problem("order", "items[0].hs_code", "must be 6-10 digits")]),
            "invalid_order",
            "The order is invalid",
        ),
        (UnknownNode("CN-XXX-WH"), "unknown_node", "Unknown node"),
        (
            NoFeasibleRoute("nothing goes to FR"),
            "no_feasible_route",
            "No route can carry this order",
        ),
    ],
)
def test_the_clients_errors_are_422_with_their_message_and_fields(
    error: GlocalError, code: str, title: str
) -> None:
    """An error the client can fix keeps its code, message and field problems."""
    problem = from_glocal_error(error)
    assert (problem.status, problem.code, problem.title) == (422, code, title)
    assert problem.detail == error.message
    assert problem.errors == error.problems


def test_an_error_with_order_problems_is_the_clients_whatever_its_code() -> None:
    """A code outside the client list, but whose problems are in the order, is a 422."""
    error = GlocalError("not priceable", (Problem("order", "parcels[0]", "too heavy"),))
    problem = from_glocal_error(error)
    assert (problem.status, problem.code) == (422, "glocal_error")
    assert [p.field for p in problem.errors] == ["parcels[0]"]


def test_a_broken_data_file_is_ours_a_500_that_names_nothing_inside() -> None:
    """A broken network is the server's fault: 500, and not a word of the file or field."""
    broken = InvalidNetwork([Problem("/srv/data/nodes.csv:3", "lat", "must be a number")])
    problem = from_glocal_error(broken)
    assert (problem.status, problem.code, problem.errors) == (500, "internal_error", ())
    assert "nodes.csv" not in problem.detail and "lat" not in problem.detail


def test_a_query_parameter_fastapi_refuses_is_a_422_naming_each_parameter(
    tiny_api: tuple[LiveServer, str], client: httpx.Client
) -> None:
    """FastAPI's own validation (the plan options, read from the query) comes back as an
    invalid_request problem listing each parameter by name, not FastAPI's `detail` list."""
    key = add_key(tiny_api[1], "plan")
    refused = client.post("/v1/plans?horizon_days=0&time_limit_s=abc", headers=bearer(key))
    body = assert_problem(refused, 422, "invalid_request")
    assert [e["field"] for e in body["errors"]] == ["horizon_days", "time_limit_s"]
    assert body["detail"].startswith("horizon_days: ")
