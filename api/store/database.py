"""The service's store: API keys, quotes, usage and plan jobs, in SQLite or PostgreSQL
(SQLAlchemy 2 Core).

`Store(url)` opens a database by URL: `sqlite:///glocal.sqlite3` (a file, relative to the
working directory, in a directory that must exist) or `postgresql://user:password@host/db`
(psycopg 3); any other URL is refused first, in one line (`check_database_url`).
`upgrade()` brings its schema to the latest revision (`api.store.schema`). Every method is
one short transaction; the tables are in `api.store.tables`. A method that fails because
the database does (its file or disk cannot be written, its server does not answer) raises
`StoreUnavailable` (`api.store.faults`), and so does a method run by `call`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from api.store import schema
from api.store.faults import invalidate_on_fault, translate_faults, unavailable
from api.store.tables import UtcDateTime, api_keys, heartbeat, quotes, usage
from carriers.errors import StoreError

T = TypeVar("T")
log = logging.getLogger("glocal.store")

# The statements of the request path, built once (building one costs more than running it).
_INSERT_QUOTE = quotes.insert()
_SELECT_KEY = api_keys.select().where(api_keys.c.key_id == sa.bindparam("key_id"))
_SELECT_QUOTE = quotes.select().where(
    quotes.c.quote_id == sa.bindparam("quote_id"),
    quotes.c.expires_at > sa.bindparam("now", type_=UtcDateTime),
)


@dataclass(frozen=True)
class StoredKey:
    key_id: str
    name: str
    scopes: frozenset[str]
    salt: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None
    rate_per_s: float | None = None
    burst: int | None = None


@dataclass(frozen=True)
class StoredQuote:
    quote_id: str
    key_id: str
    order_id: str
    market: str
    created_at: datetime
    expires_at: datetime
    body: str  # JSON text
    bookable: str | None = None  # JSON: what booking each option takes (api.store.bookings)


def engine_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3, the driver glocal installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# The URLs glocal opens (after `engine_url`), by drivername: what each is.
_DRIVERS = {"sqlite": "sqlite", "sqlite+pysqlite": "sqlite", "postgresql+psycopg": "postgresql"}
_GIVE = "give sqlite:///path/to/glocal.sqlite3 or postgresql://user:password@host/db"


def check_database_url(url: str) -> None:
    """Refuse, in one line (StoreError), a URL glocal cannot serve from, before anything
    is opened or made: not a URL; another database than SQLite or PostgreSQL (psycopg);
    an in-memory SQLite database (each connection would have its own, empty); a SQLite
    file in a directory that is not there (none is made for it). The message shows no
    password."""
    try:
        parsed = sa.engine.make_url(engine_url(url))
    except sa.exc.ArgumentError:
        raise StoreError(f"the database URL is not a URL; {_GIVE}") from None
    if parsed.drivername not in _DRIVERS:
        raise StoreError(
            f"the database URL is {parsed.drivername}://..., not one glocal uses; {_GIVE}"
        )
    if _DRIVERS[parsed.drivername] == "sqlite":
        _check_sqlite_file(parsed)


def _check_sqlite_file(parsed: sa.URL) -> None:
    database = parsed.database or ""
    uri = parsed.query.get("uri") == "true"
    path = database.removeprefix("file:") if uri else database
    if path in ("", ":memory:") or parsed.query.get("mode") == "memory":
        raise StoreError(
            "an in-memory SQLite database cannot hold glocal's store (each connection "
            "would see its own, empty); give a file: sqlite:///path/to/glocal.sqlite3"
        )
    directory = Path(path).parent
    if not directory.is_dir():
        why = "is not a directory" if directory.exists() else "does not exist"
        raise StoreError(f"the database's directory {directory} {why}; create it first")


def _to_wal(cursor: Any, seconds: float = 30.0) -> None:
    """Switch the file to write-ahead logging. Connections opening a new file together all
    switch it, and SQLite answers 'database is locked' at once to those that find another
    switching (its busy handler does not wait on that lock), so they try again."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_engine(url: str, autocheckpoint: bool) -> Engine:
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver's implicit BEGIN skips DDL; we begin
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        _to_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        if not autocheckpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    """API keys, quotes and usage; every method is one short transaction."""

    def __init__(self, url: str, background_checkpoints: bool = False) -> None:
        """`background_checkpoints`: SQLite's commits never copy the write-ahead log into
        the database file themselves; `checkpoint` does, called from a thread (the server
        does once a second). Done by a commit, on the event loop, that copy and its fsync
        stalled a worker's requests: commit p99 32 ms, 2.4 ms without (measured).

        A URL glocal cannot use is a StoreError here (`check_database_url`)."""
        check_database_url(url)
        url = engine_url(url)
        if url.startswith("sqlite"):
            self.engine = _sqlite_engine(url, autocheckpoint=not background_checkpoints)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        invalidate_on_fault(self.engine)
        self.dialect = self.engine.dialect.name
        self._beat = _heartbeat(self.dialect)
        self._writer: Connection | None = None  # SQLite: the quote writer's own connection
        self._writer_lock = threading.Lock()

    def dispose(self) -> None:
        with self._writer_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        self.engine.dispose()

    async def call(self, method: Callable[..., T], *args: Any) -> T:
        """Run a store method from the event loop. A local SQLite file answers in well
        under a millisecond: in place (a thread hop costs more, and the two threads'
        hand-offs of the GIL stall the loop). PostgreSQL waits on the network and on its
        commit's fsync: in a thread, so other requests go on meanwhile. A fault of the
        database, whoever's the method (`api.jobs.records` too), is StoreUnavailable."""
        with translate_faults:
            if self.dialect == "sqlite":
                return method(*args)
            return await asyncio.to_thread(method, *args)

    def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database file, without holding up
        writers (PASSIVE); nothing to do on PostgreSQL."""
        if self.dialect != "sqlite":
            return
        raw = self.engine.raw_connection()  # no transaction: the pragma cannot run in one
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.fetchall()
        finally:
            raw.close()

    # -- schema -------------------------------------------------------------------------

    @translate_faults
    def version(self) -> str | None:
        """The database's schema revision (None when it is empty)."""
        return schema.revision(self.engine)

    @translate_faults
    def upgrade(self) -> str:
        """Bring the schema to the latest revision in place (`api.store.schema`)."""
        return schema.upgrade(self.engine)

    def writable(self) -> bool:
        """Whether the database takes a write now (for readiness checks): its heartbeat
        row is rewritten and committed. A real commit, as a quote's: a write rolled back
        never reaches SQLite's log, so it would pass on a file that cannot be written.
        Tried twice: a failure retires the pool's connections (`api.store.faults`), so the
        second try is on a new one, and the answer is true again as soon as the database
        is writable again."""
        for attempt in (1, 2):
            try:
                with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
                    conn.execute(self._beat, {"beat_at": _now()})
                return True
            except (sa.exc.SQLAlchemyError, OSError) as exc:
                if attempt == 2:
                    found = unavailable(exc)
                    reason = str(exc).splitlines()[0] if found is None else found.message
                    log.warning("the database cannot be written", extra={"error": reason})
        return False

    # -- API keys -----------------------------------------------------------------------

    @translate_faults
    def add_key(self, key: StoredKey) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key.key_id,
                    name=key.name,
                    scopes=" ".join(sorted(key.scopes)),
                    salt=key.salt,
                    key_hash=key.key_hash,
                    created_at=key.created_at,
                    revoked_at=key.revoked_at,
                    rate_per_s=key.rate_per_s,
                    burst=key.burst,
                )
            )

    @translate_faults
    def key(self, key_id: str) -> StoredKey | None:
        with self.engine.connect() as conn:
            row = conn.execute(_SELECT_KEY, {"key_id": key_id}).first()
        return None if row is None else _stored_key(row._mapping)

    @translate_faults
    def all_keys(self) -> list[StoredKey]:
        with self.engine.connect() as conn:
            rows = conn.execute(api_keys.select().order_by(api_keys.c.created_at)).all()
        return [_stored_key(row._mapping) for row in rows]

    @translate_faults
    def revoke(self, key_id: str, at: datetime | None = None) -> bool:
        """Revoke an active key; False when there is no such active key."""
        with self.engine.begin() as conn:
            done = conn.execute(
                api_keys.update()
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=at or _now())
            )
        return bool(done.rowcount)

    # -- quotes -------------------------------------------------------------------------

    @translate_faults
    def save_quote(self, quote: StoredQuote) -> None:
        self.save_quotes([quote])

    @translate_faults
    def save_quotes(self, batch: list[StoredQuote]) -> None:
        """Insert quotes in one transaction, all or none. On SQLite, on a connection held
        for it: a pooled connection's checkout, events and reset cost more than inserting
        a few quotes (the writer's batches are small: see `api.quote_writer`)."""
        rows = [vars(q) for q in batch]  # (asdict would deep-copy each body)
        if self.dialect != "sqlite":
            with self.engine.begin() as conn:
                conn.execute(_INSERT_QUOTE, rows)
            return
        with self._writer_lock:
            if self._writer is None:
                self._writer = self.engine.connect().execution_options(immediate=True)
            # after a fault this connection is invalidated (`api.store.faults`), and
            # SQLAlchemy opens it anew on its next use
            with self._writer.begin():
                self._writer.execute(_INSERT_QUOTE, rows)

    @translate_faults
    def quote(self, quote_id: str, now: datetime | None = None) -> StoredQuote | None:
        """A stored quote that has not expired yet."""
        with self.engine.connect() as conn:
            row = conn.execute(_SELECT_QUOTE, {"quote_id": quote_id, "now": now or _now()}).first()
        return None if row is None else StoredQuote(**row._mapping)

    @translate_faults
    def purge_quotes(self, now: datetime | None = None) -> int:
        """Delete expired quotes; returns how many."""
        with self.engine.begin() as conn:
            done = conn.execute(quotes.delete().where(quotes.c.expires_at <= (now or _now())))
        return int(done.rowcount)

    # -- usage --------------------------------------------------------------------------

    @translate_faults
    def add_usage(self, counts: Mapping[tuple[str, date, str], int]) -> None:
        """Add request counts per (key id, UTC day, route) to the stored totals."""
        if not counts:
            return
        rows = [
            {"key_id": k, "day": d, "route": r, "requests": n} for (k, d, r), n in counts.items()
        ]
        insert = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(usage)
        upsert = insert.on_conflict_do_update(
            index_elements=[usage.c.key_id, usage.c.day, usage.c.route],
            set_={"requests": usage.c.requests + insert.excluded.requests},
        )
        with self.engine.begin() as conn:
            conn.execute(upsert, rows)

    @translate_faults
    def usage(self, key_id: str | None = None) -> dict[tuple[str, date, str], int]:
        query = usage.select()
        if key_id is not None:
            query = query.where(usage.c.key_id == key_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {(r.key_id, r.day, r.route): int(r.requests) for r in rows}

    @translate_faults
    def requests_by_key(self) -> dict[str, int]:
        query = sa.select(usage.c.key_id, sa.func.sum(usage.c.requests)).group_by(usage.c.key_id)
        with self.engine.connect() as conn:
            return {k: int(n) for k, n in conn.execute(query).all()}


def _heartbeat(dialect: str) -> sa.Insert:
    """Rewrite the one heartbeat row, made if it is missing (so always a write)."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(heartbeat)
    beat_at = sa.bindparam("beat_at", type_=UtcDateTime)
    return insert.values(id=1, beat_at=beat_at).on_conflict_do_update(
        index_elements=[heartbeat.c.id], set_={"beat_at": insert.excluded.beat_at}
    )


def _stored_key(row: sa.RowMapping) -> StoredKey:
    return StoredKey(
        key_id=row["key_id"],
        name=row["name"],
        scopes=frozenset(row["scopes"].split()),
        salt=row["salt"],
        key_hash=row["key_hash"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        rate_per_s=row["rate_per_s"],
        burst=row["burst"],
    )


def _now() -> datetime:
    return datetime.now(UTC)
