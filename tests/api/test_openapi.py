"""api/openapi.py: the OpenAPI document the app serves: request bodies with examples,
problem responses, the server's own caps, every reference resolved; and Schemathesis
against it on the live test server: generated requests (bounded, fixed seed) never get a
5xx, and every answer conforms to the documented status codes, content types, headers
and schemas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.openapi import json_body, problems
from api.schemas import PromiseRequest
from api.settings import Settings
from tests.api.live import PROBLEM, TINY, LiveServer, add_key

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def admin_key(tiny_api: tuple[LiveServer, str]) -> str:
    return add_key(tiny_api[1], "admin")


# The document the app serves (it needs no network nor database to be written).
DOCUMENT = create_app(Settings(network=TINY)).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@schema.parametrize()
@hypothesis.settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
@hypothesis.seed(20261126)
def test_api_conforms_to_its_openapi(
    case: schemathesis.Case, tiny_api: tuple[LiveServer, str], admin_key: str
) -> None:
    case.call_and_validate(
        base_url=tiny_api[0].url,
        headers={"Authorization": f"Bearer {admin_key}"},
        checks=CHECKS,
    )


def test_openapi_documents_bodies_examples_and_problems(client: httpx.Client) -> None:
    """The OpenAPI document has the order schema with examples and problem responses."""
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/v1/quotes"]["post"]
    body = post["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/OrderRequest"}
    assert set(body["examples"]) == {"spain", "brazil"}
    assert post["responses"]["422"]["content"][PROBLEM]["schema"]["$ref"].endswith("ProblemDetails")
    order = spec["components"]["schemas"]["OrderRequest"]
    assert order["properties"]["parcels"]["maxItems"] == 50
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_the_document_states_this_servers_caps() -> None:
    """The caps in the settings (7 parcels, 9 items, 3 destinations) are the maxItems the
    document gives, and the document is written once."""
    app = create_app(Settings(network=TINY, max_parcels=7, max_items=9, max_destinations=3))
    spec = app.openapi()
    models = spec["components"]["schemas"]
    assert models["OrderRequest"]["properties"]["parcels"]["maxItems"] == 7
    assert models["OrderRequest"]["properties"]["items"]["maxItems"] == 9
    assert models["PromiseRequest"]["properties"]["destinations"]["maxItems"] == 3
    assert app.openapi() is spec


def refs(node: Any) -> Iterator[str]:
    """Every `$ref` anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_every_reference_names_a_component_the_document_has() -> None:
    """The request and problem models the routes refer to by hand are all in components."""
    names = {ref.removeprefix("#/components/schemas/") for ref in refs(DOCUMENT)}
    assert {"OrderRequest", "PromiseRequest", "ProblemDetails"} <= names
    assert names <= set(DOCUMENT["components"]["schemas"])


def test_problem_responses_and_raw_bodies_are_written_as_documented() -> None:
    """Each status gets its title and the problem schema, 429 its Retry-After; a raw body's
    examples are summarised by their names."""
    documented = problems(404, 429)
    assert documented[404]["description"] == "Not found"
    schema_of = documented[404]["content"][PROBLEM]["schema"]
    assert schema_of == {"$ref": "#/components/schemas/ProblemDetails"}
    assert "headers" not in documented[404]
    assert set(documented[429]["headers"]) == {"Retry-After"}
    body = json_body(PromiseRequest, {"product_page": {"x": 1}})["requestBody"]
    content = body["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/PromiseRequest"}
    assert content["examples"] == {"product_page": {"summary": "product page", "value": {"x": 1}}}
