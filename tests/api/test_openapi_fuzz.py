"""Schemathesis against the API's own OpenAPI document, served by the live test server:
generated requests (bounded, fixed seed) never get a 5xx, and every answer conforms to
the documented status codes, content types, headers and schemas."""

from __future__ import annotations

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
from api.settings import Settings
from tests.api.live import TINY, LiveServer, add_key

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
schema = schemathesis.openapi.from_dict(create_app(Settings(network=TINY)).openapi())


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
