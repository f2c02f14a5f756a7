"""The error page is problem+json's human twin: the same status, detail and request id as
the API's problem document, what to do, on console paths only."""

from __future__ import annotations

import httpx

from api.console.errors import advice
from tests.api.console.conftest import Console


def test_a_console_path_gets_the_page_and_an_api_path_the_json(console: Console) -> None:
    page = httpx.get(f"{console.url}/console/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert page.headers["x-request-id"] in page.text
    assert (
        "What to do" in page.text
        and "default-src 'self'" in page.headers["content-security-policy"]
    )
    api = httpx.get(f"{console.url}/v1/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_an_htmx_request_gets_the_error_block_alone(console: Console) -> None:
    got = httpx.get(f"{console.url}/console/plans", headers={"HX-Request": "true"})
    assert got.status_code == 401 and "<html" not in got.text
    assert 'role="alert"' in got.text and "Sign in" in got.text


def test_the_advice_is_by_code_then_by_status() -> None:
    assert "scope" in advice({"code": "missing_scope", "status": 403})
    assert "fields listed" in advice({"code": "invalid_order", "status": 422})
    assert "request id" in advice({"code": "internal_error", "status": 500})
