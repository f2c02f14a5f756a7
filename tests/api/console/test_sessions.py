"""Console sessions in a real SQLite store: only the token's hash is kept, a session is
found until it expires, sign-out ends it, expired ones are purged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from api.console.sessions import ConsoleSessions, token_hash
from api.store import Store, console_sessions

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def sessions(tmp_path: Path) -> tuple[Store, ConsoleSessions]:
    store = Store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    store.upgrade()
    return store, ConsoleSessions(store, lifetime_s=3600)


def test_a_session_is_found_until_it_expires_and_keeps_no_token(tmp_path: Path) -> None:
    store, found = sessions(tmp_path)
    opened = found.open("key1", now=NOW)
    assert opened.session.expires_at == NOW + timedelta(hours=1)
    with store.engine.connect() as conn:
        kept = conn.execute(sa.select(console_sessions.c.token_hash)).scalars().all()
    assert kept == [token_hash(opened.token)] and opened.token not in kept
    again = found.find(opened.token, now=NOW + timedelta(minutes=59))
    assert again is not None and again.key_id == "key1"
    assert again.csrf_token == opened.session.csrf_token != opened.token
    assert found.find(opened.token, now=NOW + timedelta(hours=1)) is None
    assert found.find("not-a-token", now=NOW) is None
    assert found.find("", now=NOW) is None
    store.dispose()


def test_sign_out_ends_a_session_and_purge_removes_expired_ones(tmp_path: Path) -> None:
    store, found = sessions(tmp_path)
    first, second = found.open("k", now=NOW), found.open("k", now=NOW + timedelta(hours=2))
    assert found.close(second.token) and not found.close(second.token)
    assert found.find(second.token, now=NOW + timedelta(hours=2)) is None
    assert found.purge(now=NOW + timedelta(hours=1, seconds=1)) == 1
    assert found.purge(now=NOW + timedelta(hours=5)) == 0
    assert found.find(first.token, now=NOW) is None
    store.dispose()
