"""Signing in and out of the console in a real Chromium: the key opens a session, the
key's scopes choose the pages, signing out ends it for good, and a form without its CSRF
token is refused."""

from __future__ import annotations

import re
from typing import Any

import httpx

from api.jobs.records import JobRecords
from api.store import Store
from tests.api.console.conftest import Console, new_page, shoot, sign_in


def test_a_key_signs_in_and_its_scopes_choose_the_pages(browser: Any, console: Console) -> None:
    """The key of every scope sees every page; a quote-only key sees the network and the
    sandbox, and the plans page refuses it with the error page (403)."""
    page = new_page(browser, console)
    page.goto("/console/sign-in")
    shoot(page, console, "sign-in")
    sign_in(page, console.keys["all"])
    nav = page.get_by_role("navigation", name="Pages")
    assert nav.get_by_role("link").all_inner_texts() == [
        "Network",
        "Plans",
        "Scenarios",
        "Designs",
        "Promises",
        "Quote sandbox",
    ]
    cookie = next(c for c in page.context.cookies() if c["name"] == "glocal_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
    page.context.close()

    page = new_page(browser, console)
    sign_in(page, console.keys["quote"])
    nav = page.get_by_role("navigation", name="Pages")
    assert nav.get_by_role("link").all_inner_texts() == ["Network", "Quote sandbox"]
    response = page.goto("/console/plans")
    assert response is not None and response.status == 403
    assert page.get_by_role("heading", level=1).inner_text().startswith("Forbidden")
    assert "plan" in page.locator(".detail").inner_text()
    page.context.close()


def test_a_wrong_key_is_told_so_and_gets_no_session(browser: Any, console: Console) -> None:
    page = new_page(browser, console)
    page.goto("/console/sign-in")
    page.get_by_label("API key").fill("glocal_nothere_secret")
    page.get_by_role("button", name="Sign in").click()
    assert "not valid" in page.get_by_role("alert").inner_text()
    assert not [c for c in page.context.cookies() if c["name"] == "glocal_console"]
    page.context.close()


def test_after_sign_out_the_pages_refuse_even_the_old_cookie(
    browser: Any, console: Console
) -> None:
    """Signing out clears the cookie, and the session is gone from the server: the old
    cookie, sent again by another client, gets the 401 page."""
    page = new_page(browser, console)
    sign_in(page, console.keys["all"])
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "glocal_console")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/console/sign-in"))
    assert "signed out" in page.get_by_role("status").inner_text()
    response = page.goto("/console/network")
    assert response is not None and response.status == 401
    assert page.get_by_role("link", name="Sign in").is_visible()
    shoot(page, console, "error")
    page.context.close()
    replay = httpx.get(f"{console.url}/console/plans", cookies={"glocal_console": token})
    assert replay.status_code == 401
    assert "Not signed in" in replay.text


def test_a_form_without_its_csrf_token_is_refused(signed_in: Any, console: Console) -> None:
    """The upload form with its token taken out is refused (403) and queues no plan; with
    a forged token it is refused too."""
    page = signed_in
    before = plans_of(console)
    page.goto("/console/plans")
    page.locator("#upload input[name=csrf_token]").evaluate("input => input.remove()")
    page.set_input_files("#orders", files=[])  # the file is not what is checked
    page.locator("#upload").evaluate("form => form.noValidate = true")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan these orders").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Form refused")
    assert "CSRF" in page.locator(".detail").inner_text()
    page.goto("/console/plans")
    page.locator("#upload input[name=csrf_token]").evaluate("input => input.value = 'forged'")
    page.locator("#upload").evaluate("form => form.noValidate = true")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan these orders").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Form refused")
    assert plans_of(console) == before


def plans_of(console: Console) -> int:
    store = Store(console.database)
    key_id = console.keys["all"].split("_")[1]
    found = len(JobRecords(store).of_key(key_id, 1000))
    store.dispose()
    return found
