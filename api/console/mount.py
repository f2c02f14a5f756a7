"""Putting the console into the app: its routers under `/console`, its static files (the
console's own scripts and styles, and the vendored libraries with their licences) at
`/console/static`, its error page, and its state (sessions, comparisons) on start-up."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.console import errors
from api.console.comparisons import Comparisons
from api.console.guard import ConsoleState
from api.console.render import HERE
from api.console.routes import ROUTERS
from api.console.sessions import ConsoleSessions
from api.deps import AppState


def install(app: FastAPI) -> None:
    """Add the console to an app whose problem handlers are registered."""
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    errors.install(app)


def open_state(state: AppState) -> ConsoleState:
    return ConsoleState(
        sessions=ConsoleSessions(state.store, state.settings.console_session_seconds),
        comparisons=Comparisons(state.store),
    )
