"""Signing in and out of the console, and its home page.

The sign-in form is posted before there is a session, so its CSRF token is one of its own:
a random value in a short-lived HttpOnly, SameSite=Strict cookie that the form must send
back (the double-submit pattern). A valid API key opens a session (`api.console.sessions`)
whose token goes into the session cookie: HttpOnly, SameSite=Strict, Secure over https,
for `/console` only. Signing out ends the session in the store and clears the cookie.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from api.console.guard import (
    SESSION_COOKIE,
    AnyVisitor,
    CheckedForm,
    console_state,
    csrf_refused,
    same_token,
    visitor,
)
from api.console.render import PAGES, page
from api.deps import AppState
from api.problems import ProblemError

router = APIRouter()
SIGNIN_COOKIE = "glocal_console_signin"
SIGNIN_SECONDS = 3600


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    """Set (a value and an age) or clear (max_age 0) one of the console's cookies."""
    secure = request.url.scheme == "https"
    if max_age <= 0:
        response.delete_cookie(
            name, path="/console", httponly=True, samesite="strict", secure=secure
        )
        return
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=secure,
    )


@router.get("/console", include_in_schema=False)
async def home(request: Request) -> Response:
    """The pages this key may open; the sign-in form without a session."""
    try:
        found = await visitor(request)
    except ProblemError:
        return RedirectResponse("/console/sign-in", status_code=303)
    pages = [p for p in PAGES if found.can(p[2])]
    return page(request, "home.html", found, pages=pages)


@router.get("/console/sign-in", include_in_schema=False)
async def sign_in_form(request: Request, signed_out: bool = False) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "signin.html", None, signin_csrf=token, signed_out=signed_out)
    _cookie(response, request, SIGNIN_COOKIE, token, SIGNIN_SECONDS)
    return response


@router.post("/console/sign-in", include_in_schema=False)
async def sign_in(
    request: Request,
    api_key: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A valid key opens a session (303 to the console); another gets the form again."""
    if not same_token(csrf_token, request.cookies.get(SIGNIN_COOKIE, "")):
        raise csrf_refused()
    state: AppState = request.app.state.glocal
    key = await state.store.call(state.keys.verify, api_key.strip())
    if key is None:
        response = page(
            request,
            "signin.html",
            None,
            status=401,
            signin_csrf=csrf_token,
            error="That API key is not valid: it is unknown, mistyped or revoked.",
        )
        return response
    sessions = console_state(request).sessions
    await state.store.call(sessions.purge)
    opened = await state.store.call(sessions.open, key.key_id)
    response = RedirectResponse("/console", status_code=303)
    lifetime = int(state.settings.console_session_seconds)
    _cookie(response, request, SESSION_COOKIE, opened.token, lifetime)
    _cookie(response, request, SIGNIN_COOKIE, "", 0)
    return response


@router.post("/console/sign-out", include_in_schema=False)
async def sign_out(request: Request, found: AnyVisitor, form: CheckedForm) -> Response:
    state: AppState = request.app.state.glocal
    token = request.cookies.get(SESSION_COOKIE, "")
    await state.store.call(console_state(request).sessions.close, token)
    response = RedirectResponse("/console/sign-in?signed_out=true", status_code=303)
    _cookie(response, request, SESSION_COOKIE, "", 0)
    return response
