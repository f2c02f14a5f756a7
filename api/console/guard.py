"""Who is at the console, and what they may do: the dependencies of its pages.

`Visitor` is the signed-in person: their session (from the HttpOnly cookie) and the API key
it acts for, looked up on every request, so that a revoked key ends its sessions at once.
`Page(scope)` admits a visitor whose key grants the scope (401 without a session, 403
without the scope). `CheckedForm` is the body of a form post whose CSRF token matches the
session's; a post without it, or with another, is refused (403) before anything is done.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from api.auth import grants
from api.console.comparisons import Comparisons
from api.console.sessions import ConsoleSession, ConsoleSessions
from api.deps import AppState
from api.problems import ProblemError
from api.store import StoredKey

SESSION_COOKIE = "glocal_console"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class ConsoleState:
    """The console's part of the app's state."""

    sessions: ConsoleSessions
    comparisons: Comparisons


@dataclass(frozen=True)
class Visitor:
    key: StoredKey
    session: ConsoleSession

    def can(self, scope: str) -> bool:
        return grants(self.key, scope)


def console_state(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.glocal_console
    return state


def not_signed_in(detail: str) -> ProblemError:
    return ProblemError(401, "not_signed_in", detail, title="Not signed in")


async def visitor(request: Request) -> Visitor:
    """The signed-in visitor, or 401."""
    state: AppState = request.app.state.glocal
    token = request.cookies.get(SESSION_COOKIE, "")
    session = await state.store.call(console_state(request).sessions.find, token)
    if session is None:
        raise not_signed_in(
            "there is no console session here (never opened, signed out or expired)"
        )
    key = await state.store.call(state.store.key, session.key_id)
    if key is None or key.revoked_at is not None:
        await state.store.call(console_state(request).sessions.close, token)
        raise not_signed_in("the API key of this session has been revoked")
    found = Visitor(key, session)
    request.scope.setdefault("state", {}).update(key_id=key.key_id, console_visitor=found)
    return found


class Page:
    """A page for visitors whose key grants `scope`."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    async def __call__(self, found: Annotated[Visitor, Depends(visitor)]) -> Visitor:
        if not found.can(self.scope):
            raise ProblemError(
                403,
                "missing_scope",
                f"this page needs an API key with the {self.scope!r} scope",
                title="Forbidden",
            )
        return found


async def checked_form(request: Request, found: Annotated[Visitor, Depends(visitor)]) -> FormData:
    """The posted form, once its CSRF token is the session's (field or header)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not isinstance(sent, str) or not same_token(sent, found.session.csrf_token):
        raise csrf_refused()
    return form


def same_token(sent: str, expected: str) -> bool:
    return bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


def csrf_refused() -> ProblemError:
    return ProblemError(
        403,
        "csrf_failed",
        "the form did not carry this session's CSRF token",
        title="Form refused",
    )


AnyVisitor = Annotated[Visitor, Depends(visitor)]
QuoteVisitor = Annotated[Visitor, Depends(Page("quote"))]
PromiseVisitor = Annotated[Visitor, Depends(Page("promise"))]
PlanVisitor = Annotated[Visitor, Depends(Page("plan"))]
CheckedForm = Annotated[FormData, Depends(checked_form)]
