"""The console's sessions, in the store (`console_sessions`).

A person signs in by pasting an API key; the console checks it (`api.auth.KeyRing`) and
opens a session: a random token of 256 bits that the browser holds in an HttpOnly,
SameSite=Strict cookie. The store keeps only the token's sha256 (as it keeps only a key's
salted hash), the key id the session acts for, a CSRF token of the session's own that every
form sends back, and when the session ends. A session ends at its expiry, at sign-out, or
when its key is revoked (the guard looks the key up on every request).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from api.store import Store, console_sessions
from api.store.faults import translate_faults


@dataclass(frozen=True)
class ConsoleSession:
    key_id: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Opened:
    """A new session: `token` is the cookie's value, the only copy of it."""

    token: str
    session: ConsoleSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class ConsoleSessions:
    """Open, find and close sessions; each method one short transaction."""

    def __init__(self, store: Store, lifetime_s: float) -> None:
        self._store = store
        self._lifetime = timedelta(seconds=lifetime_s)

    @translate_faults
    def open(self, key_id: str, now: datetime | None = None) -> Opened:
        now = now or _now()
        token = secrets.token_urlsafe(32)
        session = ConsoleSession(key_id, secrets.token_urlsafe(32), now, now + self._lifetime)
        with self._store.engine.begin() as conn:
            conn.execute(
                console_sessions.insert().values(
                    token_hash=token_hash(token),
                    key_id=key_id,
                    csrf_token=session.csrf_token,
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                )
            )
        return Opened(token, session)

    @translate_faults
    def find(self, token: str, now: datetime | None = None) -> ConsoleSession | None:
        """The session of this cookie, unless it is unknown or has expired."""
        if not token or len(token) > 128:
            return None
        table = console_sessions
        query = table.select().where(
            table.c.token_hash == token_hash(token), table.c.expires_at > (now or _now())
        )
        with self._store.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return ConsoleSession(row.key_id, row.csrf_token, row.created_at, row.expires_at)

    @translate_faults
    def close(self, token: str) -> bool:
        """End a session (sign-out); False when there was none."""
        table = console_sessions
        with self._store.engine.begin() as conn:
            done = conn.execute(table.delete().where(table.c.token_hash == token_hash(token)))
        return bool(done.rowcount)

    @translate_faults
    def purge(self, now: datetime | None = None) -> int:
        """Delete the sessions that have expired; returns how many."""
        table = console_sessions
        with self._store.engine.begin() as conn:
            done = conn.execute(table.delete().where(table.c.expires_at <= (now or _now())))
        return int(done.rowcount)
