"""The guard over real HTTP: a session acts for its key only while the key is active, and
a form post needs its session's CSRF token."""

from __future__ import annotations

import re

import httpx

from api.auth import new_key
from api.store import Store
from tests.api.console.conftest import Console, signed_in_client


def test_revoking_the_key_ends_its_sessions(console: Console) -> None:
    store = Store(console.database)
    made = new_key("revoked soon", ["quote"])
    store.add_key(made.stored)
    client = signed_in_client(console, made.key)
    assert client.get("/console/network").status_code == 200
    store.revoke(made.stored.key_id)
    refused = client.get("/console/network")
    assert refused.status_code == 401 and "revoked" in refused.text
    client.close()
    store.dispose()


def test_sign_in_itself_needs_the_forms_own_token(console: Console) -> None:
    with httpx.Client(base_url=console.url) as client:
        client.get("/console/sign-in")
        refused = client.post(
            "/console/sign-in", data={"api_key": console.keys["all"], "csrf_token": "x"}
        )
        assert refused.status_code == 403 and "glocal_console=" not in str(refused.headers)


def test_a_post_with_the_token_in_its_header_is_taken(console: Console) -> None:
    client = signed_in_client(console, console.keys["all"])
    page = client.get("/console/quote").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    sent = client.post(
        "/console/quote",
        data={"order": "{}"},
        headers={"X-CSRF-Token": token.group(1), "HX-Request": "true"},
    )
    assert sent.status_code == 422  # past the guard: the empty order is what is wrong
    assert client.post("/console/quote", data={"order": "{}"}).status_code == 403
    client.close()
